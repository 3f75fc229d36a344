/**
 * Register-level model of the stationary dataflows (ws; is runs it on the transposed problem): every
 * cell, every cycle. This is the executable definition of tpusim's native timing.
 *
 * Each cell (i, j) holds an active stationary value, a shadow value when tiles are double-buffered, the
 * streamed value it passes right, and the partial sum it passes down. Streamed rows enter row i of the
 * array i cycles late (the skew), tagged with a token id; the first token of a fold carries a switch
 * flag that copies the shadow into the active register as it passes each cell. Partial sums start at
 * +0 in row 0 and leave row R-1 into the accumulators. Rows beyond the fold's used rows receive
 * control-only tokens and pass partial sums through unchanged.
 *
 * Tiles load through each column's shadow chain, bottom row first, one row per cycle, column j one
 * cycle after column j-1; row r shifts only once the load wavefront has reached it, so a load may start
 * as soon as the current fold's first token has entered the array. The controller below decides from
 * observed state (tokens issued, load progress); the cells check that no unconsumed value is ever
 * overwritten, so a wrong controller rule fails loudly instead of computing wrong numbers.
 */
import { SimError } from '../errors.js';
import type { Fold } from './dataflows.js';
import type { CellSnapshot } from './types.js';

export interface StationaryProblem {
  readonly rows: number;
  readonly cols: number;
  readonly doubleBuffered: boolean;
  readonly isFloat: boolean;
  /** Streamed rows per fold (T) and the reduction length (K). */
  readonly time: number;
  readonly k: number;
  readonly folds: readonly Fold[];
  /** Streamed operand value X[t][k] and stationary operand value W[k][c] (canonical orientation). */
  streamed(t: number, k: number): number;
  stationary(k: number, c: number): number;
  /** A finished chunk sum for output (t, c) of `fold`. */
  deliver(fold: Fold, t: number, c: number, sum: number): void;
  readonly recordCycles: number;
}

export interface StationaryRun {
  readonly totalCycles: number;
  readonly streamCycles: number;
  readonly stallCycles: number;
  readonly drainCycles: number;
  readonly weightLoadCycles: number;
  readonly streamedReads: number;
  readonly stationaryReads: number;
  readonly snapshots: CellSnapshot[];
}

const SWITCH = 2;
const DATA = 1;

interface Load {
  readonly fold: Fold;
  readonly start: number;
}

