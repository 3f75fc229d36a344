/**
 * The two SCALE-Sim v3 pieces of the memory model: operand views with only some window positions left (v3's
 * layer-wise sparsity), and v3's quirks (a positive DRAM read wait counted twice, the latest ofmap DRAM write).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataflow } from '../../arch/chip-spec.js';
import { layerStreams, type ConvShape } from './operand-streams.js';
import { addressAt, keepWindow, operandViews } from './operand-views.js';
import { simulateLayerMemory, type MemoryConfig } from './scratchpad.js';
import { WriteBuffer } from './write-buffer.js';

const offsets = { ifmap: 0, filter: 10_000_000, ofmap: 20_000_000 };
const gemm = (m: number, n: number, k: number): ConvShape => ({
  ifmapHeight: m,
  ifmapWidth: k,
  filterHeight: 1,
  filterWidth: k,
  channels: 1,
  filters: n,
  strideHeight: 1,
  strideWidth: 1,
});

/** Positions w < k with w mod block < nonzeros: v3's layer-wise N:M pattern. */
const pattern = (k: number, nonzeros: number, block: number): number[] =>
  Array.from({ length: k }, (_, w) => w).filter((w) => w % block < nonzeros);

const conv = fc
  .record({
    ifmapHeight: fc.integer({ min: 1, max: 9 }),
    ifmapWidth: fc.integer({ min: 1, max: 9 }),
    filterHeight: fc.integer({ min: 1, max: 4 }),
    filterWidth: fc.integer({ min: 1, max: 4 }),
    channels: fc.integer({ min: 1, max: 4 }),
    filters: fc.integer({ min: 1, max: 12 }),
    strideHeight: fc.integer({ min: 1, max: 3 }),
    strideWidth: fc.integer({ min: 1, max: 3 }),
  })
  .filter((c) => c.filterHeight <= c.ifmapHeight && c.filterWidth <= c.ifmapWidth);

describe('keepWindow (layer-wise sparsity: the im2col without the zeroed window columns)', () => {
  it('ifmap (r, j) and filter (j, f) are the dense operands at window position window[j]; ofmap unchanged', () => {
    fc.assert(
      fc.property(conv, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (c, n, extra) => {
        const dense = operandViews(c, offsets);
        const window = pattern(dense.ifmap.cols, n, n + extra);
        const kept = keepWindow(dense, window);
        expect([kept.ifmap.cols, kept.filter.rows]).toEqual([window.length, window.length]);
        for (let j = 0; j < window.length; j++) {
          for (let r = 0; r < dense.ifmap.rows; r++)
            expect(addressAt(kept.ifmap, r, j)).toBe(addressAt(dense.ifmap, r, window[j]!));
          for (let f = 0; f < dense.filter.cols; f++)
            expect(addressAt(kept.filter, j, f)).toBe(addressAt(dense.filter, window[j]!, f));
        }
        expect(kept.ofmap).toBe(dense.ofmap);
      }),
      { seed: 71, numRuns: 100 },
    );
  });

  it("a GEMM with its window cut times as the M x N x K' GEMM (no address repeats), whatever the quirks", () => {
    const setup = fc.record({
      m: fc.integer({ min: 1, max: 30 }),
      n: fc.integer({ min: 1, max: 30 }),
      k: fc.integer({ min: 2, max: 30 }),
      nonzeros: fc.integer({ min: 1, max: 3 }),
      extra: fc.integer({ min: 1, max: 3 }),
      rows: fc.integer({ min: 1, max: 8 }),
      cols: fc.integer({ min: 1, max: 8 }),
      dataflow: fc.constantFrom<Dataflow>('os', 'ws', 'is'),
      sramWords: fc.integer({ min: 8, max: 300 }),
      bandwidthWordsPerCycle: fc.integer({ min: 1, max: 8 }),
      quirks: fc.constantFrom<'v2' | 'v3'>('v2', 'v3'),
    });
    fc.assert(
      fc.property(setup, (s) => {
        const window = pattern(s.k, s.nonzeros, s.nonzeros + s.extra);
        const config: MemoryConfig = {
          ifmapSramWords: s.sramWords,
          filterSramWords: s.sramWords,
          ofmapSramWords: s.sramWords,
          mode: 'USER',
          bandwidthWordsPerCycle: s.bandwidthWordsPerCycle,
          arrayCols: s.cols,
          quirks: s.quirks,
        };
        const cut = layerStreams(gemm(s.m, s.n, s.k), offsets, s.rows, s.cols, s.dataflow, window);
        const compressed = layerStreams(gemm(s.m, s.n, window.length), offsets, s.rows, s.cols, s.dataflow);
        expect(simulateLayerMemory(cut, config)).toEqual(simulateLayerMemory(compressed, config));
      }),
      { seed: 16, numRuns: 150 },
    );
  });
});

describe("SCALE-Sim v3's memory quirks", () => {
  // Layer 4 of test/fixtures/scalesim-v3/sp-csr-lw-user-s1 (and of v3's dense run dn-csr-lw-user-s1): the
  // compressed 33 x 19 x 25 GEMM on an 8 x 8 ws array, 1 kB SRAMs, 2 words/cycle. v3 reports 1265 stall cycles.
  const config = (quirks: 'v2' | 'v3'): MemoryConfig => ({
    ifmapSramWords: 1024,
    filterSramWords: 1024,
    ofmapSramWords: 1024,
    mode: 'USER',
    bandwidthWordsPerCycle: 2,
    arrayCols: 8,
    quirks,
  });
  const streams = () => layerStreams(gemm(33, 19, 25), offsets, 8, 8, 'ws');

  it("v3 counts a positive DRAM read wait twice: 1265 stall cycles (v3's report), v2 once: 1207", () => {
    expect(simulateLayerMemory(streams(), config('v2')).stallCycles).toBe(1207);
    expect(simulateLayerMemory(streams(), config('v3')).stallCycles).toBe(1265);
  });

  it("without quirks given, v2's", () => {
    const { quirks: _, ...plain } = config('v2');
    expect(simulateLayerMemory(streams(), plain)).toEqual(simulateLayerMemory(streams(), config('v2')));
  });

  it('the final flush starts at the last row even while a drain runs: v3 reports the latest write, v2 the last', () => {
    // 8 words, 1 per line: 5 words at cycle 0 start a drain of 4 lines (cycles 0-3); the flush at cycle 1 drains
    // the fifth line at cycle 1.
    const w = new WriteBuffer(8, 1, false);
    w.serveRow(new Int32Array(5), 5, 0);
    w.flush(1);
    expect([w.firstDramCycle, w.lastDramCycle, w.latestDramCycle]).toEqual([0, 1, 3]);
  });
});
