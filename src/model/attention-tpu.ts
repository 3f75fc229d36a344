/**
 * The TPU compiler's fused attention: the Pallas splash-attention kernel MaxText runs, timed from what
 * its kernel body does. Each grid step takes a block of queries and a block of keys of one head and runs,
 * one after the other, the scores matmul on the MXUs, the online softmax on the vector unit (running
 * max, subtract, row sum, cast to bf16; the exp2 goes to the transcendental unit), and the context
 * matmul on the MXUs: the operations depend on each other and the default scheduler does not overlap
 * one block's softmax with the next block's matmuls, so the step takes the MXU time plus the vector
 * time. Blocks wholly above a causal diagonal are skipped; diagonal blocks run whole and build their
 * mask. The backward (the fused dq/dk/dv kernel) recomputes the scores and exp, forms dS on the vector
 * unit and runs four gradient matmuls. On 256-wide MXUs a head dimension of 128 fills half the array,
 * so head dims 128 and 256 take the same MXU time (the tokamax benchmarks below show it).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { coreCount, vectorOpsPerS } from '../arch/derive.js';
import type { AttentionKernel } from './attention-types.js';
import { chipContext } from './estimate.js';
import { streamBandwidthBytesPerS } from './gemm.js';
import { kcite } from './kernel-sources.js';
import { gemmTime } from './layers.js';

/**
 * Vector-unit operations per score element of the splash kernel, counted from its body (tokamax
 * splash_attention_kernel.py).
 */
export const XLA_ATTENTION_VECTOR_OPS = {
  /** m = max(m, rowmax(s)); s - m; rowsum(p); p cast to bf16 for the context matmul (exp2 on the EUP). */
  forward: 4,
  /** s - logsumexp; p cast; dp - di; (dp - di) * p; dS cast; dS transposed for dq. */
  backward: 6,
  /** Diagonal (partially masked) blocks: key iota, compare with the query index, select. */
  mask: 3,
} as const;

/** MaxText's splash block default, and the block its recipes use on chips with 256-wide MXUs. */
export const XLA_ATTENTION_BLOCK = { default: 512, wideMxu: 2048 } as const;

export const XLA_ATTENTION_CITATIONS = {
  schedule: kcite(
    'tokamaxSplash',
    'flash_attention_kernel body: qk = dot(q, k); mask; max; exp2; sum; o = alpha o + dot(s, v); config: "an ' +
      'experimental scheduler that sometimes produces better softmax overlap" (off by default)',
    'published',
    'matmuls and softmax of a block add up',
  ),
  vectorOps: kcite(
    'tokamaxSplash',
    'flash_attention_kernel and _flash_attention_dkv_kernel bodies',
    'estimate',
    'one vector operation per element per elementwise op or reduction step, the exp2 left to the transcendental ' +
      'unit; checked against the tokamax Ironwood benchmarks (attention-tpu.test.ts: within 10% at sequences ' +
      '8k-128k, head dims 128 and 256, forward and backward)',
  ),
  block: kcite(
    'maxtextRecipes',
    'MaxText base.yml sa_block_q/kv 512 (the 2023 Pallas flash blocks were 512 too); tpu-recipes Trillium (Llama ' +
      '3.1 8B/70B, Mistral 7B) and Ironwood Llama 3.1 70B bf16: sa_block_* 2048',
    'published',
  ),
  causal: kcite(
    'tokamaxSplash',
    'mask_info: fully masked blocks skipped; partially masked blocks computed whole (qk_diag_skip off by default)',
    'published',
  ),
} as const;

/**
 * The splash block a chip's MaxText recipes use: 2048 on 256-wide MXUs (Trillium, Ironwood), else MaxText's default
 * 512.
 */
export function xlaAttentionBlock(chip: ChipSpec): number {
  const widest = Math.max(...chip.cores.flatMap((c) => c.matrixUnits.map((u) => u.cols)));
  return widest >= 256 ? XLA_ATTENTION_BLOCK.wideMxu : XLA_ATTENTION_BLOCK.default;
}

/**
 * Blocks one head computes: all, or those on and below the causal diagonal (queries aligned to the last keys); and how
 * many of them are diagonal.
 */
export function splashBlocks(
  a: Pick<AttentionKernel, 'seqQ' | 'seqK' | 'causal'>,
  blockQ: number,
  blockK: number,
): { tiles: number; diagonal: number } {
  const qBlocks = Math.ceil(a.seqQ / blockQ);
  const kBlocks = Math.ceil(a.seqK / blockK);
  if (!a.causal) return { tiles: qBlocks * kBlocks, diagonal: 0 };
  let tiles = 0;
  let diagonal = 0;
  for (let i = 0; i < qBlocks; i++) {
    // The block's queries sit at key positions first..last (queries aligned to the last keys) and see keys 0..position.
    const first = a.seqK - a.seqQ + i * blockQ;
    const last = a.seqK - a.seqQ + Math.min(a.seqQ, (i + 1) * blockQ) - 1;
    const spanned = Math.min(kBlocks, Math.floor(last / blockK) + 1);
    const whole = Math.min(spanned, Math.floor((first + 1) / blockK));
    tiles += spanned;
    diagonal += spanned - whole;
  }
  return { tiles, diagonal };
}

/**
 * Seconds of the splash kernel, forward or backward, on a TPU-style chip: per grid step the MXU time of
 * its matmuls (gemmTime on the step's block shapes, 2.5x the forward's in the backward: 3 d + 2 dv MACs
 * per score against d + dv) plus the vector time of its softmax, over all steps; or the HBM floor of Q,
 * K, V and O (K and V once per query block) when that is longer.
 */
export function xlaAttentionSeconds(
  chip: ChipSpec,
  dtype: string,
  a: AttentionKernel,
  backward: boolean,
  block = xlaAttentionBlock(chip),
): number {
  const ctx = chipContext(chip, dtype);
  const bq = Math.min(block, a.seqQ);
  const bk = Math.min(block, a.seqK);
  const heads = a.batch * a.heads;
  const { tiles, diagonal } = splashBlocks(a, bq, bk);
  const steps = heads * tiles;
  const scores = gemmTime(ctx.sys, { batch: steps, m: bq, n: bk, k: a.qkDim, weightsAreParameters: false });
  const context = gemmTime(ctx.sys, { batch: steps, m: bq, n: a.valueDim, k: bk, weightsAreParameters: false });
  const macScale = backward ? (3 * a.qkDim + 2 * a.valueDim) / (a.qkDim + a.valueDim) : 1;
  const matrixS = (macScale * (scores.matrixCycles + context.matrixCycles)) / coreCount(chip) / chip.clockHz;
  const ops = backward ? XLA_ATTENTION_VECTOR_OPS.backward : XLA_ATTENTION_VECTOR_OPS.forward;
  const vectorS = (bq * bk * (steps * ops + heads * diagonal * XLA_ATTENTION_VECTOR_OPS.mask)) / vectorOpsPerS(chip);
  const width = a.qkDim + a.valueDim;
  const bytes = heads * (a.seqQ * width + tiles * bk * width) * ctx.elementBytes * (backward ? 2 : 1);
  const memoryS = bytes / streamBandwidthBytesPerS(chip);
  return Math.max(matrixS + vectorS, memoryS) + (scores.latencyCycles + context.latencyCycles) / chip.clockHz;
}
