/**
 * The instruction registry: each opcode declares its operands (for the assembler, disassembler and
 * binary encoding) and the memory it reads and writes (for validation and for the machine's
 * dependency tracking). Nothing else switches on an opcode's name.
 */
import { NUMBER_FORMATS, type NumberFormatName } from '../core/number-formats.js';
import {
  ACTIVATION_FUNCTIONS,
  MEMORY_SPACES,
  OUTPUT_FORMATS,
  POOL_KINDS,
  VECTOR_OPS,
  type ActivateInstruction,
  type DmaInstruction,
  type Instruction,
  type FillInstruction,
  type MatmulInstruction,
  type MemorySpace,
  type Opcode,
  type PoolInstruction,
  type ReadWeightsInstruction,
  type VectorInstruction,
} from './types.js';

export type FieldKind = 'mem' | 'acc' | 'int' | 'float' | 'enum' | 'flag' | 'label';

export interface FieldSpec {
  /** Key in the instruction object. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Written in operand order before any key=value parameter. */
  readonly positional?: boolean;
  /** May be left out (positional ones only at the end). */
  readonly optional?: boolean;
  /** Value when not written (non-positional fields). */
  readonly default?: number | string | boolean;
  /** When not written, the value of this other (earlier) field: vector's `out` follows its `dtype`. */
  readonly defaultFrom?: string;
  /** Binary format version that added the field (absent: 1); older binaries decode to its default. */
  readonly since?: number;
  /** Memories a `mem` field may name (absent: any); validation reports the others. */
  readonly spaces?: readonly MemorySpace[];
  /** Text key of a parameter, when it differs from `name`. */
  readonly key?: string;
  readonly values?: readonly string[];
  /** Smallest allowed integer (default 0). */
  readonly min?: number;
}

/** A memory range an instruction touches: bytes of a memory, or rows of a core's accumulators. */
export interface Access {
  readonly space: (typeof MEMORY_SPACES)[number] | 'acc';
  /** Unified buffers and accumulators belong to a core. */
  readonly core: number;
  readonly start: number;
  readonly end: number;
}

/** What an instruction's accesses depend on: the program's matrix-unit format. */
export interface AccessContext {
  readonly dtype: NumberFormatName;
}

export interface OpSpec {
  readonly opcode: Opcode;
  readonly code: number;
  readonly mnemonic: string;
  readonly summary: string;
  /** Binary format version that added the opcode (absent: 1). */
  readonly since?: number;
  readonly fields: readonly FieldSpec[];
  reads(instruction: Instruction, ctx: AccessContext): Access[];
  writes(instruction: Instruction, ctx: AccessContext): Access[];
}

const core = { name: 'core', kind: 'int', default: 0 } as const;
const none = (): Access[] => [];
const bytesOf = (format: NumberFormatName): number => NUMBER_FORMATS[format].bytes;
const span = (ref: { space: Access['space']; address: number }, coreIndex: number, bytes: number): Access => ({
  space: ref.space,
  core: ref.space === 'ub' ? coreIndex : 0,
  start: ref.address,
  end: ref.address + bytes,
});

/** The byte range covered by `rows` vectors of `width` bytes laid out with a row stride and grouping. */
export function stridedExtent(rows: number, widthBytes: number, rowStrideBytes: number, groupRows: number, groupStrideBytes: number): number {
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
export function stridedRowOffset(row: number, widthBytes: number, rowStrideBytes: number, groupRows: number, groupStrideBytes: number): number {
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
  return { height: Math.floor((p.height - p.kernelHeight) / p.stride) + 1, width: Math.floor((p.width - p.kernelWidth) / p.stride) + 1 };
}

/** Vector ops that read a second operand (src2). */
export const BINARY_VECTOR_OPS: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'max', 'min', 'div']);
/** Vector ops that write one value per row. */
export const REDUCTION_VECTOR_OPS: ReadonlySet<string> = new Set(['reduce_sum', 'reduce_max', 'reduce_mean']);

/** Rows a vector op writes: reductions write one value per row. */
export function vectorOutputShape(v: VectorInstruction): { rows: number; cols: number } {
  return REDUCTION_VECTOR_OPS.has(v.vop) ? { rows: v.rows, cols: 1 } : { rows: v.rows, cols: v.cols };
}

