/**
 * The torch.onnx.export fixtures of scripts/onnx-torch-exports.py (test/fixtures/torch): each model and
 * opset through every stage a user runs - import, estimate, compile and run on tpu-v4 (bf16) and tpu-v1
 * (int8) - with each stage's result as data, so one failing stage does not hide the others.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { externalDataReader } from '../src/cli/onnx-external-data.js';
import {
  compileAndVerify,
  decodeNpy,
  estimateGraph,
  evaluateGraph,
  evaluateQuantized,
  formatIssues,
  fuse,
  getChipPreset,
  importOnnx,
  runCompiledModel,
  simplify,
  type Graph,
} from '../src/index.js';

export const TORCH_FIXTURES = join(__dirname, 'fixtures', 'torch');

interface ManifestModel {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly opsets: readonly number[];
  readonly exportFailures: Readonly<Record<string, string>>;
}

export const MANIFEST = JSON.parse(readFileSync(join(TORCH_FIXTURES, 'manifest.json'), 'utf8')) as {
  generator: string;
  models: Record<string, ManifestModel>;
};

/** ||a - b||_2 / ||b||_2 over all elements. */
export function relativeL2(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (actual.length !== reference.length) return Infinity;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < reference.length; i++) {
    diff += (actual[i]! - reference[i]!) ** 2;
    norm += reference[i]! ** 2;
  }
  return Math.sqrt(diff / (norm || 1));
}

function npy(model: string, name: string): Float64Array {
  const decoded = decodeNpy(new Uint8Array(readFileSync(join(TORCH_FIXTURES, model, `${name}.npy`))), `${name}.npy`);
  if (!decoded.ok) throw new Error(formatIssues(decoded.issues));
  return Float64Array.from(decoded.value.data);
}

export function loadGraph(model: string, opset: number): Graph {
  const file = join(TORCH_FIXTURES, model, `opset${opset}.onnx`);
  const imported = importOnnx(new Uint8Array(readFileSync(file)), {
    fileName: `${model}/opset${opset}.onnx`,
    readExternalData: externalDataReader(file),
  });
  if (!imported.ok) throw new Error(formatIssues(imported.issues));
  return imported.value;
}

export function torchInputs(model: string): Record<string, Float64Array> {
  return Object.fromEntries(MANIFEST.models[model]!.inputs.map((name) => [name, npy(model, name)]));
}

export function torchOutput(model: string): Float64Array {
  return npy(model, 'y');
}

/** A stage's outcome: a number (an error, a time) or the first line of why it failed. */
export type Stage = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

function stage(run: () => number): Stage {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, reason: (error instanceof Error ? error.message : String(error)).split('\n')[0]! };
  }
}

export interface TorchRow {
  readonly model: string;
  readonly opset: number;
  readonly import: Stage;
  /** fp32 reference evaluation against torch: relative L2. */
  readonly fp32: Stage;
  /** Estimated time on tpu-v4, seconds. */
  readonly estimate: Stage;
  /** bf16 on tpu-v4 against torch: relative L2. */
  readonly bf16: Stage;
  /** int8 on tpu-v1: number of output elements that differ from the quantized reference (0 = bit for bit). */
  readonly int8: Stage;
}

const skipped: Stage = { ok: false, reason: 'import failed' };

function onChip(
  graph: Graph,
  chipName: string,
  dtype: 'bf16' | 'int8',
  inputs: Record<string, Float64Array>,
): { outputs: ReadonlyMap<string, Float64Array>; compiled: ReturnType<typeof compileAndVerify>['compiled'] } {
  const chip = getChipPreset(chipName)!;
  const { compiled, issues } = compileAndVerify(
    graph,
    chip,
    dtype === 'int8' ? { dtype, calibration: inputs } : { dtype },
  );
  const problems = Object.entries(issues).flatMap(([pass, list]) => list.map((i) => `${pass}: ${i.message}`));
  if (problems.length > 0) throw new Error(`verifier: ${problems[0]}`);
  return { outputs: runCompiledModel(compiled, chip, { inputs }).outputs, compiled };
}

/** Every stage of one model at one opset. */
export function torchRow(model: string, opset: number): TorchRow {
  let graph: Graph | undefined;
  const imported = stage(() => {
    graph = loadGraph(model, opset);
    return 0;
  });
  if (!graph) return { model, opset, import: imported, fp32: skipped, estimate: skipped, bf16: skipped, int8: skipped };
  const g = graph;
  const inputs = torchInputs(model);
  const expected = torchOutput(model);
  const out = g.outputs[0]!;
  return {
    model,
    opset,
    import: imported,
    fp32: stage(() => relativeL2(evaluateGraph(g, inputs).get(out)!, expected)),
    estimate: stage(() => estimateGraph(g, getChipPreset('tpu-v4')!).totalTimeS),
    bf16: stage(() => relativeL2(onChip(g, 'tpu-v4', 'bf16', inputs).outputs.get(out)!, expected)),
    int8: stage(() => {
      const { outputs, compiled } = onChip(g, 'tpu-v1', 'int8', inputs);
      const reference = evaluateQuantized(fuse(simplify(g)), compiled.plan, inputs).outputs.get(out)!;
      const actual = outputs.get(out)!;
      return actual.reduce((n, x, i) => n + (Object.is(x, reference[i]) ? 0 : 1), 0);
    }),
  };
}

const cell = (s: Stage, show: (v: number) => string): string => (s.ok ? show(s.value) : `fails: ${s.reason}`);

/** The docs table: one row per model and opset. */
export function torchTable(rows: readonly TorchRow[]): string {
  const head =
    '| model | opset | import | fp32 rel. L2 | estimate tpu-v4 | bf16 tpu-v4 rel. L2 | int8 tpu-v1 vs quantized ' +
    'reference |\n|---|---|---|---|---|---|---|';
  const line = (r: TorchRow): string =>
    [
      r.model,
      String(r.opset),
      cell(r.import, () => 'ok'),
      cell(r.fp32, (v) => v.toExponential(1)),
      cell(r.estimate, (v) => `${(v * 1e6).toFixed(1)} us`),
      cell(r.bf16, (v) => v.toExponential(1)),
      cell(r.int8, (v) => (v === 0 ? 'bit for bit' : `${v} elements differ`)),
    ].join(' | ');
  return [head, ...rows.map((r) => `| ${line(r)} |`)].join('\n');
}
