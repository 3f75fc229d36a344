/**
 * Steady-state percentiles of the capacity search: the warm-up (a server filling from empty) and the drain (a server
 * emptying once arrivals stop) are simulated but left out of the statistics, so a short run does not flatter a large
 * batch.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import {
  evaluateRate,
  findCapacity,
  fixedWorkload,
  simulatedRequestsBound,
  steadyWindow,
  type ServingSlo,
} from './serve-capacity.js';
import { servingContext } from './serve.js';
import { simulateServing, validateServingInput, type ServingSimInput } from './serving-sim.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

describe('simulateServing: measured requests', () => {
  // One slot, one-token prompts and outputs, 1 s per iteration, every request arriving within the first nanoseconds:
  // request i (from 0) gets its only token at the end of iteration i + 1, so its TTFT and latency are i + 1 s.
  const queue: ServingSimInput = {
    rate: 1e9,
    requests: 5,
    promptTokens: 1,
    outputTokens: 1,
    maxBatch: 1,
    seed: 1,
    iteration: () => 1,
  };

  it('covers every request by default', () => {
    const r = simulateServing(queue);
    expect(r.ttft.p50).toBeCloseTo(3, 6);
    expect(r.ttft.max).toBeCloseTo(5, 6);
    expect(r.measuredRequests).toBeUndefined();
  });

  it('leaves the requests before `from` out of everything, and those from `to` out of latency only', () => {
    const r = simulateServing({ ...queue, measured: { from: 2, to: 4 } });
    // TTFT over requests 2, 3, 4: 3, 4 and 5 s (the nearest-rank median is the 2nd of 3).
    expect(r.ttft.p50).toBeCloseTo(4, 6);
    expect(r.ttft.mean).toBeCloseTo(4, 6);
    expect(r.ttft.max).toBeCloseTo(5, 6);
    // Latency over requests 2 and 3 only: 3 and 4 s.
    expect(r.latency.max).toBeCloseTo(4, 6);
    expect(r.latency.mean).toBeCloseTo(3.5, 6);
    expect(r.measuredRequests).toBe(3);
    // Every request still runs and counts in the throughput.
    expect(r.completed).toBe(5);
    expect(r.simulatedSeconds).toBeCloseTo(5, 6);
  });

  it('refuses a window that is empty, fractional or beyond the requests, naming it', () => {
    const bad = (measured: { from: number; to: number }): string[] =>
      validateServingInput({ ...queue, measured }).map((i) => i.message);
    expect(bad({ from: 3, to: 3 })[0]).toMatch(/^measured: \[3, 3\) must be whole request indices, from < to/);
    expect(bad({ from: 0.5, to: 3 })[0]).toMatch(/^measured: /);
    expect(bad({ from: 0, to: 6 })).toEqual(['measured.to: 6 exceeds the 5 requests']);
    expect(() => simulateServing({ ...queue, measured: { from: 0, to: 6 } })).toThrow(/measured\.to: 6/);
  });
});

describe('steadyWindow', () => {
  it('adds one lifetime of arrivals before and after the requests measured', () => {
    // 10 requests/s, 30 s per request: 300 arrive during one lifetime.
    expect(steadyWindow(1000, 10, 30)).toEqual({ total: 1600, from: 300, to: 1300 });
    // At most as many again at each end: three times the requests in all.
    expect(steadyWindow(100, 10, 30)).toEqual({ total: 300, from: 100, to: 200 });
    expect(steadyWindow(100, 10, 0)).toEqual({ total: 100, from: 0, to: 100 });
  });
});

describe('findCapacity in the steady state', () => {
  const ctx = servingContext(
    transformerModel({ zoo: 'llama3-8b' }, 1),
    getChipPreset('h100-sxm'),
    getSystemPreset('dgx-h100'),
    {
      tp: 1,
      pp: 1,
    },
  );
  const workload = fixedWorkload(1024, 256);
  const slo: ServingSlo = { ttftS: 2, tpotS: 0.05, percentile: 99 };
  const schedule = { slots: 256, chunkTokens: 8192 };

  it('measures the requests asked for, between a warm-up and a drain that are simulated too', () => {
    const e = evaluateRate(ctx, workload, schedule, slo, 10, { requests: 300 });
    const all = evaluateRate(ctx, workload, schedule, slo, 10, { requests: 300, steadyState: false });
    // The warm-up's requests find an emptier server: the steady state's median TPOT is longer.
    expect(e.tpotS.p50).toBeGreaterThan(all.tpotS.p50);
  });

  it('finds about the same capacity from a short run as from a long one, where the whole run flatters', () => {
    const run = (requests: number, steadyState: boolean): number =>
      findCapacity(ctx, workload, slo, schedule, { requests, steadyState }).requestsPerS;
    const long = run(4000, true);
    const shortSteady = run(300, true);
    const shortAll = run(300, false);
    expect(shortAll).toBeGreaterThan(shortSteady);
    expect(Math.abs(shortSteady / long - 1)).toBeLessThan(Math.abs(shortAll / long - 1));
    expect(Math.abs(shortSteady / long - 1)).toBeLessThan(0.06);
  });
});

describe('simulatedRequestsBound', () => {
  it('bounds the requests every rate simulates: the measured ones plus at most as many before and after', () => {
    expect(simulatedRequestsBound(1000)).toBe(3000);
    for (const [rate, lifetimeS] of [
      [0.1, 1],
      [50, 30],
      [1e6, 1e3],
    ] as const)
      expect(steadyWindow(1000, rate, lifetimeS).total).toBeLessThanOrEqual(simulatedRequestsBound(1000));
  });
});
