/**
 * Program validation against a chip: every problem, each with the instruction's source line.
 * Checks targets (core, matrix unit), formats, tile shapes, field minimums and operand memories (from
 * the registry), every memory access against its memory's capacity (host accesses against declared
 * host buffers), the weight FIFO use of each matrix unit, and `.init` entries.
 */
import { issue, type Issue } from '../core/errors.js';
import { formatBytes } from '../core/units.js';
import type { ChipSpec, CoreSpec, MatrixUnitSpec } from '../arch/chip-spec.js';
import {
  accumulatorRows,
  coreAt,
  coreCount,
  defaultMatrixFormat,
  matrixUnitAt,
  matrixUnitsPerCore,
} from '../arch/derive.js';
import { NUMBER_FORMATS, type NumberFormatName } from '../core/number-formats.js';
import { BINARY_VECTOR_OPS, OPS, pushesWeightTile, stopsProgram, usesWeightFifo, type Access } from './ops.js';
import type {
  ActivateInstruction,
  Instruction,
  MemRef,
  Opcode,
  PoolInstruction,
  Program,
  VectorInstruction,
} from './types.js';
import { fieldsOf } from './fields.js';

/** The matrix units' input format: the program's `.dtype`, else the chip's first. */
export function programFormat(program: Program, chip: ChipSpec): NumberFormatName {
  return program.dtype ?? defaultMatrixFormat(chip);
}

export function instructionLocation(program: Program, index: number): string {
  const at = program.source?.[index];
  return at ? `${at.file}:${at.line}` : `instruction ${index}`;
}

/** Size of each memory (bytes; accumulator rows), or undefined where the chip has none. */
function capacity(chip: ChipSpec, access: Access): number | undefined {
  const core = coreAt(chip, access.core);
  switch (access.space) {
    case 'dram':
      return chip.offChipMemory.capacityBytes;
    case 'ub':
      return core?.unifiedBuffer.sizeBytes;
    case 'cmem':
      return chip.sharedMemory?.sizeBytes;
    case 'acc':
      return core ? accumulatorRows(core) : undefined;
    case 'host':
      return undefined;
  }
}

function checkAccess(program: Program, chip: ChipSpec, access: Access, what: string): string | undefined {
  if (access.space === 'host') {
    const inside = program.buffers.some(
      (b) => b.space === 'host' && access.start >= b.address && access.end <= b.address + b.bytes,
    );
    return inside
      ? undefined
      : `${what} host bytes ${access.start}..${access.end - 1}, outside every declared host buffer`;
  }
  const size = capacity(chip, access);
  const unit = access.space === 'acc' ? ' rows' : ' bytes';
  if (size === undefined) return `${what} ${access.space}, which ${chip.name} does not have`;
  if (access.end > size) {
    const limit = access.space === 'acc' ? `${size} rows` : formatBytes(size);
    return (
      `${what} ${access.space}` +
      `${access.space === 'ub' || access.space === 'acc' ? ` of core ${access.core}` : ''} ${access.start}..` +
      `${access.end - 1}${unit}, beyond its ${limit}`
    );
  }
  return undefined;
}

interface Target {
  readonly core?: number;
  readonly mxu?: number;
}

function checkTarget(chip: ChipSpec, instruction: Target, needsUnit: boolean): string[] {
  const problems: string[] = [];
  const cores = coreCount(chip);
  if (instruction.core !== undefined && instruction.core >= cores)
    problems.push(`core=${instruction.core}, but ${chip.name} has ${cores} core${cores > 1 ? 's' : ''}`);
  const core = coreAt(chip, instruction.core ?? 0);
  if (needsUnit && core && instruction.mxu !== undefined && !matrixUnitAt(core, instruction.mxu)) {
    problems.push(
      `mxu=${instruction.mxu}, but core ${instruction.core ?? 0} has ${matrixUnitsPerCore(core)} matrix unit` +
        `${matrixUnitsPerCore(core) > 1 ? 's' : ''}`,
    );
  }
  return problems;
}

interface ShapeContext {
  readonly core: CoreSpec | undefined;
  readonly unit: MatrixUnitSpec | undefined;
  readonly format: NumberFormatName;
}

type ShapeCheck<I> = (instruction: I, at: ShapeContext) => string[];

