import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dominates, hypervolume, kneePoint, nonDominatedSort, paretoFront } from './pareto.js';

/** Exact hypervolume by brute force: the grid of all point coordinates, each cell in or out. */
function bruteHypervolume(points: number[][], ref: number[]): number {
  const d = ref.length;
  const axes = Array.from({ length: d }, (_, i) =>
    [...new Set([...points.map((p) => Math.min(p[i]!, ref[i]!)), ref[i]!])].sort((a, b) => a - b),
  );
  let volume = 0;
  const walk = (dim: number, lower: number[], size: number): void => {
    if (dim === d) {
      if (points.some((p) => p.every((v, i) => v <= lower[i]!))) volume += size;
      return;
    }
    const axis = axes[dim]!;
    for (let j = 0; j + 1 < axis.length; j++) walk(dim + 1, [...lower, axis[j]!], size * (axis[j + 1]! - axis[j]!));
  };
  walk(0, [], 1);
  return volume;
}

const pointSets = (d: number, max: number) =>
  fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: d, maxLength: d }), { minLength: 0, maxLength: max });

describe('pareto front', () => {
  it('equals brute force (no other point dominates) on random sets with directions', () => {
    fc.assert(
      fc.property(pointSets(3, 40), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (points, flips) => {
        const directions = flips.map((f) => (f ? 'max' : 'min') as 'max' | 'min');
        const min = points.map((p) => p.map((v, i) => (directions[i] === 'max' ? -v : v)));
        const brute = points.map((_, i) => i).filter((i) => min.every((q, j) => j === i || !dominates(q, min[i]!)));
        expect(paretoFront(points, directions)).toEqual(brute);
      }),
    );
  });

  it(
    'sorts into fronts where no point dominates another of its front and each is dominated by the front ' + 'before',
    () => {
      fc.assert(
        fc.property(pointSets(2, 30), (points) => {
          const fronts = nonDominatedSort(points);
          expect(fronts.flat().sort((a, b) => a - b)).toEqual(points.map((_, i) => i));
          fronts.forEach((front, f) => {
            for (const a of front) for (const b of front) expect(dominates(points[a]!, points[b]!)).toBe(false);
            if (f > 0)
              for (const b of front) expect(fronts[f - 1]!.some((a) => dominates(points[a]!, points[b]!))).toBe(true);
          });
        }),
      );
    },
  );
});

describe('hypervolume', () => {
  it('is exact in 2-D on a hand-made set', () => {
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
    ).toBe(6);
    expect(hypervolume([[5, 5]], [4, 4])).toBe(0);
  });

  for (const d of [2, 3, 4]) {
    it(`equals brute force on random sets in ${d}-D`, () => {
      fc.assert(
        fc.property(pointSets(d, d === 4 ? 10 : 16), (points) => {
          const ref = new Array<number>(d).fill(21);
          expect(hypervolume(points, ref)).toBeCloseTo(bruteHypervolume(points, ref), 6);
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('knee point', () => {
  it('is the front point nearest the ideal once objectives are scaled', () => {
    const front = [
      [0, 10],
      [1, 2],
      [2, 1.5],
      [10, 0],
    ];
    expect(kneePoint(front, ['min', 'min'])).toBe(1);
    expect(
      kneePoint(
        front.map(([a, b]) => [-a!, b!]),
        ['max', 'min'],
      ),
    ).toBe(1);
    expect(kneePoint([], ['min'])).toBe(-1);
  });
});
