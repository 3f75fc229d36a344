/**
 * The capacity search under each scheduler, against a case worked by hand: a time-between-tokens SLO that one
 * prefill iteration breaks when it pauses the decodes (vLLM V0's continuous batching), and that chunked prefill
 * never breaks.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { findCapacity, fixedWorkload, type ServingSlo } from './serve-capacity.js';
import { searchServingConfigs } from './serve-capacity-search.js';
import { servingContext } from './serve.js';
import { iterationSeconds } from './serve-step.js';
import { simulateServing } from './serving-sim.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const llama8 = transformerModel({ zoo: 'llama3-8b' }, 1);
const ctx = servingContext(llama8, h100, dgx, { tp: 1, pp: 1 });
const prompt = 2048;
const output = 64;
const workload = fixedWorkload(prompt, output);
// One decoding sequence, and one whole prompt alone (the iteration that pauses the decodes).
const decodeS = iterationSeconds(ctx, { prefillTokens: 0, decodeSequences: 1, contextTokens: prompt + output / 2 });
const prefillS = iterationSeconds(ctx, { prefillTokens: prompt, decodeSequences: 0, contextTokens: 0 });
const chunk = 256;
const chunkS = iterationSeconds(ctx, {
  prefillTokens: chunk - 8,
  decodeSequences: 8,
  contextTokens: 8 * (prompt + output),
});
// Between a decode step and a decode step plus a paused one: only a stall breaks it.
const slo: ServingSlo = { ttftS: Infinity, tpotS: Infinity, tbtS: decodeS + prefillS / 2, percentile: 99 };
const schedule = { slots: 64, chunkTokens: chunk };

describe('findCapacity with a scheduler', () => {
  it('the case holds: decode step < TBT SLO < decode step + prefill, and a chunked step fits the SLO', () => {
    expect(decodeS).toBeLessThan(slo.tbtS!);
    expect(decodeS + prefillS).toBeGreaterThan(slo.tbtS!);
    expect(chunkS).toBeLessThan(slo.tbtS!);
  });

  it('continuous batching meets a p99 TBT SLO up to 1% stalled gaps: about 0.01 / decode step (by hand)', () => {
    // Each arrival's prefill pauses the b sequences decoding then; a request has output - 1 gaps. Stalled gaps per
    // second lambda x b over all gaps per second lambda x (output - 1), with b = lambda x (output - 1) x gap (Little):
    // the stalled share is lambda x gap, so the p99 holds while lambda <= 0.01 / gap, gap ~ the decode step.
    const hand = 0.01 / decodeS;
    const c = findCapacity(ctx, workload, slo, schedule, { scheduler: 'continuous' });
    console.log(
      `continuous: ${c.requestsPerS.toPrecision(3)} requests/s found, ${hand.toPrecision(3)} by hand ` +
        `(decode ${(decodeS * 1e3).toPrecision(3)} ms, prefill ${(prefillS * 1e3).toPrecision(3)} ms)`,
    );
    expect(c.feasible).toBe(true);
    expect(c.scheduler).toBe('continuous');
    expect(c.requestsPerS).toBeGreaterThan(0.75 * hand);
    expect(c.requestsPerS).toBeLessThan(1.25 * hand);
    expect(c.above!.reasons.join('; ')).toMatch(/TBT/);
  });

  it('chunked prefill never pauses the decodes: its capacity under the same SLO is many times higher', () => {
    const continuous = findCapacity(ctx, workload, slo, schedule, { scheduler: 'continuous' });
    const chunked = findCapacity(ctx, workload, slo, schedule, { scheduler: 'chunked' });
    console.log(
      `chunked ${chunked.requestsPerS.toPrecision(3)} vs continuous ${continuous.requestsPerS.toPrecision(3)}`,
    );
    expect(chunked.scheduler).toBe('chunked');
    expect(chunked.requestsPerS).toBeGreaterThan(10 * continuous.requestsPerS);
    expect(chunked.atCapacity!.tbtS.max).toBeLessThanOrEqual(slo.tbtS!);
  });

  it('defaults to the chunked scheduler (the same answer as asking for it)', () => {
    const options = { requests: 500 };
    const plain = findCapacity(ctx, workload, slo, schedule, options);
    const asked = findCapacity(ctx, workload, slo, schedule, { ...options, scheduler: 'chunked' });
    expect(plain).toEqual(asked);
  });

  it('passes the scheduler through the configuration search', () => {
    const options = { requests: 300, maxTotalSimulations: 40, refine: 0, dtypes: ['bf16'] } as const;
    const continuous = searchServingConfigs(llama8, h100, dgx, 1, workload, slo, {
      ...options,
      scheduler: 'continuous',
    });
    expect(continuous.best[0]!.capacity.scheduler).toBe('continuous');
  });
});

describe('time between tokens in the simulator', () => {
  it('counts a paused decode as one long gap: continuous stalls show in the TBT tail, not in chunked', () => {
    // 10 ms per iteration whatever it holds: a request arriving while another decodes pauses it for one iteration.
    const run = (scheduler: 'continuous' | 'chunked') =>
      simulateServing({
        rate: 20,
        requests: 400,
        promptTokens: 16,
        outputTokens: 20,
        maxBatch: 8,
        maxBatchTokens: 64,
        scheduler,
        seed: 5,
        iteration: () => 0.01,
      });
    const continuous = run('continuous');
    const chunked = run('chunked');
    // Chunked: every gap is one iteration. Continuous: a gap spans a prefill iteration too (20 ms) or more.
    expect(chunked.tbt.max).toBeCloseTo(0.01, 12);
    expect(continuous.tbt.p50).toBeCloseTo(0.01, 12);
    expect(continuous.tbt.max).toBeGreaterThanOrEqual(0.02 - 1e-12);
    // Each request's gaps add up to its decode time: mean TBT x gaps = mean TPOT x gaps.
    expect(chunked.tbt.mean).toBeCloseTo(chunked.tpot.mean, 12);
  });
});
