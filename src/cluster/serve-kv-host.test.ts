import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import {
  hostPrefixRestoreSeconds,
  kvBytesPerTokenPerChip,
  maxBatch,
  servingContext,
  servingPoint,
  steadyStatePoint,
} from './serve.js';
import { kvTokensHeld, prefixRestoreSeconds, sharedPromptTokens, validateKvCache } from './serve-kv.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

// Llama 3 8B: 32 layers x (K + V) x 8 KV heads x 128 x 2 bytes = 131,072 bytes of KV per token on one chip.
const llama8 = transformerModel({ zoo: 'llama3-8b' }, 8192);
const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const plan = { tp: 1, pp: 1, engine: 'vllm' as const };
const HBM = { prefixHitRate: 0.5 };
const HOST = { prefixHitRate: 0.5, prefixSource: 'host' as const };

describe('a cached prefix restored from host memory over the host link', () => {
  it('restore = cached tokens x KV bytes per token / link bandwidth, by hand', () => {
    // 2048 x 0.5 = 1024 tokens x 131,072 B = 134,217,728 B; over 64 GB/s: 2.097152 ms; over 32 GB/s twice that.
    const line = { bandwidthBytesPerS: 32e9 };
    expect(prefixRestoreSeconds({ ...HOST, hostLinkBytesPerS: 64e9 }, 2048, 131072, line)).toBeCloseTo(2.097152e-3, 15);
    expect(prefixRestoreSeconds(HOST, 2048, 131072, line)).toBeCloseTo(4.194304e-3, 15);
    // A prefix in HBM (the default) costs no copy.
    expect(prefixRestoreSeconds(HBM, 2048, 131072, line)).toBe(0);
    expect(prefixRestoreSeconds({ ...HBM, prefixSource: 'hbm' }, 2048, 131072, line)).toBe(0);
  });

  it("the restored prefix is each request's own: held per sequence, not once per replica", () => {
    expect(sharedPromptTokens(HBM, 100)).toBe(50);
    expect(sharedPromptTokens(HOST, 100)).toBe(0);
    // 4 sequences of 100 + 10 tokens: 4 x 60 + 50 with a shared prefix in HBM, 4 x 110 restored from host.
    expect(kvTokensHeld(HBM, 4, 100, 10)).toBe(290);
    expect(kvTokensHeld(HOST, 4, 100, 10)).toBe(440);
    const hbm = servingContext(llama8, h100, dgx, { ...plan, kvCache: HBM });
    const host = servingContext(llama8, h100, dgx, { ...plan, kvCache: HOST });
    expect(maxBatch(host, 2048, 256)).toBeLessThan(maxBatch(hbm, 2048, 256));
  });

  it('TTFT of a static batch grows by every request restoring over the one link, before the prefill', () => {
    const hbm = servingContext(llama8, h100, dgx, { ...plan, kvCache: HBM });
    const host = servingContext(llama8, h100, dgx, { ...plan, kvCache: HOST });
    expect(kvBytesPerTokenPerChip(host)).toBe(131072);
    // The H100 preset's host link is PCIe Gen5 x16 (63.015 GB/s line rate); its copy engines sustain 52.5 GB/s
    // after 3.5 us per copy. HOST is not paged, so the 1024 tokens go in one copy: 134,217,728 B / 52.5e9 + 3.5 us.
    expect(h100.hostLink.bandwidthBytesPerS).toBeCloseTo((32e9 * 16 * 128) / 130 / 8, 0);
    const oneS = (1024 * 131072) / 52.5e9 + 3.5e-6;
    expect(oneS).toBeCloseTo(2.560028e-3, 9);
    expect(hostPrefixRestoreSeconds(host, 2048)).toBeCloseTo(oneS, 15);
    for (const batch of [1, 4]) {
      const a = servingPoint(hbm, batch, 2048, 64);
      const b = servingPoint(host, batch, 2048, 64);
      expect(b.ttftS - a.ttftS).toBeCloseTo(batch * oneS, 12);
      expect(b.requestS - a.requestS).toBeCloseTo(batch * oneS, 12);
      expect(b.prefixRestoreS).toBeCloseTo(oneS, 15);
      expect(a.prefixRestoreS).toBeUndefined();
    }
    // Steady state at one in flight: the request's own copy precedes its prefill.
    expect(steadyStatePoint(host, 1, 2048, 64).ttftS - steadyStatePoint(hbm, 1, 2048, 64).ttftS).toBeCloseTo(oneS, 9);
  });

  it("GH200's NVLink-C2C (no measured DMA rate: its 450 GB/s line rate) restores 450 / 52.5 = 8.6x faster", () => {
    const gh200 = getChipPreset('gh200');
    const onGh200 = servingContext(llama8, gh200, dgx, { ...plan, kvCache: HOST });
    const onH100 = servingContext(llama8, h100, dgx, { ...plan, kvCache: HOST });
    expect(hostPrefixRestoreSeconds(onGh200, 2048)).toBeCloseTo((1024 * 131072) / 450e9, 15);
    expect(gh200.hostLink.sustainedBandwidthBytesPerS).toBeUndefined();
    expect(gh200.hostLink.dmaSetupNs).toBeUndefined();
    expect(hostPrefixRestoreSeconds(onH100, 2048)).toBeCloseTo((1024 * 131072) / 52.5e9 + 3.5e-6, 15);
  });

  it('a source other than hbm or host is an issue naming the field, the value and the choices', () => {
    const issues = validateKvCache({ prefixHitRate: 0.5, prefixSource: 'disk' as never });
    expect(issues.map((i) => i.path)).toEqual(['prefixSource']);
    expect(issues[0]!.message).toBe('prefixSource: disk must be one of hbm, host');
    expect(() => servingContext(llama8, h100, dgx, { ...plan, kvCache: { prefixSource: 'disk' as never } })).toThrow(
      /prefixSource: disk must be one of hbm, host/,
    );
  });
});
