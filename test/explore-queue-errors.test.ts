/**
 * `tpusim explore --queue` when Redis is not there: a malformed URL is a usage error naming --queue; a Redis that
 * cannot be reached, or goes away mid-run, ends the coordinator and the workers with a message naming --queue after
 * a bounded wait (no endless retries, no stacks), and leaves no --db behind or one that --resume finishes.
 * The mid-run test needs the redis-server binary (.ci/run installs it); the others need no Redis.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';
import {
  SWEEP_ENV,
  bundleCli,
  exited,
  freePort,
  hasRedisServer,
  readText,
  spawnCli,
  startRedis,
  stderrIncludes,
  syntheticSpec,
  tempDir,
} from './explore-helper.js';

/** Far above the bounded wait (4 tries over about 7 s, plus Node's start): only a hang gets here. */
const NO_HANG_MS = 60_000;

interface Outcome {
  readonly code: number | null;
  readonly err: string;
  readonly hung: boolean;
}

/** Runs the bundled CLI (the coordinator's BullMQ client then runs on its own thread) and kills it after NO_HANG_MS. */
function runBundled(bundle: string, args: readonly string[], cwd: string): Promise<Outcome> {
  const child = spawn(process.execPath, [join(bundle, 'cli.mjs'), ...args], {
    cwd,
    env: { ...process.env, ...SWEEP_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return outcomeOf(child);
}

function outcomeOf(child: ReturnType<typeof spawn>): Promise<Outcome> {
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, NO_HANG_MS);
  return exited(child).then((code) => {
    clearTimeout(timer);
    return { code, err, hung };
  });
}

const STACK_LINE = /^\s+at /m;

describe('tpusim explore --queue with a malformed URL', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      'http://x',
      "--queue must be a redis:// URL, got 'http://x' (http: is not redis:; redis://[USER:PASSWORD@]HOST:PORT[/DB])",
    ],
    ['redis://host:99999', "--queue port must be an integer from 1 to 65535, got '99999' in 'redis://host:99999'"],
    ['redis://host:0', "--queue port must be an integer from 1 to 65535, got '0' in 'redis://host:0'"],
    ['redis://host:6379/x', "--queue database number must be a whole number from 0 up, got 'x'"],
  ])('%s: exit 2 naming --queue, no --db written', async (url, message) => {
    Object.assign(process.env, SWEEP_ENV);
    const spec = syntheticSpec(dir, { points: 10 }, 'malformed.json');
    const db = join(dir, 'malformed.db');
    const run = await tpusim('explore', spec, '--db', db, '--queue', url);
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(existsSync(db)).toBe(false);
    const worker = await tpusim('explore', 'worker', '--queue', url);
    expect(worker.code).toBe(2);
    expect(worker.err).toContain(message);
  });
});

