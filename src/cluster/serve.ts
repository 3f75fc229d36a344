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
 * tensor-parallel all-reduces, and a point-to-point hop between pipeline stages (serve-layer.ts, serve-step.ts).
 * Mixture-of-experts layers read the weights of the
 * experts the batch touches: E (1 - (1 - k/E)^tokens) of E experts for tokens routed to k each, uniformly.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { defaultMatrixFormat } from '../arch/derive.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { TpusimError } from '../core/errors.js';
import { notComputableReasons } from '../model/estimate.js';
import {
  kvOffload,
  kvTokensHeld,
  pagedTokens,
  prefillPromptTokens,
  prefixRestoreSeconds,
  sharedPromptTokens,
  validateKvCache,
  type KvCacheOptions,
  type KvOffload,
} from './serve-kv.js';
import { resolveQuantization, type Quantization, type QuantizationOptions } from './serve-quant.js';
import { speculativeHeadParams, speculativeStepSeconds, type SpeculativeOptions } from './serve-spec.js';
import { iterationSeconds, prefillSeconds } from './serve-step.js';
import {
  defaultServingEngine,
  hostStepSeconds,
  kvBudgetBytes,
  launchesKernels,
  servingEngineProfile,
  type ServingEngine,
  type ServingEngineName,
} from './serving-engines.js';
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
  /**
   * The engine's release (e.g. '0.5.0'); older releases differ where the profile says (`servingEngineProfile`).
   * Default: the current one.
   */
  readonly engineVersion?: string;
  /**
   * Weight, activation and KV-cache formats (serve-quant.ts); when given, they set the GEMM format and bytes in place
   * of `dtype` and `kvBytes`.
   */
  readonly quantization?: QuantizationOptions;
  /** How the KV cache is held: paged blocks, prefix caching, offload to host memory (serve-kv.ts). */
  readonly kvCache?: KvCacheOptions;
  /**
   * Speculative decoding: a draft model on the same chips (`draftModel`), else self-speculation heads (serve-spec.ts).
   */
  readonly speculative?: SpeculativeOptions & { readonly draftModel?: TransformerModel };
  /** Prefill chunk size: tokens per step (decodes and prompt chunks) in place of the engine's default. */
  readonly chunkTokens?: number;
  /** Data-parallel replicas of the tp x pp replica (default 1): the chips are tp x pp x replicas. */
  readonly replicas?: number;
  /**
   * MoE layers exchange tokens with an all-to-all to the chips holding their experts (dispatch and combine) instead of
   * an all-reduce (serve-layer.ts).
   */
  readonly expertParallel?: boolean;
  /**
   * Attention data-parallel over the tp ranks (each rank its own sequences, all heads, attention weights replicated):
   * the KV cache is split over all tp ranks even with fewer KV heads (MLA/MQA).
   */
  readonly attentionDataParallel?: boolean;
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
  readonly expertParallel?: boolean;
  readonly attentionDataParallel?: boolean;
  /** The quantization choice when the plan gave one (weight-only GEMMs and KV dequantisation follow it). */
  readonly quantization?: Quantization;
  readonly kvCache?: KvCacheOptions;
  readonly speculative?: { readonly options: SpeculativeOptions; readonly draft?: ServingContext };
}

/**
 * The context of a serving plan; a chip the model cannot time anything on (`notComputableReasons`) is a TpusimError.
 */
