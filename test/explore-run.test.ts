/** `tpusim explore`: local runs into SQLite, kill -9 and --resume, shards and merge, the report. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';
import {
  REPO,
  SWEEP_ENV,
  bundleCli,
  exited,
  readText,
  runCli,
  spawnCli,
  syntheticSpec,
  tempDir,
} from './explore-helper.js';
import { compileSweep } from './fixtures/explore/synthetic-sweep.mjs';

const dir = tempDir();
let bundle = '';

beforeAll(async () => {
  Object.assign(process.env, SWEEP_ENV);
  bundle = await bundleCli();
});
afterAll(() => {
  rmSync(bundle, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a sweep in-process and returns its CSV export. */
async function localCsv(spec: string, name: string, extra: string[] = []): Promise<string> {
  const db = join(dir, `${name}.db`);
  const run = await tpusim('explore', spec, '--db', db, '--chunk', '700', ...extra);
  expect(run.code, run.err).toBe(0);
  const csv = join(dir, `${name}.csv`);
  const report = await tpusim('explore', 'report', db, '--csv', csv);
  expect(report.code, report.err).toBe(0);
  return readText(csv);
}

function chunksDone(db: string): number {
  try {
    const handle = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return handle.prepare('SELECT count(*) FROM chunks').pluck().get() as number;
    } finally {
      handle.close();
    }
  } catch {
    return 0;
  }
}

