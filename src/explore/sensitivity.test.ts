import { describe, expect, it } from 'vitest';
import { compileSweep } from './compile-sweep.js';
import { knobTornado, rankCorrelations, ranks, spearman } from './sensitivity.js';
import { GEMM_SPEC } from './test-support/specs.js';

describe('spearman', () => {
  it('is 1 for any increasing relation and -1 for a decreasing one', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [9, 4, 1, 0])).toBeCloseTo(-1);
  });
  it('gives ties their mean rank and matches the textbook value', () => {
    expect(ranks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    // rho = 1 - 6 * sum(d^2) / (n (n^2 - 1)) for distinct ranks: d = (0, 1, -1, 0, 0) -> 1 - 12/120 = 0.9
    expect(spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5])).toBeCloseTo(0.9);
  });
  it('is null for a constant series', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('sensitivity of a sweep', () => {
  const sweep = compileSweep(GEMM_SPEC);
  const rows = sweep.evaluateChunk(0, sweep.count);

  it('tornado: the clock moves latency, bars sorted by swing', () => {
    const bars = knobTornado(sweep, { rows: 128, clockHz: 1.2e9, stacks: 4 }, 'latency');
    expect(bars.map((b) => b.knob)).toContain('clockHz');
    const clock = bars.find((b) => b.knob === 'clockHz')!;
    expect(clock.low).toBe(0.8e9);
    expect(clock.high).toBe(1.6e9);
    expect(clock.highObjective!).toBeLessThan(clock.lowObjective!);
    for (let i = 1; i < bars.length; i++) expect(bars[i - 1]!.swing).toBeGreaterThanOrEqual(bars[i]!.swing);
  });

  it('rank correlation over feasible rows: a faster clock shortens a GEMM, HBM stacks add area', () => {
    expect(rows.some((r) => !r.feasible)).toBe(true);
    const rho = rankCorrelations(sweep, rows);
    expect(rho['clockHz']!['latency']!).toBeLessThan(-0.5);
    expect(rho['stacks']!['area']!).toBeGreaterThan(0);
    expect(rho['clockHz']!['area']).toBe(0);
  });
});
