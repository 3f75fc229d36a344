/**
 * Attention kernels on their own, against hand-worked examples: the fused kernel's tiles and waves,
 * causal tiles skipped, FlashAttention-2's serial softmax against FlashAttention-3's overlap, the
 * backward, the unfused path's score traffic, the TPU's fused kernel, and the default per chip.
 */
import { describe, expect, it } from 'vitest';
import { coreCount } from '../arch/derive.js';
import { getChipPreset } from '../arch/presets/index.js';
import { ATTENTION_BLOCK_LATENCY_S } from './attention-gpu.js';
import { UNFUSED_SOFTMAX_BANDWIDTH_SHARE } from './attention.js';
import type { AttentionKernel } from './attention-types.js';
import { attentionSeconds, defaultAttentionKernel } from './kernels.js';

const h100 = getChipPreset('h100-sxm');
const a100 = getChipPreset('a100');
const kernel = (
  heads: number,
  seq: number,
  headDim: number,
  causal: boolean,
  implementation?: AttentionKernel['implementation'],
): AttentionKernel => ({
  batch: 1,
  heads,
  seqQ: seq,
  seqK: seq,
  qkDim: headDim,
  valueDim: headDim,
  causal,
  ...(implementation ? { implementation } : {}),
});
/** FlashAttention papers' forward FLOPs. */
const forwardFlops = (a: AttentionKernel): number =>
  (4 * a.batch * a.heads * a.seqQ * a.seqK * a.qkDim) / (a.causal ? 2 : 1);

describe('fused attention on GPUs', () => {
  it(
    'FlashAttention-3, head dim 128: matmul-bound at the sustained clock, less its tiles and block latency ' +
      '(within 1%)',
    () => {
      // 33 heads x 128 query blocks = 4224 blocks = 32 waves of 132 SMs; 94 key tiles of 176 per block
      // (16544 keys for 16384); per score element 256 MACs at 2048 per SM-clock x 1335/1830.
      const a = kernel(33, 16384, 128, false, 'flash3');
      const sustained = h100.technology!.sustainedClockHz!;
      const blockS = (94 * 128 * 176 * 256) / (2048 * sustained) + ATTENTION_BLOCK_LATENCY_S;
      const expected = 32 * blockS + 2e-6;
      expect(attentionSeconds(h100, 'bf16', a).forwardS / expected).toBeCloseTo(1, 2);
    },
  );

  it(
    'FlashAttention-3 runs 1.4-2.1x faster than FlashAttention-2 forward on H100 (Shah et al. 2024: ' +
      '1.5-2.0x; the model gives 1.46 at head dim 64)',
    () => {
      for (const d of [64, 128]) {
        const fa2 = attentionSeconds(h100, 'bf16', kernel(32, 8192, d, false, 'flash2')).forwardS;
        const fa3 = attentionSeconds(h100, 'bf16', kernel(32, 8192, d, false, 'flash3')).forwardS;
        console.log(
          `h100 head dim ${d}: FlashAttention-3 / FlashAttention-2 forward speedup ${(fa2 / fa3).toFixed(2)}`,
        );
        expect(fa2 / fa3).toBeGreaterThan(1.4);
        expect(fa2 / fa3).toBeLessThan(2.1);
      }
    },
  );

  it('causal: tiles above the diagonal are skipped, diagonal ones run whole (16512 of 32768 tiles, within 2%)', () => {
    // FlashAttention-2, head dim 128: 128 x 64 tiles; query block i needs 2 (i + 1) key tiles, 2 x 128 x 129 / 2
    // = 16512 over 128 blocks, against 128 x 256 = 32768. 33 heads fill whole waves of 2 x 132 blocks.
    const full = attentionSeconds(h100, 'bf16', kernel(33, 16384, 128, false, 'flash2')).forwardS;
    const causal = attentionSeconds(h100, 'bf16', kernel(33, 16384, 128, true, 'flash2')).forwardS;
    expect(Math.abs(causal / full / (16512 / 32768) - 1)).toBeLessThan(0.02);
  });

  it('backward: 2.5x the forward FLOPs at FlashAttention-2 efficiency takes 2.5-3.5x the forward time on A100', () => {
    const t = attentionSeconds(a100, 'fp16', kernel(16, 16384, 128, false, 'flash2'));
    expect(t.backwardS / t.forwardS).toBeGreaterThan(2.5);
    expect(t.backwardS / t.forwardS).toBeLessThan(3.5);
    // FlashAttention-2 paper, Figure 4 (A100, head dim 128, 16k): 203 TFLOP/s forward + backward (held-out row).
    const tflops = (3.5 * forwardFlops(kernel(16, 16384, 128, false))) / (t.forwardS + t.backwardS) / 1e12;
    expect(Math.abs(tflops / 203 - 1)).toBeLessThan(0.1);
  });

  it(
    'warp-specialized backward: the softmax gradient runs between its matmuls (FlashAttention-3 paper, ' +
      'Figure 6, within 10%)',
    () => {
      // H100 SXM5, head dim 128, batch x seq = 16k, 16 heads, non-causal: measured backward 518 TFLOP/s (cuDNN)
      // and 559 (FlashAttention-3) at 8k, 465 and 501 at 2k; forward 600 and 646 at 8k. Per score element
      // 640 MACs at 2048 per SM-clock (0.43 cycles) then the exp and 4 FP32 operations (0.13): 0.56 cycles.
      for (const [seq, cudnn, fa3] of [
        [2048, 465, 501],
        [8192, 518, 559],
      ] as const) {
        const a = { ...kernel(16, seq, 128, false), batch: 16384 / seq };
        const tflops = (impl: 'cudnn' | 'flash3'): number =>
          (2.5 * forwardFlops(a)) / attentionSeconds(h100, 'bf16', { ...a, implementation: impl }).backwardS / 1e12;
        expect(Math.abs(tflops('cudnn') / cudnn - 1)).toBeLessThan(0.1);
        expect(Math.abs(tflops('flash3') / fa3 - 1)).toBeLessThan(0.1);
      }
    },
  );

  it('FlashAttention-2 on Hopper multiplies with mma.sync: 2/3 of the tensor rate where it is matmul-bound', () => {
    // Head dim 256: 512 MACs per score element against one exp; FlashAttention-3 has the same tiles'
    // waves to within a few per cent, so the ratio is near 1.5.
    const fa2 = attentionSeconds(h100, 'bf16', kernel(32, 16384, 256, false, 'flash2')).forwardS;
    const fa3 = attentionSeconds(h100, 'bf16', kernel(32, 16384, 256, false, 'flash3')).forwardS;
    expect(fa2 / fa3).toBeGreaterThan(1.5);
  });
});

