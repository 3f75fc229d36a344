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

/**
 * Gross dies per wafer for a square die of `dieMm2`: usable wafer area over die area (scribe included),
 * less the partial dies around the edge, pi d / sqrt(2 S), with d the usable diameter.
 */
export function grossDiesPerWafer(dieMm2: number, wafer: WaferGeometry): number {
  if (!(dieMm2 > 0)) throw new TpusimError('invalid_die', `die area ${dieMm2} mm^2 must be > 0`);
  const d = wafer.diameterMm - 2 * wafer.edgeExclusionMm;
  const side = Math.sqrt(dieMm2) + wafer.scribeMm;
  const s = side * side;
  return Math.max(0, Math.floor((Math.PI * (d / 2) ** 2) / s - (Math.PI * d) / Math.sqrt(2 * s)));
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
  if (!(harvestShare >= 0 && harvestShare < 1)) throw new TpusimError('invalid_yield', `harvest share ${harvestShare} must be in [0, 1)`);
  if (!(defectsPerCm2 >= 0)) throw new TpusimError('invalid_yield', `defect density ${defectsPerCm2} per cm^2 must be >= 0`);
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
