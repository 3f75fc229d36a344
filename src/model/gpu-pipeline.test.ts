/**
 * How fast a thin GEMM block can stream K (gpu.ts, `pipelineLatencyCycles`) and the V100's GEMM rate,
 * against hand-worked cycles: a k-step takes at least one memory round trip (0.5 us) over the stages in
 * flight, so few thin blocks walking a long K are bound by latency, not by the tensor cores or HBM.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import type { Gemm } from '../graph/ops/op.js';
import { gpuContext, gpuGemm, pipelineLatencyCycles } from './gpu.js';
import { epilogueCycles, GEMM_TILE } from './gpu-tile.js';
import { gemmSeconds } from './kernels.js';

const gemm = (m: number, n: number, k: number): Gemm => ({ batch: 1, m, n, k, weightsAreParameters: true });
const ROUND_TRIP_S = 0.5e-6;

describe('pipeline latency of a k-step', () => {
  // CUTLASS 2.x-style libraries: the chip's stage count.
  it('keeps stages - 1 k-steps in flight per round trip', () => {
    // V100: two stages (CUTLASS Sm70 kStages = 2), one in flight: 0.5 us x 1530 MHz = 765 cycles a k-step.
    const v100 = gpuContext(getChipPreset('v100-sxm'), 'fp16', 2);
    expect(pipelineLatencyCycles(v100, 64, 64)).toBeCloseTo(ROUND_TRIP_S * 1530e6, 6);
    expect(pipelineLatencyCycles(v100, 128, 128)).toBeCloseTo(ROUND_TRIP_S * 1530e6, 6);
    // A100: three stages, two in flight: 0.5 us x 1410 MHz / 2.
    const a100 = gpuContext(getChipPreset('a100'), 'bf16', 2);
    expect(pipelineLatencyCycles(a100, 64, 64)).toBeCloseTo((ROUND_TRIP_S * 1410e6) / 2, 6);
  });

  it('sizes the stages to shared memory on Hopper (StageCountAuto) and sets no bound on a matrix engine', () => {
    const h100 = gpuContext(getChipPreset('h100-sxm'), 'bf16', 2);
    expect(h100.stack.gemmTile.stages).toBe('fill-shared-memory');
    // 128 x 256 x 64 bf16: 48 KiB a stage, four fit 228 KiB: three in flight.
    expect(pipelineLatencyCycles(h100, 128, 256)).toBeCloseTo((ROUND_TRIP_S * 1830e6) / 3, 6);
    // 64 x 64 x 64 bf16: 16 KiB a stage, fourteen fit: thirteen in flight.
    expect(pipelineLatencyCycles(h100, 64, 64)).toBeCloseTo((ROUND_TRIP_S * 1830e6) / 13, 6);
    expect(GEMM_TILE.engine.schedule.stages).toBe('unbounded');
    expect(pipelineLatencyCycles(gpuContext(getChipPreset('gaudi2'), 'bf16', 2), 256, 256)).toBe(0);
  });

  it('bounds a thin GEMM on V100 by its k-steps x the round trip, not by the tensor cores', () => {
    // 64 x 64 x 2048 fp16: one 64 x 64 tile, 64 k-steps of 32, split 16 ways (16 blocks, 4 k-steps each).
    // A k-step's MMAs take 64 x 64 x 32 / (512 MACs x 1416 / 1530) = 277 cycles; the round trip 765.
    // Per block: its fill (765), 4 x 765 of k-steps, the fp32 partial sums' epilogue exposed; the first
    // wave's fill belongs to the launch. Before the bound: 4 x 277 + 1,106 (the epilogue, cut to the
    // mainloop's length) = 2,213 cycles.
    const ctx = gpuContext(getChipPreset('v100-sxm'), 'fp16', 2);
    const epilogue = epilogueCycles(ctx.stack.gemmTile, 64, 64, 4, ctx.derate);
    const t = gpuGemm(ctx, gemm(64, 64, 2048));
    expect(t.computeCycles).toBeCloseTo(4 * 765 + epilogue, 3);
    expect(t.computeCycles).toBeGreaterThan(2 * 2213);
  });

  it('leaves full tiles alone: a 128 x 128 k-step of MMAs outlasts the round trip', () => {
    const ctx = gpuContext(getChipPreset('v100-sxm'), 'fp16', 2);
    const mma = (128 * 128 * 32) / ctx.smMacsPerCycle;
    expect(mma).toBeGreaterThan(pipelineLatencyCycles(ctx, 128, 128));
  });
});

describe('V100 GEMM rate', () => {
  it('reproduces its source: cuBLAS 8192^3 fp16 at 90% of the tensor peak (128 x 128 tiles, 52 waves)', () => {
    const chip = getChipPreset('v100-sxm');
    expect(chip.gpuTiling).toMatchObject({ tileM: 128, tileN: 128 });
    const n = 8192;
    const tflops = (2 * n ** 3) / gemmSeconds(chip, 'fp16', gemm(n, n, n)) / 1e12;
    // 640 tensor cores x 64 FMAs x 2 x 1.53 GHz = 125.3 TFLOP/s; 90% of it is 112.8.
    expect(tflops / 125.3).toBeGreaterThan(0.89);
    expect(tflops / 125.3).toBeLessThan(0.91);
    // 4096 tiles of 128 x 128 in ceil(4096 / 80) = 52 waves.
    expect(gpuGemm(gpuContext(chip, 'fp16', 2), gemm(n, n, n)).efficiency).toBeCloseTo(4096 / (52 * 80), 6);
  });
});
