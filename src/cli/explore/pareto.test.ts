import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paretoFront, type Direction } from '../../index.js';
import { StreamingFront } from './pareto.js';

describe('StreamingFront', () => {
  it('equals paretoFront over the whole set, for any stream (duplicates, ties, missing values)', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(null));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value, value), { maxLength: 700 }),
        fc.array(fc.constantFrom<Direction>('min', 'max'), { minLength: 3, maxLength: 3 }),
        (points, directions) => {
          const stream = new StreamingFront<number>(directions);
          points.forEach((p, i) => stream.offer(p, i));
          const complete = points.map((p, i) => [p, i] as const).filter(([p]) => p.every((v) => v !== null));
          const expected = paretoFront(
            complete.map(([p]) => p as number[]),
            directions,
          ).map((k) => complete[k]![1]);
          expect(stream.items()).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
