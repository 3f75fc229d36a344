/**
 * Time of one layer on a GPU-style chip (tensor cores in SMs, HBM, L2), in closed form, from the
 * mechanisms that decide it:
 *
 * - GEMMs run as thread blocks of tileM x tileN outputs (the chip's `gpuTiling` and smaller tiles,
 *   CUTLASS/cuBLAS style, with split-K for skinny shapes), k in steps of tileK, `blocksPerSm` at a
 *   time on each SM. Partial edge tiles cost whole tiles (tile quantization); blocks run in waves over
 *   the SMs, and a last partial wave leaves SMs idle (wave quantization). Each k-step of a block
 *   feeds (tileM + tileN) x tileK operands from shared memory and multiplies at the SM's tensor-core
 *   rate, both shared by the SM's resident blocks; the slower of the two sets its pace.
 * - A block streams at most `stages - 1` k-steps per memory round trip (`pipelineLatencyCycles`): few thin
 *   blocks walking a long K are bound by latency, not by the tensor cores or HBM's bandwidth.
 * - Each tile also fills its operand pipeline (once per kernel where the kernels are persistent) and
 *   ends with an epilogue that stores its outputs, exposed unless the accumulators are double-buffered
 *   (gpu-tile.ts).
 * - Operands cross HBM at least once per kernel (L2 keeps the rest); element-wise and normalization
 *   layers are separate kernels that read their inputs from and write their outputs to HBM.
 * - Operands whose leading dimensions are not 16-byte aligned leave the library's fast kernels
 *   (gpu-align.ts): narrower loads and, where the fast path needs TMA, the older warp-level MMA.
 * - Matrix and vector work run at the chip's sustained clock where one is known (power capping),
 *   memory at its sustained bandwidth (`gpuClockNote` says which was used).
 * - Each kernel pays a launch latency (tpusim estimate, GPU_KERNEL_LAUNCH_S).
 *
 * The layer takes max(tensor-core time, HBM time, CUDA-core time) + launch: the bound says which.
 */
import type { ChipSpec, GpuTilingSpec } from '../arch/chip-spec.js';
import { coreCount } from '../arch/derive.js';
import type { Gemm } from '../graph/ops/op.js';
import type { PreparedLayer } from './plan.js';
import { accessBytes, stagingFactor } from './gpu-align.js';
import { gpuStackOf, type GpuKernelStack } from './gpu-stack.js';
import { epilogueCycles, tileCycles } from './gpu-tile.js';
import { layerTimeOf, type Bound, type LayerTime } from './types.js';

/**
 * Time from one kernel's end to the next one's start on the GPU (launch and tail), with the first
 * tile's pipeline fill (gpu-tile.ts); an estimate of the order NVIDIA's and AMD's profilers show for
 * back-to-back kernels (a few microseconds without CUDA graphs, about one with them). tpusim estimate.
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
  /** Shared-memory bytes per cycle per SM (operands to the tensor cores). */
  readonly sharedBytesPerCycle: number;
  readonly elementBytes: number;
  readonly launchCycles: number;
  /** What the vendor libraries do on this chip (alignment, fallback MMA, special functions, attention kernels). */
  readonly stack: GpuKernelStack;
  /** Sustained over nominal clock (1 where no sustained clock is known): every per-cycle rate here is scaled by it. */
  readonly derate: number;
  /** exp2 results per SM per (nominal) cycle. */
  readonly sfuPerSmCycle: number;
  /** FP32 instruction lanes per SM per (nominal) cycle (one add, multiply, max or FMA each). */
  readonly fp32LanesPerSm: number;
  /** The format is an fp8 one (its GEMMs may promote partial sums on the CUDA cores). */
  readonly fp8: boolean;
}

