/**
 * Register-level model of the output-stationary dataflow: every cell, every cycle.
 *
 * Cell (i, j) owns output (rowStart + i, colStart + j) of its fold. A's row i enters from the left i
 * cycles late, B's column j from the top j cycles late, both tagged with the token id of their k step;
 * a cell multiplies when both arrive, starting from +0 at k = 0. At k = K-1 the finished sum moves into
 * the cell's drain register. Once a fold's last result has landed, the drain registers shift down one
 * row per cycle for R cycles and the bottom row leaves into the accumulators. The controller starts the
 * next fold as soon as its first result cannot land before the drain has finished (it knows the array's
 * fixed latencies); the cells check that no result lands on a full or shifting drain register.
 *
 * As in register-stationary.ts, token tags are read from the issue log and the streamed registers are
 * rings: A's values per row (cell j reads the value that entered at t - j), B's values per cycle of
 * entry (cell (i, j) reads the value that entered column j at t - i).
 */
import { SimError } from '../errors.js';
import type { Accumulators } from './accumulators.js';
import type { Fold } from './dataflows.js';
import { IssueLog, observedCycles, spansPerRow } from './issue-log.js';
import type { CellSnapshot } from './types.js';
import {
  createSpanMachine,
  SPAN_COUNT,
  SPAN_FIELDS,
  SPAN_IN,
  SPAN_OUT,
  SPAN_RING,
  SPAN_WEIGHT,
  type SpanMachine,
  type SpanMachineKind,
} from './wasm/span-machine.js';

export interface OutputProblem {
  readonly rows: number;
  readonly cols: number;
  readonly isFloat: boolean;
  readonly machine: SpanMachineKind | 'auto';
  readonly k: number;
  readonly n: number;
  readonly folds: readonly Fold[];
  /** A (M x K) and B (K x N), row-major. */
  readonly a: ArrayLike<number>;
  readonly b: ArrayLike<number>;
  /** Results land at index m * n + column. */
  readonly accumulators: Accumulators;
  readonly accumulate: boolean;
  readonly recordCycles: number;
}

export interface OutputRun {
  readonly totalCycles: number;
  readonly streamCycles: number;
  readonly stallCycles: number;
  readonly fillDrainCycles: number;
  readonly aReads: number;
  readonly bReads: number;
  readonly machine: SpanMachineKind;
  readonly snapshots: CellSnapshot[];
}

export function runOutputStationary(p: OutputProblem): OutputRun {
  const totalTokens = p.folds.length * p.k;
  if (totalTokens > 2 ** 31 - 1)
    throw new SimError(
      'too_large',
      `the register-level engine tracks at most 2^31 tokens, this GEMM needs ${totalTokens}`,
    );
  const model = new OutputArray(p);
  for (let t = 0; !model.finished(t); t++) model.step(t);
  return model.result();
}

class OutputArray {
  private readonly R: number;
  private readonly C: number;
  private readonly K: number;
  private readonly machine: SpanMachine;
  private readonly aRingLength: number; // per row, each value written twice (see register-stationary.ts)
  private readonly aRing: Int32Array | Float32Array;
  private readonly bRingLength: number; // entry cycles kept for B
  private readonly bRing: Int32Array | Float32Array;
  private readonly acc: Int32Array | Float32Array;
  private readonly outVal: Int32Array | Float32Array;
  private readonly outTag: Int32Array; // fold * R + row of the result a drain register holds, -1 when empty
  private readonly landed: Int32Array;
  private readonly issued: Int32Array;
  private readonly log: IssueLog;
  private readonly totalTokens: number;
  private nextToken = 0;
  private nextFoldEarliest = 0;
  private drainStart = -Infinity;
  private streamCycles = 0;
  private lastIssue = -1;
  private aReads = 0;
  private bReads = 0;
  private readonly snapshots: CellSnapshot[] = [];

