/**
 * Capacity rows (metric requests-per-s-at-slo): the SLO and length fields parse (a missing or bad one
 * named with its path), and the prediction is the library's own SLO capacity search, per replica times
 * the replicas, or the disaggregated closed form; an SLO the model cannot meet is a reason, not a number.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { findCapacity, fixedWorkload } from '../cluster/serve-capacity.js';
import { disaggregatedCapacity } from '../cluster/serve-disagg-capacity.js';
import { servingContext } from '../cluster/serve.js';
import { getSystemPreset } from '../cluster/systems.js';
import { transformerModel } from '../cluster/transformer.js';
import { predictRow, type RowPrediction } from './predict.js';
import { parseValidationFile } from './rows.js';
import { capacityRequests, capacityWorkload } from './serve-capacity-row.js';
import type { ServeWorkload, ValidationRow } from './types.js';

const BASE: ServeWorkload = {
  kind: 'serve',
  model: { zoo: 'llama3-8b' },
  chip: 'h100-sxm',
  chips: 1,
  tp: 1,
  batch: 64,
  prompt: 512,
  output: 128,
  dtype: 'fp16',
  engine: 'vllm',
  chunkTokens: 512,
  slo: { tpotS: 0.05, percentile: 99 },
  simRequests: 400,
};

function row(workload: Partial<ServeWorkload>): ValidationRow {
  return {
    id: 'demo-capacity',
    category: 'serving',
    split: 'held-out',
    source: 'demo',
    where: 'Figure 1',
    quote: '1',
    measured: { metric: 'requests-per-s-at-slo', value: 1 },
    workload: { ...BASE, ...workload },
  };
}

function predicted(r: ValidationRow): number {
  const p: RowPrediction = predictRow(r);
  if (!p.ok) throw new Error(p.reason);
  return p.predicted;
}

const fileOf = (rows: readonly unknown[]): string =>
  JSON.stringify({ sources: { demo: { title: 'demo', url: 'https://example.org' } }, rows });
const problems = (text: string): string => {
  const parsed = parseValidationFile(text, 'demo.yaml');
  return parsed.ok ? '' : parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
};

const model = transformerModel({ zoo: 'llama3-8b' }, 640);
const chip = getChipPreset('h100-sxm');
const system = getSystemPreset('dgx-h100');
const ctx = servingContext(model, chip, system, { tp: 1, pp: 1, engine: 'vllm', dtype: 'fp16', chunkTokens: 512 });

describe('capacity rows (requests-per-s-at-slo)', () => {
  it('parses the SLO, the length histogram and the simulated requests', () => {
    const w: ServeWorkload = {
      ...BASE,
      slo: { ttftS: 2, tpotS: 0.1, percentile: 90 },
      lengthHistogram: [
        { input: 400, output: 100, count: 3 },
        { input: 900, output: 200, count: 1 },
      ],
    };
    expect(problems(fileOf([row(w)]))).toBe('');
  });

  it(
    'names a missing SLO, an SLO that binds nothing, a bad percentile and a capacity metric on another ' + 'workload',
    () => {
      const { slo: _slo, ...noSlo } = BASE;
      expect(problems(fileOf([{ ...row({}), workload: noSlo }]))).toContain(
        'demo.yaml: rows[0].workload.slo: requests-per-s-at-slo needs the SLO',
      );
      expect(problems(fileOf([row({ slo: { percentile: 99 } })]))).toContain(
        'rows[0].workload.slo: slo: give ttftS, tpotS, tbtS or several',
      );
      const bad = problems(fileOf([{ ...row({}), workload: { ...BASE, slo: { tpotS: 0.05, percentile: 95 } } }]));
      expect(bad).toContain('rows[0].workload.slo.percentile');
      expect(bad).toContain('95');
      expect(problems(fileOf([row({ lengthHistogram: [{ input: 0, output: 10, count: 1 }] })]))).toContain(
        'rows[0].workload.lengthHistogram[0].input',
      );
      const gemm = { ...row({}), workload: { kind: 'gemm', chip: 'h100-sxm', dtype: 'bf16', m: 8, n: 8, k: 8 } };
      expect(problems(fileOf([gemm]))).toContain(
        'rows[0].measured.metric: requests-per-s-at-slo applies to a serve workload, not gemm',
      );
    },
  );

  it('predicts the SLO capacity search of one replica, times the replicas', () => {
    const one = findCapacity(
      ctx,
      fixedWorkload(512, 128),
      { ttftS: Infinity, tpotS: 0.05, percentile: 99 },
      { slots: 64, chunkTokens: 512 },
      { requests: 400, seed: 1 },
    );
    expect(one.feasible).toBe(true);
    expect(predicted(row({}))).toBe(one.requestsPerS);
    expect(predicted(row({ chips: 2 }))).toBe(2 * one.requestsPerS);
  });

  it('simulates four requests per batch slot, from 1000 to 4000, unless the row says', () => {
    const { simRequests: _n, ...w } = BASE;
    expect([
      capacityRequests({ ...w, batch: 64 }),
      capacityRequests({ ...w, batch: 500 }),
      capacityRequests({ ...w, batch: 2048 }),
      capacityRequests(BASE),
    ]).toEqual([1000, 2000, 4000, 400]);
    const search = findCapacity(
      ctx,
      fixedWorkload(512, 128),
      { ttftS: Infinity, tpotS: 0.05, percentile: 99 },
      { slots: 64, chunkTokens: 512 },
      { requests: 1000, seed: 1 },
    );
    expect(predicted({ ...row({}), workload: w })).toBe(search.requestsPerS);
  });

  it('serves less within a tighter SLO, and a TTFT limit binds too', () => {
    const loose = predicted(row({ slo: { tpotS: 0.1, percentile: 99 } }));
    const tight = predicted(row({ slo: { tpotS: 0.012, percentile: 99 } }));
    expect(tight).toBeLessThan(loose);
    expect(predicted(row({ slo: { tpotS: 0.1, ttftS: 0.08, percentile: 99 } }))).toBeLessThan(loose);
  });

  it('draws the lengths from the histogram, each bin by its count', () => {
    const w = capacityWorkload({
      ...BASE,
      lengthHistogram: [
        { input: 400, output: 100, count: 3 },
        { input: 900, output: 200, count: 1 },
      ],
    });
    expect(w.samples).toEqual([
      [400, 100],
      [400, 100],
      [400, 100],
      [900, 200],
    ]);
    expect(capacityWorkload(BASE).samples).toEqual([[512, 128]]);
  });

  it('predicts disaggregated pools with the closed-form capacity of both pools', () => {
    const w: Partial<ServeWorkload> = {
      chips: 2,
      disaggregated: { prefillChips: 1, decodeChips: 1 },
      slo: { ttftS: 1, tpotS: 0.05, percentile: 90 },
    };
    const expected = disaggregatedCapacity(ctx, ctx, { prefillChips: 1, decodeChips: 1 }, fixedWorkload(512, 128), {
      ttftS: 1,
      tpotS: 0.05,
      percentile: 90,
    });
    expect(expected.feasible).toBe(true);
    expect(predicted(row(w))).toBe(expected.requestsPerS);
  });

  it('gives a reason, not a number, for an SLO no rate meets', () => {
    const never = predictRow(row({ slo: { tpotS: 1e-6, percentile: 99 } }));
    expect(never.ok).toBe(false);
    expect(never.ok ? '' : never.reason).toContain('meets the SLO at no rate');
  });

  it("simulates the row's scheduler and holds a TBT limit", () => {
    const slo = { ttftS: Infinity, tpotS: Infinity, tbtS: 0.03, percentile: 99 } as const;
    const continuous = findCapacity(
      ctx,
      fixedWorkload(512, 128),
      slo,
      { slots: 64, chunkTokens: 512 },
      { requests: 400, seed: 1, scheduler: 'continuous' },
    );
    expect(continuous.scheduler).toBe('continuous');
    expect(predicted(row({ scheduler: 'continuous', slo: { tbtS: 0.03, percentile: 99 } }))).toBe(
      continuous.requestsPerS,
    );
  });
});

describe('capacity ratio rows (capacity-ratio-at-slo)', () => {
  const ratioRow = (workload: Partial<ServeWorkload>): ValidationRow => ({
    ...row(workload),
    measured: { metric: 'capacity-ratio-at-slo', value: 2 },
  });

  it('needs a baseline and names it when missing', () => {
    expect(problems(fileOf([ratioRow({})]))).toContain(
      'rows[0].workload.baseline: capacity-ratio-at-slo needs the configuration it divides by',
    );
    expect(problems(fileOf([ratioRow({ baseline: { scheduler: 'continuous', batch: 32 } })]))).toBe('');
    expect(problems(fileOf([ratioRow({ baseline: { scheduler: 'orca' as 'static' } })]))).toContain(
      'rows[0].workload.baseline.scheduler',
    );
  });

  it('divides the row capacity by the baseline capacity, each the same search, on the same chips', () => {
    const slo = { tbtS: 0.03, percentile: 99 } as const;
    const w = { chips: 2, slo, baseline: { scheduler: 'continuous', batch: 32, chunkTokens: 4096 } } as const;
    const top = predicted(row({ slo }));
    const base = predicted(row({ slo, scheduler: 'continuous', batch: 32, chunkTokens: 4096 }));
    expect(predicted(ratioRow(w))).toBeCloseTo(top / base, 12);
    // Stalls break a 30 ms TBT limit: the chunked scheduler serves more than the continuous one.
    expect(top / base).toBeGreaterThan(1);
  });

  it('the suite holds capacity rows from two sources or more, every one predicted', () => {
    const dir = join(import.meta.dirname, '..', '..', 'validation', 'data', 'serving');
    const rows = readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const parsed = parseValidationFile(readFileSync(join(dir, name), 'utf8'), name);
        if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
        return parsed.value.rows.filter((r) => r.measured.metric === 'requests-per-s-at-slo');
      });
    const unpredicted = rows.flatMap((r) => {
      const p = predictRow(r);
      return p.ok ? [] : [`${r.id}: ${p.reason}`];
    });
    expect(unpredicted).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(new Set(rows.map((r) => r.source)).size).toBeGreaterThanOrEqual(2);
  });
});
