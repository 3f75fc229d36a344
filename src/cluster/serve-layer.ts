/**
 * One transformer layer of a serving step on one chip: its projections and MLP as GEMMs over all the
 * step's tokens (the weights read once), the prefill tokens' attention as a fused causal kernel
 * (`attentionSeconds`), the decoding sequences' attention as a decode kernel over their KV cache
 * (`decodeAttentionSeconds`: the engine's kernel decides whether the query heads of a KV group share
 * its reads), the element-wise work, and two tensor-parallel all-reduces.
 */
import { defaultMatrixFormat } from '../arch/derive.js';
import type { Gemm } from '../graph/ops/op.js';
import { decodeAttentionSeconds } from '../model/decode-attention.js';
import { attentionSeconds, gemmSeconds, streamSeconds } from '../model/kernels.js';
import { collectiveCost } from './collectives.js';
import { overlapComputeLoss, overlapped } from './overlap.js';
import { weightOnlyGemmSeconds } from './serve-quant.js';
import type { ServingContext } from './serve.js';
import type { LayerShape } from './transformer.js';

/**
 * Kernels one layer launches: four projection/MLP GEMMs (MoE: router, top-k, token permutation, two
 * grouped expert GEMMs, activation, combine), attention, norms, rotary embedding, KV-cache write,
 * activation; two all-reduces under tensor parallelism. (vLLM's Llama layer: fused add-RMSNorm x2,
 * qkv, rotary, cache write, attention, o, gate_up, SiLU-and-mul, down.) Multi-head latent attention
 * adds its up-projections (`mlaKernels`).
 */
export function layerKernels(shape: LayerShape, tp: number): number {
  const mlp = shape.mlp.kind === 'dense' ? 3 : 7 + (shape.mlp.sharedExperts > 0 ? 3 : 0);
  return 2 + 5 + mlp + mlaKernels(shape) + (tp > 1 ? 2 : 0);
}

/**
 * Multi-head latent attention's kernels beyond a multi-head layer's: an RMSNorm on each latent and a
 * GEMM per up-projection, the key/value one as two (its key half applied to the queries before the
 * attention kernel, its value half to the kernel's output after it). TensorRT-LLM's DeepSeek-R1
 * decode layer (tech blog 1, "Everything in One Diagram"): Fuse_A_GEMM, 2 x RMSNorm, UQ_QR_GEMM,
 * UK_BGEMM, rope and KV-cache concat, attention, UV_GEMM, WO_GEMM; DeepSeek-V3 report (arXiv
 * 2412.19437) section 2.1.1 for the latents and their norms.
 */
export function mlaKernels(shape: LayerShape): number {
  const ups = shape.upProjections?.length ?? 0;
  return ups === 0 ? 0 : 2 * ups + 1;
}

/**
 * The up-projections' GEMMs as (k, n) pairs over a token's latents: the query one whole, the key/value
 * one (the last) split into its key and value halves (heads x (qkDim - rope dims) and heads x valueDim).
 */
function upProjectionGemms(shape: LayerShape): Array<{ k: number; n: number }> {
  const ups = shape.upProjections ?? [];
  return ups.flatMap((up, i) => {
    if (i < ups.length - 1) return [{ k: up.in, n: up.out }];
    const values = shape.heads * shape.valueDim;
    return [
      { k: up.in, n: up.out - values },
      { k: up.in, n: values },
    ];
  });
}

/** Device seconds of one layer: its projection and MLP GEMMs, the rest of its work, its tensor-parallel all-reduces. */
export interface LayerTime {
  readonly linearS: number;
  readonly otherS: number;
  readonly tpCommS: number;
}

/**
 * What one layer processes in a pass: tokens through the projections, causal prefill pairs, decoding sequences and
 * their cached tokens.
 */
export interface LayerWork {
  readonly tokens: number;
  readonly prefillTokens: number;
  readonly prefillSequences: number;
  readonly prefillPairs: number;
  readonly decodeSequences: number;
  readonly contextTokens: number;
  /**
   * Speculative verification: the prefill tokens are k proposed tokens per decoding sequence, which the
   * decode kernel takes as k + 1 queries per sequence over one read of its cache (TensorRT-LLM's XQA in
   * speculative-decoding mode, FlashAttention's varlen decode in vLLM V1), not as a prefill kernel.
   */
  readonly verify?: boolean;
}

