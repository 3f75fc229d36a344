import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { DECODE_ATTENTION_KERNEL_SPECS, decodeAttentionSeconds, type DecodeAttention } from './decode-attention.js';

const h100 = getChipPreset('h100-sxm');
/** The H100 preset's measured copy bandwidth (3.01 TB/s) at the decode kernels' share of it. */
const decodeBandwidth = 3.01e12 * DECODE_ATTENTION_KERNEL_SPECS.grouped.bandwidthShare;

/** Llama 3 70B on one chip: 64 query heads over 8 KV heads of 128; fp8 cache. */
const llama70b = (kernel: DecodeAttention['kernel'], sequences: number, context: number): DecodeAttention => ({
  kernel,
  sequences,
  contextTokens: sequences * context,
  heads: 64,
  cacheElementsPerToken: 2 * 8 * 128,
  groupSize: 8,
  kvBytes: 1,
  qkDim: 128,
  valueDim: 128,
});

describe('decode attention kernels', () => {
  it('a GQA-packed kernel reads each KV head once, plus queries, outputs and split-KV partials (hand-worked)', () => {
    // 64 sequences x 1000 cached tokens x 2048 elements x 1 byte = 131.072 MB of cache;
    // queries and outputs 64 x 64 heads x 256 x 2 bytes = 2.097 MB; two 512-token partitions:
    // partials 2 (write, read) x 64 x 2 x 64 heads x (128 + 2) x 4 bytes = 8.520 MB.
    const t = decodeAttentionSeconds(h100, 'fp8-e4m3', llama70b('grouped', 64, 1000));
    expect(t.bytes).toBeCloseTo(131_072_000 + 2_097_152 + 8_519_680, 0);
    expect(t.seconds).toBeCloseTo(t.bytes / decodeBandwidth, 12);
    expect(t.bound).toBe('memory');
  });
  it('a kernel with one block per query head reads the cache once per query head of the group', () => {
    const grouped = decodeAttentionSeconds(h100, 'fp8-e4m3', llama70b('grouped', 64, 1000));
    const perHead = decodeAttentionSeconds(h100, 'fp8-e4m3', llama70b('per-query-head', 64, 1000));
    // The same queries, outputs and partials; the cache 8 times instead of once.
    expect(perHead.bytes - grouped.bytes).toBeCloseTo(7 * 131_072_000, 0);
    // On the H100 its CUDA-core work (2 operations per element read: 1.05e12) stays under the reads.
    expect(perHead.bound).toBe('memory');
    expect(perHead.seconds / grouped.seconds).toBeGreaterThan(7);
  });
  it('without grouped-query attention (one query head per KV head) both kernels read the same bytes', () => {
    const mha = (kernel: DecodeAttention['kernel']): DecodeAttention => ({
      ...llama70b(kernel, 32, 2000),
      heads: 32,
      cacheElementsPerToken: 2 * 32 * 128,
      groupSize: 1,
    });
    expect(decodeAttentionSeconds(h100, 'fp8-e4m3', mha('per-query-head')).bytes).toBe(
      decodeAttentionSeconds(h100, 'fp8-e4m3', mha('grouped')).bytes,
    );
  });
  it('short contexts run in one partition: no split-KV partials', () => {
    const t = decodeAttentionSeconds(h100, 'fp8-e4m3', llama70b('grouped', 8, 300));
    expect(t.bytes).toBeCloseTo(8 * 300 * 2048 + 8 * 64 * 256 * 2, 6);
  });
  it('a per-head kernel whose conversions and FMAs outrun the reads is bound by the vector units', () => {
    // A cache element of a hundredth of a byte: the 2 operations per element read now take longer than the bytes.
    const t = decodeAttentionSeconds(h100, 'fp8-e4m3', { ...llama70b('per-query-head', 64, 1000), kvBytes: 0.01 });
    expect(t.bound).toBe('vector');
  });
  it('no decoding sequences, no time', () => {
    expect(decodeAttentionSeconds(h100, 'bf16', llama70b('grouped', 0, 0)).seconds).toBe(0);
  });
});
