import { describe, expect, it } from 'vitest';
import { compareDesign } from './best-design.js';
import { compileSweep } from './compile-sweep.js';
import { ExploreError } from './errors.js';

const SPEC = `
name: cmp
base: tpu-v5p
knobs:
  clockHz: { path: clockHz, values: [1.75GHz] }
workloads:
  - { name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }
objectives:
  - { name: gemmsPerS, metric: throughputPerChip, workload: mm, direction: max }
  - { name: usdPerMGemm, metric: usdPerMUnits, workload: mm, direction: min }
sampler: { kind: grid }
`;

describe('compareDesign', () => {
  const sweep = compileSweep(SPEC);
  const [design] = sweep.evaluateChunk(0, 1);

  it('evaluates the same workloads on real chips and orients advantages so that > 1 is better', () => {
    const report = compareDesign(sweep, design!);
    expect(report.comparisons.map((c) => c.chip)).toEqual(['h100-sxm', 'b200', 'tpu-v5p']);
    const v5p = report.comparisons[2]!;
    // The design is TPU v5p's silicon at its clock: the same GEMM speed; a cost that differs (built, not bought).
    expect(v5p.ratio['gemmsPerS']).toBeCloseTo(1, 6);
    expect(v5p.advantage['usdPerMGemm']).toBeCloseTo(1 / v5p.ratio['usdPerMGemm']!, 9);
    const b200 = report.comparisons[1]!;
    expect(b200.advantage['gemmsPerS']).toBeLessThan(1);
    expect(report.summary.some((s) => /x b200 on gemmsPerS \(max\)$/.test(s))).toBe(true);
  });

  it('refuses an unknown chip by name', () => {
    expect(() => compareDesign(sweep, design!, ['tpu-v9'])).toThrow(ExploreError);
  });
});
