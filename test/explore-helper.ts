/**
 * Helpers for the sweep-runner tests: the synthetic sweep fixture, a CLI bundle for child processes
 * (worker threads and kill -9 need a real process running JavaScript; the bundle is built from the
 * sources with rolldown, so it never depends on a stale dist/), and a throwaway redis-server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SYNTHETIC_MODULE = join(REPO, 'test/fixtures/explore/synthetic-sweep.mjs');
export const SWEEP_ENV = { TPUSIM_EXPLORE_SWEEP_MODULE: SYNTHETIC_MODULE };

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tpusim-explore-'));
}

/** Writes a synthetic sweep spec and returns its path. */
export function syntheticSpec(
  dir: string,
  spec: { points: number; seed?: number; delayUs?: number; failAt?: number },
  name = 'sweep.json',
): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ synthetic: 'v1', ...spec }));
  return path;
}

/**
 * Bundles the CLI and its thread scripts next to each other; the folder sits under node_modules so packages
 * resolve.
 */
export async function bundleCli(): Promise<string> {
  const { build } = await import('rolldown');
  const dir = mkdtempSync(join(REPO, 'node_modules', '.tpusim-explore-test-'));
  await build({
    input: {
      main: join(REPO, 'src/cli/main.ts'),
      'worker-thread': join(REPO, 'src/cli/explore/worker-thread.ts'),
      'queue-thread': join(REPO, 'src/cli/explore/queue-thread.ts'),
    },
    platform: 'node',
    external: [/^[^./]/],
    logLevel: 'silent',
    output: { dir, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  });
  writeFileSync(
    join(dir, 'cli.mjs'),
    `import { main } from './main.js';\nprocess.exitCode = await main(process.argv.slice(2));\n`,
  );
  return dir;
}

export function spawnCli(bundle: string, args: readonly string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [join(bundle, 'cli.mjs'), ...args], {
    cwd,
    env: { ...process.env, ...SWEEP_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runCli(
  bundle: string,
  args: readonly string[],
  cwd: string,
): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(bundle, 'cli.mjs'), ...args], {
    cwd,
    env: { ...process.env, ...SWEEP_ENV },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) =>
    child.exitCode !== null || child.signalCode !== null
      ? done(child.exitCode)
      : child.once('exit', (code) => done(code)),
  );
}

export const readText = (path: string): string => readFileSync(path, 'utf8');

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Starts redis-server on loopback in a temp folder, without persistence, on `port` (a restart needs the same one)
 * or a free one; `stop` also removes the folder.
 */
export async function startRedis(port?: number): Promise<{ url: string; stop(): Promise<void> }> {
  port ??= await freePort();
  const dir = tempDir();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((ready, fail) => {
    let seen = '';
    child.stdout!.on('data', (data: Buffer) => {
      seen += data.toString();
      if (seen.includes('Ready to accept connections')) ready();
    });
    child.once('exit', (code) => fail(new Error(`redis-server exited (${code}): ${seen}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `text` appears on the child's stderr. */
export function stderrIncludes(child: ChildProcess, text: string): Promise<void> {
  return new Promise((found) => {
    let seen = '';
    child.stderr!.on('data', (data: Buffer) => {
      seen += data.toString();
      if (seen.includes(text)) found();
    });
  });
}
