import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { usdPerMillionTokens } from '../cost/tco.js';
import {
  defaultSchedule,
  evaluateRate,
  findCapacity,
  fixedWorkload,
  kvCapacityTokens,
  parseServingWorkload,
  servingMemory,
  type ServingSlo,
} from './serve-capacity.js';
import { searchServingConfigs, smallestServingConfig } from './serve-capacity-search.js';
import { activationBytesPerChip, servingContext, weightBytesPerChip } from './serve.js';
import { simulateServing } from './serving-sim.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const llama70 = transformerModel({ zoo: 'llama3-70b' }, 1);
const llama8 = transformerModel({ zoo: 'llama3-8b' }, 1);
const slo: ServingSlo = { ttftS: 2, tpotS: 0.05, percentile: 99 };
const workload = fixedWorkload(1024, 256);

describe('saturation', () => {
  it(
    'is reported at every arrival rate above capacity, including rates where every request arrives before ' +
      'the first step ends',
    () => {
      // 8 slots, 10 output tokens (prompt one chunk), 10 ms per iteration: 8 requests per 100 ms, capacity 80
      // requests/s.
      const capacity = 80;
      for (const factor of [1.25, 1.5, 2, 4, 10, 100, 1e3, 1e5]) {
        const r = simulateServing({
          rate: capacity * factor,
          requests: 2000,
          promptTokens: 16,
          outputTokens: 10,
          maxBatch: 8,
          maxBatchTokens: 256,
          seed: 3,
          iteration: () => 0.01,
        });
        expect(r.saturated, `rate ${capacity * factor}`).toBe(true);
      }
      for (const factor of [0.25, 0.5, 0.8]) {
        const r = simulateServing({
          rate: capacity * factor,
          requests: 2000,
          promptTokens: 16,
          outputTokens: 10,
          maxBatch: 8,
          maxBatchTokens: 256,
          seed: 3,
          iteration: () => 0.01,
        });
        expect(r.saturated, `rate ${capacity * factor}`).toBe(false);
      }
    },
  );

  it('is reported for llama3-70b on 8 H100 at rates from 1.5x to 1000x the capacity found', () => {
    const ctx = servingContext(llama70, h100, dgx, { tp: 8, pp: 1 });
    const schedule = defaultSchedule(ctx, workload);
    // Without latency SLOs the capacity is the throughput limit.
    const loose: ServingSlo = { ttftS: 1e6, tpotS: 1e6, percentile: 99 };
    const cap = findCapacity(ctx, workload, loose, schedule, { requests: 2000 });
    expect(cap.feasible).toBe(true);
    for (const factor of [1.5, 3, 10, 1000]) {
      expect(
        evaluateRate(ctx, workload, schedule, loose, cap.requestsPerS * factor, { requests: 2000 }).saturated,
        `x${factor}`,
      ).toBe(true);
    }
  });
});

describe('findCapacity', () => {
  const ctx = servingContext(llama70, h100, dgx, { tp: 8, pp: 1 });
  const schedule = defaultSchedule(ctx, workload);
  const options = { requests: 2000, seed: 1, tolerance: 0.02 };
  const cap = findCapacity(ctx, workload, slo, schedule, options);

  it('answers a rate at which the simulator meets the SLOs, and fails them 1.1x above', () => {
    expect(cap.feasible).toBe(true);
    expect(cap.bracketRatio).toBeLessThanOrEqual(1.02);
    const at = evaluateRate(ctx, workload, schedule, slo, cap.requestsPerS, options);
    expect(at.meets).toBe(true);
    expect(at.ttftS.p99).toBeLessThanOrEqual(slo.ttftS);
    expect(at.tpotS.p99).toBeLessThanOrEqual(slo.tpotS);
    const above = evaluateRate(ctx, workload, schedule, slo, cap.requestsPerS * 1.1, options);
    expect(above.meets).toBe(false);
    expect(above.reasons.length).toBeGreaterThan(0);
  });

  it('reports tokens per second as the rate times the mean lengths, within a bounded number of simulations', () => {
    expect(cap.outputTokensPerS).toBeCloseTo(cap.requestsPerS * 256, 9);
    expect(cap.inputTokensPerS).toBeCloseTo(cap.requestsPerS * 1024, 9);
    expect(cap.simulations).toBeLessThanOrEqual(24);
  });

  it('is deterministic for a seed', () => {
    expect(findCapacity(ctx, workload, slo, schedule, options)).toEqual(cap);
  });

  it('a tighter TPOT SLO gives a lower capacity', () => {
    const tight = findCapacity(ctx, workload, { ...slo, tpotS: 0.03 }, schedule, options);
    expect(tight.feasible).toBe(true);
    expect(tight.requestsPerS).toBeLessThan(cap.requestsPerS);
  });

  it('an SLO that fails near idle is infeasible, with the reason', () => {
    const r = findCapacity(ctx, workload, { ...slo, tpotS: 1e-4 }, schedule, options);
    expect(r.feasible).toBe(false);
    expect(r.requestsPerS).toBe(0);
    expect(r.reasons.join()).toMatch(/a request alone takes .* per output token, beyond the TPOT SLO 0.100 ms/);
    expect(r.simulations).toBe(0);
  });

  it('weights that do not fit are a reason, not a simulation', () => {
    const one = servingContext(llama70, h100, dgx, { tp: 1, pp: 1 });
    const r = findCapacity(one, workload, slo);
    expect(r).toMatchObject({ feasible: false, simulations: 0 });
    expect(r.reasons[0]).toMatch(/leave no room for a KV cache/);
  });
});

