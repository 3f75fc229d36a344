/**
 * A chosen design against real chips: the same workloads (with the design's model knobs) evaluated on
 * chip presets, which are bought rather than built (market price, published TDP), and each objective as
 * a ratio. `advantage` is oriented so that above 1 means the design is better: design / chip for a
 * maximised objective, chip / design for a minimised one ("1.8x tpu-v5p on usdPerMtok").
 */
import { CHIP_PRESETS } from '../arch/presets/index.js';
import { ExploreError } from './errors.js';
import { createWorkloadCache, evaluateChip } from './evaluate.js';
import type { ExploreSweep } from './compile-sweep.js';
import type { DesignRow } from './sweep-types.js';

export const DEFAULT_REFERENCE_CHIPS = ['h100-sxm', 'b200', 'tpu-v5p'] as const;

export interface ChipComparison {
  readonly chip: string;
  readonly feasible: boolean;
  readonly reasons: readonly string[];
  readonly objectives: Readonly<Record<string, number>>;
  /** Per objective: design / chip. */
  readonly ratio: Readonly<Record<string, number>>;
  /** Per objective: above 1 where the design is better. */
  readonly advantage: Readonly<Record<string, number>>;
}

export interface DesignReport {
  readonly design: DesignRow;
  readonly comparisons: readonly ChipComparison[];
  /** One line per chip and objective, e.g. `1.82x tpu-v5p on usdPerMtok (min)`. */
  readonly summary: readonly string[];
}

export function compareDesign(
  sweep: ExploreSweep,
  design: DesignRow,
  chips: readonly string[] = DEFAULT_REFERENCE_CHIPS,
): DesignReport {
  const unknown = chips.filter((c) => !(c in CHIP_PRESETS));
  if (unknown.length > 0)
    throw new ExploreError(
      'unknown_chip',
      `unknown chip preset(s) ${unknown.join(', ')} (known: ${Object.keys(CHIP_PRESETS).join(', ')})`,
    );
  const values = sweep.spec.knobs.map((k) => design.knobs[k.name]!);
  const cache = createWorkloadCache();
  const summary: string[] = [];
  const comparisons = chips.map((name): ChipComparison => {
    const e = evaluateChip(sweep.spec, CHIP_PRESETS[name]!, 'reference', values, cache);
    const ratio: Record<string, number> = {};
    const advantage: Record<string, number> = {};
    for (const o of sweep.spec.objectives) {
      const mine = design.objectives[o.name];
      const theirs = e.objectives[o.name];
      if (mine === undefined || theirs === undefined || theirs === 0 || mine === 0) continue;
      ratio[o.name] = mine / theirs;
      advantage[o.name] = o.direction === 'max' ? mine / theirs : theirs / mine;
      summary.push(`${advantage[o.name]!.toFixed(2)}x ${name} on ${o.name} (${o.direction})`);
    }
    return { chip: name, feasible: e.feasible, reasons: e.reasons, objectives: e.objectives, ratio, advantage };
  });
  return { design, comparisons, summary };
}
