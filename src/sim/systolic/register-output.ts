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
 */
import { SimError } from '../errors.js';
import type { Fold } from './dataflows.js';
import type { CellSnapshot } from './types.js';

export interface OutputProblem {
  readonly rows: number;
  readonly cols: number;
  readonly isFloat: boolean;
  readonly k: number;
  readonly folds: readonly Fold[];
  a(m: number, k: number): number;
  b(k: number, n: number): number;
  deliver(fold: Fold, m: number, n: number, sum: number): void;
  readonly recordCycles: number;
}

export interface OutputRun {
  readonly totalCycles: number;
  readonly streamCycles: number;
  readonly stallCycles: number;
  readonly drainCycles: number;
  readonly aReads: number;
  readonly bReads: number;
  readonly snapshots: CellSnapshot[];
}

export function runOutputStationary(p: OutputProblem): OutputRun {
  const { rows: R, cols: C, k: K, folds, isFloat } = p;
  const cells = R * C;
  const totalTokens = folds.length * K;
  if (totalTokens > 2 ** 31 - 1) throw new SimError('too_large', `the register-level engine tracks at most 2^31 tokens, this GEMM needs ${totalTokens}`);
  const aVal = new Float64Array(cells);
  const aTag = new Int32Array(cells).fill(-1);
  const bVal = new Float64Array(cells);
  const bTag = new Int32Array(cells).fill(-1);
  const acc = isFloat ? new Float32Array(cells) : new Int32Array(cells);
  const outVal = new Float64Array(cells);
  const outTag = new Int32Array(cells).fill(-1); // fold * R + row of the result held, -1 when empty
  const ring = Math.max(R, C);
  const issued = new Int32Array(ring).fill(-1);
  const feedA = new Float64Array(R);
  const feedATag = new Int32Array(R);
  const feedB = new Float64Array(C);
  const feedBTag = new Int32Array(C);
  const landed = new Int32Array(folds.length);
  const landings: number[] = [];

  let nextToken = 0;
  let nextFoldEarliest = 0;
  let drainStart = -Infinity;
  let streamCycles = 0;
  let lastIssue = -1;
  let lastOutput = -1;
  let aReads = 0;
  let bReads = 0;
  const snapshots: CellSnapshot[] = [];
  const hazard = (what: string, t: number, idx: number): never => {
    throw new SimError('hazard', `register engine (os): ${what} at cycle ${t}, cell (${Math.floor(idx / C)}, ${idx % C})`);
  };

  for (let t = 0; ; t++) {
    let token = -1;
    if (nextToken < totalTokens && (nextToken % K !== 0 || t >= nextFoldEarliest)) {
      token = nextToken++;
      streamCycles++;
      lastIssue = t;
      if (token % K === 0) {
        // This fold's results finish landing at t + K + ru + cu - 3; its drain then runs R cycles.
        const fold = folds[token / K]!;
        const freeAt = t + K + fold.rowsUsed + fold.colsUsed - 2 + R;
        nextFoldEarliest = freeAt - (K - 1);
      }
    }
    issued[t % ring] = token;

    for (let i = 0; i < R; i++) {
      const id = t - i >= 0 ? issued[(t - i) % ring]! : -1;
      const fold = id < 0 ? undefined : folds[Math.floor(id / K)]!;
      feedATag[i] = fold && i < fold.rowsUsed ? id : -1;
      if (feedATag[i]! >= 0) {
        feedA[i] = p.a(fold!.rowStart + i, id % K);
        aReads++;
      }
    }
    for (let j = 0; j < C; j++) {
      const id = t - j >= 0 ? issued[(t - j) % ring]! : -1;
      const fold = id < 0 ? undefined : folds[Math.floor(id / K)]!;
      feedBTag[j] = fold && j < fold.colsUsed ? id : -1;
      if (feedBTag[j]! >= 0) {
        feedB[j] = p.b(id % K, fold!.colStart + j);
        bReads++;
      }
    }

    for (let i = R - 1; i >= 0; i--) {
      for (let j = C - 1; j >= 0; j--) {
        const idx = i * C + j;
        const ta = j === 0 ? feedATag[i]! : aTag[idx - 1]!;
        const tb = i === 0 ? feedBTag[j]! : bTag[idx - C]!;
        aTag[idx] = ta;
        bTag[idx] = tb;
        if (ta >= 0) aVal[idx] = j === 0 ? feedA[i]! : aVal[idx - 1]!;
        if (tb >= 0) bVal[idx] = i === 0 ? feedB[j]! : bVal[idx - C]!;
        if (ta < 0 || tb < 0) continue;
        if (ta !== tb) hazard(`operands of different steps meet (${ta} and ${tb})`, t, idx);
        const k = ta % K;
        const base = k === 0 ? 0 : acc[idx]!;
        acc[idx] = isFloat ? base + Math.fround(aVal[idx]! * bVal[idx]!) : base + Math.imul(aVal[idx]!, bVal[idx]!);
        if (k === K - 1) landings.push(idx, Math.floor(ta / K));
      }
    }

    // Drain registers: shift down one row while a drain runs, the bottom row leaving.
    const draining = t >= drainStart && t < drainStart + R;
    if (draining) {
      const bottom = (R - 1) * C;
      for (let j = 0; j < C; j++) {
        const tag = outTag[bottom + j]!;
        if (tag < 0) continue;
        const fold = folds[Math.floor(tag / R)]!;
        p.deliver(fold, fold.rowStart + (tag % R), fold.colStart + j, outVal[bottom + j]!);
        lastOutput = t;
      }
      outVal.copyWithin(C, 0, cells - C);
      outTag.copyWithin(C, 0, cells - C);
      outTag.fill(-1, 0, C);
    }
    for (let l = 0; l < landings.length; l += 2) {
      const idx = landings[l]!;
      const foldIndex = landings[l + 1]!;
      if (draining || outTag[idx]! >= 0) hazard('a result lands on a busy drain register', t, idx);
      outVal[idx] = acc[idx]!;
      outTag[idx] = foldIndex * R + Math.floor(idx / C);
      const fold = folds[foldIndex]!;
      landed[foldIndex] = landed[foldIndex]! + 1;
      if (landed[foldIndex] === fold.rowsUsed * fold.colsUsed) drainStart = t + 1;
    }
    landings.length = 0;

    if (t < p.recordCycles) snapshots.push(snapshot(t, aVal, aTag, bVal, bTag, acc));
    const last = folds[folds.length - 1]!;
    if (nextToken === totalTokens && t >= drainStart + R - 1 && landed[last.index] === last.rowsUsed * last.colsUsed) break;
  }

  const totalCycles = lastOutput + 1;
  const drainCycles = totalCycles - (lastIssue + 1);
  return { totalCycles, streamCycles, stallCycles: totalCycles - streamCycles - drainCycles, drainCycles, aReads, bReads, snapshots };
}

function snapshot(cycle: number, aVal: Float64Array, aTag: Int32Array, bVal: Float64Array, bTag: Int32Array, acc: Float32Array | Int32Array): CellSnapshot {
  return {
    cycle,
    fromLeft: Float64Array.from(aVal, (v, i) => (aTag[i]! < 0 ? NaN : v)),
    fromTop: Float64Array.from(bVal, (v, i) => (bTag[i]! < 0 ? NaN : v)),
    held: Float64Array.from(acc),
    tokens: Int32Array.from(aTag),
  };
}
