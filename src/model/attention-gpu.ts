/**
 * A fused attention kernel on a GPU (FlashAttention-2, FlashAttention-3, cuDNN), from how it works:
 *
 * - Each thread block owns `br` queries (forward) or `bc` keys (backward) of one head and walks the
 *   other side in tiles; tiles wholly above a causal diagonal are skipped, diagonal ones run in full.
 *   Blocks run on the SMs in waves (uniform work) or balanced by the scheduler (causal).
 * - Per score element the tile multiplies d + dv MACs forward (3d + 2dv backward: the scores recomputed,
 *   dP, dV, dQ, dK) at the tensor rate of the kernel's instruction (wgmma/tcgen05, or mma.sync, which on
 *   Hopper reaches 2/3 of the peak), takes one exp2 on the special-function units and a few FP32
 *   operations (max, scale, sum, conversion, rescaling the output every key tile; backward: dS).
 * - FlashAttention-2 runs each warp's softmax between its matmuls, and the backward's stages between
 *   barriers, so only co-resident blocks interleave them (1 - 1 / blocksPerSm of the shorter hidden);
 *   FlashAttention-3 overlaps them in the forward (producer warps, ping-pong of two consumer warpgroups,
 *   intra-warpgroup pipelining), so a tile takes the longer of the two; its backward overlaps only the
 *   dQ reduction, the softmax gradient (P recomputed, dS) runs between the dependent matmuls.
 * - The backward accumulates dQ in fp32 through L2 (`d / bc` read-modify-writes per score element):
 *   after each tile's matmuls in FlashAttention-2, asynchronously (TMA reductions) in FlashAttention-3.
 *   Two small kernels run beside it (rowsum(dO * O) before, dQ's conversion after).
 * - Each thread block pays a fixed prologue and epilogue (Q and the first K/V tile in, O out).
 */
import { coreCount } from '../arch/derive.js';
import type { Citation } from '../arch/chip-spec.js';
import type { AttentionKernel } from './attention-types.js';
import type { GpuContext } from './gpu.js';
import { kcite } from './kernel-sources.js';

/** A thread block's tile: query rows x key columns, and blocks resident per SM. */
export interface AttentionTile {
  readonly br: number;
  readonly bc: number;
  readonly blocksPerSm: number;
}

/**
 * How a kernel's warps share the work of a tile: `barriered` (FlashAttention-2: one stage after another,
 * co-resident blocks interleave) or `warp-specialized` (FlashAttention-3: stages overlapped).
 */
export type AttentionSchedule = 'barriered' | 'warp-specialized';

/** One fused kernel's design: tiles (from its source code), instruction path and schedule. */
export interface FusedAttentionSpec {
  readonly forwardTile: (headDim: number, causal: boolean) => AttentionTile;
  readonly backwardTile: (headDim: number) => AttentionTile;
  /** Matmuls on the asynchronous MMA (wgmma/tcgen05) where the chip has it; false: warp-level mma.sync. */
  readonly asyncMma: boolean;
  readonly schedule: AttentionSchedule;
  readonly citations: Readonly<Record<string, Citation>>;
}

/**
 * FP32 operations per score element besides the exp: max, scale-and-subtract (FFMA), row sum, half a packed conversion.
 */
const FORWARD_FP32_OPS = 3.5;
/** Backward, per score element: P recomputed (FFMA), dS = P (dP - D) (add, multiply), P and dS converted. */
const BACKWARD_FP32_OPS = 4;
/**
 * Prologue and epilogue of one thread block, not overlapped with its own tiles: the first loads of Q, K
 * and V, the final rescale and store of O and the softmax statistics, the block's launch on its SM.
 * Estimate fitted to the 9 fused-attention calibration rows (FlashAttention-2 paper Figure 4 on A100
 * and H100, FlashAttention-3 paper Figure 5, tritonbench on H100): 1, 2, 3 and 4 us give calibration
 * MAPE 7.6%, 5.6%, 4.9% and 5.9%.
 */
export const ATTENTION_BLOCK_LATENCY_S = 3e-6;

export const FUSED_ATTENTION_CITATIONS = {
  fp32Ops: kcite(
    'dao2023',
    'Algorithm 1 (forward) and 2 (backward), section 3.1.1',
    'derived',
    'counted from the algorithms: max, FFMA, row sum and half a conversion forward; FFMA, add, multiply and ' +
      'conversions backward',
  ),
  blockLatency: kcite(
    'tpusim',
    '',
    'estimate',
    'fitted to 9 calibration rows of the validation suite (kernels): several HBM round trips of about 0.5 us ' +
      '(Luo et al. 2024) and the block launch',
  ),
} as const;

/**
 * Score elements each block computes: tiles x br x bc, and the longest block, for `outer` blocks of `step` rows walking
 * `inner` tiles.
 */
