/**
 * One validation row -> tpusim's prediction of its measured metric, with the library's own models:
 * kernels (model/kernels), training steps (cluster/train), serving (cluster/serve; capacity under an SLO
 * with the SLO capacity search, serve-capacity-row.ts), collectives
 * (cluster/collectives). A row that cannot be mapped (unknown chip, indivisible plan) is a result with
 * the reason, not an exception.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { getChipPreset } from '../arch/presets/index.js';
import { formatIssues } from '../core/errors.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { harnessSeconds } from '../cluster/collective-harness.js';
import { maxBatch, servingContext, servingProblems } from '../cluster/serve.js';
import { parseSystem, SYSTEM_PRESETS } from '../cluster/systems.js';
import { planProblems, trainingStep, type TrainingOptions } from '../cluster/train.js';
import { trainingFlopsPerToken, transformerModel, type TransformerModel } from '../cluster/transformer.js';
import type { SystemSpec, TrainingPlan } from '../cluster/types.js';
import { attentionSeconds, gemmSeconds } from '../model/kernels.js';
import { powerCappedChip, powerLimitProblems } from '../model/power-cap.js';
import { predictArea, predictPower } from './predict-physical.js';
import { baselineWorkload, disaggregatedRowCapacity, longestRequest, replicaCapacity } from './serve-capacity-row.js';
import { disaggregatedValue, quantizationOf, scheduledServePoint, techniquePlan } from './serve-techniques.js';
import type {
  AttentionWorkload,
  CollectiveWorkload,
  FlopConvention,
  GemmWorkload,
  ModelRef,
  ServeWorkload,
  SystemRef,
  TrainWorkload,
  ValidationRow,
} from './types.js';
import { METRICS } from './types.js';

/** Where a row sits, for the validated regime of its category. */
export interface RowRegime {
  readonly chip: string;
  readonly chips: number;
  /** Model parameters (training and serving rows). */
  readonly params?: number;
}

export type RowPrediction =
  | {
      readonly ok: true;
      readonly row: ValidationRow;
      readonly predicted: number;
      /** Predicted / measured of the metric. */
      readonly ratio: number;
      /** Predicted speed / measured speed: above 1, the model is optimistic. */
      readonly speedRatio: number;
      /** |predicted / measured - 1|. */
      readonly error: number;
      readonly regime: RowRegime;
      /** What the model said besides the number (e.g. the plan would not fit memory). */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly row: ValidationRow; readonly reason: string };

class MappingError extends Error {}

function chipOf(name: string): ChipSpec {
  try {
    return getChipPreset(name);
  } catch (e) {
    throw new MappingError((e as Error).message);
  }
}

/** The preset under the board power limit a row states (model/power-cap.ts); a limit it cannot take fails the row. */
function cappedChipOf(name: string, powerLimitW: number | undefined): ChipSpec {
  const chip = chipOf(name);
  if (powerLimitW === undefined) return chip;
  const problems = powerLimitProblems(chip, powerLimitW, 'workload.powerLimitW');
  if (problems.length > 0) throw new MappingError(problems.join('; '));
  return powerCappedChip(chip, powerLimitW, 'workload.powerLimitW');
}

/** A one-tier system for a single chip with no system preset (a one-chip run needs no network). */
function lonely(chip: ChipSpec): SystemSpec {
  return {
    name: `${chip.name}-alone`,
    description: 'one chip',
    chip: chip.name,
    chipsPerHost: 1,
    tiers: [{ name: 'none', kind: 'switch', domainChips: 1, bandwidthBytesPerS: 1e9, latencyS: 0 }],
    maxChips: 1,
  };
}

function systemOf(ref: SystemRef | undefined, chip: ChipSpec, chips: number): SystemSpec {
  if (ref === undefined) {
    const preset = Object.values(SYSTEM_PRESETS).find((s) => s.chip === chip.name);
    if (preset) return preset;
    if (chips === 1) return lonely(chip);
    throw new MappingError(`no system preset is built from ${chip.name}; the row must name its system`);
  }
  if (typeof ref === 'string') {
    const preset = SYSTEM_PRESETS[ref];
    if (!preset) throw new MappingError(`unknown system '${ref}' (presets: ${Object.keys(SYSTEM_PRESETS).join(', ')})`);
    return preset;
  }
  const parsed = parseSystem(JSON.stringify(ref), 'workload.system');
  if (!parsed.ok) throw new MappingError(formatIssues(parsed.issues));
  return parsed.value;
}

