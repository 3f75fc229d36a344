/**
 * GEMM kernel mechanisms on their own, against hand-worked examples: operand alignment (narrow loads,
 * the warp-level MMA without TMA, CUDA cores under old cuBLAS), fp8 promotion and Transformer Engine's
 * casts, launch, and which clock the work is timed at.
 */
import { describe, expect, it } from 'vitest';
import { CHIP_PRESETS, getChipPreset } from '../arch/presets/index.js';
import { FUSED_ATTENTION_CITATIONS } from './attention-gpu.js';
import { FP8_CITATIONS } from './gemm.js';
import { gpuStackOf } from './gpu-stack.js';
import { KERNEL_SOURCES } from './kernel-sources.js';
import type { Gemm } from '../graph/ops/op.js';
import { chipContext } from './estimate.js';
import { accessBytes, stagingFactor } from './gpu-align.js';
import { gpuClockNote, gpuContext, gpuGemm, GPU_KERNEL_LAUNCH_S } from './gpu.js';
import { fp8CastSeconds, gemmSeconds } from './kernels.js';

const gemm = (m: number, n: number, k: number): Gemm => ({ batch: 1, m, n, k, weightsAreParameters: true });

describe('operand alignment', () => {
  it('takes the widest access every row allows, at most 16 bytes', () => {
    expect(accessBytes(4096, 2)).toBe(16);
    expect(accessBytes(4100, 2)).toBe(8); // 8200 bytes
    expect(accessBytes(4098, 2)).toBe(4);
    expect(accessBytes(4097, 2)).toBe(2);
    expect(accessBytes(4097, 1)).toBe(1);
    expect(accessBytes(4104, 1)).toBe(8);
    // A dimension that is an average (a tensor-parallel share) is taken as aligned.
    expect(accessBytes(4096 / 3, 2)).toBe(16);
    expect(stagingFactor(2, 16)).toBe(8);
    expect(stagingFactor(16, 16)).toBe(1);
  });

  const h100 = gpuContext(getChipPreset('h100-sxm'), 'bf16', 2);
  const cycles = (ctx: typeof h100, g: Gemm): number => gpuGemm(ctx, g).computeCycles;
  // Each 128 x 256 tile also stores its bf16 outputs at 12 bytes a cycle (gpu-tile.ts): 5,461 cycles.
  const epilogue = (128 * 256 * 2) / 12;

  it(
    "H100, k odd: the warp-level MMA at 2/3 of the peak sets the pace (1.5x an aligned GEMM's k-steps, " + 'within 1%)',
    () => {
      // 128 x 256 x 64 tiles, 2048 MACs per SM per clock: aligned, a k-step is 1024 cycles of MMA (384 of
      // staging). k odd: A loads 2 bytes at a time (8x the staging, 1280 cycles) and mma.sync runs at 2/3
      // (1536 cycles): 1536 / 1024 = 1.5. Same tiles and waves (8191 and 8192 take 128 k-steps), and the
      // same epilogue after them: (128 x 1536 + 5461) / (128 x 1024 + 5461) = 1.48.
      const ratio = cycles(h100, gemm(8192, 8192, 8191)) / cycles(h100, gemm(8192, 8192, 8192));
      expect(Math.abs(ratio / ((128 * 1536 + epilogue) / (128 * 1024 + epilogue)) - 1)).toBeLessThan(0.01);
    },
  );

  it('H100, k and n odd: staging both operands 2 bytes at a time sets the pace (3x the k-steps, within 1%)', () => {
    // (128 x 8 + 256 x 8) x 64 x 2 bytes at 128 bytes per clock = 3072 cycles against 1024; with the
    // epilogue, (128 x 3072 + 5461) / (128 x 1024 + 5461) = 2.92.
    const ratio = cycles(h100, gemm(8192, 8191, 8191)) / cycles(h100, gemm(8192, 8192, 8192));
    expect(Math.abs(ratio / ((128 * 3072 + epilogue) / (128 * 1024 + epilogue)) - 1)).toBeLessThan(0.01);
  });

  it('m never matters: an odd m costs only its tile', () => {
    const ratio = cycles(h100, gemm(8191, 8192, 8192)) / cycles(h100, gemm(8192, 8192, 8192));
    expect(ratio).toBeLessThan(1.01);
  });

  it('A100 (no TMA): k odd keeps the tensor cores; staging (1280 cycles) hides under the MMA (2048)', () => {
    const a100 = gpuContext(getChipPreset('a100'), 'bf16', 2);
    const ratio = cycles(a100, gemm(8192, 8192, 8191)) / cycles(a100, gemm(8192, 8192, 8192));
    expect(ratio).toBeGreaterThanOrEqual(1);
    expect(ratio).toBeLessThan(1.01);
  });

  it(
    'V100 (cuBLAS < 11): an odd fp16 dimension runs on the CUDA cores: 4x slower k-steps (8 x 64 ' +
      'tensor-core FMAs against 64 lanes x 2 packed, within 1%)',
    () => {
      const chip = getChipPreset('v100-sxm');
      const ctx = gpuContext(chip, 'fp16', 2);
      const g = gemm(4096, 4095, 4096);
      const seconds = cycles(ctx, g) / chip.clockHz;
      const peak = ctx.vectorOpsPerCycle * chip.clockHz;
      expect((4096 * 4095 * 4096) / seconds).toBeLessThanOrEqual(peak);
      // Both run 13 waves of 128 x 128 tiles, 128 k-steps of 1024 cycles (tensor cores) or 4096 (CUDA
      // cores); one block per tile, so each tile after the first wave's also fills its pipeline (0.5 us at
      // the nominal 1530 MHz: 765 cycles) and each stores 128 x 128 fp16 at 12 bytes a cycle: 2731.
      const tile = (step: number): number => 13 * (128 * step + (128 * 128 * 2) / 12 + 765) - 765;
      expect(
        Math.abs(cycles(ctx, g) / cycles(ctx, gemm(4096, 4096, 4096)) / (tile(4096) / tile(1024)) - 1),
      ).toBeLessThan(0.01);
    },
  );

  it('against H100 measurements: k odd within 20%, k and n odd within a factor 1.6 (cuBLAS is slower still)', () => {
    const chip = getChipPreset('h100-sxm');
    const tflops = (m: number, n: number, k: number): number =>
      (2 * m * n * k) / gemmSeconds(chip, 'bf16', gemm(m, n, k)) / 1e12;
    // float8_experimental PR #145, bench_padding.py: 8193 x 2501 x 5008 (M x K x N) bf16 at 509 TFLOP/s.
    const kOdd = tflops(8193, 5008, 2501) / 509;
    // data/gpu-measured/h100-sxm.json: 4097^3 bf16 at 132.1 TFLOP/s (4096^3: 704).
    const bothOdd = tflops(4097, 4097, 4097) / 132.1;
    console.log(`H100 misaligned GEMMs, model / measured: k odd ${kOdd.toFixed(2)}, k and n odd ${bothOdd.toFixed(2)}`);
    expect(Math.abs(kOdd - 1)).toBeLessThan(0.2);
    expect(bothOdd).toBeGreaterThan(1);
    expect(bothOdd).toBeLessThan(1.6);
  });
});

