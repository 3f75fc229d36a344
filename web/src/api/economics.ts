/**
 * Requests of the Economics page: the cost of one chip at a volume, its TCO and work per dollar for a
 * zoo model with build vs buy against a GPU, and the fab capacity a fleet needs. The same library
 * calls and defaults as `tpusim cost`, `tpusim tco` (inference) and `tpusim fab`, so the numbers equal
 * their --json output.
 */
import {
  buildVsBuy,
  chipCost,
  chipPresetNames,
  chipsPerHost,
  COST_SOURCES,
  CostTrace,
  DEFAULT_COST_BOOK,
  HOURS_PER_YEAR,
  inferenceRate,
  loadModel,
  ownerPrice,
  planSupply,
  provisionedPowerW,
  splitChipHour,
  SUPPLY_SCENARIOS,
  tcoPerChip,
  tornado,
  zooModelNames,
  type BuildVsBuyInput,
  type ChipSpec,
  type CostBook,
  type InputSwing,
  type WorkloadRate,
} from '../../../src/web.js';
import { resolveChipSource } from './chip.js';

/** A cost-book entry the answer used that is not published or derived, with its source spelled out. */
export interface EstimateRow {
  readonly key: string;
  readonly value: number;
  readonly unit: string;
  readonly status: string;
  readonly source: string;
  readonly note: string;
  readonly low?: number;
  readonly high?: number;
}

const BOOK: CostBook = DEFAULT_COST_BOOK;
/** `tpusim tco`'s defaults: a fleet of 1,024 chips. */
const FLEET_CHIPS = 1024;

function estimateRows(keys: readonly string[]): EstimateRow[] {
  return [...new Set(keys)].sort().map((key) => {
    const e = BOOK[key]!;
    const source = (COST_SOURCES as Readonly<Record<string, string>>)[e.source] ?? e.source;
    return {
      key,
      value: e.value,
      unit: e.unit,
      status: e.status,
      source,
      note: e.note ?? '',
      ...(e.low !== undefined ? { low: e.low } : {}),
      ...(e.high !== undefined ? { high: e.high } : {}),
    };
  });
}

function checkVolume(volume: number, what: string): void {
  if (!(Number.isInteger(volume) && volume >= 1 && volume <= 1e12))
    throw new Error(`${what} must be a whole number from 1 to 1e12, got ${volume}`);
}

interface Priced {
  readonly capexUsd: number;
  readonly how: string;
  readonly built?: { readonly variableCostUsd: number; readonly nreUsd: number; readonly estimates: readonly string[] };
}

/**
 * As `tpusim tco` (ownerPrice): the book's market price for a chip sold on the market, else its cost to build at the
 * volume.
 */
function price(chip: ChipSpec, volume: number, forceBuild = false): Priced {
  const p = ownerPrice(chip, BOOK, volume, forceBuild);
  if (p.source === 'market' || !p.built) return { capexUsd: p.capexUsd, how: `market price (${p.status})` };
  const c = p.built;
  return {
    capexUsd: c.costPerChipUsd,
    how: `built at ${volume.toLocaleString('en-US')} units`,
    built: { variableCostUsd: c.variableCostUsd, nreUsd: c.nreTotalUsd, estimates: c.estimates },
  };
}

/** Inferences per second of a zoo model, kept per chip and model: the volume slider asks again and again. */
const rates = new Map<string, WorkloadRate>();
function rateOf(chip: ChipSpec, workload: string): WorkloadRate {
  if (!zooModelNames().includes(workload))
    throw new Error(`unknown model '${workload}' (the zoo has ${zooModelNames().join(', ')})`);
  const key = `${chip.name}\u0000${workload}`;
  const rate = rates.get(key) ?? inferenceRate(loadModel({ kind: 'zoo', name: workload }), chip);
  rates.set(key, rate);
  if (!rate.feasible) throw new Error(`${workload} cannot run on ${chip.name}: ${rate.reasons.join('; ')}`);
  return rate;
}

