import { describe, expect, it } from 'vitest';
import { layerStreams } from './operand-streams.js';
import { UserReadBuffer } from './read-buffer.js';
import { simulateLayerMemory } from './scratchpad.js';

const gemm = (m: number, n: number, k: number) => ({
  ifmapHeight: m,
  ifmapWidth: k,
  filterHeight: 1,
  filterWidth: k,
  channels: 1,
  filters: n,
  strideHeight: 1,
  strideWidth: 1,
});
const offsets = { ifmap: 0, filter: 10_000_000, ofmap: 20_000_000 };

describe('SCALE-Sim v2 memory layer', () => {
  it('lays one demand row per cycle: T + R + C - 2 rows per os fold, 2R + C + T - 2 per ws/is fold', () => {
    const os = layerStreams(gemm(64, 64, 64), offsets, 32, 32, 'os');
    expect(os.ofmapDemand.foldRows * os.rowFolds * os.colFolds).toBe(4 * (64 + 32 + 32 - 2));
    for (const df of ['ws', 'is'] as const) {
      const s = layerStreams(gemm(64, 64, 64), offsets, 32, 32, df);
      expect(s.ifmapDemand.foldRows).toBe(s.ofmapDemand.foldRows);
      expect(s.filterDemand.foldRows * s.rowFolds * s.colFolds).toBe(4 * (2 * 32 + 32 + 64 - 2));
    }
  });

  it('has no stalls when every SRAM holds its whole operand and the bandwidth is ample', () => {
    const streams = layerStreams(gemm(64, 64, 64), offsets, 32, 32, 'os');
    const r = simulateLayerMemory(streams, {
      ifmapSramWords: 1 << 20,
      filterSramWords: 1 << 20,
      ofmapSramWords: 1 << 20,
      mode: 'USER',
      bandwidthWordsPerCycle: 64,
      arrayCols: 32,
    });
    expect(r.stallCycles).toBe(0);
    expect(r.totalCycles).toBe(503); // SCALE-Sim's compute-only figure (SCALE-SIM.md)
  });

  it('stalls more as the DRAM bandwidth drops', () => {
    const streams = layerStreams(gemm(64, 64, 64), offsets, 32, 32, 'ws');
    const stalls = [16, 4, 1].map(
      (bw) =>
        simulateLayerMemory(streams, {
          ifmapSramWords: 4096,
          filterSramWords: 4096,
          ofmapSramWords: 4096,
          mode: 'USER',
          bandwidthWordsPerCycle: bw,
          arrayCols: 32,
        }).stallCycles,
    );
    expect(stalls[0]!).toBeLessThan(stalls[1]!);
    expect(stalls[1]!).toBeLessThan(stalls[2]!);
  });

  it('refuses an address no prefetch can bring in, where SCALE-Sim would loop forever', () => {
    const order = {
      length: 3,
      valid: 3,
      addresses: () => Int32Array.from([1, 2, 3]),
      lookup: 'address' as const,
      base: 1,
      tables: () => ({
        rankOf: Int32Array.from([0, 1, 2]),
        firstRankOf: Int32Array.from([0, 1, 2]),
        earlier: undefined,
      }),
      diagonal: false,
      lineStart: Int32Array.of(0, 3),
    };
    const buffer = new UserReadBuffer(200, 1, order);
    expect(() => buffer.serveRow(Int32Array.from([99]), 1, 0)).toThrow(
      /address 99 is never brought into the 200-word SRAM/,
    );
  });
});