/** The projections and MLP of `tokens` tokens as GEMMs, fp8 ones with the engine's accumulation. */
function linearSeconds(ctx: ServingContext, shape: LayerShape, tokens: number): number {
  const { chip, dtype, tp } = ctx;
  const h = ctx.model.hidden;
  const options = { fp8FastAccumulation: ctx.engine.fp8FastAccumulation };
  const q = ctx.quantization;
  const gemm =
    q?.mode === 'weight-only'
      ? (g: Gemm): number => weightOnlyGemmSeconds(chip, dtype, g, q, options)
      : (g: Gemm): number => gemmSeconds(chip, dtype, g, options);
  const run = (m: number, k: number, n: number, batch = 1, parameters = true): number =>
    gemm({ batch, m, n, k, weightsAreParameters: parameters });
  // Attention data parallelism: each rank projects its own tokens with the whole (replicated) weights.
  let s = ctx.attentionDataParallel
    ? run(tokens / tp, h, shape.projectionOut) + run(tokens / tp, shape.heads * shape.valueDim, h)
    : run(tokens, h, shape.projectionOut / tp) + run(tokens, (shape.heads * shape.valueDim) / tp, h);
  // Multi-head latent attention: the latents' up-projections to the heads, split over tp like the heads.
  for (const up of upProjectionGemms(shape))
    s += ctx.attentionDataParallel ? run(tokens / tp, up.k, up.n) : run(tokens, up.k, up.n / tp);
  const mlp = shape.mlp;
  if (mlp.kind === 'dense')
    return s + run(tokens, h, (mlp.ffn * (mlp.gated ? 2 : 1)) / tp) + run(tokens, mlp.ffn / tp, h);
  // A stage's experts are spread over its tp chips; each touched expert runs its share of the tokens
  // with its own weights (a batch of distinct weight matrices, each read from memory).
  const touched = mlp.experts * (1 - (1 - mlp.topK / mlp.experts) ** tokens);
  const perExpert = Math.max(1, (tokens * mlp.topK) / touched);
  const local = Math.max(1, touched / tp);
  s +=
    run(tokens, h, mlp.experts) +
    run(perExpert, h, mlp.ffn * 2, local, false) +
    run(perExpert, mlp.ffn, h, local, false);
  if (mlp.sharedExperts > 0)
    s +=
      run(tokens, h, (mlp.sharedExperts * mlp.sharedFfn * 2) / tp) +
      run(tokens, (mlp.sharedExperts * mlp.sharedFfn) / tp, h);
  return s;
}

/** Attention runs in 16-bit (bf16, else fp16) where the chip has it, whatever the GEMMs' format. */
function attentionFormat(ctx: ServingContext): string {
  const formats = ctx.chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input as string);
  return formats.find((f) => f === 'bf16') ?? formats.find((f) => f === 'fp16') ?? defaultMatrixFormat(ctx.chip);
}

/**
 * Prefill attention: `sequences` prompts' chunks of q tokens each, causal against their prefix; the
 * prefix length follows from the causal pairs (pairs per sequence = q x (prefix - (q - 1) / 2)).
 */
function prefillAttentionSeconds(ctx: ServingContext, shape: LayerShape, w: LayerWork): number {
  if (w.prefillPairs <= 0 || w.prefillTokens <= 0) return 0;
  const n = Math.max(1e-9, w.prefillSequences);
  const q = w.prefillTokens / n;
  const seqK = Math.max(q, w.prefillPairs / (n * q) + (q - 1) / 2);
  const dp = ctx.attentionDataParallel === true;
  const a = {
    batch: dp ? n / ctx.tp : n,
    heads: dp ? shape.heads : shape.heads / ctx.tp,
    seqQ: q,
    seqK,
    qkDim: shape.qkDim,
    valueDim: shape.valueDim,
    causal: true,
  };
  return attentionSeconds(ctx.chip, attentionFormat(ctx), a).forwardS;
}

/**
 * Decode attention of the step's decoding sequences with the engine's kernel (compiled programs read each KV head
 * once).
 */