describe('servingMemory', () => {
  it('splits each chip into weights, KV of the slots and activations; KV within the capacity', () => {
    const ctx = servingContext(llama70, h100, dgx, { tp: 8, pp: 1 });
    const m = servingMemory(ctx, workload, { slots: 4, chunkTokens: 2048 });
    expect(m.weights).toBe(weightBytesPerChip(ctx));
    // llama3-70b: 80 layers x 8 KV heads x 128 x 2 (K, V) x 2 bytes = 327,680 bytes per token, over tp 8.
    expect(m.kv).toBeCloseTo(4 * 1280 * (327_680 / 8), 0);
    expect(m.activations).toBe(activationBytesPerChip(ctx, 2048));
    expect(kvCapacityTokens(ctx)).toBeGreaterThan(4 * 1280);
  });
});

describe('usdPerMillionTokens', () => {
  it('is the chip-hour cost over the tokens of a chip-hour (hand-worked)', () => {
    // $3.60 per chip-hour at 1,000 tokens/s per chip: 3.6e6 tokens an hour, so $1.00 per million.
    expect(usdPerMillionTokens(3.6, 1000)).toBeCloseTo(1, 12);
    // $2.00 per chip-hour at 250 tokens/s: 900,000 tokens an hour, $2.222 per million.
    expect(usdPerMillionTokens(2, 250)).toBeCloseTo(2 / 0.9, 12);
    expect(() => usdPerMillionTokens(2, 0)).toThrow(/tokensPerSPerChip: 0/);
  });
});

describe('parseServingWorkload', () => {
  it('reads fixed lengths and samples', () => {
    expect(parseServingWorkload({ inputTokens: 100, outputTokens: 20 }, 'w.json')).toEqual({
      ok: true,
      workload: { samples: [[100, 20]], source: 'w.json' },
    });
    const s = parseServingWorkload(
      {
        samples: [
          [10, 2],
          [30, 4],
        ],
      },
      's.json',
    );
    expect(s.ok && s.workload.samples.length).toBe(2);
  });

  it('names each bad field with its value and limit', () => {
    const r = parseServingWorkload({ inputTokens: 0, outputTokens: 1.5, extra: 1 }, 'w.json');
    expect(r.ok).toBe(false);
    const messages = r.ok ? [] : r.issues.map((i) => i.message);
    expect(messages).toContain('inputTokens: 0 must be a whole number of tokens from 1 to 16777216');
    expect(messages).toContain('outputTokens: 1.5 must be a whole number of tokens from 1 to 16777216');
    expect(messages.join()).toMatch(/extra: unknown field/);
    const bad = parseServingWorkload({ samples: [[1, 2], [3], [4, -1]] }, 's.json');
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['samples[1]', 'samples[2][1]']);
  });

  it('the simulator refuses empty or bad length samples, naming each', () => {
    const base = {
      rate: 1,
      requests: 10,
      promptTokens: 8,
      outputTokens: 4,
      maxBatch: 4,
      seed: 1,
      iteration: () => 0.01,
    };
    expect(() => simulateServing({ ...base, lengthSamples: [] })).toThrow(/lengthSamples: 0 pairs; give at least one/);
    expect(() =>
      simulateServing({
        ...base,
        lengthSamples: [
          [8, 4],
          [0, 2],
        ],
      }),
    ).toThrow(/lengthSamples\[1\]\[0\]: 0 must be an integer >= 1/);
  });

  it('sampled lengths drive the simulator: the pairs are drawn jointly', () => {
    const w = parseServingWorkload(
      {
        samples: [
          [100, 1],
          [1000, 50],
        ],
      },
      's.json',
    );
    if (!w.ok) throw new Error('bad workload');
    const ctx = servingContext(llama8, h100, dgx, { tp: 1, pp: 1 });
    const e = evaluateRate(ctx, w.workload, { slots: 64, chunkTokens: 2048 }, slo, 1, { requests: 400 });
    // TPOT counts only requests with output > 1: all of them drew the 1000-token prompt.
    expect(e.tpotS.max).toBeGreaterThan(0);
    expect(e.meets).toBe(true);
  });
});

describe('searchServingConfigs', () => {
  it('ranks the configurations of 4 chips by tokens/s per chip and accounts for every one evaluated', () => {
    const r = searchServingConfigs(llama8, h100, dgx, 4, workload, slo, { requests: 400, maxTotalSimulations: 300 });
    expect(r.valid).toBeGreaterThan(1);
    for (let i = 1; i < r.best.length; i++)
      expect(r.best[i - 1]!.tokensPerSPerChip).toBeGreaterThanOrEqual(r.best[i]!.tokensPerSPerChip);
    expect(r.evaluated).toBe(r.valid + r.rejected.reduce((s, g) => s + g.count, 0));
    const top = r.best[0]!;
    expect(top.config.replicas * top.config.plan.tp * top.config.plan.pp).toBe(4);
    expect(top.tokensPerSPerChip).toBeCloseTo((top.capacity.outputTokensPerS * top.config.replicas) / 4, 9);
  });

  it('rejects with reasons: splits the model cannot use and SLOs no rate meets', () => {
    const r = searchServingConfigs(llama70, h100, dgx, 8, workload, slo, { requests: 300, maxTotalSimulations: 300 });
    const reasons = r.rejected.map((g) => g.reason);
    expect(reasons).toContain('memory');
    expect(reasons).toContain('slo');
  });
});

describe('smallestServingConfig', () => {
  it('picks the fewest chips that hold llama3-70b and meet the SLOs', () => {
    const r = smallestServingConfig(llama70, h100, dgx, workload, slo, { requests: 1000 });
    expect(r.chips).toBe(2);
    expect(r.passedOver[0]).toMatch(/^1 chips: .*KV cache/);
  });
});
