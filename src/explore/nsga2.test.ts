import { describe, expect, it } from 'vitest';
import { hypervolume } from './pareto.js';
import {
  crowdingDistance,
  nsga2Advance,
  nsga2Initial,
  nsga2Offspring,
  nsga2Start,
  runNsga2,
  type Nsga2Fitness,
  type Nsga2State,
} from './nsga2.js';

/** ZDT1 (Zitzler, Deb, Thiele 2000), 30 variables; its front is f2 = 1 - sqrt(f1), f1 in [0, 1]. */
function zdt1(x: readonly number[]): Nsga2Fitness {
  let sum = 0;
  for (let i = 1; i < x.length; i++) sum += x[i]!;
  const g = 1 + (9 * sum) / (x.length - 1);
  const f1 = x[0]!;
  return { objectives: [f1, g * (1 - Math.sqrt(f1 / g))], violation: 0 };
}

/**
 * Hypervolume of the true front for reference (1.1, 1.1): over f1 in [0, 1] the front lies at 1 - sqrt(f1),
 * so the area up to 1.1 is the integral of (0.1 + sqrt(f1)) = 0.1 + 2/3; over f1 in [1, 1.1] the point (1, 0)
 * dominates a 0.1 x 1.1 strip.
 */
const ZDT1_HV = 0.1 + 2 / 3 + 0.1 * 1.1;

describe('NSGA-II', () => {
  it('reaches at least 0.95 of the analytic hypervolume of ZDT1 within 10,000 evaluations', () => {
    let evaluations = 0;
    const state = runNsga2(
      30,
      (x) => {
        evaluations++;
        return zdt1(x);
      },
      { population: 100, generations: 100, seed: 1 },
    );
    const hv = hypervolume(
      state.population.map((p) => p.objectives),
      [1.1, 1.1],
    );
    console.log(
      `ZDT1: hypervolume ${hv.toFixed(4)} of ${ZDT1_HV.toFixed(4)} (${((100 * hv) / ZDT1_HV).toFixed(1)}%) after ` +
        `${evaluations} evaluations`,
    );
    expect(evaluations).toBeLessThanOrEqual(10_000);
    expect(hv).toBeGreaterThanOrEqual(0.95 * ZDT1_HV);
  });

  it('resumes from a JSON checkpoint into exactly the uninterrupted run', () => {
    const options = { population: 20, seed: 9 };
    const step = (s: Nsga2State): Nsga2State => {
      const children = nsga2Offspring(s, options);
      return nsga2Advance(s, children, children.map(zdt1), options);
    };
    const initial = nsga2Initial(5, options);
    let straight = nsga2Start(initial, initial.map(zdt1));
    for (let g = 0; g < 6; g++) straight = step(straight);
    let resumed = nsga2Start(initial, initial.map(zdt1));
    for (let g = 0; g < 3; g++) resumed = step(resumed);
    resumed = JSON.parse(JSON.stringify(resumed)) as Nsga2State;
    for (let g = 0; g < 3; g++) resumed = step(resumed);
    expect(resumed).toEqual(straight);
    expect(straight.generation).toBe(6);
  });

  it('prefers feasible points: an infeasible one survives only when there is room', () => {
    const options = { population: 4, seed: 2 };
    const xs = [[0.1], [0.2], [0.3], [0.4]];
    const state = nsga2Start(
      xs,
      xs.map((x) => ({ objectives: [x[0]!, 1 - x[0]!], violation: 0 })),
    );
    const next = nsga2Advance(
      state,
      [[0.5], [0.6]],
      [
        { objectives: [0, 0], violation: 2 },
        { objectives: [0.5, 0.5], violation: 0 },
      ],
      options,
    );
    expect(next.population.some((p) => p.violation > 0)).toBe(false);
    expect(next.population).toHaveLength(4);
  });

  it('gives the ends of a front infinite crowding distance', () => {
    expect(
      crowdingDistance([
        [0, 2],
        [1, 1],
        [2, 0],
      ]),
    ).toEqual([Infinity, 2, Infinity]);
  });
});
