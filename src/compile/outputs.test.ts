/**
 * Regression tests for ONNX node tests that used to crash or fail on the chip (tpu-v4, bf16): secondary
 * outputs (Dropout's mask, Shape, LayerNormalization's Mean and InvStdDev), negative-step slices, and
 * non-finite values.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import type { NodeTestCase } from '../graph/onnx/conformance.js';
import {
  encodeOnnx,
  makeTensor,
  type OnnxAttribute,
  type OnnxDataType,
  type OnnxModel,
} from '../graph/onnx/onnx-model.js';
import { TENSOR } from '../graph/onnx/onnx-schema.js';
import { tensorToProto } from '../graph/onnx/onnx-tensor.js';
import { encodeMessage } from '../graph/onnx/protobuf-writer.js';
import { relativeL2, runNodeTestOnChip } from '../run/node-test-chip.js';
import type { LogicalProgram } from '../graph/layers/fuse.js';
import type { Graph } from '../graph/types.js';
import { Builder } from './builder.js';
import { compileGraph } from './compile.js';
import { checkOutputs } from './outputs.js';
import type { View } from './views.js';

const chip = getChipPreset('tpu-v4')!;

interface Value {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: readonly number[];
  readonly type?: OnnxDataType;
}

const pb = (v: Value): Uint8Array =>
  encodeMessage(tensorToProto(makeTensor(v.name, v.type ?? 'float', v.shape, v.values)), TENSOR);
const info = (v: Value) => ({ name: v.name, elemType: v.type ?? 'float', shape: [...v.shape] });

/** A one-node ONNX test: fed inputs, constant initializers and expected outputs. */
function nodeTest(
  op: string,
  inputs: readonly Value[],
  outputs: readonly Value[],
  options: { constants?: readonly Value[]; attributes?: readonly OnnxAttribute[] } = {},
): NodeTestCase {
  const constants = options.constants ?? [];
  const model: OnnxModel = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    graph: {
      name: 'g',
      nodes: [
        {
          name: 'n',
          opType: op,
          domain: '',
          inputs: [...inputs, ...constants].map((v) => v.name),
          outputs: outputs.map((v) => v.name),
          attributes: options.attributes ?? [],
        },
      ],
      initializers: constants.map((c) => makeTensor(c.name, c.type ?? 'int64', c.shape, c.values)),
      inputs: inputs.map(info),
      outputs: outputs.map(info),
      valueInfo: [],
    },
  };
  return {
    name: `test_${op.toLowerCase()}`,
    model: encodeOnnx(model),
    inputs: inputs.map(pb),
    outputs: outputs.map(pb),
  };
}

const x = { name: 'x', shape: [2, 3], values: [1, -2, 3, 0.5, 4, -6] };

describe('graph outputs the chip computes no op for', () => {
  it("Dropout's mask is all true in inference, and is copied to the host as a constant", () => {
    const test = nodeTest(
      'Dropout',
      [x],
      [
        { ...x, name: 'y' },
        { name: 'z', shape: [2, 3], values: [1, 1, 1, 1, 1, 1], type: 'bool' },
      ],
    );
    expect(runNodeTestOnChip(test, chip)).toEqual({ name: 'test_dropout', ops: ['Dropout'], status: 'pass' });
  });

  it("Shape's result, folded at import, is a constant output", () => {
    const test = nodeTest('Shape', [x], [{ name: 'y', shape: [2], values: [2, 3], type: 'int64' }]);
    expect(runNodeTestOnChip(test, chip)).toEqual({ name: 'test_shape', ops: ['Shape'], status: 'pass' });
  });

  it("LayerNormalization's Mean and InvStdDev are computed by nodes of their own", () => {
    // Rows (1, -2, 3) and (0.5, 4, -6): means 2/3 and -1/2, variances 114/27 and 51.5/3 (by hand).
    const mean = [2 / 3, -0.5];
    const inv = [114 / 27, 51.5 / 3].map((v) => 1 / Math.sqrt(v + 1e-5));
    const y = x.values.map((v, i) => (v - mean[Math.floor(i / 3)]!) * inv[Math.floor(i / 3)]!);
    const constants = [
      { name: 'w', shape: [3], values: [1, 1, 1], type: 'float' as const },
      { name: 'b', shape: [3], values: [0, 0, 0], type: 'float' as const },
    ];
    const outputs = [
      { ...x, name: 'y', values: y },
      { name: 'mean', shape: [2, 1], values: mean },
      { name: 'inv', shape: [2, 1], values: inv },
    ];
    expect(runNodeTestOnChip(nodeTest('LayerNormalization', [x], outputs, { constants }), chip)).toEqual({
      name: 'test_layernormalization',
      ops: ['LayerNormalization'],
      status: 'pass',
    });
  });

  it('refuses a normalization whose scale is fed at run time, naming the op and the tensor', () => {
    const graph: Graph = {
      schemaVersion: 1,
      name: 'g',
      inputs: ['x', 'w'],
      outputs: ['y'],
      tensors: {
        x: { name: 'x', dtype: 'fp32', shape: [2, 3], kind: 'input' },
        w: { name: 'w', dtype: 'fp32', shape: [3], kind: 'input' },
        y: { name: 'y', dtype: 'fp32', shape: [2, 3], kind: 'activation' },
      },
      nodes: [{ name: 'ln', op: 'LayerNormalization', inputs: ['x', 'w'], outputs: ['y'], attrs: {} }],
    };
    expect(() => compileGraph(graph, chip, { dtype: 'bf16' })).toThrow(
      "node 'ln' (LayerNormalization): its scale or bias 'w' is an activation or a graph input; the chip's " +
        "normalization reads them as constants (make 'w' an initializer)",
    );
  });

  it('refuses a graph output no op writes, naming the node, the op and the output', () => {
    const t = (name: string, shape: number[]) => ({ name, dtype: 'fp32' as const, shape, kind: 'activation' as const });
    const graph: Graph = {
      schemaVersion: 1,
      name: 'g',
      inputs: ['x'],
      outputs: ['y', 'm'],
      tensors: { x: { ...t('x', [2, 3]), kind: 'input' }, y: t('y', [2, 3]), m: t('m', [2, 1]) },
      nodes: [{ name: 'n', op: 'Stats', inputs: ['x'], outputs: ['y', 'm'], attrs: {} }],
    };
    const program: LogicalProgram = {
      graph,
      ops: [{ kind: 'unary', name: 'n', nodes: ['n'], out: 'y', fn: 'copy', x: 'x' }],
    };
    expect(() => checkOutputs(program)).toThrow(
      "node 'n' (Stats): output 1 'm' is a graph output, but the chip computes only 'y' of this op; drop 'm' " +
        'from the graph outputs',
    );
    expect(() =>
      checkOutputs({
        graph,
        ops: [...program.ops, { kind: 'unary', name: 'm', nodes: ['n'], out: 'm', fn: 'copy', x: 'x' }],
      }),
    ).not.toThrow();
  });
});

