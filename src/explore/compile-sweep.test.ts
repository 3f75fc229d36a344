import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileSweep, parseSweep } from './compile-sweep.js';
import { ExploreError } from './errors.js';
import { GEMM_SPEC, GEMM_SPEC_JSON, withSampler } from './test-support/specs.js';

const chunked = (sweep: ReturnType<typeof compileSweep>, size: number) => {
  const rows = [];
  for (let start = 0; start < sweep.count; start += size)
    rows.push(...sweep.evaluateChunk(start, Math.min(sweep.count, start + size)));
  return rows;
};

describe('compileSweep', () => {
  it('enumerates a grid in mixed radix and writes knobs and derived rules into the chip', () => {
    const sweep = compileSweep(GEMM_SPEC, 'gemm.yaml');
    expect(sweep.count).toBe(3 * 3 * 3);
    expect(sweep.knobNames).toEqual(['rows', 'clockHz', 'stacks']);
    expect(sweep.objectiveNames).toEqual(['latency', 'area']);
    expect(sweep.pointValues(0)).toEqual([64, 0.8e9, 2]);
    expect(sweep.pointValues(26)).toEqual([256, 1.6e9, 6]);
    expect(sweep.pointValues(5)).toEqual([64, 1.2e9, 6]);
    const rows = sweep.evaluateChunk(0, sweep.count);
    expect(rows.map((r) => r.index)).toEqual(rows.map((_, i) => i));
    const faster = rows.find(
      (r) => r.knobs['rows'] === 256 && r.knobs['clockHz'] === 1.6e9 && r.knobs['stacks'] === 6,
    )!;
    const slower = rows.find((r) => r.knobs['rows'] === 64 && r.knobs['clockHz'] === 0.8e9 && r.knobs['stacks'] === 2)!;
    expect(faster.objectives['latency']!).toBeLessThan(slower.objectives['latency']!);
    expect(faster.objectives['area']!).toBeGreaterThan(slower.objectives['area']!);
  });

  it('has the same hash for the same sweep however it is spelled, and another for another sweep', () => {
    const yaml = compileSweep(GEMM_SPEC, 'a.yaml');
    expect(compileSweep(GEMM_SPEC_JSON, 'a.json').hash).toBe(yaml.hash);
    expect(yaml.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(compileSweep(GEMM_SPEC.replace('m: 2048', 'm: 1024')).hash).not.toBe(yaml.hash);
  });

  for (const sampler of ['sobol', 'lhs', 'random']) {
    it(`gives the same rows at the same indices however a ${sampler} sweep is chunked`, () => {
      const text = withSampler(GEMM_SPEC, `sampler: { kind: ${sampler}, points: 23, seed: 5 }`);
      const whole = compileSweep(text).evaluateChunk(0, 23);
      expect(chunked(compileSweep(text), 4)).toEqual(whole);
      expect(compileSweep(text).evaluateChunk(17, 19)).toEqual(whole.slice(17, 19));
      expect(JSON.parse(JSON.stringify(whole))).toEqual(whole);
    });
  }

  it('runs NSGA-II generation by generation with the same rows however chunked', () => {
    const text = `${GEMM_SPEC}nsga2: { population: 8, generations: 3, seed: 4 }\n`;
    const sweep = compileSweep(text);
    expect(sweep.count).toBe(24);
    const whole = sweep.evaluateChunk(0, 24);
    expect(chunked(compileSweep(text), 5)).toEqual(whole);
    expect(compileSweep(text).evaluateChunk(20, 24)).toEqual(whole.slice(20));
    expect(sweep.nsga2State!(2).generation).toBe(2);
  });

  it('returns infeasible designs as rows with reasons, objectives kept', () => {
    const rows = compileSweep(GEMM_SPEC.replace('max: 600', 'max: 1mm2')).evaluateChunk(0, 3);
    for (const r of rows) {
      expect(r.feasible).toBe(false);
      expect(r.reasons[0]).toMatch(/^siliconAreaMm2 \d+(\.\d+)? exceeds the limit 1$/);
      expect(r.objectives['area']).toBeGreaterThan(1);
    }
  });

  it('turns a model that cannot be built into reasons, not exceptions', () => {
    const text = `
name: heads
base: tpu-v5p
knobs:
  heads: { model: heads, values: [64, 60] }
workloads:
  - { name: serve, kind: serving, model: llama3-8b, tp: 1, batch: 1, prompt: 128, output: 8 }
objectives:
  - { name: tps, metric: throughputPerChip, workload: serve, direction: max }
sampler: { kind: grid }
`;
    const [ok, bad] = compileSweep(text).evaluateChunk(0, 2);
    expect(ok!.feasible).toBe(true);
    expect(ok!.objectives['tps']).toBeGreaterThan(0);
    expect(bad!.feasible).toBe(false);
    expect(bad!.reasons.join('\n')).toMatch(/^serve: /);
    expect(bad!.objectives).toEqual({});
  });

  it('reports knob paths the base chip lacks, bad expressions and chips invalid at the extremes', () => {
    const issuesOf = (text: string) => {
      const r = parseSweep(text);
      if (r.ok) throw new Error('expected issues');
      return r.issues;
    };
    expect(issuesOf(GEMM_SPEC.replace('stacks * 300GB/s', 'stack * 300GB/s'))).toEqual([
      expect.objectContaining({
        path: 'derived.offChipMemory.bandwidthBytesPerS',
        message: "unknown name 'stack' (knobs: rows, clockHz, stacks) in 'stack * 300GB/s'",
      }),
    ]);
    expect(
      issuesOf(GEMM_SPEC.replace('path: "cores[0].matrixUnits[0].rows"', 'path: "cores[3].matrixUnits[0].rows"')),
    ).toEqual([
      expect.objectContaining({
        path: 'knobs.rows.path',
        message: "tpu-v4 has no field 'cores[3].matrixUnits[0].rows'",
      }),
    ]);
    expect(issuesOf(GEMM_SPEC.replace('path: clockHz', 'path: clockHz2'))).toEqual([
      expect.objectContaining({
        path: 'knobs.clockHz.path',
        code: 'unknown_field',
        message: expect.stringMatching(/unknown field 'clockHz2'; did you mean 'clockHz'\?/),
      }),
    ]);
    expect(issuesOf(GEMM_SPEC.replace('pow2: [64, 256]', 'pow2: [64, 8192]'))).toEqual([
      expect.objectContaining({
        path: 'knobs.rows.path',
        message: "8192 exceeds the maximum 4096 (at the knobs' highest values)",
      }),
    ]);
    expect(() => compileSweep(GEMM_SPEC.replace('path: clockHz', 'path: clockHz2'), 'bad.yaml')).toThrow(ExploreError);
  });

  it('refuses chunks outside the sweep', () => {
    const sweep = compileSweep(GEMM_SPEC);
    expect(() => sweep.evaluateChunk(0, 28)).toThrow(/not within \[0, 27\]/);
  });

  it('compiles the shipped example and finds feasible designs', () => {
    const text = readFileSync(new URL('../../examples/explore/serve-70b.yaml', import.meta.url), 'utf8');
    const sweep = compileSweep(text, 'serve-70b.yaml');
    const rows = sweep.evaluateChunk(0, sweep.count);
    expect(rows.some((r) => r.feasible)).toBe(true);
    expect(rows.some((r) => !r.feasible)).toBe(true);
  });
});

describe('designs the cost model cannot build', () => {
  it('are infeasible rows with the reason, not exceptions', () => {
    // 8 x 8 MXUs of 512 x 512 with 8 HBM stacks: an interposer larger than a wafer (found by bench/explore.bench.mjs).
    const text = `
name: huge
base: tpu-v5p
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", values: [128, 512] }
  cols: { path: "cores[0].matrixUnits[0].cols", values: [128, 512] }
  mxus: { path: "cores[0].matrixUnits[0].count", values: [4, 8] }
  stacks: { values: [8] }
derived:
  offChipMemory.bandwidthBytesPerS: stacks * 819GB/s
workloads:
  - { name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }
objectives:
  - { name: t, metric: latencyS, workload: mm, direction: min }
  - { name: usd, metric: usdPerMUnits, workload: mm, direction: min }
sampler: { kind: grid }
`;
    const rows = compileSweep(text).evaluateChunk(0, 8);
    const huge = rows[7]!;
    expect(huge.knobs).toEqual({ rows: 512, cols: 512, mxus: 8, stacks: 8 });
    expect(huge.feasible).toBe(false);
    expect(huge.reasons.join('\n')).toMatch(/cannot be built: an interposer of .* does not fit/);
    expect(huge.objectives['t']).toBeGreaterThan(0);
    expect(huge.objectives['usd']).toBeUndefined();
    expect(rows[0]!.feasible).toBe(true);
  });
});
