/**
 * The per-tile fixed costs of GPU GEMM kernels (gpu-tile.ts) against hand-worked cycles: the epilogue
 * exposed after a cooperative Hopper tile, hidden on Blackwell, the pipeline fill of kernels without
 * persistent blocks, and the fitted epilogue rate against the measurement it was fitted to.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import type { Gemm } from '../graph/ops/op.js';
import { GPU_KERNEL_LAUNCH_S, gpuContext, gpuGemm } from './gpu.js';
import { epilogueCycles, GEMM_TILE, tileCycles } from './gpu-tile.js';
import { gemmSeconds } from './kernels.js';

const gemm = (m: number, n: number, k: number): Gemm => ({ batch: 1, m, n, k, weightsAreParameters: true });
const HOPPER = GEMM_TILE.hopper.schedule;
/** A 128 x 256 bf16 tile's epilogue at 12 bytes per SM cycle: 65,536 bytes / 12 = 5,461 cycles. */
const EPILOGUE = (128 * 256 * 2) / 12;

describe('tile schedule', () => {
  it('prices an epilogue by the bytes the tile stores, at the SM clock (derate counts nominal cycles)', () => {
    expect(epilogueCycles(HOPPER, 128, 256, 2, 1)).toBeCloseTo(EPILOGUE, 6);
    // At the H100's sustained 1335 of 1830 MHz a cycle of the SM is 1.37 nominal cycles.
    expect(epilogueCycles(HOPPER, 128, 256, 2, 1335 / 1830)).toBeCloseTo((EPILOGUE * 1830) / 1335, 6);
    // Split-K partial sums are fp32: twice the bytes.
    expect(epilogueCycles(HOPPER, 128, 256, 4, 1)).toBeCloseTo(2 * EPILOGUE, 6);
  });

  it("exposes the whole epilogue after a cooperative tile, up to the mainloop's length", () => {
    expect(tileCycles(HOPPER, 1, 16384, EPILOGUE, 700)).toBeCloseTo(16384 + EPILOGUE, 6);
    // Two k-steps (K = 128): the other tile in flight hides the rest; memory bounds such kernels.
    expect(tileCycles(HOPPER, 1, 2048, EPILOGUE, 700)).toBe(2 * 2048);
    // A second resident block, or double-buffered accumulators (Blackwell), hide it.
    expect(tileCycles(HOPPER, 2, 16384, EPILOGUE, 700)).toBe(16384);
    expect(tileCycles(GEMM_TILE.blackwell.schedule, 1, 16384, EPILOGUE, 700)).toBe(16384);
  });

  it('fills the pipeline on every tile of a non-persistent kernel, never on a persistent one', () => {
    expect(tileCycles(GEMM_TILE.perTile.schedule, 1, 16384, EPILOGUE, 700)).toBeCloseTo(700 + 16384 + EPILOGUE, 6);
    expect(tileCycles(HOPPER, 1, 16384, EPILOGUE, 700)).toBeCloseTo(16384 + EPILOGUE, 6);
  });
});

describe('GEMMs with their tile costs', () => {
  const h100 = getChipPreset('h100-sxm');
  const ctx = gpuContext(h100, 'bf16', 2);
  /** Compute cycles at the SM's (sustained) clock. */
  const smCycles = (c: typeof ctx, g: Gemm): number => gpuGemm(c, g).computeCycles * c.derate;

  it(
    'H100, 8192 x 8192 x K: 16 waves of 128 x 256 tiles, each K / 64 k-steps of 1024 cycles and one ' +
      'epilogue (within 0.1%): a quarter of the short-K GEMM, 4% of 8192^3',
    () => {
      for (const k of [1024, 8192]) {
        const expected = 16 * ((k / 64) * 1024 + EPILOGUE);
        expect(Math.abs(smCycles(ctx, gemm(8192, 8192, k)) / expected - 1)).toBeLessThan(0.001);
      }
    },
  );

  it(
    'holds 8192^3 to the 671 TFLOP/s measured over 15 s at 1335 MHz (data/gpu-measured/h100-sxm.json, the ' +
      'fit), within 1%',
    () => {
      const tflops = (2 * 8192 ** 3) / (gemmSeconds(h100, 'bf16', gemm(8192, 8192, 8192)) - GPU_KERNEL_LAUNCH_S) / 1e12;
      expect(Math.abs(tflops / 671 - 1)).toBeLessThan(0.01);
    },
  );

  it("stores only the rows inside C: a one-token GEMV pays a 1 x 256 epilogue, not a whole tile's", () => {
    const full = epilogueCycles(HOPPER, 128, 256, 2, ctx.derate);
    const one = epilogueCycles(HOPPER, 1, 256, 2, ctx.derate);
    expect(one * 128).toBeCloseTo(full, 6);
  });

  it(
    'A100 (one block per tile): 19 waves, each tile filling its pipeline (0.5 us at 1280 MHz: 640 cycles) ' +
      'but the first wave, whose fill the launch covers',
    () => {
      const a100 = gpuContext(getChipPreset('a100'), 'bf16', 2);
      // 1024 MACs per SM per clock: a 128 x 256 x 64 k-step is 2048 cycles; 2048 tiles over 108 SMs.
      const expected = 19 * (16 * 2048 + EPILOGUE + 640) - 640;
      expect(Math.abs(smCycles(a100, gemm(8192, 8192, 1024)) / expected - 1)).toBeLessThan(0.001);
    },
  );

  it('B200 (two accumulators in tensor memory): the epilogue hides under the next tile, k-steps alone remain', () => {
    const b200 = gpuContext(getChipPreset('b200'), 'bf16', 2);
    // 4096 MACs per SM per clock: a k-step is 512 cycles; 2048 tiles over 148 SMs take 14 waves.
    expect(Math.abs(smCycles(b200, gemm(8192, 8192, 1024)) / (14 * 16 * 512) - 1)).toBeLessThan(0.001);
  });
});
