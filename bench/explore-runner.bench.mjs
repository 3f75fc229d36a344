// The sweep runner's own cost (tpusim explore), end to end through the CLI:
// 1. a one-GEMM sweep (the columnar evaluator, evaluateColumns) into SQLite on 2 worker threads, at two
//    sizes, with the process's peak RSS (flat: rows stream to SQLite), and the same sweep by rows;
// 2. the synthetic sweep of test/fixtures/explore (evaluation is nearly free there, so the figures are
//    the runner's): 2 worker threads vs the Redis queue with 2 workers, at 10k-point chunks, in alternating
//    rounds judged by their medians.
// Sizes: EXPLORE_BENCH_GEMM_POINTS (default 1,000,000; 0 skips part 1), EXPLORE_BENCH_POINTS (synthetic, default
// 1,000,000), EXPLORE_BENCH_ROUNDS (default 3).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './method.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = process.env.EXPLORE_BENCH_CLI ?? join(repo, 'bin/tpusim.js');
const dir = mkdtempSync(join(tmpdir(), 'tpusim-explore-bench-'));
const POINTS = Number(process.env.EXPLORE_BENCH_POINTS ?? 1_000_000);
const GEMM_POINTS = Number(process.env.EXPLORE_BENCH_GEMM_POINTS ?? 1_000_000);
/** Busy-wait per point, standing in for a real design's evaluation (0: the runner alone). */
const DELAY_US = Number(process.env.EXPLORE_BENCH_DELAY_US ?? 0);
/** Local and queue runs, alternating. */
const ROUNDS = Math.max(1, Number(process.env.EXPLORE_BENCH_ROUNDS ?? 3));
/**
 * Prints the process's peak RSS (worker threads included) on exit and, where /proc is, its main thread's CPU
 * time (the thread that inserts the rows: the one that bounds the runner; 100 ticks a second).
 */
const EXIT_HOOK = `
import { readFileSync } from 'node:fs';
process.on('exit', () => {
  process.stderr.write('peak-rss-kib ' + process.resourceUsage().maxRSS + '\\n');
  try {
    const stat = readFileSync('/proc/self/task/' + process.pid + '/stat', 'utf8').split(') ')[1].split(' ');
    process.stderr.write('main-cpu-ticks ' + (Number(stat[11]) + Number(stat[12])) + '\\n');
  } catch {}
});`;
const RSS_HOOK = `data:text/javascript,${encodeURIComponent(EXIT_HOOK)}`;

function explore(args, sweepModule) {
  const env = { ...process.env, TPUSIM_EXPLORE_SWEEP_MODULE: sweepModule ?? '' };
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, cli, 'explore', ...args, '--json'], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tpusim explore ${args.join(' ')}: ${r.stderr}`);
  const rss = /peak-rss-kib (\d+)/.exec(r.stderr);
  const cpu = /main-cpu-ticks (\d+)/.exec(r.stderr);
  return {
    ...JSON.parse(r.stdout),
    peakRssMiB: rss ? Number(rss[1]) / 1024 : Number.NaN,
    mainCpuS: cpu ? Number(cpu[1]) / 100 : Number.NaN,
  };
}

const rate = (run) => `${Math.round(run.pointsPerS).toLocaleString('en-US')} points/s (${run.seconds.toFixed(2)} s)`;
const cpu = (run) => (Number.isNaN(run.mainCpuS) ? '' : `, main thread ${run.mainCpuS.toFixed(2)} s CPU`);
const rss = (run) => `peak RSS ${Math.round(run.peakRssMiB)} MiB${cpu(run)}`;

// 1. One GEMM through explore --db: the columnar path, at a tenth and at the full size, then by rows.
const gemmSpec = (points) => `
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
  - { name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }
objectives:
  - { name: t, metric: latencyS, workload: mm, direction: min }
constraints:
  - { metric: latencyS, workload: mm, max: 0.0008 }
