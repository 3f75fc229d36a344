/**
 * The instruction registry: each opcode declares its operands (for the assembler, disassembler and
 * binary encoding), the memory it reads and writes (for validation and for the machine's dependency
 * tracking), the unit that executes it and its cycles there, how the front end issues it, its effect
 * on the chip's state and the bytes it moves. The machine's routing, issue and state changes and the
 * per-layer statistics look these properties up instead of switching on an opcode's name.
 */
import type { CoreSpec } from '../arch/chip-spec.js';
import { activateCycles, fillCycles, poolCycles, vectorCycles } from '../arch/timing.js';
import { NUMBER_FORMATS, type NumberFormatName } from '../core/number-formats.js';
import { activateOutputRows, dmaBytes, poolOutputShape, stridedExtent, vectorOutputShape } from './geometry.js';
import { VECTOR_SEMANTICS } from './semantics.js';
import {
  ACTIVATION_FUNCTIONS,
  type MEMORY_SPACES,
  OUTPUT_FORMATS,
  POOL_KINDS,
  VECTOR_OPS,
  type ActivateInstruction,
  type DmaInstruction,
  type Instruction,
  type FillInstruction,
  type MatmulInstruction,
  type MemorySpace,
  type NopInstruction,
  type Opcode,
  type PoolInstruction,
  type ReadWeightsInstruction,
  type VectorInstruction,
} from './types.js';

export {
  BINARY_VECTOR_OPS,
  REDUCTION_VECTOR_OPS,
  activateOutputRows,
  dmaBytes,
  poolOutputShape,
  stridedExtent,
  stridedRowOffset,
  vectorOutputShape,
} from './geometry.js';

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
  /** The machine unit that executes it; each unit works through its instructions in program order. */
  readonly unit: ExecutionUnit;
  /** What it does to the chip's state (the simulator keeps one handler per effect). */
  readonly effect: InstructionEffect;
  /** Front-end rule: 'barrier' issues once earlier instructions (or its label's) have completed; 'stop' ends issue. */
  readonly issueRule?: 'barrier' | 'stop';
  /** Cycles the front end spends issuing it (absent: 1). */
  issueCycles?(instruction: Instruction): number;
  /** Bytes it moves between memories (DMAs, weight reads), for per-layer statistics (absent: 0). */
  movedBytes?(instruction: Instruction, ctx: AccessContext): number;
  /** Vector-unit instructions: cycles they occupy the core's vector unit. */
  vectorUnitCycles?(core: CoreSpec, instruction: Instruction): number;
  /**
   * Its part in a matrix unit's weight FIFO: 'push' queues a tile, 'consume' multiplies by the tile at
   * the head (and pops it with `pop`). Instructions with a part name a matrix unit and use its input format.
   */
  readonly weightFifo?: 'push' | 'consume';
  /** The mnemonic the disassembler writes for it, when that depends on its operands (absent: `mnemonic`). */
  textMnemonic?(instruction: Instruction): string;
}

/**
 * Units of the chip machine: DMA engines (one per port), each matrix unit's weight fetcher and array,
 * each core's vector unit, and the front end (instructions that complete as they issue).
 */
export const EXECUTION_UNITS = ['dma', 'weight-fetch', 'matrix', 'vector', 'front-end'] as const;
export type ExecutionUnit = (typeof EXECUTION_UNITS)[number];

/** Effects on the chip's state; 'none' leaves it unchanged. */
export const INSTRUCTION_EFFECTS = [
  'copy',
  'load-weights',
  'multiply',
  'activate',
  'vector',
  'fill',
  'pool',
  'none',
] as const;
export type InstructionEffect = (typeof INSTRUCTION_EFFECTS)[number];

const core = { name: 'core', kind: 'int', default: 0 } as const;
const none = (): Access[] => [];
const bytesOf = (format: NumberFormatName): number => NUMBER_FORMATS[format].bytes;
const span = (ref: { space: Access['space']; address: number }, coreIndex: number, bytes: number): Access => ({
  space: ref.space,
  core: ref.space === 'ub' ? coreIndex : 0,
  start: ref.address,
  end: ref.address + bytes,
});

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
  unit: 'dma',
  effect: 'copy',
  movedBytes: (i) => dmaBytes(i as DmaInstruction),
  // The assembler's aliases for copies between the host and a unified buffer.
  textMnemonic: (i) => {
    const d = i as DmaInstruction;
    if (d.dst.space === 'ub' && d.src.space === 'host') return 'read_host';
    if (d.dst.space === 'host' && d.src.space === 'ub') return 'write_host';
    return 'dma';
  },
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
  unit: 'weight-fetch',
  effect: 'load-weights',
  weightFifo: 'push',
  movedBytes: (i, ctx) => (i as ReadWeightsInstruction).rows * (i as ReadWeightsInstruction).cols * bytesOf(ctx.dtype),
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
  unit: 'matrix',
  effect: 'multiply',
  weightFifo: 'consume',
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
    const extent = stridedExtent(
      m.rows,
      m.depth * bytesOf(ctx.dtype),
      m.rowStrideBytes,
      m.groupRows,
      m.groupStrideBytes,
    );
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
  unit: 'vector',
  effect: 'activate',
  // The bias and column scale (cols values each) are read once per instruction: no extra cycles.
  vectorUnitCycles: (c, i) =>
    Math.max(
      activateCycles(c, (i as ActivateInstruction).rows, (i as ActivateInstruction).cols),
      activateOutputRows(i as ActivateInstruction),
    ),
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
    return [
      span(
        a.dst,
        a.core,
        stridedExtent(activateOutputRows(a), width, a.rowStrideBytes, a.groupRows, a.groupStrideBytes),
      ),
    ];
  },
};