export function servingContext(
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  plan: ServingPlan,
): ServingContext {
  const blocked = notComputableReasons(chip);
  if (blocked.length > 0) throw new TpusimError('not_computable', blocked.join('; '));
  const profile = servingEngineProfile(plan.engine ?? defaultServingEngine(chip), plan.engineVersion);
  const chunk = plan.chunkTokens;
  if (chunk !== undefined && !(Number.isInteger(chunk) && chunk >= 1))
    throw new TpusimError('bad_plan', `chunkTokens: ${chunk} must be an integer >= 1`);
  const engine = chunk !== undefined ? { ...profile, maxBatchTokens: chunk } : profile;
  const kvIssues = plan.kvCache ? validateKvCache(plan.kvCache) : [];
  if (kvIssues.length > 0)
    throw new TpusimError('bad_kv_cache', kvIssues.map((i) => i.message).join('; '), { issues: kvIssues });
  const common = {
    model,
    chip,
    system,
    tp: plan.tp,
    pp: plan.pp,
    engine,
    launchesKernels: launchesKernels(chip),
    ...(plan.kvCache ? { kvCache: plan.kvCache } : {}),
    ...speculativeContext(chip, system, plan),
    ...(plan.expertParallel ? { expertParallel: true } : {}),
    ...(plan.attentionDataParallel ? { attentionDataParallel: true } : {}),
  };
  if (plan.quantization !== undefined) {
    const q = resolveQuantization(chip, plan.quantization);
    if (q.refused.length > 0)
      throw new TpusimError(
        'bad_quantization',
        `${chip.name} cannot serve this quantization:\n${q.refused.map((r) => `  ${r}`).join('\n')}`,
      );
    return { ...common, dtype: q.gemmFormat, weightBytes: q.weightBytes, kvBytes: q.kvBytes, quantization: q };
  }
  const dtype = plan.dtype ?? defaultMatrixFormat(chip);
  const weightBytes = NUMBER_FORMATS[dtype as keyof typeof NUMBER_FORMATS]?.bytes ?? 2;
  return { ...common, dtype, weightBytes, kvBytes: plan.kvBytes ?? 2 };
}

/**
 * The speculative part of a context: options checked, and the draft model's context on the same tensor-parallel chips
 * (one stage).
 */
function speculativeContext(
  chip: ChipSpec,
  system: SystemSpec,
  plan: ServingPlan,
): { speculative?: NonNullable<ServingContext['speculative']> } {
  const spec = plan.speculative;
  if (spec === undefined) return {};
  const { draftModel, ...options } = spec;
  const bad: string[] = [];
  if (!(Number.isInteger(options.draftTokens) && options.draftTokens >= 1 && options.draftTokens <= 64))
    bad.push(`draftTokens: ${options.draftTokens} must be an integer within [1, 64]`);
  if (!(options.acceptance >= 0 && options.acceptance <= 1))
    bad.push(`acceptance: ${options.acceptance} must be within [0, 1]`);
  if (draftModel && draftModel.groups[0]!.shape.heads % plan.tp !== 0)
    bad.push(
      `draft model ${draftModel.name}: tp=${plan.tp} does not divide its ${draftModel.groups[0]!.shape.heads} heads`,
    );
  if (bad.length > 0) throw new TpusimError('bad_speculative', `speculative decoding: ${bad.join('; ')}`);
  const { speculative: _ignored, ...rest } = plan;
  const draft = draftModel ? servingContext(draftModel, chip, system, { ...rest, pp: 1 }) : undefined;
  return { speculative: { options, ...(draft ? { draft } : {}) } };
}

/** Problems that make a serving plan impossible before any timing. */
export function servingProblems(model: TransformerModel, plan: ServingPlan, chips: number): string[] {
  const out: string[] = [];
  const shape = model.groups[0]!.shape;
  if (!Number.isInteger(plan.tp) || !Number.isInteger(plan.pp) || plan.tp < 1 || plan.pp < 1)
    out.push('tp and pp must be whole numbers >= 1');
  else {
    const r = plan.replicas ?? 1;
    if (!(Number.isInteger(r) && r >= 1)) out.push(`replicas: ${r} must be a whole number >= 1`);
    else if (plan.tp * plan.pp * r !== chips)
      out.push(
        r === 1
          ? `tp x pp = ${plan.tp} x ${plan.pp} = ${plan.tp * plan.pp}, not the ${chips} chips`
          : `tp x pp x replicas = ${plan.tp} x ${plan.pp} x ${r} = ${plan.tp * plan.pp * r}, not the ${chips} chips`,
      );
    if (shape.heads % plan.tp !== 0) out.push(`tp=${plan.tp} does not divide the ${shape.heads} attention heads`);
    if (plan.pp > model.layers) out.push(`pp=${plan.pp} is more than the ${model.layers} layers`);
  }
  return out;
}

/**
 * KV cache elements per token per chip: keys and values split over the tensor-parallel ranks while there are heads to
 * split, and over the stages.
 */
