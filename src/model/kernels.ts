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
