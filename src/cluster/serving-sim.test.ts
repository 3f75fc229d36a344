import { describe, expect, it } from 'vitest';
import { TpusimError } from '../core/errors.js';
import {
  percentiles,
  simulateServing,
  validateServingInput,
  type IterationShape,
  type ServingSimInput,
} from './serving-sim.js';

const D = 0.01;
const constant = (): number => D;

function input(overrides: Partial<ServingSimInput>): ServingSimInput {
  return {
    rate: 1,
    requests: 1000,
    promptTokens: 100,
    outputTokens: 20,
    maxBatch: 8,
    seed: 1,
    iteration: constant,
    ...overrides,
  };
}

describe('simulateServing without contention', () => {
  const result = simulateServing(input({ rate: 0.5, requests: 2000, maxBatch: 16 }));

  it('gives a TTFT of one iteration to a request that finds the server idle, at most two otherwise', () => {
    // Load is 0.5 req/s x 20 iterations x 10 ms = 10% busy, so most requests arrive to an idle server.
    expect(result.ttft.p50).toBeCloseTo(D, 10);
    expect(result.ttft.max).toBeLessThanOrEqual(2 * D + 1e-12);
    expect(result.ttft.mean).toBeGreaterThan(D);
    expect(result.queueing.p50).toBe(0);
  });

  it('gives a TPOT of one iteration and a latency of output x iteration', () => {
    expect(result.tpot.p50).toBeCloseTo(D, 10);
    expect(result.tpot.max).toBeCloseTo(D, 10);
    expect(result.latency.p50).toBeCloseTo(20 * D, 9); // absolute times reach ~4000 s: 1e-12 relative rounding
    expect(result.completed).toBe(2000);
    expect(result.saturated).toBe(false);
    expect(result.throughputTokensPerS).toBeCloseTo((2000 * 20) / result.simulatedSeconds, 9);
  });
});

describe("Little's law", () => {
  const rate = 40;
  const meanOutput = 50;
  const result = simulateServing(
    input({ rate, requests: 20000, promptTokens: 200, outputTokens: { mean: meanOutput }, maxBatch: 64, seed: 7 }),
  );
  // Time-average sequences in the batch over the whole run (meanBatch is averaged over busy time only).
  const concurrency = (result.meanBatch * result.busySeconds) / result.simulatedSeconds;

  it('holds for the measured throughput and time in the batch', () => {
    const timeInBatch = result.latency.mean - result.queueing.mean;
    const predicted = result.requestsPerS * timeInBatch;
    console.log(`Little (measured): L = ${concurrency.toFixed(3)}, X W = ${predicted.toFixed(3)}`);
    expect(Math.abs(concurrency / predicted - 1)).toBeLessThan(0.01);
  });

  it('holds for the nominal rate and mean output length (each request holds a slot for output iterations)', () => {
    const predicted = rate * meanOutput * D;
    console.log(`Little (nominal): L = ${concurrency.toFixed(3)}, lambda W = ${predicted.toFixed(3)}`);
    expect(Math.abs(concurrency / predicted - 1)).toBeLessThan(0.03);
    expect(result.saturated).toBe(false);
  });

  it('draws geometric output lengths with the requested mean', () => {
    const meanOut = (result.throughputTokensPerS * result.simulatedSeconds) / result.completed;
    expect(Math.abs(meanOut / meanOutput - 1)).toBeLessThan(0.02);
  });
});

describe('saturation', () => {
  // 8 slots, each request holds one for 20 iterations of 10 ms: capacity 40 requests/s.
  const capacity = 8 / (20 * D);
  const run = (rate: number) => simulateServing(input({ rate, requests: 4000, promptTokens: 50, seed: 3 }));

  it('is flagged when the arrival rate exceeds capacity, and throughput then equals capacity', () => {
    for (const factor of [1.25, 2]) {
      const result = run(factor * capacity);
      expect(result.saturated, `rate x${factor}`).toBe(true);
      expect(Math.abs(result.requestsPerS / capacity - 1), `rate x${factor}`).toBeLessThan(0.05);
      expect(result.meanBatch).toBeCloseTo(8, 1);
    }
  });

  it('is not flagged below capacity', () => {
    for (const factor of [0.5, 0.9]) expect(run(factor * capacity).saturated, `rate x${factor}`).toBe(false);
  });

  it('is flagged far above capacity, when every request arrives before the first iteration ends', () => {
    // 1000 requests at 1e5/s arrive within ~10 ms: the middle and the last request both arrive while
    // the first iteration runs, so a queue sampled at iteration boundaries would read the same twice.
    const result = simulateServing(input({ rate: 1e5, requests: 1000, promptTokens: 50, seed: 3 }));
    expect(result.saturated).toBe(true);
    expect(Math.abs(result.requestsPerS / capacity - 1)).toBeLessThan(0.05);
  });
});

