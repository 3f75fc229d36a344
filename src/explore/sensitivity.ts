/**
 * Which knobs matter. A tornado moves each knob alone to its lowest and highest value around one design
 * (the others held) and reports the objective's swing; rank correlations (Spearman's rho, ties given
 * their mean rank) relate each knob to each objective over the feasible rows of a sweep.
 */
import { knobExtremes, knobOrdinal, type KnobValue } from './knobs.js';
import type { ExploreSweep } from './compile-sweep.js';
import type { DesignRow } from './sweep-types.js';

export interface KnobTornadoBar {
  readonly knob: string;
  readonly low: KnobValue;
  readonly high: KnobValue;
  /** The objective with the knob at its low and high value (null where that design has no value). */
  readonly lowObjective: number | null;
  readonly highObjective: number | null;
  readonly lowFeasible: boolean;
  readonly highFeasible: boolean;
  /** |highObjective - lowObjective| (0 when either is null). */
  readonly swing: number;
}

/** Tornado of `objective` around `centre` (knob values by name): bars sorted by swing, largest first. */
export function knobTornado(
  sweep: ExploreSweep,
  centre: Readonly<Record<string, KnobValue>>,
  objective: string,
): KnobTornadoBar[] {
  const values = sweep.spec.knobs.map((k) => centre[k.name]!);
  const bars = sweep.spec.knobs.map((knob, i): KnobTornadoBar => {
    const [low, high] = knobExtremes(knob);
    const at = (v: KnobValue): DesignRow => sweep.evaluateValues(values.map((c, j) => (j === i ? v : c)));
    const lo = at(low);
    const hi = at(high);
    const lowObjective = lo.objectives[objective] ?? null;
    const highObjective = hi.objectives[objective] ?? null;
    const swing = lowObjective === null || highObjective === null ? 0 : Math.abs(highObjective - lowObjective);
    return {
      knob: knob.name,
      low,
      high,
      lowObjective,
      highObjective,
      lowFeasible: lo.feasible,
      highFeasible: hi.feasible,
      swing,
    };
  });
  return bars.sort((a, b) => b.swing - a.swing || a.knob.localeCompare(b.knob));
}

/** Ranks 1..n, ties sharing their mean rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    for (let t = i; t <= j; t++) out[order[t]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation, or null when either series is constant or shorter than 2. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length || x.length < 2) return null;
  const rx = ranks(x);
  const ry = ranks(y);
  const mean = (x.length + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = rx[i]! - mean;
    const b = ry[i]! - mean;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** rho[knob][objective] over the feasible rows (enumerated knobs by position in their list). */
export function rankCorrelations(
  sweep: ExploreSweep,
  rows: readonly DesignRow[],
): Record<string, Record<string, number | null>> {
  const feasible = rows.filter((r) => r.feasible);
  const out: Record<string, Record<string, number | null>> = {};
  for (const knob of sweep.spec.knobs) {
    const x = feasible.map((r) => knobOrdinal(knob.range, r.knobs[knob.name]!));
    out[knob.name] = {};
    for (const name of sweep.objectiveNames) {
      const pairs = feasible
        .map((r, i) => [x[i]!, r.objectives[name]] as const)
        .filter((p): p is readonly [number, number] => p[1] !== undefined);
      out[knob.name]![name] = spearman(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      );
    }
  }
  return out;
}
