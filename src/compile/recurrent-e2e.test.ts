/**
 * Issue 17: nn.LSTM, nn.GRU and nn.RNN as torch.onnx.export writes them (ONNX's LSTM / GRU / RNN ops;
 * fixtures from scripts/onnx-torch-recurrent.py, torch's eager outputs saved beside them).
 *
 * fp32 reference: within REFERENCE_TOLERANCE of torch (relative to the largest |output|): both compute in
 * fp32 with sums in another order. bf16 on tpu-v4: relative L2 error within BF16_TOLERANCE. int8 on tpu-v1:
 * bit for bit equal to the quantized reference (compile/reference.ts) on the same calibrated plan.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { formatIssues } from '../core/errors.js';
import { decodeNpy } from '../core/npy.js';
import { runCompiledModel } from '../run/compiled-model.js';
import { evaluateGraph } from '../graph/evaluate.js';
import { fuse } from '../graph/layers/fuse.js';
import { simplify } from '../graph/layers/simplify.js';
import { importOnnx } from '../graph/onnx/import.js';
import type { Graph } from '../graph/types.js';
import { estimateGraph } from '../model/estimate.js';
import { compileAndVerify } from './compile.js';
import { expandRecurrent } from './lower-recurrent.js';
import { evaluateQuantized } from './reference.js';

const REFERENCE_TOLERANCE = 1e-5;
const BF16_TOLERANCE = 2e-2;

const dir = join(import.meta.dirname, '../../test/fixtures/torch-recurrent');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
  models: Record<string, { inputs: string[]; outputs: string[]; opsets: number[] }>;
};

function npy(model: string, name: string): Float64Array {
  const decoded = decodeNpy(readFileSync(join(dir, model, `${name}.npy`)), `${name}.npy`);
  if (!decoded.ok) throw new Error(formatIssues(decoded.issues));
  return Float64Array.from(decoded.value.data);
}

function load(model: string, opset: number): Graph {
  const imported = importOnnx(readFileSync(join(dir, model, `opset${opset}.onnx`)), { fileName: `${model}.onnx` });
  if (!imported.ok) throw new Error(formatIssues(imported.issues));
  return imported.value;
}

function maxRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / scale;
}

function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

const cases = Object.entries(manifest.models).flatMap(([model, m]) =>
  m.opsets.map((opset) => ({ model, opset, ...m })),
);

describe.each(cases)('torch $model (opset $opset)', ({ model, opset, inputs, outputs }) => {
  const feeds = (): Record<string, Float64Array> => Object.fromEntries(inputs.map((name) => [name, npy(model, name)]));

  it(`imports, estimates, and its fp32 reference matches torch within ${REFERENCE_TOLERANCE}`, () => {
    const graph = load(model, opset);
    expect(graph.nodes.some((n) => ['LSTM', 'GRU', 'RNN'].includes(n.op))).toBe(true);
    const estimate = estimateGraph(graph, getChipPreset('tpu-v4')!);
    expect(estimate.totalTimeS).toBeGreaterThan(0);
    const ours = evaluateGraph(graph, feeds());
    for (const out of outputs) {
      const error = maxRelative(ours.get(out)!, npy(model, out));
      expect(error, `${out}: ${error}`).toBeLessThan(REFERENCE_TOLERANCE);
    }
  });

  it(`compiles for tpu-v4 (bf16) within relative L2 ${BF16_TOLERANCE} of torch`, () => {
    const graph = load(model, opset);
    const chip = getChipPreset('tpu-v4')!;
    const { compiled, issues } = compileAndVerify(graph, chip, { dtype: 'bf16' });
    for (const [pass, list] of Object.entries(issues)) expect(list, `verifier after ${pass}`).toEqual([]);
    const run = runCompiledModel(compiled, chip, { inputs: feeds() });
    for (const out of outputs) {
      const error = relativeL2(run.outputs.get(out)!, npy(model, out));
      console.log(`${model} opset ${opset} bf16 ${out}: relative L2 ${error.toExponential(2)}`);
      expect(error).toBeLessThan(BF16_TOLERANCE);
    }
  });

  it('compiles for tpu-v1 (int8), bit for bit equal to the quantized reference', () => {
    const graph = load(model, opset);
    const chip = getChipPreset('tpu-v1')!;
    const inputs = feeds();
    const { compiled, issues } = compileAndVerify(graph, chip, { dtype: 'int8', calibration: inputs });
    for (const [pass, list] of Object.entries(issues)) expect(list, `verifier after ${pass}`).toEqual([]);
    const run = runCompiledModel(compiled, chip, { inputs });
    const reference = evaluateQuantized(fuse(simplify(expandRecurrent(graph))), compiled.plan, inputs);
    for (const out of outputs) {
      expect(Array.from(run.outputs.get(out)!)).toEqual(Array.from(reference.outputs.get(out)!));
      console.log(
        `${model} opset ${opset} int8 ${out}: relative L2 ` +
          `${relativeL2(run.outputs.get(out)!, npy(model, out)).toExponential(2)} against torch`,
      );
    }
  });
});

describe('recurrent nodes the chip cannot run', () => {
  const graph = (lens: number[]): Graph => ({
    schemaVersion: 1,
    name: 'rnn',
    inputs: ['x'],
    outputs: ['y'],
    tensors: {
      x: { name: 'x', dtype: 'fp32', shape: [3, 2, 2], kind: 'input' },
      w: { name: 'w', dtype: 'fp32', shape: [1, 1, 2], kind: 'weight', data: [1, 0] },
      r: { name: 'r', dtype: 'fp32', shape: [1, 1, 1], kind: 'weight', data: [0.5] },
      lens: { name: 'lens', dtype: 'int32', shape: [2], kind: 'constant', data: lens },
      y: { name: 'y', dtype: 'fp32', shape: [3, 1, 2, 1], kind: 'activation' },
    },
    nodes: [{ name: 'rnn', op: 'RNN', inputs: ['x', 'w', 'r', '', 'lens'], outputs: ['y'], attrs: { hidden_size: 1 } }],
  });

  it('refuses sequence lengths shorter than the sequence, naming the node and the length', () => {
    expect(() => compileAndVerify(graph([1, 3]), getChipPreset('tpu-v4')!, { dtype: 'bf16' })).toThrow(
      "node 'rnn' (RNN): sequence_lens must be a constant equal to the sequence length 3",
    );
  });

  it('runs full sequence lengths', () => {
    const { compiled } = compileAndVerify(graph([3, 3]), getChipPreset('tpu-v4')!, { dtype: 'bf16' });
    const x = Float64Array.from([0.1, 9, 0.2, 9, 0.3, 9, 0.4, 9, 0.5, 9, 0.6, 9]);
    const run = runCompiledModel(compiled, getChipPreset('tpu-v4')!, { inputs: { x } });
    expect(relativeL2(run.outputs.get('y')!, evaluateGraph(graph([3, 3]), { x }).get('y')!)).toBeLessThan(
      BF16_TOLERANCE,
    );
  });
});
