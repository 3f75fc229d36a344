import { describe, expect, it } from 'vitest';
import { TpusimError } from '../core/errors.js';
import { GB } from '../core/units.js';
import { CostTrace, DEFAULT_COST_BOOK, withOverrides, withValues } from './costbook.js';
import { planSupply, SUPPLY_SCENARIOS, type SupplyInput, type SupplyPlan } from './fab.js';

/**
 * The worked example of shared/reference/tco-model.md 3.2: one 814 mm^2 N4-class die, 35.7 good per wafer, 80 GB HBM,
 * CoWoS-S.
 */
const h100Like = (
  acceleratorsPerYear: number,
  packagesPerInterposerWafer: number,
  goodDiesPerWafer = 35.7,
): SupplyInput => ({
  acceleratorsPerYear,
  logicDies: [{ name: 'gh100', nodeNm: 4, perAccelerator: 1, goodDiesPerWafer }],
  hbmGBPerAccelerator: 80,
  advancedPackage: true,
  packagesPerInterposerWafer,
  packageYield: 0.95,
});

const plan = (input: SupplyInput): SupplyPlan => planSupply(input, new CostTrace(DEFAULT_COST_BOOK));

/** The reference prints 2-3 significant figures. */
const expectNear = (actual: number, expected: number, relative: number): void => {
  expect(Math.abs(actual - expected) / expected).toBeLessThan(relative);
};

const PB = 1e15;

const thrown = (f: () => unknown): TpusimError => {
  try {
    f();
  } catch (e) {
    if (e instanceof TpusimError) return e;
    throw e;
  }
  throw new Error('expected a TpusimError');
};

describe('planSupply: the reference worked example (tco-model.md 3.2)', () => {
  const million = SUPPLY_SCENARIOS[0]!.acceleratorsPerYear;

  it('has 1M and 10M accelerators per year as default scenarios', () => {
    expect(SUPPLY_SCENARIOS.map((s) => s.acceleratorsPerYear)).toEqual([1_000_000, 10_000_000]);
  });

  it(
    '1M accelerators of one 814 mm^2 die at 35.7 good dies per wafer: 28,000 wafers/year, 2,340 wpm, 0.12 ' +
      'of a 20k-wpm fab',
    () => {
      const p = plan(h100Like(million, 28));
      expectNear(p.logic.wafersPerYear, 28_000, 0.005);
      expectNear(p.logic.waferStartsPerMonth, 2_340, 0.005);
      expect(p.logic.fabs).toBeCloseTo(0.12, 2);
      expect(p.logic.wholeFabs).toBe(1);
      expect(p.logic.dies[0]!.fabs).toBe(p.logic.fabs);
      expect(p.logic.capitalUsd).toBeCloseTo(p.logic.fabs * 20e9, 0);
    },
  );

  it('with harvesting (52.9 good dies per wafer): 18,900 wafers/year, 1,580 wpm, 0.08 of a fab', () => {
    const p = plan(h100Like(million, 28, 52.9));
    expectNear(p.logic.wafersPerYear, 18_900, 0.005);
    expectNear(p.logic.waferStartsPerMonth, 1_580, 0.005);
    expect(p.logic.fabs).toBeCloseTo(0.08, 2);
  });

  it('CoWoS at 28 and 15 packages per wafer and 95% yield: 37,600-70,200 wafers/year (3,100-5,800 wpm)', () => {
    const [best, worst] = [plan(h100Like(million, 28)), plan(h100Like(million, 15))];
    expectNear(best.packaging.interposerWafersPerYear, 37_600, 0.002);
    expectNear(worst.packaging.interposerWafersPerYear, 70_200, 0.002);
    expectNear(best.packaging.waferStartsPerMonth, 3_100, 0.015);
    expectNear(worst.packaging.waferStartsPerMonth, 5_800, 0.015);
    expect(worst.packaging.share).toBeCloseTo(worst.packaging.waferStartsPerMonth / 75_000, 12);
  });

  it('80 GB of HBM each: 80 PB a year', () => {
    const p = plan(h100Like(million, 28));
    expect(p.hbm.demandGBPerYear * GB).toBeCloseTo(80 * PB, 0);
    expect(p.hbm.demandBitsPerYear).toBeCloseTo(80 * PB * 8, 0);
    expect(p.hbm.share).toBeCloseTo(80e6 / 2.4e9, 12);
  });

  it('10M scales every demand and capital linearly', () => {
    const [one, ten] = [plan(h100Like(million, 15)), plan(h100Like(SUPPLY_SCENARIOS[1]!.acceleratorsPerYear, 15))];
    const pairs: Array<[number, number]> = [
      [one.logic.wafersPerYear, ten.logic.wafersPerYear],
      [one.logic.fabs, ten.logic.fabs],
      [one.packaging.interposerWafersPerYear, ten.packaging.interposerWafersPerYear],
      [one.hbm.demandGBPerYear, ten.hbm.demandGBPerYear],
      [one.newCapitalUsd, ten.newCapitalUsd],
      ...one.resources.map((r, i): [number, number] => [r.share, ten.resources[i]!.share]),
    ];
    for (const [a, b] of pairs) expect(b / a).toBeCloseTo(10, 9);
    expect(ten.logic.wholeFabs).toBe(2);
    expectNear(ten.hbm.demandGBPerYear * GB, 800 * PB, 1e-12);
  });
});