describe('unfused attention', () => {
  it('moves the scores through HBM: S written, softmax at half bandwidth, P read (6 passes forward, within 5%)', () => {
    // 32 heads x 8192^2 scores x 2 bytes per pass; head dim 128 keeps the GEMMs' own time far below.
    const a = kernel(32, 8192, 128, false, 'unfused');
    const pass = (32 * 8192 * 8192 * 2) / h100.offChipMemory.sustainedBandwidthBytesPerS!;
    const passes = 1 + 2 / UNFUSED_SOFTMAX_BANDWIDTH_SHARE + 1;
    const t = attentionSeconds(h100, 'bf16', a);
    expect(t.forwardS).toBeGreaterThan(passes * pass);
    expect(t.forwardS / (passes * pass)).toBeLessThan(1.05);
    expect(t.implementation).toBe('unfused');
    // The fused kernel never writes them: more than 2.5x faster (FlashAttention-2 paper, Figure 4: 3-5x forward +
    // backward).
    expect(
      t.forwardS / attentionSeconds(h100, 'bf16', kernel(32, 8192, 128, false, 'flash2')).forwardS,
    ).toBeGreaterThan(2.5);
  });

  it('does not skip causal work, and adds the mask: causal costs more than non-causal', () => {
    const full = attentionSeconds(h100, 'bf16', kernel(32, 4096, 128, false, 'unfused'));
    const causal = attentionSeconds(h100, 'bf16', kernel(32, 4096, 128, true, 'unfused'));
    expect(causal.forwardS).toBeGreaterThan(full.forwardS);
    expect(causal.backwardS).toBeGreaterThanOrEqual(full.backwardS);
  });
});

describe('TPU fused attention (XLA)', () => {
  const tpu = getChipPreset('tpu-v5p');
  it(
    "skips causal blocks of 512 (MaxText's default; attention-tpu.test.ts for the rest) and beats the " +
      'unfused path at long sequences',
    () => {
      const full = attentionSeconds(tpu, 'bf16', kernel(32, 8192, 128, false));
      const causal = attentionSeconds(tpu, 'bf16', kernel(32, 8192, 128, true));
      expect(full.implementation).toBe('xla');
      // 16 blocks: 16 x 17 / 2 = 136 of 256 computed, the 16 diagonal ones also masked.
      expect(causal.forwardS / full.forwardS).toBeGreaterThan(136 / 256);
      expect(causal.forwardS / full.forwardS).toBeLessThan((136 / 256) * 1.03);
      expect(attentionSeconds(tpu, 'bf16', kernel(32, 8192, 128, false, 'unfused')).forwardS).toBeGreaterThan(
        2 * full.forwardS,
      );
      expect(full.backwardS / full.forwardS).toBeGreaterThan(2);
    },
  );
});

describe('which kernel runs', () => {
  it(
    'defaults to cuDNN on Hopper and Blackwell, FlashAttention-2 on Ampere and AMD, the math path on ' +
      'Volta, XLA on TPUs',
    () => {
      expect(defaultAttentionKernel(h100)).toBe('cudnn');
      expect(defaultAttentionKernel(getChipPreset('b200'))).toBe('cudnn');
      expect(defaultAttentionKernel(a100)).toBe('flash2');
      expect(defaultAttentionKernel(getChipPreset('mi300x'))).toBe('flash2');
      expect(defaultAttentionKernel(getChipPreset('v100-sxm'))).toBe('unfused');
      expect(defaultAttentionKernel(getChipPreset('tpu-v4'))).toBe('xla');
    },
  );

  it('reads the older `fused` flag, and refuses a kernel the chip does not run', () => {
    const base = kernel(16, 2048, 128, false);
    expect(attentionSeconds(a100, 'bf16', { ...base, fused: false }).implementation).toBe('unfused');
    expect(attentionSeconds(a100, 'bf16', { ...base, fused: true }).implementation).toBe('flash2');
    expect(attentionSeconds(h100, 'bf16', { ...base, fused: true }).implementation).toBe('flash2');
    expect(attentionSeconds(h100, 'bf16', base).implementation).toBe('cudnn');
    expect(attentionSeconds(getChipPreset('v100-sxm'), 'fp16', { ...base, fused: true }).implementation).toBe(
      'unfused',
    );
    expect(() => attentionSeconds(a100, 'bf16', { ...base, implementation: 'flash3' })).toThrow(
      /flash3 attention does not run on a100/,
    );
    expect(() => attentionSeconds(getChipPreset('tpu-v4'), 'bf16', { ...base, implementation: 'flash2' })).toThrow(
      /kernels there: xla, unfused/,
    );
  });

  it('spreads blocks over every SM', () => {
    expect(coreCount(h100)).toBe(132);
  });
});
