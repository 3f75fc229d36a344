/**
 * SCALE-Sim v2's memory system for one layer (memory/double_buffered_scratchpad_mem.py), re-derived:
 * the three demand streams go through their SRAMs row by row (one row per cycle); a row waits for the
 * slowest operand, and the wait is a stall that delays every later row. Returns the numbers of its
 * three reports as plain data.
 *
 * The rows are computed, not laid out: each operand gives a row's address count (and its addresses
 * only where they matter) from its fold's geometry; a read row whose line of the prefetch order lies
 * inside the SRAM's window skips its hit tests, and a whole fold whose lines all lie inside and whose output words fit
 * without a drain is counted at once; the write buffer keeps counts. The slot-by-slot
 * original is kept as the test oracle in test-support/slot-reference (slot-reference.test.ts).
 */
import type { AddressMatrix, DemandSource, LayerStreams, PrefetchOrder } from './operand-streams.js';
import type { PositionRanks } from './prefetch-order.js';
import { EstimateReadBuffer } from './estimate-buffer.js';
import { carveInt32 } from './int-list.js';
import { UserReadBuffer, type MemoryQuirks } from './read-buffer.js';
import { WriteBuffer } from './write-buffer.js';

export interface MemoryConfig {
  readonly ifmapSramWords: number;
  readonly filterSramWords: number;
  readonly ofmapSramWords: number;
  /** USER: DRAM words per cycle (SCALE-Sim v2 uses the first value for all three operands); CALC: estimated. */
  readonly mode: 'USER' | 'CALC';
  readonly bandwidthWordsPerCycle: number;
  readonly arrayCols: number;
  /** Whose quirks in read waits (USER) and the ofmap DRAM stop cycle to keep (read-buffer.ts); 'v2' unless given. */
  readonly quirks?: MemoryQuirks;
}

export interface AccessSpan {
  readonly startCycle: number;
  readonly stopCycle: number;
  readonly accesses: number;
}

/** Per-cycle traces in SCALE-Sim's layout (kept only when asked for: they are as large as the demand). */
export interface LayerTrace {
  /** Each operand's demand rows and the cycle each row was served. */
  readonly sram: {
    readonly [K in 'ifmap' | 'filter' | 'ofmap']: { readonly demand: AddressMatrix; readonly cycles: Float64Array };
  };
  /** DRAM rows: arrival (reads) or write cycle, then the addresses of that cycle's line (-1 for none). */
  readonly dram: {
    readonly [K in 'ifmap' | 'filter' | 'ofmap']: readonly {
      readonly cycle: number;
      readonly addresses: ArrayLike<number>;
    }[];
  };
}

export interface LayerMemoryResult {
  readonly totalCycles: number;
  readonly stallCycles: number;
  readonly sram: { readonly ifmap: AccessSpan; readonly filter: AccessSpan; readonly ofmap: AccessSpan };
  readonly dram: { readonly ifmap: AccessSpan; readonly filter: AccessSpan; readonly ofmap: AccessSpan };
  readonly trace?: LayerTrace;
}

/** CALC mode's DRAM read bandwidth guess, words per cycle (single_layer_sim.py: "arbitrary"). */
const CALC_READ_BANDWIDTH = 10;

interface ReadPort {
  serveRow(addresses: Int32Array, count: number, cycle: number, ranks?: Int32Array): number;
}

/** First and last delivery cycle of the rows that hold any address. */
class SpanTracker {
  start = 0;
  stop = 0;
  private seen = false;
  note(count: number, cycle: number): void {
    if (count === 0) return;
    if (!this.seen) this.start = cycle;
    this.seen = true;
    this.stop = cycle;
  }
}

/** One read operand's demand, its buffer, and row buffers for a row's addresses and ranks. */
interface ReadSide {
  readonly demand: DemandSource;
  readonly port: ReadPort;
  /** USER mode where the demand's rows read lines of the prefetch order: rows can be skipped by line. */
  readonly lines: UserReadBuffer | undefined;
  /** USER mode where ranks follow from positions. */
  readonly ranked: PositionRanks | undefined;
  readonly addresses: Int32Array;
  readonly ranks: Int32Array;
}

