// The sweep runner's own cost (tpusim explore): points/s on 2 worker threads into SQLite, and what the
// Redis queue adds per point at 10k-point chunks (2 queue workers vs 2 threads), on the synthetic
// sweep of test/fixtures/explore (evaluation is nearly free there, so the figures are the runner's).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = process.env.EXPLORE_BENCH_CLI ?? join(repo, 'bin/tpusim.js');
const env = { ...process.env, TPUSIM_EXPLORE_SWEEP_MODULE: join(repo, 'test/fixtures/explore/synthetic-sweep.mjs') };
const dir = mkdtempSync(join(tmpdir(), 'tpusim-explore-bench-'));
const POINTS = Number(process.env.EXPLORE_BENCH_POINTS ?? 1_000_000);
/** Busy-wait per point, standing in for a real design's evaluation (0: the runner alone). */
const DELAY_US = Number(process.env.EXPLORE_BENCH_DELAY_US ?? 0);
const spec = join(dir, 'sweep.json');
writeFileSync(spec, JSON.stringify({ synthetic: 'v1', points: POINTS, seed: 1, delayUs: DELAY_US }));

function explore(args) {
  const r = spawnSync(process.execPath, [cli, 'explore', ...args, '--json'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tpusim explore ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const freePort = () => new Promise((done) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => done(port));
  });
});

console.log(`explore runner: ${POINTS.toLocaleString('en-US')} synthetic points (${DELAY_US} us of work each), chunks of 10,000`);
const local = explore([spec, '--workers', '2', '--db', join(dir, 'local.db'), '--chunk', '10000']);
console.log(`  local, 2 worker threads: ${Math.round(local.pointsPerS).toLocaleString('en-US')} points/s (${local.seconds.toFixed(2)} s)`);

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log('  queue: skipped (no redis-server on PATH)');
} else {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${port}`;
  const workers = [0, 1].map(() => spawn(process.execPath, [cli, 'explore', 'worker', '--queue', url], { env, stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 1500));
  const queued = explore([spec, '--db', join(dir, 'queued.db'), '--chunk', '10000', '--queue', url]);
  const overhead = local.pointsPerS / queued.pointsPerS - 1;
  console.log(`  Redis queue, 2 workers:  ${Math.round(queued.pointsPerS).toLocaleString('en-US')} points/s (${queued.seconds.toFixed(2)} s): ${(100 * overhead).toFixed(1)}% more time per point than local`);
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
  redis.kill('SIGTERM');
  await new Promise((r) => redis.once('exit', r));
}
rmSync(dir, { recursive: true, force: true });
