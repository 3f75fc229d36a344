/**
 * `tpusim explore --queue`: chunks on BullMQ over a throwaway redis-server, evaluated by
 * `tpusim explore worker` processes. Needs the redis-server binary (.ci/run installs it).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';
import {
  SWEEP_ENV,
  bundleCli,
  exited,
  hasRedisServer,
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
});
