/**
 * Habana's FusedSDPA on Gaudi 2 against hand-worked numbers: the forward's softmax on the TPCs sets its
 * pace, the backward's matmuls on the MMEs set its, causal slices of the MME tile are skipped, and a
 * framework's flash-attn or cuDNN request runs FusedSDPA.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { EXP_FP32_INSTRUCTIONS, SOFTMAX_FORWARD_OPS } from './attention-gaudi.js';
import type { AttentionKernel } from './attention-types.js';
import { attentionSeconds, defaultAttentionKernel } from './kernels.js';

const gaudi2 = getChipPreset('gaudi2');
const sustainedHz = gaudi2.technology!.sustainedClockHz!;
const TPCS = 24;
const kernel = (seq: number, causal: boolean, implementation?: AttentionKernel['implementation']): AttentionKernel => ({
  batch: 1,
  heads: 32,
  seqQ: seq,
  seqK: seq,
  qkDim: 128,
  valueDim: 128,
  causal,
  ...(implementation ? { implementation } : {}),
});

describe('FusedSDPA on Gaudi 2', () => {
  it(
    'forward: the softmax on 24 TPCs sets the pace, (29 + 4) / 64 instructions a score at the sustained ' +
      'clock (within 1%)',
    () => {
      // 32 x 4096^2 = 536.9M scores x 33 / 64 = 276.8M vector instructions / (24 x 1.599 GHz) = 7.21 ms; the MMEs
      // need 536.9M x 256 MACs / (2 x 65536 x 1.599 GHz) = 0.66 ms.
      const scores = 32 * 4096 * 4096;
      const expected = (scores * (EXP_FP32_INSTRUCTIONS + SOFTMAX_FORWARD_OPS)) / 64 / (TPCS * sustainedHz);
      expect(attentionSeconds(gaudi2, 'bf16', kernel(4096, false)).forwardS / expected).toBeCloseTo(1, 2);
    },
  );

  it('backward: P is read back, nothing recomputed; 2 (d + dv) MACs a score on the two MMEs (within 1%)', () => {
    // 536.9M x 512 MACs / (2 x 65536 x 1.599 GHz) = 1.31 ms, above the TPCs' 0.66 ms and HBM's 0.55 ms.
    const expected = (32 * 4096 * 4096 * 512) / (2 * 256 * 256 * sustainedHz);
    expect(attentionSeconds(gaudi2, 'bf16', kernel(4096, false)).backwardS / expected).toBeCloseTo(1, 2);
  });

  it('causal: MME tiles of 256 above the diagonal are skipped (136 of 256 score tiles at 4096)', () => {
    const full = attentionSeconds(gaudi2, 'bf16', kernel(4096, false));
    const causal = attentionSeconds(gaudi2, 'bf16', kernel(4096, true));
    expect(causal.forwardS / full.forwardS).toBeCloseTo(136 / 256, 3);
    expect(causal.backwardS / full.backwardS).toBeCloseTo(136 / 256, 3);
  });

  it("is Gaudi's default kernel and runs where a framework asks for flash-attn or cuDNN; GPUs keep theirs", () => {
    expect(defaultAttentionKernel(gaudi2)).toBe('fused-sdpa');
    for (const asked of ['flash2', 'flash3', 'cudnn'] as const)
      expect(attentionSeconds(gaudi2, 'bf16', kernel(2048, true, asked)).implementation).toBe('fused-sdpa');
    expect(attentionSeconds(gaudi2, 'bf16', kernel(2048, true, 'unfused')).implementation).toBe('unfused');
    expect(attentionSeconds(getChipPreset('h100-sxm'), 'bf16', kernel(2048, true, 'flash2')).implementation).toBe(
      'flash2',
    );
  });
});
