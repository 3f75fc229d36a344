/**
 * Op rules that ONNX's backend node tests exposed (issue 17); the node tests themselves run in
 * graph/onnx/conformance.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AttrValue, GraphTensor } from '../types.js';
import { opDef } from './registry.js';

function ctxOf(op: string, inputs: readonly GraphTensor[], attrs: Record<string, AttrValue> = {}, outputs = 1) {
  return {
    node: {
      name: 'n',
      op,
      inputs: inputs.map((t) => t.name),
      outputs: Array.from({ length: outputs }, (_, i) => `o${i}`),
      attrs,
    },
    inputs,
  };
}
const x = (shape: number[], data?: number[]): GraphTensor => ({
  name: `t${shape.join('x')}`,
  dtype: 'fp32',
  shape,
  kind: data ? 'constant' : 'input',
  ...(data ? { data } : {}),
});
const ints = (values: number[]): GraphTensor => ({
  name: `i${values.join('_')}`,
  dtype: 'int64',
  shape: [values.length],
  kind: 'constant',
  data: values,
});

describe('op rules from the ONNX node tests', () => {
  it('Gemm broadcasts a scalar bias', () => {
    const ctx = ctxOf('Gemm', [x([2, 1]), x([1, 2]), { ...x([]), name: 'c' }]);
    const def = opDef('Gemm')!;
    expect(
      Array.from(
        def.evaluate!(ctx, [Float64Array.of(1, 2), Float64Array.of(3, 4), Float64Array.of(0.5)], def.infer(ctx))[0]!,
      ),
    ).toEqual([3.5, 4.5, 6.5, 8.5]);
  });

  it('ReduceSum with an empty axes input reduces every axis (keepdims)', () => {
    const ctx = ctxOf('ReduceSum', [x([2, 3]), { ...ints([]), shape: [0] }]);
    expect(opDef('ReduceSum')!.infer(ctx)[0]!.shape).toEqual([1, 1]);
  });

  it('Shape takes start and end (opset 15)', () => {
    expect(opDef('Shape')!.infer(ctxOf('Shape', [x([2, 3, 4])], { start: 1, end: -1 }))[0]!.shape).toEqual([1]);
    expect(Array.from(opDef('Shape')!.evaluate!(ctxOf('Shape', [x([2, 3, 4])], { start: 1 }), [], [])[0]!)).toEqual([
      3, 4,
    ]);
  });

  it('LayerNormalization normalizes from any axis and returns Mean and InvStdDev', () => {
    const ctx = ctxOf('LayerNormalization', [x([2, 2, 2])], { axis: 1 }, 3);
    expect(
      opDef('LayerNormalization')!
        .infer(ctx)
        .map((t) => t.shape),
    ).toEqual([
      [2, 2, 2],
      [2, 1, 1],
      [2, 1, 1],
    ]);
  });

  it('MaxPool with ceil_mode=1 rounds the output size up', () => {
    const ctx = ctxOf('MaxPool', [x([1, 1, 4, 4])], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 });
    expect(opDef('MaxPool')!.infer(ctx)[0]!.shape).toEqual([1, 1, 2, 2]);
  });

  it('Dropout gives its mask, and calls training mode unsupported', () => {
    expect(
      opDef('Dropout')!
        .infer(ctxOf('Dropout', [x([3])], {}, 2))
        .map((t) => t.dtype),
    ).toEqual(['fp32', 'bool']);
    const training = ctxOf('Dropout', [x([3]), x([], [0.5]), { ...ints([1]), dtype: 'bool', shape: [] }]);
    expect(() => opDef('Dropout')!.infer(training)).toThrow(/training_mode dropout/);
  });
});