function decodeSeconds(ctx: ServingContext, shape: LayerShape, w: LayerWork): number {
  if (w.contextTokens <= 0 || w.decodeSequences <= 0) return 0;
  // Attention data parallelism: each rank its own 1/tp of the sequences with every head; else every sequence with its
  // rank's heads.
  const dp = ctx.attentionDataParallel === true;
  const split = dp ? 1 : Math.min(ctx.tp, Math.max(1, shape.kvHeads));
  const heads = dp ? shape.heads : shape.heads / ctx.tp;
  const kvHeadsLocal = dp ? Math.max(1, shape.kvHeads) : Math.max(1, shape.kvHeads / ctx.tp);
  const a = {
    kernel: ctx.launchesKernels ? ctx.engine.decodeAttention : ('grouped' as const),
    sequences: dp ? w.decodeSequences / ctx.tp : w.decodeSequences,
    contextTokens: dp ? w.contextTokens / ctx.tp : w.contextTokens,
    heads,
    cacheElementsPerToken: shape.kvCacheElements / split,
    groupSize: heads / kvHeadsLocal,
    kvBytes: ctx.kvBytes,
    qkDim: shape.qkDim,
    valueDim: shape.valueDim,
  };
  const attentionS = decodeAttentionSeconds(ctx.chip, ctx.dtype, a).seconds;
  // A quantised cache is dequantised on the vector unit as the kernel reads it, by each query head's block where the
  // cache's kernel runs one per query head (serve-quant.ts, KV_INT4_KERNEL).
  const q = ctx.quantization;
  const readers = q?.kvDequantPerQueryHead ? Math.max(1, a.groupSize) : 1;
  const dequantOps = (q?.kvDequantOpsPerElement ?? 0) * readers * w.contextTokens * a.cacheElementsPerToken;
  return dequantOps > 0 ? Math.max(attentionS, streamSeconds(ctx.chip, ctx.dtype, 0, dequantOps)) : attentionS;
}

/** One layer of a pass on one chip. */
export function layerSeconds(ctx: ServingContext, shape: LayerShape, w: LayerWork): LayerTime {
  const h = ctx.model.hidden;
  const mlp = shape.mlp;
  // Element-wise work: norms, residuals, activation; about 14 h + 3 ffn values per token through memory.
  const ffnLocal = mlp.kind === 'dense' ? mlp.ffn / ctx.tp : (mlp.topK * mlp.ffn) / ctx.tp;
  const bytes = w.tokens * 2 * (14 * h + 3 * ffnLocal);
  const otherS =
    (w.verify ? 0 : prefillAttentionSeconds(ctx, shape, w)) +
    decodeSeconds(ctx, shape, w) +
    streamSeconds(ctx.chip, ctx.dtype, bytes, bytes / 2);
  return {
    linearS: linearSeconds(ctx, shape, w.tokens),
    otherS,
    tpCommS: ctx.tp > 1 ? tpCommSeconds(ctx, shape, w.tokens) : 0,
  };
}

/**
 * A layer's communication over its tp ranks: after attention an all-reduce (none under attention data
 * parallelism: the MLP's all-gather in and reduce-scatter out then move one all-reduce's bytes); after the
 * MLP an all-reduce, or under expert parallelism two all-to-alls (dispatch, combine) in which each rank
 * sends its 1/tp of the tokens' top-k copies of the hidden state (DeepSpeed-MoE, Rajbhandari et al.,
 * ICML 2022; GShard, Lepikhin et al. 2020).
 */
function tpCommSeconds(ctx: ServingContext, shape: LayerShape, tokens: number): number {
  const activations = tokens * ctx.model.hidden * 2;
  const attention = ctx.attentionDataParallel ? 0 : allReduceSeconds(ctx, activations);
  if (!ctx.expertParallel || shape.mlp.kind === 'dense') return attention + allReduceSeconds(ctx, activations);
  const sent = (activations / ctx.tp) * shape.mlp.topK;
  return attention + 2 * collectiveCost(ctx.system, 'all-to-all', sent, { size: ctx.tp, stride: 1 }).seconds;
}

/**
 * A layer's seconds with its all-reduces exposed, or, under an engine that overlaps them (XLA's collective
 * matmuls), hidden behind the GEMMs but for one step of tp (as the training model does; overlap.ts).
 */
export function layerTotal(ctx: ServingContext, t: LayerTime): number {
  if (!ctx.engine.tpOverlap || t.tpCommS === 0) return t.linearS + t.otherS + t.tpCommS;
  const hidden = overlapped(t.linearS, t.tpCommS * (1 - 1 / ctx.tp), overlapComputeLoss(ctx.chip));
  return hidden.totalS + t.otherS + t.tpCommS / ctx.tp;
}

/**
 * One tensor-parallel all-reduce of the activations, no faster than the engine's all-reduce floor on chips a host
 * drives.
 */
function allReduceSeconds(ctx: ServingContext, bytes: number): number {
  const s = collectiveCost(ctx.system, 'all-reduce', bytes, { size: ctx.tp, stride: 1 }).seconds;
  return ctx.launchesKernels ? Math.max(s, ctx.engine.allReduceFloorS) : s;
}
