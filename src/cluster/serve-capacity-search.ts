/**
 * Serving configurations ranked by output tokens per second per chip under latency SLOs: every split of
 * N chips into data-parallel replicas of tp x pp chips, each matrix format the chip runs (one per byte
 * width: formats of the same width time alike), and, for the best of those, other batch-slot counts and
 * prefill chunk sizes. Each configuration's capacity comes from `findCapacity` (serve-capacity.ts);
 * those that cannot run, or cannot meet the SLOs at any rate, are kept as rejections with the reason,
 * as the training plan search does (search.ts). With two chips or more, splits of the chips into a
 * prefill and a decode pool (disaggregation ratios) are ranked too, by a closed-form estimate
 * (serve-disagg-capacity.ts): the simulator does not model two pools.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { matrixFormats } from '../arch/derive.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { disaggregatedCapacity, type DisaggregatedCapacity } from './serve-disagg-capacity.js';
import {
  capacityProblems,
  defaultSchedule,
  findCapacity,
  inputAtPercentile,
  servingMemory,
  type CapacityOptions,
  type CapacityResult,
  type ReplicaSchedule,
  type ServingSlo,
  type ServingWorkload,
} from './serve-capacity.js';
import {
  maxBatch,
  servingContext,
  servingProblems,
  weightBytesPerChip,
  type ServingContext,
  type ServingMemory,
  type ServingPlan,
} from './serve.js';
import type { TransformerModel } from './transformer.js';
import type { SystemSpec } from './types.js';

export interface ServingConfig {
  readonly plan: ServingPlan;
  /** Data-parallel replicas, each of tp x pp chips. */
  readonly replicas: number;
  readonly schedule: ReplicaSchedule;
}

export interface RankedServingConfig {
  readonly config: ServingConfig;
  readonly chips: number;
  readonly dtype: string;
  readonly capacity: CapacityResult;
  /** Requests per second over all replicas at the SLO. */
  readonly requestsPerS: number;
  /** Output tokens per second per chip at the SLO. */
  readonly tokensPerSPerChip: number;
  readonly memory: ServingMemory;
}

export interface ServingRejection {
  readonly count: number;
  /**
   * plan: the split cannot run the model; memory: it does not fit; slo: it meets the SLOs at no rate; budget: not
   * evaluated.
   */
  readonly reason: 'plan' | 'memory' | 'slo' | 'budget';
  /** One example, with its configuration. */
  readonly message: string;
}

export interface ServingSearchResult {
  readonly chips: number;
  readonly evaluated: number;
  readonly valid: number;
  readonly simulations: number;
  /** Best first by tokens per second per chip; ties keep enumeration order. */
  readonly best: readonly RankedServingConfig[];
  readonly rejected: readonly ServingRejection[];
  /** Prefill : decode splits of the chips (two chips or more), estimated in closed form, not simulated. */
  readonly disaggregated?: DisaggregatedSearch;
}

export interface RankedDisaggregated extends DisaggregatedCapacity {
  readonly dtype: string;
  readonly prefill: { readonly tp: number; readonly pp: number; readonly replicas: number };
  readonly decode: { readonly tp: number; readonly pp: number; readonly replicas: number };
}

export interface DisaggregatedSearch {
  /** Says how the rates were found. */
  readonly method: 'closed-form estimate';
  readonly evaluated: number;
  /** Best first by tokens per second per chip; ties keep enumeration order (fewer prefill chips first). */
  readonly best: readonly RankedDisaggregated[];
  readonly rejected: readonly ServingRejection[];
}

export interface ServingSearchOptions extends CapacityOptions {
  /** Fields every plan carries beyond tp, pp and dtype (engine, quantization options). */
  readonly basePlan?: Omit<ServingPlan, 'tp' | 'pp'>;
  /** Formats to try (default: the chip's, one per byte width, when basePlan has no dtype). */
  readonly dtypes?: readonly string[];
  /** How many of the best are tried with other slots and chunk sizes (default 3). */
  readonly refine?: number;
  /** Simulations over the whole search (default 800). */
  readonly maxTotalSimulations?: number;
}

/** Tensor-parallel widths before pipeline stages: tp within the scale-up domain first. */
function splits(chips: number, scaleUp: number): Array<{ tp: number; pp: number }> {
  const divisors: number[] = [];
  for (let d = 1; d <= chips; d++) if (chips % d === 0) divisors.push(d);
  const out: Array<{ tp: number; pp: number }> = [];
  for (const tp of divisors)
    for (const pp of divisors) if ((chips / tp) % pp === 0 && (tp <= scaleUp || pp === 1)) out.push({ tp, pp });
  return out;
}

