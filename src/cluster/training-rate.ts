/** Training throughput per chip for TCO and sweeps, and how many accelerators a host carries. */
import type { ChipSpec } from '../arch/chip-spec.js';
import type { WorkloadRate } from '../model/workload-rate.js';
import { searchPlans } from './search.js';
import { SYSTEM_PRESETS } from './systems.js';
import { defaultGlobalBatch } from './train-run.js';
import type { TrainingStep } from './train.js';
import type { TransformerModel } from './transformer.js';
import type { SystemSpec } from './types.js';

/** Accelerators per host: the chip's preset system's, else 4 (TPU v1 to v4 hosts carry four; DGX eight). */
export function chipsPerHost(chip: ChipSpec): number {
  const system = Object.values(SYSTEM_PRESETS).find((s) => s.chip === chip.name);
  return system?.chipsPerHost ?? 4;
}

/**
 * Training tokens per second per chip for a transformer on `chips` chips of a system: the best plan
 * the search finds (cluster/search.ts) at a 4M-token global batch.
 */
export function trainingRate(
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  chips: number,
  seq: number,
): WorkloadRate & { readonly plan?: TrainingStep } {
  const r = searchPlans(model, chip, system, chips, { seq, globalBatch: defaultGlobalBatch(seq), keep: 1 });
  const best = r.best[0];
  if (!best)
    return {
      perSecond: 0,
      powerW: 0,
      unit: 'tokens',
      feasible: false,
      reasons: r.rejected.map((g) => g.message).slice(0, 3),
    };
  return {
    perSecond: best.tokensPerS / best.chips,
    powerW: best.energyPerStepJ / best.stepTimeS / best.chips,
    unit: 'tokens',
    feasible: true,
    reasons: [],
    plan: best,
  };
}
