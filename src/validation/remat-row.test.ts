/**
 * Train rows that name what their checkpoint policy keeps (`remat.saved`, MaxText's `remat_policy:
 * custom`): parsed, predicted with it, and a tensor name outside the list rejected with its path.
 */
import { describe, expect, it } from 'vitest';
import { predictRow } from './predict.js';
import { parseValidationFile } from './rows.js';

const row = (remat: string): string =>
  `sources: { s: { title: t, url: u } }\nrows:\n  - { id: x, category: training-node, split: held-out, ` +
  `source: s, where: w, quote: q, measured: { metric: step-s, value: 3 }, workload: { kind: train, ` +
  `model: { zoo: llama3-8b }, chip: tpu-v6e, system: tpu-v5p-pod, chips: 8, plan: { tp: 1, pp: 1, dp: 8, ` +
  `zero: 3, microbatch: 3, globalBatch: 24, seq: 8192, recompute: selective }, dtype: bf16, ` +
  `stack: maxtext${remat} } }\n`;

describe('remat.saved on a train row', () => {
  it('is read and recomputes more than the stack default (the MLP input projections)', () => {
    const kept = parseValidationFile(row(', remat: { saved: [query_proj, key_proj, value_proj, out_proj] }'), 'a.yaml');
    const plain = parseValidationFile(row(''), 'b.yaml');
    if (!kept.ok || !plain.ok) throw new Error('rows should parse');
    const a = predictRow(kept.value.rows[0]!);
    const b = predictRow(plain.value.rows[0]!);
    if (!a.ok || !b.ok) throw new Error('rows should predict');
    expect(a.predicted).toBeGreaterThan(b.predicted * 1.05);
  });

  it('rejects a tensor it does not know, naming the path and the value', () => {
    const parsed = parseValidationFile(row(', remat: { saved: [query_proj, mlp_out] }'), 'bad.yaml');
    expect(parsed.ok).toBe(false);
    const text = parsed.ok ? '' : parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    expect(text).toContain('rows[0].workload.remat.saved[1]');
    expect(text).toContain('mlp_out');
  });
});
