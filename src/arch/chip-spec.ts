/**
 * `ChipSpec`: a TPU-style chip as readonly plain JSON. Every quantity carries its unit in its name.
 * Presets cite a source for every number in `citations` (keyed by the field's path).
 */
import type { Citation } from '../core/citations.js';
import type { NumberFormatName } from '../core/number-formats.js';

export const CHIP_SCHEMA_VERSION = 1;

/** Weight-, output- or input-stationary: which operand stays in the array while the others stream. */
export const DATAFLOWS = ['ws', 'os', 'is'] as const;
export type Dataflow = (typeof DATAFLOWS)[number];

export const DATAFLOW_NAMES: Readonly<Record<Dataflow, string>> = {
  ws: 'weight-stationary',
  os: 'output-stationary',
  is: 'input-stationary',
};

/** Input formats a matrix unit can multiply exactly into its accumulator (products exact in the accumulator). */
export const MATRIX_INPUT_FORMATS = ['int8', 'uint8', 'int16', 'bf16', 'fp16', 'fp8-e4m3', 'fp8-e5m2'] as const;
export type MatrixInputFormat = (typeof MATRIX_INPUT_FORMATS)[number] & NumberFormatName;

/**
 * The format the models time matrix work in (`--dtype`, `EstimateOptions.dtype`, `TrainingOptions.dtype`):
 * one a matrix unit multiplies. Text from users becomes one through `isDType` (arch/validate.ts).
 */
export type DType = MatrixInputFormat;

export interface MatrixFormatSpec {
  readonly input: MatrixInputFormat;
  /** int inputs accumulate in int32 (wrapping), float inputs in fp32. */
  readonly accumulator: 'int32' | 'fp32';
  /**
   * MACs per cell per cycle in this format relative to rows x cols (default 1): 2 where a unit does
   * twice as many fp8 as bf16 MACs (H100), 0.25 where 16-bit x 16-bit runs at quarter rate (TPU v1).
   */
  readonly rate?: number;
}

/**
 * A TPU's matrix unit is a systolic array ('systolic': weights stay, activations stream in skewed, fill
 * and drain visible in time). A GPU's tensor core ('tensor-core') is a small matrix engine fed from
 * registers: rows x cols MACs per cycle with no fill or drain of its own; its efficiency comes from
 * how GEMMs tile across the chip (see `GpuTilingSpec`).
 */
export const MATRIX_UNIT_KINDS = ['systolic', 'tensor-core'] as const;
export type MatrixUnitKind = (typeof MATRIX_UNIT_KINDS)[number];

export interface MatrixUnitSpec {
  /** Default 'systolic'. */
  readonly kind?: MatrixUnitKind;
  /** Identical units in one core. */
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** Dataflows this unit supports; the first is the default. */
  readonly dataflows: readonly Dataflow[];
  /** Input/accumulator formats; the first is the default. */
  readonly formats: readonly MatrixFormatSpec[];
  /** Whether the next stationary tile loads while the current one computes (TPU double buffering). */
  readonly doubleBufferedWeights: boolean;
  /** Depth of the weight FIFO that feeds the unit, in tiles. */
  readonly weightFifoTiles: number;
  /**
   * Systolic units: products summed by one multi-input float adder before they join the partial sum (TPU v4i's MXU
   * sums groups of four). Default 1: each cell adds its own product. Prices area and power; timing and numbers are
   * unchanged. A tensor core's dot-product width is the cost book's `area.dotProductWidth`.
   */
  readonly productsPerAdder?: number;
}

export interface MemorySpec {
  readonly sizeBytes: number;
  readonly bandwidthBytesPerS: number;
}

export interface VectorUnitSpec {
  readonly lanes: number;
  readonly opsPerLanePerCycle: number;
}

export interface CoreSpec {
  /** Identical cores of this kind on the chip. */
  readonly count: number;
  readonly name?: string;
  readonly matrixUnits: readonly MatrixUnitSpec[];
  readonly vectorUnit: VectorUnitSpec;
  /** Activation memory: TPU v1's Unified Buffer, TPU v2+'s vector memory (VMEM). */
  readonly unifiedBuffer: MemorySpec;
  /** Matrix-unit result storage (TPU v1: 4 MiB of 32-bit accumulators; a GPU SM: its register file). */
  readonly accumulators: MemorySpec;
  /** A GPU SM's register file, where tensor-core operands and results live (bytes). */
  readonly registerFileBytes?: number;
}