function kvElementsPerTokenPerChip(ctx: ServingContext): number {
  let total = 0;
  // Attention data parallelism splits the sequences, so their caches, over every rank whatever the KV heads.
  for (const g of ctx.model.groups)
    total +=
      g.count *
      (g.shape.kvCacheElements / (ctx.attentionDataParallel ? ctx.tp : Math.min(ctx.tp, Math.max(1, g.shape.kvHeads))));
  return total / ctx.pp;
}

/** Bytes of KV cache per token on each chip of the replica. */
export function kvBytesPerTokenPerChip(ctx: ServingContext): number {
  const draft = ctx.speculative?.draft;
  // A draft model keeps its own cache of every token on the chips of the first stage (counted over all of them).
  return kvElementsPerTokenPerChip(ctx) * ctx.kvBytes + (draft ? kvBytesPerTokenPerChip(draft) / ctx.pp : 0);
}

/** Seconds one request copies its cached prefix from host memory over the chip's host link (0 for a prefix in HBM). */
export function hostPrefixRestoreSeconds(ctx: ServingContext, prompt: number): number {
  return prefixRestoreSeconds(ctx.kvCache, prompt, kvBytesPerTokenPerChip(ctx), ctx.chip.hostLink);
}

/** Weight bytes on each chip of the replica (experts spread over all its chips). */
export function weightBytesPerChip(ctx: ServingContext): number {
  const m = ctx.model;
  const spec = ctx.speculative;
  const proposer =
    spec === undefined
      ? 0
      : spec.draft
        ? spec.draft.model.params
        : speculativeHeadParams(ctx, spec.options.draftTokens);
  // Attention data parallelism replicates the attention projections on every tp rank.
  const replicated = ctx.attentionDataParallel
    ? m.groups.reduce((n, g) => n + g.count * g.shape.attentionParams, 0) * (1 - 1 / ctx.tp)
    : 0;
  return ((m.params + proposer) / (ctx.tp * ctx.pp) + replicated / ctx.pp) * ctx.weightBytes;
}

/**
 * Bytes per chip by what holds them: weights, KV cache (in HBM; more spilled to host is in `kvOffload`), live
 * activations of the largest step.
 */
export interface ServingMemory {
  readonly weights: number;
  readonly kv: number;
  readonly activations: number;
}

/** Where a batch's memory goes on each chip, and whether it fits (with any KV beyond HBM offloaded to host memory). */
interface Footprint {
  readonly memory: ServingMemory;
  readonly kvPerChip: number;
  readonly offload: KvOffload;
}

function footprint(ctx: ServingContext, batch: number, prompt: number, output: number, stepTokens: number): Footprint {
  const kvPerChip = kvBytesPerTokenPerChip(ctx) * kvTokensHeld(ctx.kvCache, batch, prompt, output);
  const weights = weightBytesPerChip(ctx);
  const offload = kvOffload(
    ctx.kvCache,
    kvPerChip,
    kvBudgetBytes(ctx.engine, ctx.chip.offChipMemory.capacityBytes, weights),
    ctx.chip.hostLink.bandwidthBytesPerS,
  );
  return {
    memory: { weights, kv: kvPerChip - offload.hostBytes, activations: activationBytesPerChip(ctx, stepTokens) },
    kvPerChip,
    offload,
  };
}

/**
 * Live activations of one layer for a step of `tokens` tokens (inference keeps no activations across
 * layers): the residual and normed input (2h), q/k/v (projection / tp), attention output (h / tp), the
 * MLP's gate, up and activated values (3 ffn / tp), 2 bytes each; and fp32 logits of up to `tokens` outputs.
 */
export function activationBytesPerChip(ctx: ServingContext, tokens: number): number {
  const shape = ctx.model.groups[0]!.shape;
  const ffn = shape.mlp.kind === 'dense' ? shape.mlp.ffn : shape.mlp.topK * shape.mlp.ffn;
  const perToken = 2 * ctx.model.hidden + (shape.projectionOut + ctx.model.hidden + 3 * ffn) / ctx.tp;
  return tokens * (perToken * 2 + (ctx.model.vocab / ctx.tp) * 4);
}

