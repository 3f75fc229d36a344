/**
 * Whole-chip times of the pieces other layers are made of (the cluster model times transformer layers
 * from these): a GEMM over all of a chip's matrix units and cores, and a pass of element-wise work
 * bounded by off-chip memory or the vector units. Both use the per-layer machinery of the model.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { coreCount, vectorOpsPerS } from '../arch/derive.js';
import type { Gemm } from '../graph/ops/op.js';
import { chipContext } from './estimate.js';
import { gpuGemm } from './gpu.js';
import { gemmTime } from './layers.js';

/**
 * Seconds for one GEMM on the whole chip. TPU-style: the work splits over the cores (their matrix
 * units and vector units), the off-chip port does not, and operands cross off-chip memory at least once
 * (they do not stay in the unified buffer between layers at training sizes). GPU-style: tiles in waves.
 */
export function gemmSeconds(chip: ChipSpec, dtype: string, g: Gemm): number {
  const ctx = chipContext(chip, dtype);
  if (g.m <= 0 || g.n <= 0 || g.k <= 0 || g.batch <= 0) return 0;
  if (ctx.gpu) {
    const t = gpuGemm(ctx.gpu, g);
    return Math.max(t.computeCycles, t.memoryCycles) / chip.clockHz;
  }
  const cores = coreCount(chip);
  const t = gemmTime(ctx.sys, g);
  const variable = Math.max(t.matrixCycles / cores, t.vectorCycles / cores, t.memoryCycles);
  const cycles = Math.max(t.latencyCycles + variable, t.cycles / cores);
  const e = ctx.elementBytes;
  const bytes = (g.batch * g.m * g.k + (g.weightsAreParameters ? 1 : g.batch) * g.k * g.n + g.batch * g.m * g.n) * e;
  return Math.max(cycles, bytes / ctx.sys.dram.bytesPerCycle) / chip.clockHz;
}

/** Seconds for element-wise work: `bytes` through off-chip memory, `ops` on the vector units (or CUDA cores). */
export function streamSeconds(chip: ChipSpec, dtype: string, bytes: number, ops: number): number {
  const ctx = chipContext(chip, dtype);
  const memory = bytes / (ctx.gpu ? ctx.gpu.hbmBytesPerCycle * chip.clockHz : chip.offChipMemory.bandwidthBytesPerS);
  const vectorRate = ctx.gpu ? ctx.gpu.vectorOpsPerCycle * chip.clockHz : vectorOpsPerS(chip);
  return Math.max(memory, ops / vectorRate);
}

/** One attention kernel: queries of `seqQ` positions against `seqK` keys, per head. */
export interface AttentionKernel {
  readonly batch: number;
  readonly heads: number;
  readonly seqQ: number;
  readonly seqK: number;
  readonly qkDim: number;
  readonly valueDim: number;
  readonly causal: boolean;
  /** Fused (FlashAttention-style: scores stay on chip) or scores through memory. */
  readonly fused: boolean;
}

export interface AttentionTime {
  readonly forwardS: number;
  readonly backwardS: number;
}

/**
 * Attention core forward and backward: the scores and context GEMMs per head (a fused causal kernel
 * skips the masked half of the keys); without fusion the scores also go through memory (written,
 * softmaxed, read by the second GEMM; backward reads and writes them about twice as often). The fused
 * backward recomputes the scores and forms three gradients: about 2.5 forward times (Dao 2023).
 */
export function attentionSeconds(chip: ChipSpec, dtype: string, a: AttentionKernel): AttentionTime {
  const keys = a.seqK * (a.fused && a.causal ? 0.5 : 1);
  const heads = a.batch * a.heads;
  const scores: Gemm = { batch: heads, m: a.seqQ, n: keys, k: a.qkDim, weightsAreParameters: false };
  const context: Gemm = { batch: heads, m: a.seqQ, n: a.valueDim, k: keys, weightsAreParameters: false };
  const gemmsS = gemmSeconds(chip, dtype, scores) + gemmSeconds(chip, dtype, context);
  if (a.fused) return { forwardS: gemmsS, backwardS: 2.5 * gemmsS };
  const values = heads * a.seqQ * a.seqK;
  const bytes = chipContext(chip, dtype).elementBytes;
  return { forwardS: gemmsS + streamSeconds(chip, dtype, 4 * values * bytes, 4 * values), backwardS: 2 * gemmsS + streamSeconds(chip, dtype, 7 * values * bytes, 7 * values) };
}
