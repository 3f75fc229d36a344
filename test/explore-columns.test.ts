/**
 * `tpusim explore SPEC --db` on a GEMM-only sweep goes through the columnar evaluator
 * (evaluateColumns): the database it writes exports byte for byte what the row path's does, in
 * process and on worker threads; `explore report --parquet` holds the CSV export's columns and values.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';
import { csvField } from '../src/index.js';
import {
  REPO,
  SYNTHETIC_MODULE,
  bundleCli,
  exited,
  hasRedisServer,
  readText,
  startRedis,
  stderrIncludes,
  syntheticSpec,
  tempDir,
} from './explore-helper.js';

const SWEEP_MODULE = 'TPUSIM_EXPLORE_SWEEP_MODULE';
const ROWS_ONLY = join(REPO, 'test/fixtures/explore/rows-only-sweep.mjs');

const GEMM_SPEC = `
name: gemm
base: tpu-v5p
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 512] }
  units: { path: "cores[0].matrixUnits[0].count", int: [1, 8] }
  clockHz: { path: clockHz, float: [1GHz, 2GHz] }
  stacks: { int: [4, 8] }
  hbm: { path: offChipMemory.kind, values: [HBM3e] }
derived:
  offChipMemory.bandwidthBytesPerS: stacks * 819GB/s
workloads:
  - { name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }
objectives:
  - { name: t, metric: latencyS, workload: mm, direction: min }
  - { name: peak, metric: peakOpsPerS, direction: max }
constraints:
  - { metric: latencyS, workload: mm, max: 0.0008 }
sampler: { kind: sobol, points: 4000, seed: 5 }
`;

const dir = tempDir();
let bundle = '';
const spec = join(dir, 'gemm.yaml');

beforeAll(async () => {
  writeFileSync(spec, GEMM_SPEC);
  bundle = await bundleCli();
});
afterAll(() => {
  rmSync(bundle, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the spec in process (the built-in compiler, or `module` in its place) and returns the CSV export. */
async function csvOf(name: string, module: string | undefined): Promise<string> {
  const saved = process.env[SWEEP_MODULE];
  if (module === undefined) delete process.env[SWEEP_MODULE];
  else process.env[SWEEP_MODULE] = module;
  try {
    const db = join(dir, `${name}.db`);
    const run = await tpusim('explore', spec, '--db', db, '--chunk', '700');
    expect(run.code, run.err).toBe(0);
    const report = await tpusim('explore', 'report', db, '--csv', join(dir, `${name}.csv`));
    expect(report.code, report.err).toBe(0);
    return readText(join(dir, `${name}.csv`));
  } finally {
    if (saved === undefined) delete process.env[SWEEP_MODULE];
    else process.env[SWEEP_MODULE] = saved;
  }
}

