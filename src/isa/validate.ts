/**
 * Program validation against a chip: every problem, each with the instruction's source line.
 * Checks targets (core, matrix unit), formats, tile shapes, every memory access against its memory's
 * capacity (host accesses against declared host buffers), and the weight FIFO use of each matrix unit.
 */
import { issue, type Issue } from '../core/errors.js';
import { formatBytes } from '../core/units.js';
import type { ChipSpec } from '../arch/chip-spec.js';
import { accumulatorRows, coreAt, coreCount, matrixUnitAt, matrixUnitsPerCore } from '../arch/derive.js';
import { NUMBER_FORMATS, type NumberFormatName } from '../core/number-formats.js';
import { BINARY_VECTOR_OPS, OPS, type Access } from './ops.js';
import type { ActivateInstruction, Instruction, MatmulInstruction, Program, ReadWeightsInstruction, VectorInstruction } from './types.js';

/** The matrix units' input format: the program's `.dtype`, else the chip's first. */
export function programFormat(program: Program, chip: ChipSpec): NumberFormatName {
  return program.dtype ?? chip.cores[0]!.matrixUnits[0]!.formats[0]!.input;
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
    const inside = program.buffers.some((b) => b.space === 'host' && access.start >= b.address && access.end <= b.address + b.bytes);
    return inside ? undefined : `${what} host bytes ${access.start}..${access.end - 1}, outside every declared host buffer`;
  }
  const size = capacity(chip, access);
  const unit = access.space === 'acc' ? ' rows' : ' bytes';
  if (size === undefined) return `${what} ${access.space}, which ${chip.name} does not have`;
  if (access.end > size) {
    const limit = access.space === 'acc' ? `${size} rows` : formatBytes(size);
    return `${what} ${access.space}${access.space === 'ub' || access.space === 'acc' ? ` of core ${access.core}` : ''} ${access.start}..${access.end - 1}${unit}, beyond its ${limit}`;
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
  if (instruction.core !== undefined && instruction.core >= cores) problems.push(`core=${instruction.core}, but ${chip.name} has ${cores} core${cores > 1 ? 's' : ''}`);
  const core = coreAt(chip, instruction.core ?? 0);
  if (needsUnit && core && instruction.mxu !== undefined && !matrixUnitAt(core, instruction.mxu)) {
    problems.push(`mxu=${instruction.mxu}, but core ${instruction.core ?? 0} has ${matrixUnitsPerCore(core)} matrix unit${matrixUnitsPerCore(core) > 1 ? 's' : ''}`);
  }
  return problems;
}

/** Shape rules of one instruction on the chip (formats and FIFO use are checked across instructions). */
function checkShape(chip: ChipSpec, instruction: Instruction, format: NumberFormatName): string[] {
  const core = coreAt(chip, (instruction as Target).core ?? 0);
  const unit = core && matrixUnitAt(core, (instruction as Target).mxu ?? 0);
  const problems: string[] = [];
  if (instruction.op === 'read_weights' && unit) {
    const r = instruction as ReadWeightsInstruction;
    if (r.rows > unit.rows) problems.push(`the tile has ${r.rows} rows, but the ${unit.rows}x${unit.cols} matrix unit holds at most ${unit.rows}`);
    if (r.cols > unit.cols) problems.push(`the tile has ${r.cols} columns, but the ${unit.rows}x${unit.cols} matrix unit holds at most ${unit.cols}`);
    if (r.src.space === 'host') problems.push('weights are read from dram, ub or cmem, not host');
  }
  if (instruction.op === 'activate') {
    const a = instruction as ActivateInstruction;
    const width = core ? Math.max(...core.matrixUnits.map((u) => u.cols)) : 0;
    if (core && a.cols > width) problems.push(`cols=${a.cols} exceeds the accumulator row width ${width}`);
    if (a.pool !== 'none') {
      if ([a.poolHeight, a.poolWidth, a.poolStride, a.poolInputWidth].some((v) => v < 1)) problems.push('pooling needs ph, pw, ps and iw of at least 1');
      else if (a.rows % a.poolInputWidth !== 0) problems.push(`rows=${a.rows} is not a whole number of image rows of iw=${a.poolInputWidth}`);
      else if (a.poolHeight > a.rows / a.poolInputWidth || a.poolWidth > a.poolInputWidth) problems.push(`the ${a.poolHeight}x${a.poolWidth} pooling window is larger than the ${a.rows / a.poolInputWidth}x${a.poolInputWidth} image`);
    }
  }
  if (instruction.op === 'vector') {
    const v = instruction as VectorInstruction;
    if (BINARY_VECTOR_OPS.has(v.vop) && !v.src2) problems.push(`vector ${v.vop} needs a second operand (src2=...)`);
    if (!BINARY_VECTOR_OPS.has(v.vop) && v.src2) problems.push(`vector ${v.vop} takes no second operand`);
    if (v.broadcast && !v.src2) problems.push('bcast needs a second operand');
  }
  if (instruction.op === 'matmul' && unit) {
    const m = instruction as MatmulInstruction;
    if (m.depth > unit.rows) problems.push(`depth=${m.depth} exceeds the matrix unit's ${unit.rows} rows`);
    if (!unit.dataflows.includes('ws')) problems.push(`the chip simulator runs weight-stationary matrix units; this one is ${unit.dataflows.join('/')}`);
  }
  if ((instruction.op === 'matmul' || instruction.op === 'read_weights') && unit && !unit.formats.some((f) => f.input === format)) {
    problems.push(`the matrix unit multiplies ${unit.formats.map((f) => f.input).join('/')}, not ${format}`);
  }
  return problems;
}