function checkActivate(a: ActivateInstruction, { core }: ShapeContext): string[] {
  const problems: string[] = [];
  const width = core ? Math.max(...core.matrixUnits.map((u) => u.cols)) : 0;
  if (core && a.cols > width) problems.push(`cols=${a.cols} exceeds the accumulator row width ${width}`);
  if (a.pool === 'none') return problems;
  if (a.groupRows > 0)
    problems.push(
      `group=${a.groupRows} cannot be combined with pool=${a.pool}: pooled rows are written with stride= only`,
    );
  if ([a.poolHeight, a.poolWidth, a.poolStride, a.poolInputWidth].some((v) => v < 1))
    problems.push('pooling needs ph, pw, ps and iw of at least 1');
  else if (a.rows % a.poolInputWidth !== 0)
    problems.push(`rows=${a.rows} is not a whole number of image rows of iw=${a.poolInputWidth}`);
  else if (a.poolHeight > a.rows / a.poolInputWidth || a.poolWidth > a.poolInputWidth)
    problems.push(
      `the ${a.poolHeight}x${a.poolWidth} pooling window is larger than the ${a.rows / a.poolInputWidth}x` +
        `${a.poolInputWidth} image`,
    );
  return problems;
}

function checkVector(v: VectorInstruction): string[] {
  const problems: string[] = [];
  if (BINARY_VECTOR_OPS.has(v.vop) && !v.src2) problems.push(`vector ${v.vop} needs a second operand (src2=...)`);
  if (!BINARY_VECTOR_OPS.has(v.vop) && v.src2) problems.push(`vector ${v.vop} takes no second operand`);
  if (v.broadcast && !v.src2) problems.push('bcast needs a second operand');
  return problems;
}

function checkPool(p: PoolInstruction): string[] {
  if (p.kernelHeight <= p.height && p.kernelWidth <= p.width) return [];
  return [
    `the ${p.kernelHeight}x${p.kernelWidth} pooling window (kh x kw) is larger than the ${p.height}x${p.width} image`,
  ];
}

/** Shape rules per opcode (formats and FIFO use are checked across instructions). */
const SHAPE_CHECKS: { readonly [K in Opcode]?: ShapeCheck<Extract<Instruction, { op: K }>> } = {
  read_weights: (r, { unit }) => {
    const problems: string[] = [];
    if (unit && r.rows > unit.rows)
      problems.push(
        `the tile has ${r.rows} rows, but the ${unit.rows}x${unit.cols} matrix unit holds at most ${unit.rows}`,
      );
    if (unit && r.cols > unit.cols)
      problems.push(
        `the tile has ${r.cols} columns, but the ${unit.rows}x${unit.cols} matrix unit holds at most ${unit.cols}`,
      );
    if (unit && r.src.space === 'host') problems.push('weights are read from dram, ub or cmem, not host');
    return problems;
  },
  matmul: (m, { unit }) => {
    if (!unit) return [];
    const problems: string[] = [];
    if (m.depth > unit.rows) problems.push(`depth=${m.depth} exceeds the matrix unit's ${unit.rows} rows`);
    if ((unit.kind ?? 'systolic') !== 'systolic')
      problems.push(
        `the chip simulator runs systolic matrix units; this one is a ${unit.kind} (tpusim estimate times such chips)`,
      );
    else if (!unit.dataflows.includes('ws'))
      problems.push(`the chip simulator runs weight-stationary matrix units; this one is ${unit.dataflows.join('/')}`);
    return problems;
  },
  activate: checkActivate,
  vector: checkVector,
  pool: checkPool,
};

const orList = (names: readonly string[]): string =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;

/** Registry rules every instruction obeys: integer fields at least their minimum, memories each operand may name. */
function checkFields(instruction: Instruction): string[] {
  const spec = OPS[instruction.op];
  const record = fieldsOf(instruction);
  const problems: string[] = [];
  for (const field of spec.fields) {
    const value = record[field.name];
    const key = field.key ?? field.name;
    if (field.kind === 'int' && typeof value === 'number' && value < (field.min ?? 0))
      problems.push(`${spec.mnemonic} ${key}=${value} is below the minimum ${field.min ?? 0}`);
    if (field.kind === 'mem' && field.spaces && value !== undefined) {
      const space = (value as MemRef).space;
      if (!field.spaces.includes(space))
        problems.push(`${spec.mnemonic} ${key} is in ${space}; it must be in ${orList(field.spaces)}`);
    }
  }
  return problems;
}

/** Shape rules of one instruction on the chip. */
function checkShape(chip: ChipSpec, instruction: Instruction, format: NumberFormatName): string[] {
  const core = coreAt(chip, (instruction as Target).core ?? 0);
  const unit = core && matrixUnitAt(core, (instruction as Target).mxu ?? 0);
  const check = SHAPE_CHECKS[instruction.op] as ShapeCheck<Instruction> | undefined;
  const problems = [...checkFields(instruction), ...(check ? check(instruction, { core, unit, format }) : [])];
  if (usesWeightFifo(instruction) && unit && !unit.formats.some((f) => f.input === format)) {
    problems.push(`the matrix unit multiplies ${unit.formats.map((f) => f.input).join('/')}, not ${format}`);
  }
  return problems;
}

