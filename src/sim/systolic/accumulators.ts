/**
 * The accumulator memory that a systolic array's results land in, in the array's own orientation
 * (streamed index x stationary column). A fold's first chunk overwrites (unless the GEMM accumulates
 * into an initial C); later chunks add: int32 with wrap, fp32 with rounding (operands.ts).
 */
export class Accumulators {
  readonly values: Float64Array;
  writes = 0;
  reads = 0;
  /** Cycle of the last landing, -1 before any. */
  lastCycle = -1;

  constructor(
    length: number,
    private readonly isFloat: boolean,
    initial?: Float64Array,
  ) {
    this.values = initial ?? new Float64Array(length);
  }

  /**
   * Lands `count` partial sums p[from .. from + count - 1] at indices first, first + stride, ...
   * (a row of the array's bottom edge holds outputs of consecutive streamed rows along a diagonal).
   */
  landRun(
    cycle: number,
    p: Int32Array | Float32Array,
    from: number,
    count: number,
    first: number,
    stride: number,
    overwrite: boolean,
  ): void {
    const values = this.values;
    if (count <= 0) return;
    this.writes += count;
    this.lastCycle = cycle;
    if (overwrite) {
      if (this.isFloat) for (let k = 0; k < count; k++) values[first + k * stride] = p[from + k]!;
      else for (let k = 0; k < count; k++) values[first + k * stride] = p[from + k]! | 0;
      return;
    }
    this.reads += count;
    const f = Math.fround;
    if (this.isFloat)
      for (let k = 0; k < count; k++) values[first + k * stride] = f(values[first + k * stride]! + p[from + k]!);
    else
      for (let k = 0; k < count; k++)
        values[first + k * stride] = (values[first + k * stride]! + (p[from + k]! | 0)) | 0;
  }
}
