/**
 * Serve rows with serving techniques: the optional fields parse (a bad one named with its path), and
 * each maps to the ServingPlan field and closed form that models it, so the prediction equals the
 * library's own call and moves the way the technique says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { disaggregatedAtRate, disaggregatedPoint, PROXY_HANDOFF_S } from '../cluster/serve-disagg.js';
import { prefillSeconds } from '../cluster/serve-step.js';
import { continuousPoint } from '../cluster/serve-schedulers.js';
import { servingContext, servingPoint, steadyStatePoint } from '../cluster/serve.js';
import { getSystemPreset } from '../cluster/systems.js';
import { transformerModel } from '../cluster/transformer.js';
import { predictRow, type RowPrediction } from './predict.js';
import { parseValidationFile } from './rows.js';
import type { ServeWorkload, ValidationRow } from './types.js';

const BASE: ServeWorkload = {
  kind: 'serve',
  model: { zoo: 'llama3-8b' },
  chip: 'h100-sxm',
  chips: 1,
  tp: 1,
  batch: 1,
  prompt: 512,
  output: 256,
  dtype: 'fp16',
  engine: 'vllm',
};

function row(workload: Partial<ServeWorkload>, metric: ValidationRow['measured']['metric'] = 'tpot-s'): ValidationRow {
  return {
    id: 'demo-serve',
    category: 'serving',
    split: 'held-out',
    source: 'demo',
    where: 'Table 1',
    quote: '1',
    measured: { metric, value: 1 },
    workload: { ...BASE, ...workload },
  };
}

function predicted(r: ValidationRow): number {
  const p: RowPrediction = predictRow(r);
  if (!p.ok) throw new Error(p.reason);
  return p.predicted;
}

const model = transformerModel({ zoo: 'llama3-8b' }, 768);
const chip = getChipPreset('h100-sxm');
const system = getSystemPreset('dgx-h100');

describe('serve rows with serving techniques', () => {
  it('parses every technique field, and names a bad one with its path and value', () => {
    const workload = {
      ...BASE,
      weightDtype: 'int4',
      weightGroupSize: 128,
      speculative: { draftTokens: 3, acceptance: 0.7, draft: { zoo: 'llama3-8b' } },
      scheduler: 'continuous',
      chunkTokens: 512,
      prefixHitRate: 0.5,
      disaggregated: { prefillChips: 1, decodeChips: 1 },
    };
    const file = (w: unknown): string =>
      JSON.stringify({
        sources: { demo: { title: 'demo', url: 'https://example.org' } },
        rows: [{ ...row({}), workload: w }],
      });
    expect(parseValidationFile(file(workload), 'demo.yaml').ok).toBe(true);
    const bad = parseValidationFile(
      file({ ...workload, weightDtype: 'int3', prefixHitRate: 1, speculative: { draftTokens: 0, acceptance: 0.7 } }),
      'demo.yaml',
    );
    expect(bad.ok).toBe(false);
    const text = bad.ok ? '' : bad.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    expect(text).toContain('rows[0].workload.weightDtype');
    expect(text).toContain('int3');
    expect(text).toContain('rows[0].workload.prefixHitRate');
    expect(text).toContain('rows[0].workload.speculative.draftTokens');
  });

  it('maps int4 weight-only to the quantized plan: small-batch decode gets faster than fp16', () => {
    const int4 = predicted(row({ weightDtype: 'int4' }));
    const ctx = servingContext(model, chip, system, {
      tp: 1,
      pp: 1,
      engine: 'vllm',
      quantization: { weightDtype: 'int4', activationDtype: 'fp16' },
    });
    expect(int4).toBeCloseTo(servingPoint(ctx, 1, 512, 256).tpotS, 12);
    expect(int4).toBeLessThan(0.6 * predicted(row({})));
  });

  it('maps fp8 weights and KV with a chip format name (fp8-e4m3) to the fp8 quantization', () => {
    const p = predicted(row({ weightDtype: 'fp8', dtype: 'fp8-e4m3', kvDtype: 'fp8-e4m3' }));
    const ctx = servingContext(model, chip, system, {
      tp: 1,
      pp: 1,
      engine: 'vllm',
      quantization: { weightDtype: 'fp8', activationDtype: 'fp8', kvDtype: 'fp8' },
    });
    expect(p).toBeCloseTo(servingPoint(ctx, 1, 512, 256).tpotS, 12);
  });

  it('maps speculative decoding: a draft model with high acceptance lowers the time per output token', () => {
    const spec = predicted(
      row({
        speculative: { draftTokens: 4, acceptance: 0.8, draft: { zoo: 'llama3-8b' } },
        model: { zoo: 'llama3-70b' },
        chips: 4,
        tp: 4,
      }),
    );
    const plain = predicted(row({ model: { zoo: 'llama3-70b' }, chips: 4, tp: 4 }));
    expect(spec).toBeLessThan(plain);
  });

  it('maps the scheduler at a fixed concurrency: chunked is the default, continuous its own closed form', () => {
    const w = { mode: 'concurrency' as const, batch: 32 };
    const ctx = servingContext(model, chip, system, { tp: 1, pp: 1, engine: 'vllm', dtype: 'fp16' });
    expect(predicted(row(w, 'ttft-s'))).toBeCloseTo(steadyStatePoint(ctx, 32, 512, 256).ttftS, 12);
    expect(predicted(row({ ...w, scheduler: 'chunked' }, 'ttft-s'))).toBeCloseTo(predicted(row(w, 'ttft-s')), 12);
    expect(predicted(row({ ...w, scheduler: 'continuous' }, 'ttft-s'))).toBeCloseTo(
      continuousPoint(ctx, 32, 512, 256).ttftS,
      12,
    );
  });

  it('maps prefix caching and the prefill chunk: a cached half of the prompt shortens the time to first token', () => {
    expect(predicted(row({ prefixHitRate: 0.5, batch: 8 }, 'ttft-s'))).toBeLessThan(
      predicted(row({ batch: 8 }, 'ttft-s')),
    );
    const ctx = servingContext(model, chip, system, { tp: 1, pp: 1, engine: 'vllm', dtype: 'fp16', chunkTokens: 128 });
    expect(predicted(row({ chunkTokens: 128, mode: 'concurrency', batch: 16 }, 'tpot-s'))).toBeCloseTo(
      steadyStatePoint(ctx, 16, 512, 256).tpotS,
      12,
    );
  });

  it('maps prefix caching in an offline run: a higher hit rate raises the total token throughput', () => {
    const offline = { mode: 'offline' as const, batch: 128, prompt: 2176, output: 256 };
    const at = (prefixHitRate: number): number => predicted(row({ ...offline, prefixHitRate }, 'total-tokens-per-s'));
    expect(at(0.75)).toBeGreaterThan(at(0.2));
    expect(at(0.2)).toBeGreaterThan(predicted(row(offline, 'total-tokens-per-s')));
  });

  it('maps disaggregated pools to serve-disagg, and a pool split that is not the row chips is a reason', () => {
    const w = { chips: 3, disaggregated: { prefillChips: 1, decodeChips: 2, decodeBatch: 16 } };
    const ctx = servingContext(model, chip, system, { tp: 1, pp: 1, engine: 'vllm', dtype: 'fp16' });
    const p = disaggregatedPoint(ctx, ctx, { prefillChips: 1, decodeChips: 2, decodeBatch: 16 }, 512, 256);
    expect(predicted(row(w, 'ttft-s'))).toBeCloseTo(p.ttftS, 12);
    expect(predicted(row(w, 'output-tokens-per-s'))).toBeCloseTo(p.tokensPerS, 9);
    const bad = predictRow(row({ ...w, chips: 4 }, 'ttft-s'));
    expect(bad.ok ? '' : bad.reason).toContain('prefillChips 1 + decodeChips 2');
  });

  it("predicts a disaggregated row's KV transfer, and rejects kv-transfer-s on a row without pools", () => {
    const w = { chips: 3, disaggregated: { prefillChips: 1, decodeChips: 2, decodeBatch: 16 } };
    const ctx = servingContext(model, chip, system, { tp: 1, pp: 1, engine: 'vllm', dtype: 'fp16' });
    const p = disaggregatedPoint(ctx, ctx, { prefillChips: 1, decodeChips: 2, decodeBatch: 16 }, 512, 256);
    expect(p.kvTransferS).toBeGreaterThan(0);
    expect(predicted(row(w, 'kv-transfer-s'))).toBeCloseTo(p.kvTransferS, 15);
    const file = (workload: Partial<ServeWorkload>): string =>
      JSON.stringify({
        sources: { demo: { title: 'demo', url: 'https://example.org' } },
        rows: [row(workload, 'kv-transfer-s')],
      });
    expect(parseValidationFile(file(w), 'demo.yaml').ok).toBe(true);
    const bad = parseValidationFile(file({}), 'demo.yaml');
    expect(bad.ok ? '' : bad.issues.map((i) => `${i.path}: ${i.message}`).join()).toContain(
      'rows[0].measured.metric: kv-transfer-s applies to a serve row with disaggregated pools',
    );
  });

  it('maps a request rate to the pools under Poisson arrivals; a rate they cannot sustain is a reason', () => {
    const pools = { prefillChips: 1, decodeChips: 2 };
    const w = { chips: 3, disaggregated: { ...pools, requestRate: 2 } };
    const ctx = servingContext(model, chip, system, { tp: 1, pp: 1, engine: 'vllm', dtype: 'fp16' });
    const load = disaggregatedAtRate(ctx, ctx, pools, 512, 256, 2);
    expect(load.prefillWaitS).toBeGreaterThan(0);
    expect(predicted(row(w, 'ttft-s'))).toBeCloseTo(load.ttftS, 12);
    expect(predicted(row(w, 'tpot-s'))).toBeCloseTo(load.tpotS, 12);
    expect(predicted(row(w, 'output-tokens-per-s'))).toBeCloseTo(2 * 256, 9);
    // Unloaded, the same row is the pools' point: the wait is what the rate adds.
    expect(predicted(row(w, 'ttft-s'))).toBeGreaterThan(predicted(row({ chips: 3, disaggregated: pools }, 'ttft-s')));
    const flood = predictRow(row({ chips: 3, disaggregated: { ...pools, requestRate: 1e4 } }, 'ttft-s'));
    expect(flood.ok).toBe(false);
    expect(flood.ok ? '' : flood.reason).toMatch(/disaggregated\.requestRate: .*utilisation at 10000 requests\/s/);
    const file = JSON.stringify({
      sources: { demo: { title: 'demo', url: 'https://example.org' } },
      rows: [row({ chips: 3, disaggregated: { ...pools, requestRate: 0 } })],
    });
    const bad = parseValidationFile(file, 'demo.yaml');
    expect(bad.ok ? '' : bad.issues.map((i) => i.path).join()).toContain('rows[0].workload.disaggregated.requestRate');
  });

  it("a disaggregated row's TTFT holds the proxy's hand-off and the decode-side steps, and its notes say so", () => {
    const pools = { prefillChips: 1, decodeChips: 1, decodeBatch: 1 };
    const ctx = servingContext(model, chip, system, { tp: 1, pp: 1, engine: 'vllm', dtype: 'fp16' });
    const p = disaggregatedPoint(ctx, ctx, pools, 512, 256);
    const r = predictRow(row({ chips: 2, disaggregated: pools }, 'ttft-s'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // Hand-worked: prefill request 0.5 ms + prefill + proxy 38.6 ms + decode admission 0.5 ms + 2 idle host steps of
    // 1.506 ms + one decode step (the recomputed last prompt token) + the transfer.
    const handoff = PROXY_HANDOFF_S + 0.5e-3 + 2 * 1.506e-3 + p.tpotS;
    expect(r.predicted).toBeCloseTo(0.5e-3 + prefillSeconds(ctx, 1, 512).lastS + handoff + p.kvTransferS, 12);
    expect(r.notes.join()).toContain(`hand-off ${(handoff * 1e3).toPrecision(3)} ms`);
  });

  it('the suite holds rows for quantization, speculative decoding and prefix caching, every one predicted', () => {
    const dir = join(import.meta.dirname, '..', '..', 'validation', 'data', 'serving');
    const rows = readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const parsed = parseValidationFile(readFileSync(join(dir, name), 'utf8'), name);
        if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
        return parsed.value.rows;
      });
    const techniquesOf = (w: ServeWorkload): string[] => [
      ...(w.weightDtype !== undefined || w.activationDtype !== undefined ? ['quantization'] : []),
      ...(w.speculative ? ['speculative'] : []),
      ...(w.chunkTokens !== undefined || w.scheduler !== undefined ? ['scheduler'] : []),
      ...(w.prefixHitRate !== undefined ? ['prefix-cache'] : []),
      ...(w.disaggregated ? ['disaggregated'] : []),
    ];
    const sources = new Map<string, Set<string>>();
    const unpredicted: string[] = [];
    for (const r of rows) {
      if (r.workload.kind !== 'serve') continue;
      const techniques = techniquesOf(r.workload);
      if (techniques.length === 0) continue;
      for (const t of techniques) sources.set(t, (sources.get(t) ?? new Set()).add(r.source));
      const p = predictRow(r);
      if (!p.ok) unpredicted.push(`${r.id}: ${p.reason}`);
    }
    expect(unpredicted).toEqual([]);
    expect(sources.get('quantization')?.size ?? 0).toBeGreaterThanOrEqual(2);
    expect(sources.get('speculative')?.size ?? 0).toBeGreaterThanOrEqual(1);
    expect(sources.get('prefix-cache')?.size ?? 0).toBeGreaterThanOrEqual(1);
    expect(sources.get('disaggregated')?.size ?? 0).toBeGreaterThanOrEqual(1);
  });
});
