/**
 * One layer of a SCALE-Sim v3 run with sparsity on a weight-stationary array: the compressed filter,
 * and the Mapping Efficiency and Compute Util v3 reports for it. v3 folds the compressed K (K') over the
 * rows, so the cycles are SCALE-Sim's dense cycles for M x N x K'; its Overall Util still counts the
 * dense M N K MACs. Mapping efficiency is the share of array cells holding a filter value (v3 counts
 * null requests, -1, per fold): in layer-wise mode that is v2's used rows x used columns, in row-wise
 * mode only the packed non-zeros count.
 *
 * Layer-wise, v3 also hands os and is the compressed operands (without telling them about sparsity), so
 * they too run the dense M x N x K' GEMM; row-wise packing with os/is makes v3 assert (callers refuse it).
 * v3's memory system then sees the compressed operands; its one sparse count is the ws IFMAP SRAM reads,
 * which it scales by M/N in layer-wise mode ("a row needs to be read M/N times").
 */
import type { Dataflow } from '../../arch/chip-spec.js';
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
  /**
   * v3's IFMAP SRAM reads where they differ from its dense count (ws, layer-wise): per fold M x rows used x
   * (M/N), summed as Python floats in fold order. Absent: the memory system's own count.
   */
  readonly ifmapSramReads?: number;
}

export function sparseLayer(
  shape: { readonly m: number; readonly n: number; readonly k: number },
  ratio: SparsityRatio,
  sparsity: ScaleSimSparsity,
  rows: number,
  cols: number,
  floatSum: PythonFloatSum,
  dataflow: Dataflow = 'ws',
): SparseLayer {
  if (sparsity.optimizedMapping && dataflow !== 'ws')
    throw new RangeError(`row-wise sparsity (OptimizedMapping) runs on ws only, got ${dataflow}`);
  const filter = sparseFilter(shape.k, shape.n, ratio, sparsity);
  const compressedShape = { m: shape.m, n: shape.n, k: filter.compressedK };
  const dense = scaleSimUtilization(compressedShape, rows, cols, dataflow, floatSum);
  if (!filter.columnNonzeros) {
    const base = { shape: { m: shape.m, n: shape.n, k: shape.k }, filter, compressedShape, scaleSim: dense };
    if (dataflow !== 'ws') return base;
    return { ...base, ifmapSramReads: layerWiseIfmapReads(compressedShape, rows, cols, ratio) };
  }
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

/** v3's ws IFMAP SRAM reads in layer-wise mode (systolic_compute_ws.py, create_ifmap_demand_mat). */
function layerWiseIfmapReads(
  compressed: { readonly m: number; readonly n: number; readonly k: number },
  rows: number,
  cols: number,
  ratio: SparsityRatio,
): number {
  const scale = ratio.block / ratio.nonzeros;
  let reads = 0;
  for (const fold of listFolds(foldGrid(compressed, rows, cols, 'ws'))) reads += compressed.m * fold.rowsUsed * scale;
  return reads;
}
