/**
 * SCALE-Sim v2's per-layer utilization metrics, computed the way its code does (a value per fold, in
 * fold order, added with Python's built-in `sum`, then divided by the fold count) so the printed digits
 * match. Python's `sum` of floats changed in 3.12 from left-to-right addition to Neumaier's compensated
 * summation, so the last digits depend on the Python that ran SCALE-Sim: `modern` (>= 3.12, default) or
 * `legacy` (<= 3.11). Published SCALE-Sim reports of both kinds exist (test/fixtures/scalesim).
 * - mapping efficiency: used cells / array cells;
 * - compute utilization: used cells x T / (array cells x the fold's cycles), where the fold's cycles
 *   are T + R + C - 2 for os but 2R + 2C + T - 3 for ws and is (C - 1 more than the fold takes).
 */
import type { Dataflow } from '../../arch/chip-spec.js';
import { DATAFLOW_MAPPINGS, foldGrid, listFolds } from './dataflows.js';
import type { GemmShape } from './types.js';

export interface ScaleSimUtilization {
  readonly mappingEfficiency: number;
  readonly computeUtilization: number;
}

export type PythonFloatSum = 'modern' | 'legacy';

/** Python's built-in `sum` over floats: Neumaier summation since 3.12, plain addition before. */
export function pythonSum(values: readonly number[], kind: PythonFloatSum): number {
  let sum = 0;
  let compensation = 0;
  for (const x of values) {
    const t = sum + x;
    if (kind === 'modern') compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return compensation !== 0 && Number.isFinite(compensation) ? sum + compensation : sum;
}

export function scaleSimUtilization(
  shape: GemmShape,
  rows: number,
  cols: number,
  dataflow: Dataflow,
  floatSum: PythonFloatSum = 'modern',
): ScaleSimUtilization {
  const grid = foldGrid(shape, rows, cols, dataflow);
  const T = grid.time;
  const cyclesPerFold =
    DATAFLOW_MAPPINGS[dataflow].mechanism === 'output' ? T + rows + cols - 2 : 2 * rows + 2 * cols + T - 3;
  const folds = listFolds(grid);
  const mapping = folds.map((f) => (f.rowsUsed * f.colsUsed) / (rows * cols));
  const compute = folds.map((f) => (f.rowsUsed * f.colsUsed * T) / (rows * cols * cyclesPerFold));
  return {
    mappingEfficiency: pythonSum(mapping, floatSum) / folds.length,
    computeUtilization: pythonSum(compute, floatSum) / folds.length,
  };
}
