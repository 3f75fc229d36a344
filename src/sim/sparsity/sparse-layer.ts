/**
 * One layer of a SCALE-Sim v3 run with sparsity on a weight-stationary array: the compressed filter,
 * and the Mapping Efficiency and Compute Util v3 reports for it. v3 folds the compressed K (K') over the
 * rows, so the cycles are SCALE-Sim's dense cycles for M x N x K'; its Overall Util still counts the
 * dense M N K MACs. Mapping efficiency is the share of array cells holding a filter value (v3 counts
 * null requests, -1, per fold): in layer-wise mode that is v2's used rows x used columns, in row-wise
 * mode only the packed non-zeros count.
 */
import type { ScaleSimSparsity } from '../../arch/scalesim-config.js';
import { foldGrid, listFolds } from '../systolic/dataflows.js';
import {
  pythonSum,
  scaleSimUtilization,
  type PythonFloatSum,
  type ScaleSimUtilization,
} from '../systolic/scalesim-metrics.js';
import { packedNonzeros, sparseFilter, type SparseFilter, type SparsityRatio } from './sparse-filter.js';

export interface SparseLayer {
  /** The dense GEMM: M x N x K, whose M N K MACs v3's Overall Util counts. */
  readonly shape: { readonly m: number; readonly n: number; readonly k: number };
  readonly filter: SparseFilter;
  /** The GEMM the array runs: M x N x K'. */
  readonly compressedShape: { readonly m: number; readonly n: number; readonly k: number };
  readonly scaleSim: ScaleSimUtilization;
}

export function sparseLayer(
  shape: { readonly m: number; readonly n: number; readonly k: number },
  ratio: SparsityRatio,
  sparsity: ScaleSimSparsity,
  rows: number,
  cols: number,
  floatSum: PythonFloatSum,
): SparseLayer {
  const filter = sparseFilter(shape.k, shape.n, ratio, sparsity);
  const compressedShape = { m: shape.m, n: shape.n, k: filter.compressedK };
  const dense = scaleSimUtilization(compressedShape, rows, cols, 'ws', floatSum);
  if (!filter.columnNonzeros)
    return { shape: { m: shape.m, n: shape.n, k: shape.k }, filter, compressedShape, scaleSim: dense };
  const folds = listFolds(foldGrid(compressedShape, rows, cols, 'ws'));
  const mapping = folds.map((f) => {
    const { rowStart, colStart } = f;
    return (
      packedNonzeros(
        shape.k,
        sparsity.blockSize,
        filter.columnNonzeros!,
        rowStart,
        rowStart + f.rowsUsed,
        colStart,
        colStart + f.colsUsed,
      ) /
      (rows * cols)
    );
  });
  return {
    shape: { m: shape.m, n: shape.n, k: shape.k },
    filter,
    compressedShape,
    scaleSim: {
      mappingEfficiency: pythonSum(mapping, floatSum) / folds.length,
      computeUtilization: dense.computeUtilization,
    },
  };
}