// Concurrent: each waits out the bounded retries.
describe.concurrent('tpusim explore --queue with nothing listening', () => {
  const dir = tempDir();
  let bundle = '';
  let url = '';

  beforeAll(async () => {
    Object.assign(process.env, SWEEP_ENV);
    [bundle, url] = await Promise.all([bundleCli(), freePort().then((port) => `redis://127.0.0.1:${port}`)]);
  });
  afterAll(() => {
    rmSync(bundle, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const expectUnreachable = (outcome: Outcome): void => {
    expect(outcome.hung, outcome.err).toBe(false);
    expect(outcome.code, outcome.err).toBe(1);
    expect(outcome.err).toContain(`tpusim: --queue ${url}: cannot connect to Redis (connect ECONNREFUSED`);
    expect(outcome.err).toContain('gave up after 4 tries');
    expect(outcome.err).not.toMatch(STACK_LINE);
  };

  it('the coordinator (its queue thread) gives up with exit 1 and creates no --db', { timeout: 90_000 }, async () => {
    const spec = syntheticSpec(dir, { points: 100 }, 'unreachable.json');
    const db = join(dir, 'unreachable.db');
    expectUnreachable(await runBundled(bundle, ['explore', spec, '--db', db, '--queue', url], dir));
    expect(existsSync(db)).toBe(false);
  });

  it('a --resume run leaves its database untouched', { timeout: 90_000 }, async () => {
    const spec = syntheticSpec(dir, { points: 3_000, seed: 4 }, 'kept.json');
    const db = join(dir, 'kept.db');
    expect((await tpusim('explore', spec, '--db', db, '--chunk', '1000', '--shard', '0/2')).code).toBe(0);
    const before = readFileSync(db);
    expectUnreachable(await runBundled(bundle, ['explore', spec, '--db', db, '--resume', '--queue', url], dir));
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(existsSync(`${db}-wal`) ? readFileSync(`${db}-wal`).length : 0).toBe(0);
  });

  it('the coordinator from the sources (BullMQ on the calling thread) gives up the same way', {
    timeout: 90_000,
  }, async () => {
    const spec = syntheticSpec(dir, { points: 100 }, 'inline.json');
    const db = join(dir, 'inline.db');
    const run = await tpusim('explore', spec, '--db', db, '--queue', url);
    expectUnreachable({ code: run.code, err: run.err, hung: false });
    expect(existsSync(db)).toBe(false);
  });

  it('a worker gives up with exit 1', { timeout: 90_000 }, async () => {
    expectUnreachable(await runBundled(bundle, ['explore', 'worker', '--queue', url], dir));
  });

  it('a server that accepts the connection but never answers: coordinator and worker give up', {
    timeout: 90_000,
  }, async () => {
    const silent = createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    const address = silent.address();
    const silentUrl = `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const spec = syntheticSpec(dir, { points: 100 }, 'silent.json');
      const db = join(dir, 'silent.db');
      const outcomes = await Promise.all([
        runBundled(bundle, ['explore', spec, '--db', db, '--queue', silentUrl], dir),
        runBundled(bundle, ['explore', 'worker', '--queue', silentUrl], dir),
      ]);
      for (const outcome of outcomes) {
        expect(outcome.hung, outcome.err).toBe(false);
        expect(outcome.code, outcome.err).toBe(1);
        expect(outcome.err).toContain(`tpusim: --queue ${silentUrl}: no answer from Redis within 27 s`);
      }
      expect(existsSync(db)).toBe(false);
    } finally {
      silent.close();
    }
  });
});

const redisAvailable = hasRedisServer();

describe.skipIf(!redisAvailable)('tpusim explore --queue when Redis goes away mid-run', () => {
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

  it('coordinator and worker exit 1 with a message; --resume on a new Redis gives the rows of a whole run', {
    timeout: 180_000,
  }, async () => {
    const spec = syntheticSpec(dir, { points: 20_000, seed: 8, delayUs: 200 }, 'lost.json');
    const local = join(dir, 'lost-local.db');
    expect((await tpusim('explore', spec, '--db', local, '--chunk', '1000')).code).toBe(0);
    expect((await tpusim('explore', 'report', local, '--csv', join(dir, 'local.csv'))).code).toBe(0);

    const first = await startRedis();
    const worker = spawnCli(bundle, ['explore', 'worker', '--queue', first.url], dir);
    const workerDone = outcomeOf(worker);
    await stderrIncludes(worker, 'waiting for chunks');
    const db = join(dir, 'lost.db');
    const coordinator = spawnCli(bundle, ['explore', spec, '--db', db, '--chunk', '1000', '--queue', first.url], dir);
    const coordinatorDone = outcomeOf(coordinator);
    // Once the first chunk is stored (its progress line), Redis goes away.
    await stderrIncludes(coordinator, 'explore: ');
    await first.stop();

    const [lost, workerLost] = await Promise.all([coordinatorDone, workerDone]);
    expect(lost.hung, lost.err).toBe(false);
    expect(lost.code, lost.err).toBe(1);
    expect(lost.err).toContain(`tpusim: --queue ${first.url}: lost the connection to Redis`);
    expect(lost.err).toContain(`the chunks stored so far are in '${db}'`);
    expect(lost.err).toContain('--resume');
    expect(lost.err).not.toMatch(STACK_LINE);
    expect(workerLost.hung, workerLost.err).toBe(false);
    expect(workerLost.code, workerLost.err).toBe(1);
    expect(workerLost.err).toContain(`tpusim: --queue ${first.url}: lost the connection to Redis`);
    expect(workerLost.err).not.toMatch(STACK_LINE);
    const partial = await tpusim('explore', 'report', db, '--json');
    expect(partial.code, partial.err).toBe(0);
    expect(JSON.parse(partial.out)).toMatchObject({ complete: false });

    const second = await startRedis();
    try {
      const workers = ['a', 'b'].map(() => spawnCli(bundle, ['explore', 'worker', '--queue', second.url], dir));
      await Promise.all(workers.map((w) => stderrIncludes(w, 'waiting for chunks')));
      const resumed = await runBundled(bundle, ['explore', spec, '--db', db, '--resume', '--queue', second.url], dir);
      for (const w of workers) w.kill('SIGTERM');
      expect(await Promise.all(workers.map(exited))).toEqual([0, 0]);
      expect(resumed.code, resumed.err).toBe(0);
    } finally {
      await second.stop();
    }
    const csv = join(dir, 'lost.csv');
    expect((await tpusim('explore', 'report', db, '--csv', csv)).code).toBe(0);
    expect(readText(csv)).toBe(readText(join(dir, 'local.csv')));
  });
  it('a Redis that restarts (empty) within the retries: the run goes on and stores the rows of a whole run', {
    timeout: 180_000,
  }, async () => {
    const spec = syntheticSpec(dir, { points: 12_000, seed: 9, delayUs: 200 }, 'restart.json');
    const local = join(dir, 'restart-local.db');
    expect((await tpusim('explore', spec, '--db', local, '--chunk', '1000')).code).toBe(0);
    expect((await tpusim('explore', 'report', local, '--csv', join(dir, 'restart-local.csv'))).code).toBe(0);

    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let redis = await startRedis(port);
    const worker = spawnCli(bundle, ['explore', 'worker', '--queue', url], dir);
    try {
      await stderrIncludes(worker, 'waiting for chunks');
      const db = join(dir, 'restart.db');
      const coordinator = spawnCli(bundle, ['explore', spec, '--db', db, '--chunk', '1000', '--queue', url], dir);
      const done = outcomeOf(coordinator);
      await stderrIncludes(coordinator, 'explore: ');
      // Stopped and started again at once, without persistence: the spec and the jobs in flight are gone.
      await redis.stop();
      redis = await startRedis(port);
      const run = await done;
      expect(run.hung, run.err).toBe(false);
      expect(run.code, run.err).toBe(0);
      const csv = join(dir, 'restart.csv');
      expect((await tpusim('explore', 'report', db, '--csv', csv)).code).toBe(0);
      expect(readText(csv)).toBe(readText(join(dir, 'restart-local.csv')));
    } finally {
      worker.kill('SIGTERM');
      await exited(worker);
      await redis.stop();
    }
  });
});
