import { describe, expect, it } from 'vitest';
import { TpusimError } from '../core/errors.js';
import { buildVsBuy, tornado, TORNADO_KEYS, type BuildVsBuyInput } from './build-vs-buy.js';
import { DEFAULT_COST_BOOK, withOverrides, withValues, type CostBook } from './costbook.js';

const bookWith = (values: Readonly<Record<string, number>>): CostBook => withValues(DEFAULT_COST_BOOK, values);

/** Round numbers, so the expected values below can be worked by hand. */
const BOOK = bookWith({
  'tco.itLifeYears': 4,
  'tco.facilityLifeYears': 12,
  'tco.facilityUsdPerW': 12,
  'tco.pue': 1.2,
  'tco.usdPerKWh': 0.08,
  'tco.maintenanceShare': 0.03,
  'tco.networkShare': 0.15,
  'tco.hostUsd': 16_000,
  'tco.hostW': 800,
  'tco.averagePowerShare': 0.8,
});

const INPUT: BuildVsBuyInput = {
  custom: { name: 'asic', variableCostUsd: 5000, nreUsd: 100e6, powerW: 300, chipsPerHost: 4, throughputPerChip: 500 },
  gpu: { name: 'gpu', priceUsd: 30_000, powerW: 700, chipsPerHost: 8, throughputPerChip: 1000 },
  volume: 50_000,
  work: 1e12,
};

/** A year per accelerator costs 0.322 per capex dollar (1.15 x (1/4 + 0.03)) plus host share, facility and energy. */
const GPU_USD_PER_YEAR = 0.322 * (30_000 + 2000) + (12 * 800 * 1.2) / 12 + 0.8 * 0.8 * 1.2 * 8760 * 0.08; // 11,802.2144
const CUSTOM_USD_PER_YEAR =
  0.322 * (5000 + 100e6 / 50_000 + 4000) + (12 * 500 * 1.2) / 12 + 0.5 * 0.8 * 1.2 * 8760 * 0.08; // 4,478.384

describe('buildVsBuy', () => {
  it('compares cost per unit of work, worked by hand', () => {
    const r = buildVsBuy(INPUT, BOOK);
    expect(GPU_USD_PER_YEAR).toBeCloseTo(11_802.2144, 9);
    expect(CUSTOM_USD_PER_YEAR).toBeCloseTo(4478.384, 9);
    expect(r.custom.chipCapexUsd).toBe(7000); // 5,000 + 100M / 50,000
    expect(r.gpu.chipCapexUsd).toBe(30_000);
    expect(r.gpu.tco.totalUsdPerYear).toBeCloseTo(GPU_USD_PER_YEAR, 9);
    expect(r.custom.tco.totalUsdPerYear).toBeCloseTo(CUSTOM_USD_PER_YEAR, 9);
    expect(r.gpu.usdPerWorkUnit).toBeCloseTo(GPU_USD_PER_YEAR / 8760 / 3.6e6, 18);
    expect(r.custom.usdPerWorkUnit).toBeCloseTo(CUSTOM_USD_PER_YEAR / 8760 / 1.8e6, 18);
    expect(r.gpu.chipHours).toBeCloseTo(1e12 / 3.6e6, 6);
    expect(r.custom.workUsd).toBeCloseTo((1e12 * CUSTOM_USD_PER_YEAR) / 8760 / 1.8e6, 6);
    // The ASIC does half the GPU's work per hour at 4,478 / 11,802 of its cost: 11,802.2144 / 8,956.768.
    expect(r.ratio).toBeCloseTo(1.3176867370015612, 12);
    expect(r.buildWins).toBe(true);
  });

  it('solves the break-even volume in closed form', () => {
    const r = buildVsBuy(INPUT, BOOK);
    // Ties when 0.322 c + 1,288 + 600 + 336.384 = 11,802.2144 / 2 (half the throughput): c = 11,418.40,
    // so the NRE may add 6,418.40 per accelerator: 100M / 6,418.40 = 15,580.2 accelerators.
    expect(r.breakEvenChipCapexUsd).toBeCloseTo((11_802.2144 / 2 - 2224.384) / 0.322, 6);
    expect(r.breakEvenVolume).toBeCloseTo(15_580.21896691342, 4);
    expect(r.breakEvenReason).toMatch(/ties at 15580 accelerators built .*building wins at the 50000 asked/);
    const at = buildVsBuy({ ...INPUT, volume: r.breakEvenVolume }, BOOK);
    expect(Math.abs(at.custom.usdPerWorkUnit / at.gpu.usdPerWorkUnit - 1)).toBeLessThan(1e-9);
    expect(buildVsBuy({ ...INPUT, volume: 10_000 }, BOOK).buildWins).toBe(false);
  });

  it('says when building never wins, and that volume does not matter without NRE', () => {
    const never = buildVsBuy({ ...INPUT, custom: { ...INPUT.custom, variableCostUsd: 12_000 } }, BOOK);
    expect(never.breakEvenVolume).toBe(Infinity);
    expect(never.buildWins).toBe(false);
    expect(never.breakEvenReason).toMatch(/building never wins.*\$12000 per accelerator exceeds the \$11420/);
    const noNre = buildVsBuy({ ...INPUT, custom: { ...INPUT.custom, nreUsd: 0 } }, BOOK);
    expect(noNre.breakEvenVolume).toBe(0);
    expect(noNre.breakEvenReason).toMatch(/no NRE/);
  });

  it('grows with the GPU price', () => {
    const ratios = [10_000, 20_000, 30_000, 40_000].map(
      (priceUsd) => buildVsBuy({ ...INPUT, gpu: { ...INPUT.gpu, priceUsd } }, BOOK).ratio,
    );
    for (let i = 1; i < ratios.length; i++) expect(ratios[i]!).toBeGreaterThan(ratios[i - 1]!);
  });

  it('lists the cost-book keys it used and which are estimates', () => {
    const r = buildVsBuy(INPUT, DEFAULT_COST_BOOK);
    expect(r.costKeys).toHaveLength(10);
    expect(r.estimateKeys).toContain('tco.pue');
    expect(r.estimateKeys).not.toContain('tco.usdPerKWh');
  });

  it('reports every bad input with its field, value and limit', () => {
    const bad: BuildVsBuyInput = {
      custom: { ...INPUT.custom, throughputPerChip: 0, nreUsd: -1 },
      gpu: { ...INPUT.gpu, name: '', chipsPerHost: 2.5 },
      volume: -10,
      work: 0,
    };
    let error: unknown;
    try {
      buildVsBuy(bad, BOOK);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TpusimError);
    const { code, issues, message } = error as TpusimError;
    expect(code).toBe('invalid_build_vs_buy_input');
    expect(issues.map((i) => i.path)).toEqual([
      'custom.nreUsd',
      'custom.throughputPerChip',
      'gpu.name',
      'gpu.chipsPerHost',
      'volume',
      'work',
    ]);
    expect(message).toContain('custom.throughputPerChip: 0 per s must be greater than 0 per s');
    expect(message).toContain('custom.nreUsd: -1 USD is below the minimum 0 USD');
    expect(message).toContain('gpu.chipsPerHost: 2.5 is not an integer');
    expect(message).toContain('volume: -10 accelerators must be greater than 0 accelerators');
  });
});

