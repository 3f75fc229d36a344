/**
 * Register-level model of the stationary dataflows (ws; is runs it on the transposed problem): every
 * cell, every cycle. This is the executable definition of tpusim's native timing.
 *
 * Each cell (i, j) holds an active stationary value, the streamed value it passes right and the partial
 * sum it passes down. Streamed rows enter row i of the array i cycles late (the skew), tagged with a
 * token id; the first token of a fold carries a switch flag that moves the newly loaded tile into the
 * active registers as it passes each cell. Tags move in lockstep with the values, so they are read from
 * the issue history (issue-log.ts); each row's streamed registers are a ring buffer (a shift register
 * whose shift is an index move), and the multiply-adds of each cycle run as a table of row spans on a
 * span machine (wasm/span-machine.ts). Partial sums start at +0 above row 0 and leave row R-1 into
 * the accumulators. Rows beyond the fold's used rows receive control-only tokens and pass partial sums
 * through unchanged.
 *
 * Tiles load through each column's load chain (the shadow registers when tiles are double-buffered),
 * bottom row first, one row per cycle, column j one cycle after column j-1; row r shifts only once the
 * load wavefront has reached it. So a double-buffered load may start as soon as the current fold's
 * first token has entered the array, and a single-buffered one once its last token has. The
 * controller decides from observed state (tokens issued, load progress); the cells check that no value
 * still needed is ever overwritten, so a wrong controller rule fails loudly instead of computing wrong
 * numbers.
 */
import { SimError } from '../errors.js';
import type { Accumulators } from './accumulators.js';
import { CellSpans, IssueLog, observedCycles, spansPerRow } from './issue-log.js';
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

export interface StationaryTile {
  /** Rows and columns of the array it uses (the rest stay zero). */
  readonly depth: number;
  readonly cols: number;
  /** Cycle from which the tile's data can be loaded (it has arrived in the weight FIFO). */
  readonly readyAt: number;
  /** Value (k, j) is values[offset + k * stride + j] (a tile may be a view into a larger matrix). */
  readonly values: ArrayLike<number>;
  readonly offset: number;
  readonly stride: number;
}

export interface StationaryPass {
  readonly tile: number;
  readonly rows: number;
  /** The pass's first row may not enter before this cycle. */
  readonly notBefore: number;
  /** Input (m, i) is inputs[inputOffset + m * inputStride + i]. */
  readonly inputs: ArrayLike<number>;
  readonly inputOffset: number;
  readonly inputStride: number;
  /** Output (m, j) lands at accumulator index outputBase + m * outputRowStride + j. */
  readonly outputBase: number;
  readonly outputRowStride: number;
  /** Overwrite the accumulators (else add to them). */
  readonly overwrite: boolean;
}

export interface StationaryProblem {
  readonly rows: number;
  readonly cols: number;
  readonly doubleBuffered: boolean;
  readonly isFloat: boolean;
  readonly machine: SpanMachineKind | 'auto';
  readonly tiles: readonly StationaryTile[];
  readonly passes: readonly StationaryPass[];
  readonly accumulators: Accumulators;
  readonly recordCycles: number;
}

export interface StationaryRun {
  readonly totalCycles: number;
  readonly streamCycles: number;
  readonly stallCycles: number;
  readonly fillDrainCycles: number;
  readonly weightLoadCycles: number;
  readonly streamedReads: number;
  readonly stationaryReads: number;
  /** Cycle each pass's first row entered the array, and each tile's load started. */
  readonly passStarts: readonly number[];
  readonly loadStarts: readonly number[];
  readonly machine: SpanMachineKind;
  readonly snapshots: CellSnapshot[];
}

export function runStationary(p: StationaryProblem): StationaryRun {
  const totalTokens = p.passes.reduce((sum, pass) => sum + pass.rows, 0);
  if (totalTokens > 2 ** 31 - 1)
    throw new SimError(
      'too_large',
      `the register-level engine tracks at most 2^31 tokens, this run needs ${totalTokens}`,
    );
  const model = new StationaryArray(p);
  for (let t = 0; !model.finished(t); t++) model.step(t);
  return model.result();
}

interface Load {
  readonly tile: number;
  readonly start: number;
}

