/**
 * Total cost of ownership of one accelerator, per year and per chip-hour, after Barroso, Holzle and
 * Ranganathan's WSC TCO model (COST_SOURCES.barroso2018, ch. 6). Per accelerator, with its share of a
 * host (`chipsPerHost` accelerators share one) and of the network:
 *
 *   bought      = (chipCapexUsd + tco.hostUsd / chipsPerHost) x (1 + tco.networkShare)
 *   itPowerW    = chipPowerW + tco.hostW / chipsPerHost
 *   capex/yr    = bought / tco.itLifeYears
 *   facility/yr = tco.facilityUsdPerW x itPowerW x tco.pue / tco.facilityLifeYears
 *   energy/yr   = itPowerW x tco.averagePowerShare x tco.pue x 8760 h x tco.usdPerKWh / 1000
 *   maint./yr   = tco.maintenanceShare x bought
 *   usdPerChipHour = total/yr / 8760
 *
 * Facility: our choice is to provision the building for the IT load at full power plus its cooling and
 * power-conversion overhead, so the $/W applies to itPowerW x PUE. Barroso prices critical power alone
 * (as does shared/reference/tco-model.md 2.2); that convention's facility term is ours / PUE.
 */
import { formatIssues, TpusimError, type Issue } from '../core/errors.js';
import { number, object, validate, type Schema } from '../core/schema.js';
import { costValueIssues } from './cost-limits.js';
import type { CostTrace } from './costbook.js';

/** 365 days of 24 hours: the chip is owned, and paid for, every hour of the year. */
import { HOURS_PER_YEAR, SECONDS_PER_HOUR } from '../core/units.js';

export { HOURS_PER_YEAR, SECONDS_PER_HOUR };
const W_PER_KW = 1000;

export interface TcoInput {
  /** Price paid per accelerator, board or module included. */
  readonly chipCapexUsd: number;
  /** Full-load power of one accelerator. */
  readonly chipPowerW: number;
  /** Accelerators sharing one host server. */
  readonly chipsPerHost: number;
}

export interface TcoBreakdown {
  readonly input: TcoInput;
  /** Accelerator, host share and network share, as bought. */
  readonly boughtUsd: number;
  /** Accelerator plus host share, at full load. */
  readonly itPowerW: number;
  readonly capexUsdPerYear: number;
  readonly facilityUsdPerYear: number;
  readonly energyUsdPerYear: number;
  readonly maintenanceUsdPerYear: number;
  readonly totalUsdPerYear: number;
  readonly usdPerChipHour: number;
  /**
   * d(usdPerChipHour)/d(chipCapexUsd) = (1 + networkShare) x (1 / itLifeYears + maintenanceShare) / 8760:
   * the model is linear in the chip's price, so break-even prices and volumes have closed forms.
   */
  readonly usdPerChipHourPerCapexUsd: number;
}

export const TCO_INPUT_SCHEMA: Schema = object({
  chipCapexUsd: number({ min: 0, unit: 'USD' }),
  chipPowerW: number({ min: 0, unit: 'W' }),
  chipsPerHost: number({ integer: true, min: 1 }),
});

/**
 * The book values the model reads; their limits (lives positive, PUE at least 1, shares in range) are in
 * cost-limits.ts.
 */
const TCO_KEYS: readonly string[] = [
  'tco.itLifeYears',
  'tco.facilityLifeYears',
  'tco.facilityUsdPerW',
  'tco.pue',
  'tco.usdPerKWh',
  'tco.maintenanceShare',
  'tco.networkShare',
  'tco.hostUsd',
  'tco.hostW',
  'tco.averagePowerShare',
];

/** Every problem with the book's TCO entries, with the key as the path. */
export function validateTcoBook(trace: CostTrace): Issue[] {
  return TCO_KEYS.flatMap((key) => costValueIssues(key, trace.value(key)));
}

/**
 * TCO of one accelerator (formulas in the file comment). Throws `TpusimError` (`invalid_tco_input`) listing every
 * problem.
 */
