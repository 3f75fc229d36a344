import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { CHIP_PRESETS } from '../arch/presets/index.js';
import { applyToChip, knobLevels, levelValue, parseFieldPath, pathExists, setPath, unitValue } from './knobs.js';
import type { ChipSpec } from '../arch/chip-spec.js';
import type { KnobRange } from './sweep-spec.js';

describe('knob ranges', () => {
  const int: KnobRange = { kind: 'int', min: 2, max: 9, step: 3 };
  const pow2: KnobRange = { kind: 'pow2', min: 64, max: 512 };
  const float: KnobRange = { kind: 'float', min: 1, max: 2, steps: 5, log: false };
  const log: KnobRange = { kind: 'float', min: 1, max: 100, steps: 3, log: true };
  const values: KnobRange = { kind: 'values', values: ['HBM3', 'HBM3e'] };

  it('counts and lists the levels of each range', () => {
    expect([int, pow2, float, values].map(knobLevels)).toEqual([3, 4, 5, 2]);
    expect([0, 1, 2].map((l) => levelValue(int, l))).toEqual([2, 5, 8]);
    expect([0, 1, 2, 3].map((l) => levelValue(pow2, l))).toEqual([64, 128, 256, 512]);
    expect(levelValue(float, 4)).toBe(2);
    expect([0, 1, 2].map((l) => levelValue(log, l))).toEqual([1, 10, 100]);
  });

  it('maps [0, 1] onto the levels evenly and floats continuously', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (u) => {
        const level = Math.min(3, Math.floor(u * 4));
        expect(unitValue(pow2, u)).toBe(64 * 2 ** level);
        expect(unitValue(float, u)).toBeCloseTo(1 + u, 12);
        expect(['HBM3', 'HBM3e']).toContain(unitValue(values, u));
      }),
    );
    expect(unitValue(int, 0.999)).toBe(8);
    expect(unitValue(log, 0.5)).toBeCloseTo(10, 9);
  });
});

describe('field paths', () => {
  it('parses dotted and indexed paths and refuses malformed ones', () => {
    expect(parseFieldPath('cores[0].matrixUnits[1].rows')).toEqual(['cores', 0, 'matrixUnits', 1, 'rows']);
    expect(parseFieldPath('clockHz')).toEqual(['clockHz']);
    for (const bad of ['', 'a..b', '[0]', 'a.', 'a[x]', 'a b']) expect(parseFieldPath(bad)).toBeUndefined();
  });

  it('knows which paths a chip has (a new last field on an existing object is allowed)', () => {
    const chip = CHIP_PRESETS['tpu-v4']!;
    expect(pathExists(chip, parseFieldPath('cores[0].matrixUnits[0].rows')!)).toBe(true);
    expect(pathExists(chip, parseFieldPath('cores[5].count')!)).toBe(false);
    expect(pathExists(chip, parseFieldPath('nope.deeper')!)).toBe(false);
  });

  it('sets a field by copying only the path, leaving the base untouched', () => {
    const base = CHIP_PRESETS['tpu-v4']!;
    const before = JSON.stringify(base);
    const chip = applyToChip(base, [
      [parseFieldPath('cores[0].matrixUnits[0].rows')!, 256],
      [['clockHz'], 2e9],
    ]);
    expect(chip.cores[0]!.matrixUnits[0]!.rows).toBe(256);
    expect(chip.clockHz).toBe(2e9);
    expect(JSON.stringify(base)).toBe(before);
    expect(chip.offChipMemory).toBe(base.offChipMemory);
    expect(chip.cores[0]!.vectorUnit).toBe(base.cores[0]!.vectorUnit);
    expect(setPath({ a: [1, 2] }, ['a', 1], 5)).toEqual({ a: [1, 5] });
  });

  it('keeps the type, the arrays and the key order of what it copies (no cast between ChipSpec and JSON)', () => {
    const base = CHIP_PRESETS['tpu-v4']!;
    const rows = base.cores[0]!.matrixUnits[0]!.rows;
    const same = applyToChip(base, [
      [parseFieldPath('cores[0].matrixUnits[0].rows')!, rows],
      [['clockHz'], base.clockHz],
    ]);
    expectTypeOf(same).toEqualTypeOf<ChipSpec>();
    expect(JSON.stringify(same)).toBe(JSON.stringify(base));
    expect(Array.isArray(same.cores) && Array.isArray(same.cores[0]!.matrixUnits)).toBe(true);
    expect(same.cores).not.toBe(base.cores);
    const nested = setPath({ a: [{ b: 1, c: 'x' }], d: true }, ['a', 0, 'b'], 2);
    expectTypeOf(nested).toEqualTypeOf<{ a: { b: number; c: string }[]; d: boolean }>();
    expect(nested).toEqual({ a: [{ b: 2, c: 'x' }], d: true });
    expect(JSON.stringify(setPath({ z: 1, a: { y: 1, b: 2 } }, ['a', 'y'], 3))).toBe('{"z":1,"a":{"y":3,"b":2}}');
  });
});
