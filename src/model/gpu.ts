/**
 * Time of one layer on a GPU-style chip (tensor cores in SMs, HBM, L2), in closed form, from the
 * mechanisms that decide it:
 *
 * - GEMMs run as thread blocks of tileM x tileN outputs (the chip's `gpuTiling`, CUTLASS/cuBLAS style),
 *   k in steps of tileK, `blocksPerSm` at a time on each SM. Partial edge tiles cost whole tiles
 *   (tile quantization); blocks run in waves over the SMs, and a last partial wave leaves SMs idle
 *   (wave quantization). Each k-step of a block moves (tileM + tileN) x tileK operands into shared
 *   memory and multiplies at the SM's tensor-core rate shared by its resident blocks.
 * - Operands cross HBM at least once per kernel (L2 keeps the rest); element-wise and normalization
 *   layers are separate kernels that read their inputs from and write their outputs to HBM.
 * - Each kernel pays a launch latency (tpusim estimate, GPU_KERNEL_LAUNCH_S).
 *
 * The layer takes max(tensor-core time, HBM time, CUDA-core time) + launch: the bound says which.
 */
import type { ChipSpec, GpuTilingSpec } from '../arch/chip-spec.js';
import type { Gemm } from '../graph/ops/op.js';
import type { Bound, LayerTime } from './types.js';

/**
 * Time from one kernel's end to the next one's start on the GPU (launch and tail); an estimate of the
 * order NVIDIA's and AMD's profilers show for back-to-back kernels (a few microseconds without CUDA
 * graphs, about one with them). tpusim estimate.
 */
export const GPU_KERNEL_LAUNCH_S = 2e-6;

export interface GpuContext {
  readonly chip: ChipSpec;
  readonly tiling: GpuTilingSpec;
  readonly sms: number;
  /** Tensor-core MACs per SM per cycle in the format. */
  readonly smMacsPerCycle: number;
  /** CUDA-core element operations per cycle over the chip. */
  readonly vectorOpsPerCycle: number;
  readonly hbmBytesPerCycle: number;
  readonly elementBytes: number;
  readonly launchCycles: number;
}

export function gpuContext(chip: ChipSpec, format: string, elementBytes: number): GpuContext {
  const core = chip.cores[0]!;
  const sms = chip.cores.reduce((s, c) => s + c.count, 0);
  const smMacsPerCycle = core.matrixUnits.reduce((s, u) => {
    const f = u.formats.find((x) => x.input === format) ?? u.formats[0]!;
    return s + u.count * u.rows * u.cols * (f.rate ?? 1);
  }, 0);
  return {
    chip,
    tiling: chip.gpuTiling ?? { tileM: 128, tileN: 128, tileK: 32, blocksPerSm: 1 },
    sms,
    smMacsPerCycle,
    vectorOpsPerCycle: chip.cores.reduce((s, c) => s + c.count * c.vectorUnit.lanes * c.vectorUnit.opsPerLanePerCycle, 0),
    hbmBytesPerCycle: chip.offChipMemory.bandwidthBytesPerS / chip.clockHz,
    elementBytes,
    launchCycles: GPU_KERNEL_LAUNCH_S * chip.clockHz,
  };
}

export interface GpuGemmTime {
  readonly computeCycles: number;
  readonly memoryCycles: number;
  readonly hbmBytes: number;
  /** Operand bytes staged through shared memory. */
  readonly sharedBytes: number;
  /** Useful MACs over the MACs the tensor cores spend (tile and wave quantization). */
  readonly efficiency: number;
}

/** A GEMM as thread blocks in waves over the SMs. */
export function gpuGemm(ctx: GpuContext, g: Gemm): GpuGemmTime {
  const { tileM, tileN, tileK, blocksPerSm } = ctx.tiling;
  const m = Math.max(1, Math.ceil(g.m));
  const tilesM = Math.ceil(m / tileM);
  const tilesN = Math.ceil(g.n / tileN);
  const blocks = tilesM * tilesN * g.batch;
  const slots = ctx.sms * blocksPerSm;
  const waves = Math.ceil(blocks / slots);
  const kSteps = Math.ceil(g.k / tileK);
  // A block's k-steps at its share of the SM's tensor cores.
  const blockCycles = (kSteps * tileM * tileN * tileK) / (ctx.smMacsPerCycle / blocksPerSm);
  const computeCycles = waves * blockCycles;
  const e = ctx.elementBytes;
  // Inputs once (parameter weights once for the whole batch), outputs once.
  const aBytes = g.batch * m * g.k * e;
  const bBytes = (g.weightsAreParameters ? 1 : g.batch) * g.k * g.n * e;
  const cBytes = g.batch * m * g.n * e;
  const hbmBytes = aBytes + bBytes + cBytes;
  const sharedBytes = blocks * kSteps * (tileM + tileN) * tileK * e;
  const spent = waves * slots * kSteps * tileM * tileN * tileK;
  return { computeCycles, memoryCycles: hbmBytes / ctx.hbmBytesPerCycle, hbmBytes, sharedBytes, efficiency: (g.batch * m * g.n * g.k) / spent };
}

export interface GpuLayerWork {
  readonly gemms: readonly Gemm[];
  /** Element operations on the CUDA cores. */
  readonly vectorOps: number;
  /** Bytes the layer's non-GEMM kernels read and write in HBM. */
  readonly vectorBytes: number;
  /** Kernels launched (GEMMs with fused epilogues count one each). */
  readonly kernels: number;
}

export interface GpuLayerTime extends LayerTime {
  readonly hbmBytes: number;
  readonly sharedBytes: number;
}

export function gpuLayerTime(ctx: GpuContext, work: GpuLayerWork): GpuLayerTime {
  let matrix = 0;
  let memory = work.vectorBytes / ctx.hbmBytesPerCycle;
  let hbmBytes = work.vectorBytes;
  let sharedBytes = 0;
  let kernelsCycles = 0;
  for (const g of work.gemms) {
    const t = gpuGemm(ctx, g);
    matrix += t.computeCycles;
    memory += t.memoryCycles;
    hbmBytes += t.hbmBytes;
    sharedBytes += t.sharedBytes;
    kernelsCycles += Math.max(t.computeCycles, t.memoryCycles);
  }
  const vector = work.vectorOps / ctx.vectorOpsPerCycle;
  const vectorPart = Math.max(vector, work.vectorBytes / ctx.hbmBytesPerCycle);
  const latency = work.kernels * ctx.launchCycles;
  const cycles = kernelsCycles + vectorPart + latency;
  const parts: Array<{ bound: Bound; cycles: number }> = [
    { bound: 'compute', cycles: matrix },
    { bound: 'memory', cycles: memory },
    { bound: 'vector', cycles: vector },
  ];
  const best = parts.reduce((a, b) => (b.cycles > a.cycles ? b : a));
  return {
    cycles,
    matrixCycles: matrix,
    memoryCycles: memory,
    vectorCycles: vector,
    latencyCycles: latency,
    bound: latency > cycles / 2 ? 'latency' : best.bound,
    hbmBytes,
    sharedBytes,
  };
}
