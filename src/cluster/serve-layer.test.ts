import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { DECODE_ATTENTION_KERNEL_SPECS } from '../model/decode-attention.js';
import { attentionSeconds } from '../model/kernels.js';
import { servingContext } from './serve.js';
import { iterationSeconds, passSeconds } from './serve-step.js';
import { SERVING_ENGINE_PROFILES } from './serving-engines.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const h100 = getChipPreset('h100-sxm');
const h200 = getChipPreset('h200');
const dgx = getSystemPreset('dgx-h100');
const llama8b = transformerModel({ zoo: 'llama3-8b' }, 8192);
const llama2_70b = transformerModel(
  {
    config: {
      model_type: 'llama',
      hidden_size: 8192,
      intermediate_size: 28672,
      num_attention_heads: 64,
      num_key_value_heads: 8,
      num_hidden_layers: 80,
      vocab_size: 32000,
      max_position_embeddings: 4096,
    },
    file: 'llama2-70b.json',
  },
  4096,
);
const prefill = (tokens: number, sequences = 1) => ({
  prefillTokens: tokens,
  decodeSequences: 0,
  contextTokens: 0,
  prefillSequences: sequences,
});

describe('prefill attention through the fused attention kernel', () => {
  const ctx = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'ideal' });
  const kernel = (seqQ: number, seqK: number, batch = 1) =>
    attentionSeconds(h100, 'bf16', { batch, heads: 32, seqQ, seqK, qkDim: 128, valueDim: 128, causal: true }).forwardS;
  it("a prompt of 2048 tokens: 32 layers of the chip's causal kernel, 32 heads of 128 (hand-worked)", () => {
    const withAttention = passSeconds(ctx, prefill(2048), (2048 * 2049) / 2).stageS;
    const without = passSeconds(ctx, prefill(2048), 0).stageS;
    expect(withAttention - without).toBeCloseTo(32 * kernel(2048, 2048), 12);
  });
  it('a chunk of 1024 queries after 1024 cached tokens attends to a prefix of 2048 keys', () => {
    const pairs = 1024 * 1024 + (1024 * 1025) / 2;
    const diff = passSeconds(ctx, prefill(1024), pairs).stageS - passSeconds(ctx, prefill(1024), 0).stageS;
    expect(diff).toBeCloseTo(32 * kernel(1024, 2048), 12);
  });
  it('four prompts of 512 in one pass are a batch of four to the kernel', () => {
    const diff =
      passSeconds(ctx, prefill(2048, 4), (4 * 512 * 513) / 2).stageS - passSeconds(ctx, prefill(2048, 4), 0).stageS;
    expect(diff).toBeCloseTo(32 * kernel(512, 512, 4), 12);
  });
});

describe('decode attention by engine release', () => {
  it(
    "TensorRT-LLM 0.5 (before XQA) reads Llama 2 70B's cache once per query head: 7 more reads per layer " +
      '(hand-worked)',
    () => {
      const old = servingContext(llama2_70b, h200, dgx, {
        tp: 1,
        pp: 1,
        engine: 'trtllm',
        engineVersion: '0.5.0',
        dtype: 'fp8-e4m3',
        kvBytes: 1,
      });
      const now = servingContext(llama2_70b, h200, dgx, {
        tp: 1,
        pp: 1,
        engine: 'trtllm',
        dtype: 'fp8-e4m3',
        kvBytes: 1,
      });
      const step = { prefillTokens: 0, decodeSequences: 64, contextTokens: 64 * 1000, prefillSequences: 0 };
      // 64,000 cached tokens x 2 x 8 KV heads x 128 x 1 byte, 7 extra reads, 80 layers, at the decode kernels' share of
      // 4.25 TB/s.
      const bandwidth = 4.25e12 * DECODE_ATTENTION_KERNEL_SPECS['per-query-head'].bandwidthShare;
      const extra = (80 * 7 * 64_000 * 2048) / bandwidth;
      expect(iterationSeconds(old, step) - iterationSeconds(now, step)).toBeCloseTo(extra, 9);
    },
  );
  it('compiled programs (XLA on TPU) read each KV head once whatever the engine says', () => {
    const v5p = getChipPreset('tpu-v5p');
    const pod = getSystemPreset('tpu-v5p-pod');
    const jet = servingContext(llama2_70b, v5p, pod, { tp: 4, pp: 1, engine: 'jetstream' });
    const forced = { ...jet, engine: { ...jet.engine, decodeAttention: 'per-query-head' as const } };
    const step = { prefillTokens: 0, decodeSequences: 16, contextTokens: 16 * 2000 };
    expect(iterationSeconds(forced, step)).toBe(iterationSeconds(jet, step));
  });
});

describe('fp8 GEMMs of serving engines', () => {
  it(
    "vLLM's and TensorRT-LLM's fp8 GEMMs accumulate in the tensor cores: a compute-bound prefill runs " +
      'faster than with fp32 promotion',
    () => {
      const trt = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'trtllm', dtype: 'fp8-e4m3' });
      const promoted = { ...trt, engine: { ...SERVING_ENGINE_PROFILES.trtllm, fp8FastAccumulation: false } };
      const fast = iterationSeconds(trt, prefill(8192), 0);
      const slow = iterationSeconds(promoted, prefill(8192), 0);
      expect(fast).toBeLessThan(slow);
      // bf16 GEMMs do not care.
      const bf16 = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'trtllm' });
      expect(iterationSeconds(bf16, prefill(8192), 0)).toBe(
        iterationSeconds({ ...bf16, engine: promoted.engine }, prefill(8192), 0),
      );
    },
  );
});
