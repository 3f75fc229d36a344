/**
 * Capacity under latency SLOs: the highest Poisson arrival rate one serving replica sustains while the
 * chosen percentile of time to first token and of time per output token stay within their SLOs, found
 * with the discrete-event simulator (serving-sim.ts) over the closed-form iteration time (serve-step.ts).
 *
 * The search brackets the rate (from a closed-form first guess, doubling or quartering) and then bisects
 * it geometrically until the rate that meets the SLOs and the one that fails lie within `tolerance` of
 * each other, or the simulation budget is spent. Every simulation uses the same seed, so the runs at
 * different rates see the same requests arriving on a stretched or squeezed time axis (common random
 * numbers), which keeps the pass/fail answer close to monotone in the rate. A rate counts as failing
 * when the queue saturates, whatever its percentiles.
 *
 * The replica runs one of the simulator's schedulers (`CapacityOptions.scheduler`, default chunked prefill), so a
 * baseline's capacity (vLLM V0's prefill-first continuous batching, a static batch) is found the same way as
 * Sarathi-Serve's and the two can be set side by side.
 *
 * The percentiles are those of the steady state: a run starts on an empty server, whose batch fills over the first
 * request lifetime, and ends with the batch draining once arrivals stop; requests arriving then see a lighter load than
 * a long run's, which flatters large batches in short runs (a few thousand requests with lifetimes of a minute). So
 * each simulation runs the requests asked for plus those arriving in one lifetime before and one after them
 * (`steadyWindow`), and its statistics cover only the requests asked for (TTFT and queueing also the last ones, which
 * in FIFO order no later arrival changes); every request loads the server. MLPerf Inference's server runs last at
 * least 600 s (LoadGen's min_duration), where both ends are a small share.
 *
 * Goodput follows DistServe (Zhong et al., OSDI 2024): the highest rate at which the SLO attainment
 * goal holds; here each SLO is held at the percentile separately (p99 TTFT and p99 TPOT), as MLPerf
 * Inference's server scenario states its latency constraints.
 */
import { issue, type Issue } from '../core/errors.js';
import {
  activationBytesPerChip,
  hostPrefixRestoreSeconds,
  kvBytesPerTokenPerChip,
  servingPoint,
  weightBytesPerChip,
  type ServingContext,
  type ServingMemory,
} from './serve.js';
import { iterationSeconds } from './serve-step.js';
import { kvBudgetBytes } from './serving-engines.js';
import { scheduledPoint } from './serve-schedulers.js';
import { simulateServing, type Percentiles, type Scheduler, type ServingSimResult } from './serving-sim.js';

/**
 * Request lengths: (input, output) token pairs, each request drawing one uniformly; one pair is a fixed-length
 * workload.
 */
export interface ServingWorkload {
  readonly samples: ReadonlyArray<readonly [number, number]>;
  /** Where the lengths come from (a file, or 'fixed'). */
  readonly source: string;
}

export const SLO_PERCENTILES = [50, 90, 99] as const;
export type SloPercentile = (typeof SLO_PERCENTILES)[number];

export interface ServingSlo {
  readonly ttftS: number;
  readonly tpotS: number;
  /**
   * Time between two consecutive tokens of a request, each gap counted (Sarathi-Serve's P99 TBT): a limit on the
   * decode stalls that TPOT, averaged over a request, smooths away. Default: no limit.
   */
  readonly tbtS?: number;
  /** Which percentile of each must meet its SLO. */
  readonly percentile: SloPercentile;
}

/** The scheduler's knobs for one replica. */
export interface ReplicaSchedule {
  /** Concurrent sequences (batch slots). */
  readonly slots: number;
  /** Tokens per iteration; prompts beyond what is left are chunked (chunked prefill). */
  readonly chunkTokens: number;
}