  constructor(private readonly p: OutputProblem) {
    const { rows: R, cols: C } = p;
    this.R = R;
    this.C = C;
    this.K = p.k;
    this.aRingLength = 2 ** Math.ceil(Math.log2(C));
    this.bRingLength = 2 ** Math.ceil(Math.log2(R));
    this.machine = createSpanMachine(
      p.machine,
      p.isFloat,
      { acc: R * C, aRing: R * 2 * this.aRingLength, bRing: this.bRingLength * C },
      R * spansPerRow(C, p.k),
    );
    this.aRing = this.machine.registers['aRing']!;
    this.bRing = this.machine.registers['bRing']!;
    this.acc = this.machine.registers['acc']!;
    this.outVal = p.isFloat ? new Float32Array(R * C) : new Int32Array(R * C);
    this.outTag = new Int32Array(R * C).fill(-1);
    this.landed = new Int32Array(p.folds.length);
    this.issued = new Int32Array(Math.max(R, C)).fill(-1);
    this.log = new IssueLog();
    this.totalTokens = p.folds.length * p.k;
  }

  finished(t: number): boolean {
    const last = this.p.folds[this.p.folds.length - 1]!;
    return (
      t > 0 &&
      this.nextToken === this.totalTokens &&
      this.landed[last.index] === last.rowsUsed * last.colsUsed &&
      t >= this.drainStart + this.R
    );
  }

  private foldOf(token: number): Fold {
    return this.p.folds[(token / this.K) | 0]!;
  }

  private hazard(what: string, t: number, i: number, j: number): never {
    throw new SimError('hazard', `register engine (os): ${what} at cycle ${t}, cell (${i}, ${j})`);
  }

  /** Slot of A's ring holding cell 0's (the newest) value at cycle t; cell j reads head + j. */
  private head(t: number): number {
    return this.aRingLength - 1 - (t & (this.aRingLength - 1));
  }

  step(t: number): void {
    this.control(t);
    this.feed(t);
    const landings = this.stepCells(t);
    const draining = t >= this.drainStart && t < this.drainStart + this.R;
    if (draining) this.drain(t);
    for (let l = 0; l < landings.length; l += 2) this.land(t, landings[l]!, landings[l + 1]!, draining);
    this.log.prune(t - this.R - this.C);
    if (t < this.p.recordCycles) this.snapshots.push(this.snapshot(t));
  }

  /** One k step per cycle; a fold's first waits until its results cannot land on a draining register:
   * they land from t + K - 1 on, and the previous fold's drain ends R cycles after its last landing. */
  private control(t: number): void {
    const { K, R } = this;
    let token = -1;
    if (this.nextToken < this.totalTokens && (this.nextToken % K !== 0 || t >= this.nextFoldEarliest)) {
      token = this.nextToken++;
      this.streamCycles++;
      this.lastIssue = t;
      this.log.record(t, token, (token / K) | 0);
      if (token % K === 0) {
        const fold = this.foldOf(token);
        const drainEnd = t + K + fold.rowsUsed + fold.colsUsed - 2 + R;
        this.nextFoldEarliest = drainEnd - (K - 1);
      }
    }
    this.issued[t % this.issued.length] = token;
  }

  private feed(t: number): void {
    const { R, C, K, aRing, aRingLength, bRing, bRingLength, issued } = this;
    const { a, b, n: N } = this.p;
    const aSlot = this.head(t);
    for (let i = 0; i < R && i <= t; i++) {
      const id = issued[(t - i) % issued.length]!;
      if (id < 0) continue;
      const fold = this.foldOf(id);
      if (i >= fold.rowsUsed) continue;
      const value = a[(fold.rowStart + i) * K + (id % K)]!;
      aRing[2 * i * aRingLength + aSlot] = value;
      aRing[2 * i * aRingLength + aSlot + aRingLength] = value;
      this.aReads++;
    }
    const bRow = (t & (bRingLength - 1)) * C;
    for (let j = 0; j < C && j <= t; j++) {
      const id = issued[(t - j) % issued.length]!;
      if (id < 0) continue;
      const fold = this.foldOf(id);
      if (j >= fold.colsUsed) continue;
      bRing[bRow + j] = b[(id % K) * N + fold.colStart + j]!;
      this.bReads++;
    }
  }

