import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHIP_PRESETS } from '../arch/presets/index.js';
import { createRng } from '../core/rng.js';
import { energyTable } from '../model/energy.js';
import { gemmSeconds } from '../model/gemm.js';
import { compileSweep } from './compile-sweep.js';
import { designFactory } from './design-factory.js';
import { designChip } from './design.js';
import { createWorkloadCache, evaluateChip } from './evaluate.js';
import { sweepGemmSeconds } from './fast-gemm.js';

const spec = (base: string, sampler = 'sobol', extra = '') => `
name: fast
base: ${base}
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 512] }
  cols: { path: "cores[0].matrixUnits[0].cols", pow2: [64, 512] }
  mxus: { path: "cores[0].matrixUnits[0].count", int: [1, 8] }
  clockHz: { path: clockHz, float: [0.9GHz, 2.1GHz], log: true }
  stacks: { int: [2, 8] }
${extra}
derived:
  offChipMemory.bandwidthBytesPerS: stacks * 819GB/s
  offChipMemory.capacityBytes: stacks * 24GiB
workloads:
  - { name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }
  - { name: skinny, kind: gemm, m: 8, n: 12288, k: 1000 }
objectives:
  - { name: t, metric: latencyS, workload: mm, direction: min }
  - { name: s, metric: throughputPerChip, workload: skinny, direction: max }
  - { name: peak, metric: peakOpsPerS, direction: max }
constraints:
  - { metric: latencyS, workload: skinny, max: 0.00002 }
sampler: { kind: ${sampler}, points: 4096, seed: 3 }
`;

describe('sweep designs patched per shape (design-factory)', () => {
  for (const base of ['tpu-v5p', 'tpu-v6e', 'tpu-v4', 'tpu-v1']) {
    it(`equal designChip on random points over ${base}`, () => {
      const sweep = compileSweep(spec(base));
      const design = designFactory(sweep.prepared);
      const rng = createRng(11);
      for (let n = 0; n < 300; n++) {
        const values = sweep.pointValues(Math.floor(rng.next() * sweep.count));
        expect(design(values)).toEqual(designChip(sweep.prepared, values));
      }
    });
  }

  it('shares the cores of one shape across rates, and builds a new shape when a shape knob moves', () => {
    const sweep = compileSweep(spec('tpu-v5p'));
    const design = designFactory(sweep.prepared);
    const a = design([128, 128, 4, 1e9, 4]);
    const b = design([128, 128, 4, 2e9, 8]);
    expect(b.cores).toBe(a.cores);
    expect(b.clockHz).toBe(2e9);
    expect(design([256, 128, 4, 1e9, 4]).cores).not.toBe(a.cores);
  });

  it('builds every design when a knob sets the sustained clock itself', () => {
    const sweep = compileSweep(
      spec('tpu-v5p', 'sobol', '  sustained: { path: technology.sustainedClockHz, float: [0.9GHz, 1.5GHz] }'),
    );
    const design = designFactory(sweep.prepared);
    for (let i = 0; i < 50; i++)
      expect(design(sweep.pointValues(i))).toEqual(designChip(sweep.prepared, sweep.pointValues(i)));
  });
});

describe('sweepGemmSeconds', () => {
  it('gives gemmSeconds bit for bit on random designs and GEMMs', () => {
    const sweep = compileSweep(spec('tpu-v5p'));
    const design = designFactory(sweep.prepared);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sweep.count - 1 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.boolean(),
        fc.constantFrom('bf16', 'int8', 'fp8-e4m3'),
        (i, m, n, k, params, dtype) => {
          const values = sweep.pointValues(i);
          const g = { batch: 1, m, n, k, weightsAreParameters: params };
          // The patched design first (its layout is cached), then a freshly built one.
          expect(sweepGemmSeconds(design(values), dtype, g)).toBe(
            gemmSeconds(designChip(sweep.prepared, values), dtype, g),
          );
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });

  it('falls back to gemmSeconds for tensor-core chips and raises its error for a format the chip lacks', () => {
    const h100 = CHIP_PRESETS['h100-sxm']!;
    const g = { batch: 2, m: 512, n: 1024, k: 768, weightsAreParameters: false };
    expect(sweepGemmSeconds(h100, 'bf16', g)).toBe(gemmSeconds(h100, 'bf16', g));
    expect(() => sweepGemmSeconds(CHIP_PRESETS['tpu-v2']!, 'int8', g)).toThrow(/multiply bf16, not int8/);
  });

  it('makes sweep rows equal to evaluating designChip chips one by one', () => {
    const sweep = compileSweep(spec('tpu-v6e'));
    const rows = sweep.evaluateChunk(100, 400);
    const cache = createWorkloadCache();
    for (const row of rows) {
      const values = sweep.pointValues(row.index);
      const e = evaluateChip(sweep.spec, designChip(sweep.prepared, values), 'design', values, cache);
      expect(row).toEqual({ index: row.index, knobs: row.knobs, ...e });
    }
    expect(rows.some((r) => !r.feasible) && rows.some((r) => r.feasible)).toBe(true);
  });
});

describe('energyTable', () => {
  it('is built once per process node', () => {
    expect(energyTable(5)).toBe(energyTable(5));
    expect(energyTable(5)).not.toBe(energyTable(3));
    expect(energyTable(5).nodeNm).toBe(5);
  });
});
