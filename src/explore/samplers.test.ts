import { describe, expect, it } from 'vitest';
import { gridLevels, lhsPoint, permuteIndex, randomPoint, sobolVector } from './samplers.js';
import { SOBOL_MAX_DIMS, sobolPoint } from './sobol.js';

describe('sobol', () => {
  it('matches the unscrambled Joe-Kuo sequence (SciPy qmc.Sobol(d=3, scramble=False) first 8 points)', () => {
    const expected = [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
    ];
    expect(Array.from({ length: 8 }, (_, i) => sobolVector(0, i, 3))).toEqual(expected);
  });

  it('puts one of the first 2^k points in each interval of width 2^-k, in every dimension', () => {
    for (const k of [4, 7]) {
      for (let d = 0; d < SOBOL_MAX_DIMS; d++) {
        const cells = new Set(Array.from({ length: 2 ** k }, (_, i) => Math.floor(sobolPoint(i, d) * 2 ** k)));
        expect(cells.size).toBe(2 ** k);
      }
    }
  });

  it('is a (0, 2)-net in its first two dimensions: one of 2^k points per elementary box', () => {
    const k = 6;
    for (let a = 0; a <= k; a++) {
      const boxes = new Set(
        Array.from(
          { length: 2 ** k },
          (_, i) => `${Math.floor(sobolPoint(i, 0) * 2 ** a)},${Math.floor(sobolPoint(i, 1) * 2 ** (k - a))}`,
        ),
      );
      expect(boxes.size).toBe(2 ** k);
    }
  });

  it('keeps the stratification under a seeded digital shift, and the seed changes the points', () => {
    const shifted = Array.from({ length: 32 }, (_, i) => sobolVector(7, i, 4));
    for (let d = 0; d < 4; d++) expect(new Set(shifted.map((p) => Math.floor(p[d]! * 32))).size).toBe(32);
    expect(shifted[0]).not.toEqual([0, 0, 0, 0]);
    expect(sobolVector(7, 5, 4)).toEqual(shifted[5]);
  });

  it('refuses more dimensions than it tabulates', () => {
    expect(() => sobolVector(0, 0, SOBOL_MAX_DIMS + 1)).toThrow(/dimensions/);
  });
});

describe('lhs and permutations', () => {
  it('permuteIndex is a bijection on [0, n) for awkward n', () => {
    for (const n of [1, 2, 3, 5, 17, 100, 1000, 4097]) {
      const seen = new Set(Array.from({ length: n }, (_, i) => permuteIndex(i, n, 12345)));
      expect(seen.size).toBe(n);
      expect(Math.max(...seen)).toBe(n - 1);
    }
  });

  it('places exactly one point per stratum in every dimension', () => {
    const n = 97;
    const points = Array.from({ length: n }, (_, i) => lhsPoint(3, i, n, 5));
    for (let d = 0; d < 5; d++) expect(new Set(points.map((p) => Math.floor(p[d]! * n))).size).toBe(n);
    expect(lhsPoint(3, 10, n, 5)).toEqual(points[10]);
    expect(lhsPoint(4, 10, n, 5)).not.toEqual(points[10]);
  });
});

describe('grid and random', () => {
  it('counts in mixed radix with the first knob slowest', () => {
    expect(Array.from({ length: 6 }, (_, i) => gridLevels(i, [2, 3]))).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
  });

  it('gives each index its own reproducible stream', () => {
    expect(randomPoint(1, 5, 3)).toEqual(randomPoint(1, 5, 3));
    expect(randomPoint(1, 5, 3)).not.toEqual(randomPoint(1, 6, 3));
    expect(randomPoint(1, 5, 3).every((u) => u >= 0 && u < 1)).toBe(true);
  });
});
