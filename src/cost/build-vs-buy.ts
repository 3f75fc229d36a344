/**
 * Build or buy: a custom accelerator at cost (variable cost plus its share of NRE) against a GPU at its
 * market price, compared per unit of work (a token, a sample), since the two need different numbers of
 * chips for the same work. Each side's cost per chip-hour is `tcoPerChip` (COST_SOURCES.barroso2018);
 *
 *   usdPerWorkUnit = usdPerChipHour / (throughputPerChip x 3600)
 *   workUsd        = work x usdPerWorkUnit
 *   ratio          = gpu.usdPerWorkUnit / custom.usdPerWorkUnit      (> 1: building wins)
 *
 * The custom chip's capex is variableCostUsd + nreUsd / volume (NRE: COST_SOURCES.semiengineering; GPU
 * prices: COST_SOURCES.gpuPrices). `tornado` swings the cost book's ranges and caller-given inputs.
 */
import { formatIssues, issue, nearestName, TpusimError, type Issue } from '../core/errors.js';
import { number, object, string, validate, type Schema } from '../core/schema.js';
import { trimNumber } from '../core/units.js';
import { rangeOf } from './cost-limits.js';
import { CostTrace, withValues, type CostBook } from './costbook.js';
import { SECONDS_PER_HOUR, tcoPerChip, type TcoBreakdown } from './tco.js';

export interface CustomChipInput {
  readonly name: string;
  /** Manufacturing cost per accelerator (die, memory, package, board), NRE excluded. */
  readonly variableCostUsd: number;
  /** Design, masks, software and bring-up, paid once. */
  readonly nreUsd: number;
  readonly powerW: number;
  readonly chipsPerHost: number;
  /** Work units per second per accelerator, e.g. tokens/s. */
  readonly throughputPerChip: number;
}

export interface MarketChipInput {
  readonly name: string;
  readonly priceUsd: number;
  readonly powerW: number;
  readonly chipsPerHost: number;
  /** Work units per second per accelerator, in the custom side's unit. */
  readonly throughputPerChip: number;
}

export interface BuildVsBuyInput {
  readonly custom: CustomChipInput;
  readonly gpu: MarketChipInput;
  /** Custom accelerators built, over which the NRE is amortized. */
  readonly volume: number;
  /** Work units to do, e.g. the tokens of a training run or a year of serving. */
  readonly work: number;
}

export interface BuildVsBuySide {
  readonly name: string;
  /** The price per accelerator fed to the TCO: market price, or variable cost + NRE / volume. */
  readonly chipCapexUsd: number;
  readonly tco: TcoBreakdown;
  readonly usdPerWorkUnit: number;
  readonly chipHours: number;
  readonly workUsd: number;
}

export interface BuildVsBuyResult {
  readonly custom: BuildVsBuySide;
  readonly gpu: BuildVsBuySide;
  /** gpu.usdPerWorkUnit / custom.usdPerWorkUnit: above 1, building is cheaper per unit of work. */
  readonly ratio: number;
  readonly buildWins: boolean;
  /** Custom capex per accelerator (variable + NRE share) at which the two tie per unit of work. */
  readonly breakEvenChipCapexUsd: number;
  /** Volume at which the two tie: nreUsd / (breakEvenChipCapexUsd - variableCostUsd); Infinity if none. */
  readonly breakEvenVolume: number;
  readonly breakEvenReason: string;
  /** Cost-book keys read, and those of them that are estimates. */
  readonly costKeys: readonly string[];
  readonly estimateKeys: readonly string[];
}

const usd = number({ min: 0, unit: 'USD' });
const perHost = number({ integer: true, min: 1 });
const positive = (unit: string): Schema => number({ above: 0, unit });
const name = string({ minLength: 1 });

