import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OperandView } from './operand-views.js';
import { buildPrefetchOrder, type RankTables } from './prefetch-order.js';

/** The rank tables read off the laid-out order (addresses(), its own walk): the oracle for the rank walk. */
function oracleTables(addresses: Int32Array, base: number, span: number): RankTables & { valid: number } {
  const rankOf = new Int32Array(span).fill(-1);
  const firstRankOf = new Int32Array(span);
  const earlier: number[] = [];
  let rank = 0;
  for (const a of addresses) {
    if (a === -1) continue;
    const k = a - base;
    if (rankOf[k] === -1) firstRankOf[k] = rank;
    earlier.push(rankOf[k]!);
    rankOf[k] = rank++;
  }
  const repeats = earlier.some((q) => q !== -1);
  return { valid: rank, rankOf, firstRankOf, earlier: repeats ? Int32Array.from(earlier) : undefined };
}

/** A view whose addresses repeat (row term + column term over small strides), as an overlapping conv ifmap's do. */
const views = fc
  .record({
    rows: fc.integer({ min: 1, max: 24 }),
    cols: fc.integer({ min: 1, max: 24 }),
    rowStride: fc.integer({ min: 0, max: 5 }),
    colStride: fc.integer({ min: 1, max: 5 }),
    sliceWidth: fc.integer({ min: 1, max: 9 }),
    diagonal: fc.boolean(),
    base: fc.integer({ min: 0, max: 50 }),
  })
  .map(({ rows, cols, rowStride, colStride, sliceWidth, diagonal, base }) => {
    const view: OperandView = {
      rows,
      cols,
      rowAddress: Int32Array.from({ length: rows }, (_, r) => base + r * rowStride),
      colAddress: Int32Array.from({ length: cols }, (_, c) => c * colStride),
      distinct: false,
    };
    return { view, layout: { sliceWidth, slices: Math.ceil(cols / sliceWidth), diagonal }, base };
  });

describe('rank walk without padding inside (the last slice skipped by interval, issue 16)', () => {
  it('gives the tables of the laid-out order, each rank its earlier one, for any slicing', () => {
    fc.assert(
      fc.property(views, ({ view, layout, base }) => {
        const order = buildPrefetchOrder(view, layout);
        if (order.lookup !== 'address') throw new Error('expected a lookup by address');
        const got = order.tables();
        const span = got.rankOf.length;
        const want = oracleTables(order.addresses(), base, span);
        expect(order.valid).toBe(want.valid);
        expect(Array.from(got.rankOf)).toEqual(Array.from(want.rankOf));
        const seen = Array.from(want.rankOf, (q) => q !== -1);
        expect(Array.from(got.firstRankOf).filter((_, k) => seen[k])).toEqual(
          Array.from(want.firstRankOf).filter((_, k) => seen[k]),
        );
        expect(got.earlier && Array.from(got.earlier)).toEqual(want.earlier && Array.from(want.earlier));
      }),
      { numRuns: 300, seed: 16 },
    );
  });

  it('keeps the last slice partly empty (36 columns in slices of 16: 12 empty per stacked row of the last)', () => {
    const { view, layout } = {
      view: {
        rows: 10,
        cols: 36,
        rowAddress: Int32Array.from({ length: 10 }, (_, r) => r * 4),
        colAddress: Int32Array.from({ length: 36 }, (_, c) => c),
        distinct: false,
      },
      layout: { sliceWidth: 16, slices: 3, diagonal: true },
    };
    const order = buildPrefetchOrder(view, layout);
    if (order.lookup !== 'address') throw new Error('expected a lookup by address');
    order.tables();
    expect(order.valid).toBe(360);
    expect(order.tables().rankOf.length).toBe(36 + 36);
  });
});