describe('fp8 GEMMs', () => {
  const chip = getChipPreset('h100-sxm');
  const big = gemm(8192, 8192, 8192);

  it(
    'on Hopper, split accumulation exposes half the promotion adds: 8/9 of the fast-accumulation rate ' + '(within 1%)',
    () => {
      // Per 64 of K on a 128 x 256 tile: 512 cycles of fp8 MMA (4096 MACs per clock) plus half of
      // 128 x 256 adds / 128 lanes per 128 of K = 64 cycles: 512 / 576 = 0.889.
      const ctx = gpuContext(chip, 'fp8-e4m3', 1);
      const ratio = gpuGemm(ctx, big, true).computeCycles / gpuGemm(ctx, big, false).computeCycles;
      expect(Math.abs(ratio / (512 / 576) - 1)).toBeLessThan(0.01);
      const fast = gemmSeconds(chip, 'fp8-e4m3', big, { fp8FastAccumulation: true });
      expect(fast).toBeLessThan(gemmSeconds(chip, 'fp8-e4m3', big));
      // Blackwell accumulates at full precision: nothing to promote.
      const b200 = getChipPreset('b200');
      expect(gemmSeconds(b200, 'fp8-e4m3', big, { fp8FastAccumulation: true })).toBe(
        gemmSeconds(b200, 'fp8-e4m3', big),
      );
    },
  );

  it(
    'Transformer Engine casts: forward reads bf16 X and W and writes both fp8 and their transposes (4 ' + 'bytes each)',
    () => {
      // 2 x 8192^2 elements x 4 bytes at the measured 3.01 TB/s, two cast kernels.
      const expected =
        (2 * 8192 * 8192 * 4) / chip.offChipMemory.sustainedBandwidthBytesPerS! + 2 * GPU_KERNEL_LAUNCH_S;
      expect(fp8CastSeconds(chip, big, 'forward') / expected).toBeCloseTo(1, 6);
      expect(
        fp8CastSeconds(chip, big, 'dgrad') /
          ((8192 * 8192 * 4) / chip.offChipMemory.sustainedBandwidthBytesPerS! + GPU_KERNEL_LAUNCH_S),
      ).toBeCloseTo(1, 6);
      expect(fp8CastSeconds(chip, big, 'wgrad')).toBe(0);
      const te = gemmSeconds(chip, 'fp8-e4m3', big, { fp8Recipe: 'transformer-engine', fp8Role: 'dgrad' });
      expect(te - gemmSeconds(chip, 'fp8-e4m3', big)).toBeCloseTo(fp8CastSeconds(chip, big, 'dgrad'), 9);
    },
  );

  it('a Llama-3-8B layer trained with Transformer Engine gains 1.5-1.8x over bf16 on its GEMMs, not 2x', () => {
    const tokens = 8192;
    const shapes = [
      [3 * 4096, 4096],
      [4096, 4096],
      [2 * 14336, 4096],
      [4096, 14336],
    ] as const;
    const time = (dtype: string, recipe?: 'transformer-engine'): number =>
      shapes.reduce((s, [n, k]) => {
        const o = recipe ? { fp8Recipe: recipe } : {};
        return (
          s +
          gemmSeconds(chip, dtype, gemm(tokens, n, k), { ...o, fp8Role: 'forward' }) +
          gemmSeconds(chip, dtype, gemm(tokens, k, n), { ...o, fp8Role: 'dgrad' }) +
          gemmSeconds(
            chip,
            dtype,
            { batch: 1, m: k, n, k: tokens, weightsAreParameters: false },
            { ...o, fp8Role: 'wgrad' },
          )
        );
      }, 0);
    const speedup = time('bf16') / time('fp8-e4m3', 'transformer-engine');
    console.log(`Llama-3-8B layer GEMMs on h100-sxm: fp8 (Transformer Engine) / bf16 speedup ${speedup.toFixed(2)}`);
    expect(speedup).toBeGreaterThan(1.5);
    expect(speedup).toBeLessThan(1.8);
  });
});

