/** Sliding-window attention in the analytical model: counted over its band, timed as a band kernel. */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { GraphBuilder } from '../graph/build.js';
import { attentionKeyBands, bandPairs } from './attention-window.js';
import { estimateGraph } from './estimate.js';

const SEQ = 8192;
const WINDOW = 4096;

describe('bandPairs and attentionKeyBands (hand-worked: seq 8192, window 4096, causal)', () => {
  it('counts the band, not the causal triangle or the square', () => {
    // Query i sees min(i + 1, 4096) keys: 4096 * 4097 / 2 over the first 4096, then 4096 each.
    expect(bandPairs({ seq: SEQ, kvSeq: SEQ, causal: true, window: WINDOW })).toBe((4096 * 4097) / 2 + 4096 * 4096);
    expect(bandPairs({ seq: SEQ, kvSeq: SEQ, causal: true, window: 0 })).toBe((8192 * 8193) / 2);
    expect(bandPairs({ seq: SEQ, kvSeq: SEQ, causal: false, window: 0 })).toBe(8192 * 8192);
    // Not causal: query i sees keys i - 4095 .. 8191.
    expect(bandPairs({ seq: 4, kvSeq: 4, causal: false, window: 2 })).toBe(4 + 4 + 3 + 2);
  });

  it('gives each chunk of 128 queries the keys from its first window start to its last causal end', () => {
    const bands = attentionKeyBands({ seq: SEQ, kvSeq: SEQ, causal: true, window: WINDOW }, 128);
    // Chunks 0..31 start at key 0 and end at 128 (c + 1); from chunk 32 on they span 4096 + 127 keys.
    expect(bands).toEqual([
      ...Array.from({ length: 32 }, (_, c) => ({ chunks: 1, rows: 128, keys: 128 * (c + 1) })),
      { chunks: 32, rows: 128, keys: 4223 },
    ]);
    // Without a window every chunk takes every key (the compiler's kernel): the whole chunks, then the last.
    expect(attentionKeyBands({ seq: 300, kvSeq: 300, causal: true, window: 0 }, 128)).toEqual([
      { chunks: 2, rows: 128, keys: 300 },
      { chunks: 1, rows: 44, keys: 300 },
    ]);
  });
});

/** One layer of each: global causal attention, and the same with a window. */
function twoLayers(window: number) {
  const g = new GraphBuilder('window', 'bf16');
  const [q, k, v] = ['q', 'k', 'v'].map((n) => g.input(n, [1, SEQ, 2 * 128]));
  const global = g.add('Attention', [q!, k!, v!], { num_heads: 2, causal: 1 }, 'global');
  const local = g.add('Attention', [q!, k!, v!], { num_heads: 2, causal: 1, window }, 'local');
  return g.build([global, local]);
}

describe('estimate of a sliding-window layer', () => {
  for (const chipName of ['tpu-v4', 'h100-sxm']) {
    it(`${chipName}: the local layer's MACs are the band's and it takes less time than the global one`, () => {
      const chip = getChipPreset(chipName)!;
      const e = estimateGraph(twoLayers(WINDOW), chip, { dtype: 'bf16' });
      const [global, local] = [e.layers.find((l) => l.name === 'global')!, e.layers.find((l) => l.name === 'local')!];
      // 2 heads x pairs x (head dim 128 + value dim 128) MACs.
      expect(global.macs).toBe(2 * SEQ * SEQ * 256);
      expect(local.macs).toBe(2 * ((4096 * 4097) / 2 + 4096 * 4096) * 256);
      expect(local.note).toContain('sliding window of 4096 keys');
      expect(local.timeS).toBeLessThan(0.6 * global.timeS);
      expect(local.timeS).toBeGreaterThan(0.3 * global.timeS);
    });
  }

  it('a window that reaches every key is global attention', () => {
    const e = estimateGraph(twoLayers(SEQ), getChipPreset('tpu-v4')!, { dtype: 'bf16' });
    const [global, local] = [e.layers.find((l) => l.name === 'global')!, e.layers.find((l) => l.name === 'local')!];
    expect({ ...local, name: 'global' }).toEqual(global);
  });
});