export interface CapacityOptions {
  /**
   * How the replica forms iterations (serving-sim.ts, `SCHEDULERS`; default `chunked`): `continuous` is vLLM V0's
   * prefill-first batching (and Orca's without hybrid batches), `static` a batch admitted only into an empty server.
   */
  readonly scheduler?: Scheduler;
  readonly requests?: number;
  readonly seed?: number;
  /** The search stops when the failing rate is within this fraction above the meeting one (default 0.02). */
  readonly tolerance?: number;
  /** Most simulations one search runs (default 24). */
  readonly maxSimulations?: number;
  /** Called after each simulation with the count so far and the budget. */
  readonly onSimulation?: (done: number, budget: number) => void;
  /**
   * Percentiles over the steady state, the warm-up and drain left out (`steadyWindow`; default true); false: over
   * every request of the run.
   */
  readonly steadyState?: boolean;
}

/** The percentiles at one rate, and whether they meet the SLOs (with why not). */
export interface RateEvaluation {
  readonly requestsPerS: number;
  readonly ttftS: Percentiles;
  readonly tpotS: Percentiles;
  readonly tbtS: Percentiles;
  readonly saturated: boolean;
  readonly meanBatch: number;
  readonly meets: boolean;
  readonly reasons: readonly string[];
}

export interface CapacityResult {
  readonly feasible: boolean;
  /** The scheduler simulated. */
  readonly scheduler: Scheduler;
  readonly reasons: readonly string[];
  /** Highest rate found that meets the SLOs, for one replica (0 when infeasible). */
  readonly requestsPerS: number;
  /** Output tokens per second of the replica at that rate (rate x mean output). */
  readonly outputTokensPerS: number;
  readonly inputTokensPerS: number;
  /** The simulation at that rate. */
  readonly atCapacity?: RateEvaluation;
  /** The lowest rate found that fails, and why. */
  readonly above?: RateEvaluation;
  readonly simulations: number;
  /** The failing rate over the meeting one when the search ended. */
  readonly bracketRatio: number;
}

const DEFAULTS = { requests: 2000, seed: 1, tolerance: 0.02, maxSimulations: 24, scheduler: 'chunked' } as const;

/** A fixed-length workload. */
export function fixedWorkload(inputTokens: number, outputTokens: number): ServingWorkload {
  return { samples: [[inputTokens, outputTokens]], source: 'fixed' };
}

export function meanLengths(w: ServingWorkload): {
  readonly input: number;
  readonly output: number;
  readonly longest: number;
} {
  let input = 0;
  let output = 0;
  let longest = 0;
  for (const [i, o] of w.samples) {
    input += i;
    output += o;
    longest = Math.max(longest, i + o);
  }
  return { input: input / w.samples.length, output: output / w.samples.length, longest };
}

const MAX_TOKENS = 1 << 24;
const MAX_SAMPLES = 1_000_000;

function lengthIssue(value: unknown, path: string): Issue[] {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TOKENS
    ? []
    : [
        issue(
          'out_of_range',
          path,
          `${path}: ${JSON.stringify(value)} must be a whole number of tokens from 1 to ${MAX_TOKENS}`,
        ),
      ];
}

/**
 * A workload file's value: `{ "inputTokens": N, "outputTokens": M }` (fixed lengths), or
 * `{ "samples": [[input, output], ...] }` (measured pairs, drawn uniformly). Returns every problem.
 */
export function parseServingWorkload(
  value: unknown,
  source: string,
):
  | { readonly ok: true; readonly workload: ServingWorkload }
  | { readonly ok: false; readonly issues: readonly Issue[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      issues: [issue('bad_type', '', `${source}: expected an object with inputTokens and outputTokens, or samples`)],
    };
  const v = value as Record<string, unknown>;
  const known = ['inputTokens', 'outputTokens', 'samples', 'name', 'source', 'description'];
  const issues: Issue[] = Object.keys(v)
    .filter((k) => !known.includes(k))
    .map((k) => issue('unknown_field', k, `${k}: unknown field (fields: ${known.join(', ')})`));
  if (v['samples'] !== undefined) {
    const s = v['samples'];
    if (!Array.isArray(s) || s.length === 0 || s.length > MAX_SAMPLES)
      return {
        ok: false,
        issues: [
          ...issues,
          issue(
            'out_of_range',
            'samples',
            `samples: expected 1 to ${MAX_SAMPLES} [input, output] pairs, got ` +
              `${Array.isArray(s) ? `${s.length}` : JSON.stringify(s)}`,
          ),
        ],
      };
    s.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2)
        issues.push(
          issue('bad_type', `samples[${i}]`, `samples[${i}]: ${JSON.stringify(pair)} must be an [input, output] pair`),
        );
      else issues.push(...lengthIssue(pair[0], `samples[${i}][0]`), ...lengthIssue(pair[1], `samples[${i}][1]`));
    });
    return issues.length > 0
      ? { ok: false, issues }
      : { ok: true, workload: { samples: s as Array<[number, number]>, source } };
  }
  issues.push(...lengthIssue(v['inputTokens'], 'inputTokens'), ...lengthIssue(v['outputTokens'], 'outputTokens'));
  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, workload: { samples: [[v['inputTokens'] as number, v['outputTokens'] as number]], source } };
}

