/**
 * Serving a transformer in closed form: one model replica over `tp x pp` chips (tensor parallelism
 * inside a stage, pipeline stages in sequence; routed experts spread over all the replica's chips),
 * a batch of requests prefilled together and then decoded one token per step.
 *
 * An iteration processes prefill tokens and decoding sequences together (continuous batching mixes
 * them): per layer its projections and MLP as GEMMs over all the iteration's tokens (weights read from
 * memory once per iteration, which is what makes small-batch decoding memory-bound), the attention of
 * prefill tokens against their prompt (causal, fused) and of each decoding sequence against its KV
 * cache (a stream of the cache through memory), two tensor-parallel all-reduces, and a point-to-point
 * hop between pipeline stages. Mixture-of-experts layers read the weights of the experts the batch
 * touches: E (1 - (1 - k/E)^tokens) of E experts for tokens routed to k each, uniformly.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { defaultMatrixFormat } from '../arch/derive.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import type { Gemm } from '../graph/ops/op.js';
import { gemmSeconds, streamSeconds } from '../model/kernels.js';
import { collectiveCost } from './collectives.js';
import type { IterationShape } from './serving-sim.js';
import type { LayerShape, TransformerModel } from './transformer.js';
import type { SystemSpec } from './types.js';

export interface ServingPlan {
  readonly tp: number;
  readonly pp: number;
  /** Format of weights and GEMMs (default: the chip's first matrix format, bf16 on most). */
  readonly dtype?: string;
  /** Bytes per KV-cache element (default: 2, bf16). */
  readonly kvBytes?: number;
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
}

