/**
 * A chip's board power by mechanism as bars (model/power.ts's breakdown), as the UI's Chip page draws it
 * beside the die area by mechanism. Pure: same breakdown, same bytes.
 */
import type { PowerBreakdown } from '../model/power.js';
import { barChartSvg } from './svg.js';

/** The mechanisms of a power breakdown in drawing order; their watts sum to the board power. */
export const POWER_BARS: ReadonlyArray<{ readonly key: keyof PowerBreakdown; readonly label: string }> = [
  { key: 'macW', label: 'MACs' },
  { key: 'operandW', label: 'operand delivery' },
  { key: 'sramW', label: 'SRAM and register files' },
  { key: 'wireW', label: 'on-chip wires' },
  { key: 'controlW', label: 'SIMT control' },
  { key: 'vectorW', label: 'vector units' },
  { key: 'clockTreeW', label: 'clock tree' },
  { key: 'leakageW', label: 'leakage' },
  { key: 'dramW', label: 'DRAM and PHY' },
  { key: 'dramStandbyW', label: 'DRAM standby' },
  { key: 'serdesW', label: 'SerDes' },
  { key: 'regulatorLossW', label: 'voltage regulators' },
];

export function powerBars(
  p: PowerBreakdown,
): Array<{ readonly key: string; readonly label: string; readonly value: number }> {
  return POWER_BARS.map((b) => ({ key: b.key, label: b.label, value: p[b.key] as number }));
}

/** Board power by mechanism, in W, at the breakdown's clock. */
export function chipPowerSvg(chip: string, p: PowerBreakdown, what: string): string {
  return barChartSvg({
    title: `${chip}: board power by mechanism, ${what}`,
    unit: 'W',
    axisLabel: 'power',
    bars: powerBars(p)
      .filter((b) => b.value > 0)
      .map((b) => ({ label: b.label, value: b.value })),
  });
}
