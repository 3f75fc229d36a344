/**
 * The compiler's intermediate forms after `lower`: symbolic buffers (placed by `allocate`), matrix
 * kernels (tiled by `tile`) and straight-line instructions whose memory operands name a buffer and an
 * offset inside it.
 */
import type { NumberFormatName } from '../core/number-formats.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import type { ActivationFunction, Instruction, MemRef, OutputFormat, PoolKind } from '../isa/types.js';
import type { QuantPlan } from './quantize.js';

export type BufferRole = 'input' | 'output' | 'weights' | 'constant' | 'activation' | 'temp';

export interface BufferSpec {
  readonly id: number;
  /** An assembly identifier. */
  readonly name: string;
  readonly space: 'ub' | 'dram' | 'host';
  readonly format: NumberFormatName;
  readonly elements: number;
  readonly role: BufferRole;
  /** Values (already in `format`) loaded before the run: weights, biases, constants. */
  readonly init?: Float64Array;
  /** Declared shape (inputs, outputs, initialized buffers). */
  readonly shape?: readonly number[];
}

export const bufferBytes = (b: BufferSpec): number => b.elements * NUMBER_FORMATS[b.format].bytes;

/** A memory operand inside a symbolic buffer: `address` is the byte offset from the buffer's start. */
export interface SymRef extends MemRef {
  readonly buffer: number;
}

export function isSymRef(value: unknown): value is SymRef {
  return typeof value === 'object' && value !== null && 'buffer' in value && 'address' in value;
}

export type { RowsOperand } from '../arch/mapping.js';
import type { RowsOperand } from '../arch/mapping.js';

/** The [depth x n] weight operand: k-rows lineStride apart (or, transposed, n-lines lineStride apart). */
export interface WeightOperand {
  readonly buffer: number;
  readonly offset: number;
  readonly lineStride: number;
  readonly transposed: boolean;
}

/** One K-slice of a job: depth contiguous elements of each A row times depth rows of W. */
export interface MatmulPiece {
  readonly a: RowsOperand;
  readonly w: WeightOperand;
  readonly depth: number;
}

/** out[m x n] = epilogue(sum over pieces of A_p W_p). */
export interface MatmulJob {
  readonly m: number;
  readonly n: number;
  readonly pieces: readonly MatmulPiece[];
  /** Output rows (pooled rows when the epilogue pools). */
  readonly out: RowsOperand;
  /** Bias and column scales start at this column of their buffers. */
  readonly column: number;
}

export interface Epilogue {
  readonly fn: ActivationFunction;
  readonly scale: number;
  readonly outScale: number;
  readonly outFormat: OutputFormat;
  readonly bias?: number;
  readonly columnScale?: number;
  /** Pooling over each job's rows as an image `inputWidth` wide (the job covers whole images). */
  readonly pool?: {
    readonly kind: PoolKind;
    readonly height: number;
    readonly width: number;
    readonly stride: number;
    readonly inputWidth: number;
  };
}

export interface MatmulKernel {
  readonly kind: 'matmul';
  readonly layer: string;
  readonly jobs: readonly MatmulJob[];
  readonly epilogue: Epilogue;
}

export interface CodeKernel {
  readonly kind: 'code';
  readonly layer: string;
  readonly instructions: readonly Instruction[];
}

export type Kernel = MatmulKernel | CodeKernel;

/**
 * How a graph input or output maps to a host buffer: values stored in `format`, divided by `scale`, in `perm` order.
 */
export interface IoBinding {
  readonly tensor: string;
  readonly buffer: string;
  /** The graph's (logical) shape. */
  readonly shape: readonly number[];
  /** Host buffer dimension i is logical dimension perm[i] (channels-last images: [0, 2, 3, 1]). */
  readonly perm: readonly number[];
  readonly format: OutputFormat;
  readonly scale: number;
  /** The host fills this input with rows of a table picked by another input (embedding lookup). */
  readonly gather?: { readonly table: string; readonly indices: string; readonly values?: ArrayLike<number> };
}

export interface LoweredProgram {
  readonly buffers: readonly BufferSpec[];
  readonly kernels: readonly Kernel[];
  readonly inputs: readonly IoBinding[];
  readonly outputs: readonly IoBinding[];
  readonly plan: QuantPlan;
}