export const BUILD_VS_BUY_INPUT_SCHEMA: Schema = object({
  custom: object({
    name,
    variableCostUsd: usd,
    nreUsd: usd,
    powerW: number({ min: 0, unit: 'W' }),
    chipsPerHost: perHost,
    throughputPerChip: positive('per s'),
  }),
  gpu: object({
    name,
    priceUsd: usd,
    powerW: number({ min: 0, unit: 'W' }),
    chipsPerHost: perHost,
    throughputPerChip: positive('per s'),
  }),
  volume: positive('accelerators'),
  work: positive('work units'),
});

/** Every problem with a build-vs-buy input, each with its path, value and limit. */
export function validateBuildVsBuyInput(input: BuildVsBuyInput, path = ''): Issue[] {
  return validate(BUILD_VS_BUY_INPUT_SCHEMA, input, path);
}

function fail(issues: readonly Issue[]): never {
  throw new TpusimError('invalid_build_vs_buy_input', `invalid build-vs-buy input:\n${formatIssues(issues)}`, {
    issues,
  });
}

function side(
  sideName: string,
  chipCapexUsd: number,
  chip: MarketChipInput | CustomChipInput,
  work: number,
  trace: CostTrace,
): BuildVsBuySide {
  const tco = tcoPerChip({ chipCapexUsd, chipPowerW: chip.powerW, chipsPerHost: chip.chipsPerHost }, trace);
  const workPerChipHour = chip.throughputPerChip * SECONDS_PER_HOUR;
  const usdPerWorkUnit = tco.usdPerChipHour / workPerChipHour;
  return {
    name: sideName,
    chipCapexUsd,
    tco,
    usdPerWorkUnit,
    chipHours: work / workPerChipHour,
    workUsd: work * usdPerWorkUnit,
  };
}

/**
 * Break-even in closed form. usdPerChipHour = a + b x capex (tco.ts), so the custom side ties with the GPU
 * at capex* = (gpu.usdPerWorkUnit x custom.throughput x 3600 - a) / b, and at volume nre / (capex* - variable).
 */
function breakEven(
  input: BuildVsBuyInput,
  custom: BuildVsBuySide,
  gpu: BuildVsBuySide,
): Pick<BuildVsBuyResult, 'breakEvenChipCapexUsd' | 'breakEvenVolume' | 'breakEvenReason'> {
  const { tco } = custom;
  const slope = tco.usdPerChipHourPerCapexUsd;
  const atZeroCapex = tco.usdPerChipHour - slope * custom.chipCapexUsd;
  const capex = (gpu.usdPerWorkUnit * input.custom.throughputPerChip * SECONDS_PER_HOUR - atZeroCapex) / slope;
  const headroomUsd = capex - input.custom.variableCostUsd;
  const nre = input.custom.nreUsd;
  const volume = nre > 0 ? (headroomUsd > 0 ? nre / headroomUsd : Infinity) : headroomUsd >= 0 ? 0 : Infinity;
  const names = `${input.custom.name} against ${input.gpu.name}`;
  const tie = `$${trimNumber(capex)} of capex per accelerator`;
  const reason =
    volume === Infinity
      ? `${names}: building never wins; even with the NRE amortized to nothing, the variable cost of $` +
        `${trimNumber(input.custom.variableCostUsd)} per accelerator exceeds the ${tie} at which it would tie`
      : nre === 0
        ? `${names}: no NRE, so volume does not matter; building is never dearer, at any volume (it ties at ${tie})`
        : `${names}: ties at ${trimNumber(volume)} accelerators built (${tie}); ` +
          `${input.volume >= volume ? 'building' : 'buying'} wins at the ${trimNumber(input.volume)} asked`;
  return { breakEvenChipCapexUsd: capex, breakEvenVolume: volume, breakEvenReason: reason };
}

/**
 * Compares building and buying per unit of work. Throws `TpusimError` (`invalid_build_vs_buy_input`) listing every
 * problem.
 */