describe('tornado', () => {
  const volumeSwing = {
    name: 'volume',
    low: { ...INPUT, volume: 10_000 },
    high: { ...INPUT, volume: 200_000 },
    lowValue: 10_000,
    highValue: 200_000,
  };

  it('swings each key between its low and high, largest swing first', () => {
    const bars = tornado(INPUT, DEFAULT_COST_BOOK, TORNADO_KEYS, [volumeSwing]);
    expect(bars.map((b) => b.name).sort()).toEqual([...TORNADO_KEYS, 'volume'].sort());
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.swing).toBeLessThanOrEqual(bars[i - 1]!.swing);
    const host = bars.find((b) => b.name === 'tco.hostUsd')!;
    expect(host.lowValue).toBe(15_000);
    expect(host.highValue).toBe(40_000);
    const withHost = (v: number): number =>
      buildVsBuy(INPUT, { ...DEFAULT_COST_BOOK, 'tco.hostUsd': { ...DEFAULT_COST_BOOK['tco.hostUsd']!, value: v } })
        .ratio;
    expect(host.ratioAtLow).toBe(withHost(15_000));
    expect(host.ratioAtHigh).toBe(withHost(40_000));
    expect(host.swing).toBe(Math.abs(host.ratioAtHigh - host.ratioAtLow));
    const volume = bars.find((b) => b.name === 'volume')!;
    expect(volume.ratioAtHigh).toBeGreaterThan(volume.ratioAtLow); // more chips share the NRE
    expect(volume.lowValue).toBe(10_000);
    expect(tornado(INPUT, DEFAULT_COST_BOOK, TORNADO_KEYS, [volumeSwing])).toEqual(bars);
  });

  it('takes a subset of keys, and omits values an input swing does not give', () => {
    const bars = tornado(
      INPUT,
      BOOK,
      ['tco.pue'],
      [{ name: 'gpu price', low: INPUT, high: { ...INPUT, gpu: { ...INPUT.gpu, priceUsd: 40_000 } } }],
    );
    expect(bars.map((b) => b.name).sort()).toEqual(['gpu price', 'tco.pue']);
    const price = bars.find((b) => b.name === 'gpu price')!;
    expect('lowValue' in price).toBe(false);
    expect(JSON.parse(JSON.stringify(bars))).toEqual(bars);
  });

  it('rejects unknown keys and bad swings, all at once', () => {
    let error: unknown;
    try {
      tornado(
        INPUT,
        BOOK,
        ['tco.puee', 'wafer.diameterMm'],
        [{ name: 'bad', low: { ...INPUT, work: -1 }, high: INPUT }],
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TpusimError);
    const { issues, message } = error as TpusimError;
    expect(issues.map((i) => i.path)).toEqual(['tco.puee', 'extra[0].low.work']);
    expect(message).toContain("did you mean 'tco.pue'?");
  });

  it('swings a key without a range (a plain number in a user book) from its value to its value', () => {
    const book = withOverrides({ 'tco.pue': 1.3 }, 'mine.yaml');
    if (!book.ok) throw new Error('a plain PUE was rejected');
    const bars = tornado(INPUT, book.value);
    const pue = bars.find((b) => b.name === 'tco.pue')!;
    expect(pue).toMatchObject({ lowValue: 1.3, highValue: 1.3, swing: 0 });
    expect(bars).toHaveLength(TORNADO_KEYS.length);
  });
});
