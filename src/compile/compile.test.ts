import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { createRng } from '../core/rng.js';
import { GraphBuilder } from '../graph/build.js';
import { evaluateGraph } from '../graph/evaluate.js';
import type { Graph } from '../graph/types.js';
import { runCompiledModel } from '../explore/run-model.js';
import { compileAndVerify } from './compile.js';
import { fuse, simplify } from './logical.js';
import { evaluateQuantized } from './reference.js';

const rng = createRng(7);
const randn = (n: number, scale = 1): Float64Array => Float64Array.from({ length: n }, () => Math.fround((rng.next() * 2 - 1) * scale));

function mlp(): Graph {
  const g = new GraphBuilder('mlp');
  const x = g.input('x', [4, 20]);
  const w1 = g.weight('w1', [20, 16], randn(320, 0.3));
  const b1 = g.weight('b1', [16], randn(16, 0.1));
  const h = g.add('Relu', [g.add('Add', [g.add('MatMul', [x, w1]), b1])]);
  const w2 = g.weight('w2', [10, 16], randn(160, 0.3));
  const b2 = g.weight('b2', [10], randn(10, 0.1));
  const y = g.add('Gemm', [h, w2, b2], { transB: 1 });
  return g.build([y]);
}

function conv(): Graph {
  const g = new GraphBuilder('cnn');
  const x = g.input('x', [2, 3, 12, 12]);
  const w = g.weight('w', [8, 3, 3, 3], randn(216, 0.3));
  const b = g.weight('b', [8], randn(8, 0.1));
  const c = g.add('Relu', [g.add('Conv', [x, w, b], { pads: [1, 1, 1, 1] })]);
  const p = g.add('MaxPool', [c], { kernel_shape: [2, 2], strides: [2, 2] });
  const w2 = g.weight('w2', [6, 8, 3, 3], randn(432, 0.2));
  const c2 = g.add('Conv', [p, w2], { pads: [1, 1, 1, 1], strides: [2, 2] });
  const s = g.add('Add', [c2, g.add('Conv', [p, g.weight('w3', [6, 8, 1, 1], randn(48, 0.3))], { strides: [2, 2] })]);
  const f = g.add('Flatten', [g.add('Relu', [s])]);
  const y = g.add('Gemm', [f, g.weight('fc', [5, 54], randn(270, 0.2)), g.weight('fcb', [5], randn(5, 0.1))], { transB: 1 });
  return g.build([y]);
}

function check(graph: Graph, chipName: string, dtype: 'int8' | 'bf16') {
  const chip = getChipPreset(chipName)!;
  const inputs = Object.fromEntries(graph.inputs.map((t) => [t, randn(graph.tensors[t]!.shape.reduce((a, b) => a * b, 1))]));
  const { compiled, issues } = compileAndVerify(graph, chip, { dtype, calibration: inputs });
  for (const [pass, list] of Object.entries(issues)) expect(list, pass).toEqual([]);
  const run = runCompiledModel(compiled, chip, { inputs, engine: 'reference' });
  const logical = fuse(simplify(graph));
  const ref = evaluateQuantized(logical, compiled.plan, inputs);
  const fp32 = evaluateGraph(graph, inputs);
  return { run, ref, fp32, compiled };
}

describe('compiler', () => {
  it('int8 MLP on tpu-v1 matches the quantized reference bit for bit', () => {
    const { run, ref, fp32 } = check(mlp(), 'tpu-v1', 'int8');
    const out = mlp().outputs[0]!;
    expect(Array.from(run.outputs.get(out)!)).toEqual(Array.from(ref.outputs.get(out)!));
    const f = fp32.get(out)!;
    const max = Math.max(...Array.from(f, Math.abs));
    const err = Math.max(...Array.from(f, (v, i) => Math.abs(v - run.outputs.get(out)![i]!)));
    expect(err / max).toBeLessThan(0.05);
  });
  it('int8 CNN on tpu-v1 matches the quantized reference bit for bit', () => {
    const g = conv();
    const { run, ref } = check(g, 'tpu-v1', 'int8');
    const out = g.outputs[0]!;
    expect(Array.from(run.outputs.get(out)!)).toEqual(Array.from(ref.outputs.get(out)!));
  });
  it('bf16 CNN on tpu-v4 is close to fp32', () => {
    const g = conv();
    const { run, fp32 } = check(g, 'tpu-v4', 'bf16');
    const out = g.outputs[0]!;
    const f = fp32.get(out)!;
    const max = Math.max(...Array.from(f, Math.abs));
    const err = Math.max(...Array.from(f, (v, i) => Math.abs(v - run.outputs.get(out)![i]!)));
    expect(err / max).toBeLessThan(0.02);
  });
});
