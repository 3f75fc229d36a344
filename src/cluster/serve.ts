/**
 * Serving a transformer in closed form: one model replica over `tp x pp` chips (tensor parallelism
 * inside a stage, pipeline stages with microbatches in flight; routed experts spread over all the
 * replica's chips), run by a serving engine (serving-engines.ts: host work per step, kernel launches,
 * memory share); a batch of requests prefilled together and then decoded one token per step.
 *
 * An iteration processes prefill tokens and decoding sequences together (continuous batching mixes
 * them): per layer its projections and MLP as GEMMs over all the iteration's tokens (weights read from
 * memory once per iteration, which is what makes small-batch decoding memory-bound), the attention of
 * prefill tokens against their prompt (causal, fused) and of each decoding sequence against its KV
 * cache (a decode kernel whose KV reads depend on the engine's kernel: model/decode-attention.ts), two
 * tensor-parallel all-reduces, and a point-to-point hop between pipeline stages (serve-layer.ts, serve-step.ts). Mixture-of-experts layers read the weights of the
 * experts the batch touches: E (1 - (1 - k/E)^tokens) of E experts for tokens routed to k each, uniformly.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { defaultMatrixFormat } from '../arch/derive.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { TpusimError } from '../core/errors.js';
import { notComputableReasons } from '../model/estimate.js';
import { iterationSeconds, prefillSeconds } from './serve-step.js';
import { defaultServingEngine, hostStepSeconds, kvBudgetBytes, launchesKernels, servingEngineProfile, type ServingEngine, type ServingEngineName } from './serving-engines.js';
import type { TransformerModel } from './transformer.js';
import type { SystemSpec } from './types.js';

export { iterationSeconds } from './serve-step.js';

export interface ServingPlan {
  readonly tp: number;
  readonly pp: number;
  /** Format of weights and GEMMs (default: the chip's first matrix format, bf16 on most). */
  readonly dtype?: string;
  /** Bytes per KV-cache element (default: 2, bf16). */
  readonly kvBytes?: number;
  /** The serving engine (default: vLLM on GPUs, JetStream on TPU-style chips). */
  readonly engine?: ServingEngineName;
  /** The engine's release (e.g. '0.5.0'); older releases differ where the profile says (`servingEngineProfile`). Default: the current one. */
  readonly engineVersion?: string;
}

export interface ServingContext {
  readonly model: TransformerModel;
  readonly chip: ChipSpec;
  readonly system: SystemSpec;
  readonly tp: number;
  readonly pp: number;
  readonly dtype: string;
  readonly weightBytes: number;
  readonly kvBytes: number;
  readonly engine: ServingEngine;
  /** A host launches the chip's kernels one by one (GPUs), rather than one compiled program per step. */
  readonly launchesKernels: boolean;
}

/** The context of a serving plan; a chip the model cannot time anything on (`notComputableReasons`) is a TpusimError. */
export function servingContext(model: TransformerModel, chip: ChipSpec, system: SystemSpec, plan: ServingPlan): ServingContext {
  const blocked = notComputableReasons(chip);
  if (blocked.length > 0) throw new TpusimError('not_computable', blocked.join('; '));
  const dtype = plan.dtype ?? defaultMatrixFormat(chip);
  const weightBytes = NUMBER_FORMATS[dtype as keyof typeof NUMBER_FORMATS]?.bytes ?? 2;
  const engine = servingEngineProfile(plan.engine ?? defaultServingEngine(chip), plan.engineVersion);
  return { model, chip, system, tp: plan.tp, pp: plan.pp, dtype, weightBytes, kvBytes: plan.kvBytes ?? 2, engine, launchesKernels: launchesKernels(chip) };
}

/** Problems that make a serving plan impossible before any timing. */
export function servingProblems(model: TransformerModel, plan: ServingPlan, chips: number): string[] {
  const out: string[] = [];
  const shape = model.groups[0]!.shape;
  if (!Number.isInteger(plan.tp) || !Number.isInteger(plan.pp) || plan.tp < 1 || plan.pp < 1) out.push('tp and pp must be whole numbers >= 1');
  else {
    if (plan.tp * plan.pp !== chips) out.push(`tp x pp = ${plan.tp} x ${plan.pp} = ${plan.tp * plan.pp}, not the ${chips} chips`);
    if (shape.heads % plan.tp !== 0) out.push(`tp=${plan.tp} does not divide the ${shape.heads} attention heads`);
    if (plan.pp > model.layers) out.push(`pp=${plan.pp} is more than the ${model.layers} layers`);
  }
  return out;
}

