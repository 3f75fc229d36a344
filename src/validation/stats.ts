/**
 * Error statistics of predictions against measurements, per category and split, and the regime each
 * category covers (the chips, chip counts and model sizes its rows span).
 */
import type { RowPrediction } from './predict.js';
import {
  PHYSICAL_CATEGORIES,
  VALIDATION_CATEGORIES,
  type CategoryRegime,
  type CategorySummary,
  type ErrorStats,
  type ValidationCategory,
  type ValidationSummary,
} from '../model/validation.js';

type Predicted = Extract<RowPrediction, { ok: true }>;

const median = (values: readonly number[]): number => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export function errorStats(predictions: readonly Predicted[]): ErrorStats {
  const n = predictions.length;
  if (n === 0) return { rows: 0, mape: 0, medianSpeedRatio: 0, within15: 0, within30: 0 };
  const share = (limit: number): number => predictions.filter((p) => p.error <= limit).length / n;
  return {
    rows: n,
    mape: predictions.reduce((s, p) => s + p.error, 0) / n,
    medianSpeedRatio: median(predictions.map((p) => p.speedRatio)),
    within15: share(0.15),
    within30: share(0.3),
  };
}

function regimeOf(predictions: readonly Predicted[]): CategoryRegime {
  const chips = [...new Set(predictions.map((p) => p.regime.chip))].sort();
  const counts = predictions.map((p) => p.regime.chips);
  const params = predictions.flatMap((p) => (p.regime.params === undefined ? [] : [p.regime.params]));
  return {
    chips,
    chipCount: counts.length ? [Math.min(...counts), Math.max(...counts)] : [0, 0],
    params: params.length ? [Math.min(...params), Math.max(...params)] : null,
  };
}

export function summarize(predictions: readonly RowPrediction[]): ValidationSummary {
  const ok = predictions.filter((p): p is Predicted => p.ok);
  const categories = VALIDATION_CATEGORIES.map((category): CategorySummary => {
    const rows = ok.filter((p) => p.row.category === category);
    return {
      category,
      all: errorStats(rows),
      heldOut: errorStats(rows.filter((p) => p.row.split === 'held-out')),
      calibration: errorStats(rows.filter((p) => p.row.split === 'calibration')),
      regime: regimeOf(rows),
      unmapped: predictions.filter((p) => !p.ok && p.row.category === category).length,
    };
  });
  // The overall figures are the speed predictions' (power and area rows have their own categories).
  const speed = ok.filter((p) => !PHYSICAL_CATEGORIES.includes(p.row.category));
  return {
    categories,
    overall: { all: errorStats(speed), heldOut: errorStats(speed.filter((p) => p.row.split === 'held-out')) },
  };
}

/** The held-out rows of a category with the largest errors, worst first. */
export function worstRows(
  predictions: readonly RowPrediction[],
  category: ValidationCategory,
  count: number,
): Predicted[] {
  return predictions
    .filter((p): p is Predicted => p.ok && p.row.category === category && p.row.split === 'held-out')
    .sort((a, b) => b.error - a.error || a.row.id.localeCompare(b.row.id))
    .slice(0, count);
}