/** The chip's matrix formats, the first of each byte width. */
export function servingDtypes(chip: ChipSpec): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  for (const f of matrixFormats(chip)) {
    const bytes = NUMBER_FORMATS[f].bytes;
    if (bytes > 2 || seen.has(bytes)) continue;
    seen.add(bytes);
    out.push(f);
  }
  return out;
}

function describe(plan: ServingPlan, replicas: number, schedule?: ReplicaSchedule): string {
  return (
    `tp ${plan.tp} x pp ${plan.pp} x ${replicas} replicas${plan.dtype ? `, ${plan.dtype}` : ''}` +
    `${schedule ? `, ${schedule.slots} slots, chunk ${schedule.chunkTokens}` : ''}`
  );
}

/** Ranks serving configurations of `chips` chips by tokens/s per chip under the SLOs (file comment). */
export function searchServingConfigs(
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  chips: number,
  workload: ServingWorkload,
  slo: ServingSlo,
  options: ServingSearchOptions = {},
): ServingSearchResult {
  const search: CapacityOptions = {
    requests: options.requests ?? 1000,
    seed: options.seed ?? 1,
    tolerance: options.tolerance ?? 0.05,
    maxSimulations: options.maxSimulations ?? 16,
    ...(options.scheduler !== undefined ? { scheduler: options.scheduler } : {}),
  };
  const budget = options.maxTotalSimulations ?? 800;
  const dtypes =
    options.dtypes ?? (options.basePlan?.dtype !== undefined ? [options.basePlan.dtype] : servingDtypes(chip));
  const ranked: RankedServingConfig[] = [];
  const rejected = new Map<ServingRejection['reason'], { count: number; message: string }>();
  const reject = (reason: ServingRejection['reason'], message: string): void => {
    const r = rejected.get(reason);
    if (r) r.count++;
    else rejected.set(reason, { count: 1, message });
  };
  let simulations = 0;
  let evaluated = 0;
  const evaluate = (ctx: ServingContext, config: ServingConfig): void => {
    evaluated++;
    const where = describe(config.plan, config.replicas, config.schedule);
    if (simulations >= budget)
      return reject('budget', `${where}: not simulated, the search's ${budget} simulations are spent`);
    const before = simulations;
    const onSimulation = options.onSimulation
      ? (n: number): void => options.onSimulation!(before + n, budget)
      : undefined;
    const capacity = findCapacity(ctx, workload, slo, config.schedule, {
      ...search,
      maxSimulations: Math.min(search.maxSimulations!, budget - simulations),
      ...(onSimulation ? { onSimulation } : {}),
    });
    simulations += capacity.simulations;
    if (!capacity.feasible) return reject('slo', `${where}: ${capacity.reasons.join('; ')}`);
    ranked.push({
      config,
      chips,
      dtype: ctx.dtype,
      capacity,
      requestsPerS: capacity.requestsPerS * config.replicas,
      tokensPerSPerChip: (capacity.outputTokensPerS * config.replicas) / chips,
      memory: servingMemory(ctx, workload, config.schedule),
    });
  };
  const contexts = new Map<ServingPlan, ServingContext>();
  for (const { tp, pp } of splits(chips, system.tiers[0]?.domainChips ?? 1)) {
    const replicas = chips / (tp * pp);
    for (const dtype of dtypes) {
      const plan: ServingPlan = { ...options.basePlan, tp, pp, dtype };
      const problems = servingProblems(model, plan, tp * pp);
      if (problems.length > 0) {
        evaluated++;
        reject('plan', `${describe(plan, replicas)}: ${problems.join('; ')}`);
        continue;
      }
      const ctx = servingContext(model, chip, system, plan);
      const misfit = capacityProblems(ctx, workload);
      if (misfit.length > 0) {
        evaluated++;
        reject('memory', `${describe(plan, replicas)}: ${misfit.join('; ')}`);
        continue;
      }
      contexts.set(plan, ctx);
      evaluate(ctx, { plan, replicas, schedule: defaultSchedule(ctx, workload) });
    }
  }
  const first = [...ranked].sort((a, b) => b.tokensPerSPerChip - a.tokensPerSPerChip).slice(0, options.refine ?? 3);
  for (const r of first) {
    const ctx = contexts.get(r.config.plan)!;
    for (const schedule of scheduleVariants(r.config.schedule)) evaluate(ctx, { ...r.config, schedule });
  }
  const best = ranked
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.tokensPerSPerChip - a.r.tokensPerSPerChip || a.i - b.i)
    .map(({ r }) => r);
  const disaggregated =
    chips >= 2
      ? searchDisaggregated(model, chip, system, chips, workload, slo, options.basePlan ?? {}, dtypes)
      : undefined;
  return {
    chips,
    evaluated,
    valid: ranked.length,
    simulations,
    best,
    rejected: grouped(rejected),
    ...(disaggregated ? { disaggregated } : {}),
  };
}