/** `tpusim tco`'s input swings besides the book's ranges: volume, NRE, the GPU's price, custom throughput. */
function inputSwings(input: BuildVsBuyInput, gpuName: string): InputSwing[] {
  const swing = (
    name: string,
    low: BuildVsBuyInput,
    high: BuildVsBuyInput,
    lowValue: number,
    highValue: number,
  ): InputSwing => ({ name, low, high, lowValue, highValue });
  const { volume, custom, gpu } = input;
  const nreKey = Object.keys(BOOK).find((k) => k.startsWith('nre.usd.') && BOOK[k]!.value === custom.nreUsd);
  const nre = nreKey ? BOOK[nreKey] : undefined;
  const market = BOOK[`market.priceUsd.${gpuName}`];
  const out = [
    swing(
      'volume (/10, x10)',
      { ...input, volume: Math.max(1, volume / 10) },
      { ...input, volume: volume * 10 },
      volume / 10,
      volume * 10,
    ),
  ];
  if (nre?.low !== undefined && nre.high !== undefined)
    out.push(
      swing(
        'NRE',
        { ...input, custom: { ...custom, nreUsd: nre.low } },
        { ...input, custom: { ...custom, nreUsd: nre.high } },
        nre.low,
        nre.high,
      ),
    );
  if (market?.low !== undefined && market.high !== undefined)
    out.push(
      swing(
        `${gpuName} price`,
        { ...input, gpu: { ...gpu, priceUsd: market.low } },
        { ...input, gpu: { ...gpu, priceUsd: market.high } },
        market.low,
        market.high,
      ),
    );
  const t = custom.throughputPerChip;
  out.push(
    swing(
      'custom throughput (x0.7, x1.3)',
      { ...input, custom: { ...custom, throughputPerChip: 0.7 * t } },
      { ...input, custom: { ...custom, throughputPerChip: 1.3 * t } },
      0.7 * t,
      1.3 * t,
    ),
  );
  return out;
}

/** Build `chip` at cost against buying `vs` at its market price, for the same work (as `tpusim tco --vs`). */
function versus(
  chip: ChipSpec,
  vs: string,
  priced: Priced,
  rate: WorkloadRate,
  workload: string,
  volume: number,
  years: number,
) {
  const gpu = resolveChipSource({ preset: vs });
  const market = BOOK[`market.priceUsd.${gpu.name}`];
  if (!market)
    throw new Error(
      `the cost book has no market price for ${gpu.name} (market.priceUsd.${gpu.name}); pick a GPU that has one`,
    );
  const built = priced.built ?? price(chip, volume, true).built!;
  const gpuRate = rateOf(gpu, workload);
  const input: BuildVsBuyInput = {
    custom: {
      name: chip.name,
      variableCostUsd: built.variableCostUsd,
      nreUsd: built.nreUsd,
      powerW: provisionedPowerW(chip).watts,
      chipsPerHost: chipsPerHost(chip),
      throughputPerChip: rate.perSecond,
    },
    gpu: {
      name: gpu.name,
      priceUsd: market.value,
      powerW: provisionedPowerW(gpu).watts,
      chipsPerHost: chipsPerHost(gpu),
      throughputPerChip: gpuRate.perSecond,
    },
    volume,
    work: rate.perSecond * 3600 * HOURS_PER_YEAR * years * FLEET_CHIPS,
  };
  return {
    input,
    gpuPriceStatus: market.status,
    result: buildVsBuy(input, BOOK),
    bars: tornado(input, BOOK, undefined, inputSwings(input, gpu.name)),
  };
}