function modelOf(ref: ModelRef, seq: number): TransformerModel {
  try {
    return 'zoo' in ref
      ? transformerModel({ zoo: ref.zoo }, seq)
      : transformerModel({ config: ref.config, file: ref.name ?? 'config.json' }, seq);
  } catch (e) {
    throw new MappingError((e as Error).message);
  }
}

const MACS_TO_TFLOPS = 2e-12;

/** Stacks that compile the step with XLA. */
const XLA_STACKS: readonly string[] = ['maxtext', 'jax', 'paxml'];

/**
 * Rows may write `fp8` for the training and serving format frameworks call fp8: e4m3 in the forward pass (Micikevicius
 * et al. 2022).
 */
const formatOf = (dtype: string | undefined): string | undefined => (dtype === 'fp8' ? 'fp8-e4m3' : dtype);

function predictGemm(w: GemmWorkload, metric: string): number {
  const chip = chipOf(w.chip);
  const batch = w.batch ?? 1;
  const s = gemmSeconds(chip, w.dtype, { batch, m: w.m, n: w.n, k: w.k, weightsAreParameters: batch === 1 });
  return metric === 'seconds' ? s : (batch * w.m * w.n * w.k * MACS_TO_TFLOPS) / s;
}

/** The FlashAttention papers' FLOP count: forward 4 b h sq sk d (halved when causal), backward 2.5x. */
export function attentionFlops(w: AttentionWorkload): number {
  const forward = (4 * w.batch * w.heads * w.seqQ * (w.seqK ?? w.seqQ) * w.headDim) / (w.causal ? 2 : 1);
  return forward * (w.pass === 'forward' ? 1 : w.pass === 'backward' ? 2.5 : 3.5);
}

function predictAttention(w: AttentionWorkload, metric: string): number {
  const chip = chipOf(w.chip);
  // 'other' (a kernel tpusim does not model by name) runs as the chip's default kernel.
  const t = attentionSeconds(chip, w.dtype, {
    batch: w.batch,
    heads: w.heads,
    seqQ: w.seqQ,
    seqK: w.seqK ?? w.seqQ,
    qkDim: w.headDim,
    valueDim: w.headDim,
    causal: w.causal,
    ...(w.implementation === 'other' ? {} : { implementation: w.implementation }),
  });
  const s = w.pass === 'forward' ? t.forwardS : w.pass === 'backward' ? t.backwardS : t.forwardS + t.backwardS;
  return metric === 'seconds' ? s : attentionFlops(w) / s / 1e12;
}

/** FLOPs of one step as the source counts them, for TFLOP/s per chip. */
function sourceFlopsPerStep(model: TransformerModel, plan: TrainWorkload['plan'], convention: FlopConvention): number {
  const tokens = plan.globalBatch * plan.seq;
  const n = model.activeParams;
  if (convention === '6n') return 6 * n * tokens;
  if (convention === '6n-attn') return (6 * n + 12 * model.layers * model.hidden * plan.seq) * tokens;
  // Narayanan et al. 2021, eq. 3: 96 B s l h^2 (1 + s / 6h + V / 16 l h), with full recomputation.
  const { hidden: h, layers: l, vocab: v } = model;
  return 96 * plan.globalBatch * plan.seq * l * h * h * (1 + plan.seq / (6 * h) + v / (16 * l * h));
}