function grouped(
  rejected: ReadonlyMap<ServingRejection['reason'], { count: number; message: string }>,
): ServingRejection[] {
  const order: ServingRejection['reason'][] = ['plan', 'memory', 'slo', 'budget'];
  return order.filter((k) => rejected.has(k)).map((k) => ({ reason: k, ...rejected.get(k)! }));
}

/** Most prefill : decode ratios tried per format (evenly spaced when there are more). */
const MAX_RATIOS = 64;

/**
 * Prefill : decode splits of `chips`: each pool in replicas of the fewest chips (powers of two, default
 * split) that run the model and hold its requests; every split into whole replicas of both, up to
 * MAX_RATIOS per format; each priced by `disaggregatedCapacity` (closed form).
 */
function searchDisaggregated(
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  chips: number,
  workload: ServingWorkload,
  slo: ServingSlo,
  basePlan: Omit<ServingPlan, 'tp' | 'pp'>,
  dtypes: readonly string[],
): DisaggregatedSearch {
  const rejected = new Map<ServingRejection['reason'], { count: number; message: string }>();
  const reject = (reason: ServingRejection['reason'], message: string): void => {
    const r = rejected.get(reason);
    if (r) r.count++;
    else rejected.set(reason, { count: 1, message });
  };
  const ranked: RankedDisaggregated[] = [];
  let evaluated = 0;
  for (const dtype of dtypes) {
    const replica = (fits: (ctx: ServingContext) => string[]): { ctx: ServingContext; chips: number } | string => {
      let why = `no replica of up to ${chips - 1} chips`;
      for (let n = 1; n < chips; n *= 2) {
        const plan: ServingPlan = { ...basePlan, ...defaultServingSplit(model, n, system), dtype };
        const problems = servingProblems(model, plan, n);
        const ctx = problems.length === 0 ? servingContext(model, chip, system, plan) : undefined;
        const misfit = ctx ? fits(ctx) : problems;
        if (ctx && misfit.length === 0) return { ctx, chips: n };
        why = `${n} chips: ${misfit.join('; ')}`;
      }
      return why;
    };
    const prefill = replica((ctx) =>
      maxBatch(ctx, inputAtPercentile(workload, slo.percentile), 1) >= 1
        ? []
        : [
            `weights ${(weightBytesPerChip(ctx) / 2 ** 30).toPrecision(4)} GiB per chip leave no room for a ` +
              `prompt's KV cache`,
          ],
    );
    const decode = replica((ctx) => capacityProblems(ctx, workload));
    if (typeof prefill === 'string' || typeof decode === 'string') {
      evaluated++;
      reject(
        'memory',
        `${dtype}: no ${typeof prefill === 'string' ? 'prefill' : 'decode'} replica fits in fewer than ${chips} ` +
          `chips (${typeof prefill === 'string' ? prefill : decode})`,
      );
      continue;
    }
    const ratios: number[] = [];
    for (let p = prefill.chips; p <= chips - decode.chips; p += prefill.chips)
      if ((chips - p) % decode.chips === 0) ratios.push(p);
    const step = Math.max(1, Math.ceil(ratios.length / MAX_RATIOS));
    for (let i = 0; i < ratios.length; i += step) {
      const prefillChips = ratios[i]!;
      const decodeChips = chips - prefillChips;
      evaluated++;
      const c = disaggregatedCapacity(prefill.ctx, decode.ctx, { prefillChips, decodeChips }, workload, slo);
      const where =
        `${prefillChips} prefill (tp ${prefill.ctx.tp} x pp ${prefill.ctx.pp} x ` +
        `${prefillChips / prefill.chips}) : ${decodeChips} decode (tp ${decode.ctx.tp} x pp ` +
        `${decode.ctx.pp} x ${decodeChips / decode.chips}), ${dtype}`;
      if (!c.feasible) reject('slo', `${where}: ${c.reasons.join('; ')}`);
      else
        ranked.push({
          ...c,
          dtype,
          prefill: { tp: prefill.ctx.tp, pp: prefill.ctx.pp, replicas: prefillChips / prefill.chips },
          decode: { tp: decode.ctx.tp, pp: decode.ctx.pp, replicas: decodeChips / decode.chips },
        });
    }
    if (ratios.length === 0) {
      evaluated++;
      reject(
        'plan',
        `${dtype}: ${chips} chips do not split into whole prefill replicas of ${prefill.chips} and decode ` +
          `replicas of ${decode.chips} chips`,
      );
    }
  }
  const best = ranked
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.tokensPerSPerChip - a.r.tokensPerSPerChip || a.i - b.i)
    .map(({ r }) => r);
  return { method: 'closed-form estimate', evaluated, best, rejected: grouped(rejected) };
}