/** Accumulator values are int32 for integer matrix units, else fp32: 4 bytes either way. */
const ACC_VALUE_BYTES = 4;
/** The vector unit works on its core's unified buffer. */
const UB_ONLY: readonly MemorySpace[] = ['ub'];
/** Operands read once per instruction from any on-chip memory or off-chip memory. */
const CHIP_MEMORIES: readonly MemorySpace[] = ['ub', 'dram', 'cmem'];

const dma: OpSpec = {
  opcode: 'dma',
  code: 1,
  mnemonic: 'dma',
  summary: 'copy rows of bytes between memories (read_host / write_host are DMAs with the host)',
  fields: [
    { name: 'dst', kind: 'mem', positional: true },
    { name: 'src', kind: 'mem', positional: true },
    { name: 'bytes', kind: 'int', positional: true, min: 1 },
    { name: 'rows', kind: 'int', default: 1, min: 1, since: 2 },
    { name: 'srcStrideBytes', kind: 'int', key: 'sstride', default: 0, since: 2 },
    { name: 'dstStrideBytes', kind: 'int', key: 'dstride', default: 0, since: 2 },
    core,
  ],
  reads: (i) => {
    const d = i as DmaInstruction;
    return [span(d.src, d.core, stridedExtent(d.rows, d.bytes, d.srcStrideBytes, 0, 0))];
  },
  writes: (i) => {
    const d = i as DmaInstruction;
    return [span(d.dst, d.core, stridedExtent(d.rows, d.bytes, d.dstStrideBytes, 0, 0))];
  },
};

const readWeights: OpSpec = {
  opcode: 'read_weights',
  code: 2,
  mnemonic: 'read_weights',
  summary: "fetch a rows x cols weight tile into a matrix unit's weight FIFO",
  fields: [
    { name: 'src', kind: 'mem', positional: true },
    { name: 'rows', kind: 'int', positional: true, min: 1 },
    { name: 'cols', kind: 'int', positional: true, min: 1 },
    { name: 'strideBytes', kind: 'int', key: 'stride', default: 0 },
    { name: 'transpose', kind: 'flag', default: false },
    core,
    { name: 'mxu', kind: 'int', default: 0 },
  ],
  reads: (i, ctx) => {
    const r = i as ReadWeightsInstruction;
    const [outer, inner] = r.transpose ? [r.cols, r.rows] : [r.rows, r.cols];
    return [span(r.src, r.core, stridedExtent(outer, inner * bytesOf(ctx.dtype), r.strideBytes, 0, 0))];
  },
  writes: () => [],
};

const matmul: OpSpec = {
  opcode: 'matmul',
  code: 3,
  mnemonic: 'matmul',
  summary: 'multiply input vectors by the current weight tile into the accumulators',
  fields: [
    { name: 'accRow', kind: 'acc', positional: true },
    { name: 'src', kind: 'mem', positional: true, spaces: UB_ONLY },
    { name: 'rows', kind: 'int', positional: true, min: 1 },
    { name: 'depth', kind: 'int', positional: true, min: 1 },
    { name: 'rowStrideBytes', kind: 'int', key: 'stride', default: 0 },
    { name: 'groupRows', kind: 'int', key: 'group', default: 0 },
    { name: 'groupStrideBytes', kind: 'int', key: 'gstride', default: 0 },
    { name: 'accumulate', kind: 'flag', key: 'acc', default: false },
    { name: 'pop', kind: 'flag', default: false },
    core,
    { name: 'mxu', kind: 'int', default: 0 },
  ],
  reads: (i, ctx) => {
    const m = i as MatmulInstruction;
    const extent = stridedExtent(m.rows, m.depth * bytesOf(ctx.dtype), m.rowStrideBytes, m.groupRows, m.groupStrideBytes);
    const input = span(m.src, m.core, extent);
    return m.accumulate ? [input, { space: 'acc', core: m.core, start: m.accRow, end: m.accRow + m.rows }] : [input];
  },
  writes: (i) => {
    const m = i as MatmulInstruction;
    return [{ space: 'acc', core: m.core, start: m.accRow, end: m.accRow + m.rows }];
  },
};