function readSide(
  demand: DemandSource,
  user: UserReadBuffer | undefined,
  calc: EstimateReadBuffer | undefined,
  order: PrefetchOrder,
): ReadSide {
  const lines = user && demand.lineKind === (order.diagonal ? 'diagonal' : 'row') ? user : undefined;
  const ranked = user && order.lookup === 'position' ? order : undefined;
  const [addresses, ranks] = carveInt32([demand.width, demand.width]) as [Int32Array, Int32Array];
  return { demand, port: (user ?? calc)!, lines, ranked, addresses, ranks };
}

/** One demand row of a read operand: nothing to look at when its line of the prefetch order is all in the window. */
function serveRead(side: ReadSide, r: number, count: number, cycle: number): number {
  if (count === 0 || side.lines?.coversLines(side.demand.line(r), side.demand.line(r))) return cycle + 1;
  side.demand.rowAddresses(r, side.addresses);
  if (!side.ranked) return side.port.serveRow(side.addresses, count, cycle);
  side.demand.rowRanks(r, side.ranked, side.ranks);
  return side.port.serveRow(side.addresses, count, cycle, side.ranks);
}

/** Notes a fold's first and last row holding an address, row r served at cycle `at` + r. */
function noteRows(span: SpanTracker, [first, last]: readonly [number, number], at: number): void {
  if (first < 0) return;
  span.note(1, at + first);
  span.note(1, at + last);
}

/**
 * The current fold's rows that hold an address, when every line they read is in the window already: then no read of
 * the fold misses, the window stays, and each row is served the cycle after it is issued. Undefined otherwise.
 */
function coveredFold(side: ReadSide): readonly [number, number] | undefined {
  if (!side.lines) return undefined;
  const rows = side.demand.activeRows();
  if (rows[0] < 0) return rows;
  const [a, b] = [side.demand.line(rows[0]), side.demand.line(rows[1])];
  return side.lines.coversLines(Math.min(a, b), Math.max(a, b)) ? rows : undefined;
}

