// The benches' measuring method (bench/method.mjs), on a simulated clock: a workload that runs 10x
// slower for its first 3,000 points, as V8's unoptimized code does (issues 15 and 16).
import { describe, expect, it } from 'vitest';
import { interleavedMedians, median, steadyRates, threadsRate } from '../bench/method.mjs';

/**
 * An evaluate(a, b) that advances a fake nanosecond clock: 100 us a point for the first `coldPoints` points it sees, 10
 * us after.
 */
function warmingWorkload(coldPoints = 3000) {
  let now = 0n;
  let seen = 0;
  const evaluate = (a: number, b: number) => {
    for (let i = a; i < b; i++) now += seen++ < coldPoints ? 100_000n : 10_000n;
  };
  return { evaluate, clock: () => now };
}

describe('steadyRates', () => {
  it('times only windows after the warm-up, so a warming workload shows its warm rate', () => {
    const { evaluate, clock } = warmingWorkload();
    const rates = steadyRates(evaluate, { warmup: 5000, window: 2000, rounds: 5 }, clock);
    expect(rates).toEqual([1e5, 1e5, 1e5, 1e5, 1e5]);
  });

  it('with a short warm-up (the old bench: 200 points) the first window is cold and reads slower', () => {
    const { evaluate, clock } = warmingWorkload();
    const rates = steadyRates(evaluate, { warmup: 200, window: 2000, rounds: 3 }, clock);
    expect(rates[0]).toBe(1e4);
    expect(rates[0]!).toBeLessThan(median(rates)!);
    expect(rates[2]).toBe(1e5);
  });

  it('evaluates the warm-up and then consecutive windows, each point once', () => {
    const calls: Array<[number, number]> = [];
    steadyRates(
      (a: number, b: number) => void calls.push([a, b]),
      { warmup: 10, window: 4, rounds: 3 },
      () => BigInt(calls.length),
    );
    expect(calls).toEqual([
      [0, 10],
      [10, 14],
      [14, 18],
      [18, 22],
    ]);
  });
});

describe('median and threadsRate', () => {
  it('take the middle value and judge a round by its slowest thread', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(threadsRate(1000, [0.01, 0.02])).toBe(1e5);
  });
});

describe('interleavedMedians', () => {
  it('times every call after the warm passes, in turn, and keeps each call its median', () => {
    let now = 0n;
    const order: string[] = [];
    // Call a costs 9 ms its first 2 runs (cold), then 1 ms; call b 2 ms, but 50 ms in one burst.
    let aRuns = 0;
    let bRuns = 0;
    const a = () => {
      order.push('a');
      now += aRuns++ < 2 ? 9_000_000n : 1_000_000n;
    };
    const b = () => {
      order.push('b');
      now += bRuns++ === 4 ? 50_000_000n : 2_000_000n;
    };
    const medians = interleavedMedians([a, b], { warmPasses: 2, passes: 5 }, () => now);
    expect(medians).toEqual([0.001, 0.002]);
    expect(order.join('')).toBe('ab'.repeat(7));
  });
});