/**
 * KV cache tokens the replica holds: the engine's memory share beside the weights, over the KV bytes per token on each
 * chip.
 */
export function kvCapacityTokens(ctx: ServingContext): number {
  const free = kvBudgetBytes(ctx.engine, ctx.chip.offChipMemory.capacityBytes, weightBytesPerChip(ctx));
  return free > 0 ? Math.floor(free / kvBytesPerTokenPerChip(ctx)) : 0;
}

/**
 * The default schedule: as many slots as the KV cache holds requests of mean length, at most 256; the engine's tokens
 * per step.
 */
export function defaultSchedule(ctx: ServingContext, workload: ServingWorkload): ReplicaSchedule {
  const m = meanLengths(workload);
  const slots = Math.max(1, Math.min(256, Math.floor(kvCapacityTokens(ctx) / (m.input + m.output))));
  return { slots, chunkTokens: Math.max(slots, Math.min(ctx.engine.maxBatchTokens, 1 << 20)) };
}

/**
 * Why a replica cannot serve the workload at any rate, before simulating: weights or the longest request do not fit.
 */
export function capacityProblems(ctx: ServingContext, workload: ServingWorkload): string[] {
  const capacity = kvCapacityTokens(ctx);
  const longest = meanLengths(workload).longest;
  if (capacity <= 0)
    return [
      `weights ${gib(weightBytesPerChip(ctx))} GiB per chip leave no room for a KV cache in ` +
        `${gib(ctx.chip.offChipMemory.capacityBytes)} GiB`,
    ];
  if (capacity < longest) return [`the KV cache holds ${capacity} tokens, less than the longest request's ${longest}`];
  return [];
}

const gib = (b: number): string => (b / 2 ** 30).toPrecision(4);
const fmtS = (s: number): string => (s >= 1 ? `${s.toPrecision(3)} s` : `${(s * 1e3).toPrecision(3)} ms`);

function pick(p: Percentiles, percentile: SloPercentile): number {
  return percentile === 50 ? p.p50 : percentile === 90 ? p.p90 : p.p99;
}

/**
 * A steady-state run of `requests` measured requests: w more before them (the warm-up) and w after (the drain), w the
 * arrivals at `rate` during one request lifetime `lifetimeS` (the batch fills over a lifetime from empty, as an
 * M/G/infinity population reaches its steady level after the service time, and drains over one after the last
 * arrival), at most `requests`, so a run costs at most three times the requests asked for.
 */
export function steadyWindow(
  requests: number,
  rate: number,
  lifetimeS: number,
): { readonly total: number; readonly from: number; readonly to: number } {
  const w = Math.min(Math.ceil(rate * Math.max(0, lifetimeS)), requests);
  return { total: requests + 2 * w, from: w, to: w + requests };
}

/**
 * The most requests one rate's simulation runs for `requests` measured ones (the warm-up and drain at their
 * longest): what a run's cost estimate counts.
 */
export function simulatedRequestsBound(requests: number): number {
  return steadyWindow(requests, Infinity, Infinity).total;
}

/** A prefix in host memory: each request copies it over the host link before it can be scheduled (serve-kv.ts). */
export function hostRestore(ctx: ServingContext): { restoreS?: (promptTokens: number) => number } {
  return ctx.kvCache?.prefixSource === 'host' ? { restoreS: (prompt) => hostPrefixRestoreSeconds(ctx, prompt) } : {};
}

