/**
 * Running a program: validate it against the chip, load its inputs, run the machine (or the untimed
 * reference interpreter), and collect outputs, counters and the trace.
 */
import type { ChipSpec } from '../../arch/chip-spec.js';
import { coreAt } from '../../arch/derive.js';
import { formatIssues } from '../../core/errors.js';
import type { NumberFormatName } from '../../core/number-formats.js';
import { OPS, stopsProgram } from '../../isa/ops.js';
import type { Program } from '../../isa/types.js';
import { programFormat, validateProgram } from '../../isa/validate.js';
import { fastGemm } from '../systolic/fast-gemm.js';
import { SimError } from '../errors.js';
import { matrixUnitCounters, type MatrixUnitCounters } from './counters.js';
import { runMachine, type InstructionTiming, type TraceEvent } from './machine.js';
import { capturingBackend, checkOnRegisterEngine, type RegisterCheck } from './register-check.js';
import { ChipState, referenceMatmul, valuesForBuffer, type MatmulBackend } from './state.js';

export type ProgramEngine = 'fold' | 'reference' | 'register';

export interface RunProgramOptions {
  /** Values for typed buffers, by name (converted to the buffer's format: floats rounded, integers saturated). */
  readonly inputs?: Readonly<Record<string, ArrayLike<number>>>;
  /** 'fold': fast kernels (default); 'reference': plain loops; 'register': fast kernels, then every
   * matrix unit's passes replayed cell by cell and required to agree in cycles and bits. */
  readonly engine?: ProgramEngine;
  /** false: timing only, no values computed. */
  readonly values?: boolean;
  readonly trace?: boolean;
}

export interface ProgramOutput {
  readonly dtype: NumberFormatName;
  readonly shape: readonly number[];
  readonly values: Float64Array;
}

export interface ProgramCounters {
  readonly matrixUnits: readonly MatrixUnitCounters[];
  /** Busy cycles of each core's vector unit. */
  readonly vectorBusyCycles: readonly number[];
  /** Bytes over each link. */
  readonly linkBytes: Readonly<Record<'pcie' | 'dram' | 'onchip', number>>;
  /** Bytes read and written in each memory (accumulators as 4-byte values). */
  readonly memoryBytes: Readonly<Record<string, { readonly read: number; readonly written: number }>>;
  readonly instructions: number;
  readonly usefulMacs: number;
}

export interface ProgramRun {
  readonly chip: string;
  readonly totalCycles: number;
  readonly seconds: number;
  /** Useful ops per second (2 per MAC) over the whole run. */
  readonly achievedOpsPerS: number;
  readonly counters: ProgramCounters;
  readonly outputs: Readonly<Record<string, ProgramOutput>>;
  readonly timings: readonly InstructionTiming[];
  readonly trace: readonly TraceEvent[];
  /** With engine 'register': what the register-level replay confirmed. */
  readonly registerCheck?: RegisterCheck;
}

const fastBackend: MatmulBackend = (x, w, rows, depth, cols, format) =>
  fastGemm({ m: rows, n: cols, k: depth }, format as Parameters<typeof fastGemm>[1], depth, { a: x, b: w });

/** Throws a SimError listing every problem when the program does not fit the chip. */
export function checkProgram(chip: ChipSpec, program: Program): void {
  const issues = validateProgram(program, chip);
  if (issues.length > 0)
    throw new SimError('invalid_program', `the program does not run on ${chip.name}:\n${formatIssues(issues)}`, {
      issues,
    });
}

export function loadInputs(
  state: ChipState,
  program: Program,
  inputs: Readonly<Record<string, ArrayLike<number>>>,
): void {
  for (const [name, values] of Object.entries(inputs)) {
    const buffer = program.buffers.find((b) => b.name === name);
    if (!buffer)
      throw new SimError(
        'no_buffer',
        `input '${name}' names no buffer of the program (buffers: ${program.buffers.map((b) => b.name).join(', ')})`,
      );
    if (!buffer.dtype || !buffer.shape)
      throw new SimError('untyped_buffer', `buffer '${name}' needs shape= and dtype= to take an input`);
    const expected = buffer.shape.reduce((a, b) => a * b, 1);
    if (values.length !== expected)
      throw new SimError(
        'bad_input',
        `input '${name}' has ${values.length} values, its buffer's shape ${buffer.shape.join('x')} needs ${expected}`,
      );
    state.writeBuffer(name, valuesForBuffer(values, buffer.dtype));
  }
}

