/**
 * Requests of the Cluster page: a zoo transformer trained on a system preset under one plan, as
 * `tpusim train MODEL --system S --chips N --tp T --pp P --dp D ... --json` computes it (the same
 * library call, planTrainingRun, with the same defaults); the plan search as `tpusim train` without a
 * full plan runs it; reliability against the chip count as `tpusim reliability`; and the cost of the
 * run at the chip-hour price `tpusim tco` gives the system's chip.
 */
import {
  chipsPerHost,
  CostTrace,
  DEFAULT_BUILD_VOLUME,
  DEFAULT_COST_BOOK,
  defaultGlobalBatch,
  defaultSeq,
  getChipPreset,
  getSystemPreset,
  getZooEntry,
  ownerPrice,
  peakOpsPerS,
  planTrainingRun,
  provisionedPowerW,
  reliabilityAtScale,
  systemPresetNames,
  tcoPerChip,
  transformerModel,
  zooModelNames,
  type ChipSpec,
  type MatrixInputFormat,
  type PlanAxes,
  type SystemSpec,
  type TransformerModel,
} from '../../../src/web.js';

export interface ClusterArgs {
  /** A zoo transformer. */
  readonly model: string;
  /** A system preset; its chip is the chip trained on. */
  readonly system: string;
  /** The chip's first format when absent. */
  readonly dtype?: string;
  readonly chips: number;
  /** The model's default (4096, or its maximum) when absent. */
  readonly seq?: number;
  /** Sequences per step; 4M tokens' worth when absent. */
  readonly globalBatch?: number;
  /** The plan's axes; those absent take `tpusim train`'s defaults (dp: the whole replicas that fit). */
  readonly axes: PlanAxes;
  readonly tokens?: number;
  readonly checkpointS?: number;
  readonly restartS?: number;
}

/** What the plan search needs: the run without its plan, and how many plans to list. */
export type ClusterSearchArgs = Pick<ClusterArgs, 'model' | 'system' | 'dtype' | 'chips' | 'seq' | 'globalBatch'> & {
  readonly top: number;
};

/** Chip counts of the reliability chart: 1, 2 and 5 per decade up to 10 million (the page adds its own). */
const SCALE_CHIPS = Array.from({ length: 8 }, (_, decade) => [1, 2, 5].map((m) => m * 10 ** decade))
  .flat()
  .filter((n) => n <= 1e7);
const BOOK = DEFAULT_COST_BOOK;

const models = new Map<string, TransformerModel>();
/** The transformer of a zoo name, built once (as `tpusim train` reads it: the sequence is the plan's). */
function modelOf(name: string): TransformerModel {
  const kept = models.get(name) ?? transformerModel({ zoo: name }, 1);
  models.set(name, kept);
  return kept;
}

function systemOf(name: string): { system: SystemSpec; chip: ChipSpec } {
  const system = getSystemPreset(name);
  return { system, chip: getChipPreset(system.chip) };
}

const formatsOf = (chip: ChipSpec): string[] => chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input as string);

function dtypeOf(chip: ChipSpec, dtype: string | undefined): string {
  const formats = formatsOf(chip);
  if (dtype === undefined) return formats[0]!;
  if (!formats.includes(dtype)) throw new Error(`${chip.name} multiplies ${formats.join(', ')}, not ${dtype}`);
  return dtype;
}

/** What one chip-hour of a chip costs its owner, as `tpusim tco --chip CHIP --json` computes it. */
export interface ChipHourPrice {
  readonly usdPerChipHour: number;
  readonly capexUsd: number;
  /** The book's market price, or the cost to build `volume` chips. */
  readonly source: 'market' | 'built';
  readonly status?: string;
  readonly volume: number;
  readonly powerW: number;
  readonly powerSource: 'tdp' | 'model';
}

const prices = new Map<string, ChipHourPrice>();
/** As `tpusim tco`: the market price, else the cost to build 100,000; the provisioned power; the host share. */
export function chipHourPrice(chip: ChipSpec): ChipHourPrice {
  const kept = prices.get(chip.name);
  if (kept) return kept;
  const price = ownerPrice(chip, BOOK, DEFAULT_BUILD_VOLUME);
  const power = provisionedPowerW(chip);
  const tco = tcoPerChip(
    { chipCapexUsd: price.capexUsd, chipPowerW: power.watts, chipsPerHost: chipsPerHost(chip) },
    new CostTrace(BOOK),
  );
  const answer = {
    usdPerChipHour: tco.usdPerChipHour,
    capexUsd: price.capexUsd,
    source: price.source,
    ...(price.status ? { status: price.status } : {}),
    volume: DEFAULT_BUILD_VOLUME,
    powerW: power.watts,
    powerSource: power.source,
  };
  prices.set(chip.name, answer);
  return answer;
}

