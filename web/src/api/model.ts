/**
 * Requests of the Model page: a model (zoo name, uploaded ONNX file or pasted Hugging Face config.json)
 * on a chip, estimated as `tpusim estimate MODEL --chip C --json` does, and on several chips side by side
 * as `tpusim compare` does. Built graphs are kept per (model, batch, seq) in this module and
 * estimateGraph keeps each graph's prepared layers, so a change of chip or format only re-estimates.
 */
import {
  CHIP_PRESETS,
  chipPresetNames,
  criticalPathCycles,
  estimateGraph,
  validationFor,
  getZooEntry,
  loadModel,
  MODEL_ZOO,
  ridgePointOpsPerByte,
  type ChipSpec,
  type Graph,
  type ModelSource,
} from '../../../src/web.js';

/** A model as the page names it: uploaded files are kept here and named by their upload number. */
export type ModelRef =
  | { readonly kind: 'zoo'; readonly name: string }
  | { readonly kind: 'onnx'; readonly upload: number }
  | { readonly kind: 'huggingface'; readonly text: string };

export interface ModelArgs {
  readonly model: ModelRef;
  readonly batch: number;
  /** Sequence length (transformers; the model's default when absent). */
  readonly seq?: number;
}

/** The config.json the page offers as an example to edit (a zoo transformer's). */
const EXAMPLE_CONFIG = 'llama3-8b';
/** Uploads and graphs kept: a few, as a 70B transformer's graph is large. */
const MAX_UPLOADS = 2;
const MAX_GRAPHS = 6;

const uploads = new Map<number, { readonly file: string; readonly bytes: Uint8Array }>();
let nextUpload = 1;
const graphs = new Map<string, Graph>();

function sourceOf(ref: ModelRef): ModelSource {
  if (ref.kind === 'zoo') return { kind: 'zoo', name: ref.name };
  if (ref.kind === 'huggingface') return { kind: 'huggingface', file: 'config.json', text: ref.text };
  const upload = uploads.get(ref.upload);
  if (!upload) throw new Error('the uploaded file is no longer here: choose it again');
  return { kind: 'onnx', file: upload.file, bytes: upload.bytes };
}

/** The model's graph at this batch and sequence length, built once (least recently used dropped first). */
function graphOf(args: ModelArgs): Graph {
  const key = JSON.stringify([args.model, args.batch, args.seq ?? 0]);
  const kept = graphs.get(key);
  if (kept) {
    graphs.delete(key);
    graphs.set(key, kept);
    return kept;
  }
  const graph = loadModel(sourceOf(args.model), {
    batch: args.batch,
    ...(args.seq !== undefined ? { seq: args.seq } : {}),
  });
  graphs.set(key, graph);
  if (graphs.size > MAX_GRAPHS) graphs.delete(graphs.keys().next().value!);
  return graph;
}

function chipOf(name: string): ChipSpec {
  const chip = CHIP_PRESETS[name];
  if (!chip) throw new Error(`unknown chip '${name}'`);
  return chip;
}

const formatsOf = (chip: ChipSpec): string[] => chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input as string);

export const modelApi = {
  /** The zoo (with each model's default batch and sequence length) and the chips with their formats. */
  modelChoices: (_args: object) => ({
    models: MODEL_ZOO.map((m) => ({
      name: m.name,
      family: m.family,
      description: m.description,
      batch: m.defaults.batch,
      seq: m.defaults.seq,
    })),
    chips: chipPresetNames().map((name) => ({ name, formats: formatsOf(chipOf(name)) })),
    exampleConfig: JSON.stringify(getZooEntry(EXAMPLE_CONFIG)?.config ?? {}, null, 2),
  }),
  /** Keeps an .onnx file's bytes for later requests; the answer names it. */
  modelUpload: (args: { file: string; bytes: Uint8Array }): { upload: number; file: string; bytes: number } => {
    const upload = nextUpload++;
    uploads.set(upload, { file: args.file, bytes: args.bytes });
    for (const old of uploads.keys()) if (uploads.size > MAX_UPLOADS) uploads.delete(old);
    return { upload, file: args.file, bytes: args.bytes.length };
  },
  /** `tpusim estimate --json` for the model on one chip (all cores, the chip's first format unless given). */
  modelEstimate: (args: ModelArgs & { chip: string; dtype?: string }) => {
    const chip = chipOf(args.chip);
    const graph = graphOf(args);
    const e = estimateGraph(graph, chip, { ...(args.dtype ? { dtype: args.dtype } : {}), cores: 'all' });
    return {
      ...e,
      ridgePointOpsPerByte: ridgePointOpsPerByte(chip, e.dtype as never),
      criticalPathS: criticalPathCycles(e, graph) / chip.clockHz,
      memory: { kind: chip.offChipMemory.kind, bandwidthBytesPerS: chip.offChipMemory.bandwidthBytesPerS },
      // As tpusim estimate: the layers are kernels, validated as the kernels category.
      validation: validationFor('kernels', { chip: chip.name, chips: 1 }),
    };
  },
  /** `tpusim compare --json`: each chip in its first format, totals only. */
  modelCompare: (args: ModelArgs & { chips: readonly string[] }) => {
    const graph = graphOf(args);
    const rows = args.chips.map((name) => {
      const e = estimateGraph(graph, chipOf(name), { detail: 'totals' });
      return {
        chip: e.chip,
        dtype: e.dtype,
        batch: e.batch,
        totalTimeS: e.totalTimeS,
        achievedOpsPerS: e.achievedOpsPerS,
        utilization: e.utilization,
        energyJ: e.energyJ,
        averagePowerW: e.averagePowerW,
        feasible: e.feasible,
        reasons: e.reasons,
        warnings: e.warnings,
      };
    });
    return { model: graph.name, chips: rows };
  },
};
