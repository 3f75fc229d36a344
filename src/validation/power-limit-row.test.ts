/**
 * Rows whose source states a board power limit below the chip's rated one (`workload.powerLimitW`, e.g.
 * torchtitan's Grand Teton H100s at "the default 500W power limit"): parsed, predicted at the capped clock
 * (model/power-cap.ts), and a limit the chip cannot take reported with the field, the value and the limit.
 */
import { describe, expect, it } from 'vitest';
import { predictRow } from './predict.js';
import { parseValidationFile } from './rows.js';

const file = (metric: string, workload: string): string =>
  `sources: { s: { title: t, url: u } }\nrows:\n  - { id: x, category: training-node, split: held-out, ` +
  `source: s, where: w, quote: q, measured: { metric: ${metric}, value: 3 }, workload: ${workload} }\n`;

const train = (limit: string): string =>
  file(
    'tokens-per-s-per-chip',
    `{ kind: train, model: { zoo: llama3-8b }, chip: h100-sxm, system: dgx-h100, chips: 8, plan: { tp: 1, pp: 1, ` +
      `dp: 8, zero: 3, microbatch: 2, globalBatch: 16, seq: 8192, recompute: selective }, dtype: bf16, ` +
      `stack: torchtitan, fused: true${limit} }`,
  );

const serve = (limit: string): string =>
  file(
    'ttft-s',
    `{ kind: serve, model: { zoo: llama3-8b }, chip: h100-sxm, chips: 1, tp: 1, batch: 1, prompt: 8000, ` +
      `output: 1, engine: vllm${limit} }`,
  );

function predict(text: string) {
  const parsed = parseValidationFile(text, 'row.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return predictRow(parsed.value.rows[0]!);
}

function predicted(text: string): number {
  const p = predict(text);
  if (!p.ok) throw new Error(p.reason);
  return p.predicted;
}

describe('workload.powerLimitW', () => {
  it('slows a train row at 500 W by the capped clock (compute-bound share of 1335 / 1132.3)', () => {
    const rated = predicted(train(''));
    const capped = predicted(train(', powerLimitW: 500'));
    console.log(`llama3-8b on 8 H100, tokens/s per chip: ${rated.toFixed(0)} at 700 W, ${capped.toFixed(0)} at 500 W`);
    expect(rated / capped).toBeGreaterThan(1.1);
    expect(rated / capped).toBeLessThanOrEqual(1335 / 1132.3 + 1e-3);
    expect(predicted(train(', powerLimitW: 700'))).toBe(rated);
  });

  it("lengthens a serve row's compute-bound prefill", () => {
    const rated = predicted(serve(''));
    const capped = predicted(serve(', powerLimitW: 500'));
    expect(capped / rated).toBeGreaterThan(1.05);
  });

  it("reports a limit above the chip's rated one as a row that cannot be mapped, with field, value and limit", () => {
    const p = predict(train(', powerLimitW: 900'));
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.reason).toBe("workload.powerLimitW: 900 W exceeds h100-sxm's rated 700 W (technology.tdpW)");
  });

  it('rejects a limit that is not a positive number when the file is read', () => {
    const parsed = parseValidationFile(train(', powerLimitW: -5'), 'bad.yaml');
    expect(parsed.ok).toBe(false);
    const text = parsed.ok ? '' : parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    expect(text).toContain('rows[0].workload.powerLimitW');
    expect(text).toContain('-5 W must be greater than 0 W');
  });
});