describe('planSupply: the binding resource', () => {
  it('for an H100-like chip at 10M/year, packaging and HBM take 0.42-0.78 and 0.33 of world supply', () => {
    for (const perWafer of [15, 28]) {
      const p = plan(h100Like(10_000_000, perWafer));
      expect(p.packaging.share).toBeGreaterThan(0.4);
      expect(p.packaging.share).toBeLessThan(0.8);
      expect(p.packaging.share).toBeGreaterThan(p.hbm.share);
      expect(p.hbm.share).toBeCloseTo(1 / 3, 12);
    }
  });

  // The reference concludes packaging and HBM bind, comparing them with world supply and logic's ~1 fab
  // with TSMC's many. The default book has no world leading-edge wafer capacity, only one fab module, so
  // logic's share is fabs needed (1.17 here) and by the documented rule logic binds. Not tuned: reported.
  it(
    "for an H100-like chip at 10M/year, packaging binds (the reference's conclusion), though logic needs " +
      'more than one new fab module',
    () => {
      for (const perWafer of [15, 28]) {
        const p = plan(h100Like(10_000_000, perWafer));
        expect(p.logic.fabs).toBeGreaterThan(1);
        const share = (r: string): number => p.resources.find((x) => x.resource === r)!.share;
        // ~23k wafers/month of ~250k leading-edge: under a tenth.
        expect(share('logic wafers')).toBeLessThan(0.1);
        expect(share('HBM')).toBeCloseTo(0.333, 2);
        expect(p.binding).toBe('advanced packaging');
      }
    },
  );

  it('binding is the first of the resources, sorted by share, and every row names its supply key', () => {
    const p = plan({
      ...h100Like(1_000_000, 15),
      logicDies: [{ name: 'small', nodeNm: 5, perAccelerator: 1, goodDiesPerWafer: 400 }],
    });
    const shares = p.resources.map((r) => r.share);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(p.binding).toBe(p.resources[0]!.resource);
    expect(p.binding).toBe('advanced packaging');
    expect(p.resources.map((r) => r.supplyKey).sort()).toEqual([
      'fab.cowosWaferStartsPerMonth',
      'fab.hbmGBPerYear',
      'fab.leadingEdgeWaferStartsPerMonth',
    ]);
    expect(p.newCapitalUsd).toBeCloseTo(
      p.resources.reduce((s, r) => s + r.capitalUsd, 0),
      0,
    );
  });

  it('without an advanced package, packaging demands nothing and its inputs may be 0', () => {
    const p = plan({ ...h100Like(1_000_000, 0), advancedPackage: false, packageYield: 0, hbmGBPerAccelerator: 0 });
    expect(p.packaging).toEqual({ interposerWafersPerYear: 0, waferStartsPerMonth: 0, share: 0, capitalUsd: 0 });
    expect(p.hbm.share).toBe(0);
    expect(p.binding).toBe('logic wafers');
  });

  it('dies on one node share whole fabs; on different nodes they do not', () => {
    const die = { perAccelerator: 1, goodDiesPerWafer: 40 };
    const twoOnOneNode = plan({
      ...h100Like(1_000_000, 28),
      logicDies: [
        { name: 'a', nodeNm: 4, ...die },
        { name: 'b', nodeNm: 4, ...die },
      ],
    });
    const twoNodes = plan({
      ...h100Like(1_000_000, 28),
      logicDies: [
        { name: 'a', nodeNm: 4, ...die },
        { name: 'b', nodeNm: 7, ...die },
      ],
    });
    expect(twoOnOneNode.logic.wholeFabs).toBe(1);
    expect(twoNodes.logic.wholeFabs).toBe(2);
    expect(twoOnOneNode.logic.dies.map((d) => d.wholeFabs)).toEqual([1, 1]);
  });

  it('records the book keys it read, and the plan round-trips through JSON', () => {
    const trace = new CostTrace(DEFAULT_COST_BOOK);
    const p = planSupply(h100Like(1_000_000, 28), trace);
    expect(trace.keys()).toEqual([
      'fab.capexUsd',
      'fab.cowosCapexUsdPerWpm',
      'fab.cowosWaferStartsPerMonth',
      'fab.hbmCapexUsdPerGBPerYear',
      'fab.hbmGBPerYear',
      'fab.leadingEdgeWaferStartsPerMonth',
      'fab.waferStartsPerMonth',
    ]);
    expect(trace.estimates()).not.toContain('fab.waferStartsPerMonth');
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('planSupply: validation', () => {
  it('names the field, the value and the limit, and reports every problem', () => {
    const bad = {
      ...h100Like(0, 28),
      logicDies: [{ name: 'gh100', nodeNm: 4, perAccelerator: 1.5, goodDiesPerWafer: -2 }],
      hbmGBPerAccelerator: -80,
      packageYield: 1.5,
    };
    const e = thrown(() => plan(bad));
    expect(e.code).toBe('invalid_supply_input');
    const messages = e.issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages).toEqual([
      'acceleratorsPerYear: 0 accelerators/year must be greater than 0 accelerators/year',
      'logicDies[0].perAccelerator: 1.5 is not an integer',
      'logicDies[0].goodDiesPerWafer: -2 must be greater than 0',
      'hbmGBPerAccelerator: -80 GB is below the minimum 0 GB',
      'packageYield: 1.5 exceeds the maximum 1',
    ]);
    expect(e.message).toContain('acceleratorsPerYear: 0 accelerators/year must be greater than 0');
  });

  it('requires at least one logic die and positive packaging figures for an advanced package', () => {
    const e = thrown(() => plan({ ...h100Like(1_000_000, 0), packageYield: 0, logicDies: [] }));
    expect(e.issues.map((i) => i.path)).toEqual(['logicDies', 'packagesPerInterposerWafer', 'packageYield']);
    expect(e.issues[1]!.message).toBe('0 must be greater than 0 for an advanced package');
  });

  it('rejects a book whose capacities would divide by zero, naming the key', () => {
    // A user's book cannot hold them (the book's limits); a book built in code still meets the planner's check.
    expect(withOverrides({ 'fab.waferStartsPerMonth': 0 }).ok).toBe(false);
    const book = withValues(DEFAULT_COST_BOOK, { 'fab.waferStartsPerMonth': 0, 'fab.hbmGBPerYear': 0 });
    const e = thrown(() => planSupply(h100Like(1_000_000, 28), new CostTrace(book)));
    expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'fab.waferStartsPerMonth: 0 wafers/month must be greater than 0 wafers/month',
      'fab.hbmGBPerYear: 0 GB/year must be greater than 0 GB/year',
    ]);
  });
});
