import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { collectiveCost } from './collectives.js';
import { prefillSeconds } from './serve-step.js';
import { kvBytesPerTokenPerChip, servingContext, servingPoint } from './serve.js';
import { disaggregatedPoint } from './serve-disagg.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const llama70 = transformerModel({ zoo: 'llama3-70b' }, 8192);
const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');

describe('disaggregated prefill and decode', () => {
  const prefill = servingContext(llama70, h100, dgx, { tp: 8, pp: 1, engine: 'ideal' });
  const decode = servingContext(llama70, h100, dgx, { tp: 8, pp: 1, engine: 'ideal' });

  it(
    'TTFT includes the KV transfer: 2,048 tokens x 40,960 bytes per chip, 8 chips away (over InfiniBand ' +
      'between DGX nodes)',
    () => {
      const d = disaggregatedPoint(prefill, decode, { prefillChips: 8, decodeChips: 8, decodeBatch: 64 }, 2048, 256);
      expect(kvBytesPerTokenPerChip(prefill)).toBe(40_960);
      expect(d.kvTransferBytes).toBe(2048 * 40_960 * 8);
      const transfer = collectiveCost(dgx, 'p2p', 2048 * 40_960, { size: 2, stride: 8 });
      expect(d.kvTransferS).toBe(transfer.seconds);
      // 84 MB per chip at ~50 GB/s of a 400 Gb/s NIC: about 2 ms.
      expect(d.kvTransferS).toBeGreaterThan(1e-3);
      expect(d.kvTransferS).toBeLessThan(4e-3);
      expect(d.ttftS).toBeCloseTo(prefillSeconds(prefill, 1, 2048).lastS + d.kvTransferS, 12);
    },
  );

  it('decode steps hold no prefill: TPOT is the decode-only step; capacities, bound and the balanced split', () => {
    const d = disaggregatedPoint(prefill, decode, { prefillChips: 8, decodeChips: 8, decodeBatch: 64 }, 2048, 256);
    expect(d.tpotS).toBe(servingPoint(decode, 64, 2048, 256).tpotS);
    expect(d.decodeRequestsPerS).toBeCloseTo(64 / (255 * d.tpotS), 9);
    expect(d.requestsPerS).toBe(Math.min(d.prefillRequestsPerS, d.decodeRequestsPerS));
    expect(d.bound).toBe(d.prefillRequestsPerS < d.decodeRequestsPerS ? 'prefill' : 'decode');
    // At the balanced split, the two pools' capacities per chip times their chips agree.
    const p = d.prefillRequestsPerS / 8;
    const q = d.decodeRequestsPerS / 8;
    expect(p * d.balancedPrefillChips).toBeCloseTo(q * (16 - d.balancedPrefillChips), 9);
  });
});