export function servingContext(model: TransformerModel, chip: ChipSpec, system: SystemSpec, plan: ServingPlan): ServingContext {
  const dtype = plan.dtype ?? defaultMatrixFormat(chip);
  const weightBytes = NUMBER_FORMATS[dtype as keyof typeof NUMBER_FORMATS]?.bytes ?? 2;
  return { model, chip, system, tp: plan.tp, pp: plan.pp, dtype, weightBytes, kvBytes: plan.kvBytes ?? 2 };
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

/**
 * Seconds of one layer for an iteration: `tokens` new tokens through the projections and MLP (prefill
 * tokens plus one per decoding sequence), `prefillPairs` query-key pairs of causal prefill attention,
 * `contextTokens` cached tokens read by the decoding sequences.
 */
function layerSeconds(ctx: ServingContext, shape: LayerShape, tokens: number, prefillPairs: number, contextTokens: number): number {
  const { chip, dtype, tp } = ctx;
  const h = ctx.model.hidden;
  const gemm = (m: number, k: number, n: number, batch = 1, parameters = true): Gemm => ({ batch, m, n, k, weightsAreParameters: parameters });
  let s = gemmSeconds(chip, dtype, gemm(tokens, h, shape.projectionOut / tp)) + gemmSeconds(chip, dtype, gemm(tokens, (shape.heads * shape.valueDim) / tp, h));
  const mlp = shape.mlp;
  if (mlp.kind === 'dense') {
    s += gemmSeconds(chip, dtype, gemm(tokens, h, (mlp.ffn * (mlp.gated ? 2 : 1)) / tp)) + gemmSeconds(chip, dtype, gemm(tokens, mlp.ffn / tp, h));
  } else {
    // A stage's experts are spread over its tp chips; each touched expert runs its share of the tokens.
    const touched = mlp.experts * (1 - Math.pow(1 - mlp.topK / mlp.experts, tokens));
    const perExpert = Math.max(1, (tokens * mlp.topK) / touched);
    const local = touched / tp;
    s += gemmSeconds(chip, dtype, gemm(tokens, h, mlp.experts)) + gemmSeconds(chip, dtype, gemm(perExpert, h, mlp.ffn * 2, Math.max(1, local))) + gemmSeconds(chip, dtype, gemm(perExpert, mlp.ffn, h, Math.max(1, local)));
    if (mlp.sharedExperts > 0) s += gemmSeconds(chip, dtype, gemm(tokens, h, (mlp.sharedExperts * mlp.sharedFfn * 2) / tp)) + gemmSeconds(chip, dtype, gemm(tokens, (mlp.sharedExperts * mlp.sharedFfn) / tp, h));
  }
  const headsLocal = shape.heads / tp;
  // Prefill attention in a fused causal kernel: scores and context, 2 x pairs x (qk + v width) multiply-adds
  // per head, timed as one GEMM of that work (a square of the pairs by the head width).
  if (prefillPairs > 0) {
    const side = Math.sqrt(prefillPairs);
    s += gemmSeconds(chip, dtype, gemm(side, shape.qkDim + shape.valueDim, side, headsLocal, false));
  }
  // Decode attention: every decoding sequence reads its cache; 2 x heads x width multiply-adds per cached token.
  if (contextTokens > 0) {
    const kvLocal = shape.kvCacheElements / Math.min(tp, Math.max(1, shape.kvHeads));
    s += streamSeconds(chip, dtype, contextTokens * kvLocal * ctx.kvBytes, 2 * contextTokens * headsLocal * (shape.qkDim + shape.valueDim));
  }
  // Element-wise work: norms, residuals, activation; about 14 h + 3 ffn values per token through memory.
  const ffnLocal = mlp.kind === 'dense' ? mlp.ffn / tp : (mlp.topK * mlp.ffn) / tp;
  const bytes = tokens * 2 * (14 * h + 3 * ffnLocal);
  s += streamSeconds(chip, dtype, bytes, bytes / 2);
  if (tp > 1) s += 2 * collectiveCost(ctx.system, 'all-reduce', tokens * h * 2, { size: tp, stride: 1 }).seconds;
  return s;
}

/** Seconds of one iteration over the whole replica: every stage's layers in turn, and the hops between stages. */
export function iterationSeconds(ctx: ServingContext, step: IterationShape, prefillPairs = (step.prefillTokens * (step.prefillTokens + 1)) / 2): number {
  const tokens = step.prefillTokens + step.decodeSequences;
  if (tokens <= 0) return 0;
  let s = 0;
  for (const g of ctx.model.groups) s += g.count * layerSeconds(ctx, g.shape, tokens, prefillPairs, step.contextTokens);
  // The LM head on the last stage, for the tokens that produce output (decoding sequences and completed prompts).
  const outputs = Math.max(1, step.decodeSequences + (step.prefillTokens > 0 ? 1 : 0));
  s += gemmSeconds(ctx.chip, ctx.dtype, { batch: 1, m: outputs, n: ctx.model.vocab / ctx.tp, k: ctx.model.hidden, weightsAreParameters: true });
  if (ctx.pp > 1) s += (ctx.pp - 1) * collectiveCost(ctx.system, 'p2p', tokens * ctx.model.hidden * 2, { size: 2, stride: ctx.tp }).seconds;
  return s;
}

export interface ServingPoint {
  readonly batch: number;
  /** Prefill of the whole batch: the time to the first token. */
  readonly ttftS: number;
  /** Mean decode step over the output (context growing from prompt to prompt + output). */
  readonly tpotS: number;
  /** Prefill, then output - 1 decode steps. */
  readonly requestS: number;
  /** Output tokens per second of the replica: batch x output / requestS. */
  readonly tokensPerS: number;
  /** Decode-phase output tokens per second: batch / tpot. */
  readonly decodeTokensPerS: number;
  /** KV cache of the batch at its longest, over the whole replica. */
  readonly kvCacheBytes: number;
  /** Weights plus KV cache on each chip. */
  readonly memoryPerChipBytes: number;
  readonly fits: boolean;
}

/** One static batch: prefill `batch` prompts together, then decode `output` tokens each. */
export function servingPoint(ctx: ServingContext, batch: number, prompt: number, output: number): ServingPoint {
  const ttftS = iterationSeconds(ctx, { prefillTokens: batch * prompt, decodeSequences: 0, contextTokens: 0 }, (batch * prompt * (prompt + 1)) / 2);
  // Decode time is affine in the context length, so the mean step is the step at the mean context.
  const steps = Math.max(0, output - 1);
  const meanContext = prompt + output / 2;
  const tpotS = steps > 0 ? iterationSeconds(ctx, { prefillTokens: 0, decodeSequences: batch, contextTokens: batch * meanContext }) : 0;
  const requestS = ttftS + steps * tpotS;
  const kvPerChip = kvBytesPerTokenPerChip(ctx) * batch * (prompt + output);
  const memoryPerChipBytes = weightBytesPerChip(ctx) + kvPerChip;
  return {
    batch,
    ttftS,
    tpotS,
    requestS,
    tokensPerS: (batch * output) / requestS,
    decodeTokensPerS: tpotS > 0 ? batch / tpotS : 0,
    kvCacheBytes: kvPerChip * ctx.tp * ctx.pp,
    memoryPerChipBytes,
    fits: memoryPerChipBytes <= ctx.chip.offChipMemory.capacityBytes,
  };
}

/** The largest batch whose weights and KV cache fit each chip's memory (0 when the weights alone do not). */
export function maxBatch(ctx: ServingContext, prompt: number, output: number): number {
  const free = ctx.chip.offChipMemory.capacityBytes - weightBytesPerChip(ctx);
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
