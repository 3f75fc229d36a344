import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { TpusimError } from '../core/errors.js';
import { chipCost, estimateChipCost } from './chip-cost.js';
import { costLimit, rangeOf, validateCostValues } from './cost-limits.js';
import { CostTrace, DEFAULT_COST_BOOK, withOverrides, withValues } from './costbook.js';
import { tcoPerChip } from './tco.js';
import { grossDiesPerWafer, usableWaferMm2 } from './wafer.js';

describe('cost-book limits', () => {
  it('every key of the default book has limits, and the default book meets them', () => {
    expect(Object.keys(DEFAULT_COST_BOOK).filter((k) => costLimit(k) === undefined)).toEqual([]);
    expect(validateCostValues(DEFAULT_COST_BOOK)).toEqual([]);
  });

  it("per-node and per-chip keys a user adds take their family's limits", () => {
    const r = withOverrides({ 'wafer.priceUsd.6': 0, 'yield.defectsPerCm2.6': 50, 'market.priceUsd.mychip': -1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.message)).toEqual([
      'wafer.priceUsd.6: 0 USD must be greater than 0 USD',
      'yield.defectsPerCm2.6: 50 defects/cm^2 exceeds the maximum 10 defects/cm^2',
      'market.priceUsd.mychip: -1 USD is below the minimum 0 USD',
    ]);
  });

  it('checks a user range too: each end within the limits, low <= high', () => {
    const r = withOverrides({
      'package.advancedYield': { value: 0.9, low: 0.95, high: 1.2 },
      'tco.pue': { value: 1.2, low: 1.5, high: 1.1 },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.message)).toEqual([
      'package.advancedYield.high: 1.2 exceeds the maximum 1',
      'tco.pue: low 1.5 exceeds high 1.1',
    ]);
  });

  it('refuses non-finite values, saying so', () => {
    const r = withOverrides({ 'tco.hostW': Number.NaN });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toBe('tco.hostW: value must be a finite number, got NaN');
  });

  it('a plain number is its own range', () => {
    const r = withOverrides({ 'tco.pue': 1.3 });
    if (!r.ok) throw new Error('a plain PUE was rejected');
    expect(rangeOf(r.value['tco.pue']!)).toEqual({ low: 1.3, high: 1.3 });
    expect(rangeOf(DEFAULT_COST_BOOK['tco.pue']!)).toEqual({ low: 1.1, high: 1.56 });
  });
});

describe('dies per wafer', () => {
  const wafer = { diameterMm: 300, edgeExclusionMm: 3, scribeMm: 0.1 };

  it('never exceeds the usable area over the die area, and is never negative', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 149.9, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (die, edge, scribe) => {
          const w = { diameterMm: 300, edgeExclusionMm: edge, scribeMm: scribe };
          const gross = grossDiesPerWafer(die, w);
          return Number.isInteger(gross) && gross >= 0 && gross <= usableWaferMm2(w) / (Math.sqrt(die) + scribe) ** 2;
        },
      ),
    );
  });

  it('refuses an edge exclusion that leaves no wafer, naming the limit', () => {
    expect(() => grossDiesPerWafer(100, { ...wafer, edgeExclusionMm: 1000 })).toThrow(
      "edge exclusion 1000 mm must be less than the wafer's radius, 150 mm",
    );
    expect(() => grossDiesPerWafer(Number.NaN, wafer)).toThrow('die area NaN mm^2 must be a finite number > 0');
  });
});

describe('chips that cannot be built', () => {
  const tpuV1 = getChipPreset('tpu-v1');
  const huge = { ...tpuV1, name: 'huge', cores: tpuV1.cores.map((c) => ({ ...c, count: 1_000_000 })) };

  it('more silicon than a wafer is a reason, not a price', () => {
    const r = estimateChipCost(huge, DEFAULT_COST_BOOK);
    expect(r.feasible).toBe(false);
    if (r.feasible) return;
    expect(r.reasons[0]).toMatch(/mm\^2 of logic silicon .* is more than a whole 300 mm wafer's usable 67,887 mm\^2/);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    let error: unknown;
    try {
      chipCost(huge, DEFAULT_COST_BOOK);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TpusimError);
    expect((error as TpusimError).code).toBe('infeasible_chip');
  });

  it('a die that does not fit the wafer, and a wafer without one good die, are reasons', () => {
    const small = withValues(DEFAULT_COST_BOOK, { 'wafer.diameterMm': 20, 'wafer.edgeExclusionMm': 2 });
    const a = estimateChipCost(getChipPreset('h100-sxm'), small);
    expect(a.feasible).toBe(false);
    if (!a.feasible) expect(a.reasons.join()).toMatch(/does not fit on a 20 mm wafer|more than a whole 20 mm wafer/);
    const dirty = withValues(DEFAULT_COST_BOOK, { 'yield.defectsPerCm2.4': 10, 'yield.clusteringAlpha': 50 });
    const b = estimateChipCost(getChipPreset('h100-sxm'), dirty);
    expect(b.feasible).toBe(false);
    if (!b.feasible) expect(b.reasons[0]).toMatch(/^fewer than one good die per wafer/);
  });

  it('a book built in code is checked too, before any price', () => {
    expect(() =>
      chipCost(getChipPreset('h100-sxm'), withValues(DEFAULT_COST_BOOK, { 'package.advancedYield': 0 })),
    ).toThrow('package.advancedYield: 0 must be greater than 0');
  });

  it('a real chip is still priced', () => {
    const r = estimateChipCost(getChipPreset('h100-sxm'), DEFAULT_COST_BOOK);
    expect(r.feasible).toBe(true);
    if (r.feasible) expect(r.cost.costPerChipUsd).toBeGreaterThan(1000);
  });
});

describe('number messages', () => {
  it('a NaN capex is "not finite", not "a number, got number NaN"', () => {
    expect(() =>
      tcoPerChip({ chipCapexUsd: Number.NaN, chipPowerW: 700, chipsPerHost: 8 }, new CostTrace(DEFAULT_COST_BOOK)),
    ).toThrow('chipCapexUsd: must be a finite number, got NaN');
  });
});
