/**
 * Building blocks of the `lower` pass: symbolic buffers, memory operands inside them, and the
 * instruction sequences that copy, convert and combine strided tensors (views) with DMAs and vector
 * operations, one instruction per contiguous run (or strided block of runs).
 */
import { NUMBER_FORMATS, type NumberFormatName } from '../core/number-formats.js';
import type {
  DmaInstruction,
  FillInstruction,
  Instruction,
  OutputFormat,
  PoolInstruction,
  VectorInstruction,
  VectorOp,
} from '../isa/types.js';
import { CompileError } from './errors.js';
import { bufferBytes, type BufferRole, type BufferSpec, type SymRef } from './kernels.js';
import { formatBytes } from '../core/units.js';
import { loopNest, outerOffsets, type LoopDim, type View } from './views.js';

/** Vector ops with a second operand. */
const BINARY = new Set<VectorOp>(['add', 'sub', 'mul', 'max', 'min', 'div']);

export interface VectorScales {
  readonly src: number;
  readonly src2: number;
  readonly out: number;
}

export class Builder {
  readonly buffers: BufferSpec[] = [];
  private readonly names = new Set<string>();

  /** `ubBytes` and `chipName` let a tensor larger than the whole unified buffer fail at once. */
  constructor(
    private readonly ubBytes = Infinity,
    private readonly chipName = 'the chip',
  ) {}

  buffer(
    name: string,
    space: BufferSpec['space'],
    format: NumberFormatName,
    elements: number,
    role: BufferRole,
    extra: { init?: Float64Array; shape?: readonly number[] } = {},
  ): BufferSpec {
    let id = name.replace(/[^A-Za-z0-9_.]/g, '_');
    if (!/^[A-Za-z_]/.test(id)) id = `t_${id}`;
    let unique = id;
    for (let i = 2; this.names.has(unique); i++) unique = `${id}_${i}`;
    this.names.add(unique);
    const spec: BufferSpec = {
      id: this.buffers.length,
      name: unique,
      space,
      format,
      elements: Math.max(1, elements),
      role,
      ...extra,
    };
    if (space === 'ub' && bufferBytes(spec) > this.ubBytes) {
      throw new CompileError(
        'does_not_fit',
        `the unified buffer of ${this.chipName} (${formatBytes(this.ubBytes)}) cannot hold ${unique} (` +
          `${formatBytes(bufferBytes(spec))}) by itself; try a smaller batch or sequence`,
      );
    }
    this.buffers.push(spec);
    return spec;
  }

  get(id: number): BufferSpec {
    return this.buffers[id]!;
  }

  bytes(id: number): number {
    return NUMBER_FORMATS[this.get(id).format].bytes;
  }

  ref(id: number, elementOffset: number): SymRef {
    const b = this.get(id);
    return { space: b.space, address: elementOffset * NUMBER_FORMATS[b.format].bytes, buffer: id };
  }

  dma(dst: SymRef, src: SymRef, bytes: number, rows = 1, srcStrideBytes = 0, dstStrideBytes = 0): DmaInstruction {
    return {
      op: 'dma',
      dst,
      src,
      bytes,
      rows,
      srcStrideBytes: rows > 1 ? srcStrideBytes : 0,
      dstStrideBytes: rows > 1 ? dstStrideBytes : 0,
      core: 0,
    };
  }

  fill(buffer: number, value: number): FillInstruction[] {
    const b = this.get(buffer);
    // One instruction of rows x cols covering the buffer; cols at most 2^16 per row for readability.
    const cols = largestDivisorAtMost(b.elements, 1 << 16);
    return [
      {
        op: 'fill',
        dst: this.ref(buffer, 0),
        rows: b.elements / cols,
        cols,
        value,
        dtype: b.format as OutputFormat,
        rowStrideBytes: 0,
        core: 0,
      },
    ];
  }

  vector(
    vop: VectorOp,
    dst: SymRef,
    src: SymRef,
    rows: number,
    cols: number,
    dtype: OutputFormat,
    outFormat: OutputFormat,
    extra: Partial<Pick<VectorInstruction, 'src2' | 'broadcast' | 'imm' | 'srcScale' | 'src2Scale' | 'outScale'>> = {},
  ): VectorInstruction {
    return {
      op: 'vector',
      vop,
      dst,
      src,
      ...(extra.src2 ? { src2: extra.src2 } : {}),
      rows,
      cols,
      dtype,
      outFormat,
      broadcast: extra.broadcast ?? false,
      imm: extra.imm ?? 0,
      srcScale: extra.srcScale ?? 1,
      src2Scale: extra.src2Scale ?? 1,
      outScale: extra.outScale ?? 1,
      core: 0,
    };
  }

  pool(p: Omit<PoolInstruction, 'op' | 'core'>): PoolInstruction {
    return { op: 'pool', ...p, core: 0 };
  }

