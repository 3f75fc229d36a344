import { describe, expect, it } from 'vitest';
import { BankReadBuffer } from './bank-buffer.js';
import { parseLayoutCsv } from './layout-csv.js';
import { filterLayoutOrder, ifmapLayoutOrder } from './layout-order.js';
import { pythonSetOrder } from './python-set.js';
import { simulateLayoutMemory } from './layout-memory.js';
import { layerStreams, simulateLayerMemory } from '../memory/index.js';

const conv = {
  ifmapHeight: 3,
  ifmapWidth: 2,
  filterHeight: 1,
  filterWidth: 2,
  channels: 3,
  filters: 2,
  strideHeight: 1,
  strideWidth: 1,
};

describe('pythonSetOrder', () => {
  // Expected orders printed by CPython 3.11: list(set(float(x) for x in values)).
  it.each([
    [
      [
        10000016, 10000017, 10000018, 10000019, 10000032, 10000033, 10000034, 10000035, 10000048, 10000049, 10000050,
        10000051, 10000000, 10000001, 10000002, 10000003,
      ],
      [
        10000032, 10000033, 10000034, 10000035, 10000000, 10000001, 10000002, 10000003, 10000016, 10000017, 10000018,
        10000019, 10000048, 10000049, 10000050, 10000051,
      ],
    ],
    [
      [7, 15, 23, 31, 8, 64, 1, 9],
      [64, 1, 7, 8, 9, 15, 23, 31],
    ],
    [Array.from({ length: 20 }, (_, i) => 100 - 3 * i), Array.from({ length: 20 }, (_, i) => 43 + 3 * i)],
  ])('orders %j as CPython does', (values, expected) => {
    expect(pythonSetOrder(values)).toEqual(expected);
  });
});

describe('layout orders', () => {
  it('tiles, pads and permutes the IFMAP as numpy does (pad, reshape, transpose)', () => {
    // numpy: arange(18).reshape(3,2,3), padded to (4,2,4) with -1, tiled 2x2x2, axes (3,4,5,0,1,2).
    const order = ifmapLayoutOrder(conv, { intralineFactors: [2, 2, 2], axes: [3, 4, 5, 0, 1, 2] }, 0);
    expect(Array.from(order)).toEqual([
      0, 2, 12, 14, 1, -1, 13, -1, 3, 5, 15, 17, 4, -1, 16, -1, 6, 8, -1, -1, 7, -1, -1, -1, 9, 11, -1, -1, 10, -1, -1,
      -1,
    ]);
  });

  it('keeps every filter address once, offset included', () => {
    const order = filterLayoutOrder(conv, { intralineFactors: [2, 2, 1, 1], axes: [4, 5, 6, 7, 3, 2, 1, 0] }, 1000);
    const valid = Array.from(order)
      .filter((a) => a !== -1)
      .sort((a, b) => a - b);
    expect(valid).toEqual(Array.from({ length: 12 }, (_, i) => 1000 + i));
  });
});

describe('parseLayoutCsv', () => {
  const header = 'Layer name, IFMAP Height Intraline Factor, ...\n';
  it('reads a row into IFMAP and filter tiles and axis orders', () => {
    const r = parseLayoutCsv(`${header}L1,2,2,1,1,4,4,0,1,2,3,4,5,3,2,1,0,4,5,6,7,\n`);
    expect(r).toEqual({
      ok: true,
      value: [
        {
          name: 'L1',
          line: 2,
          ifmap: { intralineFactors: [2, 2, 4], axes: [3, 4, 5, 0, 1, 2] },
          filter: { intralineFactors: [4, 4, 1, 1], axes: [4, 5, 6, 7, 3, 2, 1, 0] },
        },
      ],
    });
  });

  it('reports short rows, zero factors and depthwise rows with their lines', () => {
    const r = parseLayoutCsv(
      `${header}L1,2,2,1,\nL2,0,2,1,1,4,4,0,1,2,3,4,5,3,2,1,0,4,5,6,7,\nDP3,1,1,1,1,1,1,0,1,2,3,4,5,0,1,2,3,4,5,6,7,\n`,
      'x.csv',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "x.csv:2: layer 'L1' has 3 values, expected 20 (6 intraline factors, then IFMAP intra/interline orders 3 + " +
        '3, filter 4 + 4)',
      "x.csv:3: intraline factor 1 of layer 'L2' must be from 1 to 1048576, got 0",
      "x.csv:4: layer 'DP3': depthwise (DP) layout rows are not supported",
    ]);
  });
});

