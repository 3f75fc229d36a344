/**
 * What torchvision's models made the compiler do wrong or refuse (issue 17, scripts/onnx-torch-exports.py),
 * each as a small ONNX model in the exporter's form, run on the chip against tpusim's fp32 reference:
 * bf16 on tpu-v4 within 2e-2 relative L2, int8 on tpu-v1 bit for bit equal to the quantized reference.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { evaluateGraph } from '../graph/evaluate.js';
import { fuse } from '../graph/layers/fuse.js';
import { simplify } from '../graph/layers/simplify.js';
import { importOnnx } from '../graph/onnx/import.js';
import { FixtureBuilder, int, ints, type OnnxFixture } from '../graph/onnx/test-support/onnx-models.js';
import { randomInput } from '../graph/onnx/test-support/ort.js';
import type { Graph } from '../graph/types.js';
import { runCompiledModel } from '../run/compiled-model.js';
import { compileAndVerify } from './compile.js';
import { evaluateQuantized } from './reference.js';

const BF16_L2 = 2e-2;

function load(fixture: OnnxFixture): Graph {
  const imported = importOnnx(fixture.bytes);
  if (!imported.ok) throw new Error(JSON.stringify(imported.issues));
  return imported.value;
}

function relativeL2(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < reference.length; i++) {
    diff += (actual[i]! - reference[i]!) ** 2;
    norm += reference[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

/** bf16 relative L2 against fp32, and the int8 elements that differ from the quantized reference. */
function onChip(graph: Graph): { bf16: number; int8Differ: number } {
  const inputs = Object.fromEntries(graph.inputs.map((t, i) => [t, randomInput(graph.tensors[t]!.shape, 7 + i)]));
  const out = graph.outputs[0]!;
  const fp32 = evaluateGraph(graph, inputs).get(out)!;
  const v4 = getChipPreset('tpu-v4')!;
  const bf16 = compileAndVerify(graph, v4, { dtype: 'bf16' });
  for (const list of Object.values(bf16.issues)) expect(list).toEqual([]);
  const v1 = getChipPreset('tpu-v1')!;
  const int8 = compileAndVerify(graph, v1, { dtype: 'int8', calibration: inputs });
  for (const list of Object.values(int8.issues)) expect(list).toEqual([]);
  const chip = runCompiledModel(int8.compiled, v1, { inputs }).outputs.get(out)!;
  const reference = evaluateQuantized(fuse(simplify(graph)), int8.compiled.plan, inputs).outputs.get(out)!;
  return {
    bf16: relativeL2(runCompiledModel(bf16.compiled, v4, { inputs }).outputs.get(out)!, fp32),
    int8Differ: chip.reduce((n, x, i) => n + (x === reference[i] ? 0 : 1), 0),
  };
}

describe('torchvision patterns on the chip', () => {
  it("Swin's qkv[1] (Gather of one index, dropping the axis) transposed into a matmul reads the right rows", () => {
    // qkv (3, 2, 8, 4) -> k = qkv[1] (2, 8, 4) -> k^T (2, 4, 8); q = qkv[0]; scores = q k^T. Before the
    // fix the gathered view kept a size-1 axis, the transpose permuted the wrong axes, and the scores
    // were garbage (relative L2 1.4 on Swin's attention).
    const b = new FixtureBuilder(1);
    const qkv = b.node('Mul', '/qkv', ['x', b.uniform('scale', [1], 1, 1)]);
    const q = b.node('Gather', '/Gather', [qkv, b.constant('int64', [], [0])], [int('axis', 0)]);
    const k = b.node('Gather', '/Gather_1', [qkv, b.constant('int64', [], [1])], [int('axis', 0)]);
    const kt = b.node('Transpose', '/Transpose', [k], [ints('perm', [0, 2, 1])]);
    b.node('MatMul', '/MatMul', [q, kt], [], 'y');
    const graph = load(b.model([{ name: 'x', shape: [3, 2, 8, 4] }], [{ name: 'y', shape: [2, 8, 8] }]));
    const result = onChip(graph);
    expect(result.bf16).toBeLessThan(BF16_L2);
    expect(result.int8Differ).toBe(0);
  });

  it('a squeeze-excitation scale (1, C, 1, 1) times the feature map (1, C, H, W) runs (EfficientNet, RegNet)', () => {
    const b = new FixtureBuilder(2);
    const features = b.node('Conv', '/conv', ['x', b.param('w', [8, 4, 3, 3], 36)], [ints('pads', [1, 1, 1, 1])]);
    const squeezed = b.node('GlobalAveragePool', '/pool', [features]);
    const gate = b.node('Sigmoid', '/gate', [b.node('Conv', '/fc', [squeezed, b.param('w2', [8, 8, 1, 1], 8)])]);
    b.node('Mul', '/scale', [features, gate], [], 'y');
    const result = onChip(load(b.model([{ name: 'x', shape: [1, 4, 6, 6] }], [{ name: 'y', shape: [1, 8, 6, 6] }])));
    expect(result.bf16).toBeLessThan(BF16_L2);
    expect(result.int8Differ).toBe(0);
  });

  it("ViT's class token: a parameter expanded to the batch and concatenated before the patches", () => {
    const b = new FixtureBuilder(3);
    const token = b.node('Expand', '/Expand', [
      b.uniform('class_token', [1, 1, 8], -1, 1),
      b.int64('shape', [1, 1, 8]),
    ]);
    const tokens = b.node('Concat', '/Concat', [token, 'x'], [int('axis', 1)]);
    b.node('MatMul', '/MatMul', [tokens, b.param('w', [8, 8], 8)], [], 'y');
    const result = onChip(load(b.model([{ name: 'x', shape: [1, 4, 8] }], [{ name: 'y', shape: [1, 5, 8] }])));
    expect(result.bf16).toBeLessThan(BF16_L2);
    expect(result.int8Differ).toBe(0);
  });

  it("MobileNetV3's HardSigmoid and HardSwish, and Swin's Pad by zero, run as vector ops", () => {
    const b = new FixtureBuilder(4);
    const h = b.node('MatMul', '/fc', ['x', b.param('w', [8, 8], 8)]);
    const swish = b.node('HardSwish', '/HardSwish', [b.node('Mul', '/Mul', [h, b.uniform('gain', [1], 4, 4)])]);
    const padded = b.node('Pad', '/Pad', [swish, b.int64('pads', [0, 0, 0, 0])]);
    b.node('Mul', '/Gate', [padded, b.node('HardSigmoid', '/HardSigmoid', [h])], [], 'y');
    const graph = load(b.model([{ name: 'x', shape: [4, 8] }], [{ name: 'y', shape: [4, 8] }]));
    const result = onChip(graph);
    expect(result.bf16).toBeLessThan(BF16_L2);
    expect(result.int8Differ).toBe(0);
  });
});
