/**
 * tpusim's GPU model against GEMMs and fused attention measured on a real H100 SXM and H200
 * (scripts/gpu-measure.py, data/gpu-measured/, docs/gpu-measured.md). The presets' sustained clocks
 * (15 s of 8192^3 GEMMs) and sustained memory bandwidths (a 2 GiB copy) come from the same runs;
 * nothing else was fitted to these rows.
 *
 * Rows the model does not try to explain are left out, each kind for a stated reason:
 * - host-bound: under 25 us of GPU time per call, eager PyTorch launches slower than the GPU finishes;
 * - misaligned: a dimension not a multiple of 8 makes cuBLAS leave its fast kernels; model/gpu-align.ts
 *   prices that, and model.test.ts holds it to these rows with its own tolerance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { attentionSeconds, gemmSeconds } from './kernels.js';

interface GemmRow {
  dtype: string;
  m: number;
  n: number;
  k: number;
  seconds: number;
  tflops: number;
}
interface AttentionRow {
  batch: number;
  heads: number;
  seq: number;
  headDim: number;
  causal: boolean;
  forwardSeconds: number;
  forwardBackwardSeconds: number;
}
interface Measured {
  device: string;
  gemm: GemmRow[];
  attention: AttentionRow[];
  copy: { readPlusWriteBytesPerS: number };
  clock: { smClockMHzMedian: number; tflops: number };
}

const DIR = join(import.meta.dirname, '..', '..', 'data', 'gpu-measured');
const read = (file: string): Measured => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Measured;
const FORMAT: Record<string, string> = { bf16: 'bf16', fp8: 'fp8-e4m3' };

function kept(g: GemmRow): boolean {
  return g.seconds >= 25e-6 && g.m % 8 === 0 && g.n % 8 === 0 && g.k % 8 === 0;
}

/** Measured over modelled seconds. */
function gemmRatios(preset: string, data: Measured): { row: GemmRow; ratio: number; memoryBound: boolean }[] {
  const chip = getChipPreset(preset);
  return data.gemm.filter(kept).map((row) => {
    const g = { batch: 1, m: row.m, n: row.n, k: row.k, weightsAreParameters: true };
    const s = gemmSeconds(chip, FORMAT[row.dtype]!, g);
    const bytes = (row.m * row.k + row.k * row.n + row.m * row.n) * (row.dtype === 'fp8' ? 1 : 2);
    return { row, ratio: row.seconds / s, memoryBound: bytes / chip.offChipMemory.bandwidthBytesPerS > 0.5 * s };
  });
}

/**
 * Measured over modelled seconds of FlashAttention-2 (what PyTorch SDPA's flash backend runs), forward and forward +
 * backward.
 */
function attentionRatios(preset: string, a: AttentionRow): { forward: number; forwardBackward: number } {
  const chip = getChipPreset(preset);
  const t = attentionSeconds(chip, 'bf16', {
    batch: a.batch,
    heads: a.heads,
    seqQ: a.seq,
    seqK: a.seq,
    qkDim: a.headDim,
    valueDim: a.headDim,
    causal: a.causal,
    implementation: 'flash2',
  });
  return {
    forward: a.forwardSeconds / t.forwardS,
    forwardBackward: a.forwardBackwardSeconds / (t.forwardS + t.backwardS),
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const [preset, file, tolerance] of [
  ['h100-sxm', 'h100-sxm.json', 0.3],
  ['h200', 'h200.json', 0.5],
] as const) {
  describe(`${preset} against ${file}`, () => {
    const data = read(file);
    const rows = gemmRatios(preset, data);

    it('keeps the measured rows it explains and says why it drops the others', () => {
      expect(data.gemm.length).toBeGreaterThan(20);
      expect(rows.length).toBeGreaterThan(data.gemm.length - 5);
    });

    it(`times every compute-bound GEMM within ${tolerance * 100}% (measured / model printed)`, () => {
      const compute = rows.filter((r) => !r.memoryBound);
      for (const { row, ratio } of compute) {
        console.log(
          `${preset} ${row.dtype} ${row.m}x${row.n}x${row.k}: measured ${row.tflops.toFixed(0)} TFLOP/s, ` +
            `measured/model ${ratio.toFixed(3)}`,
        );
        expect(
          Math.abs(Math.log(ratio)),
          `${row.dtype} ${row.m}x${row.n}x${row.k}: ratio ${ratio.toFixed(3)}`,
        ).toBeLessThan(Math.log(1 + tolerance));
      }
      console.log(
        `${preset} compute-bound GEMMs: median measured/model ${median(compute.map((r) => r.ratio)).toFixed(3)} ` +
          `over ${compute.length}`,
      );
    });

    it('times memory-bound GEMMs (decode: few tokens, large weights) within 35%, never faster than measured', () => {
      const memory = rows.filter((r) => r.memoryBound);
      expect(memory.length).toBeGreaterThan(2);
      for (const { row, ratio } of memory) {
        console.log(
          `${preset} ${row.dtype} ${row.m}x${row.n}x${row.k}: measured/model ${ratio.toFixed(3)} (memory-bound)`,
        );
        expect(ratio).toBeGreaterThan(1);
        expect(ratio).toBeLessThan(1.35);
      }
      // The copy moves less than the published bandwidth; the preset times memory at what the copy reached.
      const hbm = getChipPreset(preset).offChipMemory;
      expect(data.copy.readPlusWriteBytesPerS).toBeLessThan(hbm.bandwidthBytesPerS);
      expect(Math.abs(hbm.sustainedBandwidthBytesPerS! / data.copy.readPlusWriteBytesPerS - 1)).toBeLessThan(0.01);
    });

    it(
      'times FlashAttention-2 (PyTorch SDPA) forward within 35% and forward + backward within 50%, never ' +
        'faster than measured by more than 10%',
      () => {
        for (const a of data.attention) {
          const r = attentionRatios(preset, a);
          console.log(
            `${preset} attention b${a.batch} h${a.heads} s${a.seq}${a.causal ? ' causal' : ''}: measured/model ` +
              `forward ${r.forward.toFixed(3)}, forward+backward ${r.forwardBackward.toFixed(3)}`,
          );
          expect(r.forward).toBeGreaterThan(0.9);
          expect(r.forward).toBeLessThan(1.35);
          expect(r.forwardBackward).toBeGreaterThan(0.9);
          expect(r.forwardBackward).toBeLessThan(1.5);
        }
      },
    );

    it("holds the preset's sustained clock to the measured one", () => {
      expect(getChipPreset(preset).technology!.sustainedClockHz).toBe(data.clock.smClockMHzMedian * 1e6);
    });
  });
}