export function simulateLayerMemory(streams: LayerStreams, config: MemoryConfig, keepTrace = false): LayerMemoryResult {
  const user = config.mode === 'USER';
  const bw = config.bandwidthWordsPerCycle;
  const quirks = config.quirks ?? 'v2';
  const ifmapUser = user ? new UserReadBuffer(config.ifmapSramWords, bw, streams.ifmapPrefetch, quirks) : undefined;
  const filterUser = user ? new UserReadBuffer(config.filterSramWords, bw, streams.filterPrefetch, quirks) : undefined;
  const ifmapCalc = user ? undefined : new EstimateReadBuffer(config.ifmapSramWords, CALC_READ_BANDWIDTH, keepTrace);
  const filterCalc = user ? undefined : new EstimateReadBuffer(config.filterSramWords, CALC_READ_BANDWIDTH, keepTrace);
  const ofmap = new WriteBuffer(config.ofmapSramWords, user ? bw : config.arrayCols, keepTrace);
  const { ifmapDemand: iD, filterDemand: fD, ofmapDemand: oD } = streams;
  const spans = [new SpanTracker(), new SpanTracker(), new SpanTracker()] as const;
  const ofmapRow = new Int32Array(oD.width);
  const folds = streams.rowFolds * streams.colFolds;
  const totalRows = oD.foldRows * folds;
  const kept = keepTrace
    ? {
        i: new Int32Array(totalRows * iD.width),
        f: new Int32Array(totalRows * fD.width),
        o: new Int32Array(totalRows * oD.width),
      }
    : undefined;
  const served = keepTrace
    ? [new Float64Array(totalRows), new Float64Array(totalRows), new Float64Array(totalRows)]
    : undefined;
  const ifmapSide = readSide(iD, ifmapUser, ifmapCalc, streams.ifmapPrefetch);
  const filterSide = readSide(fD, filterUser, filterCalc, streams.filterPrefetch);
  let stalls = 0;
  let lastOut = 0;
  let row = 0;
  for (let fc = 0; fc < streams.colFolds; fc++) {
    for (let fr = 0; fr < streams.rowFolds; fr++) {
      iD.begin(fr, fc);
      fD.begin(fr, fc);
      oD.begin(fr, fc);
      if (kept) {
        iD.fill(kept.i, row * iD.width);
        fD.fill(kept.f, row * fD.width);
        oD.fill(kept.o, row * oD.width);
      }
      // The first read fills the active buffers (cycle 0).
      ifmapUser?.start(row + stalls);
      filterUser?.start(row + stalls);
      // A covered operand's rows are all served at cycle + 1; its span needs only its first and last row.
      const iRows = coveredFold(ifmapSide);
      const fRows = coveredFold(filterSide);
      // And when the fold's output words also fit the write SRAM without a drain, no row of it stalls.
      if (iRows && fRows && !kept && oD.foldRows > 0 && ofmap.absorb(oD.foldAddresses())) {
        const at = row + stalls;
        noteRows(spans[0], iRows, at + 1);
        noteRows(spans[1], fRows, at + 1);
        noteRows(spans[2], oD.activeRows(), at);
        row += oD.foldRows;
        lastOut = row - 1 + stalls;
        continue;
      }
      for (let r = 0; r < oD.foldRows; r++, row++) {
        const cycle = row + stalls;
        const iCount = iRows ? Number(r === iRows[0] || r === iRows[1]) : iD.rowCount(r);
        const fCount = fRows ? Number(r === fRows[0] || r === fRows[1]) : fD.rowCount(r);
        const oCount = kept ? oD.rowAddresses(r, ofmapRow) : oD.rowCount(r);
        const iOut = iRows ? cycle + 1 : serveRead(ifmapSide, r, iCount, cycle);
        const fOut = fRows ? cycle + 1 : serveRead(filterSide, r, fCount, cycle);
        const oOut = ofmap.serveRow(ofmapRow, oCount, cycle);
        spans[0].note(iCount, iOut);
        spans[1].note(fCount, fOut);
        spans[2].note(oCount, oOut);
        stalls += Math.max(iOut - cycle - 1, fOut - cycle - 1, oOut - cycle);
        lastOut = oOut;
        if (served) {
          served[0]![row] = iOut;
          served[1]![row] = fOut;
          served[2]![row] = oOut;
        }
      }
    }
  }
  ifmapCalc?.finish();
  filterCalc?.finish();
  ofmap.flush(lastOut);
  const readSpan = (u: UserReadBuffer | undefined, c: EstimateReadBuffer | undefined): AccessSpan => {
    if (u) {
      const { start, stop } = u.dramSpan();
      return { startCycle: start, stopCycle: stop, accesses: u.dramWords };
    }
    const first = c!.windows[0]!;
    const last = c!.windows[c!.windows.length - 1]!;
    return { startCycle: first.firstCycle, stopCycle: last.firstCycle + last.rows - 1, accesses: c!.dramWords };
  };
  const readTrace = (
    u: UserReadBuffer | undefined,
    c: EstimateReadBuffer | undefined,
  ): { cycle: number; addresses: ArrayLike<number> }[] => (u ? u.traceRows() : c!.traceRows());
  const matrix = (data: Int32Array, cols: number): AddressMatrix => ({ rows: totalRows, cols, data });
  const trace: LayerTrace | undefined = served &&
    kept && {
      sram: {
        ifmap: { demand: matrix(kept.i, iD.width), cycles: served[0]! },
        filter: { demand: matrix(kept.f, fD.width), cycles: served[1]! },
        ofmap: { demand: matrix(kept.o, oD.width), cycles: served[2]! },
      },
      dram: {
        ifmap: readTrace(ifmapUser, ifmapCalc),
        filter: readTrace(filterUser, filterCalc),
        ofmap: ofmap.traceRows(),
      },
    };
  return {
    ...(trace ? { trace } : {}),
    totalCycles: lastOut,
    stallCycles: stalls,
    sram: {
      ifmap: { startCycle: spans[0].start, stopCycle: spans[0].stop, accesses: streams.ifmapSramReads },
      filter: { startCycle: spans[1].start, stopCycle: spans[1].stop, accesses: streams.filterSramReads },
      ofmap: { startCycle: spans[2].start, stopCycle: spans[2].stop, accesses: streams.ofmapSramWrites },
    },
    dram: {
      ifmap: readSpan(ifmapUser, ifmapCalc),
      filter: readSpan(filterUser, filterCalc),
      ofmap: {
        startCycle: ofmap.firstDramCycle,
        stopCycle: quirks === 'v3' ? ofmap.latestDramCycle : ofmap.lastDramCycle,
        accesses: ofmap.dramWords,
      },
    },
  };
}
