/**
 * How each dataflow maps a GEMM onto an R x C array (SCALE-Sim's convention, see SCALE-SIM.md): one GEMM
 * dimension along the rows, one along the columns, one streamed in time. Each dataflow declares its own
 * mapping and mechanism; engines never switch on a dataflow's name.
 *
 * Two mechanisms exist in hardware terms:
 * - `stationary`: one operand tile sits in the array; the other streams in from the left, skewed one
 *   cycle per row; partial sums flow down the columns into accumulators. Weight-stationary holds B;
 *   input-stationary holds A, which is the same machine run on the transposed problem C^T = B^T A^T.
 * - `output`: each cell owns one output and accumulates it in place while A streams from the left and
 *   B from the top; finished results shift out down the columns.
 */
import type { Dataflow } from '../../arch/chip-spec.js';
import type { GemmShape } from './types.js';

export type GemmDim = 'm' | 'n' | 'k';

export interface DataflowMapping {
  readonly rowDim: GemmDim;
  readonly colDim: GemmDim;
  readonly timeDim: GemmDim;
  readonly mechanism: 'stationary' | 'output';
  /** Stationary mechanism on the transposed problem (input-stationary). */
  readonly transposed: boolean;
  readonly stallReason: 'weight-load' | 'output-drain';
}

export const DATAFLOW_MAPPINGS: Readonly<Record<Dataflow, DataflowMapping>> = {
  ws: {
    rowDim: 'k',
    colDim: 'n',
    timeDim: 'm',
    mechanism: 'stationary',
    transposed: false,
    stallReason: 'weight-load',
  },
  is: { rowDim: 'k', colDim: 'm', timeDim: 'n', mechanism: 'stationary', transposed: true, stallReason: 'weight-load' },
  os: { rowDim: 'm', colDim: 'n', timeDim: 'k', mechanism: 'output', transposed: false, stallReason: 'output-drain' },
};

/** The GEMM laid onto an array: sizes along rows (Sr), columns (Sc) and time (T), and the fold grid. */
export interface FoldGrid {
  readonly rows: number;
  readonly cols: number;
  readonly spatialRows: number;
  readonly spatialCols: number;
  readonly time: number;
  readonly rowFolds: number;
  readonly colFolds: number;
  /** Rows / columns used by the last row fold / column fold (the others use all R / C). */
  readonly lastRowsUsed: number;
  readonly lastColsUsed: number;
}

export function foldGrid(shape: GemmShape, rows: number, cols: number, dataflow: Dataflow): FoldGrid {
  const mapping = DATAFLOW_MAPPINGS[dataflow];
  const spatialRows = shape[mapping.rowDim];
  const spatialCols = shape[mapping.colDim];
  const rowFolds = Math.ceil(spatialRows / rows);
  const colFolds = Math.ceil(spatialCols / cols);
  return {
    rows,
    cols,
    spatialRows,
    spatialCols,
    time: shape[mapping.timeDim],
    rowFolds,
    colFolds,
    lastRowsUsed: spatialRows - (rowFolds - 1) * rows,
    lastColsUsed: spatialCols - (colFolds - 1) * cols,
  };
}

export interface Fold {
  readonly index: number;
  readonly rowFold: number;
  readonly colFold: number;
  readonly rowStart: number;
  readonly rowsUsed: number;
  readonly colStart: number;
  readonly colsUsed: number;
}

/** Folds in execution order: column folds outer, row folds inner (as SCALE-Sim), so the row folds that
 * reduce into the same outputs run back to back. */
export function listFolds(grid: FoldGrid): Fold[] {
  const folds: Fold[] = [];
  for (let c = 0; c < grid.colFolds; c++) {
    for (let r = 0; r < grid.rowFolds; r++) {
      folds.push({
        index: folds.length,
        rowFold: r,
        colFold: c,
        rowStart: r * grid.rows,
        rowsUsed: r === grid.rowFolds - 1 ? grid.lastRowsUsed : grid.rows,
        colStart: c * grid.cols,
        colsUsed: c === grid.colFolds - 1 ? grid.lastColsUsed : grid.cols,
      });
    }
  }
  return folds;
}