describe('launch and clock', () => {
  it('a GPU GEMM pays one launch; a TPU GEMM none', () => {
    const chip = getChipPreset('h100-sxm');
    const tiny = gemm(16, 16, 16);
    expect(gemmSeconds(chip, 'bf16', tiny)).toBeGreaterThanOrEqual(GPU_KERNEL_LAUNCH_S);
    expect(gemmSeconds(getChipPreset('tpu-v4'), 'bf16', tiny)).toBeLessThan(GPU_KERNEL_LAUNCH_S);
  });

  it('says which clock and bandwidth a GPU is timed at, and the estimate carries it', () => {
    const h100 = getChipPreset('h100-sxm');
    expect(gpuClockNote(h100)).toMatch(/sustained clock 1335 MHz \(measured\)/);
    expect(gpuClockNote(h100)).toMatch(/sustained 3\.01 TB\/s/);
    expect(chipContext(h100, 'bf16').warnings.some((w) => w.includes('1335 MHz'))).toBe(true);
    const noClock = { ...h100, name: 'no-clock', technology: { processNm: 4 } };
    expect(gpuClockNote(noClock)).toMatch(/no sustained clock is known/);
  });
});

describe('kernel constants', () => {
  it('cite a known source with a status', () => {
    const stacks = Object.values(CHIP_PRESETS)
      .filter((c) => c.gpuTiling !== undefined)
      .map((c) => gpuStackOf(c).citations);
    for (const citations of [...stacks, FP8_CITATIONS, FUSED_ATTENTION_CITATIONS]) {
      for (const [field, c] of Object.entries(citations)) {
        expect(Object.keys(KERNEL_SOURCES), field).toContain(c.source);
        expect(['published', 'derived', 'measured', 'estimate'], field).toContain(c.status);
      }
    }
  });
});