/** The training options a train row states (its stack's defaults for the rest). */
function trainOptions(w: TrainWorkload, dtype: string | undefined): TrainingOptions {
  const overlap = {
    ...(w.tpCommOverlap !== undefined ? { tpOverlap: w.tpCommOverlap } : {}),
    ...(w.epCommOverlap !== undefined ? { epOverlap: w.epCommOverlap } : {}),
  };
  const moe = {
    ...(w.moeDispatcher !== undefined ? { dispatcher: w.moeDispatcher } : {}),
    ...(w.moeFp8Dispatch !== undefined ? { fp8Dispatch: w.moeFp8Dispatch } : {}),
  };
  return {
    ...(dtype ? { dtype } : {}),
    flashAttention: w.flashAttention ?? true,
    stack: w.stack,
    ...(w.fused !== undefined ? { fused: w.fused } : {}),
    ...(w.attention !== undefined ? { attention: w.attention } : {}),
    ...(w.dropout !== undefined ? { dropout: w.dropout } : {}),
    ...(Object.keys(overlap).length > 0 ? { overlap } : {}),
    ...(Object.keys(moe).length > 0 ? { moe } : {}),
    ...(w.pipelineSchedule !== undefined ? { pipelineSchedule: w.pipelineSchedule } : {}),
    ...(w.remat !== undefined ? { remat: w.remat } : {}),
    ...(w.fp8Scaling !== undefined ? { fp8Scaling: w.fp8Scaling } : {}),
  };
}

function predictTrain(
  w: TrainWorkload,
  metric: string,
  flops: FlopConvention | undefined,
  notes: string[],
): { value: number; params: number } {
  const chip = cappedChipOf(w.chip, w.powerLimitW);
  const system = systemOf(w.system, chip, w.chips);
  const model = modelOf(w.model, w.plan.seq);
  const p = w.plan;
  const plan: TrainingPlan = {
    tp: p.tp,
    pp: p.pp,
    dp: p.dp,
    cp: p.cp ?? 1,
    ep: p.ep ?? 1,
    zero: p.zero ?? 0,
    microbatch: p.microbatch,
    globalBatch: p.globalBatch,
    seq: p.seq,
    recompute: p.recompute ?? 'none',
    // XLA shards activations over the model axis (MaxText's logical axis rules): sequence parallelism's memory and
    // collectives.
    sequenceParallel: p.sequenceParallel ?? (XLA_STACKS.includes(w.stack) && p.tp > 1),
    interleave: p.interleave ?? 1,
    overlapGradients: p.overlapGradients ?? true,
  };
  const problems = planProblems(model, w.chips, plan);
  if (problems.length > 0) throw new MappingError(problems.join('; '));
  const dtype = formatOf(w.dtype);
  const step = trainingStep(model, chip, system, w.chips, plan, trainOptions(w, dtype));
  if (!step.valid) notes.push(...step.reasons);
  const value =
    metric === 'step-s'
      ? step.stepTimeS
      : metric === 'tokens-per-s'
        ? step.tokensPerS
        : metric === 'tokens-per-s-per-chip'
          ? step.tokensPerS / w.chips
          : metric === 'mfu'
            ? // Published MFUs (Llama 3, PaLM, Megatron-LM, MegaScale) count attention's full seq x seq square;
              // tpusim's counts the causal half it performs. Llama 3 (arXiv 2407.21783, section 3.3.2) defines its
              // "BF16 Model FLOPs Utilization (MFU; Chowdhery et al. (2023))", i.e. PaLM's appendix B count,
              // 6N + 12 L H Q T per token: the full square, at 128K tokens as at 8K.
              (step.mfu * trainingFlopsPerToken(model, plan.seq, 'full')) / trainingFlopsPerToken(model, plan.seq)
            : sourceFlopsPerStep(model, w.plan, flops ?? '6n') / step.stepTimeS / w.chips / 1e12;
  return { value, params: model.params };
}

