import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CHIP_PRESETS,
  chromeTrace,
  decodeNpy,
  encodeNpy,
  formatIssues,
  loadProgramInit,
  nonFiniteProblem,
  npyFromValues,
  runProgram,
  TpusimError,
  valuesFromNpy,
  type Issue,
  type Program,
} from '../../index.js';
import { choice, outputPaths, parseCommandArgs, stringOption, UsageError } from '../args.js';
import { resolveChip } from '../chip-arg.js';
import { printJson, type Command } from '../command.js';
import { fileExists, readTextFile, writeFilesAtomically, type Io, type OutputFile } from '../io.js';
import { readProgram } from '../program-arg.js';
import { LIMIT_HELP } from '../limits.js';
import { MODEL_COMPILE_OPTIONS, requiredChipName } from '../model-compile-arg.js';
import { runModel } from './run-model.js';
import { runSummary } from '../run-summary.js';

/** Assembly (.s, .asm), binary programs (.tpub, .bin) and anything else that is not a model name or model file. */
function isProgramFile(path: string): boolean {
  if (/\.(s|asm|tpub|bin)$/i.test(path)) return true;
  return fileExists(path) && !/\.(onnx|json|csv)$/i.test(path);
}

/** --input NAME=FILE.npy, checked against the program's buffers; every problem reported at once. */
function readInputs(program: Program, specs: readonly string[]): Record<string, Float64Array> {
  const inputs: Record<string, Float64Array> = {};
  const issues: Issue[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input takes NAME=FILE.npy, got '${spec}'`);
    const name = spec.slice(0, eq);
    const path = spec.slice(eq + 1);
    const buffer = program.buffers.find((b) => b.name === name);
    if (!buffer) {
      issues.push({
        code: 'no_buffer',
        path,
        message: `the program has no buffer '${name}' (buffers: ${program.buffers.map((b) => b.name).join(', ')})`,
      });
      continue;
    }
    readTextFile(path, 'input');
    const array = decodeNpy(new Uint8Array(readFileSync(path)), path);
    if (!array.ok) {
      issues.push(...array.issues);
      continue;
    }
    const values = valuesFromNpy(array.value, buffer, path);
    if (values.ok) inputs[name] = values.value;
    else issues.push(...values.issues);
  }
  if (issues.length > 0)
    throw new TpusimError('bad_input', `inputs do not fit the program:\n${formatIssues(issues)}`, { issues });
  return inputs;
}

/** The program's `.init` buffers from .npy files beside it, except those given with --input. */
function readInitInputs(
  program: Program,
  file: string,
  explicit: Readonly<Record<string, Float64Array>>,
): Record<string, Float64Array> {
  const readFile = (path: string): Uint8Array | undefined => {
    if (!fileExists(path)) return undefined;
    readTextFile(path, 'init file'); // readability, with a friendly message
    return new Uint8Array(readFileSync(path));
  };
  const loaded = loadProgramInit(program, dirname(file), readFile, Object.keys(explicit));
  if (!loaded.ok)
    throw new TpusimError('bad_input', `the program's .init files cannot be loaded:\n${formatIssues(loaded.issues)}`, {
      issues: loaded.issues,
    });
  return loaded.value;
}

/**
 * Values the run computes on: NaN and infinities are refused (an int8 buffer would silently take them as
 * 0), and typed input buffers left without values are named on stderr, since they start as zeros.
 */
