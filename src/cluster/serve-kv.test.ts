import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { kvBytesPerTokenPerChip, maxBatch, servingContext, servingPoint, weightBytesPerChip } from './serve.js';
import { kvOffload, kvTokensHeld, pagedTokens, pagingWaste, prefillPromptTokens } from './serve-kv.js';
import { kvBudgetBytes } from './serving-engines.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const llama70 = transformerModel({ zoo: 'llama3-70b' }, 8192);
const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const plan = { tp: 8, pp: 1, engine: 'vllm' as const };

describe('paged KV cache, prefix caching, offload', () => {
  it('paged blocks of 16: 1,025 tokens take 65 blocks (1,040 tokens, 15 wasted); 1,024 waste none', () => {
    const paged = { blockTokens: 16 };
    expect(pagedTokens(paged, 1024)).toBe(1024);
    expect(pagedTokens(paged, 1025)).toBe(1040);
    expect(kvTokensHeld(paged, 4, 1000, 25)).toBe(4 * 1040);
    expect(pagingWaste(paged, 4, 1000, 25)).toBeCloseTo(15 / 1040, 12);
    const ctx = servingContext(llama70, h100, dgx, { ...plan, kvCache: paged });
    expect(servingPoint(ctx, 4, 1000, 25).kvCacheBytes).toBe(4 * 1040 * kvBytesPerTokenPerChip(ctx) * 8);
  });

  it('prefix caching at 50%: half of each prompt is not prefilled, and its KV is held once', () => {
    const cached = { prefixHitRate: 0.5 };
    expect(prefillPromptTokens(cached, 2000)).toBe(1000);
    expect(kvTokensHeld(cached, 8, 2000, 200)).toBe(8 * 1200 + 1000);
    const plain = servingContext(llama70, h100, dgx, plan);
    const hit = servingContext(llama70, h100, dgx, { ...plan, kvCache: cached });
    // Half the prefill tokens (and less than half the causal attention); request admission and the host's steps stay.
    const ratio = servingPoint(hit, 8, 2000, 200).ttftS / servingPoint(plain, 8, 2000, 200).ttftS;
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.7);
    expect(maxBatch(hit, 2000, 200)).toBeGreaterThan(1.7 * maxBatch(plain, 2000, 200));
  });

  it('offload: KV beyond the HBM budget lives in host memory and crosses the host link every decode step', () => {
    const o = kvOffload({ hostBytesPerChip: 100e9 }, 50e9, 30e9, 64e9);
    expect(o).toEqual({ hostBytes: 20e9, stepS: 20e9 / 64e9, fits: true });
    expect(kvOffload({ hostBytesPerChip: 10e9 }, 50e9, 30e9, 64e9).fits).toBe(false);
    const plain = servingContext(llama70, h100, dgx, plan);
    const offload = servingContext(llama70, h100, dgx, { ...plan, kvCache: { hostBytesPerChip: 256e9 } });
    const most = maxBatch(plain, 4096, 1024);
    expect(maxBatch(offload, 4096, 1024)).toBeGreaterThan(2 * most);
    const over = 2 * most;
    const p = servingPoint(offload, over, 4096, 1024);
    expect(p.fits).toBe(true);
    expect(servingPoint(plain, over, 4096, 1024).fits).toBe(false);
    const budget = kvBudgetBytes(plain.engine, h100.offChipMemory.capacityBytes, weightBytesPerChip(plain));
    expect(p.kvOffloadBytes).toBeCloseTo(p.kvCacheBytes / 8 - budget, -3);
    // PCIe 5.0 x16 (the H100 preset's host link) every step.
    expect(p.tpotS - servingPoint(plain, over, 4096, 1024).tpotS).toBeCloseTo(
      p.kvOffloadBytes / h100.hostLink.bandwidthBytesPerS,
      9,
    );
    expect(p.memory.kv).toBeCloseTo(budget, -3);
  });

  it('refuses bad options with the field, value and limit', () => {
    expect(() => servingContext(llama70, h100, dgx, { ...plan, kvCache: { blockTokens: 0 } })).toThrow(
      /blockTokens: 0 must be an integer within \[1, 4096\]/,
    );
    expect(() => servingContext(llama70, h100, dgx, { ...plan, kvCache: { prefixHitRate: 1 } })).toThrow(
      /prefixHitRate: 1 must be within \[0, 1\)/,
    );
  });
});
