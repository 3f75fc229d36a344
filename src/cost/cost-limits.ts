/**
 * The range every cost-book value must lie in, so that a book can only hold figures the formulas can
 * price: yields and shares in (0, 1] or [0, 1], lives and capacities above 0, PUE at least 1, an edge
 * exclusion inside the wafer's radius. Keys are exact (`tco.pue`) or a per-node / per-chip family
 * (`wafer.priceUsd` covers `wafer.priceUsd.7`). docs/reliability.md ("Input checks") lists them.
 */
import { issue, type Issue } from '../core/errors.js';
import { number, type NumberRules, type Schema } from '../core/schema.js';
import { AREA_LIMITS } from './area-book.js';
import type { CostBook } from './costbook.js';

const positive = (unit?: string): NumberRules => ({ above: 0, ...(unit ? { unit } : {}) });
const nonNegative = (unit?: string): NumberRules => ({ min: 0, ...(unit ? { unit } : {}) });
/** A yield: the share of parts that pass. 0 would divide every cost by zero. */
const yieldShare: NumberRules = { above: 0, max: 1 };
const share: NumberRules = { min: 0, max: 1 };

export const COST_LIMITS: Readonly<Record<string, NumberRules>> = {
  'area.sramBitcellUm2': positive('um^2'),
  'area.sramArrayEfficiency': yieldShare,
  // A register file bit is never denser than a bit of an SRAM macro.
  'area.registerFileFactor': { min: 1 },
  'area.logicDensityMtrMm2': positive('MTr/mm^2'),
  'area.int8MacMm2.28': positive('mm^2'),
  'area.floatMacRatio': positive(),
  'area.fp8MacRatio': positive(),
  'area.vectorLaneMacs': nonNegative(),
  'area.hbmPhyMm2': nonNegative('mm^2'),
  'area.ddrPhyMm2': nonNegative('mm^2'),
  'area.serdesMm2PerGBps': nonNegative('mm^2 per GB/s'),
  // The die is blocks / (1 - share): a share of 1 would make it infinite.
  'area.overheadShare': { min: 0, below: 1 },
  'area.reticleMm2': positive('mm^2'),
  ...AREA_LIMITS,
  // 450 mm is the largest wafer ever planned for production.
  'wafer.diameterMm': { above: 0, max: 450, unit: 'mm' },
  // Also below the wafer's radius (checked with the diameter, below).
  'wafer.edgeExclusionMm': nonNegative('mm'),
  // Saw streets are 0.05-0.15 mm; 5 mm is far beyond any.
  'wafer.scribeMm': { min: 0, max: 5, unit: 'mm' },
  'wafer.priceUsd': positive('USD'),
  // Early-ramp processes report ~0.5-1 defects/cm^2; at 10 a reticle-sized die has no yield left.
  'yield.defectsPerCm2': { min: 0, max: 10, unit: 'defects/cm^2' },
  'yield.clusteringAlpha': positive(),
  'memory.hbmUsdPerGB': nonNegative('USD/GB'),
  'memory.ddrUsdPerGB': nonNegative('USD/GB'),
  'memory.hbmStackYield': yieldShare,
  'memory.hbmStackFootprintMm2': nonNegative('mm^2'),
  'package.interposerWaferUsd': nonNegative('USD'),
  // The interposer carries the dies and stacks, so it is at least their area.
  'package.interposerMargin': { min: 1 },
  'package.advancedYield': yieldShare,
  'package.assemblyTestUsd': nonNegative('USD'),
  'package.standardUsd': nonNegative('USD'),
  'package.boardUsd': nonNegative('USD'),
  'nre.usd': nonNegative('USD'),
  'tco.itLifeYears': positive('years'),
  'tco.facilityLifeYears': positive('years'),
  'tco.facilityUsdPerW': nonNegative('USD/W'),
  'tco.pue': { min: 1 },
  'tco.usdPerKWh': nonNegative('USD/kWh'),
  'tco.maintenanceShare': share,
  'tco.networkShare': nonNegative(),
  'tco.hostUsd': nonNegative('USD'),
  'tco.hostW': nonNegative('W'),
  'tco.averagePowerShare': share,
  'market.priceUsd': nonNegative('USD'),
  // Capacities divide, so they must be positive.
  'fab.waferStartsPerMonth': positive('wafers/month'),
  'fab.leadingEdgeWaferStartsPerMonth': positive('wafers/month'),
  'fab.capexUsd': nonNegative('USD'),
  'fab.cowosWaferStartsPerMonth': positive('wafers/month'),
  'fab.cowosCapexUsdPerWpm': nonNegative('USD per wafer/month'),
  'fab.hbmGBPerYear': positive('GB/year'),
  'fab.hbmCapexUsdPerGBPerYear': nonNegative('USD per GB/year'),
};

const schemas = new Map<string, Schema>();

/** The limits of a key: its own, or its family's (the key less its last dotted part). */
export function costLimit(key: string): NumberRules | undefined {
  return COST_LIMITS[key] ?? COST_LIMITS[key.slice(0, key.lastIndexOf('.'))];
}

/** Problems with one value of `key` (none for a key without limits), with `path` (default the key). */
export function costValueIssues(key: string, value: unknown, path = key): Issue[] {
  const rules = costLimit(key);
  if (!rules) return [];
  let schema = schemas.get(key);
  if (!schema) {
    schema = number(rules);
    schemas.set(key, schema);
  }
  const issues: Issue[] = [];
  schema.check(value, path, issues);
  return issues;
}

/**
 * Every problem with a book's values (or those of `keys`): each value, low and high within its key's
 * limits, low <= high, and the edge exclusion inside the wafer's radius.
 */
export function validateCostValues(book: CostBook, keys: readonly string[] = Object.keys(book)): Issue[] {
  const issues: Issue[] = [];
  for (const key of keys) {
    const e = book[key];
    if (!e) continue;
    issues.push(...costValueIssues(key, e.value));
    if (e.low !== undefined) issues.push(...costValueIssues(key, e.low, `${key}.low`));
    if (e.high !== undefined) issues.push(...costValueIssues(key, e.high, `${key}.high`));
    if (e.low !== undefined && e.high !== undefined && e.low > e.high)
      issues.push(issue('bad_range', key, `low ${e.low} exceeds high ${e.high}`));
  }
  const diameter = book['wafer.diameterMm']?.value;
  const edge = book['wafer.edgeExclusionMm']?.value;
  if (
    (keys.includes('wafer.edgeExclusionMm') || keys.includes('wafer.diameterMm')) &&
    typeof diameter === 'number' &&
    typeof edge === 'number' &&
    diameter > 0 &&
    edge >= diameter / 2
  ) {
    issues.push(
      issue(
        'too_big',
        'wafer.edgeExclusionMm',
        `${edge} mm must be less than the wafer's radius, ${diameter / 2} mm (wafer.diameterMm / 2): nothing of ` +
          `the wafer would be left`,
      ),
    );
  }
  return issues;
}

/** A value's range for sensitivity swings: its low and high, or the value itself where the book gives none. */
export function rangeOf(e: { readonly value: number; readonly low?: number; readonly high?: number }): {
  readonly low: number;
  readonly high: number;
} {
  return { low: e.low ?? e.value, high: e.high ?? e.value };
}
