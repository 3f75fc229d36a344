/**
 * SCALE-Sim v2's memory system for one layer (memory/double_buffered_scratchpad_mem.py), re-derived:
 * the three demand streams go through their SRAMs row by row (one row per cycle); a row waits for the
 * slowest operand, and the wait is a stall that delays every later row. Returns the numbers of its
 * three reports as plain data.
 */
import type { AddressMatrix, LayerStreams } from './operand-streams.js';
import { EstimateReadBuffer } from './estimate-buffer.js';
import { UserReadBuffer } from './read-buffer.js';
import { WriteBuffer } from './write-buffer.js';

export interface MemoryConfig {
  readonly ifmapSramWords: number;
  readonly filterSramWords: number;
  readonly ofmapSramWords: number;
  /** USER: DRAM words per cycle (SCALE-Sim v2 uses the first value for all three operands); CALC: estimated. */
  readonly mode: 'USER' | 'CALC';
  readonly bandwidthWordsPerCycle: number;
  readonly arrayCols: number;
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
  serveRow(data: Int32Array, from: number, width: number, cycle: number): number;
}

/** First and last row with any address, and the delivery cycles of those rows. */
class SpanTracker {
  start = 0;
  stop = 0;
  private seen = false;
  note(data: Int32Array, from: number, width: number, cycle: number): void {
    for (let c = 0; c < width; c++) {
      if (data[from + c] !== -1) {
        if (!this.seen) this.start = cycle;
        this.seen = true;
        this.stop = cycle;
        return;
      }
    }
  }
}

export function simulateLayerMemory(streams: LayerStreams, config: MemoryConfig, keepTrace = false): LayerMemoryResult {
  const user = config.mode === 'USER';
  const bw = config.bandwidthWordsPerCycle;
  const ifmapUser = user ? new UserReadBuffer(config.ifmapSramWords, bw, streams.ifmapPrefetch) : undefined;
  const filterUser = user ? new UserReadBuffer(config.filterSramWords, bw, streams.filterPrefetch) : undefined;
  const ifmapCalc = user ? undefined : new EstimateReadBuffer(config.ifmapSramWords, CALC_READ_BANDWIDTH, keepTrace);
  const filterCalc = user ? undefined : new EstimateReadBuffer(config.filterSramWords, CALC_READ_BANDWIDTH, keepTrace);
  const ifmap: ReadPort = (ifmapUser ?? ifmapCalc)!;
  const filter: ReadPort = (filterUser ?? filterCalc)!;
  const ofmap = new WriteBuffer(config.ofmapSramWords, user ? bw : config.arrayCols, keepTrace);
  const { ifmapDemand: iD, filterDemand: fD, ofmapDemand: oD } = streams;
  const spans = [new SpanTracker(), new SpanTracker(), new SpanTracker()] as const;
  const blocks = [
    new Int32Array(iD.foldRows * iD.width),
    new Int32Array(fD.foldRows * fD.width),
    new Int32Array(oD.foldRows * oD.width),
  ] as const;
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
  let stalls = 0;
  let lastOut = 0;
  let row = 0;
  for (let fc = 0; fc < streams.colFolds; fc++) {
    for (let fr = 0; fr < streams.rowFolds; fr++) {
      iD.fill(fr, fc, blocks[0]);
      fD.fill(fr, fc, blocks[1]);
      oD.fill(fr, fc, blocks[2]);
      if (kept) {
        kept.i.set(blocks[0], row * iD.width);
        kept.f.set(blocks[1], row * fD.width);
        kept.o.set(blocks[2], row * oD.width);
      }
      for (let r = 0; r < oD.foldRows; r++, row++) {
        const cycle = row + stalls;
        const iOut = ifmap.serveRow(blocks[0], r * iD.width, iD.width, cycle);
        const fOut = filter.serveRow(blocks[1], r * fD.width, fD.width, cycle);
        const oOut = ofmap.serveRow(blocks[2], r * oD.width, oD.width, cycle);
        spans[0].note(blocks[0], r * iD.width, iD.width, iOut);
        spans[1].note(blocks[1], r * fD.width, fD.width, fOut);
        spans[2].note(blocks[2], r * oD.width, oD.width, oOut);
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
  const ofmapDram = ofmap.dram;
  const readTrace = (
    u: UserReadBuffer | undefined,
    c: EstimateReadBuffer | undefined,
  ): { cycle: number; addresses: ArrayLike<number> }[] => (u ? u.traceRows() : c!.traceRows());
  const writeTrace = (): { cycle: number; addresses: ArrayLike<number> }[] =>
    ofmapDram.map((r) => ({
      cycle: r.cycle,
      addresses: [...r.addresses, ...new Array<number>(ofmap.bandwidth - r.addresses.length).fill(-1)],
    }));
  const matrix = (data: Int32Array, cols: number): AddressMatrix => ({ rows: totalRows, cols, data });
  const trace: LayerTrace | undefined = served &&
    kept && {
      sram: {
        ifmap: { demand: matrix(kept.i, iD.width), cycles: served[0]! },
        filter: { demand: matrix(kept.f, fD.width), cycles: served[1]! },
        ofmap: { demand: matrix(kept.o, oD.width), cycles: served[2]! },
      },
      dram: { ifmap: readTrace(ifmapUser, ifmapCalc), filter: readTrace(filterUser, filterCalc), ofmap: writeTrace() },
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
        startCycle: ofmapDram[0]?.cycle ?? 0,
        stopCycle: ofmapDram[ofmapDram.length - 1]?.cycle ?? 0,
        accesses: ofmap.dramWords,
      },
    },
  };
}
