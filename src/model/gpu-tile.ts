/**
 * A GEMM kernel's fixed work on each output tile besides its k-steps (gpu.ts times those):
 *
 * - **Pipeline fill (prologue).** Before its first MMA a block waits for the first stage of A and B to
 *   arrive (TMA on Hopper and Blackwell, cp.async before): one round trip to memory. Kernels that run
 *   one block per tile (CUTLASS 2.x, cuBLAS before Hopper, hipBLASLt) pay it on every tile; persistent
 *   kernels (CUTLASS 3's Hopper and Blackwell kernels: one block per SM walks its tiles, its producer
 *   warp loading the next tile's stages while the consumers finish the last) once, at the kernel's
 *   start, which its launch time (GPU_KERNEL_LAUNCH_S) covers.
 * - **Epilogue.** At a tile's end its tileM x tileN fp32 accumulators are converted to the output type,
 *   staged through shared memory and stored: tileM x tileN x output bytes at `epilogueBytesPerCycle`.
 *   Unless the kernel double-buffers its accumulators the tensor cores wait meanwhile: Hopper's
 *   cooperative kernels run the epilogue on the consumer warpgroups that issue the MMAs (only the
 *   ping-pong kernels overlap one warpgroup's epilogue with the other's MMAs); Blackwell's keep two
 *   accumulators in tensor memory and store one from epilogue warps of their own while the MMA warp
 *   fills the other. A second resident block per SM hides an epilogue likewise.
 * - **Store-bound tiles.** An epilogue longer than the tile's k-steps (K of one or two k-steps: the
 *   scores of unfused attention) is taken as exposed for the mainloop's length only: there a library
 *   keeps two tiles in flight per SM (ping-pong, or a second block, which so few stages leave room
 *   for), and HBM's write bandwidth (gpu.ts's memory term) bounds the kernel. An estimate: continuous in
 *   K, and no measured GEMM of tpusim's has K under 1024.
 *
 * Short-K GEMMs feel the epilogue most: 8192 x 8192 x 1024 on H100 is 16 k-steps of a 128 x 256 tile,
 * so an epilogue of about five k-steps' time is a quarter of the kernel; after 8192^3's 128 k-steps it
 * is 4%.
 */
import type { Citation } from '../arch/chip-spec.js';
import { kcite } from './kernel-sources.js';

export interface GemmTileSchedule {
  /** One block per SM walks many tiles: the pipeline fills once per kernel, not once per tile. */
  readonly persistent: boolean;
  /** Seconds from a block's first operand loads to its first MMA: the first stage's round trip to memory. */
  readonly fillS: number;
  /**
   * Output bytes per SM cycle (at the clock the SM runs) of the epilogue: accumulators converted, staged through shared
   * memory, stored.
   */
  readonly epilogueBytesPerCycle: number;
  /**
   * The next tile's mainloop runs under this tile's epilogue (accumulators double-buffered, epilogue warps of their
   * own).
   */
  readonly epilogueOverlapped: boolean;
  /**
   * How many operand stages a block keeps in shared memory, which bounds how fast a thin block can stream
   * (gpu.ts, `pipelineLatencyCycles`): the chip's `weightFifoTiles` (kernels built with a fixed stage
   * count: CUTLASS 2.x, cuBLAS before Hopper, hipBLASLt), as many as fit shared memory (CUTLASS 3's
   * StageCountAuto), or no bound (a matrix engine fed by its own address generators).
   */
  readonly stages: 'chip' | 'fill-shared-memory' | 'unbounded';
}

/**
 * The epilogue's rate on Hopper: the one constant fitted here, to tpusim's own H100 SXM measurements
 * (data/gpu-measured/h100-sxm.json). The 15 s run of bf16 8192^3 GEMMs at the measured 1,335 MHz (671
 * TFLOP/s, `clock`: the one GEMM whose clock is known) needs 11.75 bytes a cycle: 16 waves of 128 k-steps
 * of 1,024 cycles plus about 5,500 cycles a tile. The short bursts of 8192 x 8192 x K, K = 1024, 3584,
 * 8192 and 28672 (the same 16 waves of 128 x 256 tiles, at a clock the runs do not record) agree best at
 * 13.75 on the H100 and 15 on the H200, pulled up by the longest run's lower clock. 64 KiB of bf16 output
 * in about 5,500 cycles is five times what its shared-memory traffic alone takes (in and out at 128 bytes
 * a cycle: 1,024 cycles): the epilogue is bound by latency. CUTLASS's cooperative TMA epilogue stores a
 * 128 x 256 tile as eight 128 x 32 subtiles through two shared-memory buffers
 * (sm90_compute_tile_shape_or_override, StagesD = 2), each converted, written, fenced, synchronized and
 * handed to a bulk store.
 */
const HOPPER_EPILOGUE_BYTES_PER_CYCLE = 12;

/** One round trip of the first stage's loads to HBM before the first MMA. */
const FILL_S = 0.5e-6;

/** What older and non-NVIDIA GEMM libraries do: one block per tile, the epilogue after the mainloop. */
const PER_TILE: GemmTileSchedule = {
  persistent: false,
  fillS: FILL_S,
  epilogueBytesPerCycle: HOPPER_EPILOGUE_BYTES_PER_CYCLE,
  epilogueOverlapped: false,
  stages: 'chip',
};

const FILL = kcite(
  'tpusim',
  '',
  'estimate',
  "one HBM round trip of a TMA or cp.async load, of the order of 0.5 us (Luo et al. 2024 measure Hopper's " +
    'global-memory latency at several hundred cycles; attention-gpu.ts uses the same figure)',
);
const RATE_ASSUMED = kcite(
  'tpusimMeasured',
  'the Hopper fit (data/gpu-measured/h100-sxm.json)',
  'estimate',
  "Hopper's fitted rate assumed: every generation's epilogue stages the tile through shared memory in pieces",
);