/** Fewer slots (which shortens each decode step) and other prefill chunk sizes (512 to 8192 tokens). */
function scheduleVariants(s: ReplicaSchedule): ReplicaSchedule[] {
  const out: ReplicaSchedule[] = [];
  for (const slots of [Math.floor(s.slots / 4), Math.floor(s.slots / 2)])
    if (slots >= 1 && slots !== s.slots) out.push({ slots, chunkTokens: Math.max(slots, s.chunkTokens) });
  for (const chunk of [512, 2048, 8192])
    if (chunk >= s.slots && chunk !== s.chunkTokens) out.push({ slots: s.slots, chunkTokens: chunk });
  return out;
}

/**
 * The default split of one replica: the widest power-of-two tensor parallelism that divides the heads and the chips
 * within the scale-up domain, pipeline stages for the rest.
 */
export function defaultServingSplit(
  model: TransformerModel,
  chips: number,
  system: SystemSpec,
): { readonly tp: number; readonly pp: number } {
  const heads = model.groups[0]!.shape.heads;
  const scaleUp = system.tiers[0]?.domainChips ?? 1;
  let tp = 1;
  while (tp * 2 <= Math.min(chips, scaleUp) && chips % (tp * 2) === 0 && heads % (tp * 2) === 0) tp *= 2;
  return { tp, pp: Math.max(1, Math.floor(chips / tp)) };
}

export interface SmallestServing {
  readonly chips: number;
  readonly plan: ServingPlan;
  readonly ctx: ServingContext;
  readonly schedule: ReplicaSchedule;
  readonly capacity: CapacityResult;
  readonly memory: ServingMemory;
  /** Why each smaller chip count was passed over. */
  readonly passedOver: readonly string[];
}

/**
 * The fewest chips (powers of two up to `maxChips`) whose one replica, in the default split, holds the
 * weights and the longest request and meets the SLOs at some rate; or `chips` when given.
 */
export function smallestServingConfig(
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  workload: ServingWorkload,
  slo: ServingSlo,
  options: CapacityOptions & {
    readonly basePlan?: Omit<ServingPlan, 'tp' | 'pp'>;
    readonly chips?: number;
    readonly maxChips?: number;
  } = {},
): SmallestServing | { readonly chips: 0; readonly passedOver: readonly string[] } {
  const passedOver: string[] = [];
  const counts: number[] = [];
  if (options.chips !== undefined) counts.push(options.chips);
  else for (let n = 1; n <= (options.maxChips ?? 256); n *= 2) counts.push(n);
  for (const n of counts) {
    const plan: ServingPlan = { ...options.basePlan, ...defaultServingSplit(model, n, system) };
    const problems = servingProblems(model, plan, n);
    if (problems.length > 0) {
      passedOver.push(`${n} chips: ${problems.join('; ')}`);
      continue;
    }
    const ctx = servingContext(model, chip, system, plan);
    const misfit = capacityProblems(ctx, workload);
    if (misfit.length > 0) {
      passedOver.push(`${n} chips: ${misfit.join('; ')}`);
      continue;
    }
    const schedule = defaultSchedule(ctx, workload);
    const capacity = findCapacity(ctx, workload, slo, schedule, options);
    if (!capacity.feasible) {
      passedOver.push(`${n} chips: ${capacity.reasons.join('; ')}`);
      continue;
    }
    return { chips: n, plan, ctx, schedule, capacity, memory: servingMemory(ctx, workload, schedule), passedOver };
  }
  return { chips: 0, passedOver };
}
