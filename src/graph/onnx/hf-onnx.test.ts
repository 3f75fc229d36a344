/**
 * Hugging Face models through ONNX (issue 17, item 3): a BERT, a GPT-2 and a Llama config.json shrunk to
 * hidden 64, 2 layers, 4 heads, vocabulary 128 (test/fixtures/hf-tiny/), built as graphs, written by
 * tpusim's exporter with seeded random weights (fused ops written out by expandForOnnx), checked against
 * onnxruntime, imported back, compiled and run on the chip: bf16 on tpu-v4 within 2e-2 relative L2 of the
 * fp32 reference, int8 on tpu-v1 bit for bit equal to the quantized reference.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../../arch/presets/index.js';
import { compileAndVerify } from '../../compile/compile.js';
import { evaluateQuantized } from '../../compile/reference.js';
import { createRng } from '../../core/rng.js';
import { runCompiledModel } from '../../run/compiled-model.js';
import { evaluateGraph } from '../evaluate.js';
import { importHfConfig } from '../hf/import-config.js';
import { fuse } from '../layers/fuse.js';
import { simplify } from '../layers/simplify.js';
import type { Graph } from '../types.js';
import { expandForOnnx } from './expand-for-onnx.js';
import { graphToOnnx } from './export.js';
import { importOnnx } from './import.js';
import { encodeOnnx } from './onnx-model.js';
import { ort, relativeError } from './test-support/ort.js';

/** fp32 reference against onnxruntime, relative to the largest output magnitude (as export.test.ts). */
const TOLERANCE = 1e-4;
const BF16_L2 = 2e-2;
const [BATCH, SEQ, VOCAB] = [1, 16, 128];

function relativeL2(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < reference.length; i++) {
    diff += (actual[i]! - reference[i]!) ** 2;
    norm += reference[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

function tinyConfig(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/hf-tiny/${name}.json`, import.meta.url), 'utf8'));
}

/** Token ids 0..VOCAB-1 from a seeded generator. */
function tokenIds(seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: BATCH * SEQ }, () => Math.floor(rng.next() * VOCAB));
}

async function ortOutputs(bytes: Uint8Array, ids: readonly number[]): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feed = new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [BATCH, SEQ]);
    const results = await session.run({ input_ids: feed });
    return Object.fromEntries(session.outputNames.map((n) => [n, results[n]!.data as Float32Array]));
  } finally {
    await session.release();
  }
}

interface Exported {
  readonly bytes: Uint8Array;
  /** The graph read back from the ONNX file. */
  readonly graph: Graph;
  /** The graph built from config.json, with tpusim's fused ops, given the exported weights. */
  readonly built: Graph;
}

function exportTiny(name: string): Exported {
  const built = importHfConfig(tinyConfig(name), { batch: BATCH, seq: SEQ, fileName: `${name}.json` });
  if (!built.ok) throw new Error(JSON.stringify(built.issues));
  const bytes = encodeOnnx(graphToOnnx(expandForOnnx(built.value), { weights: 'random', seed: 1, opset: 20 }));
  const imported = importOnnx(bytes, { fileName: `${name}.onnx` });
  if (!imported.ok) throw new Error(JSON.stringify(imported.issues));
  const tensors = Object.fromEntries(
    Object.entries(built.value.tensors).map(([n, t]) => [
      n,
      t.kind === 'weight' ? { ...t, data: imported.value.tensors[n]!.data! } : t,
    ]),
  );
  return { bytes, graph: imported.value, built: { ...built.value, tensors } };
}

describe.each(['bert', 'gpt2', 'llama'])('Hugging Face %s (tiny config.json) through ONNX', (name) => {
  const { bytes, graph, built } = exportTiny(name);
  const inputs = { input_ids: tokenIds(3) };
  const reference = evaluateGraph(graph, inputs);

  it('imports with attention written out and matches onnxruntime in the fp32 reference', async () => {
    const ops = graph.nodes.map((n) => n.op);
    expect(ops.filter((op) => op === 'Softmax')).toHaveLength(2);
    expect(ops.filter((op) => op === 'Attention' || op === 'Silu')).toEqual([]);
    // Llama's RMSNorm chains (two per layer and the final norm) come back as one node each.
    expect(ops.filter((op) => op === 'RMSNormalization')).toHaveLength(name === 'llama' ? 5 : 0);
    const theirs = await ortOutputs(bytes, inputs.input_ids);
    for (const out of graph.outputs) {
      const error = relativeError(reference.get(out)!, theirs[out]!);
      console.log(`${name} fp32 ${out}: max error ${error.toExponential(2)} of max |onnxruntime output|`);
      expect(error).toBeLessThan(TOLERANCE);
    }
  });

  it("computes what tpusim's fused Attention, RMSNormalization and Silu compute", () => {
    const fused = evaluateGraph(built, inputs);
    expect(built.outputs).toEqual(graph.outputs);
    for (const out of graph.outputs)
      expect(relativeError(reference.get(out)!, fused.get(out)!)).toBeLessThan(TOLERANCE);
  });

  it('bf16 on tpu-v4: within 2e-2 relative L2 of the fp32 reference', () => {
    const chip = getChipPreset('tpu-v4')!;
    const { compiled, issues } = compileAndVerify(graph, chip, { dtype: 'bf16' });
    for (const [pass, list] of Object.entries(issues)) expect(list, `verifier after ${pass}`).toEqual([]);
    const run = runCompiledModel(compiled, chip, { inputs });
    for (const out of graph.outputs) {
      const error = relativeL2(run.outputs.get(out)!, reference.get(out)!);
      console.log(`${name} bf16 ${out}: relative L2 ${error.toExponential(2)}`);
      expect(error).toBeLessThan(BF16_L2);
    }
  });

  it('int8 on tpu-v1: bit for bit equal to the quantized reference', () => {
    const chip = getChipPreset('tpu-v1')!;
    const { compiled, issues } = compileAndVerify(graph, chip, { dtype: 'int8', calibration: inputs });
    for (const [pass, list] of Object.entries(issues)) expect(list, `verifier after ${pass}`).toEqual([]);
    const run = runCompiledModel(compiled, chip, { inputs });
    const quantized = evaluateQuantized(fuse(simplify(graph)), compiled.plan, inputs);
    for (const out of graph.outputs)
      expect(Array.from(run.outputs.get(out)!)).toEqual(Array.from(quantized.outputs.get(out)!));
  });
});
