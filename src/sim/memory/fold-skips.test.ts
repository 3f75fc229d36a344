/**
 * The shortcuts the memory model takes on small layers (issue 16 speed): folds whose reads all hit are not walked
 * row by row, the write SRAM counts a row's words at once, and a repeated address's hit test starts from its first
 * and last rank. Each is checked against the long way round; slot-reference.test.ts checks the whole model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataflow } from '../../arch/chip-spec.js';
import { layerStreams, type ConvShape, type DemandSource, type LayerStreams } from './operand-streams.js';
import type { PrefetchOrder } from './prefetch-order.js';
import { UserReadBuffer } from './read-buffer.js';
import { simulateLayerMemory, type MemoryConfig } from './scratchpad.js';
import { WriteBuffer } from './write-buffer.js';

const offsets = { ifmap: 0, filter: 10_000_000, ofmap: 20_000_000 };

const conv = fc
  .record({
    ifmapHeight: fc.integer({ min: 1, max: 9 }),
    ifmapWidth: fc.integer({ min: 1, max: 9 }),
    filterHeight: fc.integer({ min: 1, max: 4 }),
    filterWidth: fc.integer({ min: 1, max: 4 }),
    channels: fc.integer({ min: 1, max: 3 }),
    filters: fc.integer({ min: 1, max: 12 }),
    strideHeight: fc.integer({ min: 1, max: 3 }),
    strideWidth: fc.integer({ min: 1, max: 3 }),
  })
  .filter((c) => c.filterHeight <= c.ifmapHeight && c.filterWidth <= c.ifmapWidth);

const layer = fc.record({
  shape: conv,
  rows: fc.integer({ min: 1, max: 9 }),
  cols: fc.integer({ min: 1, max: 9 }),
  dataflow: fc.constantFrom<Dataflow>('os', 'ws', 'is'),
});

function demands(s: LayerStreams): DemandSource[] {
  return [s.ifmapDemand, s.filterDemand, s.ofmapDemand];
}

describe('fold shortcuts', () => {
  it('activeRows and foldAddresses agree with a row-by-row count, padding inside included', () => {
    fc.assert(
      fc.property(layer, ({ shape, rows, cols, dataflow }) => {
        const streams = layerStreams(shape, offsets, rows, cols, dataflow);
        for (const d of demands(streams)) {
          for (let fc_ = 0; fc_ < streams.colFolds; fc_++) {
            for (let fr = 0; fr < streams.rowFolds; fr++) {
              d.begin(fr, fc_);
              const counts = Array.from({ length: d.foldRows }, (_, t) => d.rowCount(t));
              const first = counts.findIndex((n) => n > 0);
              const last = first < 0 ? -1 : counts.length - 1 - [...counts].reverse().findIndex((n) => n > 0);
              expect(d.activeRows()).toEqual([first, last]);
              expect(d.foldAddresses()).toBe(counts.reduce((a, b) => a + b, 0));
            }
          }
        }
      }),
      { seed: 58, numRuns: 200 },
    );
  });

  it('serves a fold whose prefetch lines are all in the SRAM without looking up a line per row', () => {
    // conv_small's first layer on a 32 x 32 array with 64 kB SRAMs: every read is in the first window.
    const shape: ConvShape = {
      ifmapHeight: 12,
      ifmapWidth: 12,
      filterHeight: 3,
      filterWidth: 3,
      channels: 4,
      filters: 20,
      strideHeight: 1,
      strideWidth: 1,
    };
    const config: MemoryConfig = {
      ifmapSramWords: 65_536,
      filterSramWords: 65_536,
      ofmapSramWords: 65_536,
      mode: 'USER',
      bandwidthWordsPerCycle: 10,
      arrayCols: 32,
    };
    for (const dataflow of ['os', 'ws', 'is'] as const) {
      const plain = simulateLayerMemory(layerStreams(shape, offsets, 32, 32, dataflow), config);
      const streams = layerStreams(shape, offsets, 32, 32, dataflow);
      let lookups = 0;
      const counted = (d: DemandSource): DemandSource =>
        new Proxy(d, {
          get(target, key) {
            const value = Reflect.get(target, key, target) as unknown;
            if (key === 'line')
              return (t: number) => {
                lookups++;
                return target.line(t);
              };
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      const result = simulateLayerMemory(
        { ...streams, ifmapDemand: counted(streams.ifmapDemand), filterDemand: counted(streams.filterDemand) },
        config,
      );
      expect(result).toEqual(plain);
      // Two lookups per operand and fold (its first and last row), not one per row.
      expect(lookups).toBeLessThanOrEqual(4 * streams.rowFolds * streams.colFolds);
      expect(lookups).toBeLessThan(streams.ofmapDemand.foldRows);
    }
  });

  it('counts a row of output words at once exactly as word by word', () => {
    const rowsOf = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.integer({ min: 1, max: 12 }), rowsOf, (words, bw, rows) => {
        // Keeping addresses turns the shortcut off: the same buffer then goes word by word.
        const fast = new WriteBuffer(words, bw, false);
        const slow = new WriteBuffer(words, bw, true);
        const addresses = new Int32Array(40);
        let cycle = 0;
        for (const n of rows) {
          const at = fast.serveRow(addresses, n, cycle);
          expect(at).toBe(slow.serveRow(addresses, n, cycle));
          cycle = at + 1;
        }
        fast.flush(cycle);
        slow.flush(cycle);
        const figures = (b: WriteBuffer) => [b.dramWords, b.firstDramCycle, b.lastDramCycle];
        expect(figures(fast)).toEqual(figures(slow));
      }),
      { seed: 58, numRuns: 300 },
    );
  });

  it('takes a whole fold of output words at once only where no row of it could start a drain', () => {
    const bulk = new WriteBuffer(100, 4, false);
    const rows = new WriteBuffer(100, 4, false);
    // 100 words: a drain starts once fewer than 50 are free.
    expect(bulk.absorb(50)).toBe(true);
    for (let r = 0; r < 5; r++) expect(rows.serveRow(new Int32Array(10), 10, r)).toBe(r);
    expect(bulk.absorb(1)).toBe(false);
    for (const b of [bulk, rows]) b.flush(10);
    expect([bulk.dramWords, bulk.firstDramCycle, bulk.lastDramCycle]).toEqual([
      rows.dramWords,
      rows.firstDramCycle,
      rows.lastDramCycle,
    ]);
  });

  it('finds a repeated address whose ranks straddle the window through its chain of ranks', () => {
    // Address 5 sits at ranks 0, 2 and 5. A 4-word SRAM has one-rank sets: the window is ranks [0, 2), then [2, 4).
    const addresses = Int32Array.from([5, 6, 5, 7, 8, 5]);
    const order: PrefetchOrder = {
      length: 6,
      valid: 6,
      addresses: () => addresses,
      diagonal: false,
      lineStart: Int32Array.of(0, 6),
      lookup: 'address',
      base: 5,
      tables: () => ({
        rankOf: Int32Array.from([5, 1, 3, 4]),
        firstRankOf: Int32Array.from([0, 1, 3, 4]),
        earlier: Int32Array.from([-1, -1, 0, -1, -1, 2]),
      }),
    };
    const buffer = new UserReadBuffer(4, 1, order);
    expect(buffer.serveRow(Int32Array.of(7), 1, 0)).toBeGreaterThan(1); // a miss: the window moves to [2, 4)
    const fetches = buffer.dram.length;
    const cycle = buffer.lastPrefetchCycle + 1;
    expect(buffer.serveRow(Int32Array.of(5), 1, cycle)).toBe(cycle + 1); // rank 2 is in the window: a hit
    expect(buffer.dram.length).toBe(fetches);
    expect(buffer.serveRow(Int32Array.of(6), 1, cycle + 1)).toBeGreaterThan(cycle + 2); // rank 1 is not: a miss
    expect(buffer.dram.length).toBeGreaterThan(fetches);
  });
});
