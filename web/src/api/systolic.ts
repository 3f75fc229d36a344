/**
 * Requests of the Systolic array page: one run of the register-level engine with every cell recorded,
 * flattened into typed arrays (the worker's structured clone copies each in one piece), and its output
 * compared with the reference GEMM, as `tpusim gemm --engine register --check` does.
 */
// From src/web.ts, not src/index.ts: the page imports this module's limits and labels too, and the whole
// library would otherwise join the page's bundle.
import {
  accumulationChunk,
  DATAFLOWS,
  firstDifference,
  randomOperands,
  referenceGemm,
  registerEngine,
  type ArrayConfig,
  type Dataflow,
  type GemmStats,
} from '../../../src/web.js';

/** Array sides: the engine records snapshots of at most 32 x 32 cells (MAX_RECORDED_CELLS). */
export const MAX_ARRAY_SIDE = 32;
/** GEMM sizes: enough for several folds on a small array, small enough to animate. */
export const MAX_GEMM_DIM = 64;
/** Recorded cell values sent to the page (about 28 bytes each, so about 17 MB), and frames at most. */
const RECORDED_VALUES = 600_000;
const MAX_FRAMES = 20_000;

export interface SystolicArgs {
  readonly rows: number;
  readonly cols: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly dataflow: Dataflow;
  readonly seed: number;
}

/** An operand stream the picture draws beside the array: a short name and what it is. */
export interface EdgeStream {
  readonly name: string;
  readonly about: string;
}

/** What a cell's registers mean under each dataflow, and which operand streams the picture draws at its edges. */
export interface CellRoles {
  readonly fromLeft: string;
  readonly fromTop: string;
  readonly held: string;
  readonly token: string;
  readonly left: EdgeStream;
  /** Values waiting to enter at the top (os streams B down the columns). */
  readonly top?: EdgeStream;
  /** Partial sums that left the bottom row for the accumulators (ws, is). */
  readonly bottom?: EdgeStream;
}

const SUMS_OUT: EdgeStream = {
  name: 'sums out ↓',
  about: 'partial sums that left the bottom row for the accumulators, newest first',
};

export const DATAFLOW_ROLES: Readonly<Record<Dataflow, CellRoles>> = {
  ws: {
    fromLeft: 'A value (passes right)',
    fromTop: 'partial sum (passes down)',
    held: 'weight B[k][n]',
    token: 'row m of A',
    left: { name: 'A →', about: 'rows of A waiting to enter, skewed one cycle per array row' },
    bottom: SUMS_OUT,
  },
  is: {
    fromLeft: 'B value (passes right)',
    fromTop: 'partial sum of Cᵀ (passes down)',
    held: 'input A[m][k]',
    token: 'column n of B',
    left: { name: 'Bᵀ →', about: 'columns of B waiting to enter, skewed one cycle per array row' },
    bottom: SUMS_OUT,
  },
  os: {
    fromLeft: 'A value (passes right)',
    fromTop: 'B value (passes down)',
    held: 'accumulator C[m][n]',
    token: 'step k',
    left: { name: 'A →', about: 'rows of A waiting to enter, skewed one cycle per array row' },
    top: { name: 'B ↓', about: 'columns of B waiting to enter, skewed one cycle per array column' },
  },
};

export interface SystolicIssue {
  readonly path: string;
  readonly message: string;
}

