import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import {
  batchSweep,
  iterationSeconds,
  kvBytesPerTokenPerChip,
  maxBatch,
  prefillWaitSeconds,
  servingContext,
  servingPoint,
  servingProblems,
  steadyStatePoint,
  weightBytesPerChip,
} from './serve.js';
import { collectiveCost } from './collectives.js';
import { simulateServing } from './serving-sim.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const model = transformerModel({ zoo: 'llama3-70b' }, 8192);
const chip = getChipPreset('h100-sxm');
const system = getSystemPreset('dgx-h100');
// The chips alone (no serving engine), as the hardware bounds below are stated.
const ctx = servingContext(model, chip, system, { tp: 8, pp: 1, engine: 'ideal' });

describe('serving in closed form', () => {
  it('KV cache: 2 x layers x kv heads x head width x 2 bytes per token, split over tp', () => {
    // Llama 3 70B: 80 layers, 8 KV heads of 128: 327,680 bytes per token in bf16.
    expect(kvBytesPerTokenPerChip(ctx) * 8).toBe(2 * 80 * 8 * 128 * 2);
    expect(weightBytesPerChip(ctx)).toBeCloseTo((model.params * 2) / 8, -3);
  });
  it('batch-1 decode is bound by reading the weights from HBM, plus the latency of its all-reduces', () => {
    const p = servingPoint(ctx, 1, 1024, 128);
    const floor = weightBytesPerChip(ctx) / chip.offChipMemory.bandwidthBytesPerS;
    // Two all-reduces of one token's activations (8192 x 2 bytes) per layer over the 8 GPUs.
    const allReduces = 2 * 80 * collectiveCost(system, 'all-reduce', 8192 * 2, { size: 8, stride: 1 }).seconds;
    expect(p.tpotS).toBeGreaterThan(floor + allReduces);
    // A GEMV streams its weights at ~85% of the published bandwidth (1 x 8192 x 8192 bf16 measured at
    // 2.83 TB/s, data/gpu-measured/h100-sxm.json); element-wise work and the KV cache add a little (10%).
    expect(p.tpotS).toBeLessThan(floor / 0.85 + allReduces + 0.1 * floor);
  });
  it('throughput grows with batch while latency per token grows; the largest batch fits memory', () => {
    const sweep = batchSweep(ctx, 1024, 256);
    expect(sweep.length).toBeGreaterThan(5);
    for (let i = 1; i < sweep.length; i++) {
      expect(sweep[i]!.tpotS).toBeGreaterThanOrEqual(sweep[i - 1]!.tpotS);
      // Throughput saturates once decoding is bound by the KV cache (and the last, odd-sized batch quantizes worse).
      expect(sweep[i]!.decodeTokensPerS).toBeGreaterThan(0.98 * sweep[i - 1]!.decodeTokensPerS);
    }
    expect(sweep[sweep.length - 1]!.decodeTokensPerS).toBeGreaterThan(50 * sweep[0]!.decodeTokensPerS);
    const most = maxBatch(ctx, 1024, 256);
    expect(sweep[sweep.length - 1]!.batch).toBe(most);
    expect(sweep.every((p) => p.fits)).toBe(true);
    expect(servingPoint(ctx, most + 1, 1024, 256).fits).toBe(false);
  });
  it('prefill is compute-bound: a long prompt runs near the peak at the sustained clock', () => {
    const t = iterationSeconds(ctx, { prefillTokens: 8192, decodeSequences: 0, contextTokens: 0 });
    const flops = 2 * (model.params - model.embeddingParams) * 8192;
    // 989 TFLOP/s at the published 1830 MHz; the H100 holds 1335 MHz under dense GEMMs (measured).
    const peak = 8 * 989e12 * (1335 / 1830);
    expect(flops / t / peak).toBeGreaterThan(0.5);
    expect(flops / t / peak).toBeLessThan(1);
  });
  it('names impossible plans', () => {
    expect(servingProblems(model, { tp: 3, pp: 1 }, 3).join()).toMatch(/tp=3 does not divide the 64 attention heads/);
    expect(servingProblems(model, { tp: 8, pp: 2 }, 8).join()).toMatch(/tp x pp = 8 x 2 = 16, not the 8 chips/);
  });
  it('continuous batching under Poisson arrivals: latency grows with load', () => {
    const run = (rate: number) =>
      simulateServing({
        rate,
        requests: 400,
        promptTokens: 512,
        outputTokens: { mean: 128 },
        maxBatch: 64,
        maxBatchTokens: 2048,
        seed: 7,
        iteration: (s) => iterationSeconds(ctx, s),
      });
    const light = run(1);
    const heavy = run(20);
    expect(heavy.ttft.p99).toBeGreaterThan(light.ttft.p99);
    expect(heavy.throughputTokensPerS).toBeGreaterThan(light.throughputTokensPerS);
    expect(light.ttft.p50).toBeGreaterThan(0);
  });
});

describe('queueing for the prefill at a fixed concurrency', () => {
  it(
    "the others' prompts hold the prefill a share rho of the time; a request waits rho S / (2 (1 - rho)) " +
      '(hand-worked)',
    () => {
      const trt = servingContext(model, chip, system, { tp: 2, pp: 1, engine: 'trtllm' });
      const vllm = servingContext(model, chip, system, { tp: 2, pp: 1, engine: 'vllm' });
      // 26 requests of 20 s each: the other 25 arrive at 1.25/s; 0.4 s of prefill each: rho = 0.5; 0.5 x 0.4 / (2 x
      // 0.5)
      // = 0.2 s.
      expect(prefillWaitSeconds(vllm, 26, 20, 0.4, 0.02)).toBeCloseTo(0.2, 12);
      // Under the overlap scheduler a request that lands in a decode step (half the time) also misses the step already
      // prepared.
      expect(prefillWaitSeconds(trt, 26, 20, 0.4, 0.02)).toBeCloseTo(0.2 + 0.5 * 0.02, 12);
      // Alone, nobody is ahead.
      expect(prefillWaitSeconds(trt, 1, 20, 0.4, 0.02)).toBe(0);
    },
  );
  it(
    'time to first token of long prompts grows with concurrency while time per token follows the prefills ' +
      'mixed in',
    () => {
      const trt = servingContext(model, chip, system, {
        tp: 2,
        pp: 1,
        engine: 'trtllm',
        dtype: 'fp8-e4m3',
        kvBytes: 1,
      });
      const points = [1, 5, 25, 50].map((c) => steadyStatePoint(trt, c, 5000, 500));
      for (let i = 1; i < points.length; i++) expect(points[i]!.ttftS).toBeGreaterThan(points[i - 1]!.ttftS);
      // The request time is its wait, its prefill and its decode steps, and throughput follows by Little's law.
      for (const p of points) {
        expect(p.requestS).toBeCloseTo(p.ttftS + 499 * p.tpotS, 9);
        expect(p.tokensPerS).toBeCloseTo((p.batch * 500) / p.requestS, 9);
      }
      // At 50 the prompts of the others keep the prefill busy most of the time: the wait is a large share of TTFT.
      expect(points[3]!.ttftS / points[0]!.ttftS).toBeGreaterThan(1.5);
    },
  );
});
