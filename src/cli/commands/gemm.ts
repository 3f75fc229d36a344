import {
  DATAFLOWS,
  MATRIX_INPUT_FORMATS,
  SYSTOLIC_ENGINES,
  accumulationChunk,
  chipArray,
  firstDifference,
  formatGemmStats,
  randomOperands,
  referenceGemm,
  type ChipSpec,
  type GemmOperands,
  type GemmResult,
  type GemmShape,
  type TimingMode,
} from '../../index.js';
import { choice, parseCommandArgs, positiveInteger, seedArg, stringOption, UsageError } from '../args.js';
import { resolveChip } from '../chip-arg.js';
import { printJson, type Command } from '../command.js';
import type { Io } from '../io.js';
import {
  checkWork,
  DEFAULT_LIMITS,
  LIMIT_HELP,
  LIMIT_OPTIONS,
  readLimits,
  UNIT_COSTS,
  type WorkEstimate,
  type WorkLimits,
} from '../limits.js';
import { createProgress, type Progress } from '../progress.js';

/** The register-level engine updates ~1e9 cells per second: 3e10 is about half a minute. */
const MAX_REGISTER_CELL_UPDATES = 3e10;
const MAX_DIM = 1 << 24;
/** MACs per slice of the reference GEMM (about a second), so progress can be reported between slices. */
const REFERENCE_SLICE_MACS = 2e8;

export interface GemmRun {
  readonly chip: ChipSpec;
  readonly shape: GemmShape;
  readonly engine: 'register' | 'fold';
  readonly timing: TimingMode;
  readonly check: boolean;
  readonly seed: number;
  readonly dataflow?: string;
  readonly format?: string;
  /** Work limits checked before any operand is drawn (default: DEFAULT_LIMITS). */
  readonly limits?: WorkLimits;
}

export interface GemmOutcome {
  readonly result: GemmResult;
  readonly check?: {
    readonly outputs: number;
    readonly identical: boolean;
    readonly firstDifference?: { index: number; actual: number; expected: number };
  };
  readonly notes: readonly string[];
  readonly arrayInfo: ReturnType<typeof chipArray>;
}

/** Memory and time of a run with operands: A, B and C as float64, C twice (the engine's and the reference's). */
export function gemmWork(shape: GemmShape, check: boolean): WorkEstimate {
  const { m, n, k } = shape;
  const macs = m * n * k;
  return {
    what:
      `${check ? '--check' : 'operands'} for a ${m} x ${n} x ${k} GEMM: ${macs.toExponential(2)} MACs, ` +
      `${(m * k + k * n + 2 * m * n).toExponential(2)} values`,
    bytes: 8 * (m * k + k * n + 2 * m * n),
    // The register engine's own time is bounded by MAX_REGISTER_CELL_UPDATES.
    seconds: check ? macs * UNIT_COSTS.checkedMac.seconds : 0,
  };
}

export function runGemm(run: GemmRun, io?: Io): GemmOutcome {
  const info = chipArray(run.chip, {
    ...(run.dataflow ? { dataflow: run.dataflow } : {}),
    ...(run.format ? { format: run.format } : {}),
  });
  const { array } = info;
  const { shape } = run;
  const macs = shape.m * shape.n * shape.k;
  if (run.engine === 'register') {
    const cycles = SYSTOLIC_ENGINES.fold.run({ shape, array }).stats.totalCycles;
    const updates = cycles * array.rows * array.cols;
    if (updates > MAX_REGISTER_CELL_UPDATES) {
      throw new UsageError(
        `the register-level engine would update ${updates.toExponential(2)} cells (limit ` +
          `${MAX_REGISTER_CELL_UPDATES.toExponential(0)}); use --engine fold, which gives the same cycles and ` +
          `outputs`,
      );
    }
  }
  if (run.check || run.engine === 'register') checkWork(gemmWork(shape, run.check), run.limits ?? DEFAULT_LIMITS);
  const notes = [...info.variantNotes];
  if (info.unitsOnChip > 1) notes.push(`runs on one of the chip's ${info.unitsOnChip} matrix units`);
  const operands = run.check || run.engine === 'register' ? randomOperands(shape, array.format, run.seed) : undefined;
  const result = SYSTOLIC_ENGINES[run.engine].run({
    shape,
    array,
    timing: run.timing,
    ...(operands ? { operands } : {}),
  });
  if (!run.check || !operands) return { result, notes, arrayInfo: info };
  const progress = io ? createProgress(io, 'gemm --check', macs) : undefined;
  progress?.update(macs / 2);
  const expected = slicedReference(shape, array.format, accumulationChunk(array, shape), operands, progress);
  progress?.finish();
  const diff = firstDifference(result.output!, expected);
  return {
    result,
    notes,
    arrayInfo: info,
    check: { outputs: expected.length, identical: diff === undefined, ...(diff ? { firstDifference: diff } : {}) },
  };
}