describe('determinism', () => {
  it('gives identical results for a seed and different ones for another', () => {
    const a = input({
      rate: 30,
      outputTokens: { mean: 30, spread: 0.5 },
      promptTokens: { mean: 300 },
      maxBatchTokens: 256,
    });
    expect(JSON.stringify(simulateServing(a))).toBe(JSON.stringify(simulateServing(a)));
    expect(JSON.stringify(simulateServing({ ...a, seed: 2 }))).not.toBe(JSON.stringify(simulateServing(a)));
  });
});

describe('KV capacity', () => {
  const base = input({ rate: 200, requests: 2000, promptTokens: 100, outputTokens: 100, maxBatch: 64 });

  it('limits concurrency to the sequences whose prompt + output fit', () => {
    const limited = simulateServing({ ...base, kvCapacityTokens: 1000 });
    const free = simulateServing(base);
    expect(limited.meanBatch).toBeLessThanOrEqual(5);
    expect(limited.meanBatch).toBeGreaterThan(4.5);
    expect(free.meanBatch).toBeGreaterThan(30);
    expect(limited.queueing.mean).toBeGreaterThan(free.queueing.mean);
  });

  it('rejects requests that could never fit and keeps them out of the statistics', () => {
    const result = simulateServing({
      ...base,
      rate: 5,
      promptTokens: { mean: 100, spread: 0.5 },
      kvCapacityTokens: 180,
    });
    expect(result.rejected).toBeGreaterThan(0);
    expect(result.completed + result.rejected).toBe(2000);
    expect(result.meanBatch).toBeLessThanOrEqual(1);
  });
});

describe('chunked prefill', () => {
  it('splits a prompt over iterations within the token budget', () => {
    const shapes: IterationShape[] = [];
    const iteration = (s: IterationShape): number => {
      shapes.push(s);
      return D;
    };
    const result = simulateServing(
      input({ rate: 0.5, requests: 500, promptTokens: 1000, outputTokens: 10, maxBatchTokens: 256, iteration }),
    );
    expect(result.ttft.p50).toBeCloseTo(4 * D, 12); // ceil(1000 / 256) iterations
    expect(Math.max(...shapes.map((s) => s.prefillTokens + s.decodeSequences))).toBeLessThanOrEqual(256);
    expect(shapes.reduce((sum, s) => sum + s.prefillTokens, 0)).toBe(500 * 1000);
  });

  it('passes the decoding sequences context lengths to the iteration time', () => {
    const contexts: number[] = [];
    simulateServing(
      input({
        rate: 0.01,
        requests: 1,
        promptTokens: 10,
        outputTokens: 4,
        iteration: (s) => {
          contexts.push(s.contextTokens);
          return D;
        },
      }),
    );
    // Prefill, then decodes over contexts 10 + 1, 10 + 2, 10 + 3.
    expect(contexts).toEqual([0, 11, 12, 13]);
  });
});

describe('scale', () => {
  it('simulates 1e5 requests with a shape-dependent iteration time', () => {
    const iteration = (s: IterationShape): number =>
      0.005 + 2e-6 * s.prefillTokens + 1e-4 * s.decodeSequences + 1e-8 * s.contextTokens;
    const result = simulateServing(
      input({
        rate: 50,
        requests: 100_000,
        promptTokens: { mean: 500 },
        outputTokens: { mean: 100 },
        maxBatch: 128,
        maxBatchTokens: 2048,
        iteration,
      }),
    );
    expect(result.completed).toBe(100_000);
    expect(result.tpot.p50).toBeGreaterThan(0.005);
    expect(result.latency.p99).toBeGreaterThanOrEqual(result.latency.p90);
  });
});

describe('validation', () => {
  it('reports every bad field with its path', () => {
    const issues = validateServingInput(
      input({
        rate: 0,
        requests: 1.5,
        promptTokens: { mean: 0.5, spread: 2 },
        maxBatch: 8,
        maxBatchTokens: 4,
        kvCapacityTokens: 0,
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'rate',
      'requests',
      'promptTokens.mean',
      'promptTokens.spread',
      'maxBatchTokens',
      'kvCapacityTokens',
    ]);
    expect(() => simulateServing(input({ rate: -1 }))).toThrow(TpusimError);
  });

  it('refuses an iteration time that is not positive', () => {
    expect(() => simulateServing(input({ iteration: () => 0 }))).toThrow(/iteration/);
  });
});

describe('percentiles', () => {
  it('uses nearest rank', () => {
    const p = percentiles(Float64Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(p).toEqual({ p50: 50, p90: 90, p99: 99, mean: 50.5, max: 100 });
    expect(percentiles(new Float64Array(0)).max).toBe(0);
  });
});
