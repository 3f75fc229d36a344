import { describe, expect, it } from 'vitest';
import { LegacyNumpyRandom } from './numpy-random.js';
import { layerWiseWindow, sparseFilter } from './sparse-filter.js';
import { sparseLayer } from './sparse-layer.js';

describe('LegacyNumpyRandom', () => {
  // Printed by Debian's python3 with numpy 1.24.2: np.random.seed(s); [np.random.randint(1, 5) for _ in range(12)],
  // then randint(3, 1003) x 5.
  it.each([
    [40, [3, 4, 4, 2, 1, 1, 3, 2, 1, 4, 3, 4], [674, 845, 58, 982, 446]],
    [7, [4, 1, 2, 3, 4, 4, 4, 4, 1, 2, 3, 4], [587, 348, 369, 557, 733]],
    [0, [1, 4, 2, 1, 4, 4, 4, 4, 2, 4, 2, 3], [807, 602, 73, 475, 603]],
    [4294967295, [4, 3, 1, 4, 1, 1, 3, 3, 2, 1, 4, 4], [757, 110, 782, 205, 542]],
  ])('seed %i draws what numpy draws', (seed, small, large) => {
    const random = new LegacyNumpyRandom(seed);
    expect(small.map(() => random.randint(1, 5))).toEqual(small);
    expect([random.randint(1, 2), random.randint(1, 2)]).toEqual([1, 1]); // a range of one draws nothing
    expect(large.map(() => random.randint(3, 1003))).toEqual(large);
  });

  it('refuses a seed numpy refuses', () => {
    expect(() => new LegacyNumpyRandom(-1)).toThrow(/seed/);
  });
});

describe('sparseFilter', () => {
  it("v3's README example (3:4, Blocked ELLPACK, row-wise, BlockSize 8) stores 80 -> 42.5 words", () => {
    const f = sparseFilter(
      16,
      5,
      { nonzeros: 3, block: 4 },
      { representation: 'ellpack_block', optimizedMapping: true, blockSize: 8, seed: 40 },
    );
    expect(f.compressedK).toBe(8);
    expect(f.storage).toMatchObject({ originalWords: 80, newWords: 42.5, metadataWords: 2.5 });
  });

  it('layer-wise N:M keeps N of every M rows, the last partial block min(N, rest)', () => {
    const f = sparseFilter(
      30,
      12,
      { nonzeros: 2, block: 4 },
      { representation: 'csr', optimizedMapping: false, blockSize: 4, seed: 40 },
    );
    expect(f.compressedK).toBe(16);
    // CSR: 2 x nnz + K + 1 words, metadata nnz + K + 1 (v3's compression.py)
    expect(f.storage).toMatchObject({ originalWords: 360, newWords: 2 * 192 + 31, metadataWords: 192 + 31 });
  });
});

describe('sparseLayer', () => {
  const csr = { representation: 'csr', optimizedMapping: false, blockSize: 4, seed: 40 } as const;
  it("scales ws IFMAP SRAM reads by M/N as v3 does (G1 20 x 12 x 30 at 2:4 on 8x8: 1280.0 in v3's report)", () => {
    const l = sparseLayer({ m: 20, n: 12, k: 30 }, { nonzeros: 2, block: 4 }, csr, 8, 8, 'legacy');
    expect(l.compressedShape.k).toBe(16);
    expect(l.ifmapSramReads).toBe(1280);
    // 3:8 (G3 16 x 16 x 16): 8/3 is inexact, summed per fold as Python does: 512.0 in v3's report.
    expect(sparseLayer({ m: 16, n: 16, k: 16 }, { nonzeros: 3, block: 8 }, csr, 8, 8, 'legacy').ifmapSramReads).toBe(
      512,
    );
  });

  it('leaves os/is reads to the memory system and refuses row-wise packing off ws', () => {
    const os = sparseLayer({ m: 20, n: 12, k: 30 }, { nonzeros: 2, block: 4 }, csr, 8, 8, 'legacy', 'os');
    expect(os.ifmapSramReads).toBeUndefined();
    expect(os.scaleSim.mappingEfficiency).toBe(0.625); // v3's sp-csr-lw-os layer 0: 62.5
    expect(() =>
      sparseLayer(
        { m: 4, n: 4, k: 16 },
        { nonzeros: 1, block: 1 },
        { ...csr, optimizedMapping: true },
        8,
        8,
        'legacy',
        'is',
      ),
    ).toThrow(/ws only/);
  });
});

describe('layerWiseWindow', () => {
  it('keeps the first N of every M window positions, the compressed K of them; 1:1 keeps all (undefined)', () => {
    expect(layerWiseWindow(10, { nonzeros: 2, block: 4 })).toEqual([0, 1, 4, 5, 8, 9]);
    expect(layerWiseWindow(7, { nonzeros: 1, block: 4 })).toEqual([0, 4]);
    expect(layerWiseWindow(7, { nonzeros: 1, block: 1 })).toBeUndefined();
    const csr = { representation: 'csr', optimizedMapping: false, blockSize: 4, seed: 40 } as const;
    for (const [k, nonzeros, block] of [
      [36, 2, 4],
      [30, 1, 4],
      [13, 3, 5],
    ] as const)
      expect(layerWiseWindow(k, { nonzeros, block })!.length).toBe(
        sparseFilter(k, 3, { nonzeros, block }, csr).compressedK,
      );
  });
});
