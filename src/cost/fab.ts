/**
 * Fab and supply planner: what N accelerators a year ask of leading-edge logic fabs, advanced
 * (CoWoS-class) packaging and HBM, after shared/reference/tco-model.md section 3.2. Per logic die type:
 *
 *   wafersPerYear       = acceleratorsPerYear x perAccelerator / goodDiesPerWafer
 *   waferStartsPerMonth = wafersPerYear / 12
 *   fabs                = waferStartsPerMonth / fab.waferStartsPerMonth     (tsmcArizona2020; wholeFabs = ceil)
 *   capitalUsd          = fabs x fab.capexUsd                               (tsmcArizona2020, estimate)
 *
 * Packaging (zero without an advanced package) and HBM:
 *
 *   interposerWafersPerYear = acceleratorsPerYear / (packagesPerInterposerWafer x packageYield)
 *   packaging share         = interposer wafer starts per month / fab.cowosWaferStartsPerMonth (cowosCapacity)
 *   packaging capitalUsd    = interposer wafer starts per month x fab.cowosCapexUsdPerWpm      (tpusim)
 *   hbmGBPerYear            = acceleratorsPerYear x hbmGBPerAccelerator; bits = GB x 8e9
 *   HBM share               = hbmGBPerYear / fab.hbmGBPerYear                 (trendforceHbm)
 *   HBM capitalUsd          = hbmGBPerYear x fab.hbmCapexUsdPerGBPerYear      (tpusim)
 *
 * Capital is in proportion to the capacity demanded for all three resources, so the figures add and
 * compare; building whole logic modules costs wholeFabs x fab.capexUsd.
 *
 * Binding resource. Each resource's `share` is its demand over the world's output of it today:
 * leading-edge logic wafers (fab.leadingEdgeWaferStartsPerMonth), CoWoS-class packaging
 * (fab.cowosWaferStartsPerMonth) and HBM (fab.hbmGBPerYear). `binding` is the resource with the largest
 * share (ties: logic, packaging, HBM), i.e. `resources[0]`: the one that runs out first if the fleet
 * were built from today's supply. Fab modules needed (`logic.fabs`, the reference's "share of one
 * 20k-wpm fab") are reported beside it: they say what building new capacity takes, not what binds.
 * For an H100-like chip at 10M/year: 0.09 of leading-edge logic, 0.42-0.78 of CoWoS, 0.33 of HBM, so
 * packaging binds, as the reference concludes.
 */
import { GB } from '../core/units.js';
import { formatIssues, issue, TpusimError, type Issue } from '../core/errors.js';
import { array, boolean, joinPath, number, object, string, validate, type Schema } from '../core/schema.js';
import { costValueIssues } from './cost-limits.js';
import type { CostTrace } from './costbook.js';

const MONTHS_PER_YEAR = 12;
const BITS_PER_BYTE = 8;

export interface LogicDieDemand {
  readonly name: string;
  readonly nodeNm: number;
  /** Dies of this type in one accelerator. */
  readonly perAccelerator: number;
  /** Good dies per wafer (dies per wafer x yield, harvesting included if the caller counts it). */
  readonly goodDiesPerWafer: number;
}

export interface SupplyInput {
  readonly acceleratorsPerYear: number;
  readonly logicDies: ReadonlyArray<LogicDieDemand>;
  readonly hbmGBPerAccelerator: number;
  /** A CoWoS-class package on a silicon interposer; false for an organic package (no interposer wafers). */
  readonly advancedPackage: boolean;
  /** Interposers (packages) per interposer wafer; the caller derives it from the interposer's area. */
  readonly packagesPerInterposerWafer: number;
  /** Share of assembled packages that pass. */
  readonly packageYield: number;
}

export interface LogicDieSupply {
  readonly name: string;
  readonly nodeNm: number;
  readonly wafersPerYear: number;
  readonly waferStartsPerMonth: number;
  /** Fab modules of fab.waferStartsPerMonth, fractional, and rounded up. */
  readonly fabs: number;
  readonly wholeFabs: number;
  readonly capitalUsd: number;
}

export type SupplyResourceName = 'logic wafers' | 'advanced packaging' | 'HBM';