/** Each matmul needs a tile read before it, of a matching depth; tiles must be used. */
function checkWeightFifos(program: Program, issues: Issue[], skip: ReadonlySet<number>): void {
  const pending = new Map<string, Array<{ rows: number; index: number }>>();
  program.instructions.forEach((instruction, index) => {
    if ((instruction.op !== 'read_weights' && instruction.op !== 'matmul') || skip.has(index)) return;
    const key = `${instruction.core}/${instruction.mxu}`;
    const queue = pending.get(key) ?? [];
    pending.set(key, queue);
    if (instruction.op === 'read_weights') {
      queue.push({ rows: instruction.rows, index });
      return;
    }
    const tile = queue[0];
    const at = instructionLocation(program, index);
    if (!tile) issues.push(issue('no_tile', at, `matmul on core ${instruction.core} mxu ${instruction.mxu} has no weight tile: read_weights first`));
    else if (instruction.depth !== tile.rows) issues.push(issue('depth_mismatch', at, `matmul depth=${instruction.depth} does not match the ${tile.rows}-row tile read at ${instructionLocation(program, tile.index)}`));
    if (tile && instruction.pop) queue.shift();
  });
  for (const queue of pending.values()) {
    for (const tile of queue) issues.push(issue('unused_tile', instructionLocation(program, tile.index), 'this weight tile is never released by a matmul with pop'));
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
    const problem = checkAccess(program, chip, { space: b.space, core: b.core ?? 0, start: b.address, end: b.address + b.bytes }, 'it occupies');
    if (problem) issues.push(issue('out_of_range', at, problem));
    if (b.dtype && b.shape && NUMBER_FORMATS[b.dtype].bytes * b.shape.reduce((x, y) => x * y, 1) > b.bytes) issues.push(issue('bad_buffer', at, 'shape needs more bytes than the buffer has'));
  }
  program.instructions.forEach((instruction, index) => {
    const at = instructionLocation(program, index);
    const target = instruction as Target;
    const targetProblems = checkTarget(chip, target, instruction.op === 'matmul' || instruction.op === 'read_weights');
    for (const problem of targetProblems) issues.push(issue('bad_target', at, problem));
    if (targetProblems.length > 0) {
      badTargets.add(index);
      return;
    }
    for (const problem of checkShape(chip, instruction, format)) issues.push(issue('bad_instruction', at, problem));
    const spec = OPS[instruction.op];
    for (const [verb, accesses] of [['reads', spec.reads(instruction, ctx)], ['writes', spec.writes(instruction, ctx)]] as const) {
      for (const access of accesses) {
        const problem = checkAccess(program, chip, access, `${spec.mnemonic} ${verb}`);
        if (problem) issues.push(issue('out_of_range', at, problem));
      }
    }
  });
  checkWeightFifos(program, issues, badTargets);
  if (program.instructions.length === 0 || program.instructions[program.instructions.length - 1]!.op !== 'halt') {
    issues.push(issue('no_halt', instructionLocation(program, Math.max(0, program.instructions.length - 1)), 'a program ends with halt'));
  }
  return issues;
}