export function gpuContext(chip: ChipSpec, format: string, elementBytes: number): GpuContext {
  const core = chip.cores[0]!;
  const sms = coreCount(chip);
  // Work runs at the sustained clock where one is measured; cycles here count the nominal clock.
  const derate = Math.min(1, (chip.technology?.sustainedClockHz ?? chip.clockHz) / chip.clockHz);
  const smMacsPerCycle =
    derate *
    core.matrixUnits.reduce((s, u) => {
      const f = u.formats.find((x) => x.input === format) ?? u.formats[0]!;
      return s + u.count * u.rows * u.cols * (f.rate ?? 1);
    }, 0);
  const stack = gpuStackOf(chip);
  return {
    chip,
    tiling: chip.gpuTiling ?? { tileM: 128, tileN: 128, tileK: 32, blocksPerSm: 1 },
    sms,
    smMacsPerCycle,
    vectorOpsPerCycle:
      derate * chip.cores.reduce((s, c) => s + c.count * c.vectorUnit.lanes * c.vectorUnit.opsPerLanePerCycle, 0),
    // Memory at what a streaming copy reaches where measured, else the published bandwidth.
    hbmBytesPerCycle:
      (chip.offChipMemory.sustainedBandwidthBytesPerS ?? chip.offChipMemory.bandwidthBytesPerS) / chip.clockHz,
    sharedBytesPerCycle: (derate * core.unifiedBuffer.bandwidthBytesPerS) / chip.clockHz,
    elementBytes,
    launchCycles: GPU_KERNEL_LAUNCH_S * chip.clockHz,
    stack,
    derate,
    sfuPerSmCycle: derate * stack.sfuPerSmPerCycle,
    fp32LanesPerSm: derate * core.vectorUnit.lanes,
    fp8: format.startsWith('fp8'),
  };
}

