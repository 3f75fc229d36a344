import { describe, expect, it } from 'vitest';
import type { GraphTensor, TensorDType } from '../types.js';
import { opDef } from './registry.js';
import { toDType } from './op.js';

function run(
  op: string,
  dtype: TensorDType,
  inputs: readonly number[][],
  attrs: Record<string, string> = {},
): number[] {
  const tensors: GraphTensor[] = inputs.map((v, i) => ({ name: `in${i}`, dtype, shape: [v.length], kind: 'input' }));
  const ctx = { node: { name: 'n', op, inputs: tensors.map((t) => t.name), outputs: ['out'], attrs }, inputs: tensors };
  const def = opDef(op)!;
  const types = def.infer(ctx);
  return Array.from(
    def.evaluate!(
      ctx,
      inputs.map((v) => Float64Array.from(v)),
      types,
    )[0]!,
  );
}

describe('element-wise ops keep their element type', () => {
  it('integer Div truncates toward zero, as ONNX (and the Slice ends torch computes) need', () => {
    expect(
      run('Div', 'int64', [
        [770, 7, -7, 6],
        [3, 2, 2, 3],
      ]),
    ).toEqual([256, 3, -3, 2]);
    expect(run('Div', 'int32', [[-9], [4]])).toEqual([-2]);
  });

  it('float Div stays a float division', () => {
    expect(run('Div', 'fp32', [[7], [2]])).toEqual([3.5]);
  });

  it('narrow integers wrap, bools are 0 or 1', () => {
    expect(
      run('Add', 'uint8', [
        [250, 3],
        [10, 4],
      ]),
    ).toEqual([4, 7]);
    expect(run('Mul', 'int8', [[100], [2]])).toEqual([-56]);
    expect(toDType(2.5, 'bool')).toBe(1);
    expect(toDType(0, 'bool')).toBe(0);
  });

  it('Cast from float to integers truncates; to bool tests non-zero', () => {
    expect(run('Cast', 'fp32', [[2.7, -2.7, 0.2]], { to: 'int32' })).toEqual([2, -2, 0]);
    expect(run('Cast', 'fp32', [[2.7, 0, -1]], { to: 'bool' })).toEqual([1, 0, 1]);
  });
});

describe('ONNX node-test fixes (issue 17)', () => {
  it('Max and Min take any number of inputs', () => {
    expect(
      run('Max', 'fp32', [
        [3, 2, 1],
        [1, 4, 4],
        [2, 5, 3],
      ]),
    ).toEqual([3, 5, 4]);
    expect(run('Min', 'fp32', [[3, 2, 1]])).toEqual([3, 2, 1]);
  });

  it('Cast to bf16 rounds to nearest even', () => {
    expect(run('Cast', 'fp32', [[1 + 2 ** -8 + 2 ** -12]], { to: 'bf16' })).toEqual([1 + 2 ** -7]);
  });
});