/** Simulates one replica at `rate` requests/s and checks the SLOs. */
export function evaluateRate(
  ctx: ServingContext,
  workload: ServingWorkload,
  schedule: ReplicaSchedule,
  slo: ServingSlo,
  rate: number,
  options: CapacityOptions = {},
): RateEvaluation {
  const m = meanLengths(workload);
  const single = workload.samples.length === 1 ? workload.samples[0] : undefined;
  const requests = options.requests ?? DEFAULTS.requests;
  const scheduler = options.scheduler ?? DEFAULTS.scheduler;
  // A request's lifetime in a full batch (closed form): an upper bound on its lifetime at the rate simulated.
  const lifetimeS = scheduledPoint(ctx, scheduler, schedule.slots, Math.round(m.input), Math.round(m.output)).requestS;
  const window = options.steadyState === false ? undefined : steadyWindow(requests, rate, lifetimeS);
  const sim: ServingSimResult = simulateServing({
    rate,
    requests: window?.total ?? requests,
    promptTokens: Math.max(1, Math.round(m.input)),
    outputTokens: Math.max(1, Math.round(m.output)),
    ...(single ? {} : { lengthSamples: workload.samples }),
    maxBatch: schedule.slots,
    scheduler,
    ...(window ? { measured: { from: window.from, to: window.to } } : {}),
    maxBatchTokens: Math.max(schedule.slots, schedule.chunkTokens),
    kvCapacityTokens: Math.max(2, kvCapacityTokens(ctx)),
    seed: options.seed ?? DEFAULTS.seed,
    iteration: (step) => iterationSeconds(ctx, step),
    ...hostRestore(ctx),
  });
  const ttft = pick(sim.ttft, slo.percentile);
  const tpot = pick(sim.tpot, slo.percentile);
  const reasons: string[] = [];
  if (sim.saturated)
    reasons.push(`saturated at ${rate.toPrecision(4)} requests/s: arrivals outpace service, the queue grows`);
  if (ttft > slo.ttftS) reasons.push(`p${slo.percentile} TTFT ${fmtS(ttft)} exceeds the SLO ${fmtS(slo.ttftS)}`);
  if (tpot > slo.tpotS) reasons.push(`p${slo.percentile} TPOT ${fmtS(tpot)} exceeds the SLO ${fmtS(slo.tpotS)}`);
  const tbt = pick(sim.tbt, slo.percentile);
  if (slo.tbtS !== undefined && tbt > slo.tbtS)
    reasons.push(`p${slo.percentile} TBT ${fmtS(tbt)} exceeds the SLO ${fmtS(slo.tbtS)}`);
  if (sim.rejected > 0) reasons.push(`${sim.rejected} requests longer than the KV cache`);
  return {
    requestsPerS: rate,
    ttftS: sim.ttft,
    tpotS: sim.tpot,
    tbtS: sim.tbt,
    saturated: sim.saturated,
    meanBatch: sim.meanBatch,
    meets: reasons.length === 0,
    reasons,
  };
}

/**
 * Below this load (rate x a lone request's time) the replica is near idle: an SLO failing there fails at every rate.
 */
const IDLE_LOAD = 0.05;

/** The input length at the percentile of the workload's samples (nearest rank). */
export function inputAtPercentile(w: ServingWorkload, percentile: SloPercentile): number {
  const sorted = w.samples.map(([i]) => i).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1)]!;
}

/** Why a request alone on the replica already misses an SLO (closed form, batch 1), if it does. */
export function idleSloProblems(ctx: ServingContext, workload: ServingWorkload, slo: ServingSlo): string[] {
  const m = meanLengths(workload);
  const alone = servingPoint(ctx, 1, inputAtPercentile(workload, slo.percentile), Math.max(2, Math.round(m.output)));
  const out: string[] = [];
  if (alone.ttftS > slo.ttftS)
    out.push(`a request alone takes ${fmtS(alone.ttftS)} to its first token, beyond the TTFT SLO ${fmtS(slo.ttftS)}`);
  if (alone.tpotS > slo.tpotS)
    out.push(`a request alone takes ${fmtS(alone.tpotS)} per output token, beyond the TPOT SLO ${fmtS(slo.tpotS)}`);
  if (slo.tbtS !== undefined && alone.tpotS > slo.tbtS)
    out.push(`a request alone takes ${fmtS(alone.tpotS)} between tokens, beyond the TBT SLO ${fmtS(slo.tbtS)}`);
  return out;
}

