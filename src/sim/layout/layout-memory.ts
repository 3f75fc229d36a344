/**
 * One layer through SCALE-Sim v3's memory system with its [layout] section: the scratchpad loop of
 * memory/scratchpad.ts (one demand row per cycle; a row waits for its slowest operand and the wait
 * delays every later row), with each read operand served by a banked SRAM in its custom layout
 * (bank-buffer.ts) or, without one, by v2's read buffer at the operand's bank bandwidth.
 */
import { UserReadBuffer } from '../memory/read-buffer.js';
import { WriteBuffer } from '../memory/write-buffer.js';
import type { AccessSpan, LayerMemoryResult } from '../memory/scratchpad.js';
import type { DemandSource, LayerStreams, PrefetchOrder } from '../memory/operand-streams.js';
import { BankReadBuffer } from './bank-buffer.js';

export interface OperandBanks {
  /** The [layout] section's bank bandwidth: SRAM line words and, in USER mode, DRAM words per cycle. */
  readonly bandwidthWordsPerCycle: number;
  readonly banks: number;
  readonly ports: number;
  /** The operand in its custom layout (layout-order.ts); absent: SCALE-Sim's default order, no bank model. */
  readonly order?: Int32Array;
}

export interface LayoutMemoryConfig {
  readonly ifmapSramWords: number;
  readonly filterSramWords: number;
  readonly ofmapSramWords: number;
  /** The ofmap's DRAM words per cycle (Bandwidth's first value, as v3 uses it). */
  readonly ofmapBandwidthWordsPerCycle: number;
  readonly ifmap: OperandBanks;
  readonly filter: OperandBanks;
}

export interface LayoutMemoryResult extends LayerMemoryResult {
  /** Cycles the read operands' bank conflicts added, before overlap with other waits. */
  readonly bankConflictCycles: { readonly ifmap: number; readonly filter: number };
  /** SCALE-Sim v3's "Total Cycles (incl. prefetch)": last ofmap DRAM write minus first operand DRAM read. */
  readonly cyclesWithPrefetch: number;
}

/** One read operand: its demand, its SRAM, and buffers for a row's addresses and ranks. */
interface ReadSide {
  readonly demand: DemandSource;
  readonly banked: BankReadBuffer | undefined;
  readonly plain: UserReadBuffer | undefined;
  readonly order: PrefetchOrder;
  readonly addresses: Int32Array;
  readonly ranks: Int32Array;
}

function readSide(demand: DemandSource, words: number, banks: OperandBanks, order: PrefetchOrder): ReadSide {
  const bw = banks.bandwidthWordsPerCycle;
  const banked = banks.order
    ? new BankReadBuffer({ totalWords: words, bandwidth: bw, banks: banks.banks, ports: banks.ports }, banks.order)
    : undefined;
  // v3's read path without a custom layout (its read_buffer.py, not the layout evaluation): v3's waits.
  const plain = banked ? undefined : new UserReadBuffer(words, bw, order, 'v3');
  return { demand, banked, plain, order, addresses: new Int32Array(demand.width), ranks: new Int32Array(demand.width) };
}

function serveRead(side: ReadSide, r: number, count: number, cycle: number): number {
  if (side.banked) {
    side.demand.rowAddresses(r, side.addresses);
    return side.banked.serveRow(side.addresses, count, cycle);
  }
  if (count === 0) return cycle + 1;
  side.demand.rowAddresses(r, side.addresses);
  if (side.order.lookup !== 'position') return side.plain!.serveRow(side.addresses, count, cycle);
  side.demand.rowRanks(r, side.order, side.ranks);
  return side.plain!.serveRow(side.addresses, count, cycle, side.ranks);
}

/** First and last delivery cycle of the rows that hold any address. */
function spanTracker(): { note(count: number, cycle: number): void; span(accesses: number): AccessSpan } {
  let start = 0;
  let stop = 0;
  let seen = false;
  return {
    note(count, cycle) {
      if (count === 0) return;
      if (!seen) start = cycle;
      seen = true;
      stop = cycle;
    },
    span: (accesses) => ({ startCycle: start, stopCycle: stop, accesses }),
  };
}

function dramSpan(side: ReadSide): AccessSpan {
  const buffer = side.banked ?? side.plain!;
  const { start, stop } = buffer.dramSpan();
  return { startCycle: start, stopCycle: stop, accesses: buffer.dramWords };
}

export function simulateLayoutMemory(streams: LayerStreams, config: LayoutMemoryConfig): LayoutMemoryResult {
  const { ifmapDemand: iD, filterDemand: fD, ofmapDemand: oD } = streams;
  const ifmap = readSide(iD, config.ifmapSramWords, config.ifmap, streams.ifmapPrefetch);
  const filter = readSide(fD, config.filterSramWords, config.filter, streams.filterPrefetch);
  const ofmap = new WriteBuffer(config.ofmapSramWords, config.ofmapBandwidthWordsPerCycle, false);
  const spans = [spanTracker(), spanTracker(), spanTracker()] as const;
  const ofmapRow = new Int32Array(oD.width); // the write buffer reads addresses only for a trace
  let stalls = 0;
  let lastOut = 0;
  let row = 0;
  for (let fc = 0; fc < streams.colFolds; fc++) {
    for (let fr = 0; fr < streams.rowFolds; fr++) {
      iD.begin(fr, fc);
      fD.begin(fr, fc);
      oD.begin(fr, fc);
      // The first read fills the active buffers, empty row or not (cycle 0).
      ifmap.plain?.start(row + stalls);
      filter.plain?.start(row + stalls);
      for (let r = 0; r < oD.foldRows; r++, row++) {
        const cycle = row + stalls;
        const iCount = iD.rowCount(r);
        const fCount = fD.rowCount(r);
        const oCount = oD.rowCount(r);
        const iOut = serveRead(ifmap, r, iCount, cycle);
        const fOut = serveRead(filter, r, fCount, cycle);
        const oOut = ofmap.serveRow(ofmapRow, oCount, cycle);
        spans[0].note(iCount, iOut);
        spans[1].note(fCount, fOut);
        spans[2].note(oCount, oOut);
        stalls += Math.max(iOut - cycle - 1, fOut - cycle - 1, oOut - cycle);
        lastOut = oOut;
      }
    }
  }
  ofmap.flush(lastOut);
  const dram = {
    ifmap: dramSpan(ifmap),
    filter: dramSpan(filter),
    ofmap: { startCycle: ofmap.firstDramCycle, stopCycle: ofmap.latestDramCycle, accesses: ofmap.dramWords },
  };
  return {
    totalCycles: lastOut,
    stallCycles: stalls,
    sram: {
      ifmap: spans[0].span(streams.ifmapSramReads),
      filter: spans[1].span(streams.filterSramReads),
      ofmap: spans[2].span(streams.ofmapSramWrites),
    },
    dram,
    bankConflictCycles: { ifmap: ifmap.banked?.conflictCycles ?? 0, filter: filter.banked?.conflictCycles ?? 0 },
    cyclesWithPrefetch: dram.ofmap.stopCycle - Math.min(dram.ifmap.startCycle, dram.filter.startCycle),
  };
}