describe('tpusim explore (local)', () => {
  it('stores every point once, with a progress line on stderr, and reports the brute-force Pareto front', async () => {
    const spec = syntheticSpec(dir, { points: 5000, seed: 7 }, 'small.json');
    const db = join(dir, 'small.db');
    const run = await tpusim('explore', spec, '--db', db, '--chunk', '300', '--json');
    expect(run.code, run.err).toBe(0);
    expect(run.err).toMatch(/explore: 5,000\/5,000 points \(100\.0%\) .* points\/s .* feasible +best tokensPerS/);
    const summary = JSON.parse(run.out);
    expect(summary).toMatchObject({
      schemaVersion: 1,
      kind: 'explore-run',
      rows: 5000,
      count: 5000,
      chunks: 17,
      chunksRun: 17,
    });

    const report = await tpusim('explore', 'report', db, '--json');
    expect(report.code, report.err).toBe(0);
    const body = JSON.parse(report.out);
    const rows = compileSweep(`{"synthetic":"v1","points":5000,"seed":7}`, 'small.json').evaluateChunk(0, 5000);
    const feasible = rows.filter((r) => r.feasible);
    const dominated = (a: (typeof rows)[number], b: (typeof rows)[number]): boolean =>
      b.objectives['tokensPerS']! >= a.objectives['tokensPerS']! &&
      b.objectives['costUsd']! <= a.objectives['costUsd']! &&
      (b.objectives['tokensPerS']! > a.objectives['tokensPerS']! ||
        b.objectives['costUsd']! < a.objectives['costUsd']!);
    // Every non-dominated feasible point, duplicates included, in index order.
    const unique = feasible.filter((a) => !feasible.some((b) => dominated(a, b)));
    expect(unique.length).toBeGreaterThan(5);
    expect(body.front.map((r: { index: number }) => r.index)).toEqual(unique.map((r) => r.index));
    expect(body).toMatchObject({ rows: 5000, feasible: feasible.length, complete: true });
    expect(body.objectives).toEqual([
      { name: 'tokensPerS', direction: 'max' },
      { name: 'costUsd', direction: 'min' },
    ]);

    const svg = join(dir, 'front.svg');
    const text = await tpusim('explore', 'report', db, '--svg', svg);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain(`Pareto front: ${unique.length} designs (tokensPerS max, costUsd min)`);
    expect(readText(svg)).toContain(`Pareto front of sweep ${summary.hash}: ${unique.length} designs`);
  });

  it('a run killed with kill -9 and resumed ends with exactly the rows of an uninterrupted run', async () => {
    const spec = syntheticSpec(dir, { points: 20_000, seed: 11, delayUs: 50 }, 'slow.json');
    const expected = await localCsv(spec, 'slow-reference');
    const db = join(dir, 'killed.db');
    const child = spawnCli(bundle, ['explore', spec, '--db', db, '--chunk', '700', '--workers', '2'], dir);
    while (chunksDone(db) < 4 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited(child);
    const before = chunksDone(db);
    expect(before).toBeGreaterThanOrEqual(4);
    expect(before).toBeLessThan(29);

    const resumed = runCli(bundle, ['explore', spec, '--db', db, '--resume', '--workers', '2'], dir);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain(`${29 - before} chunks of 700 points run`);
    const csv = join(dir, 'killed.csv');
    expect((await tpusim('explore', 'report', db, '--csv', csv)).code).toBe(0);
    expect(readText(csv)).toBe(expected);
  });

  it('shards run apart and merged equal the local run', async () => {
    const spec = syntheticSpec(dir, { points: 9000, seed: 5 }, 'sharded.json');
    const expected = await localCsv(spec, 'sharded-reference');
    const shards = [0, 1, 2].map((i) => join(dir, `shard-${i}.db`));
    for (const [i, db] of shards.entries()) {
      const run = await tpusim('explore', spec, '--db', db, '--chunk', '700', '--shard', `${i}/3`);
      expect(run.code, run.err).toBe(0);
    }
    const partial = await tpusim('explore', 'report', shards[1]!);
    expect(partial.out).toMatch(/of 9,000 points \(\d[\d,]* not run yet\)/);
    const merged = join(dir, 'merged.db');
    const merge = await tpusim('explore', 'merge', ...shards, shards[0]!, '-o', merged, '--json');
    expect(merge.code, merge.err).toBe(0);
    expect(JSON.parse(merge.out)).toMatchObject({ rows: 9000, count: 9000, chunksDone: 13, chunks: 13 });
    const csv = join(dir, 'merged.csv');
    expect((await tpusim('explore', 'report', merged, '--csv', csv)).code).toBe(0);
    expect(readText(csv)).toBe(expected);
  });

  it('the thread pool (2 workers) gives the same rows as the calling thread', async () => {
    const spec = syntheticSpec(dir, { points: 12_345, seed: 9 }, 'threads.json');
    const expected = await localCsv(spec, 'threads-reference');
    const db = join(dir, 'threads.db');
    const run = runCli(bundle, ['explore', spec, '--db', db, '--chunk', '700', '--workers', '2'], dir);
    expect(run.code, run.err).toBe(0);
    const csv = join(dir, 'threads.csv');
    expect((await tpusim('explore', 'report', db, '--csv', csv)).code).toBe(0);
    expect(readText(csv)).toBe(expected);
  });
});

describe('tpusim explore with explore/ compileSweep (the default)', () => {
  it('runs the shipped example spec and reports its front; --help prints the usage', async () => {
    const saved = process.env['TPUSIM_EXPLORE_SWEEP_MODULE'];
    delete process.env['TPUSIM_EXPLORE_SWEEP_MODULE'];
    try {
      const db = join(dir, 'serve-70b.db');
      const run = await tpusim('explore', join(REPO, 'examples/explore/serve-70b.yaml'), '--db', db, '--json');
      expect(run.code, run.err).toBe(0);
      const summary = JSON.parse(run.out);
      expect(summary.rows).toBe(summary.count);
      const report = await tpusim('explore', 'report', db, '--json');
      const body = JSON.parse(report.out);
      expect(body).toMatchObject({ spec: 'serve-70b.yaml', complete: true });
      expect(body.front.length).toBeGreaterThan(0);
      expect(body.objectives.map((o: { direction: string }) => o.direction)).toContain('max');
    } finally {
      process.env['TPUSIM_EXPLORE_SWEEP_MODULE'] = saved;
    }
    const help = await tpusim('explore', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('tpusim explore report DB [--svg FILE] [--csv FILE] [--parquet FILE] [--json]');
  });
});

describe('tpusim explore: bad input', () => {
  it('refuses to overwrite a database without --resume, and to resume another sweep', async () => {
    const a = syntheticSpec(dir, { points: 100 }, 'a.json');
    const b = syntheticSpec(dir, { points: 101 }, 'b.json');
    const db = join(dir, 'guard.db');
    expect((await tpusim('explore', a, '--db', db)).code).toBe(0);
    const again = await tpusim('explore', a, '--db', db);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`sweep database '${db}' already exists; pass --resume`);
    const other = await tpusim('explore', b, '--db', db, '--resume');
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/cannot resume .*: it holds sweep [0-9a-f]+, but the spec is sweep [0-9a-f]+/);
    const chunk = await tpusim('explore', a, '--db', db, '--resume', '--chunk', '50');
    expect(chunk.code).toBe(1);
    expect(chunk.err).toContain('was run with --chunk 10000, not 50');
  });

  it('names the option, the value and the limit for bad arguments (exit 2)', async () => {
    const spec = syntheticSpec(dir, { points: 10 }, 'args.json');
    const cases: Array<[string[], string]> = [
      [['--workers', '0'], "--workers must be a positive integer, got '0'"],
      [['--workers', '1000'], '--workers = 1000 exceeds the limit 256'],
      [['--chunk', 'x'], "--chunk must be a positive integer, got 'x'"],
      [['--shard', '3/3'], "--shard i must be below N (0..2), got '3/3'"],
      [['--shard', 'one'], "--shard must be i/N (e.g. 0/4), got 'one'"],
      [['--queue', 'http://x:1'], "--queue must be a redis:// URL, got 'http://x:1'"],
      [['--queue', 'redis://127.0.0.1:1', '--shard', '0/2'], '--queue and --shard do not go together'],
    ];
    for (const [args, message] of cases) {
      const r = await tpusim('explore', spec, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain(message);
    }
    expect((await tpusim('explore', 'report', join(dir, 'missing.db'))).err).toContain(
      `sweep database '${join(dir, 'missing.db')}' does not exist`,
    );
    expect((await tpusim('explore', 'merge', join(dir, 'x.db'))).code).toBe(2);
    expect((await tpusim('explore', 'worker')).err).toContain('explore worker needs --queue redis://HOST:PORT');
  });

  it('a sweep that throws while evaluating is an error naming the point, exit 1', async () => {
    const spec = syntheticSpec(dir, { points: 100, failAt: 42 }, 'fails.json');
    const r = await tpusim('explore', spec, '--db', join(dir, 'fails.db'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('synthetic failure at point 42');
  });
});