function predictServe(w: ServeWorkload, metric: string, notes: string[]): { value: number; params: number } {
  if (metric === 'capacity-ratio-at-slo') {
    // Both capacities on the same chips, each with its own engine settings (the baseline's step budget).
    const row = predictServe(w, 'requests-per-s-at-slo', notes);
    const base = predictServe(baselineWorkload(w), 'requests-per-s-at-slo', notes);
    notes.push(`capacity ratio: ${row.value.toPrecision(3)} / ${base.value.toPrecision(3)} requests/s`);
    return { value: row.value / base.value, params: row.params };
  }
  const chip = cappedChipOf(w.chip, w.powerLimitW);
  const pp = w.pp ?? 1;
  const pools = w.disaggregated;
  const system = systemOf(w.system, chip, pools ? w.chips : w.tp * pp);
  const capacity = metric === 'requests-per-s-at-slo';
  const model = modelOf(w.model, capacity ? longestRequest(w) : w.prompt + w.output);
  const problems = servingProblems(model, { tp: w.tp, pp }, w.tp * pp);
  if (problems.length > 0) throw new MappingError(problems.join('; '));
  const quantized = quantizationOf(w) !== undefined;
  const kvBytes = w.kvDtype && !quantized ? NUMBER_FORMATS[w.kvDtype as keyof typeof NUMBER_FORMATS]?.bytes : undefined;
  const dtype = formatOf(w.dtype);
  const draft = w.speculative?.draft ? modelOf(w.speculative.draft, w.prompt + w.output) : undefined;
  const plan = {
    tp: w.tp,
    pp,
    engine: w.engine,
    ...(w.engineVersion ? { engineVersion: w.engineVersion } : {}),
    ...(dtype && !quantized ? { dtype } : {}),
    ...(kvBytes ? { kvBytes } : {}),
    ...techniquePlan(w, draft),
  };
  const ctx = servingContext(model, chip, system, plan);
  if (pools) {
    if (pools.prefillChips + pools.decodeChips !== w.chips)
      throw new MappingError(
        `disaggregated: prefillChips ${pools.prefillChips} + decodeChips ${pools.decodeChips} are not the row's ` +
          `${w.chips} chips`,
      );
    const prefillTp = pools.prefillTp ?? w.tp;
    const prefillProblems = servingProblems(model, { tp: prefillTp, pp }, prefillTp * pp);
    if (
      prefillProblems.length > 0 ||
      pools.prefillChips % (prefillTp * pp) !== 0 ||
      pools.decodeChips % (w.tp * pp) !== 0
    )
      throw new MappingError(
        `disaggregated: pools of ${pools.prefillChips} and ${pools.decodeChips} chips are not whole replicas of ` +
          `tp ${prefillTp} and ${w.tp} (x pp ${pp}) ${prefillProblems.join('; ')}`,
      );
    const prefill = prefillTp === w.tp ? ctx : servingContext(model, chip, system, { ...plan, tp: prefillTp });
    const value = capacity
      ? disaggregatedRowCapacity(prefill, ctx, w, notes)
      : disaggregatedValue(prefill, ctx, w, metric, notes);
    return { value, params: model.params };
  }
  if (w.chips % (w.tp * pp) !== 0)
    throw new MappingError(`${w.chips} chips are not a whole number of replicas of tp x pp = ${w.tp * pp}`);
  // Each replica takes its share of one Poisson stream: the replicas' rates add up.
  if (capacity) return { value: (w.chips / (w.tp * pp)) * replicaCapacity(ctx, w, notes), params: model.params };
  // Offline runs queue every request at once: the engine runs as many as its KV cache holds, up to `batch`.
  const batch = w.mode === 'offline' ? Math.max(1, Math.min(w.batch, maxBatch(ctx, w.prompt, w.output))) : w.batch;
  if (batch < w.batch) notes.push(`offline: ${batch} of the ${w.batch} sequences fit the KV cache at once`);
  const point = scheduledServePoint(ctx, w, batch);
  if (!point.fits)
    notes.push(
      `the batch of ${batch} does not fit memory in the model (` +
        `${(point.memoryPerChipBytes / 2 ** 30).toFixed(1)} GiB per chip)`,
    );
  const replicas = w.chips / (w.tp * pp);
  const value =
    metric === 'ttft-s'
      ? point.ttftS
      : metric === 'tpot-s'
        ? point.tpotS
        : metric === 'request-latency-s'
          ? point.requestS
          : metric === 'output-tokens-per-s'
            ? replicas * point.tokensPerS
            : (replicas * batch * (w.prompt + w.output)) / point.requestS;
  return { value, params: model.params };
}

