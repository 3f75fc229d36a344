/**
 * Closed-form cycle counts and event counts of a GEMM on one systolic array: the fold-level engine's
 * timing, and the formulas the analytical model shares. O(1) in the GEMM size.
 *
 * Native timing (the register-level engine's micro-architecture, see docs/systolic-array.md):
 * - stationary (ws, is): a tile takes R cycles to load; the first fold starts after its load
 *   (S0 = R); fold f+1 starts P cycles after fold f with P = max(T, R) when tiles are double-buffered
 *   and P = T + R when not; the last result leaves the array T + R + colsUsed - 2 cycles after its
 *   fold starts.
 * - output (os): fold f+1 starts max(K, rowsUsed + colsUsed + R - 1) cycles after fold f (a fold's
 *   results shift out through the column drain registers before the next fold's results land there);
 *   results leave K + rowsUsed + colsUsed - 2 + R cycles after their fold starts.
 * SCALE-Sim timing: folds run back to back at T + R + C - 2 (os) or 2R + C + T - 2 (ws, is) cycles
 * each, and the total is one less than their sum (SCALE-Sim reports the last cycle's index).
 */
import type { Dataflow } from '../../arch/chip-spec.js';
import { foldPeriodCycles, passLatencyCycles } from '../../arch/timing.js';
import { DATAFLOW_MAPPINGS, foldGrid, type FoldGrid } from './dataflows.js';
import type { AccessCounts, ArrayConfig, GemmShape, GemmStats, TimingMode } from './types.js';

export interface CycleBreakdown {
  readonly totalCycles: number;
  readonly streamCycles: number;
  readonly stallCycles: number;
  readonly fillDrainCycles: number;
  readonly weightLoadCycles: number;
}

function breakdown(grid: FoldGrid, lastStart: number, totalCycles: number, weightLoadCycles: number): CycleBreakdown {
  const folds = grid.rowFolds * grid.colFolds;
  const streamCycles = folds * grid.time;
  const fillDrainCycles = totalCycles - (lastStart + grid.time);
  return {
    totalCycles,
    streamCycles,
    stallCycles: totalCycles - streamCycles - fillDrainCycles,
    fillDrainCycles,
    weightLoadCycles,
  };
}

function stationaryNative(grid: FoldGrid, doubleBuffered: boolean): CycleBreakdown {
  const { rows: R, cols: C, time: T, rowFolds, colFolds } = grid;
  const folds = rowFolds * colFolds;
  const period = foldPeriodCycles(T, R, doubleBuffered);
  const start = (f: number): number => R + f * period;
  const finish = (f: number, colsUsed: number): number => start(f) + passLatencyCycles(T, R, colsUsed);
  let total = finish(folds - 1, grid.lastColsUsed);
  // A narrow last column fold can finish before the wider fold ahead of it.
  if (colFolds > 1) total = Math.max(total, finish(folds - rowFolds - 1, C));
  return breakdown(grid, start(folds - 1), total, folds * R);
}

function outputNative(grid: FoldGrid): CycleBreakdown {
  const { rows: R, cols: C, time: K, rowFolds, colFolds, lastRowsUsed: ru, lastColsUsed: cu } = grid;
  const period = (rowsUsed: number, colsUsed: number): number => Math.max(K, rowsUsed + colsUsed + R - 1);
  const sumAll =
    (rowFolds - 1) * (colFolds - 1) * period(R, C) +
    (rowFolds - 1) * period(R, cu) +
    (colFolds - 1) * period(ru, C) +
    period(ru, cu);
  const lastStart = sumAll - period(ru, cu);
  return breakdown(grid, lastStart, lastStart + K + ru + cu - 2 + R, 0);
}

/** SCALE-Sim's folds: each streams T rows, loads its stationary tile (R cycles, ws and is) and fills
 * and drains the array (R + C - 2); the total is one less than the sum. */
function scalesim(grid: FoldGrid, stationary: boolean): CycleBreakdown {
  const { rows: R, cols: C, time: T } = grid;
  const folds = grid.rowFolds * grid.colFolds;
  const totalCycles = folds * (T + R + C - 2 + (stationary ? R : 0)) - 1;
  const streamCycles = folds * T;
  const stallCycles = stationary ? folds * R : 0;
  return {
    totalCycles,
    streamCycles,
    stallCycles,
    fillDrainCycles: totalCycles - streamCycles - stallCycles,
    weightLoadCycles: stallCycles,
  };
}

export function gemmCycles(
  grid: FoldGrid,
  dataflow: Dataflow,
  doubleBuffered: boolean,
  timing: TimingMode,
): CycleBreakdown {
  const stationary = DATAFLOW_MAPPINGS[dataflow].mechanism === 'stationary';
  if (timing === 'scalesim') return scalesim(grid, stationary);
  return stationary ? stationaryNative(grid, doubleBuffered) : outputNative(grid);
}

/** Element traffic at the array's edges. `accumulate`: the first fold of each output adds to existing C. */
export function gemmAccesses(shape: GemmShape, grid: FoldGrid, dataflow: Dataflow, accumulate: boolean): AccessCounts {
  const { m, n, k } = shape;
  const acc = accumulate ? 1 : 0;
  if (DATAFLOW_MAPPINGS[dataflow].mechanism === 'output') {
    return { aReads: m * k * grid.colFolds, bReads: k * n * grid.rowFolds, cWrites: m * n, cReads: acc * m * n };
  }
  const streamedReads = grid.time * k * grid.colFolds;
  const stationaryReads = k * grid.spatialCols;
  const cWrites = m * n * grid.rowFolds;
  const cReads = m * n * (grid.rowFolds - 1 + acc);
  return DATAFLOW_MAPPINGS[dataflow].transposed
    ? { aReads: stationaryReads, bReads: streamedReads, cWrites, cReads }
    : { aReads: streamedReads, bReads: stationaryReads, cWrites, cReads };
}

/** All statistics of a GEMM from closed forms (the fold-level engine's timing). */
export function gemmStats(shape: GemmShape, array: ArrayConfig, timing: TimingMode, accumulate: boolean): GemmStats {
  const grid = foldGrid(shape, array.rows, array.cols, array.dataflow);
  const cycles = gemmCycles(grid, array.dataflow, array.doubleBuffered, timing);
  const folds = grid.rowFolds * grid.colFolds;
  const macs = shape.m * shape.n * shape.k;
  const cells = array.rows * array.cols;
  return {
    timing,
    ...cycles,
    stallReason: DATAFLOW_MAPPINGS[array.dataflow].stallReason,
    rowFolds: grid.rowFolds,
    colFolds: grid.colFolds,
    folds,
    macs,
    macUtilization: macs / (cycles.totalCycles * cells),
    mappingEfficiency: (grid.spatialRows * grid.spatialCols) / (folds * cells),
    accesses: gemmAccesses(shape, grid, array.dataflow, accumulate),
  };
}
