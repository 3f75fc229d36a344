/**
 * Real ONNX models end to end on the simulated chip, against onnxruntime-node on the same inputs.
 *
 * int8 (tpu-v1): bit for bit equal to the quantized reference (compile/reference.ts, the same
 * quantization scheme on whole tensors without any of the lowering), and within INT8_TOLERANCE of
 * onnxruntime's fp32 result, relative to the largest output magnitude. Scales are calibrated on the
 * input that is compared (max |x| / 127 per tensor): calibrated on another random input, a value
 * beyond the calibrated range saturates and the largest error grows to about 10-20% on these models,
 * which measures the calibration data, not the chip.
 * bf16 (tpu-v4): within BF16_TOLERANCE of onnxruntime, relative to the largest output magnitude. bf16
 * keeps 8 significant bits (relative rounding error up to 2^-9 = 0.2% per step); a few layers of
 * rounded inputs, weights and stored activations stay well inside 2%.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { runCompiledModel } from '../run/compiled-model.js';
import { importOnnx } from '../graph/onnx/import.js';
import { ONNX_FIXTURES } from '../graph/onnx/test-support/onnx-models.js';
import { randomInput, relativeError, runOrt } from '../graph/onnx/test-support/ort.js';
import type { Graph } from '../graph/types.js';
import { compileAndVerify } from './compile.js';
import { fuse } from '../graph/layers/fuse.js';
import { simplify } from '../graph/layers/simplify.js';
import { evaluateQuantized } from './reference.js';

const INT8_TOLERANCE = 0.05;
const BF16_TOLERANCE = 0.02;

function load(name: string): { graph: Graph; bytes: Uint8Array } {
  const fixture = ONNX_FIXTURES[name]!();
  const imported = importOnnx(fixture.bytes, { fileName: `${name}.onnx` });
  if (!imported.ok) throw new Error(JSON.stringify(imported.issues));
  return { graph: imported.value, bytes: fixture.bytes };
}

function inputsFor(graph: Graph, seed: number): Record<string, Float32Array> {
  return Object.fromEntries(graph.inputs.map((t, i) => [t, randomInput(graph.tensors[t]!.shape, seed + i)]));
}

async function ortOutputs(
  graph: Graph,
  bytes: Uint8Array,
  inputs: Record<string, Float32Array>,
): Promise<Record<string, Float32Array>> {
  return runOrt(
    bytes,
    Object.fromEntries(
      Object.entries(inputs).map(([name, data]) => [name, { data, shape: graph.tensors[name]!.shape }]),
    ),
  );
}

describe.each(Object.keys(ONNX_FIXTURES))('ONNX %s on the chip', (name) => {
  it('int8 on tpu-v1: bit-exact against the quantized reference, close to onnxruntime', async () => {
    const { graph, bytes } = load(name);
    const chip = getChipPreset('tpu-v1')!;
    const inputs = inputsFor(graph, 100);
    const { compiled, issues } = compileAndVerify(graph, chip, { dtype: 'int8', calibration: inputs });
    for (const [pass, list] of Object.entries(issues)) expect(list, `verifier after ${pass}`).toEqual([]);
    const chipRun = runCompiledModel(compiled, chip, { inputs });
    const reference = evaluateQuantized(fuse(simplify(graph)), compiled.plan, inputs);
    const ort = await ortOutputs(graph, bytes, inputs);
    for (const out of graph.outputs) {
      const actual = chipRun.outputs.get(out)!;
      expect(Array.from(actual)).toEqual(Array.from(reference.outputs.get(out)!));
      const error = relativeError(actual, ort[out]!);
      console.log(`${name} int8 ${out}: max error ${(error * 100).toFixed(2)}% of max |onnxruntime output|`);
      expect(error).toBeLessThan(INT8_TOLERANCE);
    }
  });

  it('bf16 on tpu-v4: close to onnxruntime', async () => {
    const { graph, bytes } = load(name);
    const chip = getChipPreset('tpu-v4')!;
    const inputs = inputsFor(graph, 300);
    const { compiled, issues } = compileAndVerify(graph, chip, { dtype: 'bf16' });
    for (const [pass, list] of Object.entries(issues)) expect(list, `verifier after ${pass}`).toEqual([]);
    const chipRun = runCompiledModel(compiled, chip, { inputs });
    const ort = await ortOutputs(graph, bytes, inputs);
    for (const out of graph.outputs) {
      const error = relativeError(chipRun.outputs.get(out)!, ort[out]!);
      console.log(`${name} bf16 ${out}: max error ${(error * 100).toFixed(2)}% of max |onnxruntime output|`);
      expect(error).toBeLessThan(BF16_TOLERANCE);
    }
  });
});

describe('ResNet-50 from ONNX', () => {
  it('compiles for tpu-v1 and tpu-v4 and runs timing-only', async () => {
    const { graphToOnnx } = await import('../graph/onnx/export.js');
    const { encodeOnnx } = await import('../graph/onnx/onnx-model.js');
    const { buildZooModel } = await import('../graph/zoo/index.js');
    const bytes = encodeOnnx(graphToOnnx(buildZooModel('resnet50'), { weights: 'random', seed: 1 }));
    const imported = importOnnx(bytes, { fileName: 'resnet50.onnx' });
    if (!imported.ok) throw new Error(JSON.stringify(imported.issues));
    for (const chipName of ['tpu-v1', 'tpu-v4']) {
      const chip = getChipPreset(chipName)!;
      const { compiled, issues } = compileAndVerify(imported.value, chip);
      for (const [pass, list] of Object.entries(issues))
        expect(list, `${chipName}: verifier after ${pass}`).toEqual([]);
      const { run, layers } = runCompiledModel(compiled, chip);
      // 53 convolutions and the classifier, each a layer of the per-layer summary.
      expect(layers.filter((l) => l.macs > 0).length).toBe(54);
      const macs = layers.reduce((s, l) => s + l.macs, 0);
      // 4.09 GMACs of useful work (torchvision ResNet-50 v1.5 at 224x224); the chip may multiply padding zeros too,
      // never less.
      expect(macs).toBeGreaterThanOrEqual(4.08e9);
      expect(run.totalCycles).toBeGreaterThan(
        macs /
          chip.cores.reduce(
            (s, c) => s + c.count * c.matrixUnits.reduce((t, u) => t + u.count * u.rows * u.cols, 0),
            0,
          ),
      );
    }
  }, 60_000);
});
