import { describe, expect, it } from 'vitest';
import { chipArray } from '../sim/systolic/chip-array.js';
import { SYSTOLIC_ENGINES } from '../sim/systolic/engines.js';
import { compileSweep } from './compile-sweep.js';
import { designChip } from './design.js';
import { sweepGemmSeconds } from './fast-gemm.js';
import { simulatorCheck } from './sim-check.js';

const SPEC = `
name: sim
base: tpu-v5p
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 256] }
  mxus: { path: "cores[0].matrixUnits[0].count", int: [2, 4], step: 2 }
  layers: { model: layers, values: [40, 80] }
workloads:
  - { name: mm, kind: gemm, m: 2048, n: 1536, k: 1000 }
  - { name: serve, kind: serving, model: llama3-70b, tp: 8, batch: 4, prompt: 512, output: 16 }
  - { name: r50, kind: inference, model: resnet50, batch: 1 }
objectives:
  - { name: t, metric: latencyS, workload: mm, direction: min }
sampler: { kind: grid }
`;

describe('simulatorCheck', () => {
  const sweep = compileSweep(SPEC);
  const knobs = { rows: 128, mxus: 4, layers: 40 };
  const check = simulatorCheck(sweep, knobs);

  it('runs each GEMM workload on the fold engine and compares it with the sweep\'s analytical time', () => {
    const chip = designChip(sweep.prepared, [128, 4, 40]);
    const mm = check.gaps.find((g) => g.workload === 'mm')!;
    const info = chipArray(chip, { format: 'bf16' });
    const cycles = SYSTOLIC_ENGINES.fold.run({ shape: { m: 2048, n: 1536, k: 1000 }, array: info.array }).stats.totalCycles;
    expect(mm.simulatedUnitCycles).toBe(cycles);
    expect(mm.matrixUnits).toBe(info.unitsOnChip);
    expect(mm.simulatedS).toBe(cycles / info.unitsOnChip / chip.technology!.sustainedClockHz!);
    expect(mm.analyticalS).toBe(sweepGemmSeconds(chip, 'bf16', { batch: 1, m: 2048, n: 1536, k: 1000, weightsAreParameters: true }));
    expect(mm.gap).toBeCloseTo(mm.analyticalS / mm.simulatedS - 1, 12);
    // The model adds memory and latency to the array's compute: never below the simulated compute.
    expect(mm.gap).toBeGreaterThanOrEqual(-1e-9);
  });

  it('checks a serving workload\'s FFN up-projection shard over the prefill rows, and says why inference is not checked', () => {
    const serve = check.gaps.find((g) => g.workload === 'serve')!;
    expect({ m: serve.m, n: serve.n, k: serve.k }).toEqual({ m: 4 * 512, n: 28672 / 8, k: 8192 });
    expect(check.notes).toEqual([expect.stringMatching(/^r50: inference workloads are not re-checked/)]);
    expect(check.gaps.every((g) => Number.isFinite(g.gap) && g.simulatedS > 0)).toBe(true);
  });
});