export const economicsApi = {
  economicsOptions: (_args: object) => ({
    chips: chipPresetNames(),
    gpus: chipPresetNames().filter((name) => BOOK[`market.priceUsd.${name}`] !== undefined),
    workloads: zooModelNames(),
  }),
  /** `tpusim cost --chip CHIP --volume N --json`, with the estimates used spelled out. */
  economicsCost: (args: { chip: string; volume: number }) => {
    checkVolume(args.volume, 'volume');
    const chip = resolveChipSource({ preset: args.chip });
    const cost = chipCost(chip, BOOK, { volume: args.volume });
    return { cost, publishedDieMm2: chip.technology?.dieAreaMm2, estimates: estimateRows(cost.estimates) };
  },
  /** `tpusim tco --chip CHIP --workload MODEL --vs GPU --volume N --json` (inference). */
  economicsTco: (args: { chip: string; workload: string; vs: string; volume: number }) => {
    checkVolume(args.volume, 'volume');
    const chip = resolveChipSource({ preset: args.chip });
    const trace = new CostTrace(BOOK);
    const years = trace.value('tco.itLifeYears');
    const priced = price(chip, args.volume);
    const power = provisionedPowerW(chip);
    const tco = tcoPerChip(
      { chipCapexUsd: priced.capexUsd, chipPowerW: power.watts, chipsPerHost: chipsPerHost(chip) },
      trace,
    );
    const rate = rateOf(chip, args.workload);
    const vs = versus(chip, args.vs, priced, rate, args.workload, args.volume, years);
    return {
      chip: chip.name,
      workload: args.workload,
      unit: rate.unit,
      price: priced,
      powerW: power.watts,
      powerSource: power.source,
      chipsPerHost: chipsPerHost(chip),
      tco,
      perChipHour: splitChipHour(tco),
      usdPerChipHour: tco.usdPerChipHour,
      throughputPerChip: rate.perSecond,
      workPerUsd: (rate.perSecond * 3600) / tco.usdPerChipHour,
      chips: FLEET_CHIPS,
      years,
      fleetUsd: tco.usdPerChipHour * HOURS_PER_YEAR * years * FLEET_CHIPS,
      buildVsBuy: vs.result,
      buildVsBuyInput: vs.input,
      gpuPriceStatus: vs.gpuPriceStatus,
      tornado: vs.bars,
      estimates: estimateRows([...trace.estimates(), ...(priced.built?.estimates ?? []), ...vs.result.estimateKeys]),
    };
  },
  /** `tpusim fab --chip CHIP --json` at 1M and 10M a year (SUPPLY_SCENARIOS) and at `perYear`. */
  economicsFab: (args: { chip: string; perYear: number }) => {
    checkVolume(args.perYear, 'accelerators per year');
    const chip = resolveChipSource({ preset: args.chip });
    const c = chipCost(chip, BOOK, { harvestShare: 0 });
    const trace = new CostTrace(BOOK);
    const counts = [...new Set([...SUPPLY_SCENARIOS.map((s) => s.acceleratorsPerYear), args.perYear])].sort(
      (a, b) => a - b,
    );
    const hbmGBPerAccelerator = c.advancedPackage ? c.memoryGB : 0;
    const plans = counts.map((n) =>
      planSupply(
        {
          acceleratorsPerYear: n,
          logicDies: [
            { name: chip.name, nodeNm: c.area.nodeNm, perAccelerator: c.dies, goodDiesPerWafer: c.goodDiesPerWafer },
          ],
          hbmGBPerAccelerator,
          advancedPackage: c.advancedPackage,
          packagesPerInterposerWafer: c.interposersPerWafer,
          packageYield: c.packageYield,
        },
        trace,
      ),
    );
    return {
      chip: chip.name,
      dies: c.dies,
      dieAreaMm2: c.dieAreaMm2,
      nodeNm: c.area.nodeNm,
      goodDiesPerWafer: c.goodDiesPerWafer,
      interposersPerWafer: c.interposersPerWafer,
      hbmGBPerAccelerator,
      fabModuleWaferStartsPerMonth: trace.value('fab.waferStartsPerMonth'),
      perYear: args.perYear,
      plans,
      estimates: estimateRows([...trace.estimates(), ...c.estimates]),
    };
  },
};
