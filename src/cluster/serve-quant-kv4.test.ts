import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { decodeAttentionSeconds } from '../model/decode-attention.js';
import { streamSeconds } from '../model/kernels.js';
import { servingContext } from './serve.js';
import { layerSeconds } from './serve-layer.js';
import { KV_INT4_OPS_PER_ELEMENT, resolveQuantization } from './serve-quant.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const a100 = getChipPreset('a100');
const dgx = getSystemPreset('dgx-h100');
const llama8b = transformerModel({ zoo: 'llama3-8b' }, 2048);
const shape = llama8b.groups[0]!.shape;
const w4a8 = (kvDtype: 'int4' | 'fp8') => ({
  tp: 1,
  pp: 1,
  engine: 'ideal' as const,
  quantization: { weightDtype: 'int4' as const, activationDtype: 'int8' as const, kvDtype, weightGroupSize: 128 },
});
// A decode-only layer: 256 sequences with 1280 cached tokens each (QServe's A100 Llama-3-8B batch, mid-output).
const decode = {
  tokens: 256,
  prefillTokens: 0,
  prefillSequences: 0,
  prefillPairs: 0,
  decodeSequences: 256,
  contextTokens: 256 * 1280,
};
// The layer's element-wise work (norms, residuals, activation) that `otherS` adds to the attention.
const elementwiseS = (): number => {
  const bytes = 256 * 2 * (14 * 4096 + 3 * 14336);
  return streamSeconds(a100, 'int8', bytes, bytes / 2);
};

describe('4-bit KV cache: dequantised by each query head on the vector unit', () => {
  it('counts 17 instructions per 8 int4 elements (QServe kernel) and marks the work per query head', () => {
    expect(KV_INT4_OPS_PER_ELEMENT).toBe(17 / 8);
    const int4 = resolveQuantization(a100, { kvDtype: 'int4' });
    expect(int4.kvDequantOpsPerElement).toBe(17 / 8);
    expect(int4.kvDequantPerQueryHead).toBe(true);
    const fp8 = resolveQuantization(a100, { kvDtype: 'fp8' });
    expect(fp8.kvDequantPerQueryHead).toBe(false);
    expect(resolveQuantization(a100, { kvDtype: 'bf16' }).kvDequantOpsPerElement).toBe(0);
  });

  it('Llama 3 8B on one A100, 256 x 1280 cached tokens: vector bound at 322 us per layer (hand-worked)', () => {
    const ctx = servingContext(llama8b, a100, dgx, w4a8('int4'));
    // Cache elements: 256 x 1280 tokens x (8 KV heads x 128 x K and V = 2048) = 671,088,640; each read by the 4 query
    // heads of its group at 17/8 ops: 5,704,253,440 ops. A100 vector rate: 108 SMs x 64 lanes x 2 x 1.28 GHz
    // (sustained clock) = 17.69472e12 ops/s, so 322.37 us, above the 249 us the grouped kernel takes to read the cache.
    const attentionS = layerSeconds(ctx, shape, decode).otherS - elementwiseS();
    expect(attentionS * 1e6).toBeCloseTo(5_704_253_440 / 17.69472e6, 6);
    const reads = decodeAttentionSeconds(a100, 'int8', {
      kernel: 'grouped',
      sequences: 256,
      contextTokens: 256 * 1280,
      heads: 32,
      cacheElementsPerToken: 2048,
      groupSize: 4,
      kvBytes: 0.5 + 2 / 64,
      qkDim: 128,
      valueDim: 128,
    }).seconds;
    expect(reads * 1e6).toBeLessThan(300);
    expect(attentionS).toBeGreaterThan(reads);
  });

  it('an fp8 cache is still converted once per element read (2 ops), leaving the layer memory bound', () => {
    const ctx = servingContext(llama8b, a100, dgx, w4a8('fp8'));
    const attentionS = layerSeconds(ctx, shape, decode).otherS - elementwiseS();
    const reads = decodeAttentionSeconds(a100, 'int8', {
      kernel: 'grouped',
      sequences: 256,
      contextTokens: 256 * 1280,
      heads: 32,
      cacheElementsPerToken: 2048,
      groupSize: 4,
      kvBytes: 1,
      qkDim: 128,
      valueDim: 128,
    }).seconds;
    expect(attentionS).toBeCloseTo(reads, 12);
  });
});
