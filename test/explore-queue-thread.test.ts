/**
 * The coordinator's BullMQ client on its own thread (queue-thread.ts): the Redis work of the chunks goes on
 * while the main thread is busy (it inserts rows there), and a run through it stores the rows of a local run.
 * Needs the redis-server and redis-cli binaries (.ci/run installs them).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateChunkColumns } from '../src/cli/explore/chunk-columns.js';
import { parseRedisUrl } from '../src/cli/explore/queue.js';
import { startQueueThread } from '../src/cli/explore/queue-thread-client.js';
import { compileSpec } from '../src/cli/explore/sweep-loader.js';
import { tpusim } from './cli-helper.js';
import {
  SWEEP_ENV,
  SYNTHETIC_MODULE,
  bundleCli,
  exited,
  hasRedisServer,
  readText,
  runCli,
  spawnCli,
  startRedis,
  stderrIncludes,
  syntheticSpec,
  tempDir,
} from './explore-helper.js';

const redisAvailable = hasRedisServer();

describe.skipIf(!redisAvailable)('the queue thread of an explore --queue coordinator', () => {
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

  const startWorker = async () => {
    const worker = spawnCli(bundle, ['explore', 'worker', '--queue', redis!.url], dir);
    await stderrIncludes(worker, 'waiting for chunks');
    return worker;
  };

  it('adds and collects chunks while the main thread is blocked', { timeout: 60_000 }, async () => {
    const specPath = syntheticSpec(dir, { points: 3_000, seed: 5 }, 'blocked.json');
    const specText = readText(specPath);
    const sweep = await compileSpec(specText, 'blocked.json', SYNTHETIC_MODULE);
    const worker = await startWorker();
    const executor = await startQueueThread(pathToFileURL(join(bundle, 'queue-thread.js')), {
      target: parseRedisUrl(redis!.url),
      hash: sweep.hash,
      specText,
      fileName: 'blocked.json',
    });
    try {
      const range = { chunk: 1, start: 1_000, end: 2_000 };
      const columns = executor.evaluate(range);
      // Blocks this thread (as a long insert does) until the chunk's job has completed (BullMQ removes a
      // completed job, so its completed event says so); a coordinator whose BullMQ client shares this thread
      // never adds the job meanwhile.
      const completed = (): boolean =>
        spawnSync(
          'redis-cli',
          ['-u', redis!.url, 'XREVRANGE', 'bull:tpusim-explore:events', '+', '-', 'COUNT', '100'],
          {
            encoding: 'utf8',
          },
        )
          .stdout.split('\n')
          .some((line, i, lines) => line === 'completed' && lines[i + 2] === `${sweep.hash}-1000-2000`);
      let polls = 0;
      while (!completed() && polls < 3_000) polls++;
      expect(polls).toBeLessThan(3_000);
      expect(await columns).toEqual(evaluateChunkColumns(sweep, range));
      executor.stored?.(range);
    } finally {
      await executor.close();
      worker.kill('SIGTERM');
      await exited(worker);
    }
  });

  it('stores the rows of a local run', { timeout: 60_000 }, async () => {
    const spec = syntheticSpec(dir, { points: 7_500, seed: 13 }, 'threaded.json');
    const local = join(dir, 'threaded-local.db');
    expect((await tpusim('explore', spec, '--db', local, '--chunk', '1000')).code).toBe(0);
    expect((await tpusim('explore', 'report', local, '--csv', join(dir, 'threaded-local.csv'))).code).toBe(0);
    const workers = await Promise.all([startWorker(), startWorker()]);
    const db = join(dir, 'threaded.db');
    // The bundle holds queue-thread.js beside the CLI, so this coordinator runs its BullMQ client on the thread.
    const run = runCli(bundle, ['explore', spec, '--db', db, '--chunk', '1000', '--queue', redis!.url, '--json'], dir);
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map(exited));
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ rows: 7_500, chunksRun: 8 });
    const csv = join(dir, 'threaded.csv');
    expect((await tpusim('explore', 'report', db, '--csv', csv)).code).toBe(0);
    expect(readText(csv)).toBe(readText(join(dir, 'threaded-local.csv')));
  });
});
