import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { collectiveCost } from './collectives.js';
import { prefillSeconds } from './serve-step.js';
import { kvBytesPerTokenPerChip, servingContext, servingPoint } from './serve.js';
import { disaggregatedAtRate, disaggregatedPoint, handoffSeconds, PROXY_HANDOFF_S } from './serve-disagg.js';
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
      // The ideal engine has no front end: the hand-off is three steps of the busy decode batch (park the request and
      // start the load, learn it finished, recompute the last prompt token and sample the first).
      expect(d.handoffS).toBeCloseTo(3 * d.tpotS, 15);
      expect(d.ttftS).toBeCloseTo(prefillSeconds(prefill, 1, 2048).lastS + 3 * d.tpotS + d.kvTransferS, 12);
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

describe("the proxy's hand-off (vLLM's toy_proxy_server: the request sent to a prefill, then a decode replica)", () => {
  const llama8 = transformerModel({ zoo: 'llama3-8b' }, 4096);
  const vllm = servingContext(llama8, h100, dgx, { tp: 8, pp: 1, engine: 'vllm' });

  it('hand-worked at a decode batch of 1: proxy + decode admission + 2 idle host steps + one decode step', () => {
    const d = disaggregatedPoint(vllm, vllm, { prefillChips: 8, decodeChips: 8, decodeBatch: 1 }, 1024, 128);
    // vLLM profile: requestS 0.5 ms, host step 1.5 ms + 6 us per sequence; the fitted proxy overhead 38.6 ms.
    const handoff = 38.6e-3 + 0.5e-3 + 2 * (1.5e-3 + 6e-6) + d.tpotS;
    expect(PROXY_HANDOFF_S).toBe(38.6e-3);
    expect(d.handoffS).toBeCloseTo(handoff, 12);
    // Before the hand-off was modelled TTFT was request + prefill + transfer alone, ~40 ms short at a short prompt.
    const prefillOnly = vllm.engine.requestS + prefillSeconds(vllm, 1, 1024).lastS;
    expect(d.ttftS).toBeCloseTo(prefillOnly + handoff + d.kvTransferS, 12);
    expect(d.ttftS - prefillOnly - d.kvTransferS).toBeGreaterThan(40e-3);
  });

  it("waits whole decode steps on a busy decode replica, and the load's rate adds it to every request", () => {
    const busy = handoffSeconds(vllm, 32, 0.02);
    expect(busy).toBeCloseTo(38.6e-3 + 0.5e-3 + 3 * 0.02, 12);
    const load = disaggregatedAtRate(vllm, vllm, { prefillChips: 8, decodeChips: 8 }, 1024, 128, 1);
    const alone = disaggregatedPoint(
      vllm,
      vllm,
      { prefillChips: 8, decodeChips: 8, decodeBatch: load.decodeBatch },
      1024,
      128,
    );
    expect(load.handoffS).toBe(alone.handoffS);
    expect(load.ttftS).toBeCloseTo(alone.ttftS + load.prefillWaitS, 12);
  });
});

describe('disaggregated pools under Poisson arrivals', () => {
  const prefill = servingContext(llama70, h100, dgx, { tp: 8, pp: 1, engine: 'ideal' });
  const decode = servingContext(llama70, h100, dgx, { tp: 8, pp: 1, engine: 'ideal' });
  const pools = { prefillChips: 16, decodeChips: 8 };
  const serviceS = prefillSeconds(prefill, 1, 2048).lastS;

  it('waits as M/D/1 per prefill replica: two replicas at utilisation 1/2 wait half a prefill on average', () => {
    // Two prefill replicas share 1 / s requests per second: each sees 1 / (2 s), utilisation 1/2, and
    // Pollaczek-Khinchine with deterministic service gives W = rho s / (2 (1 - rho)) = s / 2.
    const load = disaggregatedAtRate(prefill, decode, pools, 2048, 256, 1 / serviceS);
    expect(load.stable).toBe(true);
    expect(load.prefillUtilisation).toBeCloseTo(0.5, 12);
    expect(load.prefillWaitS).toBeCloseTo(serviceS / 2, 12);
    const alone = disaggregatedPoint(prefill, decode, { ...pools, decodeBatch: load.decodeBatch }, 2048, 256);
    expect(load.ttftS).toBeCloseTo(alone.ttftS + serviceS / 2, 12);
    expect(load.kvTransferS).toBe(alone.kvTransferS);
  });

  it("runs the decode replica at the batch Little's law gives at its own TPOT", () => {
    const rate = 1 / serviceS;
    const load = disaggregatedAtRate(prefill, decode, pools, 2048, 256, rate);
    const tpot = (b: number): number => servingPoint(decode, b, 2048, 256).tpotS;
    // Hand-worked: sequences in flight = arrivals x time each holds a slot (255 steps of TPOT at that batch).
    expect(load.decodeBatch).toBe(Math.max(1, Math.round(rate * 255 * tpot(load.decodeBatch))));
    expect(load.decodeBatch).toBeGreaterThan(1);
    expect(load.tpotS).toBe(tpot(load.decodeBatch));
    // A trickle of requests decodes alone.
    expect(disaggregatedAtRate(prefill, decode, pools, 2048, 256, 0.01).decodeBatch).toBe(1);
  });

  it('has no steady state once the prefill pool is saturated, and says why', () => {
    const load = disaggregatedAtRate(prefill, decode, pools, 2048, 256, 2 / serviceS);
    expect(load.stable).toBe(false);
    expect(load.prefillUtilisation).toBeCloseTo(1, 12);
    expect(load.reasons.join()).toMatch(/utilisation at .* requests\/s is 1\.00 \(2 replicas, .* ms per prompt\)/);
  });
});