/** The array's registers and its controller; `step(t)` advances one cycle. */
class StationaryArray {
  private readonly R: number;
  private readonly C: number;
  private readonly machine: SpanMachine;
  private readonly active: Int32Array | Float32Array; // row-major, in the span machine
  private readonly pVal: Int32Array | Float32Array; // cell (i, j) at (i + 1) * C + j; row 0 stays zero
  // Streamed-value registers of row i, as a ring of 2L (cell j reads slot head + j, the newest value
  // sits at head; each value is written twice, L apart, so the C cells always read one stretch).
  private readonly ring: Int32Array | Float32Array;
  private readonly ringLength: number;
  // column-major load chain: shadow registers, or the active ones when single-buffered
  private readonly chain: Int32Array | Float32Array;
  private readonly pendingCol: Uint8Array; // double-buffered: the chain holds a loaded tile not fully switched in
  private readonly consumed: Int32Array; // rows of that tile already switched in (they switch top to bottom)
  private readonly released: Int32Array; // single-buffered: rows the current tile's last token has passed
  private readonly log = new IssueLog();
  private readonly spans: CellSpans;
  private readonly issued: Int32Array; // token issued at cycle t sits at t % R
  private readonly issuedPass: Int32Array;
  /** Per pass: first token; whether its first token switches tiles; whether its last releases one. */
  private readonly firstToken: Int32Array;
  private readonly switches: Uint8Array;
  private readonly releases: Uint8Array;
  /** Per tile: the pass after which it may be replaced (its last), and when column 0 finished loading. */
  private readonly lastPassOfTile: Int32Array;
  private readonly loadReadyAt: Float64Array;
  private readonly totalTokens: number;
  private readonly passStarts: number[] = [];
  private readonly loadStarts: number[] = [];
  private loads: Load[] = [];
  private nextToken = 0;
  private pass = 0;
  private tilesSwitchedIn = 0;
  private nextLoad = 0;
  private lastLoadStart = -Infinity;
  private streamCycles = 0;
  private lastIssue = -1;
  private streamedReads = 0;
  private stationaryReads = 0;
  private readonly snapshots: CellSnapshot[] = [];

  constructor(private readonly p: StationaryProblem) {
    const { rows: R, cols: C, passes } = p;
    this.R = R;
    this.C = C;
    this.ringLength = 2 ** Math.ceil(Math.log2(C));
    const shortest = Math.max(1, Math.min(...passes.map((x) => x.rows)));
    this.machine = createSpanMachine(
      p.machine,
      p.isFloat,
      { p: R * C + C, ring: R * 2 * this.ringLength, w: R * C },
      R * spansPerRow(C, shortest),
    );
    this.pVal = this.machine.registers['p']!;
    this.ring = this.machine.registers['ring']!;
    this.active = this.machine.registers['w']!;
    this.chain = p.isFloat ? new Float32Array(R * C) : new Int32Array(R * C);
    this.pendingCol = new Uint8Array(C);
    this.consumed = new Int32Array(C);
    this.released = new Int32Array(C).fill(R);
    this.spans = new CellSpans(C + 1);
    this.issued = new Int32Array(R).fill(-1);
    this.issuedPass = new Int32Array(R);
    this.firstToken = new Int32Array(passes.length);
    this.switches = new Uint8Array(passes.length);
    this.releases = new Uint8Array(passes.length);
    this.lastPassOfTile = new Int32Array(p.tiles.length).fill(-1);
    let token = 0;
    passes.forEach((pass, i) => {
      this.firstToken[i] = token;
      token += pass.rows;
      this.switches[i] = i === 0 || passes[i - 1]!.tile !== pass.tile ? 1 : 0;
      this.releases[i] = i === passes.length - 1 || passes[i + 1]!.tile !== pass.tile ? 1 : 0;
      this.lastPassOfTile[pass.tile] = i;
    });
    this.totalTokens = token;
    this.loadReadyAt = new Float64Array(p.tiles.length).fill(Infinity);
  }

  finished(t: number): boolean {
    return t > 0 && this.nextToken === this.totalTokens && t > this.lastIssue + this.R + this.C - 2;
  }

  step(t: number): void {
    this.control(t);
    this.feed(t);
    this.stepCells(t);
    this.stepLoads(t);
    this.collect(t);
    this.log.prune(t - this.R - this.C);
    if (t < this.p.recordCycles) this.snapshots.push(this.snapshot(t));
  }

  private hazard(what: string, t: number, i: number, j: number): never {
    throw new SimError('hazard', `register engine: ${what} at cycle ${t}, cell (${i}, ${j})`);
  }

  /** Ring slot of cell 0 (the newest value) at cycle t. */
  private head(t: number): number {
    return this.ringLength - 1 - (t & (this.ringLength - 1));
  }

