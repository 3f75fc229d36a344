import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { chipArea } from './area.js';
import { chipCost } from './chip-cost.js';
import { CostTrace, DEFAULT_COST_BOOK, withOverrides } from './costbook.js';
import { dieYield, grossDiesPerWafer } from './wafer.js';

const bare = { diameterMm: 300, edgeExclusionMm: 0, scribeMm: 0 };

describe('dies per wafer and yield (../shared/reference/tco-model.md, sections 1.1-1.2)', () => {
  it('gross dies per 300 mm wafer: 176.9, 63.5, 62.4, 59.6 for 331, 814, 826, 858 mm^2', () => {
    expect(grossDiesPerWafer(331, bare)).toBe(176);
    expect(grossDiesPerWafer(814, bare)).toBe(63);
    expect(grossDiesPerWafer(826, bare)).toBe(62);
    expect(grossDiesPerWafer(858, bare)).toBe(59);
    // Edge exclusion and scribe only take dies away.
    expect(grossDiesPerWafer(814, { diameterMm: 300, edgeExclusionMm: 3, scribeMm: 0.1 })).toBeLessThan(63);
  });
  it('an 814 mm^2 die: Poisson, Murphy, Seeds and negative binomial as tabulated', () => {
    const y = (model: 'poisson' | 'murphy' | 'seeds' | 'negative-binomial', d: number): number =>
      dieYield(814, { model, defectsPerCm2: d, alpha: 3, harvestShare: 0 });
    expect(y('poisson', 0.05)).toBeCloseTo(0.666, 3);
    expect(y('murphy', 0.07)).toBeCloseTo(0.581, 3);
    expect(y('seeds', 0.1)).toBeCloseTo(0.551, 3);
    expect(y('negative-binomial', 0.2)).toBeCloseTo(0.272, 3);
    // Harvesting half the die: Poisson exp(-0.07 x 8.14 x 0.5) = 0.75.
    expect(dieYield(814, { model: 'poisson', defectsPerCm2: 0.07, alpha: 3, harvestShare: 0.5 })).toBeCloseTo(0.752, 3);
  });
});

describe('area', () => {
  // The fit to the published dies and the held-out errors: area.test.ts (validation/data/area).
  it('TPU v1: the matrix unit is the quarter of the die the floor plan shows', () => {
    const a = chipArea(getChipPreset('tpu-v1'), new CostTrace(DEFAULT_COST_BOOK));
    expect(a.matrixMm2).toBeCloseTo(0.24 * 331, 6);
    expect(a.macClass).toBe('int8');
  });
  it('a design over the reticle becomes several dies in one package', () => {
    const a = chipArea(getChipPreset('b200'), new CostTrace(DEFAULT_COST_BOOK));
    expect(a.dies).toBe(2);
    expect(a.dieMm2).toBeLessThanOrEqual(858);
    expect(a.notes.join()).toMatch(/exceeds the 858 mm\^2 reticle/);
  });
});

describe('cost per chip', () => {
  it('an H100-class package costs about what analysts estimate (Raymond James ~$3,320 without board)', () => {
    const c = chipCost(getChipPreset('h100-sxm'), DEFAULT_COST_BOOK, { volume: 1e6 });
    const manufacturing = c.variableCostUsd - c.costs.boardUsd;
    console.log(
      `h100-sxm: dies $${c.costs.diesUsd.toFixed(0)}, HBM $${c.costs.memoryUsd.toFixed(0)}, package $` +
        `${c.costs.packageUsd.toFixed(0)}, manufacturing $${manufacturing.toFixed(0)}`,
    );
    expect(manufacturing).toBeGreaterThan(0.75 * 3320);
    expect(manufacturing).toBeLessThan(1.25 * 3320);
    expect(c.costPerChipUsd).toBeCloseTo(c.variableCostUsd + 542e6 / 1e6, 6);
  });
  it('NRE falls with volume; cost is deterministic and names its estimates', () => {
    const chip = getChipPreset('tpu-v4');
    const small = chipCost(chip, DEFAULT_COST_BOOK, { volume: 1000 });
    const large = chipCost(chip, DEFAULT_COST_BOOK, { volume: 1_000_000 });
    expect(small.costPerChipUsd - large.costPerChipUsd).toBeCloseTo(
      small.nreTotalUsd / 1000 - small.nreTotalUsd / 1e6,
      3,
    );
    expect(JSON.stringify(chipCost(chip, DEFAULT_COST_BOOK))).toBe(JSON.stringify(chipCost(chip, DEFAULT_COST_BOOK)));
    expect(small.estimates).toContain('memory.hbmUsdPerGB');
    expect(small.estimates).not.toContain('yield.defectsPerCm2.7');
  });
  it('TPU v1 keeps DRAM off the package: no interposer', () => {
    const c = chipCost(getChipPreset('tpu-v1'), DEFAULT_COST_BOOK);
    expect(c.advancedPackage).toBe(false);
    expect(c.interposersPerWafer).toBe(0);
  });
  it('a user book overrides entries, and a bad one names the key', () => {
    const book = withOverrides({ 'memory.hbmUsdPerGB': 30 }, 'mine.yaml');
    expect(book.ok).toBe(true);
    if (!book.ok) return;
    const a = chipCost(getChipPreset('h100-sxm'), DEFAULT_COST_BOOK);
    const b = chipCost(getChipPreset('h100-sxm'), book.value);
    expect(b.costs.memoryUsd).toBeCloseTo(2 * a.costs.memoryUsd, 6);
    expect(b.estimates).toContain('memory.hbmUsdPerGB');
    const bad = withOverrides({ 'memory.hbmUsdPerGb': 30, 'tco.pue': -1 }, 'bad.yaml');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => i.message).join('\n')).toMatch(
      /memory\.hbmUsdPerGb: not a cost-book key \(did you mean 'memory\.hbmUsdPerGB'\?\)/,
    );
    expect(bad.issues.map((i) => i.message).join('\n')).toMatch(/tco\.pue: -1 is below the minimum 1/);
  });
});
