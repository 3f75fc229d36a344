import { describe, expect, it } from 'vitest';
import { compileExpression } from './expression.js';
import { parseQuantity } from './quantity.js';

const run = (text: string, names: string[] = [], values: number[] = []): number | string => {
  const f = compileExpression(text, names);
  return typeof f === 'string' ? f : f(values);
};

describe('parseQuantity', () => {
  it('reads plain numbers and numbers with SI or binary prefixes', () => {
    expect(parseQuantity('1.2GHz')).toBeCloseTo(1.2e9);
    expect(parseQuantity('3TB/s')).toBe(3e12);
    expect(parseQuantity('96GiB')).toBe(96 * 2 ** 30);
    expect(parseQuantity('858mm2')).toBe(858);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity(42)).toBe(42);
  });
  it('refuses units it does not know and binary prefixes on non-bytes', () => {
    expect(parseQuantity('3 furlongs')).toBeUndefined();
    expect(parseQuantity('2GiHz')).toBeUndefined();
    expect(parseQuantity(Number.NaN)).toBeUndefined();
  });
});

describe('compileExpression', () => {
  it('follows precedence, parentheses, unary minus and functions', () => {
    expect(run('1 + 2 * 3')).toBe(7);
    expect(run('(1 + 2) * 3')).toBe(9);
    expect(run('-2 * 3 - 1')).toBe(-7);
    expect(run('10 / 4 / 5')).toBe(0.5);
    expect(run('max(2, min(7, 5)) + ceil(0.2)')).toBe(6);
    expect(run('pow2(3) + log2(8)')).toBe(11);
  });
  it('reads knobs and quantities', () => {
    expect(run('stacks * 819GB/s', ['stacks'], [6])).toBeCloseTo(6 * 819e9);
    expect(run('a-b', ['a', 'b'], [5, 2])).toBe(3);
  });
  it('names what it cannot read', () => {
    expect(run('stacks * 2', ['hbm'])).toMatch(/unknown name 'stacks' \(knobs: hbm\)/);
    expect(run('(1 + 2')).toMatch(/missing '\)'/);
    expect(run('1 2')).toMatch(/unexpected '2'/);
    expect(run('max(1)')).toMatch(/'max' takes 2 argument/);
    expect(run('1 $ 2')).toMatch(/cannot read/);
  });
});
