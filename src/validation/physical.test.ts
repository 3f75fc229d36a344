import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseValidationFile } from './rows.js';
import { predictRow, type RowPrediction } from './predict.js';
import { summarize } from './stats.js';

const FILES = [
  'validation/data/power/gpu-measured.yaml',
  'validation/data/power/tpu-papers.yaml',
  'validation/data/area/published-dies.yaml',
];

function predictions(): RowPrediction[] {
  return FILES.flatMap((file) => {
    const parsed = parseValidationFile(readFileSync(file, 'utf8'), file);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return parsed.value.rows.map(predictRow);
  });
}

describe('power and area validation rows', () => {
  const all = predictions();

  it('every row maps to a prediction', () => {
    for (const p of all) expect(p.ok ? '' : `${p.row.id}: ${p.reason}`).toBe('');
    for (const p of all)
      if (p.ok)
        console.log(
          `${p.row.id} (${p.row.split}): measured ${p.row.measured.value}, predicted ${p.predicted.toFixed(1)}, ` +
            `error ${(100 * p.error).toFixed(1)}%`,
        );
  });

  it('the H100 sustained clock row comes from the power model within 10%', () => {
    const row = all.find((p) => p.row.id === 'tpusim-h100-gemm-bf16-8192-sustained-clock');
    expect(row?.ok && row.error).toBeLessThan(0.1);
  });

  it('power and area get their own categories and stay out of the overall speed figures', () => {
    const summary = summarize(all);
    expect(summary.categories.find((c) => c.category === 'power')!.all.rows).toBe(
      all.filter((p) => p.row.category === 'power').length,
    );
    expect(summary.categories.find((c) => c.category === 'area')!.all.rows).toBeGreaterThanOrEqual(12);
    expect(summary.overall.all.rows).toBe(0);
  });

  it('a power row with a metric it cannot have is unmapped with the reason', () => {
    const row = all.find((p) => p.row.id === 'jouppi2023-tpu-v4-idle-power')!.row;
    const wrong = predictRow({ ...row, measured: { metric: 'tflops', value: 1 } });
    expect(wrong).toMatchObject({ ok: false });
    expect(!wrong.ok && wrong.reason).toMatch(/metric tflops does not apply to a power workload \(watts, clock-mhz\)/);
  });

  it('rejects a power row without a load, naming the path', () => {
    const bad =
      `sources: { s: { title: t, url: u } }\nrows:\n  - { id: x, category: power, split: held-out, ` +
      `source: s, where: w, quote: q, measured: { metric: watts, value: 1 }, workload: { kind: power, ` +
      `chip: h100-sxm, scope: board } }\n`;
    const parsed = parseValidationFile(bad, 'bad.yaml');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.issues.map((i) => i.path).join(' ')).toContain('rows[0].workload.load');
  });
});