sampler: { kind: sobol, points: ${points}, seed: 1 }
`;
// The built-in compiler without evaluateColumns: the same sweep evaluated by rows.
const rowsOnly = join(dir, 'rows-only.mjs');
writeFileSync(
  rowsOnly,
  `import { compileSweep as c } from ${JSON.stringify(pathToFileURL(join(repo, 'dist/index.js')).href)};
export ` +
    `function compileSweep(t, f) { const s = c(t, f); return { hash: s.hash, count: s.count, knobNames: s.knobNames, ` +
    `objectiveNames: s.objectiveNames, spec: s.spec, evaluateChunk: (a, b) => s.evaluateChunk(a, b) }; }\n`,
);
console.log(`explore --db, one GEMM (4096^3) sweep, 2 worker threads, chunks of 10,000 (a MAC is 2 ops)`);
const small = Math.max(10_000, Math.round(GEMM_POINTS / 10));
for (const [label, points, module] of GEMM_POINTS > 0
  ? [
      ['columnar', small, undefined],
      ['columnar', GEMM_POINTS, undefined],
      ['by rows', GEMM_POINTS, rowsOnly],
    ]
  : []) {
  const spec = join(dir, `gemm-${points}.yaml`);
  writeFileSync(spec, gemmSpec(points));
  const run = explore(
    [spec, '--workers', '2', '--db', join(dir, `gemm-${label.replace(' ', '-')}-${points}.db`), '--chunk', '10000'],
    module,
  );
  console.log(
    `  ${`${label}, ${points.toLocaleString('en-US')} points:`.padEnd(34)} ${rate(run)}, ${rss(run)}, ` +
      `${run.feasible.toLocaleString('en-US')} feasible`,
  );
}

// 2. The synthetic sweep: threads vs the Redis queue.
const synthetic = join(repo, 'test/fixtures/explore/synthetic-sweep.mjs');
const spec = join(dir, 'sweep.json');
writeFileSync(spec, JSON.stringify({ synthetic: 'v1', points: POINTS, seed: 1, delayUs: DELAY_US }));

const freePort = () =>
  new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });

console.log(
  `explore runner: ${POINTS.toLocaleString('en-US')} synthetic points (${DELAY_US} us of work each), chunks of ` +
    `10,000, ${ROUNDS} rounds of local then queue (medians judge: other load on the machine lands on single rounds)`,
);
const localRun = (round) =>
  explore([spec, '--workers', '2', '--db', join(dir, `local-${round}.db`), '--chunk', '10000'], synthetic);

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log(`  local, 2 worker threads: ${rate(localRun(0))}`);
  console.log('  queue: skipped (no redis-server on PATH)');
} else {
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${port}`;
  const env = { ...process.env, TPUSIM_EXPLORE_SWEEP_MODULE: synthetic };
  const workers = [0, 1].map(() =>
    spawn(process.execPath, [cli, 'explore', 'worker', '--queue', url], { env, stdio: 'ignore' }),
  );
  await new Promise((r) => setTimeout(r, 1500));
  const locals = [];
  const queued = [];
  for (let round = 0; round < ROUNDS; round++) {
    locals.push(localRun(round));
    console.log(`  round ${round + 1}: local, 2 worker threads: ${rate(locals[round])}, ${rss(locals[round])}`);
    queued.push(
      explore([spec, '--db', join(dir, `queued-${round}.db`), '--chunk', '10000', '--queue', url], synthetic),
    );
    console.log(`           Redis queue, 2 workers:  ${rate(queued[round])}, ${rss(queued[round])}`);
  }
  const [localS, queuedS] = [locals, queued].map((runs) => median(runs.map((run) => run.seconds)));
  const overhead = queuedS / localS - 1;
  console.log(
    `  median: local ${localS.toFixed(2)} s, Redis queue ${queuedS.toFixed(2)} s: ${(100 * overhead).toFixed(1)}% ` +
      `more time per point than local  [goal < 20%: ${overhead < 0.2 ? 'met' : 'NOT met'}]`,
  );
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
  redis.kill('SIGTERM');
  await new Promise((r) => redis.once('exit', r));
}
rmSync(dir, { recursive: true, force: true });