  /** Multiplies in every cell holding both operands; returns (cell, fold) pairs of finished sums. */
  private stepCells(t: number): number[] {
    const { R, C, K, acc, aRingLength, bRingLength } = this;
    const runs = this.log.runs;
    const { table, byteOffset } = this.machine;
    const aBase = byteOffset['aRing']! + 4 * this.head(t);
    const landings: number[] = [];
    let entries = 0;
    for (let i = R - 1; i >= 0; i--) {
      const latest = t - i;
      const bRow = byteOffset['bRing']! + 4 * ((t - i) & (bRingLength - 1)) * C;
      for (const run of runs) {
        const runEnd = run.start + run.length - 1;
        if (runEnd < latest - C + 1 || run.start > latest) continue;
        const fold = this.foldOf(run.firstToken);
        if (i >= fold.rowsUsed) continue;
        const ja = Math.max(0, latest - runEnd);
        const jb = Math.min(fold.colsUsed - 1, latest - run.start);
        if (ja > jb) continue;
        // The k = 0 token starts a fresh sum; the k = K-1 token finishes one.
        const firstCol = latest - run.start;
        if (run.firstToken % K === 0 && firstCol <= jb) acc[i * C + firstCol] = 0;
        const e = entries++ * SPAN_FIELDS;
        table[e + SPAN_OUT] = byteOffset['acc']! + 4 * (i * C + ja);
        table[e + SPAN_IN] = table[e + SPAN_OUT]!;
        table[e + SPAN_RING] = aBase + 4 * (2 * i * aRingLength + ja);
        table[e + SPAN_WEIGHT] = bRow + 4 * ja;
        table[e + SPAN_COUNT] = jb - ja + 1;
        const lastCol = latest - runEnd;
        if ((run.firstToken + run.length) % K === 0 && lastCol >= ja)
          landings.push(i * C + lastCol, (run.firstToken / K) | 0);
      }
    }
    this.machine.run(entries);
    return landings;
  }

  /** Drain registers shift down one row; the bottom row leaves into the accumulators. */
  private drain(t: number): void {
    const { R, C, outVal, outTag } = this;
    const bottom = (R - 1) * C;
    const tag = outTag[bottom]!;
    if (tag >= 0) {
      const fold = this.p.folds[(tag / R) | 0]!;
      const m = fold.rowStart + (tag % R);
      this.p.accumulators.landRun(
        t,
        outVal,
        bottom,
        fold.colsUsed,
        m * this.p.n + fold.colStart,
        1,
        !this.p.accumulate,
      );
    }
    outVal.copyWithin(C, 0, R * C - C);
    outTag.copyWithin(C, 0, R * C - C);
    outTag.fill(-1, 0, C);
  }

  private land(t: number, idx: number, foldIndex: number, draining: boolean): void {
    const { R, C } = this;
    if (draining || this.outTag[idx]! >= 0)
      this.hazard('a result lands on a busy drain register', t, Math.floor(idx / C), idx % C);
    this.outVal[idx] = this.acc[idx]!;
    this.outTag[idx] = foldIndex * R + Math.floor(idx / C);
    const fold = this.p.folds[foldIndex]!;
    this.landed[foldIndex] = this.landed[foldIndex]! + 1;
    if (this.landed[foldIndex] === fold.rowsUsed * fold.colsUsed) this.drainStart = t + 1;
  }

  result(): OutputRun {
    return {
      ...observedCycles(this.p.accumulators.lastCycle, this.streamCycles, this.lastIssue),
      aReads: this.aReads,
      bReads: this.bReads,
      machine: this.machine.kind,
      snapshots: this.snapshots,
    };
  }

  private snapshot(cycle: number): CellSnapshot {
    const { R, C, aRing, aRingLength, bRing, bRingLength } = this;
    const tokens = new Int32Array(R * C).fill(-1);
    const fromLeft = new Float64Array(R * C).fill(NaN);
    const fromTop = new Float64Array(R * C).fill(NaN);
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        const issuedAt = cycle - i - j;
        const run = this.log.runs.find((r) => issuedAt >= r.start && issuedAt < r.start + r.length);
        if (!run) continue;
        const token = run.firstToken + (issuedAt - run.start);
        const fold = this.foldOf(token);
        tokens[i * C + j] = token;
        if (i < fold.rowsUsed) fromLeft[i * C + j] = aRing[2 * i * aRingLength + this.head(cycle) + j]!;
        if (j < fold.colsUsed) fromTop[i * C + j] = bRing[((cycle - i) & (bRingLength - 1)) * C + j]!;
      }
    }
    return { cycle, fromLeft, fromTop, held: Float64Array.from(this.acc), tokens };
  }
}
