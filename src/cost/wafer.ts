/**
 * Dies per wafer and die yield, the standard formulas (Hennessy & Patterson ch. 1; yield models after
 * Murphy 1964, Seeds, and Stapper's negative binomial).
 */
import { TpusimError } from '../core/errors.js';

export interface WaferGeometry {
  readonly diameterMm: number;
  /** Unusable rim. */
  readonly edgeExclusionMm: number;
  /** Saw street added to each die edge. */
  readonly scribeMm: number;
}

/** Problems with a wafer's geometry, each naming the field, the value and the limit. */
export function waferGeometryProblems(wafer: WaferGeometry): string[] {
  const problems: string[] = [];
  const { diameterMm, edgeExclusionMm, scribeMm } = wafer;
  if (!(Number.isFinite(diameterMm) && diameterMm > 0))
    problems.push(`wafer diameter ${diameterMm} mm must be a finite number > 0`);
  if (!(Number.isFinite(edgeExclusionMm) && edgeExclusionMm >= 0))
    problems.push(`edge exclusion ${edgeExclusionMm} mm must be a finite number >= 0`);
  else if (diameterMm > 0 && edgeExclusionMm >= diameterMm / 2)
    problems.push(`edge exclusion ${edgeExclusionMm} mm must be less than the wafer's radius, ${diameterMm / 2} mm`);
  if (!(Number.isFinite(scribeMm) && scribeMm >= 0))
    problems.push(`scribe ${scribeMm} mm must be a finite number >= 0`);
  return problems;
}

/** The wafer's area inside the edge exclusion. */
export function usableWaferMm2(wafer: WaferGeometry): number {
  return Math.PI * ((wafer.diameterMm - 2 * wafer.edgeExclusionMm) / 2) ** 2;
}

/**
 * Gross dies per wafer for a square die of `dieMm2`: usable wafer area over die area (scribe included),
 * less the partial dies around the edge, pi d / sqrt(2 S), with d the usable diameter. Never more than
 * the usable area over the die's, never less than 0.
 */
export function grossDiesPerWafer(dieMm2: number, wafer: WaferGeometry): number {
  if (!(Number.isFinite(dieMm2) && dieMm2 > 0))
    throw new TpusimError('invalid_die', `die area ${dieMm2} mm^2 must be a finite number > 0`);
  const problems = waferGeometryProblems(wafer);
  if (problems.length > 0) throw new TpusimError('invalid_wafer', problems.join('; '));
  const d = wafer.diameterMm - 2 * wafer.edgeExclusionMm;
  const side = Math.sqrt(dieMm2) + wafer.scribeMm;
  const s = side * side;
  const usable = usableWaferMm2(wafer);
  return Math.min(Math.floor(usable / s), Math.max(0, Math.floor(usable / s - (Math.PI * d) / Math.sqrt(2 * s))));
}

export const YIELD_MODELS = ['poisson', 'murphy', 'seeds', 'negative-binomial'] as const;
export type YieldModel = (typeof YIELD_MODELS)[number];

export interface YieldOptions {
  readonly model: YieldModel;
  /** Defects per cm^2. */
  readonly defectsPerCm2: number;
  /** Negative binomial clustering: large alpha tends to Poisson, alpha = 1 is Seeds. */
  readonly alpha: number;
  /**
   * Share of the die whose defects redundancy repairs (spare cores, SMs or rows harvested): defects
   * there do not kill the die, so the critical area is A (1 - r).
   */
  readonly harvestShare: number;
}

/** The fraction of dies that work, for a die of `dieMm2`. */
export function dieYield(dieMm2: number, options: YieldOptions): number {
  const { model, defectsPerCm2, alpha, harvestShare } = options;
  if (!(harvestShare >= 0 && harvestShare < 1))
    throw new TpusimError('invalid_yield', `harvest share ${harvestShare} must be in [0, 1)`);
  if (!(defectsPerCm2 >= 0))
    throw new TpusimError('invalid_yield', `defect density ${defectsPerCm2} per cm^2 must be >= 0`);
  const x = (dieMm2 / 100) * (1 - harvestShare) * defectsPerCm2;
  if (x === 0) return 1;
  switch (model) {
    case 'poisson':
      return Math.exp(-x);
    case 'murphy':
      return ((1 - Math.exp(-x)) / x) ** 2;
    case 'seeds':
      return 1 / (1 + x);
    case 'negative-binomial':
      if (!(alpha > 0)) throw new TpusimError('invalid_yield', `clustering alpha ${alpha} must be > 0`);
      return (1 + x / alpha) ** -alpha;
  }
}