/**
 * Decode step seconds per output token of `batch` sequences at `context` tokens: one token per step, or a speculative
 * step over its expected tokens.
 */
function decodeTokenSeconds(ctx: ServingContext, batch: number, context: number, plainS: number): number {
  const spec = ctx.speculative;
  if (spec === undefined) return plainS;
  return speculativeStepSeconds(ctx, spec.options, batch, context, spec.draft).perTokenS;
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
  /** Weights and KV cache fit the share of memory the engine uses (KV beyond it in host memory, when offload is on). */
  readonly fits: boolean;
  /** Bytes per chip: weights, KV cache in HBM, activations of the largest step. */
  readonly memory: ServingMemory;
  /** KV cache bytes per chip held in host memory (offload), each decode step bringing them over the host link. */
  readonly kvOffloadBytes: number;
  /** Seconds a request copies its cached prefix from host memory before its prefill (inside `ttftS`); host only. */
  readonly prefixRestoreS?: number;
}

/** A serving point's figures as `tpusim infer --json` and the UI's Serving page report them, in that order. */
export function servingPointFields(point: ServingPoint) {
  const { ttftS, tpotS, tokensPerS, decodeTokensPerS, kvCacheBytes, memoryPerChipBytes, fits, memory } = point;
  return { ttftS, tpotS, tokensPerS, decodeTokensPerS, kvCacheBytes, memoryPerChipBytes, fits, memory };
}

/** One static batch: prefill `batch` prompts together, then decode `output` tokens each. */
export function servingPoint(ctx: ServingContext, batch: number, prompt: number, output: number): ServingPoint {
  // Only the prompt tokens the prefix cache lacks are prefilled; a prefix in host memory is first copied in, every
  // request's over the same link before the batch's prefill.
  const prefill = prefillSeconds(ctx, batch, prefillPromptTokens(ctx.kvCache, prompt));
  const restoreS = batch * hostPrefixRestoreSeconds(ctx, prompt);
  // Decode time is affine in the context length, so the mean step is the step at the mean context.
  const steps = Math.max(0, output - 1);
  const meanContext = prompt + output / 2;
  const f = footprint(ctx, batch, prompt, output, Math.min(batch * prompt, ctx.engine.maxBatchTokens));
  const plainS =
    steps > 0
      ? iterationSeconds(ctx, { prefillTokens: 0, decodeSequences: batch, contextTokens: batch * meanContext })
      : 0;
  const tpotS = steps > 0 ? decodeTokenSeconds(ctx, batch, meanContext, plainS) + f.offload.stepS : 0;
  const requestS = ctx.engine.requestS + restoreS + prefill.lastS + steps * tpotS;
  return {
    batch,
    ttftS: ctx.engine.requestS + restoreS + prefill.meanS,
    tpotS,
    requestS,
    tokensPerS: (batch * output) / requestS,
    decodeTokensPerS: tpotS > 0 ? batch / tpotS : 0,
    kvCacheBytes: f.kvPerChip * ctx.tp * ctx.pp,
    memoryPerChipBytes: f.memory.weights + f.memory.kv,
    fits: f.offload.fits,
    memory: f.memory,
    kvOffloadBytes: f.offload.hostBytes,
    ...restoreField(ctx, prompt),
  };
}

