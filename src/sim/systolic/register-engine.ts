/**
 * The register-level engine: runs the cell-by-cell models and reports what they observed.
 * With `timing: 'scalesim'` it still computes every value cell by cell, but reports SCALE-Sim's cycle
 * convention for the same folds (a convention, not a schedule; see closed-form.ts).
 */
import { gemmCycles } from './closed-form.js';
import { Accumulators } from './accumulators.js';
import { DATAFLOW_MAPPINGS, foldGrid, listFolds, type Fold, type FoldGrid } from './dataflows.js';
import { SimError } from '../errors.js';
import { arithmeticFor, checkOperands, checkShape, type Arithmetic } from './operands.js';
import { runOutputStationary } from './register-output.js';
import { runStationary } from './register-stationary.js';
import type { CellSnapshot, GemmRequest, GemmResult, GemmShape, GemmStats, SystolicEngine } from './types.js';
import type { SpanMachineKind } from './wasm/span-machine.js';

/** Snapshots are meant for animation; larger arrays would need gigabytes. */
export const MAX_RECORDED_CELLS = 32 * 32;

interface Observed {
  readonly totalCycles: number;
  readonly streamCycles: number;
  readonly stallCycles: number;
  readonly fillDrainCycles: number;
  readonly weightLoadCycles: number;
  readonly aReads: number;
  readonly bReads: number;
  readonly snapshots: CellSnapshot[];
}

/** Row-major copy of an R x C matrix as C x R. */
function transposed(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/**
 * ws streams A's rows against B's tile; is streams B's columns against A's tile (C^T = B^T A^T).
 * Each fold is one pass against its own tile, available from cycle 0.
 */
function runStationaryGemm(
  shape: GemmShape,
  request: GemmRequest,
  grid: FoldGrid,
  folds: Fold[],
  arith: Arithmetic,
  acc: Accumulators,
  machine: SpanMachineKind | 'auto',
): Observed {
  const { m: M, n: N, k: K } = shape;
  const { array, operands } = request;
  const t = DATAFLOW_MAPPINGS[array.dataflow].transposed;
  const T = grid.time;
  const W = grid.spatialCols;
  const streamed = !operands ? new Float64Array(T * K) : t ? transposed(operands.b, K, N) : operands.a;
  const stationary = !operands ? new Float64Array(K * W) : t ? transposed(operands.a, M, K) : operands.b;
  // Tiles and inputs are views into the operands: no copies.
  const tiles = folds.map((fold) => ({
    depth: fold.rowsUsed,
    cols: fold.colsUsed,
    readyAt: 0,
    values: stationary,
    offset: fold.rowStart * W + fold.colStart,
    stride: W,
  }));
  const passes = folds.map((fold) => ({
    tile: fold.index,
    rows: T,
    notBefore: 0,
    inputs: streamed,
    inputOffset: fold.rowStart,
    inputStride: K,
    outputBase: fold.colStart,
    outputRowStride: W,
    overwrite: fold.rowFold === 0 && operands?.c === undefined,
  }));
  const run = runStationary({
    rows: array.rows,
    cols: array.cols,
    doubleBuffered: array.doubleBuffered,
    isFloat: arith.isFloat,
    machine,
    tiles,
    passes,
    accumulators: acc,
    recordCycles: request.record?.maxCycles ?? 0,
  });
  return {
    ...run,
    aReads: t ? run.stationaryReads : run.streamedReads,
    bReads: t ? run.streamedReads : run.stationaryReads,
  };
}

function runOutputGemm(
  shape: GemmShape,
  request: GemmRequest,
  folds: Fold[],
  arith: Arithmetic,
  acc: Accumulators,
  machine: SpanMachineKind | 'auto',
): Observed {
  const { array, operands } = request;
  const run = runOutputStationary({
    rows: array.rows,
    cols: array.cols,
    isFloat: arith.isFloat,
    machine,
    k: shape.k,
    n: shape.n,
    folds,
    a: operands ? operands.a : new Float64Array(shape.m * shape.k),
    b: operands ? operands.b : new Float64Array(shape.k * shape.n),
    accumulators: acc,
    accumulate: operands?.c !== undefined,
    recordCycles: request.record?.maxCycles ?? 0,
  });
  return { ...run, weightLoadCycles: 0 };
}

/**
 * The register-level engine on a span machine: 'auto' (WebAssembly SIMD where available), or one of
 * them explicitly ('js' is the portable fallback; tests run both).
 */
export function createRegisterEngine(machine: SpanMachineKind | 'auto' = 'auto'): SystolicEngine {
  return { name: 'register', run: (request) => runRegisterLevel(request, machine) };
}

function runRegisterLevel(request: GemmRequest, machine: SpanMachineKind | 'auto'): GemmResult {
  const { shape, array, operands } = request;
  checkShape(shape);
  if (operands) checkOperands(shape, array.format, operands);
  if (request.record && array.rows * array.cols > MAX_RECORDED_CELLS) {
    throw new SimError(
      'too_large',
      `recording snapshots needs an array of at most 32 x 32 cells, got ${array.rows} x ${array.cols}`,
    );
  }
  const { m: M, n: N, k: K } = shape;
  const arith = arithmeticFor(array.format);
  const grid = foldGrid(shape, array.rows, array.cols, array.dataflow);
  const folds = listFolds(grid);
  const mapping = DATAFLOW_MAPPINGS[array.dataflow];
  // Accumulators in the array's orientation: input-stationary produces C^T.
  const initial =
    operands?.c === undefined
      ? undefined
      : mapping.transposed
        ? transposed(operands.c, M, N)
        : Float64Array.from(operands.c);
  const acc = new Accumulators(M * N, arith.isFloat, initial);
  const observed =
    mapping.mechanism === 'output'
      ? runOutputGemm(shape, request, folds, arith, acc, machine)
      : runStationaryGemm(shape, request, grid, folds, arith, acc, machine);
  const output = arith.newOutput(M * N);
  output.set(mapping.transposed ? transposed(acc.values, N, M) : acc.values);

  const timing = request.timing ?? 'native';
  const cycles = timing === 'native' ? observed : gemmCycles(grid, array.dataflow, array.doubleBuffered, timing);
  const cells = array.rows * array.cols;
  const usedCells = folds.reduce((sum, f) => sum + f.rowsUsed * f.colsUsed, 0);
  const macs = M * N * K;
  const stats: GemmStats = {
    timing,
    totalCycles: cycles.totalCycles,
    streamCycles: cycles.streamCycles,
    stallCycles: cycles.stallCycles,
    fillDrainCycles: cycles.fillDrainCycles,
    weightLoadCycles: cycles.weightLoadCycles,
    stallReason: mapping.stallReason,
    rowFolds: grid.rowFolds,
    colFolds: grid.colFolds,
    folds: folds.length,
    macs,
    macUtilization: macs / (cycles.totalCycles * cells),
    mappingEfficiency: usedCells / (folds.length * cells),
    accesses: { aReads: observed.aReads, bReads: observed.bReads, cWrites: acc.writes, cReads: acc.reads },
  };
  const result: GemmResult = operands ? { output, stats } : { stats };
  return request.record ? { ...result, snapshots: observed.snapshots } : result;
}

export const registerEngine: SystolicEngine = createRegisterEngine();
