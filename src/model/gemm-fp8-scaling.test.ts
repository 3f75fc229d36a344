/**
 * fp8 training's current scaling (model/gemm.ts, `current-scaling`: Transformer Engine's
 * Float8CurrentScaling, torchao's tensorwise dynamic scaling): each cast follows a pass over the bf16
 * tensor for its amax. Worked by hand on the h100-sxm preset.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import type { Gemm } from '../graph/ops/op.js';
import { GPU_KERNEL_LAUNCH_S } from './gpu.js';
import { fp8CastSeconds, gemmSeconds } from './kernels.js';

const chip = getChipPreset('h100-sxm');
const bandwidth = chip.offChipMemory.sustainedBandwidthBytesPerS!;
// A Llama 3 8B MLP input projection on 16384 tokens: X is 16384 x 4096, W 4096 x 28672.
const x: Gemm = { batch: 1, m: 16384, k: 4096, n: 28672, weightsAreParameters: false };
const xw: Gemm = { ...x, weightsAreParameters: true };

describe('current-scaling fp8 casts', () => {
  it('read the bf16 activation twice (amax, then cast): 2 + 2 + 1 + 1 = 6 bytes per element, two kernels', () => {
    const elements = 16384 * 4096;
    const expected = (elements * 6) / bandwidth + 2 * GPU_KERNEL_LAUNCH_S;
    expect(fp8CastSeconds(chip, x, 'forward', 'current-scaling') / expected).toBeCloseTo(1, 6);
    // Delayed scaling takes the amax inside the cast: 4 bytes per element, one kernel.
    const delayed = (elements * 4) / bandwidth + GPU_KERNEL_LAUNCH_S;
    expect(fp8CastSeconds(chip, x, 'forward') / delayed).toBeCloseTo(1, 6);
  });

  it("cast the weight the same way when the forward GEMM's weights are parameters", () => {
    const elements = 16384 * 4096 + 4096 * 28672;
    const expected = (elements * 6) / bandwidth + 4 * GPU_KERNEL_LAUNCH_S;
    expect(fp8CastSeconds(chip, xw, 'forward', 'current-scaling') / expected).toBeCloseTo(1, 6);
  });

  it('add nothing to the weight-gradient GEMM, whose operands were cast before', () => {
    expect(fp8CastSeconds(chip, x, 'wgrad', 'current-scaling')).toBe(0);
  });

  it("are what gemmSeconds adds to the GEMM, with the forward's fast accumulation", () => {
    for (const fp8Role of ['forward', 'dgrad', 'wgrad'] as const) {
      const current = gemmSeconds(chip, 'fp8-e4m3', x, { fp8Recipe: 'current-scaling', fp8Role });
      const te = gemmSeconds(chip, 'fp8-e4m3', x, { fp8Recipe: 'transformer-engine', fp8Role });
      expect(current - te).toBeCloseTo(
        fp8CastSeconds(chip, x, fp8Role, 'current-scaling') - fp8CastSeconds(chip, x, fp8Role),
        12,
      );
    }
  });

  it('leave bf16 GEMMs alone', () => {
    expect(gemmSeconds(chip, 'bf16', x, { fp8Recipe: 'current-scaling' })).toBe(gemmSeconds(chip, 'bf16', x));
  });
});
