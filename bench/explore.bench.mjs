// Design-space exploration (issue 15): design points evaluated per second on one core, through the
// whole path a worker runs (sampler -> knob values -> design chip -> workloads -> objectives ->
// constraints -> row). Goals (issue 15, per the 2 cores): >= 1e6 points/s for a one-GEMM
// workload, >= 1e4 designs/s for ResNet-50 inference, >= 1e3 designs/s for a 70B serving point; the
// one-GEMM case also runs on two worker threads (the 2 cores), each on its own half of the points,
// and again through the columnar path (CompiledSweep.evaluateColumns: typed arrays, no row per point),
// on one core and on two worker threads.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
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

const TWO_CORE_POINTS = 100_000;
const COLUMN_POINTS = 900_000;
const WARMUP = 20_000;

/** The sweep's chunk evaluator: rows (evaluateChunk) or columns (evaluateColumns). */
const evaluator = (sweep, columns) => (columns ? (a, b) => sweep.evaluateColumns(a, b) : (a, b) => sweep.evaluateChunk(a, b));

if (!isMainThread) {
  // One of the two threads: warm up, wait for the start signal, evaluate its half, report seconds.
  const sweep = compileSweep(workerData.text, 'bench.yaml');
  const evaluate = evaluator(sweep, workerData.columns);
  evaluate(0, workerData.columns ? WARMUP : 2000);
  parentPort.once('message', () => {
    const start = process.hrtime.bigint();
    evaluate(workerData.start, workerData.start + workerData.points);
    parentPort.postMessage(Number(process.hrtime.bigint() - start) / 1e9);
  });
  parentPort.postMessage('ready');
} else {
  await main();
}

/** Points/s of the one-GEMM case on two threads: all points over the slower thread's time. */
async function twoThreads(text, points, columns) {
  const half = points / 2;
  const workers = [0, 1].map((i) => new Worker(new URL(import.meta.url), { workerData: { text, start: WARMUP + i * half, points: half, columns } }));
  const next = (w) => new Promise((done, fail) => { w.once('message', done); w.once('error', fail); });
  await Promise.all(workers.map(next));
  const times = workers.map(next);
  for (const w of workers) w.postMessage('go');
  const seconds = Math.max(...(await Promise.all(times)));
  await Promise.all(workers.map((w) => w.terminate()));
  return points / seconds;
}

async function main() {
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
const rate2 = await twoThreads(CASES[0][1], TWO_CORE_POINTS, false);
line(`one GEMM (4096^3), latency objective, 2 worker threads (${fmt(TWO_CORE_POINTS)} points)`, `${fmt(rate2)} points/s`, { text: '>= 1,000,000/s on 2 cores', met: rate2 >= 1e6 });
// The columnar path on the same sweep: one core, then two worker threads.
const sweep = compileSweep(CASES[0][1], 'bench.yaml');
sweep.evaluateColumns(0, WARMUP);
const start = process.hrtime.bigint();
const columns = sweep.evaluateColumns(WARMUP, WARMUP + COLUMN_POINTS);
const rate1c = COLUMN_POINTS / (Number(process.hrtime.bigint() - start) / 1e9);
const feasible = columns.feasible.reduce((n, f) => n + f, 0);
line(`one GEMM, columnar (evaluateColumns), one core (${feasible}/${COLUMN_POINTS} feasible)`, `${fmt(rate1c)} points/s`, { text: '>= 500,000/s per core', met: rate1c >= 5e5 });
const rate2c = await twoThreads(CASES[0][1], COLUMN_POINTS, true);
line(`one GEMM, columnar (evaluateColumns), 2 worker threads (${fmt(COLUMN_POINTS)} points)`, `${fmt(rate2c)} points/s`, { text: '>= 1,000,000/s on 2 cores', met: rate2c >= 1e6 });
}
