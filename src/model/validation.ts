/**
 * Error bars for predictions: the held-out error of the validation category a prediction belongs to,
 * from the summary `npm run validate` last wrote (validation-data.ts, from the suite in validation/),
 * and whether the prediction lies inside the regime the category's rows cover. Plain data and a
 * lookup, so every layer above (cluster, the CLI, the UI) can quote it.
 */
import { trimNumber } from '../core/units.js';
import { VALIDATION_SUMMARY } from './validation-data.js';

export const VALIDATION_CATEGORIES = [
  'kernels',
  'training-node',
  'training-scale',
  'serving',
  'collectives',
  'power',
  'area',
] as const;
/** Categories of physical predictions (watts, clocks, die areas), kept out of the overall speed figures. */
export const PHYSICAL_CATEGORIES: readonly ValidationCategory[] = ['power', 'area'];
export type ValidationCategory = (typeof VALIDATION_CATEGORIES)[number];

export interface ErrorStats {
  readonly rows: number;
  /** Mean absolute percentage error, as a fraction (0.12 = 12%). */
  readonly mape: number;
  /** Median of predicted speed / measured speed (above 1: the model is optimistic). */
  readonly medianSpeedRatio: number;
  readonly within15: number;
  readonly within30: number;
}

export interface CategoryRegime {
  /** Chip presets with rows in the category, sorted. */
  readonly chips: readonly string[];
  readonly chipCount: readonly [number, number];
  /** Model parameters spanned (training and serving), or null. */
  readonly params: readonly [number, number] | null;
}

export interface CategorySummary {
  readonly category: ValidationCategory;
  readonly all: ErrorStats;
  readonly heldOut: ErrorStats;
  readonly calibration: ErrorStats;
  readonly regime: CategoryRegime;
  /** Rows that could not be mapped to a prediction. */
  readonly unmapped: number;
}

export interface ValidationSummary {
  readonly categories: readonly CategorySummary[];
  readonly overall: { readonly all: ErrorStats; readonly heldOut: ErrorStats };
}

/** What a prediction is: its chip, how many chips, the model's parameters where there is a model. */
export interface PredictionScope {
  readonly chip: string;
  readonly chips: number;
  readonly params?: number;
}

export interface ValidationNote {
  readonly category: ValidationCategory;
  /** Mean absolute percentage error over the category's held-out rows (a fraction), null without rows. */
  readonly mape: number | null;
  /** Held-out rows behind the figure. */
  readonly rows: number;
  readonly inRegime: boolean;
  /** Why the prediction lies outside the validated regime (empty inside it). */
  readonly outside: readonly string[];
  /** One sentence for people. */
  readonly text: string;
}

const LABELS: Readonly<Record<ValidationCategory, string>> = {
  kernels: 'kernel',
  'training-node': 'training (fewer than 100 chips)',
  'training-scale': 'large-scale training (100+ chips)',
  serving: 'serving',
  collectives: 'collective',
  power: 'power and clock',
  area: 'die area',
};

/** Parameters in billions, as model sizes are quoted. */
const billions = (params: number): string => `${trimNumber(params / 1e9, 3)}B`;

/** A count this far beyond the rows' range (either way) is outside the regime. */
const RANGE_SLACK = 2;

function outsideOf(summary: CategorySummary, scope: PredictionScope): string[] {
  const r = summary.regime;
  const out: string[] = [];
  if (!r.chips.includes(scope.chip))
    out.push(
      `no validated ${LABELS[summary.category]} rows on ${scope.chip} (rows on ${r.chips.join(', ') || 'no chip'})`,
    );
  const [lo, hi] = r.chipCount;
  if (scope.chips < lo / RANGE_SLACK || scope.chips > hi * RANGE_SLACK)
    out.push(`${scope.chips} chips is outside the ${lo}-${hi} chips of the rows`);
  if (scope.params !== undefined && r.params) {
    const [plo, phi] = r.params;
    if (scope.params < plo / RANGE_SLACK || scope.params > phi * RANGE_SLACK)
      out.push(`${billions(scope.params)} parameters is outside the ${billions(plo)}-${billions(phi)} of the rows`);
  }
  return out;
}

/** The validation behind a prediction of `category` for `scope`. */
export function validationFor(
  category: ValidationCategory,
  scope: PredictionScope,
  summary: ValidationSummary = VALIDATION_SUMMARY,
): ValidationNote {
  const c = summary.categories.find((s) => s.category === category);
  const rows = c?.heldOut.rows ?? 0;
  const mape = c && rows > 0 ? c.heldOut.mape : null;
  const outside =
    c && rows > 0 ? outsideOf(c, scope) : [`no held-out ${LABELS[category]} rows in the validation suite`];
  const figure =
    mape === null
      ? 'not validated'
      : `validated to +-${(mape * 100).toFixed(0)}% (MAPE over ${rows} held-out ${LABELS[category]} rows)`;
  const text = outside.length === 0 ? figure : `${figure}; outside the validated regime: ${outside.join('; ')}`;
  return { category, mape, rows, inRegime: outside.length === 0, outside, text };
}
