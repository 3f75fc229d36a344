/** Pad's modes in the fp32 reference, worked by hand (ONNX operators/Pad; numpy.pad's modes of the same names). */
import { describe, expect, it } from 'vitest';
import type { AttrValue, GraphTensor } from '../types.js';
import { opDef } from './registry.js';

const x = (shape: number[]): GraphTensor => ({ name: 'x', dtype: 'fp32', shape, kind: 'input' });
const pads = (values: number[]): GraphTensor => ({
  name: 'pads',
  dtype: 'int64',
  shape: [values.length],
  kind: 'constant',
  data: values,
});

function pad(
  shape: number[],
  values: number[],
  amounts: number[],
  attrs: Record<string, AttrValue>,
): { shape: readonly number[]; values: number[] } {
  const inputs = [x(shape), pads(amounts)];
  const ctx = { node: { name: 'n', op: 'Pad', inputs: ['x', 'pads'], outputs: ['y'], attrs }, inputs };
  const def = opDef('Pad')!;
  const out = def.infer(ctx);
  return {
    shape: out[0]!.shape,
    values: Array.from(def.evaluate!(ctx, [Float64Array.from(values), Float64Array.from(amounts)], out)[0]!),
  };
}

describe('Pad', () => {
  const row = [1, 2, 3];

  it('edge repeats the border element', () => {
    expect(pad([3], row, [2, 1], { mode: 'edge' })).toEqual({ shape: [6], values: [1, 1, 1, 2, 3, 3] });
  });

  it('reflect mirrors without repeating the border, and keeps bouncing past it', () => {
    expect(pad([3], row, [2, 2], { mode: 'reflect' }).values).toEqual([3, 2, 1, 2, 3, 2, 1]);
    // numpy.pad([1, 2, 3], 5, 'reflect'): period 4 (2 (n - 1)).
    expect(pad([3], row, [5, 5], { mode: 'reflect' }).values).toEqual([2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2]);
    expect(pad([1], [7], [2, 1], { mode: 'reflect' }).values).toEqual([7, 7, 7, 7]);
  });

  it('wrap continues from the other end', () => {
    expect(pad([3], row, [4, 1], { mode: 'wrap' }).values).toEqual([3, 1, 2, 3, 1, 2, 3, 1]);
  });

  it('pads each axis of a matrix (the ONNX edge and reflect examples)', () => {
    const m = [1, 1.2, 2.3, 3.4, 4.5, 5.7];
    expect(pad([3, 2], m, [0, 2, 0, 0], { mode: 'edge' }).values).toEqual([
      1, 1, 1, 1.2, 2.3, 2.3, 2.3, 3.4, 4.5, 4.5, 4.5, 5.7,
    ]);
    expect(pad([3, 2], m, [0, 2, 0, 0], { mode: 'reflect' }).values).toEqual([
      1, 1.2, 1, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7, 4.5, 5.7,
    ]);
  });

  it('constant fills and crops as before', () => {
    expect(pad([3], row, [1, -1], { mode: 'constant', value: 9 })).toEqual({ shape: [3], values: [9, 1, 2] });
    expect(pad([3], row, [-1, 2], { mode: 'edge' }).values).toEqual([2, 3, 3, 3]);
  });

  it('names the mode it does not know, and an empty axis that edge cannot pad', () => {
    expect(() => pad([3], row, [1, 1], { mode: 'mirror' })).toThrow(
      "Pad mode 'mirror' is not supported; only constant, edge, reflect, wrap",
    );
    expect(() => pad([0], [], [1, 1], { mode: 'edge' })).toThrow(
      "mode 'edge' cannot pad axis 0: it has no element to repeat",
    );
  });
});
