/**
 * The economics charts, drawn from the cost layer's results as `tpusim cost`, `tco` and `fab` write
 * them and the UI's Economics page shows them: the cost waterfall per chip, the cost of a chip-hour by
 * part, the build-vs-buy ratio's tornado, and a fleet's share of world supply. Pure: same result, same bytes.
 */
import type { BuildVsBuyResult, TornadoBar } from '../cost/build-vs-buy.js';
import type { ChipCost } from '../cost/chip-cost.js';
import type { SupplyPlan } from '../cost/fab.js';
import type { ChipHourParts } from '../cost/tco.js';
import { formatReadable, formatReadableSI } from '../core/units.js';
import { tornadoSvg, waterfallSvg } from './economics-svg.js';
import { barChartSvg } from './svg.js';

/** A TCO as its chart needs it: the chip, the years its price is spread over, a chip-hour by part. */
export interface ChipHourChartInput {
  readonly chip: string;
  readonly years: number;
  readonly perChipHour: ChipHourParts;
}

/** Build vs buy as its tornado needs it: the chip built, the work's unit, the ratio and its sensitivity. */
export interface TornadoChartSource {
  readonly chip: string;
  /** The work counted, plural (inferences, tokens). */
  readonly unit: string;
  readonly buildVsBuy: Pick<BuildVsBuyResult, 'ratio'> & { readonly gpu: { readonly name: string } };
  readonly tornado: readonly TornadoBar[];
}

const usd = (x: number): string => `$${x >= 1e6 ? formatReadableSI(x) : formatReadable(x)}`;
const pct = (share: number): string => `${formatReadable(100 * share, 3)}%`;

/** What one chip costs, part by part from the dies to the total, at the cost's volume. */
export function costWaterfallSvg(c: ChipCost): string {
  const k = c.costs;
  return waterfallSvg({
    title: `${c.chip}: cost per chip at ${formatReadable(c.volume)} units`,
    unit: 'USD',
    axisLabel: 'cost per chip',
    totalLabel: 'cost per chip',
    steps: [
      { label: `logic die${c.dies > 1 ? `s (${c.dies})` : ''}`, value: k.diesUsd },
      { label: `memory (${formatReadable(c.memoryGB)} GB ${c.advancedPackage ? 'HBM' : 'DRAM'})`, value: k.memoryUsd },
      { label: c.advancedPackage ? 'package (interposer, assembly, test)' : 'package and test', value: k.packageUsd },
      { label: `package yield loss (${pct(c.packageYield)} yield)`, value: k.packageYieldLossUsd },
      { label: 'board', value: k.boardUsd },
      { label: `NRE share (${usd(c.nreTotalUsd)} / ${formatReadableSI(c.volume)})`, value: k.nreUsd },
    ],
  });
}

/** The owner's cost of one chip-hour: capital over the chip's life, data-centre capacity, energy, maintenance. */
export function chipHourSvg(t: ChipHourChartInput): string {
  const h = t.perChipHour;
  return waterfallSvg({
    title: `${t.chip}: cost per chip-hour`,
    unit: 'USD',
    axisLabel: 'cost per chip-hour',
    totalLabel: 'per chip-hour',
    steps: [
      { label: `capital over ${formatReadable(t.years)} years`, value: h.capitalUsd },
      { label: 'data-centre capacity', value: h.facilityUsd },
      { label: 'energy', value: h.energyUsd },
      { label: 'maintenance', value: h.maintenanceUsd },
    ],
  });
}

/** The build-vs-buy ratio at each assumption's low and high, against the tie at 1. */
export function buildVsBuyTornadoSvg(t: TornadoChartSource): string {
  const r = t.buildVsBuy;
  const per = t.unit.replace(/s$/, '');
  return tornadoSvg({
    title: `build ${t.chip} vs buy ${r.gpu.name}: ratio at each assumption's range`,
    baseline: r.ratio,
    baselineLabel: `ratio ${formatReadable(r.ratio, 3)}`,
    reference: { value: 1, label: 'tie' },
    axisLabel: `${r.gpu.name} $ per ${per} / ${t.chip} $ per ${per}`,
    bars: t.tornado.map((b) => ({
      label: b.name,
      atLow: b.ratioAtLow,
      atHigh: b.ratioAtHigh,
      ...(b.lowValue !== undefined ? { lowLabel: formatReadable(b.lowValue) } : {}),
      ...(b.highValue !== undefined ? { highLabel: formatReadable(b.highValue) } : {}),
    })),
  });
}

/** Each resource's share of today's world supply, per volume a year. */
export function supplySharesSvg(chip: string, plans: readonly SupplyPlan[]): string {
  return barChartSvg({
    title: `${chip}: share of world supply by volume`,
    unit: '%',
    axisLabel: 'share of world supply today',
    bars: plans.flatMap((p) => {
      const volume = formatReadableSI(p.input.acceleratorsPerYear);
      return p.resources.map((r) => ({
        label: `${r.resource}, ${volume}/yr`,
        value: 100 * r.share,
        group: `${volume} a year`,
      }));
    }),
  });
}
