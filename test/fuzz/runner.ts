/**
 * Runs fuzz cases in child processes (child.ts) so that a case that hangs or exhausts memory is found
 * and named instead of stopping the suite: each child gets a share of the cases; when no result arrives
 * within the per-case timeout the child is killed, the case it was on is a hang, and a new child takes
 * the rest. Working folders live under one temporary root that is removed at the end.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from './child.js';
import type { FuzzCase } from './corpus.js';

export interface RunOptions {
  readonly workers: number;
  readonly caseTimeoutMs: number;
  /** extra time for a child to start (it loads and transpiles the sources) */
  readonly startupMs: number;
}

const here = import.meta.dirname;

function runShare(
  cases: readonly FuzzCase[],
  base: string,
  options: RunOptions,
  logs: string[],
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  return new Promise((resolveAll, reject) => {
    let child: ChildProcess | undefined;
    let timer: NodeJS.Timeout | undefined;
    let stderr = '';
    let ready = false;
    let failedStarts = 0;
    const pending = (): FuzzCase[] => cases.slice(results.length);
    const arm = (ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finishCase('hang', `no result within ${options.caseTimeoutMs} ms`), ms);
    };
    const start = (): void => {
      const rest = pending();
      if (rest.length === 0) {
        resolveAll(results);
        return;
      }
      stderr = '';
      const proc = fork(join(here, 'child.ts'), [], {
        execArgv: ['--import', join(here, 'register.mjs'), '--max-old-space-size=3072'],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      child = proc;
      proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      // A killed child's last messages and its exit arrive after the next child started: ignore them.
      proc.on('message', (msg: { ready?: boolean; result?: CaseResult; log?: string; done?: boolean }) => {
        if (proc !== child) return;
        if (msg.ready) {
          ready = true;
          failedStarts = 0;
          proc.send({ cases: rest, base });
          arm(options.caseTimeoutMs);
        }
        if (msg.log !== undefined) logs.push(`case ${cases[results.length]?.id}: ${msg.log}`);
        if (msg.result) {
          results.push(msg.result);
          arm(options.caseTimeoutMs);
        }
      });
      proc.on('exit', (code, signal) => {
        if (proc !== child) return;
        child = undefined;
        if (!ready) {
          startFailed(
            `child exited before loading the sources (${signal ?? code}): ` +
              `${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          );
          return;
        }
        if (pending().length > 0)
          finishCase('crashed', `child exited (${signal ?? code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
        else {
          clearTimeout(timer);
          resolveAll(results);
        }
      });
      ready = false;
      clearTimeout(timer);
      timer = setTimeout(() => {
        child = undefined;
        proc.kill('SIGKILL');
        startFailed(`child did not load the sources within ${options.startupMs} ms`);
      }, options.startupMs);
    };
    // A child that cannot load the sources (a file mid-edit, a slow machine) is no case's fault: retry,
    // then give up on the share with a harness error.
    const startFailed = (why: string): void => {
      clearTimeout(timer);
      failedStarts += 1;
      if (failedStarts >= 3) reject(new Error(`fuzz harness: ${why}`));
      else setTimeout(start, 2000);
    };
    const finishCase = (code: 'hang' | 'crashed', message: string): void => {
      clearTimeout(timer);
      const c = pending()[0];
      if (child) {
        const dying = child;
        child = undefined;
        dying.kill('SIGKILL');
      }
      if (c)
        results.push({
          id: c.id,
          code,
          problems: [code === 'hang' ? 'hang (per-case timeout)' : 'process crashed'],
          message,
          frame: '',
          ms: options.caseTimeoutMs,
        });
      start();
    };
    start();
  });
}

/** Runs every case and returns the results in case order. */
export async function runCases(
  cases: readonly FuzzCase[],
  options: RunOptions,
): Promise<{ results: CaseResult[]; logs: string[] }> {
  const base = mkdtempSync(join(tmpdir(), 'tpusim-fuzz-'));
  const logs: string[] = [];
  try {
    const shares = Array.from({ length: options.workers }, (_, w) => cases.filter((_, i) => i % options.workers === w));
    const results = (await Promise.all(shares.map((s) => runShare(s, base, options, logs)))).flat();
    return { results: results.sort((a, b) => a.id - b.id), logs };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