/** The reference GEMM a slice of A's rows at a time (each output depends on its own row only), reporting progress. */
function slicedReference(
  shape: GemmShape,
  format: Parameters<typeof referenceGemm>[1],
  chunk: number,
  operands: GemmOperands,
  progress: Progress | undefined,
): Int32Array | Float32Array {
  const { m, n, k } = shape;
  const rowsPerSlice = Math.max(1, Math.floor(REFERENCE_SLICE_MACS / Math.max(1, n * k)));
  const a = operands.a instanceof Float64Array ? operands.a : Float64Array.from(operands.a);
  let out: Int32Array | Float32Array | undefined;
  for (let r0 = 0; r0 < m; r0 += rowsPerSlice) {
    const rows = Math.min(rowsPerSlice, m - r0);
    const slice = referenceGemm({ m: rows, n, k }, format, chunk, {
      a: a.subarray(r0 * k, (r0 + rows) * k),
      b: operands.b,
    });
    out ??= slice instanceof Int32Array ? new Int32Array(m * n) : new Float32Array(m * n);
    out.set(slice, r0 * n);
    progress?.update((m * n * k) / 2 + ((r0 + rows) * n * k) / 2);
  }
  return out!;
}

export function describeCheck(outcome: GemmOutcome, shape: GemmShape): string {
  const check = outcome.check!;
  if (check.identical)
    return `check: all ${check.outputs.toLocaleString('en-US')} outputs are bit-identical to the reference GEMM`;
  const d = check.firstDifference!;
  const row = Math.floor(d.index / shape.n);
  return `check FAILED: output C[${row}][${d.index % shape.n}] = ${d.actual}, reference = ${d.expected}`;
}

export const gemmCommand: Command = {
  name: 'gemm',
  summary: "run C = A x B on a chip's matrix unit: cycles, utilization, traffic",
  usage: `tpusim gemm M N K [--chip NAME|FILE] [--dataflow ws|os|is] [--dtype FORMAT]
            [--engine register|fold] [--timing native|scalesim] [--check] [--seed N]
            [--max-memory SIZE] [--max-time TIME] [--json]

  Runs C[M x N] = A[M x K] x B[K x N] on one matrix unit of the chip (default tpu-v1).
  --dataflow, --dtype  build the matrix unit another way (default: the chip's own)
                       formats: int8 uint8 int16 bf16 fp16 fp8-e4m3 fp8-e5m2
  --engine             fold (default): closed-form cycles, fast kernels
                       register: every cell every cycle (the executable definition)
  --timing             native (default): tpusim's micro-architecture
                       scalesim: SCALE-Sim v2's cycle convention for the same folds
  --check              run seeded random data and compare every output with a plain
                       reference GEMM; exit 1 on any difference (progress on stderr when slow)
  ${LIMIT_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('gemm', argv, {
      chip: { type: 'string' },
      dataflow: { type: 'string' },
      dtype: { type: 'string' },
      engine: { type: 'string' },
      timing: { type: 'string' },
      check: { type: 'boolean' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      ...LIMIT_OPTIONS,
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 3)
      throw new UsageError(`gemm needs three sizes M N K, got ${positionals.length}; see 'tpusim gemm --help'`);
    const [m, n, k] = positionals.map((p, i) => positiveInteger('MNK'[i]!, p, MAX_DIM)) as [number, number, number];
    const chip = resolveChip(stringOption(values, 'chip') ?? 'tpu-v1');
    const dataflowText = stringOption(values, 'dataflow');
    const formatText = stringOption(values, 'dtype');
    const dataflow = dataflowText === undefined ? undefined : choice('--dataflow', dataflowText, DATAFLOWS);
    const format = formatText === undefined ? undefined : choice('--dtype', formatText, MATRIX_INPUT_FORMATS);
    const shape = { m, n, k };
    const run: GemmRun = {
      chip,
      shape,
      engine: choice('--engine', stringOption(values, 'engine') ?? 'fold', ['fold', 'register'] as const),
      timing: choice('--timing', stringOption(values, 'timing') ?? 'native', ['native', 'scalesim'] as const),
      check: values['check'] === true,
      seed: seedArg('--seed', stringOption(values, 'seed')),
      ...(dataflow ? { dataflow } : {}),
      ...(format ? { format } : {}),
    };
    const outcome = runGemm({ ...run, limits: readLimits(values) }, io);
    const { array } = outcome.arrayInfo;
    if (values['json']) {
      printJson(io, 'gemm', {
        chip: chip.name,
        engine: run.engine,
        shape,
        array,
        notes: outcome.notes,
        ...outcome.result.stats,
        ...(outcome.check ? { check: outcome.check } : {}),
      });
    } else {
      io.out(`${chip.name}: ${run.engine}-level engine`);
      for (const note of outcome.notes) io.out(`note: ${note}`);
      io.out(formatGemmStats(shape, array, outcome.result.stats, chip.clockHz));
      if (outcome.check) io.out(describeCheck(outcome, shape));
    }
    return outcome.check && !outcome.check.identical ? 1 : 0;
  },
};
