/**
 * `ChipSpec`: a TPU-style chip as readonly plain JSON. Every quantity carries its unit in its name.
 * Presets cite a source for every number in `citations` (keyed by the field's path).
 */
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

export interface MatrixFormatSpec {
  readonly input: MatrixInputFormat;
  /** int inputs accumulate in int32 (wrapping), float inputs in fp32. */
  readonly accumulator: 'int32' | 'fp32';
}

export interface MatrixUnitSpec {
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
  /** Matrix-unit result storage (TPU v1: 4 MiB of 32-bit accumulators). */
  readonly accumulators: MemorySpec;
}

export interface OffChipMemorySpec {
  /** e.g. `DDR3`, `HBM2`. */
  readonly kind: string;
  readonly capacityBytes: number;
  readonly bandwidthBytesPerS: number;
  readonly latencyNs: number;
}

export interface LinkSpec {
  readonly kind: string;
  /** Per direction. */
  readonly bandwidthBytesPerS: number;
  readonly latencyNs: number;
}

export interface ChipLinksSpec {
  readonly kind: string;
  readonly count: number;
  /** Per link, per direction. */
  readonly bandwidthBytesPerSPerLink: number;
}

export interface TechnologySpec {
  readonly processNm: number;
  /** Published die area or bound, where known. */
  readonly dieAreaMm2?: number;
  readonly tdpW?: number;
}

export type CitationStatus = 'published' | 'derived' | 'estimate';

export interface Citation {
  /** Key into `sources`. */
  readonly source: string;
  /** Table, section or page. */
  readonly where?: string;
  readonly status: CitationStatus;
  readonly note?: string;
}

export interface ChipSpec {
  readonly schemaVersion: number;
  readonly name: string;
  readonly description?: string;
  readonly clockHz: number;
  readonly cores: readonly CoreSpec[];
  /** Memory shared by all cores, e.g. TPU v4's 128 MiB CMEM. */
  readonly sharedMemory?: MemorySpec;
  readonly offChipMemory: OffChipMemorySpec;
  readonly hostLink: LinkSpec;
  readonly chipLinks?: ChipLinksSpec;
  readonly technology?: TechnologySpec;
  /** Reference list: key -> full citation. */
  readonly sources?: Readonly<Record<string, string>>;
  /** Field path (`cores[0].matrixUnits[0].rows`) -> where the number comes from. */
  readonly citations?: Readonly<Record<string, Citation>>;
}