describe('BankReadBuffer', () => {
  // 16 words in lines of 4 over 2 banks (2 words each); a 64-word SRAM holds them all.
  const order = Int32Array.from({ length: 16 }, (_, i) => i);
  const row = (addresses: number[]): [Int32Array, number] => [Int32Array.from(addresses), addresses.length];

  it('adds ceil(lines / ports) - 1 cycles for the busiest bank', () => {
    const one = new BankReadBuffer({ totalWords: 64, bandwidth: 4, banks: 2, ports: 1 }, order);
    // Words 0 and 4 sit in column 0 of lines 0 and 1: bank 0 must serve two lines.
    expect(one.serveRow(...row([0, 4]), 10)).toBe(12);
    // Words 0 and 2 are one line, two banks: no conflict.
    expect(one.serveRow(...row([0, 2]), 11)).toBe(12);
    expect(one.conflictCycles).toBe(1);
    const two = new BankReadBuffer({ totalWords: 64, bandwidth: 4, banks: 2, ports: 2 }, order);
    expect(two.serveRow(...row([0, 4, 8]), 10)).toBe(12);
    expect(two.serveRow(...row([0, 4]), 11)).toBe(12);
  });

  it('counts the active fill as DRAM words before the first read', () => {
    const b = new BankReadBuffer({ totalWords: 64, bandwidth: 4, banks: 1, ports: 1 }, order);
    b.serveRow(...row([5]), 0);
    expect(b.dramSpan()).toEqual({ start: -4, stop: -1 });
    expect(b.dramWords).toBe(16);
  });
});

describe('simulateLayoutMemory without custom layouts', () => {
  it.each([
    ['ws', 64, 8],
    ['os', 128, 4],
    ['is', 300, 16],
  ] as const)('equals the v3-quirk memory system (%s, %i-word SRAMs, %i words/cycle)', (dataflow, words, bw) => {
    const conv = {
      ifmapHeight: 9,
      ifmapWidth: 7,
      filterHeight: 3,
      filterWidth: 2,
      channels: 5,
      filters: 11,
      strideHeight: 2,
      strideWidth: 1,
    };
    const offsets = { ifmap: 0, filter: 10_000_000, ofmap: 20_000_000 };
    const streams = () => layerStreams(conv, offsets, 4, 8, dataflow);
    const v2 = simulateLayerMemory(streams(), {
      ifmapSramWords: words,
      filterSramWords: words,
      ofmapSramWords: words,
      mode: 'USER',
      bandwidthWordsPerCycle: bw,
      arrayCols: 8,
      quirks: 'v3', // v3's read path without a custom layout
    });
    const banks = { bandwidthWordsPerCycle: bw, banks: 1, ports: 1 };
    const ours = simulateLayoutMemory(streams(), {
      ifmapSramWords: words,
      filterSramWords: words,
      ofmapSramWords: words,
      ofmapBandwidthWordsPerCycle: bw,
      ifmap: banks,
      filter: banks,
    });
    expect(v2.stallCycles).toBeGreaterThan(0);
    const { bankConflictCycles, cyclesWithPrefetch, ...rest } = ours;
    expect(rest).toEqual(v2);
    expect(bankConflictCycles).toEqual({ ifmap: 0, filter: 0 });
    expect(cyclesWithPrefetch).toBe(
      v2.dram.ofmap.stopCycle - Math.min(v2.dram.ifmap.startCycle, v2.dram.filter.startCycle),
    );
  });
});