const vector: OpSpec = {
  opcode: 'vector',
  code: 5,
  mnemonic: 'vector',
  summary: 'element-wise, broadcast and row-wise math on the vector unit',
  unit: 'vector',
  effect: 'vector',
  vectorUnitCycles: (c, i) => {
    const v = i as VectorInstruction;
    return vectorCycles(c, v.rows * v.cols, VECTOR_SEMANTICS[v.vop].opsPerElement);
  },
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
  unit: 'vector',
  effect: 'fill',
  vectorUnitCycles: (c, i) => fillCycles(c, (i as FillInstruction).rows, (i as FillInstruction).cols),
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
  unit: 'vector',
  effect: 'pool',
  // One compare or add per window element.
  vectorUnitCycles: (c, i) => {
    const p = i as PoolInstruction;
    const out = poolOutputShape(p);
    return poolCycles(c, out.height * out.width * p.channels, p.kernelHeight * p.kernelWidth);
  },
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
    return [
      span(p.dst, p.core, stridedExtent(out.height, out.width * p.channels * bytesOf(p.dtype), p.rowStrideBytes, 0, 0)),
    ];
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
  sync: {
    opcode: 'sync',
    code: 6,
    mnemonic: 'sync',
    summary: 'wait for earlier instructions to complete',
    unit: 'front-end',
    effect: 'none',
    issueRule: 'barrier',
    fields: [{ name: 'label', kind: 'label', positional: true, optional: true }],
    reads: none,
    writes: none,
  },
  nop: {
    opcode: 'nop',
    code: 7,
    mnemonic: 'nop',
    summary: 'do nothing for some cycles',
    unit: 'front-end',
    effect: 'none',
    issueCycles: (i) => (i as NopInstruction).cycles,
    fields: [{ name: 'cycles', kind: 'int', positional: true, optional: true, min: 1 }],
    reads: none,
    writes: none,
  },
  halt: {
    opcode: 'halt',
    code: 8,
    mnemonic: 'halt',
    summary: 'end of program',
    unit: 'front-end',
    effect: 'none',
    issueRule: 'stop',
    fields: [],
    reads: none,
    writes: none,
  },
};

/** Cycles the front end spends issuing an instruction. */
export function issueCycles(instruction: Instruction): number {
  return OPS[instruction.op].issueCycles?.(instruction) ?? 1;
}

/** Whether it ends the program: the front end issues nothing after it. */
export function stopsProgram(instruction: Instruction): boolean {
  return OPS[instruction.op].issueRule === 'stop';
}

/** Whether it waits for earlier instructions before it issues (nothing may move above it). */
export function isBarrier(instruction: Instruction): boolean {
  return OPS[instruction.op].issueRule === 'barrier';
}

/** Whether a DMA engine runs it: a copy with a source and a destination. */
export function isTransfer(instruction: Instruction): instruction is DmaInstruction {
  return OPS[instruction.op].unit === 'dma';
}

/** Whether it takes part in a matrix unit's weight FIFO (and so names a matrix unit). */
export function usesWeightFifo(instruction: Instruction): instruction is ReadWeightsInstruction | MatmulInstruction {
  return OPS[instruction.op].weightFifo !== undefined;
}

/** Whether it queues a weight tile in its matrix unit's FIFO. */
export function pushesWeightTile(instruction: Instruction): instruction is ReadWeightsInstruction {
  return OPS[instruction.op].weightFifo === 'push';
}

/** Whether it multiplies by the tile at the head of its matrix unit's FIFO. */
export function consumesWeightTile(instruction: Instruction): instruction is MatmulInstruction {
  return OPS[instruction.op].weightFifo === 'consume';
}

/** The mnemonic text writes for an instruction. */
export function textMnemonic(instruction: Instruction): string {
  const spec = OPS[instruction.op];
  return spec.textMnemonic?.(instruction) ?? spec.mnemonic;
}

export function opByCode(code: number): OpSpec | undefined {
  return Object.values(OPS).find((op) => op.code === code);
}

/**
 * Defaults filled in for fields an instruction object leaves out (nop's cycles default to 1; a field
 * with `defaultFrom` takes the other field's value from `values`).
 */
export function defaultFieldValue(
  field: FieldSpec,
  values: Readonly<Record<string, unknown>> = {},
): number | string | boolean | undefined {
  if (field.defaultFrom !== undefined) return values[field.defaultFrom] as number | string | boolean | undefined;
  if (field.default !== undefined) return field.default;
  if (field.kind === 'int' && field.optional) return field.min ?? 0;
  return undefined;
}