function collectOutputs(state: ChipState, program: Program): Record<string, ProgramOutput> {
  const outputs: Record<string, ProgramOutput> = {};
  for (const b of program.buffers) {
    if (!b.output || !b.dtype || !b.shape) continue;
    outputs[b.name] = { dtype: b.dtype, shape: b.shape, values: state.readBuffer(b.name).values };
  }
  return outputs;
}

function memoryBytes(
  chip: ChipSpec,
  program: Program,
  ran: (i: number) => boolean,
): Record<string, { read: number; written: number }> {
  const ctx = { dtype: programFormat(program, chip) };
  const totals: Record<string, { read: number; written: number }> = {};
  const add = (space: string, core: number, rows: number, verb: 'read' | 'written'): void => {
    const bytes = space === 'acc' ? rows * Math.max(...coreAt(chip, core)!.matrixUnits.map((u) => u.cols)) * 4 : rows;
    const entry = (totals[space] ??= { read: 0, written: 0 });
    entry[verb] += bytes;
  };
  program.instructions.forEach((instruction, i) => {
    if (!ran(i)) return;
    for (const a of OPS[instruction.op].reads(instruction, ctx)) add(a.space, a.core, a.end - a.start, 'read');
    for (const a of OPS[instruction.op].writes(instruction, ctx)) add(a.space, a.core, a.end - a.start, 'written');
  });
  return totals;
}

export function runProgram(chip: ChipSpec, program: Program, options: RunProgramOptions = {}): ProgramRun {
  checkProgram(chip, program);
  const state = new ChipState(chip, program, programFormat(program, chip));
  loadInputs(state, program, options.inputs ?? {});
  const captured = new Map<number, { x: Float64Array; w: Float64Array; sums: ArrayLike<number> }>();
  const check = options.engine === 'register';
  if (check && options.values === false)
    throw new SimError('bad_options', 'the register-level check compares values, so it cannot run timing-only');
  const indexOf = new Map(program.instructions.map((instruction, i) => [instruction, i]));
  const backend =
    options.engine === 'reference'
      ? referenceMatmul
      : check
        ? capturingBackend(fastBackend, captured, (m) => indexOf.get(m)!)
        : fastBackend;
  const run = runMachine(chip, program, {
    state,
    values: options.values ?? true,
    backend,
    trace: options.trace ?? false,
  });
  const registerCheck = check ? checkOnRegisterEngine(run.matrixUnits, captured, state.format) : undefined;
  const end = (i: number): number => run.timings[i]!.end;
  const matrixUnits = run.matrixUnits.map((m) =>
    matrixUnitCounters(m, run.totalCycles, run.dependencies, program.instructions, end),
  );
  const usefulMacs = matrixUnits.reduce((s, m) => s + m.usefulMacs, 0);
  const seconds = run.totalCycles / chip.clockHz;
  return {
    chip: chip.name,
    totalCycles: run.totalCycles,
    seconds,
    achievedOpsPerS: seconds > 0 ? (2 * usefulMacs) / seconds : 0,
    counters: {
      matrixUnits,
      vectorBusyCycles: run.vectorUnits.map((v) => v.busyCycles),
      linkBytes: { pcie: run.ports['pcie']!.bytes, dram: run.ports['dram']!.bytes, onchip: run.ports['onchip']!.bytes },
      memoryBytes: memoryBytes(chip, program, (i) => run.timings[i]!.end < Infinity),
      instructions: program.instructions.length,
      usefulMacs,
    },
    outputs: options.values === false ? {} : collectOutputs(state, program),
    timings: run.timings,
    trace: run.trace,
    ...(registerCheck ? { registerCheck } : {}),
  };
}

/** The untimed reference: every instruction in program order, plain-loop matmuls. */
export function interpretProgram(
  chip: ChipSpec,
  program: Program,
  inputs: Readonly<Record<string, ArrayLike<number>>> = {},
): Record<string, ProgramOutput> {
  checkProgram(chip, program);
  const state = new ChipState(chip, program, programFormat(program, chip));
  loadInputs(state, program, inputs);
  for (const instruction of program.instructions) {
    if (stopsProgram(instruction)) break;
    state.execute(instruction, referenceMatmul);
  }
  return collectOutputs(state, program);
}