  /** Feeder: one token per cycle; a pass's first token waits for `notBefore` and, when it switches
   * tiles, for its tile. Loader: the next tile once the port is free, its data has arrived and the
   * registers can take it. */
  private control(t: number): void {
    const { passes } = this.p;
    const issuedBefore = this.nextToken;
    let token = -1;
    if (this.nextToken < this.totalTokens) {
      const pass = passes[this.pass]!;
      const first = this.nextToken === this.firstToken[this.pass];
      if (!first || (t >= pass.notBefore && (!this.switches[this.pass] || this.loadReadyAt[pass.tile]! <= t))) {
        token = this.nextToken++;
        if (first) {
          this.passStarts.push(t);
          if (this.switches[this.pass]) this.tilesSwitchedIn++;
        }
        this.issuedPass[t % this.R] = this.pass;
        this.streamCycles++;
        this.lastIssue = t;
        this.log.record(t, token, this.pass);
        if (this.nextToken === this.firstToken[this.pass]! + pass.rows) this.pass++;
      }
    }
    this.issued[t % this.R] = token;
    const previous = this.nextLoad - 1;
    const previousDone =
      previous < 0
        ? 0
        : this.firstToken[this.lastPassOfTile[previous]!]! + passes[this.lastPassOfTile[previous]!]!.rows;
    const registersFree = this.p.doubleBuffered ? this.tilesSwitchedIn > previous : issuedBefore >= previousDone;
    const tile = this.p.tiles[this.nextLoad];
    if (tile && t >= this.lastLoadStart + this.R && t >= tile.readyAt && registersFree) {
      this.loads.push({ tile: this.nextLoad, start: t });
      this.loadStarts.push(t);
      this.lastLoadStart = t;
      this.nextLoad++;
    }
  }

  /** Skewed feed: row i takes the streamed value of the token issued i cycles ago. */
  private feed(t: number): void {
    const { R, ring, ringLength } = this;
    const slot = this.head(t);
    for (let i = 0; i < R && i <= t; i++) {
      const id = this.issued[(t - i) % R]!;
      if (id < 0) continue;
      const index = this.issuedPass[(t - i) % R]!;
      const pass = this.p.passes[index]!;
      const depth = this.p.tiles[pass.tile]!.depth;
      if (i >= depth) continue;
      const value = pass.inputs[pass.inputOffset + (id - this.firstToken[index]!) * pass.inputStride + i]!;
      ring[2 * i * ringLength + slot] = value;
      ring[2 * i * ringLength + slot + ringLength] = value;
      this.streamedReads++;
    }
  }

  /** Cells. Cell (i, j) holds the token issued at cycle t - i - j, so each run of the issue log covers
   * one contiguous span of each row. Switches happen first (the switching token multiplies with the
   * new tile), then every row's partial sums, bottom row first so each reads the row above as it was
   * last cycle, then single-buffered releases. */
  private stepCells(t: number): void {
    const { R, C } = this;
    const runs = this.log.runs;
    for (const run of runs) {
      if (!this.switches[run.group] || run.firstToken !== this.firstToken[run.group]) continue;
      for (let i = Math.max(0, t - run.start - C + 1); i <= Math.min(R - 1, t - run.start); i++)
        this.switchCell(t, i, t - i - run.start);
    }
    const { table, byteOffset } = this.machine;
    const pBase = byteOffset['p']!;
    const ringBase = byteOffset['ring']! + 4 * this.head(t);
    const wBase = byteOffset['w']!;
    const ringRow = 8 * this.ringLength;
    let entries = 0;
    for (let i = R - 1; i >= 0; i--) {
      const latest = t - i;
      for (let r = 0; r < runs.length; r++) {
        const run = runs[r]!;
        const runEnd = run.start + run.length - 1;
        if (runEnd < latest - C + 1 || run.start > latest) continue;
        const ja = Math.max(0, latest - runEnd);
        const jb = Math.min(C - 1, latest - run.start);
        const e = entries++ * SPAN_FIELDS;
        table[e + SPAN_OUT] = pBase + 4 * ((i + 1) * C + ja);
        table[e + SPAN_IN] = pBase + 4 * (i * C + ja);
        table[e + SPAN_RING] = ringBase + i * ringRow + 4 * ja;
        table[e + SPAN_WEIGHT] =
          i < this.p.tiles[this.p.passes[run.group]!.tile]!.depth ? wBase + 4 * (i * C + ja) : -1;
        table[e + SPAN_COUNT] = jb - ja + 1;
      }
    }
    this.machine.run(entries);
    if (!this.p.doubleBuffered) this.releaseRows(t);
  }

  /** Single-buffered: the last token of a tile's last pass frees each cell's weight register as it passes. */
  private releaseRows(t: number): void {
    const { R, C } = this;
    for (const run of this.log.runs) {
      const pass = this.p.passes[run.group]!;
      if (!this.releases[run.group] || run.firstToken + run.length !== this.firstToken[run.group]! + pass.rows)
        continue;
      const runEnd = run.start + run.length - 1;
      for (let i = Math.max(0, t - runEnd - C + 1); i <= Math.min(R - 1, t - runEnd); i++) {
        const j = t - i - runEnd;
        if (this.released[j] !== i) this.hazard('rows released out of order', t, i, j);
        this.released[j]!++;
      }
    }
  }

