import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { GPU_KERNEL_LAUNCH_S } from '../model/gpu.js';
import { gemmSeconds, streamSeconds } from '../model/kernels.js';
import { kvBytesPerTokenPerChip, maxBatch, servingContext, servingPoint, weightBytesPerChip } from './serve.js';
import { resolveQuantization, weightOnlyGemmSeconds } from './serve-quant.js';
import { kvBudgetBytes } from './serving-engines.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const llama70 = transformerModel({ zoo: 'llama3-70b' }, 8192);
const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const plan = { tp: 8, pp: 1, engine: 'vllm' as const };

describe('serving quantization: weights, activations, KV cache', () => {
  it('fp8 KV halves the KV bytes and raises the largest batch that fits (hand-worked)', () => {
    const bf16 = servingContext(llama70, h100, dgx, { ...plan, quantization: { kvDtype: 'bf16' } });
    const fp8 = servingContext(llama70, h100, dgx, { ...plan, quantization: { kvDtype: 'fp8' } });
    // Llama 3 70B: 80 layers x 8 KV heads x 128 x (K and V) = 163,840 elements per token, 8 KV heads over tp 8.
    expect(kvBytesPerTokenPerChip(bf16)).toBe((163_840 / 8) * 2);
    expect(kvBytesPerTokenPerChip(fp8)).toBe((163_840 / 8) * 1);
    expect(servingPoint(fp8, 16, 2048, 512).kvCacheBytes).toBe(servingPoint(bf16, 16, 2048, 512).kvCacheBytes / 2);
    // The weights are the same, so the free memory is the same: twice the tokens fit.
    const free = kvBudgetBytes(bf16.engine, h100.offChipMemory.capacityBytes, weightBytesPerChip(bf16));
    expect(maxBatch(bf16, 2048, 512)).toBe(Math.floor(free / (20_480 * 2 * 2560)));
    expect(maxBatch(fp8, 2048, 512)).toBe(Math.floor(free / (20_480 * 2560)));
    expect(maxBatch(fp8, 2048, 512)).toBeGreaterThanOrEqual(2 * maxBatch(bf16, 2048, 512));
  });

  it('int4 weights with group 128 take 0.5 + 2/128 bytes each and are dequantised (weight-only)', () => {
    const q = resolveQuantization(h100, { weightDtype: 'int4', weightGroupSize: 128 });
    expect(q).toMatchObject({
      mode: 'weight-only',
      gemmFormat: 'bf16',
      weightBytes: 0.515625,
      dequantOpsPerWeight: 3,
      refused: [],
    });
    const ideal = { ...plan, engine: 'ideal' as const };
    const w4 = servingContext(llama70, h100, dgx, { ...ideal, quantization: { weightDtype: 'int4' } });
    const bf16 = servingContext(llama70, h100, dgx, { ...ideal, quantization: {} });
    expect(weightBytesPerChip(w4) / weightBytesPerChip(bf16)).toBeCloseTo(0.515625 / 2, 9);
    // Batch-1 decode reads the weights: W4A16 is faster than bf16 by less than the 3.9x of the weight bytes (other
    // reads, kernel launches and all-reduce latencies stay).
    const speedup = servingPoint(bf16, 1, 1024, 128).tpotS / servingPoint(w4, 1, 1024, 128).tpotS;
    expect(speedup).toBeGreaterThan(1.5);
    expect(speedup).toBeLessThan(2 / 0.515625);
    // A compute-bound prefill GEMM gains nothing from narrower weights.
    const prefill = { batch: 1, m: 8192, n: 8192, k: 8192, weightsAreParameters: true };
    expect(weightOnlyGemmSeconds(h100, 'bf16', prefill, q)).toBeCloseTo(gemmSeconds(h100, 'bf16', prefill), 12);
  });

  it('a weight-only GEMM is no faster than the vector unit dequantises its weights', () => {
    const g = { batch: 1, m: 1, n: 8192, k: 8192, weightsAreParameters: true };
    const q = { weightBytes: 0.5, dequantOpsPerWeight: 1000 };
    expect(weightOnlyGemmSeconds(h100, 'bf16', g, q)).toBeCloseTo(
      streamSeconds(h100, 'bf16', 0, 8192 * 8192 * 1000) + GPU_KERNEL_LAUNCH_S,
      12,
    );
  });

  it(
    'fp8 weights on a chip without fp8 are emulated (weight-only); fp8 activations there are refused with ' +
      'the reason',
    () => {
      const v4 = getChipPreset('tpu-v4');
      expect(resolveQuantization(v4, { weightDtype: 'fp8' })).toMatchObject({
        mode: 'weight-only',
        gemmFormat: 'bf16',
        weightBytes: 1,
        refused: [],
      });
      const refused = resolveQuantization(v4, { weightDtype: 'fp8', activationDtype: 'fp8' }).refused;
      expect(refused.join('\n')).toMatch(/activation dtype fp8: tpu-v4's matrix units multiply .*bf16.*, not fp8/);
      expect(() =>
        servingContext(llama70, v4, getSystemPreset('tpu-v4-pod'), {
          tp: 8,
          pp: 1,
          quantization: { activationDtype: 'fp8' },
        }),
      ).toThrow(/cannot serve this quantization/);
      expect(resolveQuantization(h100, { weightDtype: 'bf16', activationDtype: 'fp8' }).refused[0]).toMatch(
        /wider than activation/,
      );
      expect(resolveQuantization(h100, { weightDtype: 'fp8', activationDtype: 'fp8' })).toMatchObject({
        mode: 'native',
        gemmFormat: 'fp8-e4m3',
        weightBytes: 1,
      });
    },
  );

  it('KV int4 takes 0.5 bytes plus an fp16 scale per 64 elements', () => {
    expect(resolveQuantization(h100, { kvDtype: 'int4' }).kvBytes).toBe(0.5 + 2 / 64);
  });
});
