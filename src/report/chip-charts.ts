/**
 * The charts of one chip's area and cost, drawn from the cost layer's results as the UI's Chip page
 * shows them: die area by component and cost per chip by part. Pure: same result, same bytes.
 */
import type { AreaBreakdown } from '../cost/area.js';
import type { ChipCost } from '../cost/chip-cost.js';
import { formatReadable } from '../core/units.js';
import { barChartSvg } from './svg.js';

/** Die area by component, in mm². */
export function chipAreaSvg(chip: string, area: AreaBreakdown): string {
  return barChartSvg({
    title: `${chip}: die area by component`,
    unit: 'mm²',
    axisLabel: 'area',
    bars: area.blocks.filter((b) => b.mm2 > 0).map((b) => ({ label: b.label, value: b.mm2 })),
  });
}

/** Cost per chip by part at the cost's volume, in USD, as bars (the Economics page draws it as a waterfall). */
export function chipCostBarsSvg(cost: ChipCost): string {
  const k = cost.costs;
  return barChartSvg({
    title: `${cost.chip}: cost per chip at ${formatReadable(cost.volume)} units`,
    unit: 'USD',
    axisLabel: 'cost',
    bars: [
      { label: `logic die${cost.dies > 1 ? 's' : ''}`, value: k.diesUsd },
      { label: 'memory', value: k.memoryUsd },
      { label: 'package', value: k.packageUsd },
      { label: 'package yield loss', value: k.packageYieldLossUsd },
      { label: 'board', value: k.boardUsd },
      { label: 'design (NRE share)', value: k.nreUsd },
    ],
  });
}