/** `.init` entries name typed buffers, each once. */
function checkInit(program: Program): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const init of program.init ?? []) {
    const at = `init ${init.buffer}`;
    const buffer = program.buffers.find((b) => b.name === init.buffer);
    if (!buffer)
      issues.push(
        issue('bad_init', at, `'${init.file}' initializes buffer '${init.buffer}', which the program does not declare`),
      );
    else if (!buffer.dtype || !buffer.shape)
      issues.push(
        issue('bad_init', at, `buffer '${init.buffer}' needs shape= and dtype= to be initialized from '${init.file}'`),
      );
    if (/["\r\n]/.test(init.file))
      issues.push(
        issue('bad_init', at, `the file name ${JSON.stringify(init.file)} cannot hold a double quote or a line break`),
      );
    if (seen.has(init.buffer)) issues.push(issue('bad_init', at, `buffer '${init.buffer}' is initialized twice`));
    seen.add(init.buffer);
  }
  return issues;
}

/** Each matmul needs a tile read before it, of a matching depth; tiles must be used. */
function checkWeightFifos(program: Program, issues: Issue[], skip: ReadonlySet<number>): void {
  const pending = new Map<string, Array<{ rows: number; index: number }>>();
  program.instructions.forEach((instruction, index) => {
    if (!usesWeightFifo(instruction) || skip.has(index)) return;
    const key = `${instruction.core}/${instruction.mxu}`;
    const queue = pending.get(key) ?? [];
    pending.set(key, queue);
    if (pushesWeightTile(instruction)) {
      queue.push({ rows: instruction.rows, index });
      return;
    }
    const tile = queue[0];
    const at = instructionLocation(program, index);
    if (!tile)
      issues.push(
        issue(
          'no_tile',
          at,
          `matmul on core ${instruction.core} mxu ${instruction.mxu} has no weight tile: read_weights first`,
        ),
      );
    else if (instruction.depth !== tile.rows)
      issues.push(
        issue(
          'depth_mismatch',
          at,
          `matmul depth=${instruction.depth} does not match the ${tile.rows}-row tile read at ` +
            `${instructionLocation(program, tile.index)}`,
        ),
      );
    if (tile && instruction.pop) queue.shift();
  });
  for (const queue of pending.values()) {
    for (const tile of queue)
      issues.push(
        issue(
          'unused_tile',
          instructionLocation(program, tile.index),
          'this weight tile is never released by a matmul with pop',
        ),
      );
  }
}

export function validateProgram(program: Program, chip: ChipSpec): Issue[] {
  const issues: Issue[] = [];
  const format = programFormat(program, chip);
  const ctx = { dtype: format };
  const badTargets = new Set<number>();
  for (const b of program.buffers) {
    const at = `buffer ${b.name}`;
    if (b.space === 'host') continue;
    const problem = checkAccess(
      program,
      chip,
      { space: b.space, core: b.core ?? 0, start: b.address, end: b.address + b.bytes },
      'it occupies',
    );
    if (problem) issues.push(issue('out_of_range', at, problem));
    if (b.dtype && b.shape && NUMBER_FORMATS[b.dtype].bytes * b.shape.reduce((x, y) => x * y, 1) > b.bytes)
      issues.push(issue('bad_buffer', at, 'shape needs more bytes than the buffer has'));
  }
  program.instructions.forEach((instruction, index) => {
    const at = instructionLocation(program, index);
    const target = instruction as Target;
    const targetProblems = checkTarget(chip, target, usesWeightFifo(instruction));
    for (const problem of targetProblems) issues.push(issue('bad_target', at, problem));
    if (targetProblems.length > 0) {
      badTargets.add(index);
      return;
    }
    for (const problem of checkShape(chip, instruction, format)) issues.push(issue('bad_instruction', at, problem));
    const spec = OPS[instruction.op];
    for (const [verb, accesses] of [
      ['reads', spec.reads(instruction, ctx)],
      ['writes', spec.writes(instruction, ctx)],
    ] as const) {
      for (const access of accesses) {
        const problem = checkAccess(program, chip, access, `${spec.mnemonic} ${verb}`);
        if (problem) issues.push(issue('out_of_range', at, problem));
      }
    }
  });
  checkWeightFifos(program, issues, badTargets);
  issues.push(...checkInit(program));
  if (program.instructions.length === 0 || !stopsProgram(program.instructions[program.instructions.length - 1]!)) {
    issues.push(
      issue(
        'no_halt',
        instructionLocation(program, Math.max(0, program.instructions.length - 1)),
        'a program ends with halt',
      ),
    );
  }
  return issues;
}
