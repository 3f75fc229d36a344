/**
 * The TPU's fused attention (Pallas splash attention) on its own: which blocks a causal mask leaves,
 * the block a chip's recipes use, matmuls and softmax adding up per block, the half-filled 256-wide MXU
 * at head dim 128, and the whole against the tokamax splash-attention benchmarks on Ironwood.
 */
import { describe, expect, it } from 'vitest';
import { coreCount, vectorOpsPerS } from '../arch/derive.js';
import { getChipPreset } from '../arch/presets/index.js';
import { splashBlocks, XLA_ATTENTION_VECTOR_OPS, xlaAttentionBlock, xlaAttentionSeconds } from './attention-tpu.js';
import type { AttentionKernel } from './attention-types.js';

const v7 = getChipPreset('tpu-v7');
const v6e = getChipPreset('tpu-v6e');
const v5p = getChipPreset('tpu-v5p');
const kernel = (batch: number, heads: number, seq: number, headDim: number, causal = true): AttentionKernel => ({
  batch,
  heads,
  seqQ: seq,
  seqK: seq,
  qkDim: headDim,
  valueDim: headDim,
  causal,
});

describe('splash attention blocks', () => {
  it('causal: blocks on and below the diagonal, the diagonal ones partially masked', () => {
    // 8192 in blocks of 2048: 1 + 2 + 3 + 4 = 10 of 16, 4 on the diagonal.
    expect(splashBlocks({ seqQ: 8192, seqK: 8192, causal: true }, 2048, 2048)).toEqual({ tiles: 10, diagonal: 4 });
    expect(splashBlocks({ seqQ: 8192, seqK: 8192, causal: false }, 2048, 2048)).toEqual({ tiles: 16, diagonal: 0 });
    // 2048 queries aligned to the last of 8192 keys (a chunk): one query block sees all 4 key blocks, the last
    // partially.
    expect(splashBlocks({ seqQ: 2048, seqK: 8192, causal: true }, 2048, 2048)).toEqual({ tiles: 4, diagonal: 1 });
    // Blocks of 512 against keys of 1024: the diagonal key block and the next are partial for each query block.
    expect(splashBlocks({ seqQ: 1024, seqK: 1024, causal: true }, 512, 1024)).toEqual({ tiles: 2, diagonal: 2 });
  });

  it("uses the block of the chip's MaxText recipes: 2048 on 256-wide MXUs, else MaxText's default 512", () => {
    expect(xlaAttentionBlock(v6e)).toBe(2048);
    expect(xlaAttentionBlock(v7)).toBe(2048);
    expect(xlaAttentionBlock(v5p)).toBe(512);
  });
});

describe('splash attention time', () => {
  it('a block takes its matmuls plus its softmax (no overlap): hand-worked on TPU7x, head dim 256, within 2%', () => {
    // 2 x 32 heads of 8192, blocks of 2048: 64 x 10 steps of 2048 x 2048 scores. MXU: 2 x 2048^2 x 256 MACs a
    // step at 4 x 256^2 MACs per cycle per TensorCore; vector: 4 operations per score, 3 more on the 4 x 64
    // diagonal blocks, at 2 x 8 x 128 x 4 per cycle.
    const a = kernel(2, 32, 8192, 256);
    const steps = 64 * 10;
    const matrixS = (steps * 2 * 2048 * 2048 * 256) / (coreCount(v7) * 4 * 256 * 256) / v7.clockHz;
    const vectorS =
      (2048 * 2048 * (steps * XLA_ATTENTION_VECTOR_OPS.forward + 64 * 4 * XLA_ATTENTION_VECTOR_OPS.mask)) /
      vectorOpsPerS(v7);
    expect(Math.abs(xlaAttentionSeconds(v7, 'bf16', a, false) / (matrixS + vectorS) - 1)).toBeLessThan(0.02);
  });

  it('head dim 128 half-fills a 256-wide MXU (same time as 256 on TPU7x), not a 128-wide one (v5p: about half)', () => {
    const d128 = xlaAttentionSeconds(v7, 'bf16', kernel(2, 32, 8192, 128), false);
    const d256 = xlaAttentionSeconds(v7, 'bf16', kernel(2, 32, 8192, 256), false);
    expect(d128 / d256).toBeGreaterThan(0.99);
    const p128 = xlaAttentionSeconds(v5p, 'bf16', kernel(2, 32, 8192, 128), false);
    const p256 = xlaAttentionSeconds(v5p, 'bf16', kernel(2, 32, 8192, 256), false);
    expect(p128 / p256).toBeGreaterThan(0.5);
    expect(p128 / p256).toBeLessThan(0.6);
  });

  it(
    'matches the tokamax splash benchmarks on Ironwood within 10% (forward and backward, head dims 128 and ' +
      '256, sequences 8k-128k)',
    () => {
      // tokamax microbenchmarks.pdf (2025-11-13): batch 1, 32 query heads, per TensorCore, causal; ms.
      const measured: ReadonlyArray<readonly [number, number, number, number]> = [
        [128, 8192, 1.93, 3.98],
        [128, 32768, 24.75, 55.05],
        [128, 131072, 357.2, 823.43],
        [256, 8192, 2.14, 4.2],
        [256, 32768, 26.93, 58.11],
        [256, 131072, 386.39, 853.37],
      ];
      for (const [d, seq, forwardMs, backwardMs] of measured) {
        // Batch 2 on the chip's two TensorCores: each runs the benchmark's batch of 1.
        const a = kernel(2, 32, seq, d);
        const forward = xlaAttentionSeconds(v7, 'bf16', a, false) * 1e3;
        const backward = xlaAttentionSeconds(v7, 'bf16', a, true) * 1e3;
        console.log(
          `tpu-v7 splash d ${d} seq ${seq}: model/measured forward ${(forward / forwardMs).toFixed(3)}, backward ` +
            `${(backward / backwardMs).toFixed(3)}`,
        );
        expect(Math.abs(forward / forwardMs - 1)).toBeLessThan(0.1);
        expect(Math.abs(backward / backwardMs - 1)).toBeLessThan(0.1);
      }
    },
  );
});
