/**
 * A prefix restored from host memory in the serving simulation (serving-sim.ts `restoreS`): each request waits
 * for its copy over the host link, one copy at a time in arrival order, before the scheduler can take it.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { evaluateRate, fixedWorkload, type ServingSlo } from './serve-capacity.js';
import { hostPrefixRestoreSeconds, servingContext } from './serve.js';
import { simulateServing, type ServingSimInput } from './serving-sim.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

/** Every iteration takes 10 ms, whatever it holds. */
const input = (overrides: Partial<ServingSimInput>): ServingSimInput => ({
  rate: 0.2,
  requests: 400,
  promptTokens: 100,
  outputTokens: 20,
  maxBatch: 8,
  seed: 1,
  iteration: () => 0.01,
  ...overrides,
});

describe('host prefix restore in the simulation', () => {
  it('adds the copy to every TTFT when requests never meet (arrivals 5 s apart on average, a 0.5 s copy)', () => {
    const plain = simulateServing(input({}));
    const restored = simulateServing(input({ restoreS: () => 0.5 }));
    // One request at a time: TTFT is the copy plus the same first iteration (rarely two requests overlap).
    expect(restored.ttft.p50 - plain.ttft.p50).toBeCloseTo(0.5, 2);
    expect(restored.queueing.p50 - plain.queueing.p50).toBeCloseTo(0.5, 2);
    expect(restored.tpot.p50).toBeCloseTo(plain.tpot.p50, 6);
    expect(restored.saturated).toBe(false);
  });

  it('a link slower than the arrivals saturates: 2 s copies at 1 request/s', () => {
    const r = simulateServing(input({ rate: 1, restoreS: () => 2 }));
    expect(r.saturated).toBe(true);
    expect(r.ttft.p99).toBeGreaterThan(100);
  });

  it("the capacity search's simulation charges the copy the static point charges (prefixSource host)", () => {
    const chip = getChipPreset('h100-sxm');
    const system = getSystemPreset('dgx-h100');
    const model = transformerModel({ zoo: 'llama3-8b' }, 1);
    const slo: ServingSlo = { ttftS: 10, tpotS: 1, percentile: 50 };
    const ctx = (prefixSource: 'hbm' | 'host') =>
      servingContext(model, chip, system, { tp: 1, pp: 1, kvCache: { prefixHitRate: 0.9, prefixSource } });
    const workload = fixedWorkload(7000, 64);
    const schedule = { slots: 8, chunkTokens: 8192 };
    const host = evaluateRate(ctx('host'), workload, schedule, slo, 0.05, { requests: 100 });
    const hbm = evaluateRate(ctx('hbm'), workload, schedule, slo, 0.05, { requests: 100 });
    const copyS = hostPrefixRestoreSeconds(ctx('host'), 7000);
    // 6,300 cached tokens x 128 KiB over PCIe Gen5's 63 GB/s: about 13 ms per request, at a rate far below capacity.
    expect(copyS).toBeGreaterThan(0.01);
    expect(host.ttftS.p50 - hbm.ttftS.p50).toBeCloseTo(copyS, 3);
  });
});