export function runStationary(p: StationaryProblem): StationaryRun {
  const { rows: R, cols: C, time: T, folds, isFloat, doubleBuffered } = p;
  const cells = R * C;
  const totalTokens = folds.length * T;
  if (totalTokens * 4 > 2 ** 31 - 1) throw new SimError('too_large', `the register-level engine tracks at most 2^29 tokens, this GEMM needs ${totalTokens}`);

  const active = new Float64Array(cells);
  const shadow = doubleBuffered ? new Float64Array(cells) : active;
  const pending = new Uint8Array(cells); // shadow holds a loaded value not yet switched in
  const inUse = new Uint8Array(cells); // single-buffered: active value still needed by the current fold
  const aVal = new Float64Array(cells);
  const aTag = new Int32Array(cells).fill(-1);
  const pVal = isFloat ? new Float32Array(cells) : new Int32Array(cells);
  const feedTag = new Int32Array(R);
  const feedVal = new Float64Array(R);
  const issued = new Int32Array(R).fill(-1); // ring buffer: token issued at cycle t sits at t % R

  let nextToken = 0;
  let foldsStarted = 0;
  let loads: Load[] = [];
  let nextLoadFold = 0;
  let lastLoadStart = -Infinity;
  const loadReadyAt = new Float64Array(folds.length).fill(Infinity); // column 0 of the fold's tile done
  let streamCycles = 0;
  let lastIssue = -1;
  let lastOutput = -1;
  let streamedReads = 0;
  let stationaryReads = 0;
  const snapshots: CellSnapshot[] = [];

  const hazard = (what: string, t: number, idx: number): never => {
    throw new SimError('hazard', `register engine: ${what} at cycle ${t}, cell (${Math.floor(idx / C)}, ${idx % C})`);
  };

  for (let t = 0; ; t++) {
    // Controller, feeder: one token per cycle; a fold's first token waits for its tile.
    const issuedBefore = nextToken;
    let token = -1;
    if (nextToken < totalTokens && (nextToken % T !== 0 || loadReadyAt[nextToken / T]! <= t)) {
      token = nextToken++;
      if (token % T === 0) foldsStarted++;
      streamCycles++;
      lastIssue = t;
    }
    issued[t % R] = token;
    // Controller, loader: the next tile once the port is free and its registers can take it: with
    // double buffering once the current fold has started (its first token frees the shadow registers
    // row by row ahead of the load), otherwise once the current fold has streamed all its rows.
    const current = nextLoadFold - 1;
    const registersFree = doubleBuffered ? foldsStarted > current : issuedBefore >= (current + 1) * T;
    if (nextLoadFold < folds.length && t >= lastLoadStart + R && registersFree) {
      loads.push({ fold: folds[nextLoadFold]!, start: t });
      lastLoadStart = t;
      nextLoadFold++;
    }

    // Skewed feed: row i sees the token issued i cycles ago.
    for (let i = 0; i < R; i++) {
      const id = t - i >= 0 ? issued[(t - i) % R]! : -1;
      if (id < 0) {
        feedTag[i] = -1;
        continue;
      }
      const fold = folds[Math.floor(id / T)]!;
      const m = id % T;
      const data = i < fold.rowsUsed;
      feedTag[i] = id * 4 + (m === 0 ? SWITCH : 0) + (data ? DATA : 0);
      feedVal[i] = data ? p.streamed(m, fold.rowStart + i) : 0;
      if (data) streamedReads++;
    }

    // Cells, bottom-right first so each reads its neighbours' values from the previous cycle.
    for (let i = R - 1; i >= 0; i--) {
      const rowBase = i * C;
      for (let j = C - 1; j >= 0; j--) {
        const idx = rowBase + j;
        const tag = j === 0 ? feedTag[i]! : aTag[idx - 1]!;
        aTag[idx] = tag;
        if (tag < 0) continue;
        const a = j === 0 ? feedVal[i]! : aVal[idx - 1]!;
        aVal[idx] = a;
        if (tag & SWITCH) {
          if (doubleBuffered) {
            if (!pending[idx]) hazard('switch to a tile that has not loaded', t, idx);
            active[idx] = shadow[idx]!;
            pending[idx] = 0;
          } else inUse[idx] = 1;
        }
        const above = i === 0 ? 0 : pVal[idx - C]!;
        if (tag & DATA) {
          pVal[idx] = isFloat ? above + Math.fround(a * active[idx]!) : above + Math.imul(a, active[idx]!);
        } else pVal[idx] = above;
        if (!doubleBuffered && (tag >> 2) % T === T - 1) inUse[idx] = 0;
      }
    }

    // Tile loads: column j of a load started at L shifts in cycle L + j + progress, rows 0..progress.
    for (const load of loads) {
      for (let j = 0; j < C; j++) {
        const progress = t - load.start - j;
        if (progress < 0 || progress >= R) continue;
        const top = Math.min(progress, R - 1);
        for (let r = top; r >= 0; r--) {
          const idx = r * C + j;
          if (doubleBuffered ? pending[idx] : inUse[idx]) hazard('tile load overwrites a value still in use', t, idx);
          if (r > 0) shadow[idx] = shadow[idx - C]!;
        }
        const k = R - 1 - progress;
        const inside = k < load.fold.rowsUsed && j < load.fold.colsUsed;
        shadow[j] = inside ? p.stationary(load.fold.rowStart + k, load.fold.colStart + j) : 0;
        if (inside) stationaryReads++;
        if (progress === R - 1) {
          if (doubleBuffered) for (let r = 0; r < R; r++) pending[r * C + j] = 1;
          if (j === 0) loadReadyAt[load.fold.index] = t + 1;
        }
      }
    }
    loads = loads.filter((l) => t - l.start - (C - 1) < R - 1);

    // Accumulators: the bottom row's finished sums.
    const bottom = (R - 1) * C;
    for (let j = 0; j < C; j++) {
      const tag = aTag[bottom + j]!;
      if (tag < 0) continue;
      const id = tag >> 2;
      const fold = folds[Math.floor(id / T)]!;
      if (j >= fold.colsUsed) continue;
      p.deliver(fold, id % T, fold.colStart + j, pVal[bottom + j]!);
      lastOutput = t;
    }

    if (t < p.recordCycles) snapshots.push(snapshot(t, aVal, aTag, pVal, active));
    if (nextToken === totalTokens && t >= lastIssue + R + C - 2) break;
  }

  const totalCycles = lastOutput + 1;
  const drainCycles = totalCycles - (lastIssue + 1);
  return {
    totalCycles,
    streamCycles,
    stallCycles: totalCycles - streamCycles - drainCycles,
    drainCycles,
    weightLoadCycles: folds.length * R,
    streamedReads,
    stationaryReads,
    snapshots,
  };
}

function snapshot(cycle: number, aVal: Float64Array, aTag: Int32Array, pVal: Float32Array | Int32Array, held: Float64Array): CellSnapshot {
  const idle = (values: ArrayLike<number>): Float64Array => Float64Array.from(values, (v, i) => (aTag[i]! < 0 ? NaN : v));
  return {
    cycle,
    fromLeft: idle(aVal),
    fromTop: idle(pVal),
    held: Float64Array.from(held),
    tokens: Int32Array.from(aTag, (tag) => (tag < 0 ? -1 : tag >> 2)),
  };
}
