/**
 * Running one workload on one chip, with the existing models: a GEMM with the kernel-level model
 * (model/gemm.ts, through explore/fast-gemm.ts), a forward pass with the analytical graph estimate (model/estimate.ts),
 * a serving point
 * with the closed-form serving model (cluster/serve.ts) and a training run with the plan search
 * (cluster/search.ts via cluster/training-rate.ts). Each returns its figures, or reasons when it cannot run.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { defaultMatrixFormat } from '../arch/derive.js';
import { TpusimError } from '../core/errors.js';
import { estimateGraph } from '../model/estimate.js';
import { servingContext, servingPoint, servingProblems } from '../cluster/serve.js';
import { SYSTEM_PRESETS } from '../cluster/systems.js';
import type { SystemSpec } from '../cluster/types.js';
import type { TransformerModel } from '../cluster/transformer.js';
import type { Graph } from '../graph/types.js';
import { trainingRate } from '../cluster/training-rate.js';
import { sweepGemmSeconds } from './fast-gemm.js';
import type { WorkloadSpec } from './sweep-spec.js';

/** What a workload run yields; rates are per chip, times in seconds. */
export interface WorkloadFigures {
  /** Units of work per second per chip (GEMMs, inferences, tokens). */
  readonly perSecondPerChip: number;
  readonly latencyS: number;
  readonly chips: number;
  /** Average power per chip while running, when the model gives one (else the chip's power is used). */
  readonly powerW?: number;
  readonly ttftS?: number;
  readonly tpotS?: number;
  readonly timeToTrainS?: number;
}

export type WorkloadOutcome =
  | { readonly ok: true; readonly figures: WorkloadFigures }
  | { readonly ok: false; readonly reasons: readonly string[] };

/** What a workload needs besides the chip: its graph or transformer (after model knobs) and sequence. */
export interface WorkloadInputs {
  readonly graph?: Graph;
  readonly model?: TransformerModel;
  readonly seq?: number;
}

/**
 * The system a cluster workload runs on: the spec's, else the preset system of the chip (or of the base), else a TPU
 * v5p pod.
 */
export function systemFor(workload: WorkloadSpec, chipName: string, baseName: string): SystemSpec {
  const named = 'system' in workload && workload.system ? SYSTEM_PRESETS[workload.system] : undefined;
  const byChip = (name: string): SystemSpec | undefined => Object.values(SYSTEM_PRESETS).find((s) => s.chip === name);
  return named ?? byChip(chipName) ?? byChip(baseName) ?? SYSTEM_PRESETS['tpu-v5p-pod']!;
}

function runServing(
  w: Extract<WorkloadSpec, { kind: 'serving' }>,
  chip: ChipSpec,
  system: SystemSpec,
  inputs: WorkloadInputs,
): WorkloadOutcome {
  const model = inputs.model!;
  const chips = w.tp * w.pp;
  const problems = servingProblems(model, { tp: w.tp, pp: w.pp }, chips);
  if (problems.length > 0) return { ok: false, reasons: problems.map((p) => `${w.name}: ${p}`) };
  const prompt = inputs.seq ?? w.prompt;
  const point = servingPoint(servingContext(model, chip, system, { tp: w.tp, pp: w.pp }), w.batch, prompt, w.output);
  if (!point.fits)
    return {
      ok: false,
      reasons: [
        `${w.name}: weights and KV cache need ${(point.memoryPerChipBytes / 1e9).toFixed(1)} GB per chip, more ` +
          `than the ${(chip.offChipMemory.capacityBytes / 1e9).toFixed(1)} GB the engine can use`,
      ],
    };
  return {
    ok: true,
    figures: {
      perSecondPerChip: point.tokensPerS / chips,
      latencyS: point.requestS,
      chips,
      ttftS: point.ttftS,
      tpotS: point.tpotS,
    },
  };
}

function runTraining(
  w: Extract<WorkloadSpec, { kind: 'training' }>,
  chip: ChipSpec,
  system: SystemSpec,
  inputs: WorkloadInputs,
): WorkloadOutcome {
  const rate = trainingRate(inputs.model!, chip, system, w.chips, inputs.seq ?? w.seq);
  if (!rate.feasible || !rate.plan)
    return { ok: false, reasons: [`${w.name}: no training plan fits`, ...rate.reasons.map((r) => `${w.name}: ${r}`)] };
  return {
    ok: true,
    figures: {
      perSecondPerChip: rate.perSecond,
      latencyS: rate.plan.stepTimeS,
      chips: w.chips,
      powerW: rate.powerW,
      timeToTrainS: w.tokens / (rate.perSecond * w.chips),
    },
  };
}

/** Runs `workload` on `chip`; a model's refusal (TpusimError) becomes reasons, never an exception. */
export function runWorkload(
  workload: WorkloadSpec,
  chip: ChipSpec,
  system: SystemSpec,
  inputs: WorkloadInputs,
): WorkloadOutcome {
  try {
    switch (workload.kind) {
      case 'gemm': {
        const t = sweepGemmSeconds(chip, workload.dtype ?? defaultMatrixFormat(chip), {
          batch: 1,
          m: workload.m,
          n: workload.n,
          k: workload.k,
          weightsAreParameters: true,
        });
        return { ok: true, figures: { perSecondPerChip: 1 / t, latencyS: t, chips: 1 } };
      }
      case 'inference': {
        const e = estimateGraph(inputs.graph!, chip, { detail: 'totals' });
        if (!e.feasible) return { ok: false, reasons: e.reasons.map((r) => `${workload.name}: ${r}`) };
        return {
          ok: true,
          figures: {
            perSecondPerChip: e.batch / e.totalTimeS,
            latencyS: e.totalTimeS,
            chips: 1,
            powerW: e.averagePowerW,
          },
        };
      }
      case 'serving':
        return runServing(workload, chip, system, inputs);
      case 'training':
        return runTraining(workload, chip, system, inputs);
    }
  } catch (error) {
    if (error instanceof TpusimError) return { ok: false, reasons: [`${workload.name}: ${error.message}`] };
    throw error;
  }
}
