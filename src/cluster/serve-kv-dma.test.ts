/**
 * A prefix restored from host memory moves as one DMA copy per KV block (vLLM's offloading connector): each copy pays
 * the link's setup, the bytes go at its sustained DMA rate, so small blocks reach less of the link (vLLM blog,
 * 2026-01-08, Figure 4). Hand-worked figures.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { validateChip } from '../arch/validate.js';
import { hostCopySeconds, prefixRestoreSeconds } from './serve-kv.js';

const DMA = { bandwidthBytesPerS: 63e9, sustainedBandwidthBytesPerS: 50e9, dmaSetupNs: 4000 };
const PAGED = { prefixHitRate: 0.5, prefixSource: 'host' as const, blockTokens: 16 };

describe('host-link copies at the DMA rate with a setup per block', () => {
  it('a copy = copies x setup + bytes / sustained rate; the line rate without a measured one', () => {
    // 100 MB in 50 copies: 50 x 4 us + 1e8 / 50e9 = 0.2 ms + 2 ms.
    expect(hostCopySeconds(1e8, 50, DMA)).toBeCloseTo(2.2e-3, 15);
    // An override replaces the rate, not the setup: 1e8 / 25e9 + 0.2 ms.
    expect(hostCopySeconds(1e8, 50, DMA, 25e9)).toBeCloseTo(4.2e-3, 15);
    expect(hostCopySeconds(1e8, 50, { bandwidthBytesPerS: 63e9 })).toBeCloseTo(1e8 / 63e9, 15);
  });

  it('restores 16-token blocks: 1024 cached tokens x 131,072 B = 64 blocks of 2 MiB', () => {
    // 134,217,728 B / 50e9 = 2.68435456 ms, + 64 x 4 us = 0.256 ms: 2.94035456 ms.
    expect(prefixRestoreSeconds(PAGED, 2048, 131072, DMA)).toBeCloseTo(2.94035456e-3, 15);
    // A part-filled last block is one more copy: 1000 tokens = 62.5 -> 63 blocks.
    expect(prefixRestoreSeconds(PAGED, 2000, 131072, DMA)).toBeCloseTo((1000 * 131072) / 50e9 + 63 * 4e-6, 15);
    // Not paged: the prefix is one contiguous copy.
    const { blockTokens: _b, ...unpaged } = PAGED;
    expect(prefixRestoreSeconds(unpaged, 2048, 131072, DMA)).toBeCloseTo(2.68435456e-3 + 4e-6, 15);
  });

  it('smaller blocks reach less of the link: the 1B model (0.5 MiB blocks) below the 8B (2 MiB)', () => {
    const link = getChipPreset('h100-sxm').hostLink;
    const rate = (bytesPerToken: number): number => {
      const tokens = 1024;
      return (tokens * bytesPerToken) / prefixRestoreSeconds(PAGED, 2 * tokens, bytesPerToken, link);
    };
    // 2 MiB / (3.5 us + 2 MiB / 52.5 GB/s) = 48.27 GB/s; 0.5 MiB: 38.88 GB/s (Figure 4 reads about 47.7 and 39.4).
    expect(rate(131072) / 1e9).toBeCloseTo(2097152 / (3.5e-6 + 2097152 / 52.5e9) / 1e9, 9);
    expect(rate(131072) / 1e9).toBeCloseTo(48.27, 2);
    expect(rate(32768) / 1e9).toBeCloseTo(38.88, 2);
  });

  it('a sustained rate above the line rate is capped at it (a sweep narrowing the link narrows the copy)', () => {
    // Line 8 GB/s under a sustained 52.5: 1e8 / 8e9 + 50 x 4 us = 12.5 ms + 0.2 ms.
    expect(hostCopySeconds(1e8, 50, { ...DMA, bandwidthBytesPerS: 8e9 })).toBeCloseTo(12.7e-3, 15);
  });

  it('a negative DMA setup is an issue naming the field; the H100 preset with its DMA figures is valid', () => {
    const h100 = getChipPreset('h100-sxm');
    const issues = validateChip({ ...h100, hostLink: { ...h100.hostLink, dmaSetupNs: -1 } });
    expect(issues.map((i) => i.path)).toEqual(['hostLink.dmaSetupNs']);
    expect(issues[0]!.message).toMatch(/-1/);
    expect(validateChip(h100)).toEqual([]);
  });
});