const activate: OpSpec = {
  opcode: 'activate',
  code: 4,
  mnemonic: 'activate',
  summary: 'apply a function (and pooling) to accumulator rows, write the unified buffer',
  fields: [
    { name: 'dst', kind: 'mem', positional: true, spaces: UB_ONLY },
    { name: 'accRow', kind: 'acc', positional: true },
    { name: 'rows', kind: 'int', positional: true, min: 1 },
    { name: 'cols', kind: 'int', positional: true, min: 1 },
    { name: 'fn', kind: 'enum', positional: true, values: ACTIVATION_FUNCTIONS },
    { name: 'scale', kind: 'float', default: 1 },
    { name: 'outScale', kind: 'float', key: 'outscale', default: 1 },
    { name: 'outFormat', kind: 'enum', key: 'out', default: 'int8', values: OUTPUT_FORMATS },
    { name: 'bias', kind: 'mem', optional: true, since: 2, spaces: CHIP_MEMORIES },
    { name: 'columnScale', kind: 'mem', key: 'cscale', optional: true, since: 2, spaces: CHIP_MEMORIES },
    { name: 'rowStrideBytes', kind: 'int', key: 'stride', default: 0 },
    { name: 'groupRows', kind: 'int', key: 'group', default: 0, since: 2 },
    { name: 'groupStrideBytes', kind: 'int', key: 'gstride', default: 0, since: 2 },
    { name: 'pool', kind: 'enum', default: 'none', values: ['none', ...POOL_KINDS] },
    { name: 'poolHeight', kind: 'int', key: 'ph', default: 0 },
    { name: 'poolWidth', kind: 'int', key: 'pw', default: 0 },
    { name: 'poolStride', kind: 'int', key: 'ps', default: 0 },
    { name: 'poolInputWidth', kind: 'int', key: 'iw', default: 0 },
    core,
  ],
  reads: (i) => {
    const a = i as ActivateInstruction;
    const ranges: Access[] = [{ space: 'acc', core: a.core, start: a.accRow, end: a.accRow + a.rows }];
    for (const ref of [a.bias, a.columnScale]) if (ref) ranges.push(span(ref, a.core, a.cols * ACC_VALUE_BYTES));
    return ranges;
  },
  writes: (i) => {
    const a = i as ActivateInstruction;
    const width = a.cols * bytesOf(a.outFormat);
    return [span(a.dst, a.core, stridedExtent(activateOutputRows(a), width, a.rowStrideBytes, a.groupRows, a.groupStrideBytes))];
  },
};

const vector: OpSpec = {
  opcode: 'vector',
  code: 5,
  mnemonic: 'vector',
  summary: 'element-wise, broadcast and row-wise math on the vector unit',
  fields: [
    { name: 'vop', kind: 'enum', positional: true, values: VECTOR_OPS },
    { name: 'dst', kind: 'mem', positional: true, spaces: UB_ONLY },
    { name: 'src', kind: 'mem', positional: true, spaces: UB_ONLY },
    { name: 'rows', kind: 'int', positional: true, min: 1 },
    { name: 'cols', kind: 'int', positional: true, min: 1 },
    { name: 'src2', kind: 'mem', optional: true, spaces: UB_ONLY },
    { name: 'dtype', kind: 'enum', default: 'fp32', values: OUTPUT_FORMATS },
    { name: 'outFormat', kind: 'enum', key: 'out', defaultFrom: 'dtype', values: OUTPUT_FORMATS, since: 2 },
    { name: 'broadcast', kind: 'flag', key: 'bcast', default: false },
    { name: 'imm', kind: 'float', default: 0 },
    { name: 'srcScale', kind: 'float', key: 'iscale', default: 1, since: 2 },
    { name: 'src2Scale', kind: 'float', key: 'iscale2', default: 1, since: 2 },
    { name: 'outScale', kind: 'float', key: 'oscale', default: 1, since: 2 },
    core,
  ],
  reads: (i) => {
    const v = i as VectorInstruction;
    const bytes = v.rows * v.cols * bytesOf(v.dtype);
    const ranges = [span(v.src, v.core, bytes)];
    if (v.src2) ranges.push(span(v.src2, v.core, v.broadcast ? v.cols * bytesOf(v.dtype) : bytes));
    return ranges;
  },
  writes: (i) => {
    const v = i as VectorInstruction;
    const out = vectorOutputShape(v);
    return [span(v.dst, v.core, out.rows * out.cols * bytesOf(v.outFormat))];
  },
};

