/**
 * The tpusim instruction set, modelled on the TPU v1's CISC instructions (Jouppi et al., ISCA 2017,
 * section 2: Read_Host_Memory, Read_Weights, MatrixMultiply/Convolve, Activate, Write_Host_Memory,
 * synchronization, nop, halt) and extended for HBM chips with several cores and matrix units: DMA
 * between any two memories, vector operations, and a core / matrix-unit target per instruction.
 *
 * A program is plain JSON: declared buffers (named address ranges, optionally typed and shaped so
 * tensors can be loaded and saved) and a list of instructions. Addresses are bytes, except that the
 * accumulators are addressed by row (one row holds one result per matrix-unit column).
 */
import type { NumberFormatName } from '../core/number-formats.js';

/** Byte-addressed memories. `ub` is a core's unified buffer (TPU v1) or vector memory (TPU v2+). */
export const MEMORY_SPACES = ['host', 'dram', 'ub', 'cmem'] as const;
export type MemorySpace = (typeof MEMORY_SPACES)[number];

export interface MemRef {
  readonly space: MemorySpace;
  readonly address: number;
}

export interface BufferDecl {
  readonly name: string;
  readonly space: MemorySpace;
  readonly address: number;
  readonly bytes: number;
  /** Element type and shape, for tensors loaded from or saved to .npy files. */
  readonly dtype?: NumberFormatName;
  readonly shape?: readonly number[];
  /** Saved after the run. */
  readonly output?: boolean;
  /** The core whose unified buffer holds it (ub only). */
  readonly core?: number;
}

/** gelu_tanh (appended, so earlier encodings keep their values) is GPT-2's tanh approximation. */
export const ACTIVATION_FUNCTIONS = ['identity', 'relu', 'relu6', 'sigmoid', 'tanh', 'gelu', 'gelu_tanh'] as const;
export type ActivationFunction = (typeof ACTIVATION_FUNCTIONS)[number];

export const POOL_KINDS = ['max', 'avg'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];

export const VECTOR_OPS = [
  'add',
  'sub',
  'mul',
  'max',
  'min',
  'copy',
  'scale',
  'relu',
  'gelu',
  'tanh',
  'sigmoid',
  'exp',
  'reduce_sum',
  'reduce_max',
  'softmax',
  'layernorm',
  'rmsnorm',
  // Appended, so the binary encoding of the ones above keeps its values.
  'div',
  'silu',
  'erf',
  'sqrt',
  'reciprocal',
  'neg',
  'abs',
  'reduce_mean',
  'softmax_causal',
  'gelu_tanh',
] as const;
export type VectorOp = (typeof VECTOR_OPS)[number];

/** Formats an activation or vector result can be written in. */
export const OUTPUT_FORMATS = [
  'int8',
  'uint8',
  'int16',
  'int32',
  'bf16',
  'fp16',
  'fp8-e4m3',
  'fp8-e5m2',
  'fp32',
] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number] & NumberFormatName;

/**
 * Copy `rows` blocks of `bytes` from `src` to `dst` (Read_Host_Memory and Write_Host_Memory are DMAs
 * with the host): block i goes from src + i x srcStrideBytes to dst + i x dstStrideBytes (0: packed).
 */
export interface DmaInstruction {
  readonly op: 'dma';
  readonly dst: MemRef;
  readonly src: MemRef;
  readonly bytes: number;
  readonly rows: number;
  readonly srcStrideBytes: number;
  readonly dstStrideBytes: number;
  /** The core whose unified buffer a `ub` operand names. */
  readonly core: number;
}

/** Fetch a rows x cols weight tile (row-major, rows `strideBytes` apart) into a matrix unit's weight FIFO. */
export interface ReadWeightsInstruction {
  readonly op: 'read_weights';
  readonly src: MemRef;
  readonly rows: number;
  readonly cols: number;
  /** 0 means rows are packed (cols elements apart). */
  readonly strideBytes: number;
  /** Load the tile transposed: `src` holds cols x rows. */
  readonly transpose: boolean;
  readonly core: number;
  readonly mxu: number;
}

/**
 * Multiply `rows` input vectors of `depth` elements from the unified buffer by the weight tile at the
 * head of the FIFO, into accumulator rows accRow.. (overwrite, or add with `accumulate`); `pop`
 * releases the tile afterwards. Input vector r starts at src + (r % groupRows) * rowStrideBytes +
 * floor(r / groupRows) * groupStrideBytes: two dimensions, as the TPU's Convolve needs.
 */
export interface MatmulInstruction {
  readonly op: 'matmul';
  readonly accRow: number;
  readonly src: MemRef;
  readonly rows: number;
  readonly depth: number;
  /** 0 means packed (depth elements apart). */
  readonly rowStrideBytes: number;
  /** 0 means one group of all rows. */
  readonly groupRows: number;
  readonly groupStrideBytes: number;
  readonly accumulate: boolean;
  readonly pop: boolean;
  readonly core: number;
  readonly mxu: number;
}

