/**
 * Habana's FusedSDPA on Intel Gaudi (habana_frameworks.torch.hpex.kernels.FusedSDPA), what
 * Megatron-DeepSpeed, optimum-habana and vLLM call on HPUs where CUDA stacks call flash-attn or cuDNN.
 * One graph-compiler operation whose matmuls run on the MMEs and whose softmax runs on the TPCs (the
 * VLIW SIMD vector cores), the two pipelined slice by slice, so the slowest of MMEs, TPCs and HBM sets
 * its time. Modelled in the non-recompute mode Megatron-DeepSpeed runs (--use-fused-sdpa-with-recompute
 * 0, FusedSDPA's sdpa_fwd / sdpa_bwd):
 *
 * - forward: S = Q K^T and O = P V on the MMEs (d + dv MACs per score); the softmax on the TPCs with
 *   FusedSDPA's default softmax_mode ('None', the accurate one; 'fast' is opt-in): the exp at the TPC
 *   library's accurate fp32 cost, and the row max, scale-subtract, row sum and normalization; P written
 *   to HBM for the backward (2 bytes per score);
 * - backward: P read back; dV = P^T dO, dP = dO V^T, dQ = dS K, dK = dS^T Q on the MMEs (2d + 2dv MACs
 *   per score: nothing recomputed); dS = P (dP - D) on the TPCs;
 * - causal: score slices of the MME's output tile wholly above the diagonal are skipped (the caller
 *   passes the share computed).
 *
 * Not charged: the MME's fill and drain on the short K (the head dimension) of the scores matmul, which
 * its configurable geometry is taken to hide.
 */
import type { AttentionKernel } from './attention-types.js';
import type { GpuContext } from './gpu.js';
import { kcite } from './kernel-sources.js';

/** fp32 values in one TPC vector instruction (a 2048-bit SIMD register); bf16 fill twice as many. */
const FP32_LANES_PER_INSTRUCTION = 64;
/** Vector instructions of the TPC library's accurate fp32 exp over one 64-value register. */
export const EXP_FP32_INSTRUCTIONS = 29;
/**
 * fp32 vector operations per score beside the exp, forward: row max, scale-subtract (one MAC), row sum, normalization.
 */
export const SOFTMAX_FORWARD_OPS = 4;
/** fp32 vector operations per score, backward: dS = P (dP - D) (subtract, multiply) and P's conversion. */
export const SOFTMAX_BACKWARD_OPS = 3;

export const FUSED_SDPA_CITATIONS = {
  kernel: kcite(
    'habanaFusedSdpa',
    'FusedSDPA.py: recompute False calls torch.ops.hpu.sdpa_fwd, which returns P and saves it for sdpa_bwd',
    'published',
    "Megatron-DeepSpeed's HabanaFlashSelfAttention passes --use-fused-sdpa-with-recompute (default 0)",
  ),
  softmaxMode: kcite(
    'habanaFusedSdpa',
    "FusedSDPA.py: softmax_mode 'None' by default; optimum-habana passes 'fast' only with " +
      "flash_attention_fast_softmax ('None' -> non-fast softmax)",
    'published',
    'Megatron-DeepSpeed passes "fast" only with --use-fast-softmax (HL_USE_FAST_SOFTMAX, default 0)',
  ),
  exp: kcite(
    'tpcLlvm',
    "clang/lib/Headers/tpc-special.h: 'exp_f32 VPU ops = exp_fast_f32 VPU ops + 3 = 26+3 = 29'",
    'estimate',
    "the TPC-C library's accurate exp, taken for the closed FusedSDPA kernel's non-fast softmax (the library's " +
      "bf16 exp_bf16, 17 instructions over 128 values, would be the fast mode's)",
  ),
  lanes: kcite('habanaDocs', "TPC User Guide: 2048-bit SIMD; 'up to 64 floats' per cycle", 'published'),
  softmaxOps: kcite(
    'tpusim',
    '',
    'estimate',
    'counted from the softmax and its gradient, each at one fp32 vector instruction per 64 values, as ' +
      'FlashAttention counts them (Dao 2023, Algorithms 1-2)',
  ),
  pipelining: kcite(
    'habanaDocs',
    'Gaudi Architecture: the graph compiler slices MME and TPC operations so they run concurrently',
    'estimate',
    'the slowest engine sets the time',
  ),
} as const;

/** Vector instructions the TPCs issue per cycle over the chip (one per TPC at the sustained clock). */
function tpcInstructionsPerCycle(ctx: GpuContext): number {
  return ctx.vectorOpsPerCycle / 2 / FP32_LANES_PER_INSTRUCTION;
}

/** Seconds of the forward and backward of `a` with `computedShare` of its scores computed (causal slices skipped). */
export function fusedSdpaSeconds(
  ctx: GpuContext,
  a: AttentionKernel,
  computedShare: number,
): { forwardS: number; backwardS: number } {
  const heads = a.batch * a.heads;
  const scores = heads * a.seqQ * a.seqK * computedShare;
  const mmeMacsPerCycle = ctx.sms * ctx.smMacsPerCycle;
  const tpcs = tpcInstructionsPerCycle(ctx);
  const hbm = (bytes: number): number => bytes / ctx.hbmBytesPerCycle;
  const e = ctx.elementBytes;
  const tensors = heads * (a.seqQ + a.seqK) * (a.qkDim + a.valueDim) * e;
  const forward = Math.max(
    (scores * (a.qkDim + a.valueDim)) / mmeMacsPerCycle,
    (scores * (EXP_FP32_INSTRUCTIONS + SOFTMAX_FORWARD_OPS)) / FP32_LANES_PER_INSTRUCTION / tpcs,
    hbm(tensors + scores * 2),
  );
  const backward = Math.max(
    (scores * 2 * (a.qkDim + a.valueDim)) / mmeMacsPerCycle,
    (scores * SOFTMAX_BACKWARD_OPS) / FP32_LANES_PER_INSTRUCTION / tpcs,
    hbm(2 * tensors + scores * 2),
  );
  const clockHz = ctx.chip.clockHz;
  return { forwardS: forward / clockHz, backwardS: backward / clockHz };
}