const fill: OpSpec = {
  opcode: 'fill',
  code: 9,
  since: 2,
  mnemonic: 'fill',
  summary: 'write one value to rows x cols elements on the vector unit',
  fields: [
    { name: 'dst', kind: 'mem', positional: true, spaces: UB_ONLY },
    { name: 'rows', kind: 'int', positional: true, min: 1 },
    { name: 'cols', kind: 'int', positional: true, min: 1 },
    { name: 'value', kind: 'float', positional: true },
    { name: 'dtype', kind: 'enum', default: 'fp32', values: OUTPUT_FORMATS },
    { name: 'rowStrideBytes', kind: 'int', key: 'stride', default: 0 },
    core,
  ],
  reads: none,
  writes: (i) => {
    const f = i as FillInstruction;
    return [span(f.dst, f.core, stridedExtent(f.rows, f.cols * bytesOf(f.dtype), f.rowStrideBytes, 0, 0))];
  },
};

const pool: OpSpec = {
  opcode: 'pool',
  code: 10,
  since: 2,
  mnemonic: 'pool',
  summary: 'max or average pooling of a channels-last image on the vector unit',
  fields: [
    { name: 'dst', kind: 'mem', positional: true, spaces: UB_ONLY },
    { name: 'src', kind: 'mem', positional: true, spaces: UB_ONLY },
    { name: 'kind', kind: 'enum', positional: true, values: POOL_KINDS },
    { name: 'channels', kind: 'int', positional: true, min: 1 },
    { name: 'height', kind: 'int', positional: true, min: 1 },
    { name: 'width', kind: 'int', positional: true, min: 1 },
    { name: 'kernelHeight', kind: 'int', key: 'kh', positional: true, min: 1 },
    { name: 'kernelWidth', kind: 'int', key: 'kw', positional: true, min: 1 },
    { name: 'stride', kind: 'int', positional: true, min: 1 },
    { name: 'dtype', kind: 'enum', default: 'int8', values: OUTPUT_FORMATS },
    { name: 'rowStrideBytes', kind: 'int', key: 'dstride', default: 0 },
    core,
  ],
  reads: (i) => {
    const p = i as PoolInstruction;
    return [span(p.src, p.core, p.height * p.width * p.channels * bytesOf(p.dtype))];
  },
  writes: (i) => {
    const p = i as PoolInstruction;
    const out = poolOutputShape(p);
    return [span(p.dst, p.core, stridedExtent(out.height, out.width * p.channels * bytesOf(p.dtype), p.rowStrideBytes, 0, 0))];
  },
};

export const OPS: Readonly<Record<Opcode, OpSpec>> = {
  dma,
  read_weights: readWeights,
  matmul,
  activate,
  vector,
  fill,
  pool,
  sync: { opcode: 'sync', code: 6, mnemonic: 'sync', summary: 'wait for earlier instructions to complete', fields: [{ name: 'label', kind: 'label', positional: true, optional: true }], reads: none, writes: none },
  nop: { opcode: 'nop', code: 7, mnemonic: 'nop', summary: 'do nothing for some cycles', fields: [{ name: 'cycles', kind: 'int', positional: true, optional: true, min: 1 }], reads: none, writes: none },
  halt: { opcode: 'halt', code: 8, mnemonic: 'halt', summary: 'end of program', fields: [], reads: none, writes: none },
};

export function opByCode(code: number): OpSpec | undefined {
  return Object.values(OPS).find((op) => op.code === code);
}

/**
 * Defaults filled in for fields an instruction object leaves out (nop's cycles default to 1; a field
 * with `defaultFrom` takes the other field's value from `values`).
 */
export function defaultFieldValue(field: FieldSpec, values: Readonly<Record<string, unknown>> = {}): number | string | boolean | undefined {
  if (field.defaultFrom !== undefined) return values[field.defaultFrom] as number | string | boolean | undefined;
  if (field.default !== undefined) return field.default;
  if (field.kind === 'int' && field.optional) return field.min ?? 0;
  return undefined;
}