  /**
   * dst = src, element for element (same format): DMAs of contiguous blocks, a strided row of blocks
   * per instruction.
   */
  copy(dst: View, src: View): Instruction[] {
    const fmtDst = this.get(dst.buffer).format;
    const fmtSrc = this.get(src.buffer).format;
    if (fmtDst !== fmtSrc) throw new CompileError('internal', `copy between ${fmtSrc} and ${fmtDst} needs a vector op`);
    const eb = this.bytes(dst.buffer);
    const dims = loopNest([dst, src]);
    const inner = dims[dims.length - 1]!;
    const contiguous = inner.strides.every((s) => s === 1);
    const block = contiguous ? inner.size : 1;
    const candidate: LoopDim | undefined = contiguous ? dims[dims.length - 2] : inner;
    // A DMA's row strides are unsigned: a dimension walked backwards (a negative-step slice) stays an outer loop.
    const rowsDim = candidate?.strides.every((s) => s >= 0) ? candidate : undefined;
    const outer = dims.slice(0, dims.length - (contiguous ? 1 : 0) - (rowsDim ? 1 : 0));
    const rows = rowsDim?.size ?? 1;
    return outerOffsets(outer, [dst.offset, src.offset]).map(([d, s]) =>
      this.dma(
        this.ref(dst.buffer, d!),
        this.ref(src.buffer, s!),
        block * eb,
        rows,
        (rowsDim?.strides[1] ?? 0) * eb,
        (rowsDim?.strides[0] ?? 0) * eb,
      ),
    );
  }

  /**
   * out = op(a[, b]) on views of one shape (b may broadcast with stride-0 dimensions, not in its
   * innermost one). Each instruction covers rows x cols where cols is a contiguous run of every operand.
   */
  elementwise(vop: VectorOp, out: View, a: View, b: View | undefined, scales: VectorScales, imm = 0): Instruction[] {
    const views = b ? [out, a, b] : [out, a];
    const dims = loopNest(views);
    const inner = dims[dims.length - 1]!;
    const unitStride = inner.strides.every((s) => s === 1);
    const cols = unitStride ? inner.size : 1;
    const afterCols = unitStride ? dims.slice(0, -1) : dims;
    const rowsDim = afterCols[afterCols.length - 1];
    // A rows level: out and a step by exactly cols; b steps by cols (normal) or 0 (broadcast row).
    const rowsOk =
      rowsDim &&
      rowsDim.strides[0] === cols &&
      rowsDim.strides[1] === cols &&
      (!b || rowsDim.strides[2] === cols || (rowsDim.strides[2] === 0 && unitStride));
    const rows = rowsOk ? rowsDim.size : 1;
    const broadcast = rowsOk && b !== undefined && rowsDim.strides[2] === 0 && rows > 1;
    const outer = rowsOk ? afterCols.slice(0, -1) : afterCols;
    const dtype = this.get(a.buffer).format as OutputFormat;
    if (b && this.get(b.buffer).format !== dtype)
      throw new CompileError('internal', `vector ${vop} mixes ${dtype} and ${this.get(b.buffer).format}`);
    const outFormat = this.get(out.buffer).format as OutputFormat;
    return outerOffsets(
      outer,
      views.map((v) => v.offset),
    ).map((o) =>
      this.vector(vop, this.ref(out.buffer, o[0]!), this.ref(a.buffer, o[1]!), rows, cols, dtype, outFormat, {
        ...(b ? { src2: this.ref(b.buffer, o[2]!), broadcast } : {}),
        imm,
        srcScale: scales.src,
        src2Scale: scales.src2,
        outScale: scales.out,
      }),
    );
  }

  /**
   * A function of each row along the last logical axis (contiguous in x; out has `outCols` per row):
   * softmax, normalizations, reductions. Rows that are evenly spaced go in one instruction.
   */
  rowwise(vop: VectorOp, out: View, x: View, scales: VectorScales, imm = 0, outFormat?: OutputFormat): Instruction[] {
    const cols = x.shape[x.shape.length - 1]!;
    const outCols = out.shape[out.shape.length - 1]!;
    if (x.strides[x.strides.length - 1] !== 1 && cols > 1)
      throw new CompileError('internal', 'row operand is not contiguous');
    if (out.strides[out.strides.length - 1] !== 1 && outCols > 1)
      throw new CompileError('internal', 'row result is not contiguous');
    const outerShape = x.shape.slice(0, -1);
    const outerOut: View = { ...out, shape: outerShape, strides: out.strides.slice(0, -1) };
    const outerX: View = { ...x, shape: outerShape, strides: x.strides.slice(0, -1) };
    const dims = outerShape.length > 0 ? loopNest([outerOut, outerX]) : [];
    const last = dims[dims.length - 1];
    const rowsOk = last && last.strides[0] === outCols && last.strides[1] === cols;
    const rows = rowsOk ? last.size : 1;
    const outer = rowsOk ? dims.slice(0, -1) : dims;
    const dtype = this.get(x.buffer).format as OutputFormat;
    const fmt = outFormat ?? (this.get(out.buffer).format as OutputFormat);
    return outerOffsets(outer, [out.offset, x.offset]).map(([o, s]) =>
      this.vector(vop, this.ref(out.buffer, o!), this.ref(x.buffer, s!), rows, cols, dtype, fmt, {
        imm,
        srcScale: scales.src,
        outScale: scales.out,
      }),
    );
  }
}

export function isBinaryVectorOp(vop: VectorOp): boolean {
  return BINARY.has(vop);
}

function largestDivisorAtMost(n: number, limit: number): number {
  if (n <= limit) return n;
  for (let d = limit; d >= 1; d--) if (n % d === 0) return d;
  return 1;
}