/** Which clock and memory bandwidth a tensor-core chip's work is timed at, for reports. */
export function gpuClockNote(chip: ChipSpec): string {
  const sustained = chip.technology?.sustainedClockHz;
  const status = chip.citations?.['technology.sustainedClockHz']?.status;
  const memory = chip.offChipMemory.sustainedBandwidthBytesPerS;
  const bandwidth =
    memory !== undefined
      ? `memory at the sustained ${(memory / 1e12).toFixed(2)} TB/s`
      : `memory at the published ${(chip.offChipMemory.bandwidthBytesPerS / 1e12).toFixed(2)} TB/s`;
  const clock =
    sustained !== undefined && sustained < chip.clockHz
      ? `matrix and vector work timed at the sustained clock ${(sustained / 1e6).toFixed(0)} MHz (` +
        `${status ?? 'unsourced'}) of the ${(chip.clockHz / 1e6).toFixed(0)} MHz of the published peaks`
      : `matrix and vector work timed at the ${(chip.clockHz / 1e6).toFixed(0)} MHz of the published peaks: no ` +
        `sustained clock is known, compute-bound times are optimistic`;
  return `${clock}; ${bandwidth}`;
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

/**
 * A GEMM as thread blocks in waves over the SMs. GEMM libraries pick a kernel per shape (cuBLAS's
 * heuristics): here the fastest of the chip's tile, its halves and a 64 x 64 tile, each with K split
 * 1, 2, 4, 8 or 16 ways (split-K, fp32 partial sums written and read back) while the blocks alone
 * would leave SMs idle. Operands not 16-byte aligned (gpu-align.ts) stage more slowly and, on chips
 * whose fast kernels need TMA, multiply at the warp-level MMA's rate. fp8 GEMMs without
 * `fp8FastAccumulation` promote partial sums on the CUDA cores where the chip's stack does (Hopper).
 * Each tile adds its epilogue and, without persistent kernels, its pipeline fill (gpu-tile.ts).
 */
export function gpuGemm(ctx: GpuContext, g: Gemm, fp8FastAccumulation = false): GpuGemmTime {
  const { tileM: tm0, tileN: tn0, tileK, blocksPerSm } = ctx.tiling;
  const m = Math.max(1, Math.ceil(g.m));
  const e = ctx.elementBytes;
  const slots = ctx.sms * blocksPerSm;
  const { stepCycles, kTotal } = kStepOf(ctx, g, fp8FastAccumulation);
  const schedule = ctx.stack.gemmTile;
  const fill = schedule.fillS * ctx.chip.clockHz;
  // Results are at least 16-bit: fp8 and int8 GEMMs as frameworks run them write bf16 or fp16.
  const outBytes = Math.max(2, e);
  const baseBytes =
    g.batch * m * g.k * e + (g.weightsAreParameters ? 1 : g.batch) * g.k * g.n * e + g.batch * m * g.n * outBytes;
  let best = { time: Infinity, compute: 0, bytes: 0, shared: 0, spent: 1 };
  // With many waves of full tiles, wave quantization costs little and smaller tiles cannot win.
  const fullTiles = Math.ceil(m / tm0) * Math.ceil(g.n / tn0) * g.batch;
  const candidates = fullTiles >= 8 * slots ? 1 : 4;
  for (let candidate = 0; candidate < candidates; candidate++) {
    const tileM = candidate === 0 ? tm0 : candidate === 3 ? 64 : Math.max(16, tm0 / 2);
    const tileN = candidate <= 1 ? tn0 : candidate === 3 ? 64 : Math.max(16, tn0 / 2);
    const tiles = Math.ceil(m / tileM) * Math.ceil(g.n / tileN) * g.batch;
    const step = stepCycles(tileM, tileN);
    for (let splitK = 1; splitK <= 16 && splitK <= kTotal; splitK *= 2) {
      const blocks = tiles * splitK;
      const waves = Math.ceil(blocks / slots);
      const kSteps = Math.ceil(kTotal / splitK);
      // A tile stores only its rows and columns inside C; split-K blocks store fp32 partial sums.
      const epilogue = epilogueCycles(
        schedule,
        Math.min(tileM, m),
        Math.min(tileN, g.n),
        splitK > 1 ? 4 : outBytes,
        ctx.derate,
      );
      // The first wave's fill is part of the kernel's launch; later tiles fill their own pipelines unless persistent.
      const compute =
        waves * tileCycles(schedule, blocksPerSm, kSteps * step, epilogue, fill) - (schedule.persistent ? 0 : fill);
      const bytes = baseBytes + (splitK > 1 ? 2 * splitK * g.batch * m * g.n * 4 : 0);
      const time = Math.max(compute, bytes / ctx.hbmBytesPerCycle);
      if (time < best.time)
        best = {
          time,
          compute,
          bytes,
          shared: blocks * kSteps * (tileM + tileN) * tileK * e,
          spent: waves * slots * kSteps * tileM * tileN * tileK,
        };
      // More splits only help while the blocks leave SMs idle.
      if (blocks >= slots) break;
    }
  }
  return {
    computeCycles: best.compute,
    memoryCycles: best.bytes / ctx.hbmBytesPerCycle,
    hbmBytes: best.bytes,
    sharedBytes: best.shared,
    efficiency: (g.batch * m * g.n * g.k) / best.spent,
  };
}

/**
 * Cycles of one k-step of a tileM x tileN block (the block's share of the SM's tensor cores, or of its
 * shared-memory bandwidth to feed them, whichever is slower) and the k-steps of the whole of K.
 * Misaligned operands run on the CUDA cores (packed half-precision FMAs: as many MACs per cycle as the
 * vector unit counts ops, operands loaded element by element as such kernels always do), or on the
 * tensor cores with narrow loads and, where the fast path is TMA's, the warp-level MMA.
 */
function kStepOf(
  ctx: GpuContext,
  g: Gemm,
  fp8FastAccumulation: boolean,
): { stepCycles: (tileM: number, tileN: number) => number; kTotal: number } {
  const { tileK, blocksPerSm } = ctx.tiling;
  const e = ctx.elementBytes;
  const align = ctx.stack.alignmentBytes;
  const aAccess = accessBytes(g.k, e);
  const bAccess = accessBytes(g.n, e);
  const fast = aAccess >= align && bAccess >= align;
  const simt = Math.min(aAccess, bAccess) < ctx.stack.cudaCoresBelowBytes;
  const aStaging = simt ? 1 : stagingFactor(aAccess, align);
  const bStaging = simt ? 1 : stagingFactor(bAccess, align);
  const mmaFraction = fast || !ctx.stack.asyncMma ? 1 : ctx.stack.legacyMmaFraction;
  const macsPerBlockCycle = (simt ? ctx.vectorOpsPerCycle / ctx.sms : mmaFraction * ctx.smMacsPerCycle) / blocksPerSm;
  const { fp8PromotionK, fp8PromotionExposed } = ctx.stack;
  // Exposed fp32 adds per output element per k-step (promotion of the tensor cores' partial sums).
  const promotion =
    ctx.fp8 && !fp8FastAccumulation && fp8PromotionK > 0
      ? (fp8PromotionExposed * tileK) / fp8PromotionK / (ctx.fp32LanesPerSm / blocksPerSm)
      : 0;
  const sharedPerBlockCycle = ctx.sharedBytesPerCycle / blocksPerSm;
  const stepCycles = (tileM: number, tileN: number): number =>
    Math.max(
      (tileM * tileN * tileK) / macsPerBlockCycle + tileM * tileN * promotion,
      ((tileM * aStaging + tileN * bStaging) * tileK * e) / sharedPerBlockCycle,
      pipelineLatencyCycles(ctx, tileM, tileN),
    );
  return { stepCycles, kTotal: Math.ceil(g.k / tileK) };
}

/**
 * The fewest nominal cycles a tileM x tileN block's k-step takes however little it computes: a stage's
 * operands are requested one memory round trip (the schedule's `fillS`) before they are used, and only
 * `stages - 1` stages are in flight while one is consumed (Little's law), so a block streams at most
 * stages - 1 k-steps per round trip. The stage count is the chip's (`weightFifoTiles`) in libraries that
 * fix it, as many as fit shared memory in CUTLASS 3's (`gemmTile.stages`). Binds when few, thin blocks
 * walk a long K (N = 16 GEMMs on V100: 0.5 us a k-step with two stages); a full tile's MMAs outlast it.
 */
export function pipelineLatencyCycles(ctx: GpuContext, tileM: number, tileN: number): number {
  const schedule = ctx.stack.gemmTile;
  if (schedule.stages === 'unbounded') return 0;
  const core = ctx.chip.cores[0]!;
  const fixed = core.matrixUnits[0]!.weightFifoTiles;
  const stageBytes = (tileM + tileN) * ctx.tiling.tileK * ctx.elementBytes;
  const stages =
    schedule.stages === 'chip' ? fixed : Math.max(fixed, Math.floor(core.unifiedBuffer.sizeBytes / stageBytes));
  return (schedule.fillS * ctx.chip.clockHz) / Math.max(1, stages - 1);
}

/** offChipBytes: HBM traffic; onChipBytes: operands staged through shared memory. A matrix layer runs its
 * GEMMs (epilogues fused); any other layer is one kernel of element operations reading and writing HBM. */
export function gpuLayerTime(ctx: GpuContext, layer: PreparedLayer): LayerTime {
  let matrix = 0;
  let memory = 0;
  let hbmBytes = 0;
  let sharedBytes = 0;
  let busy = 0;
  let vector = 0;
  if (layer.matrix) {
    for (const g of layer.gemms) {
      const t = gpuGemm(ctx, g);
      matrix += t.computeCycles;
      memory += t.memoryCycles;
      hbmBytes += t.hbmBytes;
      sharedBytes += t.sharedBytes;
      busy += Math.max(t.computeCycles, t.memoryCycles);
    }
  } else if (layer.kernels > 0) {
    hbmBytes = layer.activationElements * ctx.elementBytes;
    memory = hbmBytes / ctx.hbmBytesPerCycle;
    vector = layer.vectorOps / ctx.vectorOpsPerCycle;
    busy = Math.max(vector, memory);
  }
  const latency = layer.kernels * ctx.launchCycles;
  const cycles = busy + latency;
  const bound: Bound =
    latency > cycles / 2
      ? 'latency'
      : matrix >= memory && matrix >= vector
        ? 'compute'
        : memory >= vector
          ? 'memory'
          : 'vector';
  return layerTimeOf(cycles, matrix, memory, vector, latency, bound, hbmBytes, sharedBytes);
}
