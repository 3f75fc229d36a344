/** A worker thread that ends without an error (process.exit in a sweep module) fails the run instead of hanging it. */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, bundleCli, tempDir } from './explore-helper.js';

const MODULE = join(REPO, 'test/fixtures/explore/exiting-thread-sweep.mjs');
const dir = tempDir();
let bundle = '';

beforeAll(async () => {
  bundle = await bundleCli();
});
afterAll(() => {
  rmSync(bundle, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

function explore(exitIn: string): { code: number | null; signal: string | null; err: string } {
  const spec = join(dir, `${exitIn}.json`);
  writeFileSync(spec, JSON.stringify({ synthetic: 'v1', points: 5000, seed: 1, exitIn }));
  const args = [join(bundle, 'cli.mjs'), 'explore', spec, '--db', join(dir, `${exitIn}.db`), '--workers', '2'];
  // Before the fix the run waited forever on the thread: the timeout turns that into a failed test.
  const r = spawnSync(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, TPUSIM_EXPLORE_SWEEP_MODULE: MODULE },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, signal: r.signal, err: r.stderr };
}

describe('explore --workers: a thread that exits', () => {
  it('while rebuilding the sweep fails the run with exit 1', () => {
    const r = explore('compile');
    expect(r.signal, 'the run hung').toBeNull();
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain('a worker thread stopped (exit code 3) before it rebuilt the sweep');
  });

  it('while evaluating a chunk fails the run with exit 1', () => {
    const r = explore('evaluate');
    expect(r.signal, 'the run hung').toBeNull();
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain('a worker thread stopped (exit code 4)');
  });
});
