/**
 * The computed memory model (scratchpad.ts and its buffers) against the slot-by-slot original it
 * replaced (test-support/slot-reference), on random small layers: every figure of the three reports,
 * the per-cycle traces, and the unreachable-address error must be the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataflow } from '../../arch/chip-spec.js';
import { layerStreams, STREAM_PLANS, type ConvShape } from './operand-streams.js';
import { simulateLayerMemory, type LayerMemoryResult, type MemoryConfig } from './scratchpad.js';
import { referenceLayerStreams, referenceSimulateLayerMemory } from './test-support/slot-reference/index.js';

const offsets = { ifmap: 0, filter: 10_000_000, ofmap: 20_000_000 };

/** Results as plain JSON: trace rows hold typed arrays in one model and arrays in the other. */
function plain(r: LayerMemoryResult): unknown {
  return JSON.parse(JSON.stringify(r, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v)));
}

function outcome(run: () => LayerMemoryResult): unknown {
  try {
    return plain(run());
  } catch (e) {
    return { error: (e as Error).message };
  }
}

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

const gemm = fc
  .record({
    m: fc.integer({ min: 1, max: 40 }),
    n: fc.integer({ min: 1, max: 40 }),
    k: fc.integer({ min: 1, max: 40 }),
  })
  .map(
    ({ m, n, k }): ConvShape => ({
      ifmapHeight: m,
      ifmapWidth: k,
      filterHeight: 1,
      filterWidth: k,
      channels: 1,
      filters: n,
      strideHeight: 1,
      strideWidth: 1,
    }),
  );

/** Small SRAMs make the window slide (stalls); larger ones exercise whole folds that hit. */
const sramWords = fc.oneof(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 2, max: 600 }));

const setup = fc.record({
  shape: fc.oneof(conv, gemm),
  rows: fc.integer({ min: 1, max: 9 }),
  cols: fc.integer({ min: 1, max: 9 }),
  dataflow: fc.constantFrom<Dataflow>('os', 'ws', 'is'),
  mode: fc.constantFrom<'USER' | 'CALC'>('USER', 'USER', 'CALC'),
  ifmapSramWords: sramWords,
  filterSramWords: sramWords,
  ofmapSramWords: sramWords,
  bandwidthWordsPerCycle: fc.integer({ min: 1, max: 12 }),
  keepTrace: fc.boolean(),
});

describe('computed memory model = slot-by-slot reference (fast-check)', () => {
  it('gives the same reports, traces and errors on random small layers', () => {
    fc.assert(
      fc.property(setup, (s) => {
        const config: MemoryConfig = { ...s, arrayCols: s.cols };
        const fast = outcome(() =>
          simulateLayerMemory(layerStreams(s.shape, offsets, s.rows, s.cols, s.dataflow), config, s.keepTrace),
        );
        const slow = outcome(() =>
          referenceSimulateLayerMemory(
            referenceLayerStreams(s.shape, offsets, s.rows, s.cols, s.dataflow),
            config,
            s.keepTrace,
          ),
        );
        expect(fast).toEqual(slow);
      }),
      { seed: 16, numRuns: 250 },
    );
  });

  it(
    'reads each fold from the prefetch slice it was prefetched in (skipping rows by prefetch lines relies ' + 'on it)',
    () => {
      for (const plan of Object.values(STREAM_PLANS)) {
        for (const [demand, prefetch] of [
          [plan.ifmap, plan.ifmapPrefetch],
          [plan.filter, plan.filterPrefetch],
        ] as const) {
          expect([demand.source, demand.transposed, demand.colsBy]).toEqual([
            prefetch.source,
            prefetch.transposed,
            prefetch.colsBy,
          ]);
        }
      }
    },
  );
});
