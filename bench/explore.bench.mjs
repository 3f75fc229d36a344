// Design-space exploration (issue 15): design points evaluated per second on one core, through the
// whole path a worker runs (sampler -> knob values -> design chip -> workloads -> objectives ->
// constraints -> row). Goals (issue 15, per the 2 cores): >= 1e6 points/s for a one-GEMM
// workload, >= 1e4 designs/s for ResNet-50 inference, >= 1e3 designs/s for a 70B serving point.
import { compileSweep } from '../dist/index.js';
import { fmt, line } from './harness.mjs';

const spec = (workload, objectives, constraints = '') => `
name: bench
base: tpu-v5p
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 512] }
  cols: { path: "cores[0].matrixUnits[0].cols", pow2: [64, 512] }
  mxus: { path: "cores[0].matrixUnits[0].count", int: [1, 8] }
  clockHz: { path: clockHz, float: [1GHz, 2GHz] }
  stacks: { int: [4, 8] }
derived:
  offChipMemory.bandwidthBytesPerS: stacks * 819GB/s
  offChipMemory.capacityBytes: stacks * 24GiB
workloads:
  - ${workload}
objectives:
${objectives}
${constraints}
sampler: { kind: sobol, points: 1000000, seed: 1 }
`;

const CASES = [
  ['one GEMM (4096^3), latency objective', spec('{ name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }', '  - { name: t, metric: latencyS, workload: mm, direction: min }'), 2e4, 1e6 / 2],
  ['one GEMM, latency + die area + $/M GEMMs, reticle and 1 kW constraints', spec('{ name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }', '  - { name: t, metric: latencyS, workload: mm, direction: min }\n  - { name: a, metric: dieAreaMm2, direction: min }\n  - { name: c, metric: usdPerMUnits, workload: mm, direction: min }', 'constraints:\n  - { metric: dieAreaMm2, max: 858 }\n  - { metric: powerW, max: 1000 }'), 5000],
  ['ResNet-50 inference (batch 8), inferences/s per chip', spec('{ name: r, kind: inference, model: resnet50, batch: 8 }', '  - { name: ips, metric: throughputPerChip, workload: r, direction: max }'), 2000, 1e4 / 2],
  ['Llama 3 70B serving point (tp 8, batch 64, 2048 in, 256 out), tokens/s per chip', spec('{ name: s, kind: serving, model: llama3-70b, tp: 8, batch: 64, prompt: 2048, output: 256 }', '  - { name: tps, metric: throughputPerChip, workload: s, direction: max }'), 500, 1e3 / 2],
];

console.log('design-space exploration (one core; a MAC is 2 ops)');
for (const [label, text, points, goalPerCore] of CASES) {
  const sweep = compileSweep(text, 'bench.yaml');
  sweep.evaluateChunk(0, Math.min(200, points));
  const start = process.hrtime.bigint();
  const rows = sweep.evaluateChunk(1000, 1000 + points);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = points / seconds;
  const feasible = rows.filter((r) => r.feasible).length;
  const goal = goalPerCore === undefined ? undefined : { text: `>= ${fmt(goalPerCore)}/s per core`, met: rate >= goalPerCore };
  line(`${label} (${feasible}/${points} feasible)`, `${fmt(rate)} points/s`, goal);
}