function checkInputValues(program: Program, inputs: Readonly<Record<string, Float64Array>>, io: Io): void {
  const problems = program.buffers.flatMap((b) => {
    const values = inputs[b.name];
    const problem = values ? nonFiniteProblem(b.name, values, b.shape ?? [values.length]) : undefined;
    return problem ? [problem] : [];
  });
  if (problems.length > 0) throw new TpusimError('bad_input', `inputs must be finite numbers:\n${problems.join('\n')}`);
  const missing = program.buffers
    .filter((b) => b.dtype !== undefined && b.shape !== undefined && !b.output && !inputs[b.name])
    .map((b) => b.name);
  if (missing.length > 0)
    io.err(
      `tpusim: warning: no values for input buffer${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(neither --input NAME=FILE.npy nor a .init line); ${missing.length > 1 ? 'they start' : 'it starts'} as ` +
        `zeros`,
    );
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a program or a model on a chip: outputs, cycles and where they went, a trace',
  usage: `tpusim run FILE [--chip NAME|FILE] [--input NAME=x.npy ...] [--output DIR] [--trace trace.json]
           [--engine fold|reference|register] [--timing-only] [--json]
  tpusim run MODEL --chip NAME|FILE [--input x.npy | NAME=x.npy ...] [--dtype int8|bf16] [--batch B]
           [--seq S] [--calibrate x.npy ...] [--output DIR] [--trace trace.json]
           [--max-memory SIZE] [--max-time TIME] [--json]

  MODEL (a zoo name, .onnx, config.json or topology .csv) is compiled for the chip (tpusim compile) and
  run: a per-layer table of cycles, matrix-unit work and bytes, then the chip's counters. Inputs are
  .npy files in the model's layout (fp32); outputs go to DIR/NAME.npy as fp32. Without --input the run
  is timing-only. A model whose compiled program (instructions, and tensor values with --input or
  int8 calibration) would need more memory or time than the limits is refused before it is compiled:
  ${LIMIT_HELP}

  Runs a program (assembly or binary) on the chip (default: the program's .chip). Inputs are NumPy
  .npy files for the program's typed buffers (bf16 and fp8 buffers take float32 arrays): the
  program's .init lines (paths relative to the program file) and --input, which wins; output
  buffers are written to DIR/NAME.npy. --trace writes a Chrome/Perfetto trace (ui.perfetto.dev).
  --engine reference forms the matrix units' sums in plain loops; --engine register also replays
  every matrix unit's passes cell by cell and stops if any cycle or partial sum differs from the
  machine's; --timing-only skips the values.`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('run', argv, {
      chip: { type: 'string' },
      input: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o' },
      trace: { type: 'string' },
      engine: { type: 'string' },
      'timing-only': { type: 'boolean' },
      json: { type: 'boolean' },
      ...MODEL_COMPILE_OPTIONS,
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('run needs one program file or model; see tpusim run --help');
    const file = positionals[0]!;
    const { output: outDir, trace: tracePath } = outputPaths(values, ['output', 'trace'], ['output']);
    if (!isProgramFile(file)) {
      const chipName = requiredChipName(values, 'running a model');
      choice('--engine', stringOption(values, 'engine') ?? 'fold', ['fold', 'reference', 'register'] as const);
      return runModel(file, resolveChip(chipName), values, io);
    }
    for (const option of ['batch', 'seq', 'dtype', 'calibrate', 'per-tensor'])
      if (values[option] !== undefined) throw new UsageError(`--${option} applies to models, not to a program file`);
    const program = readProgram(file);
    const chipName = stringOption(values, 'chip') ?? program.chip;
    if (!chipName)
      throw new UsageError(
        `name a chip with --chip (the program has no .chip line; presets: ${Object.keys(CHIP_PRESETS).join(', ')})`,
      );
    const chip = resolveChip(chipName);
    const engine = choice('--engine', stringOption(values, 'engine') ?? 'fold', [
      'fold',
      'reference',
      'register',
    ] as const);
    const timingOnly = values['timing-only'] === true;
    if (timingOnly && outDir)
      throw new UsageError('--timing-only computes no values, so --output has nothing to write');
    const explicit = readInputs(program, (values['input'] as string[] | undefined) ?? []);
    const inputs = { ...readInitInputs(program, file, explicit), ...explicit };
    if (!timingOnly) checkInputValues(program, inputs, io);
    const run = runProgram(chip, program, { inputs, engine, values: !timingOnly, trace: tracePath !== undefined });
    const files: OutputFile[] = [];
    if (outDir) {
      for (const [name, out] of Object.entries(run.outputs)) {
        files.push({
          path: join(outDir, `${name}.npy`),
          content: encodeNpy(npyFromValues(out.values, out.dtype, out.shape)),
          option: '--output',
        });
      }
    }
    if (tracePath)
      files.push({
        path: tracePath,
        content: JSON.stringify(chromeTrace(run.trace, chip.clockHz, `${file} on ${chip.name}`)),
        option: '--trace',
      });
    writeFilesAtomically(files);
    if (values['json']) {
      printJson(io, 'run', {
        program: file,
        chip: chip.name,
        totalCycles: run.totalCycles,
        seconds: run.seconds,
        achievedOpsPerS: run.achievedOpsPerS,
        counters: run.counters,
        ...(run.registerCheck ? { registerCheck: run.registerCheck } : {}),
        outputs: Object.fromEntries(
          Object.entries(run.outputs).map(([n, o]) => [
            n,
            { dtype: o.dtype, shape: o.shape, ...(outDir ? { file: join(outDir, `${n}.npy`) } : {}) },
          ]),
        ),
        ...(tracePath ? { trace: tracePath } : {}),
      });
      return 0;
    }
    io.out(runSummary(run, chip.clockHz, file));
    if (run.registerCheck) {
      io.out(
        `register-level check: ${run.registerCheck.passes} passes and ${run.registerCheck.tiles} tile loads ` +
          `replayed cell by cell (${run.registerCheck.cellUpdates.toExponential(2)} cell updates): same cycles, ` +
          `same partial sums`,
      );
    }
    for (const f of files) io.out(`wrote ${f.path}`);
    return 0;
  },
};