export interface SupplyResource {
  readonly resource: SupplyResourceName;
  readonly demand: number;
  readonly unit: string;
  /** The reference capacity: one fab module for logic, the world's output today for packaging and HBM. */
  readonly supply: number;
  /** The cost-book key `supply` comes from. */
  readonly supplyKey: string;
  /** demand / supply. */
  readonly share: number;
  readonly capitalUsd: number;
}

export interface SupplyPlan {
  readonly input: SupplyInput;
  readonly logic: {
    readonly dies: readonly LogicDieSupply[];
    readonly wafersPerYear: number;
    readonly waferStartsPerMonth: number;
    readonly fabs: number;
    /** Whole modules per node (dies on one node share fabs), summed over nodes. */
    readonly wholeFabs: number;
    readonly capitalUsd: number;
  };
  readonly packaging: {
    readonly interposerWafersPerYear: number;
    readonly waferStartsPerMonth: number;
    /** Share of today's CoWoS capacity. */
    readonly share: number;
    readonly capitalUsd: number;
  };
  readonly hbm: {
    readonly demandGBPerYear: number;
    readonly demandBitsPerYear: number;
    /** Share of the world's HBM output. */
    readonly share: number;
    readonly capitalUsd: number;
  };
  /** Largest share first; see the file comment for what the shares compare against. */
  readonly resources: readonly SupplyResource[];
  readonly binding: SupplyResourceName;
  /** Sum of the three resources' capital. */
  readonly newCapitalUsd: number;
}

/** Default volumes; the per-accelerator shape (dies, HBM, package) comes from a chip. */
export const SUPPLY_SCENARIOS: ReadonlyArray<{ readonly name: string; readonly acceleratorsPerYear: number }> = [
  { name: '1M accelerators per year', acceleratorsPerYear: 1_000_000 },
  { name: '10M accelerators per year', acceleratorsPerYear: 10_000_000 },
];

export const SUPPLY_INPUT_SCHEMA: Schema = object(
  {
    acceleratorsPerYear: number({ above: 0, unit: 'accelerators/year' }),
    logicDies: array(
      object({
        name: string({ minLength: 1 }),
        nodeNm: number({ above: 0, unit: 'nm' }),
        perAccelerator: number({ integer: true, min: 1 }),
        goodDiesPerWafer: number({ above: 0 }),
      }),
      { minLength: 1 },
    ),
    hbmGBPerAccelerator: number({ min: 0, unit: 'GB' }),
    advancedPackage: boolean(),
    packagesPerInterposerWafer: number({ min: 0 }),
    packageYield: number({ min: 0, max: 1 }),
  },
  (value, path, issues) => {
    // Only an advanced package divides by these, so only then must they be positive.
    if (value['advancedPackage'] !== true) return;
    for (const key of ['packagesPerInterposerWafer', 'packageYield']) {
      if (value[key] === 0)
        issues.push(issue('too_small', joinPath(path, key), '0 must be greater than 0 for an advanced package'));
    }
  },
);

/** The book values the planner reads; capacities divide, so their limits (cost-limits.ts) keep them positive. */
const SUPPLY_KEYS: readonly string[] = [
  'fab.waferStartsPerMonth',
  'fab.leadingEdgeWaferStartsPerMonth',
  'fab.capexUsd',
  'fab.cowosWaferStartsPerMonth',
  'fab.cowosCapexUsdPerWpm',
  'fab.hbmGBPerYear',
  'fab.hbmCapexUsdPerGBPerYear',
];

/** Every problem with a supply input and the book's fab entries, with paths (book keys for the book). */
export function validateSupplyInput(input: unknown, trace: CostTrace): Issue[] {
  const bookIssues = SUPPLY_KEYS.flatMap((key) => costValueIssues(key, trace.value(key)));
  return [...validate(SUPPLY_INPUT_SCHEMA, input), ...bookIssues];
}

/**
 * The supply plan (formulas and the binding rule in the file comment). Throws `TpusimError` (`invalid_supply_input`)
 * listing every problem.
 */
