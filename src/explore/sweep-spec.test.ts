import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSweepSpec } from './sweep-spec.js';
import { GEMM_SPEC } from './test-support/specs.js';

const issuesOf = (text: string, file = 'sweep.yaml') => {
  const r = parseSweepSpec(text, file);
  if (r.ok) throw new Error('expected issues');
  return r.issues;
};

describe('parseSweepSpec', () => {
  it('reads knobs with units, derived rules and defaults', () => {
    const r = parseSweepSpec(GEMM_SPEC, 'gemm.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const spec = r.value;
    expect(spec.knobs.map((k) => k.name)).toEqual(['rows', 'clockHz', 'stacks']);
    expect(spec.knobs[1]!.range).toEqual({ kind: 'float', min: 0.8e9, max: 1.6e9, steps: 3, log: false });
    expect(spec.knobs[0]!.target).toEqual({ kind: 'chip', path: 'cores[0].matrixUnits[0].rows' });
    expect(spec.derived).toEqual([{ path: 'offChipMemory.bandwidthBytesPerS', expr: 'stacks * 300GB/s' }]);
    expect(spec.workloads[0]).toEqual({ name: 'mm', weight: 1, kind: 'gemm', m: 2048, n: 2048, k: 2048 });
    expect(spec.sampler).toEqual({ kind: 'grid', seed: 0 });
    expect(spec.volume).toBe(100_000);
  });

  it('parses the shipped example', () => {
    const text = readFileSync(new URL('../../examples/explore/serve-70b.yaml', import.meta.url), 'utf8');
    expect(parseSweepSpec(text, 'serve-70b.yaml').ok).toBe(true);
  });

  it('reports every problem with its path, value and limit', () => {
    const bad = GEMM_SPEC.replace('base: tpu-v4', 'base: tpu-v9')
      .replace('pow2: [64, 256]', 'pow2: [64, 200]')
      .replace('int: [2, 6], step: 2', 'int: [6, 2]')
      .replace('metric: siliconAreaMm2, direction: min', 'metric: dieArea, direction: min')
      .replace('workload: mm, direction', 'workload: nope, direction')
      .replace('m: 2048', 'm: 0');
    const issues = issuesOf(bad);
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('base');
    expect(paths).toContain('knobs.rows.pow2');
    expect(paths).toContain('knobs.stacks.int');
    expect(paths).toContain('objectives[1].metric');
    expect(paths).toContain('workloads[0].m');
    expect(issues.find((i) => i.path === 'knobs.rows.pow2')!.message).toMatch(/200 is not a power of two/);
    expect(issues.find((i) => i.path === 'knobs.stacks.int')!.message).toMatch(/min 6 exceeds max 2/);
    expect(issues.find((i) => i.path === 'workloads[0].m')!.message).toMatch(/0 is below the minimum 1/);
  });

  it('checks names that objectives and knobs refer to', () => {
    const issues = issuesOf(GEMM_SPEC.replace('workload: mm, direction', 'workload: nope, direction'));
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'objectives[0].workload',
        message: expect.stringMatching(/no workload named 'nope'/),
      }),
    ]);
  });

  it('needs exactly one range per knob and points for non-grid samplers', () => {
    const issues = issuesOf(
      GEMM_SPEC.replace('pow2: [64, 256]', 'pow2: [64, 256], int: [1, 2]').replace(
        'sampler: { kind: grid }',
        'sampler: { kind: sobol }',
      ),
    );
    expect(issues.map((i) => i.path)).toEqual(['knobs.rows']);
    const missing = issuesOf(GEMM_SPEC.replace('sampler: { kind: grid }', 'sampler: { kind: sobol }'));
    expect(missing).toEqual([expect.objectContaining({ path: 'sampler.points' })]);
  });

  it('rejects a unit it cannot read and a transformer workload on a CNN', () => {
    const issues = issuesOf(
      GEMM_SPEC.replace('0.8GHz', '0.8 parsecs').replace(
        '{ name: mm, kind: gemm, m: 2048, n: 2048, k: 2048 }',
        '{ name: s, kind: serving, model: resnet50, batch: 1, prompt: 8, output: 8 }',
      ),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(['knobs.clockHz.float[0]', 'workloads[0].model']);
  });

  it('reports YAML syntax errors against the file', () => {
    const issues = issuesOf('name: [unclosed\n', 'x.yaml');
    expect(issues[0]).toMatchObject({ code: 'syntax', path: expect.stringMatching(/^x\.yaml/) });
  });
});