  private switchCell(t: number, i: number, j: number): void {
    if (!this.p.doubleBuffered) {
      if (i === 0) this.released[j] = 0;
      return;
    }
    if (!this.pendingCol[j] || this.consumed[j] !== i) this.hazard('switch to a tile that has not loaded', t, i, j);
    this.active[i * this.C + j] = this.chain[j * this.R + i]!;
    this.consumed[j]!++;
    if (this.consumed[j] === this.R) this.pendingCol[j] = 0;
  }

  /** Tile loads: column j of a load started at L shifts rows 0..progress in cycle L + j + progress. */
  private stepLoads(t: number): void {
    const { R, C, chain } = this;
    const { doubleBuffered } = this.p;
    for (const { tile: index, start } of this.loads) {
      const tile = this.p.tiles[index]!;
      for (let j = Math.max(0, t - start - R + 1); j < C && j <= t - start; j++) {
        const progress = t - start - j;
        const busy = doubleBuffered
          ? this.pendingCol[j] && this.consumed[j]! <= progress
          : this.released[j]! <= progress;
        if (busy) this.hazard('tile load overwrites a value still in use', t, progress, j);
        const col = j * R;
        chain.copyWithin(col + 1, col, col + progress);
        const k = R - 1 - progress;
        const inside = k < tile.depth && j < tile.cols;
        chain[col] = inside ? tile.values[tile.offset + k * tile.stride + j]! : 0;
        if (inside) this.stationaryReads++;
        if (progress < R - 1) continue;
        if (doubleBuffered) {
          this.pendingCol[j] = 1;
          this.consumed[j] = 0;
        } else for (let r = 0; r < R; r++) this.active[r * C + j] = chain[col + r]!;
        if (j === 0) this.loadReadyAt[index] = t + 1;
      }
    }
    if (this.loads.length > 0 && t - this.loads[0]!.start >= R + C - 2) this.loads = this.loads.slice(1);
  }

  /** Accumulators: the bottom row's finished sums. Along a span, cell j holds the output of row
   * m0 - (j - ja) of its pass (a diagonal of the output) for column j. */
  private collect(t: number): void {
    const { R, C, spans } = this;
    this.log.spans(t - (R - 1), C, spans);
    for (let s = 0; s < spans.count; s++) {
      const ja = spans.firstCol[s]!;
      const pass = this.p.passes[spans.group[s]!]!;
      const m0 = spans.lastToken[s]! - this.firstToken[spans.group[s]!]!;
      const count = Math.min(spans.lastCol[s]!, this.p.tiles[pass.tile]!.cols - 1) - ja + 1;
      const first = pass.outputBase + m0 * pass.outputRowStride + ja;
      this.p.accumulators.landRun(t, this.pVal, R * C + ja, count, first, 1 - pass.outputRowStride, pass.overwrite);
    }
  }

  result(): StationaryRun {
    return {
      ...observedCycles(this.p.accumulators.lastCycle, this.streamCycles, this.lastIssue),
      weightLoadCycles: this.p.tiles.length * this.R,
      streamedReads: this.streamedReads,
      stationaryReads: this.stationaryReads,
      passStarts: this.passStarts,
      loadStarts: this.loadStarts,
      machine: this.machine.kind,
      snapshots: this.snapshots,
    };
  }

  private snapshot(cycle: number): CellSnapshot {
    const { R, C, ring, ringLength, pVal } = this;
    const tokens = new Int32Array(R * C).fill(-1);
    const fromLeft = new Float64Array(R * C).fill(NaN);
    const fromTop = new Float64Array(R * C).fill(NaN);
    const spans = new CellSpans(C + 1);
    const head = this.head(cycle);
    for (let i = 0; i < R; i++) {
      this.log.spans(cycle - i, C, spans);
      for (let s = 0; s < spans.count; s++) {
        const depth = this.p.tiles[this.p.passes[spans.group[s]!]!.tile]!.depth;
        for (let j = spans.firstCol[s]!; j <= spans.lastCol[s]!; j++) {
          tokens[i * C + j] = spans.lastToken[s]! - (j - spans.firstCol[s]!);
          if (i < depth) fromLeft[i * C + j] = ring[2 * i * ringLength + head + j]!;
          fromTop[i * C + j] = pVal[(i + 1) * C + j]!;
        }
      }
    }
    // Single-buffered tiles shift straight into the active registers, which the chain holds.
    const held = new Float64Array(R * C);
    for (let i = 0; i < R; i++)
      for (let j = 0; j < C; j++)
        held[i * C + j] = this.p.doubleBuffered ? this.active[i * C + j]! : this.chain[j * R + i]!;
    return { cycle, fromLeft, fromTop, held, tokens };
  }
}