describe('tpusim explore on a GEMM-only sweep (columnar path)', () => {
  let rowsCsv = '';

  it('stores exactly the rows of the row path: identical CSV export', async () => {
    rowsCsv = await csvOf('rows', ROWS_ONLY);
    const columnsCsv = await csvOf('columns', undefined);
    expect(rowsCsv.split('\n')).toHaveLength(4002);
    expect(rowsCsv).toMatch(/,0,mm\.latencyS [^,]* exceeds the limit/);
    expect(columnsCsv).toBe(rowsCsv);
  });

  it('on two worker threads too', () => {
    const env = { ...process.env };
    delete env[SWEEP_MODULE];
    const db = join(dir, 'threads.db');
    const csv = join(dir, 'threads.csv');
    const run = spawnSync(
      process.execPath,
      [join(bundle, 'cli.mjs'), 'explore', spec, '--db', db, '--chunk', '700', '--workers', '2'],
      { env, encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = spawnSync(process.execPath, [join(bundle, 'cli.mjs'), 'explore', 'report', db, '--csv', csv], {
      env,
      encoding: 'utf8',
    });
    expect(report.status, report.stderr).toBe(0);
    expect(readText(csv)).toBe(rowsCsv);
  });

  it.skipIf(!hasRedisServer())('through the Redis queue too (columns as bytes under a result key)', async () => {
    const redis = await startRedis();
    const env = { ...process.env };
    delete env[SWEEP_MODULE];
    const worker = spawn(process.execPath, [join(bundle, 'cli.mjs'), 'explore', 'worker', '--queue', redis.url], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await stderrIncludes(worker, 'waiting for chunks');
      const db = join(dir, 'queued.db');
      const csv = join(dir, 'queued.csv');
      const run = spawnSync(
        process.execPath,
        [join(bundle, 'cli.mjs'), 'explore', spec, '--db', db, '--chunk', '700', '--queue', redis.url],
        { env, encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(0);
      const report = spawnSync(process.execPath, [join(bundle, 'cli.mjs'), 'explore', 'report', db, '--csv', csv], {
        env,
        encoding: 'utf8',
      });
      expect(report.status, report.stderr).toBe(0);
      expect(readText(csv)).toBe(rowsCsv);
    } finally {
      worker.kill('SIGTERM');
      await exited(worker);
      await redis.stop();
    }
  });
});

describe('tpusim explore report --parquet', () => {
  /** The Parquet file's columns read back by hyparquet (an independent reader), as the CSV writes them. */
  async function parquetAsCsv(
    path: string,
  ): Promise<{ header: string[]; lines: string[]; metadata: string | undefined }> {
    const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
    const bytes = readFileSync(path);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const header = parquetMetadata(file)
      .schema.slice(1)
      .map((e) => e.name);
    const rows = await parquetReadObjects({ file });
    const cell = (v: unknown): string =>
      v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? '1' : '0') : csvField(String(v));
    return {
      header,
      lines: rows.map((r) => header.map((h) => cell(r[h])).join(',')),
      metadata: parquetMetadata(file).key_value_metadata?.find((kv) => kv.key === 'tpusim.sweep')?.value,
    };
  }

  it(
    'holds the columns and values of the CSV export (GEMM sweep and the synthetic sweep with text ' + 'knobs)',
    async () => {
      for (const [db, module] of [
        ['columns', undefined],
        ['synthetic', SYNTHETIC_MODULE],
      ] as const) {
        const path = join(dir, `${db}.db`);
        if (module !== undefined) {
          process.env[SWEEP_MODULE] = module;
          const run = await tpusim(
            'explore',
            syntheticSpec(dir, { points: 2500, seed: 4 }, 'synthetic.json'),
            '--db',
            path,
            '--chunk',
            '1000',
          );
          delete process.env[SWEEP_MODULE];
          expect(run.code, run.err).toBe(0);
        }
        const report = await tpusim(
          'explore',
          'report',
          path,
          '--csv',
          join(dir, `${db}-p.csv`),
          '--parquet',
          join(dir, `${db}.parquet`),
        );
        expect(report.code, report.err).toBe(0);
        const [csvHeader, ...csvLines] = readText(join(dir, `${db}-p.csv`))
          .trimEnd()
          .split('\n');
        const parquet = await parquetAsCsv(join(dir, `${db}.parquet`));
        expect(parquet.header.join(',')).toBe(csvHeader);
        expect(parquet.lines).toHaveLength(csvLines.length);
        expect(parquet.lines).toEqual(csvLines);
        expect(JSON.parse(parquet.metadata!)).toMatchObject({ count: csvLines.length });
      }
    },
  );

  it('refuses a folder that does not exist, leaving nothing behind', async () => {
    const report = await tpusim(
      'explore',
      'report',
      join(dir, 'columns.db'),
      '--parquet',
      join(dir, 'no-such-folder', 'x.parquet'),
    );
    expect(report.code).not.toBe(0);
    expect(report.err).toMatch(/no-such-folder/);
  });
});