describe('negative-step slices', () => {
  it('compile without negative DMA strides and give the reversed elements', () => {
    const x3 = { name: 'x', shape: [4, 3], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
    const constants = [
      { name: 'starts', shape: [2], values: [3, 2] },
      { name: 'ends', shape: [2], values: [0, -4] },
      { name: 'axes', shape: [2], values: [0, 1] },
      { name: 'steps', shape: [2], values: [-1, -2] },
    ];
    // Rows 3, 2, 1 and columns 2, 0 of x.
    const test = nodeTest('Slice', [x3], [{ name: 'y', shape: [3, 2], values: [11, 9, 8, 6, 5, 3] }], { constants });
    expect(runNodeTestOnChip(test, chip)).toEqual({ name: 'test_slice', ops: ['Slice'], status: 'pass' });
  });

  it('Builder.copy keeps a backwards dimension out of the DMA row stride', () => {
    const b = new Builder();
    const src = b.buffer('src', 'ub', 'bf16', 12, 'activation');
    const dst = b.buffer('dst', 'ub', 'bf16', 12, 'activation');
    const reversed: View = { buffer: src.id, offset: 11, shape: [4, 3], strides: [-3, -1] };
    const out: View = { buffer: dst.id, offset: 0, shape: [4, 3], strides: [3, 1] };
    const dmas = b.copy(out, reversed);
    expect(dmas.length).toBe(12);
    for (const d of dmas)
      expect(d).toMatchObject({ op: 'dma', rows: 1, srcStrideBytes: 0, dstStrideBytes: 0, bytes: 2 });
    expect(dmas.map((d) => (d.op === 'dma' ? d.src.address / 2 : -1))).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });
});

describe('non-finite values', () => {
  it('a NaN or infinity in the expected output must be matched exactly, and stays out of the L2 norm', () => {
    expect(relativeL2([1, NaN, Infinity, -Infinity], [1, NaN, Infinity, -Infinity])).toBe(0);
    expect(relativeL2([1.01, NaN], [1, NaN])).toBeCloseTo(0.01, 12);
    expect(relativeL2([1, 0], [1, NaN])).toBe(Infinity);
    expect(relativeL2([1, -Infinity], [1, Infinity])).toBe(Infinity);
  });

  it('Cast passes NaN and infinities through on the chip', () => {
    const values = [0.5, NaN, Infinity, -Infinity];
    const test = nodeTest('Cast', [{ name: 'x', shape: [4], values }], [{ name: 'y', shape: [4], values }], {
      attributes: [{ name: 'to', type: 'int', value: 1 }],
    });
    expect(runNodeTestOnChip(test, chip)).toEqual({ name: 'test_cast', ops: ['Cast'], status: 'pass' });
  });
});