export function tcoPerChip(input: TcoInput, trace: CostTrace): TcoBreakdown {
  const issues = [...validate(TCO_INPUT_SCHEMA, input), ...validateTcoBook(trace)];
  if (issues.length > 0)
    throw new TpusimError('invalid_tco_input', `invalid TCO input:\n${formatIssues(issues)}`, { issues });
  const v = (key: string): number => trace.value(key);
  const network = 1 + v('tco.networkShare');
  const boughtUsd = (input.chipCapexUsd + v('tco.hostUsd') / input.chipsPerHost) * network;
  const itPowerW = input.chipPowerW + v('tco.hostW') / input.chipsPerHost;
  const pue = v('tco.pue');
  const capexUsdPerYear = boughtUsd / v('tco.itLifeYears');
  const facilityUsdPerYear = (v('tco.facilityUsdPerW') * itPowerW * pue) / v('tco.facilityLifeYears');
  const averageKW = (itPowerW * v('tco.averagePowerShare') * pue) / W_PER_KW;
  const energyUsdPerYear = averageKW * HOURS_PER_YEAR * v('tco.usdPerKWh');
  const maintenanceUsdPerYear = v('tco.maintenanceShare') * boughtUsd;
  const totalUsdPerYear = capexUsdPerYear + facilityUsdPerYear + energyUsdPerYear + maintenanceUsdPerYear;
  return {
    input: { chipCapexUsd: input.chipCapexUsd, chipPowerW: input.chipPowerW, chipsPerHost: input.chipsPerHost },
    boughtUsd,
    itPowerW,
    capexUsdPerYear,
    facilityUsdPerYear,
    energyUsdPerYear,
    maintenanceUsdPerYear,
    totalUsdPerYear,
    usdPerChipHour: totalUsdPerYear / HOURS_PER_YEAR,
    usdPerChipHourPerCapexUsd: (network * (1 / v('tco.itLifeYears') + v('tco.maintenanceShare'))) / HOURS_PER_YEAR,
  };
}

/** The cost of one chip-hour by part (they sum to `usdPerChipHour`). */
export interface ChipHourParts {
  readonly capitalUsd: number;
  readonly facilityUsd: number;
  readonly energyUsd: number;
  readonly maintenanceUsd: number;
}

/** Each yearly part of a TCO over the hours of a year, as a waterfall of the chip-hour draws them. */
export function splitChipHour(tco: TcoBreakdown): ChipHourParts {
  return {
    capitalUsd: tco.capexUsdPerYear / HOURS_PER_YEAR,
    facilityUsd: tco.facilityUsdPerYear / HOURS_PER_YEAR,
    energyUsd: tco.energyUsdPerYear / HOURS_PER_YEAR,
    maintenanceUsd: tco.maintenanceUsdPerYear / HOURS_PER_YEAR,
  };
}

/**
 * Work per dollar, perf/TCO (COST_SOURCES.barroso2018): throughputPerS x 3600 / usdPerChipHour, e.g.
 * tokens per USD. Throws `TpusimError` (`invalid_tco_input`) for a throughput <= 0.
 */
export function performancePerTco(throughputPerS: number, tco: TcoBreakdown): number {
  const issues = validate(number({ above: 0, unit: 'per s' }), throughputPerS, 'throughputPerS');
  if (issues.length > 0)
    throw new TpusimError('invalid_tco_input', `invalid TCO input:\n${formatIssues(issues)}`, { issues });
  return (throughputPerS * SECONDS_PER_HOUR) / tco.usdPerChipHour;
}

/**
 * Dollars per million tokens: the cost of a chip-hour over the tokens one chip serves in that hour,
 * usdPerChipHour / (tokensPerSPerChip x 3600) x 1e6. Throws `TpusimError` (`invalid_tco_input`) for a rate <= 0.
 */
export function usdPerMillionTokens(usdPerChipHour: number, tokensPerSPerChip: number): number {
  const issues = validate(number({ above: 0, unit: 'tokens/s' }), tokensPerSPerChip, 'tokensPerSPerChip');
  if (issues.length > 0)
    throw new TpusimError('invalid_tco_input', `invalid TCO input:\n${formatIssues(issues)}`, { issues });
  return (usdPerChipHour / (tokensPerSPerChip * SECONDS_PER_HOUR)) * 1e6;
}
