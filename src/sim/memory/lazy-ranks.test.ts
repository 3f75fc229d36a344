import { describe, expect, it } from 'vitest';
import { layerStreams, type LayerStreams } from './operand-streams.js';
import type { PrefetchOrder } from './prefetch-order.js';
import { simulateLayerMemory } from './scratchpad.js';

// conv_small's first layer: 3 x 3 windows at stride 1 overlap, so ifmap addresses repeat in the prefetch order.
const conv = {
  ifmapHeight: 12,
  ifmapWidth: 12,
  filterHeight: 3,
  filterWidth: 3,
  channels: 4,
  filters: 20,
  strideHeight: 1,
  strideWidth: 1,
};
const offsets = { ifmap: 0, filter: 10_000_000, ofmap: 20_000_000 };

/** The streams with the ifmap order's rank walk counted. */
function counted(streams: LayerStreams): { streams: LayerStreams; walks: () => number } {
  const order = streams.ifmapPrefetch;
  if (order.lookup !== 'address') throw new Error('expected an ifmap order looked up by address');
  let walks = 0;
  const ifmapPrefetch: PrefetchOrder = {
    ...order,
    tables: () => {
      walks++;
      return order.tables();
    },
  };
  return { streams: { ...streams, ifmapPrefetch }, walks: () => walks };
}

const config = (sramWords: number) => ({
  ifmapSramWords: sramWords,
  filterSramWords: sramWords,
  ofmapSramWords: sramWords,
  mode: 'USER' as const,
  bandwidthWordsPerCycle: 4,
  arrayCols: 32,
});

describe('rank tables of an address-looked-up prefetch order (a fixed cost of small layers)', () => {
  for (const dataflow of ['os', 'ws', 'is'] as const) {
    it(`${dataflow}: are not walked when the SRAM's first window holds the whole operand`, () => {
      const plain = layerStreams(conv, offsets, 32, 32, dataflow);
      const { streams, walks } = counted(layerStreams(conv, offsets, 32, 32, dataflow));
      const result = simulateLayerMemory(streams, config(1 << 16));
      expect(walks()).toBe(0);
      expect(result).toEqual(simulateLayerMemory(plain, config(1 << 16)));
    });
  }

  it('are walked once, on the first hit test, when the window has to slide', () => {
    const plain = layerStreams(conv, offsets, 32, 32, 'os');
    const { streams, walks } = counted(layerStreams(conv, offsets, 32, 32, 'os'));
    const result = simulateLayerMemory(streams, config(4096));
    expect(walks()).toBe(1);
    expect(result.stallCycles).toBeGreaterThan(0);
    expect(result).toEqual(simulateLayerMemory(plain, config(4096)));
  });

  it('chain each address through every rank it has in the laid-out order, padding skipped', () => {
    for (const dataflow of ['os', 'ws', 'is'] as const) {
      const order = layerStreams(conv, offsets, 32, 32, dataflow).ifmapPrefetch;
      if (order.lookup !== 'address') throw new Error('expected an ifmap order looked up by address');
      const { rankOf, earlier } = order.tables();
      const ranksOf = new Map<number, number[]>();
      order
        .addresses()
        .filter((a) => a !== -1)
        .forEach((a, rank) => ranksOf.set(a, [rank, ...(ranksOf.get(a) ?? [])]));
      expect(earlier).toBeDefined();
      for (const [address, ranks] of ranksOf) {
        const chain: number[] = [];
        for (let q = rankOf[address - order.base]!; q >= 0; q = earlier![q]!) chain.push(q);
        expect(chain).toEqual(ranks);
      }
    }
  });
});