/** The highest rate that meets the SLOs on one replica (bracket, then geometric bisection; see the file comment). */
export function findCapacity(
  ctx: ServingContext,
  workload: ServingWorkload,
  slo: ServingSlo,
  schedule: ReplicaSchedule = defaultSchedule(ctx, workload),
  options: CapacityOptions = {},
): CapacityResult {
  const m = meanLengths(workload);
  const scheduler = options.scheduler ?? DEFAULTS.scheduler;
  const problems = capacityProblems(ctx, workload);
  if (problems.length > 0) return infeasible(scheduler, problems, 0, Infinity);
  const idle = idleSloProblems(ctx, workload, slo);
  if (idle.length > 0) return infeasible(scheduler, idle, 0, Infinity);
  const budget = Math.max(2, options.maxSimulations ?? DEFAULTS.maxSimulations);
  const tolerance = options.tolerance ?? DEFAULTS.tolerance;
  let simulations = 0;
  const run = (rate: number): RateEvaluation => {
    const e = evaluateRate(ctx, workload, schedule, slo, rate, options);
    simulations++;
    options.onSimulation?.(simulations, budget);
    return e;
  };
  const full = scheduledPoint(ctx, scheduler, schedule.slots, Math.round(m.input), Math.round(m.output));
  const guess = Math.max(1e-6, full.tokensPerS / m.output);
  const idleRate = IDLE_LOAD / servingPoint(ctx, 1, Math.round(m.input), Math.round(m.output)).requestS;
  let low: RateEvaluation | undefined;
  let high: RateEvaluation | undefined;
  const first = run(guess);
  if (first.meets) low = first;
  else high = first;
  while (!low && simulations < budget && high!.requestsPerS > idleRate) {
    const e = run(Math.max(idleRate, high!.requestsPerS / 4));
    if (e.meets) low = e;
    else high = e;
  }
  if (!low)
    return infeasible(
      scheduler,
      [`the SLOs fail even at ${high!.requestsPerS.toPrecision(3)} requests/s: ${high!.reasons.join('; ')}`],
      simulations,
      Infinity,
      high,
    );
  while (!high && simulations < budget) {
    const e = run(low.requestsPerS * 2);
    if (e.meets) low = e;
    else high = e;
  }
  while (high && simulations < budget && high.requestsPerS / low.requestsPerS > 1 + tolerance) {
    const e = run(Math.sqrt(low.requestsPerS * high.requestsPerS));
    if (e.meets) low = e;
    else high = e;
  }
  const rate = low.requestsPerS;
  return {
    feasible: true,
    scheduler,
    reasons: [],
    requestsPerS: rate,
    outputTokensPerS: rate * m.output,
    inputTokensPerS: rate * m.input,
    atCapacity: low,
    ...(high ? { above: high } : {}),
    simulations,
    bracketRatio: high ? high.requestsPerS / rate : Infinity,
  };
}

function infeasible(
  scheduler: Scheduler,
  reasons: readonly string[],
  simulations: number,
  bracketRatio: number,
  above?: RateEvaluation,
): CapacityResult {
  return {
    feasible: false,
    scheduler,
    reasons,
    requestsPerS: 0,
    outputTokensPerS: 0,
    inputTokensPerS: 0,
    ...(above ? { above } : {}),
    simulations,
    bracketRatio,
  };
}

/**
 * Memory on each chip of a replica at full load: the weights, the KV cache of every slot holding a
 * request of the workload's mean length (at most what the cache holds), and the live activations of a
 * step of `chunkTokens` tokens (`activationBytesPerChip`).
 */
export function servingMemory(
  ctx: ServingContext,
  workload: ServingWorkload,
  schedule: ReplicaSchedule,
): ServingMemory {
  const m = meanLengths(workload);
  const kv = Math.min(kvCapacityTokens(ctx), schedule.slots * (m.input + m.output)) * kvBytesPerTokenPerChip(ctx);
  return {
    weights: weightBytesPerChip(ctx),
    kv,
    activations: activationBytesPerChip(ctx, Math.max(schedule.slots, schedule.chunkTokens)),
  };
}