/** nccl-tests' bus bandwidth factor: all-reduce 2(n-1)/n, the others (n-1)/n. */
const busFactor = (kind: CollectiveWorkload['collective'], n: number): number =>
  ((kind === 'all-reduce' ? 2 : 1) * (n - 1)) / n;

function predictCollective(w: CollectiveWorkload, metric: string): number {
  const chip = chipOf(w.chip);
  const system = systemOf(w.system, chip, w.ranks);
  const node = system.tiers[0]!.domainChips;
  const perNode = Math.min(w.ranksPerNode ?? node, w.ranks);
  if (node % perNode !== 0)
    throw new MappingError(
      `ranksPerNode ${perNode} does not divide the ${node} chips of a ${system.tiers[0]!.name} domain`,
    );
  const s = harnessSeconds(
    system,
    w.collective,
    w.bytes,
    { size: w.ranks, stride: w.ranks > perNode ? node / perNode : 1 },
    w.harness,
  );
  if (metric === 'seconds') return s;
  const algbw = w.bytes / s / 1e9;
  return metric === 'algbw-GBps' ? algbw : algbw * busFactor(w.collective, w.ranks);
}

const METRICS_BY_KIND: Readonly<Record<string, readonly string[]>> = {
  gemm: ['tflops', 'seconds'],
  attention: ['tflops', 'seconds'],
  train: ['step-s', 'tokens-per-s', 'tokens-per-s-per-chip', 'mfu', 'tflops-per-chip'],
  serve: [
    'ttft-s',
    'tpot-s',
    'output-tokens-per-s',
    'total-tokens-per-s',
    'request-latency-s',
    'requests-per-s-at-slo',
    'capacity-ratio-at-slo',
    'kv-transfer-s',
  ],
  collective: ['busbw-GBps', 'algbw-GBps', 'seconds'],
  power: ['watts', 'clock-mhz'],
  area: ['mm2'],
};

/** tpusim's prediction of a row's measured metric. */
export function predictRow(row: ValidationRow): RowPrediction {
  const w = row.workload;
  const metric = row.measured.metric;
  const notes: string[] = [];
  try {
    if (!METRICS_BY_KIND[w.kind]!.includes(metric))
      throw new MappingError(
        `metric ${metric} does not apply to a ${w.kind} workload (${METRICS_BY_KIND[w.kind]!.join(', ')})`,
      );
    let predicted: number;
    let regime: RowRegime;
    if (w.kind === 'gemm') {
      predicted = predictGemm(w, metric);
      regime = { chip: w.chip, chips: 1 };
    } else if (w.kind === 'attention') {
      predicted = predictAttention(w, metric);
      regime = { chip: w.chip, chips: 1 };
    } else if (w.kind === 'train') {
      const r = predictTrain(w, metric, row.measured.flops, notes);
      predicted = r.value;
      regime = { chip: w.chip, chips: w.chips, params: r.params };
    } else if (w.kind === 'serve') {
      const r = predictServe(w, metric, notes);
      predicted = r.value;
      regime = { chip: w.chip, chips: w.chips, params: r.params };
    } else if (w.kind === 'collective') {
      predicted = predictCollective(w, metric);
      regime = { chip: w.chip, chips: w.ranks };
    } else {
      predicted = w.kind === 'power' ? predictPower(chipOf(w.chip), w, metric, notes) : predictArea(chipOf(w.chip), w);
      regime = { chip: w.chip, chips: 1 };
    }
    if (!Number.isFinite(predicted) || predicted <= 0) throw new MappingError(`the model predicted ${predicted}`);
    const ratio = predicted / row.measured.value;
    const speedRatio = METRICS[metric] === 'rate' ? ratio : 1 / ratio;
    return { ok: true, row, predicted, ratio, speedRatio, error: Math.abs(ratio - 1), regime, notes };
  } catch (e) {
    if (e instanceof MappingError) return { ok: false, row, reason: e.message };
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, row, reason: message };
  }
}