/** Every problem with the page's inputs, each naming the field and its limit. */
export function systolicIssues(
  values: Readonly<Record<'rows' | 'cols' | 'm' | 'n' | 'k' | 'seed' | 'dataflow', string>>,
): SystolicIssue[] {
  const limits = {
    rows: MAX_ARRAY_SIDE,
    cols: MAX_ARRAY_SIDE,
    m: MAX_GEMM_DIM,
    n: MAX_GEMM_DIM,
    k: MAX_GEMM_DIM,
    seed: 2 ** 31 - 1,
  } as const;
  const issues: SystolicIssue[] = [];
  for (const [path, max] of Object.entries(limits)) {
    const text = values[path as keyof typeof limits];
    const v = Number(text);
    if (text.trim() === '' || !Number.isInteger(v))
      issues.push({ path, message: `${path}: '${text}' is not a whole number` });
    else if (v < 1) issues.push({ path, message: `${path}: ${v} is below 1` });
    else if (v > max) issues.push({ path, message: `${path}: ${v} exceeds ${max}` });
  }
  if (!(DATAFLOWS as readonly string[]).includes(values.dataflow))
    issues.push({ path: 'dataflow', message: `dataflow: '${values.dataflow}' is not one of ${DATAFLOWS.join(', ')}` });
  return issues;
}

/**
 * The phase of each cycle, from two observations. Drain: the last `stats.fillDrainCycles` cycles, the
 * fill and drain that the engine reports streaming did not hide, paid after the last input entered.
 * Fill: the cycles before the array first holds its peak number of busy cells (the ws/is weight load
 * included). Steady: the cycles between. A GEMM too small to fill the array has no steady cycles.
 */
function phaseBounds(stats: GemmStats, occupancy: Int32Array): { fillEnd: number; drainStart: number } {
  const drainStart = stats.totalCycles - stats.fillDrainCycles;
  const peak = occupancy.reduce((a, b) => Math.max(a, b), 0);
  const firstPeak = occupancy.indexOf(peak);
  return { fillEnd: Math.min(firstPeak < 0 ? drainStart : firstPeak, drainStart), drainStart };
}

function systolicRun(args: SystolicArgs) {
  const issues = systolicIssues({
    ...args,
    rows: String(args.rows),
    cols: String(args.cols),
    m: String(args.m),
    n: String(args.n),
    k: String(args.k),
    seed: String(args.seed),
  });
  if (issues.length > 0) throw new Error(issues.map((i) => i.message).join('\n'));
  const { rows, cols } = args;
  const cells = rows * cols;
  const shape = { m: args.m, n: args.n, k: args.k };
  const array: ArrayConfig = { rows, cols, dataflow: args.dataflow, format: 'int8', doubleBuffered: true };
  const operands = randomOperands(shape, array.format, args.seed);
  const maxCycles = Math.min(MAX_FRAMES, Math.floor(RECORDED_VALUES / cells));
  const result = registerEngine.run({ shape, array, operands, record: { maxCycles } });
  const snaps = result.snapshots ?? [];
  const frames = snaps.length;
  const tokens = new Int32Array(frames * cells);
  const fromLeft = new Float64Array(frames * cells);
  const fromTop = new Float64Array(frames * cells);
  const held = new Float64Array(frames * cells);
  const occupancy = new Int32Array(frames);
  snaps.forEach((s, t) => {
    tokens.set(s.tokens, t * cells);
    fromLeft.set(s.fromLeft, t * cells);
    fromTop.set(s.fromTop, t * cells);
    held.set(s.held, t * cells);
    occupancy[t] = s.tokens.reduce((busy, id) => busy + (id >= 0 ? 1 : 0), 0);
  });
  const reference = referenceGemm(shape, array.format, accumulationChunk(array, shape), operands);
  const difference = firstDifference(result.output!, reference);
  return {
    array,
    shape,
    seed: args.seed,
    stats: result.stats,
    roles: DATAFLOW_ROLES[args.dataflow],
    frames,
    tokens,
    fromLeft,
    fromTop,
    held,
    occupancy,
    phases: phaseBounds(result.stats, occupancy),
    operands: { a: Float64Array.from(operands.a), b: Float64Array.from(operands.b) },
    output: result.output!,
    check: {
      outputs: reference.length,
      identical: difference === undefined,
      ...(difference ? { firstDifference: difference } : {}),
    },
  };
}

export type SystolicRun = ReturnType<typeof systolicRun>;

export const systolicApi = { systolicRun };
