import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accumulatorChunkRows } from '../arch/mapping.js';
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

  it("runs each GEMM workload on the fold engine and compares it with the sweep's analytical time", () => {
    const chip = designChip(sweep.prepared, [128, 4, 40]);
    const mm = check.gaps.find((g) => g.workload === 'mm')!;
    const info = chipArray(chip, { format: 'bf16' });
    const cycles = SYSTOLIC_ENGINES.fold.run({ shape: { m: 2048, n: 1536, k: 1000 }, array: info.array }).stats
      .totalCycles;
    expect(mm.simulatedUnitCycles).toBe(cycles);
    expect(mm.matrixUnits).toBe(info.unitsOnChip);
    expect(mm.simulatedS).toBe(cycles / info.unitsOnChip / chip.technology!.sustainedClockHz!);
    expect(mm.analyticalS).toBe(
      sweepGemmSeconds(chip, 'bf16', { batch: 1, m: 2048, n: 1536, k: 1000, weightsAreParameters: true }),
    );
    expect(mm.gap).toBeCloseTo(mm.analyticalS / mm.simulatedS - 1, 12);
    // The model adds memory and latency to the array's compute: never below the simulated compute.
    expect(mm.gap).toBeGreaterThanOrEqual(-1e-9);
  });

  it(
    "checks a serving workload's FFN up-projection shard over the prefill rows, and says why inference is " +
      'not checked',
    () => {
      const serve = check.gaps.find((g) => g.workload === 'serve')!;
      expect({ m: serve.m, n: serve.n, k: serve.k }).toEqual({ m: 4 * 512, n: 28672 / 8, k: 8192 });
      expect(check.notes).toEqual([expect.stringMatching(/^r50: inference workloads are not re-checked/)]);
      expect(check.gaps.every((g) => Number.isFinite(g.gap) && g.simulatedS > 0)).toBe(true);
    },
  );
});

describe('simulatorCheck on the mission example (docs/explore.md)', () => {
  it("design 158's +20.9% is its weights re-fetched for every accumulator chunk of rows, over the HBM port", () => {
    const sweep = compileSweep(readFileSync(new URL('../../examples/explore/mission.yaml', import.meta.url), 'utf8'));
    const values = sweep.pointValues(158);
    const knobs = Object.fromEntries(sweep.knobNames.map((n, i) => [n, values[i]!]));
    const chip = designChip(sweep.prepared, values);
    const chunk = accumulatorChunkRows(chip);
    expect(chunk).toBe(170);
    for (const g of simulatorCheck(sweep, knobs).gaps) {
      expect(g.gap).toBeGreaterThan(0.2);
      expect(g.gap).toBeLessThan(0.22);
      // Every chunk of rows streams all k x n weights again (bf16): the analytical time is that traffic.
      const weightBytes = Math.ceil(g.m / chunk) * g.k * g.n * 2;
      expect(g.analyticalS / (weightBytes / chip.offChipMemory.bandwidthBytesPerS)).toBeCloseTo(1, 2);
    }
  });
});
