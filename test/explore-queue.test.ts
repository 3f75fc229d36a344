/**
 * `tpusim explore --queue`: chunks on BullMQ over a throwaway redis-server, evaluated by
 * `tpusim explore worker` processes. Needs the redis-server binary (.ci/run installs it).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeChunk } from '../src/cli/explore/chunk-codec.js';
import { evaluateChunkColumns } from '../src/cli/explore/chunk-columns.js';
import { QUEUE_NAME, parseRedisUrl, queueExecutorHere } from '../src/cli/explore/queue.js';
import { compileSpec } from '../src/cli/explore/sweep-loader.js';
import { tpusim } from './cli-helper.js';
import {
  SWEEP_ENV,
  bundleCli,
  exited,
  hasRedisServer,
  SYNTHETIC_MODULE,
  readText,
  spawnCli,
  startRedis,
  stderrIncludes,
  syntheticSpec,
  tempDir,
} from './explore-helper.js';

const redisAvailable = hasRedisServer();
if (!redisAvailable)
  console.warn(
    'explore-queue tests skipped: no redis-server binary on PATH (apt-get install redis-server; .ci/run installs it)',
  );

describe.skipIf(!redisAvailable)('tpusim explore --queue (BullMQ on Redis)', () => {
  const dir = tempDir();
  let bundle = '';
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;

  beforeAll(async () => {
    Object.assign(process.env, SWEEP_ENV);
    [bundle, redis] = await Promise.all([bundleCli(), startRedis()]);
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(bundle, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('two workers, one killed mid-chunk, give exactly the rows of the local run', async () => {
    const spec = syntheticSpec(dir, { points: 12_000, seed: 21, delayUs: 100 }, 'queued.json');
    const local = join(dir, 'local.db');
    expect((await tpusim('explore', spec, '--db', local, '--chunk', '1000')).code).toBe(0);
    expect((await tpusim('explore', 'report', local, '--csv', join(dir, 'local.csv'))).code).toBe(0);

    const workerArgs = ['explore', 'worker', '--queue', redis!.url, '--lock-ms', '1500'];
    const doomed = spawnCli(bundle, workerArgs, dir);
    const survivor = spawnCli(bundle, workerArgs, dir);
    const survivorLog: string[] = [];
    const doomedLog: string[] = [];
    doomed.stderr!.on('data', (d: Buffer) => doomedLog.push(d.toString()));
    survivor.stderr!.on('data', (d: Buffer) => survivorLog.push(d.toString()));
    await Promise.all([stderrIncludes(doomed, 'waiting for chunks'), stderrIncludes(survivor, 'waiting for chunks')]);

    const killed = stderrIncludes(doomed, 'started').then(async () => {
      await new Promise((r) => setTimeout(r, 30));
      doomed.kill('SIGKILL');
      return exited(doomed);
    });
    const db = join(dir, 'queued.db');
    const run = await tpusim('explore', spec, '--db', db, '--chunk', '1000', '--queue', redis!.url, '--json');
    await killed;
    survivor.kill('SIGTERM');
    expect(await exited(survivor)).toBe(0);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ rows: 12_000, chunksRun: 12 });
    // The killed worker's chunk was run again by the survivor once its lock lapsed.
    expect(doomed.signalCode).toBe('SIGKILL');
    expect(doomedLog.join('')).toContain('started');
    expect(doomedLog.join('')).not.toContain('done');
    expect(survivorLog.join('')).toMatch(/chunk \d+ done/);

    const csv = join(dir, 'queued.csv');
    expect((await tpusim('explore', 'report', db, '--csv', csv)).code).toBe(0);
    expect(readText(csv)).toBe(readText(join(dir, 'local.csv')));
  });

  it('a chunk whose job fails its last try fails the run with the reason the worker gave', async () => {
    const spec = syntheticSpec(dir, { points: 3_000, seed: 4, failAt: 1_500 }, 'failing.json');
    const worker = spawnCli(bundle, ['explore', 'worker', '--queue', redis!.url], dir);
    await stderrIncludes(worker, 'waiting for chunks');
    try {
      const run = await tpusim(
        'explore',
        spec,
        '--db',
        join(dir, 'failing.db'),
        '--chunk',
        '1000',
        '--queue',
        redis!.url,
      );
      expect(run.code).toBe(1);
      expect(run.err).toContain('chunk 1 failed on the queue');
      expect(run.err).toContain('synthetic failure at point 1500');
    } finally {
      worker.kill('SIGTERM');
      await exited(worker);
    }
  });

  it('drops what is on the done list but not awaited: chunks not in flight, or not results', async () => {
    const specText = readText(syntheticSpec(dir, { points: 3_000, seed: 8 }, 'stale.json'));
    const sweep = await compileSpec(specText, 'stale.json', SYNTHETIC_MODULE);
    const redisClient = new Redis(redis!.url);
    // Bytes that are no chunk result, the points of chunk 0 asked for as chunk 7 (another --chunk), and the
    // next chunk, not asked for.
    await redisClient.rpush(
      `tpusim:explore:done:${sweep.hash}`,
      Buffer.from('not a chunk'),
      encodeChunk(evaluateChunkColumns(sweep, { chunk: 7, start: 0, end: 1_000 })),
      encodeChunk(evaluateChunkColumns(sweep, { chunk: 1, start: 1_000, end: 2_000 })),
    );
    redisClient.disconnect();
    const worker = spawnCli(bundle, ['explore', 'worker', '--queue', redis!.url], dir);
    await stderrIncludes(worker, 'waiting for chunks');
    const executor = await queueExecutorHere({
      target: parseRedisUrl(redis!.url),
      hash: sweep.hash,
      specText,
      fileName: 'stale.json',
    });
    try {
      const range = { chunk: 0, start: 0, end: 1_000 };
      expect(await executor.evaluate(range)).toEqual(evaluateChunkColumns(sweep, range));
    } finally {
      await executor.close();
      worker.kill('SIGTERM');
      await exited(worker);
    }
  });

  it('a chunk whose job fails with no word on the done list (workers gone) still fails, by the job check', async () => {
    const specText = readText(syntheticSpec(dir, { points: 2_000, seed: 9 }, 'silent.json'));
    const sweep = await compileSpec(specText, 'silent.json', SYNTHETIC_MODULE);
    // A worker that fails every try and, unlike tpusim's, never says so on the done list (as a job that
    // stalls out does: each worker running it killed).
    const silent = new Worker(
      QUEUE_NAME,
      async () => {
        throw new Error('gone without a word');
      },
      { connection: parseRedisUrl(redis!.url) },
    );
    const executor = await queueExecutorHere({
      target: parseRedisUrl(redis!.url),
      hash: sweep.hash,
      specText,
      fileName: 'silent.json',
    });
    try {
      await expect(executor.evaluate({ chunk: 0, start: 0, end: 1_000 })).rejects.toThrow(
        'chunk 0 failed on the queue: gone without a word',
      );
    } finally {
      await executor.close();
      await silent.close();
    }
  });
});
