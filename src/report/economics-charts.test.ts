import { describe, expect, it } from 'vitest';
import {
  chipCost,
  CostTrace,
  DEFAULT_COST_BOOK,
  getChipPreset,
  planSupply,
  splitChipHour,
  tcoPerChip,
  type TornadoBar,
} from '../index.js';
import {
  buildVsBuyTornadoSvg,
  chipHourSvg,
  costWaterfallSvg,
  supplySharesSvg,
  type TornadoChartSource,
} from './economics-charts.js';
import { count, tagsBalance, tippedRects } from './test-support/svg-checks.js';
import { valueLabel } from './svg-kit.js';

const book = DEFAULT_COST_BOOK;
const h100 = chipCost(getChipPreset('h100-sxm'), book, { volume: 1_000_000 });

describe('costWaterfallSvg', () => {
  const svg = costWaterfallSvg(h100);

  it('steps from the dies to the cost per chip, naming the memory, package yield and NRE', () => {
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('h100-sxm: cost per chip at 1,000,000 units');
    const bars = tippedRects(svg);
    expect(bars).toHaveLength(7);
    expect(bars[1]!.tip).toMatch(/^memory \([\d.]+ GB HBM\): /);
    expect(bars[3]!.tip).toMatch(/^package yield loss \([\d.]+% yield\): /);
    expect(bars[5]!.tip).toMatch(/^NRE share \(\$[\d.]+ M \/ 1 M\): /);
    expect(bars[6]!.tip).toBe(`cost per chip: ${valueLabel(h100.costPerChipUsd)} USD`);
  });

  it('is the same for the same cost, also after a JSON round trip', () => {
    expect(costWaterfallSvg(JSON.parse(JSON.stringify(h100)))).toBe(svg);
  });
});

describe('chipHourSvg', () => {
  it("draws a chip-hour's four parts and their sum", () => {
    const tco = tcoPerChip({ chipCapexUsd: 27_500, chipPowerW: 700, chipsPerHost: 8 }, new CostTrace(book));
    const svg = chipHourSvg({ chip: 'h100-sxm', years: 4, perChipHour: splitChipHour(tco) });
    expect(tagsBalance(svg)).toBe(true);
    const bars = tippedRects(svg);
    expect(bars.map((b) => b.tip.split(':')[0])).toEqual([
      'capital over 4 years',
      'data-centre capacity',
      'energy',
      'maintenance',
      'per chip-hour',
    ]);
    expect(bars[4]!.tip).toBe(`per chip-hour: ${valueLabel(tco.usdPerChipHour)} USD`);
  });
});

describe('buildVsBuyTornadoSvg', () => {
  const bar = (
    name: string,
    ratioAtLow: number,
    ratioAtHigh: number,
    values: Partial<TornadoBar> = {},
  ): TornadoBar => ({ name, ratioAtLow, ratioAtHigh, swing: Math.abs(ratioAtHigh - ratioAtLow), ...values });
  const source: TornadoChartSource = {
    chip: 'tpu-v4',
    unit: 'inferences',
    buildVsBuy: { ratio: 1.8, gpu: { name: 'a100' } },
    tornado: [
      bar('volume (/10, x10)', 0.9, 2.1, { lowValue: 10_000, highValue: 1_000_000 }),
      bar('tco.pue', 1.75, 1.85),
    ],
  };

  it('draws each assumption from the ratio, against the tie at 1, per unit of work', () => {
    const svg = buildVsBuyTornadoSvg(source);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('build tpu-v4 vs buy a100: ratio at each assumption&apos;s range');
    expect(svg).toContain('a100 $ per inference / tpu-v4 $ per inference');
    expect(svg).toContain('>ratio 1.8<');
    expect(svg).toContain('>tie<');
    const bars = tippedRects(svg);
    expect(bars).toHaveLength(4);
    expect(bars[0]!.tip).toBe('volume (/10, x10) at its low (10,000): 0.9');
    expect(bars[3]!.tip).toBe('tco.pue at its high: 1.85');
  });
});

describe('supplySharesSvg', () => {
  it("draws each resource's share of world supply, grouped by volume a year", () => {
    const plans = [1e6, 1e7].map((n) =>
      planSupply(
        {
          acceleratorsPerYear: n,
          logicDies: [
            {
              name: 'h100-sxm',
              nodeNm: h100.area.nodeNm,
              perAccelerator: h100.dies,
              goodDiesPerWafer: h100.goodDiesPerWafer,
            },
          ],
          hbmGBPerAccelerator: h100.memoryGB,
          advancedPackage: true,
          packagesPerInterposerWafer: h100.interposersPerWafer,
          packageYield: h100.packageYield,
        },
        new CostTrace(book),
      ),
    );
    const svg = supplySharesSvg('h100-sxm', plans);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('h100-sxm: share of world supply by volume');
    expect(tippedRects(svg)).toHaveLength(6);
    expect(count(svg, />1 M a year</g)).toBe(1);
    expect(count(svg, />10 M a year</g)).toBe(1);
    expect(svg).toContain('HBM, 10 M/yr');
  });
});
