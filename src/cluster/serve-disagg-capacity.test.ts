import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { fixedWorkload } from './serve-capacity.js';
import { searchServingConfigs } from './serve-capacity-search.js';
import { disaggregatedPoint } from './serve-disagg.js';
import { disaggregatedCapacity } from './serve-disagg-capacity.js';
import { servingContext, servingPoint } from './serve.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const llama8 = transformerModel({ zoo: 'llama3-8b' }, 1);
const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const workload = fixedWorkload(1024, 256);
const slo = { ttftS: 2, tpotS: 0.05, percentile: 99 } as const;

describe('disaggregated capacity under SLOs (closed-form estimate)', () => {
  const ctx = servingContext(llama8, h100, dgx, { tp: 1, pp: 1, engine: 'ideal' });

  it('decodes at the largest batch whose TPOT meets the SLO, and serves no more than the decode pool', () => {
    const c = disaggregatedCapacity(ctx, ctx, { prefillChips: 1, decodeChips: 3 }, workload, slo);
    expect(c.feasible).toBe(true);
    expect(servingPoint(ctx, c.decodeBatch, 1024, 256).tpotS).toBeLessThanOrEqual(slo.tpotS);
    if (c.decodeBatch < 256) expect(servingPoint(ctx, c.decodeBatch + 1, 1024, 256).tpotS).toBeGreaterThan(slo.tpotS);
    const point = disaggregatedPoint(
      ctx,
      ctx,
      { prefillChips: 1, decodeChips: 3, decodeBatch: c.decodeBatch },
      1024,
      256,
    );
    expect(c.requestsPerS).toBeLessThanOrEqual(point.decodeRequestsPerS * (1 + 1e-12));
    expect(c.requestsPerS).toBeLessThan(point.prefillRequestsPerS);
    expect(c.tokensPerSPerChip).toBeCloseTo((c.requestsPerS * 256) / 4, 9);
    // The queueing estimate keeps p99 TTFT within the SLO; a prefill-bound split sits on it.
    expect(c.ttftS).toBeLessThanOrEqual(slo.ttftS * (1 + 1e-9));
    if (c.bound === 'prefill') expect(c.ttftS).toBeCloseTo(slo.ttftS, 9);
  });

  it('is infeasible, with why, when a lone request misses an SLO', () => {
    const tpot = disaggregatedCapacity(ctx, ctx, { prefillChips: 1, decodeChips: 1 }, workload, {
      ...slo,
      tpotS: 1e-4,
    });
    expect(tpot.feasible).toBe(false);
    expect(tpot.reasons[0]).toMatch(/decode replica's TPOT alone .* exceeds the TPOT SLO 0.100 ms/);
    const ttft = disaggregatedCapacity(ctx, ctx, { prefillChips: 1, decodeChips: 1 }, workload, {
      ...slo,
      ttftS: 1e-3,
    });
    expect(ttft.feasible).toBe(false);
    expect(ttft.reasons[0]).toMatch(
      /a request alone takes .* to its first token \(prefill, hand-off and KV transfer\), beyond the TTFT SLO 1.00 ms/,
    );
  });

  it('infer --search ranks prefill : decode ratios of the chips beside the simulated configurations', () => {
    const r = searchServingConfigs(llama8, h100, dgx, 4, workload, slo, {
      requests: 200,
      maxTotalSimulations: 20,
      dtypes: ['bf16'],
    });
    const d = r.disaggregated!;
    expect(d.method).toBe('closed-form estimate');
    // 1 chip holds llama3-8b: ratios 1:3, 2:2, 3:1.
    expect(d.evaluated).toBe(3);
    expect(d.best.map((b) => b.prefillChips + b.decodeChips)).toEqual([4, 4, 4]);
    for (let i = 1; i < d.best.length; i++)
      expect(d.best[i - 1]!.tokensPerSPerChip).toBeGreaterThanOrEqual(d.best[i]!.tokensPerSPerChip);
    for (const b of d.best) expect(b.prefill.replicas * b.prefill.tp * b.prefill.pp).toBe(b.prefillChips);
  });

  it('rejects ratios with the reason, and offers none on one chip', () => {
    const r = searchServingConfigs(
      llama8,
      h100,
      dgx,
      4,
      workload,
      { ...slo, tpotS: 1e-4 },
      { requests: 200, maxTotalSimulations: 10, dtypes: ['bf16'] },
    );
    expect(r.disaggregated!.best).toEqual([]);
    expect(r.disaggregated!.rejected).toEqual([
      {
        reason: 'slo',
        count: 3,
        message: expect.stringMatching(
          /^1 prefill \(tp 1 x pp 1 x 1\) : 3 decode \(tp 1 x pp 1 x 3\), bf16: a decode replica's TPOT alone/,
        ),
      },
    ]);
    const seventy = searchServingConfigs(transformerModel({ zoo: 'llama3-70b' }, 1), h100, dgx, 2, workload, slo, {
      requests: 200,
      maxTotalSimulations: 10,
      dtypes: ['bf16'],
    });
    expect(seventy.disaggregated!.rejected[0]).toMatchObject({
      reason: 'memory',
      message: expect.stringMatching(/bf16: no prefill replica fits in fewer than 2 chips/),
    });
    expect(
      searchServingConfigs(llama8, h100, dgx, 1, workload, slo, {
        requests: 200,
        maxTotalSimulations: 10,
        dtypes: ['bf16'],
      }).disaggregated,
    ).toBeUndefined();
  });
});