/** KV cache elements per token per chip: keys and values split over the tensor-parallel ranks while there are heads to split, and over the stages. */
function kvElementsPerTokenPerChip(ctx: ServingContext): number {
  let total = 0;
  for (const g of ctx.model.groups) total += g.count * (g.shape.kvCacheElements / Math.min(ctx.tp, Math.max(1, g.shape.kvHeads)));
  return total / ctx.pp;
}

/** Bytes of KV cache per token on each chip of the replica. */
export function kvBytesPerTokenPerChip(ctx: ServingContext): number {
  return kvElementsPerTokenPerChip(ctx) * ctx.kvBytes;
}

/** Weight bytes on each chip of the replica (experts spread over all its chips). */
export function weightBytesPerChip(ctx: ServingContext): number {
  const m = ctx.model;
  return (m.params / (ctx.tp * ctx.pp)) * ctx.weightBytes;
}

export interface ServingPoint {
  readonly batch: number;
  /** Time to first token, mean over the batch: request overhead and the prefill passes up to each prompt's last. */
  readonly ttftS: number;
  /** Mean decode step over the output (context growing from prompt to prompt + output). */
  readonly tpotS: number;
  /** The whole batch's prefill, then output - 1 decode steps. */
  readonly requestS: number;
  /** Output tokens per second of the replica: batch x output / requestS. */
  readonly tokensPerS: number;
  /** Decode-phase output tokens per second: batch / tpot. */
  readonly decodeTokensPerS: number;
  /** KV cache of the batch at its longest, over the whole replica. */
  readonly kvCacheBytes: number;
  /** Weights plus KV cache on each chip. */
  readonly memoryPerChipBytes: number;
  /** Weights and KV cache fit the share of memory the engine uses. */
  readonly fits: boolean;
}

/** One static batch: prefill `batch` prompts together, then decode `output` tokens each. */
export function servingPoint(ctx: ServingContext, batch: number, prompt: number, output: number): ServingPoint {
  const prefill = prefillSeconds(ctx, batch, prompt);
  // Decode time is affine in the context length, so the mean step is the step at the mean context.
  const steps = Math.max(0, output - 1);
  const meanContext = prompt + output / 2;
  const tpotS = steps > 0 ? iterationSeconds(ctx, { prefillTokens: 0, decodeSequences: batch, contextTokens: batch * meanContext }) : 0;
  const requestS = ctx.engine.requestS + prefill.lastS + steps * tpotS;
  const kvPerChip = kvBytesPerTokenPerChip(ctx) * batch * (prompt + output);
  const weights = weightBytesPerChip(ctx);
  return {
    batch,
    ttftS: ctx.engine.requestS + prefill.meanS,
    tpotS,
    requestS,
    tokensPerS: (batch * output) / requestS,
    decodeTokensPerS: tpotS > 0 ? batch / tpotS : 0,
    kvCacheBytes: kvPerChip * ctx.tp * ctx.pp,
    memoryPerChipBytes: weights + kvPerChip,
    fits: kvPerChip <= kvBudgetBytes(ctx.engine, ctx.chip.offChipMemory.capacityBytes, weights),
  };
}

/**
 * Continuous batching at a steady `concurrency` (a closed loop: each finished request is replaced at
 * once, as benchmark clients at fixed concurrency do). Every iteration decodes the running sequences;
 * concurrency / output prompts arrive per iteration, each prefilled in ceil(prompt / tokens per step)
 * iterations beside the others' decodes (chunked prefill). Time to first token: the wait for the
 * prefills ahead of it (`prefillWaitSeconds`), then the iterations holding the prompt. Time per output
 * token: the mean iteration a request sees while it decodes, some holding other requests' prompts.
 * Throughput by Little's law, the request time and the wait solved together.
 */