/**
 * Read `rows` accumulator rows of `cols` values, add a per-column bias (optional, in the accumulator
 * format), compute fn(value x scale x columnScale) (columnScale optional, fp32 per column), optionally
 * pool, and write the results divided by outScale, rounded to `outFormat`, to the unified buffer. With
 * pooling the accumulator rows form an image `poolInputWidth` rows wide, and each output row is the max
 * or mean of a poolHeight x poolWidth window moved by poolStride. Output row o goes to
 * dst + (o % groupRows) x rowStrideBytes + floor(o / groupRows) x groupStrideBytes.
 */
export interface ActivateInstruction {
  readonly op: 'activate';
  readonly dst: MemRef;
  readonly accRow: number;
  readonly rows: number;
  readonly cols: number;
  readonly fn: ActivationFunction;
  readonly scale: number;
  readonly outScale: number;
  readonly outFormat: OutputFormat;
  /** cols values in the accumulator format (int32 for integer matrix units, else fp32). */
  readonly bias?: MemRef;
  /** cols fp32 factors (per-channel requantization). */
  readonly columnScale?: MemRef;
  /** 0 means packed. */
  readonly rowStrideBytes: number;
  /** 0 means one group of all rows. */
  readonly groupRows: number;
  readonly groupStrideBytes: number;
  readonly pool: PoolKind | 'none';
  readonly poolHeight: number;
  readonly poolWidth: number;
  readonly poolStride: number;
  readonly poolInputWidth: number;
  readonly core: number;
}

/**
 * Element-wise, broadcast or row-wise math on the vector unit over a rows x cols block read in `dtype`
 * and written in `outFormat`. Binary ops read src2 (`broadcast`: one row of cols values, applied to
 * every row). Inputs are multiplied by srcScale / src2Scale and results divided by outScale (fp32), so
 * quantized tensors with different scales can be combined.
 */
export interface VectorInstruction {
  readonly op: 'vector';
  readonly vop: VectorOp;
  readonly dst: MemRef;
  readonly src: MemRef;
  readonly src2?: MemRef;
  readonly rows: number;
  readonly cols: number;
  readonly dtype: OutputFormat;
  readonly outFormat: OutputFormat;
  readonly broadcast: boolean;
  /** scale: the factor; layernorm and rmsnorm: epsilon. */
  readonly imm: number;
  readonly srcScale: number;
  readonly src2Scale: number;
  readonly outScale: number;
  readonly core: number;
}

/** Write `value` (in `dtype`) to rows x cols elements, rows rowStrideBytes apart (0: packed). */
export interface FillInstruction {
  readonly op: 'fill';
  readonly dst: MemRef;
  readonly rows: number;
  readonly cols: number;
  readonly value: number;
  readonly dtype: OutputFormat;
  readonly rowStrideBytes: number;
  readonly core: number;
}

/**
 * Max or average pooling on the vector unit over an image stored channels-last (height x width x
 * channels, packed) at src: each output pixel is the max or mean of a kernelHeight x kernelWidth window
 * moved by `stride`, written channels-last to dst with output rows (outWidth x channels values)
 * rowStrideBytes apart (0: packed). Padding is the compiler's: it pools a padded copy.
 */
export interface PoolInstruction {
  readonly op: 'pool';
  readonly dst: MemRef;
  readonly src: MemRef;
  readonly kind: PoolKind;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly stride: number;
  readonly dtype: OutputFormat;
  readonly rowStrideBytes: number;
  readonly core: number;
}

/** Wait until every earlier instruction (or the one at `label`) has completed. */
export interface SyncInstruction {
  readonly op: 'sync';
  readonly label?: string;
}

export interface NopInstruction {
  readonly op: 'nop';
  readonly cycles: number;
}

export interface HaltInstruction {
  readonly op: 'halt';
}

export type Instruction =
  | DmaInstruction
  | ReadWeightsInstruction
  | MatmulInstruction
  | ActivateInstruction
  | VectorInstruction
  | FillInstruction
  | PoolInstruction
  | SyncInstruction
  | NopInstruction
  | HaltInstruction;

export type Opcode = Instruction['op'];

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface BufferInit {
  readonly buffer: string;
  readonly file: string;
}

export interface Program {
  readonly schemaVersion: 1;
  /** The chip the program was written for (`.chip`), a default for running it. */
  readonly chip?: string;
  /** Input format of the matrix units (the default is the chip's). */
  readonly dtype?: NumberFormatName;
  readonly buffers: readonly BufferDecl[];
  /** Label name -> index of the instruction it precedes. */
  readonly labels: Readonly<Record<string, number>>;
  readonly instructions: readonly Instruction[];
  /** Buffers filled from .npy files before the run (`.init NAME "FILE"`; paths relative to the program). */
  readonly init?: readonly BufferInit[];
  /** Where each instruction came from, when assembled from text. */
  readonly source?: readonly SourceLocation[];
}