export function planSupply(input: SupplyInput, trace: CostTrace): SupplyPlan {
  const issues = validateSupplyInput(input, trace);
  if (issues.length > 0)
    throw new TpusimError('invalid_supply_input', `invalid supply input:\n${formatIssues(issues)}`, { issues });
  const v = (key: string): number => trace.value(key);
  const n = input.acceleratorsPerYear;
  const fabWpm = v('fab.waferStartsPerMonth');
  const worldLogicWpm = v('fab.leadingEdgeWaferStartsPerMonth');
  const fabCapexUsd = v('fab.capexUsd');

  const dies = input.logicDies.map((d): LogicDieSupply => {
    const wafersPerYear = (n * d.perAccelerator) / d.goodDiesPerWafer;
    const waferStartsPerMonth = wafersPerYear / MONTHS_PER_YEAR;
    const fabs = waferStartsPerMonth / fabWpm;
    return {
      name: d.name,
      nodeNm: d.nodeNm,
      wafersPerYear,
      waferStartsPerMonth,
      fabs,
      wholeFabs: Math.ceil(fabs),
      capitalUsd: fabs * fabCapexUsd,
    };
  });
  const wpmByNode = new Map<number, number>();
  for (const d of dies) wpmByNode.set(d.nodeNm, (wpmByNode.get(d.nodeNm) ?? 0) + d.waferStartsPerMonth);
  const logicWpm = sum(dies.map((d) => d.waferStartsPerMonth));
  const logic = {
    dies,
    wafersPerYear: sum(dies.map((d) => d.wafersPerYear)),
    waferStartsPerMonth: logicWpm,
    fabs: logicWpm / fabWpm,
    wholeFabs: sum([...wpmByNode.values()].map((wpm) => Math.ceil(wpm / fabWpm))),
    capitalUsd: sum(dies.map((d) => d.capitalUsd)),
  };

  const interposerWafersPerYear = input.advancedPackage
    ? n / (input.packagesPerInterposerWafer * input.packageYield)
    : 0;
  const packagingWpm = interposerWafersPerYear / MONTHS_PER_YEAR;
  const cowosWpm = v('fab.cowosWaferStartsPerMonth');
  const packaging = {
    interposerWafersPerYear,
    waferStartsPerMonth: packagingWpm,
    share: packagingWpm / cowosWpm,
    capitalUsd: packagingWpm * v('fab.cowosCapexUsdPerWpm'),
  };

  const hbmGBPerYear = n * input.hbmGBPerAccelerator;
  const worldHbmGBPerYear = v('fab.hbmGBPerYear');
  const hbm = {
    demandGBPerYear: hbmGBPerYear,
    demandBitsPerYear: hbmGBPerYear * GB * BITS_PER_BYTE,
    share: hbmGBPerYear / worldHbmGBPerYear,
    capitalUsd: hbmGBPerYear * v('fab.hbmCapexUsdPerGBPerYear'),
  };

  const rows: SupplyResource[] = [
    {
      resource: 'logic wafers',
      demand: logicWpm,
      unit: 'wafers/month',
      supply: worldLogicWpm,
      supplyKey: 'fab.leadingEdgeWaferStartsPerMonth',
      share: logicWpm / worldLogicWpm,
      capitalUsd: logic.capitalUsd,
    },
    {
      resource: 'advanced packaging',
      demand: packagingWpm,
      unit: 'wafers/month',
      supply: cowosWpm,
      supplyKey: 'fab.cowosWaferStartsPerMonth',
      share: packaging.share,
      capitalUsd: packaging.capitalUsd,
    },
    {
      resource: 'HBM',
      demand: hbmGBPerYear,
      unit: 'GB/year',
      supply: worldHbmGBPerYear,
      supplyKey: 'fab.hbmGBPerYear',
      share: hbm.share,
      capitalUsd: hbm.capitalUsd,
    },
  ];
  // Array.prototype.sort is stable, so equal shares keep the order above.
  const resources = [...rows].sort((a, b) => b.share - a.share);
  return {
    input: { ...input, logicDies: input.logicDies.map((d) => ({ ...d })) },
    logic,
    packaging,
    hbm,
    resources,
    binding: resources[0]!.resource,
    newCapitalUsd: logic.capitalUsd + packaging.capitalUsd + hbm.capitalUsd,
  };
}

/** Left-to-right sum: a fixed reduction order. */
function sum(values: readonly number[]): number {
  let total = 0;
  for (const x of values) total += x;
  return total;
}
