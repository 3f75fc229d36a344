import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSweep } from './compile-sweep.js';
import { designChip } from './design.js';
import { createWorkloadCache, evaluateChip } from './evaluate.js';

// Designs of one shape share their `cores` array, and the analytical model keeps what it needs of the
// cores per array (model/estimate.ts chipContext). A design evaluated through the sweep (shared cores,
// warm caches) must give the same bytes as a deep copy of it evaluated alone (nothing shared).
const SPEC = `
name: cache
base: tpu-v5p
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 256] }
  cols: { path: "cores[0].matrixUnits[0].cols", pow2: [64, 256] }
  mxus: { path: "cores[0].matrixUnits[0].count", int: [1, 4] }
  node: { path: technology.processNm, values: [7, 5, 3] }
  hbm: { path: offChipMemory.kind, values: [HBM2e, HBM3e] }
  clockHz: { path: clockHz, float: [1GHz, 2GHz] }
  stacks: { int: [4, 8] }
derived:
  offChipMemory.bandwidthBytesPerS: stacks * 819GB/s
  offChipMemory.capacityBytes: stacks * 24GiB
workloads:
  - { name: r, kind: inference, model: resnet50, batch: 2 }
  - { name: s, kind: serving, model: llama3-8b, tp: 1, batch: 4, prompt: 256, output: 16 }
  - { name: mm, kind: gemm, m: 512, n: 768, k: 1000 }
objectives:
  - { name: ips, metric: throughputPerChip, workload: r, direction: max }
  - { name: e, metric: energyPerUnitJ, workload: r, direction: min }
  - { name: tps, metric: throughputPerChip, workload: s, direction: max }
  - { name: t, metric: latencyS, workload: mm, direction: min }
  - { name: usd, metric: usdPerMUnits, direction: min }
constraints:
  - { metric: powerW, max: 1000 }
sampler: { kind: sobol, points: 100000, seed: 3 }
`;

describe('per-cores caches of the analytical model', () => {
  it('a sweep chunk equals each of its designs evaluated alone, on a deep copy of the chip', () => {
    const sweep = compileSweep(SPEC);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sweep.count - 40 }), (start) => {
        const rows = sweep.evaluateChunk(start, start + 40);
        rows.forEach((row) => {
          const values = sweep.pointValues(row.index);
          const alone = evaluateChip(
            sweep.spec,
            structuredClone(designChip(sweep.prepared, values)),
            'design',
            values,
            createWorkloadCache(),
          );
          expect(JSON.stringify({ feasible: row.feasible, reasons: row.reasons, objectives: row.objectives })).toBe(
            JSON.stringify(alone),
          );
        });
      }),
      { numRuns: 6, seed: 37 },
    );
  });
});
