/**
 * The systolic GEMM interface shared by every engine: `C[M,N] (+)= A[M,K] x B[K,N]` on one R x C array.
 * Operands are row-major arrays of values already representable in the input format.
 */
import type { Dataflow, MatrixInputFormat } from '../../arch/chip-spec.js';

export interface GemmShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

export interface ArrayConfig {
  readonly rows: number;
  readonly cols: number;
  readonly dataflow: Dataflow;
  readonly format: MatrixInputFormat;
  /** The next stationary tile loads while the current one computes. */
  readonly doubleBuffered: boolean;
}

export type TimingMode = 'native' | 'scalesim';

export interface GemmOperands {
  /** M x K, row-major. */
  readonly a: ArrayLike<number>;
  /** K x N, row-major. */
  readonly b: ArrayLike<number>;
  /** M x N initial accumulator contents; when given, the GEMM accumulates into it. */
  readonly c?: ArrayLike<number>;
}

export interface RecordOptions {
  /** Stop recording after this many cycles (the run continues). */
  readonly maxCycles: number;
}

export interface GemmRequest {
  readonly shape: GemmShape;
  readonly array: ArrayConfig;
  /** Omit for a timing-only run. */
  readonly operands?: GemmOperands;
  readonly timing?: TimingMode;
  /** Register engine only: keep a snapshot of every cell each cycle (arrays up to 32 x 32). */
  readonly record?: RecordOptions;
}

/** Element reads and writes per operand, at the array's boundary (the buffers that feed it). */
export interface AccessCounts {
  readonly aReads: number;
  readonly bReads: number;
  readonly cWrites: number;
  /** Accumulator reads for read-modify-write when a fold adds to earlier partial sums. */
  readonly cReads: number;
}

export interface GemmStats {
  readonly timing: TimingMode;
  readonly totalCycles: number;
  /** Cycles in which the array's input edge takes a new row or column of the streamed operand. */
  readonly streamCycles: number;
  /** Cycles the input edge waits: for a weight tile (ws, is) or for the output drain (os). In
   * SCALE-Sim's convention, the R-cycle weight load of every ws/is fold. */
  readonly stallCycles: number;
  readonly stallReason: 'weight-load' | 'output-drain';
  /** Pipeline fill and drain that streaming does not hide: natively the skew latency, paid once after
   * the last input row enters (R + colsUsed - 2 for ws/is, plus the R-cycle output drain for os);
   * in SCALE-Sim's convention the fill and drain of every fold. */
  readonly fillDrainCycles: number;
  /** Cycles the stationary-tile loader is busy (ws, is), whether hidden or not. */
  readonly weightLoadCycles: number;
  readonly rowFolds: number;
  readonly colFolds: number;
  readonly folds: number;
  readonly macs: number;
  /** macs / (totalCycles x rows x cols). */
  readonly macUtilization: number;
  /** Mean over folds of used cells / all cells. */
  readonly mappingEfficiency: number;
  readonly accesses: AccessCounts;
}

export interface CellSnapshot {
  readonly cycle: number;
  /** Per cell (row-major R x C; NaN where idle): the value passing right, the value passing down
   * (a partial sum for ws/is, a B element for os), and the value the cell holds (weight or accumulator). */
  readonly fromLeft: Float64Array;
  readonly fromTop: Float64Array;
  readonly held: Float64Array;
  /** Token id per cell (-1: idle). */
  readonly tokens: Int32Array;
}

export interface GemmResult {
  readonly output?: Int32Array | Float32Array;
  readonly stats: GemmStats;
  readonly snapshots?: readonly CellSnapshot[];
}

export interface SystolicEngine {
  readonly name: 'register' | 'fold';
  run(request: GemmRequest): GemmResult;
}