/**
 * How GEMM libraries cut work on a GPU (CUTLASS/cuBLAS-style): each thread block computes an
 * m x n output tile, k at a time, on one SM; tiles run in waves of (SMs x blocksPerSm).
 */
export interface GpuTilingSpec {
  readonly tileM: number;
  readonly tileN: number;
  readonly tileK: number;
  /** Thread blocks resident per SM at once. */
  readonly blocksPerSm: number;
}

export interface OffChipMemorySpec {
  /** e.g. `DDR3`, `HBM2`. */
  readonly kind: string;
  readonly capacityBytes: number;
  readonly bandwidthBytesPerS: number;
  /**
   * What a streaming copy reaches (reads plus writes per second), where measured. Tensor-core chips'
   * memory-bound work, and systolic chips' element-wise passes and attention kernels in the kernel-level
   * model (model/gemm.ts streamSeconds, model/attention-tpu.ts), are timed at it; rooflines, ridge
   * points, systolic GEMMs and the simulator keep the published bandwidth.
   */
  readonly sustainedBandwidthBytesPerS?: number;
  readonly latencyNs: number;
}

export interface LinkSpec {
  readonly kind: string;
  /** Per direction. */
  readonly bandwidthBytesPerS: number;
  readonly latencyNs: number;
  /**
   * What the chip's copy (DMA) engines sustain over the link for large copies, per direction, where measured; a copy
   * of many blocks (a KV prefix restored from host memory, cluster/serve-kv.ts) is timed at it, capped at the link's
   * `bandwidthBytesPerS` (the rate when absent).
   */
  readonly sustainedBandwidthBytesPerS?: number;
  /**
   * The fixed cost of one DMA copy (one block) over the link, where measured: a copy of b bytes takes
   * `dmaSetupNs` + b / sustained bandwidth, so small blocks reach less of the rate. Absent: 0.
   */
  readonly dmaSetupNs?: number;
}

export interface ChipLinksSpec {
  readonly kind: string;
  readonly count: number;
  /** Per link, per direction. */
  readonly bandwidthBytesPerSPerLink: number;
}

export interface TechnologySpec {
  /** Process node, where published (Google does not publish TPU v5e, v5p, v6e or TPU7x's). */
  readonly processNm?: number;
  /** Published die area or bound, where known. */
  readonly dieAreaMm2?: number;
  readonly tdpW?: number;
  /** Measured power of the chip at idle (its static power), where published. */
  readonly idleW?: number;
  /**
   * The clock the chip holds under sustained matrix work (power or thermal capping): measured, or derived
   * from a published achieved dense-GEMM rate (achieved / peak x clockHz, which also folds in kernel
   * losses), or estimated; its citation says which. Tensor-core chips' matrix and vector work is timed at
   * it (memory at its own bandwidth). Systolic chips' GEMMs in the kernel-level model (model/gemm.ts, what
   * the cluster model uses) run at it; everything else on them (attention kernels, whose matrix units idle
   * during the softmax, vector work, estimateGraph and the simulator) at clockHz.
   */
  readonly sustainedClockHz?: number;
}

/** Where each number comes from: one citation type and status scale for every layer (core/citations.ts). */
export type { Citation, CitationStatus } from '../core/citations.js';

export interface ChipSpec {
  readonly schemaVersion: number;
  readonly name: string;
  readonly description?: string;
  readonly clockHz: number;
  readonly cores: readonly CoreSpec[];
  /** Memory shared by all cores: TPU v4's 128 MiB CMEM, a GPU's L2 cache. */
  readonly sharedMemory?: MemorySpec;
  /** GPU-style chips: how GEMMs tile over the cores (SMs). */
  readonly gpuTiling?: GpuTilingSpec;
  readonly offChipMemory: OffChipMemorySpec;
  readonly hostLink: LinkSpec;
  readonly chipLinks?: ChipLinksSpec;
  readonly technology?: TechnologySpec;
  /** Reference list: key -> full citation. */
  readonly sources?: Readonly<Record<string, string>>;
  /** Field path (`cores[0].matrixUnits[0].rows`) -> where the number comes from. */
  readonly citations?: Readonly<Record<string, Citation>>;
}