/** The `prefixRestoreS` of a point whose cached prefix is restored from host memory. */
function restoreField(ctx: ServingContext, prompt: number): { prefixRestoreS?: number } {
  const s = hostPrefixRestoreSeconds(ctx, prompt);
  return s > 0 ? { prefixRestoreS: s } : {};
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
export function steadyStatePoint(
  ctx: ServingContext,
  concurrency: number,
  prompt: number,
  output: number,
): ServingPoint {
  const c = concurrency;
  const fullPrompt = prompt;
  prompt = prefillPromptTokens(ctx.kvCache, fullPrompt);
  const chunks = Math.ceil(prompt / ctx.engine.maxBatchTokens);
  const perIteration = (requests: number): number => (requests / Math.max(1, output)) * chunks;
  const step = (prefillChunks: number, decoding: number): number =>
    iterationSeconds(
      ctx,
      {
        prefillTokens: (prefillChunks * prompt) / chunks,
        decodeSequences: decoding,
        contextTokens: decoding * (fullPrompt + output / 2),
        prefillSequences: prefillChunks / chunks,
      },
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
  const f = footprint(ctx, c, fullPrompt, output, Math.min(prompt, ctx.engine.maxBatchTokens) + c);
  // A speculative step stretches each iteration by its cost over a plain decode and yields more tokens.
  const speculation = decodeTokenSeconds(ctx, decoding, fullPrompt + output / 2, decodeS) / decodeS;
  const tpotS =
    (othersShare > 0
      ? (1 - othersShare) * decodeS + othersShare * step(Math.max(1, othersChunks), decoding)
      : decodeS) *
      speculation +
    f.offload.stepS;
  // An engine that overlaps host work still schedules a newly arrived prompt before its first chunk runs; a prefix in
  // host memory is copied in first (the others' copies sharing the link are not counted).
  const aloneS =
    ctx.engine.requestS +
    (ctx.engine.overlapsHost ? hostStepSeconds(ctx.engine, c) : 0) +
    hostPrefixRestoreSeconds(ctx, fullPrompt) +
    chunks * mixedS;
  const decodeSteps = Math.max(0, output - 1) * tpotS;
  const requestS = solveRequestSeconds(aloneS + decodeSteps, (r) =>
    prefillWaitSeconds(ctx, c, r, chunks * mixedS, decodeS),
  );
  const ttftS = requestS - decodeSteps;
  return {
    batch: c,
    ttftS,
    tpotS,
    requestS,
    tokensPerS: (c * output) / requestS,
    decodeTokensPerS: decoding / decodeS,
    kvCacheBytes: f.kvPerChip * ctx.tp * ctx.pp,
    memoryPerChipBytes: f.memory.weights + f.memory.kv,
    fits: f.offload.fits,
    memory: f.memory,
    kvOffloadBytes: f.offload.hostBytes,
    ...restoreField(ctx, fullPrompt),
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
export function prefillWaitSeconds(
  ctx: ServingContext,
  c: number,
  requestS: number,
  prefillS: number,
  decodeS: number,
): number {
  if (c <= 1 || requestS <= 0) return 0;
  const rho = Math.min(MAX_PREFILL_UTILISATION, ((c - 1) / requestS) * prefillS);
  const queued = (rho * prefillS) / (2 * (1 - rho));
  return queued + (ctx.engine.overlapsHost ? (1 - rho) * decodeS : 0);
}

/** Past this utilisation the prefill queue grows without bound; the wait is held at its value there. */
const MAX_PREFILL_UTILISATION = 0.98;

/**
 * The largest batch whose KV cache fits beside the weights in the engine's share of each chip's memory (0 when the
 * weights alone do not).
 */
export function maxBatch(ctx: ServingContext, prompt: number, output: number): number {
  const free = kvBudgetBytes(ctx.engine, ctx.chip.offChipMemory.capacityBytes, weightBytesPerChip(ctx));
  if (free <= 0) return 0;
  // KV tokens HBM (and any host memory the cache may spill into) holds, less the shared prefix; then whole sequences.
  const tokens = (free + (ctx.kvCache?.hostBytesPerChip ?? 0)) / kvBytesPerTokenPerChip(ctx);
  const shared = sharedPromptTokens(ctx.kvCache, prompt);
  const perSequence = kvTokensHeld(ctx.kvCache, 1, prompt, output) - pagedTokens(ctx.kvCache, shared);
  return Math.max(0, Math.floor((tokens - pagedTokens(ctx.kvCache, shared)) / perSequence));
}

/** Throughput and latency against batch size: powers of two up to the largest batch that fits (and that batch). */
export function batchSweep(ctx: ServingContext, prompt: number, output: number, limit = 4096): ServingPoint[] {
  const most = Math.min(limit, maxBatch(ctx, prompt, output));
  const out: ServingPoint[] = [];
  for (let b = 1; b <= most; b *= 2) out.push(servingPoint(ctx, b, prompt, output));
  if (most >= 1 && out[out.length - 1]!.batch !== most) out.push(servingPoint(ctx, most, prompt, output));
  return out;
}