function blockWork(
  outerLen: number,
  outerStep: number,
  innerLen: number,
  innerStep: number,
  causal: boolean,
  queriesOuter: boolean,
  offset: number,
): { tiles: number; longest: number; blocks: number } {
  const blocks = Math.ceil(outerLen / outerStep);
  const full = Math.ceil(innerLen / innerStep);
  if (!causal) return { tiles: blocks * full, longest: full, blocks };
  let tiles = 0;
  let longest = 0;
  for (let i = 0; i < blocks; i++) {
    // Forward: query block i sees keys up to offset + its last query. Backward: key block i is seen by queries from its
    // first key - offset on.
    const n = queriesOuter
      ? Math.min(full, Math.max(1, Math.ceil((offset + Math.min(outerLen, (i + 1) * outerStep)) / innerStep)))
      : Math.max(1, full - Math.floor(Math.max(0, i * outerStep - offset) / innerStep));
    tiles += n;
    longest = Math.max(longest, n);
  }
  return { tiles, longest, blocks };
}

/**
 * Cycles (nominal) per score element on one SM: the matmuls, the softmax (its exp and FP32 operations,
 * a dependent chain) and the dQ accumulation, overlapped as the kernel's schedule allows. A
 * warp-specialized kernel overlaps the softmax with the matmuls in the forward only: in the backward,
 * S = Q K^T, P = exp(S - L), dP = dO V^T, dS = P (dP - D) and the dS matmuls depend on one another within
 * a tile, so only the dQ reduction (its own warp, TMA adds) runs beside them.
 */
function elementCycles(
  ctx: GpuContext,
  spec: FusedAttentionSpec,
  tile: AttentionTile,
  macs: number,
  fp32Ops: number,
  dqCycles: number,
  backward: boolean,
): number {
  const path = spec.asyncMma || !ctx.stack.asyncMma ? 1 : ctx.stack.legacyMmaFraction;
  const mma = macs / (ctx.smMacsPerCycle * path);
  const softmax = 1 / ctx.sfuPerSmCycle + fp32Ops / ctx.fp32LanesPerSm;
  if (spec.schedule === 'warp-specialized')
    return backward ? Math.max(mma + softmax, dqCycles) : Math.max(mma, softmax, dqCycles);
  const hidden = 1 - 1 / tile.blocksPerSm;
  return Math.max(mma, softmax) + (1 - hidden) * Math.min(mma, softmax) + dqCycles;
}

/**
 * Seconds of `heads` x blocks over the SMs: waves for uniform blocks, balanced for causal ones, plus each block's
 * latency.
 */
function scheduleSeconds(
  ctx: GpuContext,
  work: { tiles: number; longest: number; blocks: number },
  heads: number,
  tileCycles: number,
  tile: AttentionTile,
  causal: boolean,
): number {
  const sms = coreCount(ctx.chip);
  const latency = ATTENTION_BLOCK_LATENCY_S * ctx.chip.clockHz;
  const blocks = heads * work.blocks;
  if (!causal) {
    const slots = sms * tile.blocksPerSm;
    return (Math.ceil(blocks / slots) * tile.blocksPerSm * (work.longest * tileCycles + latency)) / ctx.chip.clockHz;
  }
  const total = heads * work.tiles * tileCycles + blocks * latency;
  return Math.max(total / sms, work.longest * tileCycles + latency) / ctx.chip.clockHz;
}

/** Forward seconds of a fused kernel (its launch and HBM floor added by the caller). */
export function fusedForwardSeconds(ctx: GpuContext, spec: FusedAttentionSpec, a: AttentionKernel): number {
  const tile = spec.forwardTile(a.qkDim, a.causal);
  const work = blockWork(a.seqQ, tile.br, a.seqK, tile.bc, a.causal, true, a.seqK - a.seqQ);
  const perElement = elementCycles(
    ctx,
    spec,
    tile,
    a.qkDim + a.valueDim,
    FORWARD_FP32_OPS + a.valueDim / tile.bc,
    0,
    false,
  );
  return scheduleSeconds(ctx, work, a.batch * a.heads, tile.br * tile.bc * perElement, tile, a.causal);
}

/** Backward seconds of the main fused kernel: blocks own keys and walk queries; dQ accumulates through L2. */
export function fusedBackwardSeconds(ctx: GpuContext, spec: FusedAttentionSpec, a: AttentionKernel): number {
  const tile = spec.backwardTile(a.qkDim);
  const work = blockWork(a.seqK, tile.bc, a.seqQ, tile.br, a.causal, false, a.seqK - a.seqQ);
  // fp32 dQ read-modify-write in L2 per score element, at this SM's share of the L2 bandwidth.
  const l2 = ctx.chip.sharedMemory?.bandwidthBytesPerS;
  const dq = l2 ? (8 * a.qkDim) / tile.bc / ((ctx.derate * l2) / ctx.chip.clockHz / coreCount(ctx.chip)) : 0;
  const perElement = elementCycles(ctx, spec, tile, 3 * a.qkDim + 2 * a.valueDim, BACKWARD_FP32_OPS, dq, true);
  return scheduleSeconds(ctx, work, a.batch * a.heads, tile.br * tile.bc * perElement, tile, a.causal);
}