export function steadyStatePoint(ctx: ServingContext, concurrency: number, prompt: number, output: number): ServingPoint {
  const c = concurrency;
  const chunks = Math.ceil(prompt / ctx.engine.maxBatchTokens);
  const perIteration = (requests: number): number => (requests / Math.max(1, output)) * chunks;
  const step = (prefillChunks: number, decoding: number): number =>
    iterationSeconds(
      ctx,
      { prefillTokens: (prefillChunks * prompt) / chunks, decodeSequences: decoding, contextTokens: decoding * (prompt + output / 2), prefillSequences: prefillChunks / chunks },
      ((prefillChunks / chunks) * prompt * (prompt + 1)) / 2,
    );
  // The request's own prefill iterations hold its chunk and any others' in flight, beside the rest decoding.
  const ownChunks = Math.max(1, perIteration(c));
  const mixedS = step(ownChunks, Math.max(0, c - ownChunks));
  // While it decodes, the other c - 1 requests' prompt chunks take this share of the iterations.
  const othersChunks = Math.min(c - 1, perIteration(c - 1));
  const othersShare = Math.min(1, othersChunks);
  const decoding = c - othersChunks;
  const decodeS = step(0, decoding);
  const tpotS = othersShare > 0 ? (1 - othersShare) * decodeS + othersShare * step(Math.max(1, othersChunks), decoding) : decodeS;
  // An engine that overlaps host work still schedules a newly arrived prompt before its first chunk runs.
  const aloneS = ctx.engine.requestS + (ctx.engine.overlapsHost ? hostStepSeconds(ctx.engine, c) : 0) + chunks * mixedS;
  const decodeSteps = Math.max(0, output - 1) * tpotS;
  const requestS = solveRequestSeconds(aloneS + decodeSteps, (r) => prefillWaitSeconds(ctx, c, r, chunks * mixedS, decodeS));
  const ttftS = requestS - decodeSteps;
  const kvPerChip = kvBytesPerTokenPerChip(ctx) * c * (prompt + output);
  const weights = weightBytesPerChip(ctx);
  return {
    batch: c,
    ttftS,
    tpotS,
    requestS,
    tokensPerS: (c * output) / requestS,
    decodeTokensPerS: decoding / decodeS,
    kvCacheBytes: kvPerChip * ctx.tp * ctx.pp,
    memoryPerChipBytes: weights + kvPerChip,
    fits: kvPerChip <= kvBudgetBytes(ctx.engine, ctx.chip.offChipMemory.capacityBytes, weights),
  };
}

/**
 * The request time R = `withoutWaitS` + wait(R). The wait falls as R grows (fewer arrivals per second),
 * so there is one crossing, found by bisection.
 */
function solveRequestSeconds(withoutWaitS: number, wait: (requestS: number) => number): number {
  let low = withoutWaitS;
  let high = low + wait(low) + 1;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (withoutWaitS + wait(mid) > mid) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * Mean wait of a newly arrived request before its prefill starts, in a closed loop of `c` requests each
 * taking `requestS`. By the arrival theorem of closed queueing networks (Reiser and Lavenberg, JACM 1980)
 * it finds the engine as the other c - 1 requests alone would leave it: their prompts arrive at (c - 1) /
 * requestS per second and each holds the prefill for `prefillS`, a utilisation rho. Arrivals at random
 * times wait for the prefills ahead as in an M/D/1 queue, rho x prefillS / (2 (1 - rho)) (Pollaczek-
 * Khinchine, deterministic service); under an engine that prepares the next step while the device runs
 * this one (overlap scheduler), a request arriving during a decode step also misses the step already
 * prepared: one decode step more, when the prefill is not busy. Alone (c = 1) it waits for nothing.
 */
export function prefillWaitSeconds(ctx: ServingContext, c: number, requestS: number, prefillS: number, decodeS: number): number {
  if (c <= 1 || requestS <= 0) return 0;
  const rho = Math.min(MAX_PREFILL_UTILISATION, ((c - 1) / requestS) * prefillS);
  const queued = (rho * prefillS) / (2 * (1 - rho));
  return queued + (ctx.engine.overlapsHost ? (1 - rho) * decodeS : 0);
}

/** Past this utilisation the prefill queue grows without bound; the wait is held at its value there. */
const MAX_PREFILL_UTILISATION = 0.98;

/** The largest batch whose KV cache fits beside the weights in the engine's share of each chip's memory (0 when the weights alone do not). */
export function maxBatch(ctx: ServingContext, prompt: number, output: number): number {
  const free = kvBudgetBytes(ctx.engine, ctx.chip.offChipMemory.capacityBytes, weightBytesPerChip(ctx));
  if (free <= 0) return 0;
  return Math.floor(free / (kvBytesPerTokenPerChip(ctx) * (prompt + output)));
}

/** Throughput and latency against batch size: powers of two up to the largest batch that fits (and that batch). */
export function batchSweep(ctx: ServingContext, prompt: number, output: number, limit = 4096): ServingPoint[] {
  const most = Math.min(limit, maxBatch(ctx, prompt, output));
  const out: ServingPoint[] = [];
  for (let b = 1; b <= most; b *= 2) out.push(servingPoint(ctx, b, prompt, output));
  if (most >= 1 && out[out.length - 1]!.batch !== most) out.push(servingPoint(ctx, most, prompt, output));
  return out;
}