/** The model, system, chip and the run's sequence and batch, as `tpusim train` resolves them. */
function setup(args: Pick<ClusterArgs, 'model' | 'system' | 'dtype' | 'seq' | 'globalBatch'>) {
  const model = modelOf(args.model);
  const { system, chip } = systemOf(args.system);
  const dtype = dtypeOf(chip, args.dtype);
  const seq = args.seq ?? defaultSeq(model);
  const globalBatch = args.globalBatch ?? defaultGlobalBatch(seq);
  return { model, system, chip, dtype, seq, globalBatch };
}

function modelSummary(m: TransformerModel) {
  const shape = m.groups[0]!.shape;
  const moe = m.groups.find((g) => g.shape.mlp.kind === 'moe')?.shape.mlp;
  return {
    name: m.name,
    params: m.params,
    activeParams: m.activeParams,
    layers: m.layers,
    hidden: m.hidden,
    heads: shape.heads,
    kvHeads: shape.kvHeads,
    experts: moe?.kind === 'moe' ? moe.experts : 0,
    maxPositions: m.maxPositions,
  };
}

export const clusterApi = {
  /** The zoo's transformers and the system presets with their chip's formats. */
  clusterChoices: (_args: object) => ({
    models: zooModelNames()
      .filter((n) => getZooEntry(n)?.config)
      .map((n) => modelSummary(modelOf(n))),
    systems: systemPresetNames().map((name) => {
      const { system, chip } = systemOf(name);
      return {
        name,
        description: system.description,
        chip: chip.name,
        formats: formatsOf(chip),
        maxChips: system.maxChips,
        chipsPerHost: system.chipsPerHost,
      };
    }),
  }),
  /** `tpusim train --json` for one plan, the reliability curve and the cost of the run. */
  clusterTrain: (args: ClusterArgs) => {
    const { model, system, chip, dtype, seq, globalBatch } = setup(args);
    const { checkpointS, restartS } = args;
    const run = planTrainingRun(model, chip, system, {
      chips: args.chips,
      seq,
      globalBatch,
      mode: 'plan',
      axes: args.axes,
      options: { dtype },
      ...(args.tokens !== undefined ? { tokens: args.tokens } : {}),
      ...(checkpointS !== undefined ? { checkpointS } : {}),
      ...(restartS !== undefined ? { restartS } : {}),
    });
    const step = run.step;
    const price = chipHourPrice(chip);
    const chipHours = run.training && step ? (run.training.wallS / 3600) * step.chips : undefined;
    const scaleChips = [...new Set([...SCALE_CHIPS, ...(step ? [step.chips] : [])])].sort((a, b) => a - b);
    const reliability = run.reliability;
    return {
      model: modelSummary(model),
      chip: chip.name,
      system,
      dtype,
      chips: args.chips,
      seq,
      globalBatch,
      peakOpsPerS: peakOpsPerS(chip, dtype as MatrixInputFormat),
      capacityBytes: chip.offChipMemory.capacityBytes,
      ...run,
      price,
      ...(chipHours !== undefined ? { cost: { chipHours, usd: chipHours * price.usdPerChipHour } } : {}),
      scale: reliability
        ? reliabilityAtScale({
            chips: scaleChips,
            checkpointS: reliability.checkpointS,
            restartS: reliability.restartS,
          })
        : [],
    };
  },
  /** `tpusim train --json` without a plan: every plan searched, the best `top` by tokens/s, rejections grouped. */
  clusterSearch: (args: ClusterSearchArgs) => {
    const { model, system, chip, dtype, seq, globalBatch } = setup(args);
    if (seq > model.maxPositions)
      throw new Error(`the sequence of ${seq} exceeds ${model.name}'s ${model.maxPositions} positions`);
    const run = planTrainingRun(model, chip, system, {
      chips: args.chips,
      seq,
      globalBatch,
      mode: 'search',
      axes: {},
      options: { dtype },
      top: args.top,
    });
    const s = run.search!;
    return {
      inputs: { model: model.name, system: system.name, dtype, chips: args.chips, seq, globalBatch, top: args.top },
      evaluated: s.evaluated,
      valid: s.valid,
      best: s.best.map((b) => ({
        plan: b.plan,
        chipsUsed: b.chips,
        stepTimeS: b.stepTimeS,
        tokensPerS: b.tokensPerS,
        mfu: b.mfu,
        hfu: b.hfu,
        memoryPerChipBytes: b.memory.totalBytes,
        breakdown: b.breakdown,
      })),
      rejected: s.rejected,
    };
  },
};
