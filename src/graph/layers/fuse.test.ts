/** fuse: variadic Max/Min and Pow(x, 2) become layers the vector unit runs, or are refused with the reason. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../build.js';
import { fuse } from './fuse.js';

function variadic(op: 'Max' | 'Min', count: number) {
  const g = new GraphBuilder('variadic', 'fp32');
  const inputs = Array.from({ length: count }, (_, i) => g.input(`x${i}`, [2, 3]));
  return g.build([g.add(op, inputs, {}, 'm')]);
}

describe('fuse: variadic Max and Min', () => {
  it('keeps both operands of a two-input Max, copies a one-input Min', () => {
    expect(fuse(variadic('Max', 2)).ops).toMatchObject([{ kind: 'binary', fn: 'max', a: 'x0', b: 'x1' }]);
    expect(fuse(variadic('Min', 1)).ops).toMatchObject([{ kind: 'unary', fn: 'copy', x: 'x0' }]);
  });

  it('refuses three inputs instead of dropping the third, and leaves it opaque to the analytical model', () => {
    expect(() => fuse(variadic('Max', 3))).toThrow(
      "node 'm' (Max): Max of 3 inputs is not supported; the vector unit's max takes 2 (chain 2 two-input Max nodes)",
    );
    expect(fuse(variadic('Min', 4), { lenient: true }).ops).toMatchObject([{ kind: 'opaque', node: 'm' }]);
  });
});

describe('fuse: Pow', () => {
  const pow = (exponent: number) => {
    const g = new GraphBuilder('pow', 'fp32');
    const x = g.input('x', [2, 3]);
    return g.build([g.add('Pow', [x, g.constant('e', [exponent], 'fp32')], {}, 'p')]);
  };
  it('squares as x times x; other exponents stay unlowered', () => {
    expect(fuse(pow(2)).ops).toMatchObject([{ kind: 'binary', fn: 'mul', a: 'x', b: 'x' }]);
    expect(fuse(pow(3), { lenient: true }).ops).toMatchObject([{ kind: 'opaque', node: 'p' }]);
  });
});

describe('fuse: sliding-window attention', () => {
  const attention = (window: number) => {
    const g = new GraphBuilder('window', 'fp32');
    const [q, k, v] = ['q', 'k', 'v'].map((n) => g.input(n, [1, 8, 4]));
    return g.build([g.add('Attention', [q!, k!, v!], { num_heads: 1, causal: 1, window }, 'a')]);
  };
  it(
    'refuses a window the chip would ignore (its softmax masks only later keys), keeps it for the ' +
      'analytical model',
    () => {
      expect(() => fuse(attention(4))).toThrow(
        "node 'a' (Attention): sliding-window attention (window=4 of 8 keys) is not lowered yet",
      );
      expect(fuse(attention(4), { lenient: true }).ops).toMatchObject([{ kind: 'attention', window: 4 }]);
    },
  );
  it('compiles a window that reaches every key as plain attention', () => {
    expect(fuse(attention(8)).ops[0]).not.toHaveProperty('window');
  });
});

describe('fuse: reductions', () => {
  const reduce = (axes: number[], keepdims: number) => {
    const g = new GraphBuilder('reduce', 'fp32');
    const x = g.input('x', [3, 2, 2]);
    return g.build([g.add('ReduceMax', [x], { axes, keepdims }, 'r')]);
  };
  it('takes the last axis as a row op, and refuses another axis even when the output shape matches', () => {
    expect(fuse(reduce([-1], 0)).ops).toMatchObject([{ kind: 'row', fn: 'reduce_max' }]);
    // (3, 2, 2) reduced over axis 1 without keepdims is (3, 2), the shape of a last-axis reduction.
    expect(() => fuse(reduce([1], 0))).toThrow(
      "node 'r' (ReduceMax): only reductions over the last axis are supported (axes 1)",
    );
  });
});