export function buildVsBuy(input: BuildVsBuyInput, book: CostBook): BuildVsBuyResult {
  const issues = validateBuildVsBuyInput(input);
  if (issues.length > 0) fail(issues);
  const trace = new CostTrace(book);
  const customCapex = input.custom.variableCostUsd + input.custom.nreUsd / input.volume;
  const custom = side(input.custom.name, customCapex, input.custom, input.work, trace);
  const gpu = side(input.gpu.name, input.gpu.priceUsd, input.gpu, input.work, trace);
  const ratio = gpu.usdPerWorkUnit / custom.usdPerWorkUnit;
  return {
    custom,
    gpu,
    ratio,
    buildWins: ratio > 1,
    ...breakEven(input, custom, gpu),
    costKeys: trace.keys(),
    estimateKeys: trace.estimates(),
  };
}

/** The book's main TCO assumptions, each with a low/high range in DEFAULT_COST_BOOK. */
export const TORNADO_KEYS: readonly string[] = [
  'tco.usdPerKWh',
  'tco.pue',
  'tco.itLifeYears',
  'tco.facilityUsdPerW',
  'tco.networkShare',
  'tco.hostUsd',
  'tco.maintenanceShare',
  'tco.averagePowerShare',
];

/** An input-level swing (volume, NRE, GPU price, throughput), with the swung values when the caller gives them. */
export interface InputSwing {
  readonly name: string;
  readonly low: BuildVsBuyInput;
  readonly high: BuildVsBuyInput;
  readonly lowValue?: number;
  readonly highValue?: number;
}

export interface TornadoBar {
  /** The cost-book key, or the input swing's name. */
  readonly name: string;
  /** The assumption's low and high values; absent for an input swing given without them. */
  readonly lowValue?: number;
  readonly highValue?: number;
  readonly ratioAtLow: number;
  readonly ratioAtHigh: number;
  /** |ratioAtHigh - ratioAtLow|: the bar's length. */
  readonly swing: number;
}

function bar(
  name: string,
  values: { lowValue?: number; highValue?: number },
  ratioAtLow: number,
  ratioAtHigh: number,
): TornadoBar {
  return { name, ...values, ratioAtLow, ratioAtHigh, swing: Math.abs(ratioAtHigh - ratioAtLow) };
}

/**
 * Sensitivity of the build-vs-buy ratio: each book key evaluated at its low and high (the rest at their
 * values), then each input swing; bars sorted by swing, largest first, ties in the order given.
 * A key without a range (a user's plain number) swings from its value to its value: a bar of length 0.
 * Throws `TpusimError` for keys the book lacks, and for invalid swing inputs.
 */
export function tornado(
  input: BuildVsBuyInput,
  book: CostBook,
  keys: readonly string[] = TORNADO_KEYS,
  extra: readonly InputSwing[] = [],
): TornadoBar[] {
  const issues: Issue[] = [...validateBuildVsBuyInput(input)];
  const ranges: Array<{ readonly key: string; readonly low: number; readonly high: number }> = [];
  for (const key of keys) {
    const found = book[key];
    const near = found ? undefined : nearestName(key, Object.keys(book));
    if (!found)
      issues.push(
        issue('unknown_cost_key', key, `the cost book has no '${key}'${near ? ` (did you mean '${near}'?)` : ''}`),
      );
    else ranges.push({ key, ...rangeOf(found) });
  }
  extra.forEach((swing, i) =>
    issues.push(
      ...validateBuildVsBuyInput(swing.low, `extra[${i}].low`),
      ...validateBuildVsBuyInput(swing.high, `extra[${i}].high`),
    ),
  );
  if (issues.length > 0) fail(issues);
  const bars = ranges.map(({ key, low, high }) =>
    bar(
      key,
      { lowValue: low, highValue: high },
      buildVsBuy(input, withValues(book, { [key]: low })).ratio,
      buildVsBuy(input, withValues(book, { [key]: high })).ratio,
    ),
  );
  for (const swing of extra) {
    const values = {
      ...(swing.lowValue !== undefined ? { lowValue: swing.lowValue } : {}),
      ...(swing.highValue !== undefined ? { highValue: swing.highValue } : {}),
    };
    bars.push(bar(swing.name, values, buildVsBuy(swing.low, book).ratio, buildVsBuy(swing.high, book).ratio));
  }
  return bars.sort((a, b) => b.swing - a.swing);
}
