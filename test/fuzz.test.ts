/**
 * Fuzzing the CLI (issue 13): mutated examples of every input format (chip, system and cost-book
 * files, SCALE-Sim configs and topologies, assembly and binary programs, .npy inputs, ONNX models,
 * Hugging Face configs) and odd command-line flags, through every command that reads them. Each case
 * must exit 0, 1 or 2 with a message on stderr when not 0, finish within the per-case timeout, print
 * no NaN/Infinity in --json output and leave no files but the outputs it asked for.
 *
 * Bounded and seeded: TPUSIM_FUZZ_SEED (default below) and TPUSIM_FUZZ_RUNS (cases) run it longer, e.g.
 *   TPUSIM_FUZZ_RUNS=6000 TPUSIM_FUZZ_SEED=7 npx vitest run test/fuzz.test.ts
 * Failures already filed with their owners are listed in fuzz/known.ts; any other failure fails the test.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/core/rng.js';
import { generateCases } from './fuzz/corpus.js';
import { isKnown, KNOWN_FAILURES, matches } from './fuzz/known.js';
import { countsTable, describeFailure, distinctFailures } from './fuzz/report.js';
import { runCases } from './fuzz/runner.js';

const DEFAULT_SEED = 20260513;
const DEFAULT_RUNS = 600;

const envInt = (name: string, fallback: number): number => {
  const text = process.env[name];
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got '${text}'`);
  return value;
};

// Huge sizes (1e9 rows, 2^31 elements) go in once the CLI has its input limits (src/cli/limits.ts).
const HUGE = existsSync(join(import.meta.dirname, '..', 'src', 'cli', 'limits.ts'));

describe('fuzz', () => {
  it('every command survives mutated inputs and odd flags', { timeout: 600_000 }, async () => {
    const seed = envInt('TPUSIM_FUZZ_SEED', DEFAULT_SEED);
    const runs = envInt('TPUSIM_FUZZ_RUNS', DEFAULT_RUNS);
    const cases = generateCases(seed, runs, HUGE, createRng);
    const started = performance.now();
    const { results, logs } = await runCases(cases, {
      workers: Math.max(1, Math.min(2, availableParallelism())),
      caseTimeoutMs: envInt('TPUSIM_FUZZ_CASE_TIMEOUT_MS', 15_000),
      startupMs: 60_000,
    });
    const seconds = (performance.now() - started) / 1000;
    const failures = distinctFailures(cases, results);
    const unknown = failures.filter((f) => !isKnown(f));
    const known = failures.filter((f) => isKnown(f));
    const unseen = KNOWN_FAILURES.filter((k) => !failures.some((f) => matches(k, f)));
    const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 3);
    console.log(
      [
        `fuzz: seed ${seed} (TPUSIM_FUZZ_SEED), ${runs} cases (TPUSIM_FUZZ_RUNS), huge sizes ` +
          `${HUGE ? 'on' : 'off (no src/cli/limits.ts yet)'}, ${seconds.toFixed(1)} s`,
        countsTable(cases, results),
        `slowest: ${slowest.map((r) => `case ${r.id} ${cases[r.id]!.command} ${Math.round(r.ms)} ms`).join(', ')}`,
        known.length
          ? `known failures seen (${known.length}, see test/fuzz/known.ts):\n${known.map(describeFailure).join('\n')}`
          : 'no known failures seen',
        unknown.length
          ? `NEW failures (${unknown.length}):\n${unknown.map(describeFailure).join('\n')}`
          : 'no new failures',
        unseen.length
          ? `known failures not seen in this run (fixed? remove them from test/fuzz/known.ts): ` +
            `${unseen.map((k) => `${k.command} ${k.pattern}`).join('; ')}`
          : '',
        logs.length ? `library code printed (${logs.length}):\n${logs.slice(0, 10).join('\n')}` : '',
      ].join('\n'),
    );
    expect(results).toHaveLength(cases.length);
    expect(unknown.map(describeFailure)).toEqual([]);
    expect(logs).toEqual([]);
  });
});
