/**
 * Instruction geometry: the byte extents of strided row layouts and the output shapes of the
 * instructions that change shape (pooling, reductions), shared by the registry, validation and the
 * simulator.
 */
import type { ActivateInstruction, DmaInstruction, PoolInstruction, VectorInstruction } from './types.js';

/** The byte range covered by `rows` vectors of `width` bytes laid out with a row stride and grouping. */
export function stridedExtent(
  rows: number,
  widthBytes: number,
  rowStrideBytes: number,
  groupRows: number,
  groupStrideBytes: number,
): number {
  if (rows < 1) return 0;
  const stride = rowStrideBytes || widthBytes;
  const perGroup = groupRows || rows;
  const groups = Math.ceil(rows / perGroup);
  const lastGroupRows = rows - (groups - 1) * perGroup;
  const lastGroupEnd = (groups - 1) * groupStrideBytes + (lastGroupRows - 1) * stride + widthBytes;
  const fullGroupEnd = groups > 1 ? (groups - 2) * groupStrideBytes + (perGroup - 1) * stride + widthBytes : 0;
  return Math.max(lastGroupEnd, fullGroupEnd);
}

/** Byte offset of vector `row` in that layout: (row mod groupRows) x stride + floor(row / groupRows) x groupStride. */
export function stridedRowOffset(
  row: number,
  widthBytes: number,
  rowStrideBytes: number,
  groupRows: number,
  groupStrideBytes: number,
): number {
  const group = groupRows || Number.POSITIVE_INFINITY;
  return (row % group) * (rowStrideBytes || widthBytes) + Math.floor(row / group) * groupStrideBytes;
}

/** Bytes a DMA moves: `rows` blocks of `bytes`. */
export function dmaBytes(d: DmaInstruction): number {
  return d.rows * d.bytes;
}

/** Output rows of an activate (fewer when it pools). */
export function activateOutputRows(a: ActivateInstruction): number {
  if (a.pool === 'none') return a.rows;
  const inputHeight = Math.floor(a.rows / a.poolInputWidth);
  const outHeight = Math.floor((inputHeight - a.poolHeight) / a.poolStride) + 1;
  const outWidth = Math.floor((a.poolInputWidth - a.poolWidth) / a.poolStride) + 1;
  return outHeight * outWidth;
}

/** Output image of a pool instruction (0 x 0 when the window does not fit or the stride is below 1). */
export function poolOutputShape(p: PoolInstruction): { height: number; width: number } {
  if (p.stride < 1 || p.kernelHeight > p.height || p.kernelWidth > p.width) return { height: 0, width: 0 };
  return {
    height: Math.floor((p.height - p.kernelHeight) / p.stride) + 1,
    width: Math.floor((p.width - p.kernelWidth) / p.stride) + 1,
  };
}

/** Vector ops that read a second operand (src2). */
export const BINARY_VECTOR_OPS: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'max', 'min', 'div']);
/** Vector ops that write one value per row. */
export const REDUCTION_VECTOR_OPS: ReadonlySet<string> = new Set(['reduce_sum', 'reduce_max', 'reduce_mean']);

/** Rows a vector op writes: reductions write one value per row. */
export function vectorOutputShape(v: VectorInstruction): { rows: number; cols: number } {
  return REDUCTION_VECTOR_OPS.has(v.vop) ? { rows: v.rows, cols: 1 } : { rows: v.rows, cols: v.cols };
}