const AUTO_STAGES = kcite(
  'cutlassEfficientGemm',
  'CUTLASS 3 collective builders (sm90_builder.inl): StageCountAuto, as many mainloop stages as fit shared memory',
  'estimate',
  "the epilogue's shared-memory carve-out ignored",
);

/** A tile schedule with the citations of its fields. */
export interface GemmTileEntry {
  readonly schedule: GemmTileSchedule;
  readonly citations: Readonly<Record<string, Citation>>;
}

export const GEMM_TILE = {
  perTile: {
    schedule: PER_TILE,
    citations: {
      'gemmTile.persistent': kcite(
        'cutlassEfficientGemm',
        'CUTLASS 2.x kernels: one threadblock per output tile, its prologue and epilogue exposed',
        'estimate',
        'taken for cuBLAS before Hopper and for hipBLASLt',
      ),
      'gemmTile.fillS': FILL,
      'gemmTile.epilogueBytesPerCycle': RATE_ASSUMED,
      'gemmTile.stages': kcite(
        'cutlassEfficientGemm',
        'CUTLASS 2.x kernels: a fixed kStages per configuration (Sm70: 2, Sm80: 3 to 5)',
        'estimate',
        "the chip's weightFifoTiles taken as the stage count of every tile shape the library runs",
      ),
    },
  },
  hopper: {
    schedule: { ...PER_TILE, persistent: true, stages: 'fill-shared-memory' },
    citations: {
      'gemmTile.persistent': kcite(
        'cutlassEfficientGemm',
        'Warp-Specialized Persistent Cooperative: persistent thread blocks, "amortization of the thread-block ' +
          'launch and kernel prologue overheads"',
        'published',
      ),
      'gemmTile.fillS': FILL,
      'gemmTile.epilogueBytesPerCycle': kcite(
        'tpusimMeasured',
        'data/gpu-measured/h100-sxm.json: the 15 s bf16 8192^3 run at 1,335 MHz (671 TFLOP/s), and 8192 x 8192 x ' +
          'K for K = 1024 to 28672 (the time beyond the k-steps at equal tiles and waves)',
        'estimate',
        'fitted to the 8192^3 run at the measured clock: 12 bytes per SM cycle, about 5,500 cycles for a 128 x ' +
          '256 bf16 tile; the K sweep alone gives 13.75 (gpu-tile.ts)',
      ),
      'gemmTile.epilogueOverlapped': kcite(
        'cutlassEfficientGemm',
        'only the Ping-Pong kernel overlaps the epilogue of one consumer warp group with the math of the other; ' +
          'Cooperative splits one tile over both',
        'published',
        "the 128 x 256 tile is the cooperative kernel's",
      ),
      'gemmTile.stages': AUTO_STAGES,
    },
  },
  blackwell: {
    schedule: { ...PER_TILE, persistent: true, epilogueOverlapped: true, stages: 'fill-shared-memory' },
    citations: {
      'gemmTile.persistent': kcite(
        'cutlassSm100Persistent',
        'persistent tile scheduling "to better overlap memory load/store with mma between tiles"',
        'published',
      ),
      'gemmTile.fillS': FILL,
      'gemmTile.epilogueOverlapped': kcite(
        'cutlassSm100Persistent',
        'num_acc_stage = 2: two accumulators in tensor memory; epilogue warps (tcgen05.ld, convert, TMA store) ' +
          'apart from the MMA warp',
        'published',
      ),
      'gemmTile.stages': AUTO_STAGES,
    },
  },
  engine: {
    schedule: { ...PER_TILE, persistent: true, epilogueOverlapped: true, stages: 'unbounded' },
    citations: {
      'gemmTile.persistent': kcite(
        'habanaDocs',
        'Gaudi Architecture: the graph compiler pipelines MME and TPC work',
        'estimate',
        'a matrix engine fed by its own address generators: no per-tile fill beyond the kernel start',
      ),
      'gemmTile.epilogueOverlapped': kcite(
        'habanaDocs',
        'Gaudi Architecture: the MME writes its output tiles while it computes the next',
        'estimate',
      ),
      'gemmTile.stages': kcite(
        'habanaDocs',
        'Gaudi Architecture: the MME reads its operands through its own address generators',
        'estimate',
        'no stage bound on how fast the engine streams K',
      ),
    },
  },
} as const satisfies Record<string, GemmTileEntry>;

/**
 * Nominal cycles of a tile's epilogue: `outputBytes` per element at the schedule's rate, `derate` the SM's clock over
 * nominal.
 */
export function epilogueCycles(
  s: GemmTileSchedule,
  tileM: number,
  tileN: number,
  outputBytes: number,
  derate: number,
): number {
  return (tileM * tileN * outputBytes) / (s.epilogueBytesPerCycle * derate);
}

/**
 * Cycles a block holds its SM for one tile: its k-steps, the part of its epilogue that the next tile's
 * mainloop does not hide (all of it, up to the mainloop's length, unless the accumulators are
 * double-buffered or another block is resident), and its own pipeline fill unless the kernel is persistent.
 */
export function tileCycles(
  s: GemmTileSchedule,
  blocksPerSm: number,
  mainloop: number,
  epilogue: number,
  fill: number,
): number {
  const own = s.persistent ? 0 : fill;
  const exposed = s.epilogueOverlapped || blocksPerSm > 1 ? 0 : Math.min(epilogue, mainloop);
  return own + mainloop + exposed;
}
