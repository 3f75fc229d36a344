/**
 * A training run as `tpusim train` and the web UI's Cluster page ask for it: one plan (the axes given,
 * the rest at their defaults) or a search over the plans the given axes leave open; then, for the plan
 * that runs, the interruptions to expect at its chip count and, for a token count, the time and energy
 * to train. A plan that cannot run is a result with its problems, not an exception.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { validationFor, type ValidationNote } from '../model/validation.js';
import { reliabilityAtScale, type ReliabilityPoint } from './reliability.js';
import { searchPlans, type SearchResult } from './search.js';
import { planProblems, timeToTrain, trainingStep, type TrainingOptions, type TrainingStep } from './train.js';
import type { TransformerModel } from './transformer.js';
import type { SystemSpec, TrainingPlan } from './types.js';

/** Tokens per step when no global batch is given: 4M, Llama 2's (Touvron et al. 2023, section 2.2). */
export const DEFAULT_TOKENS_PER_STEP = 4 * 2 ** 20;
/** Sequence length when none is given (or the model's maximum, if shorter). */
export const DEFAULT_SEQ = 4096;
/** Checkpoint write and restart times assumed for reliability when not given (estimates, not measured). */
export const DEFAULT_CHECKPOINT_S = 60;
export const DEFAULT_RESTART_S = 300;
/** Plans a search keeps when not told. */
export const DEFAULT_TOP = 10;

/** The plan's fields a run may fix; the sequence and global batch are the run's own. */
export type PlanAxes = Partial<Omit<TrainingPlan, 'seq' | 'globalBatch'>>;

export interface TrainingRunInput {
  readonly chips: number;
  readonly seq: number;
  /** Sequences per step (a search's target: each plan runs the most whole microbatches that fit). */
  readonly globalBatch: number;
  /** 'plan': one plan, the axes not given at their defaults; 'search': every plan the given axes leave open. */
  readonly mode: 'plan' | 'search';
  readonly axes: PlanAxes;
  readonly options: TrainingOptions;
  /** Search: plans kept, best first. */
  readonly top?: number;
  /** Tokens to train on, for the time and energy of the whole run. */
  readonly tokens?: number;
  readonly checkpointS?: number;
  readonly restartS?: number;
}

export interface TrainingRun {
  /** The plan asked for (mode 'plan'), defaults filled in. */
  readonly plan?: TrainingPlan;
  /** Why that plan cannot run at all; nothing else is computed then. */
  readonly problems: readonly string[];
  /** The plan's step, or the search's best (absent when no plan is valid). */
  readonly step?: TrainingStep;
  readonly search?: SearchResult;
  /** At the chips the step uses, with the checkpoint and restart times assumed. */
  readonly reliability?: ReliabilityPoint & { readonly checkpointS: number; readonly restartS: number };
  /**
   * The held-out error of the step's validation category (training on fewer than 100 chips, or at scale), and whether
   * the run lies inside the validated regime.
   */
  readonly validation?: ValidationNote;
  /** Time to train on `tokens`: `wallS` counts the goodput lost to interruptions. */
  readonly training?: {
    readonly tokens: number;
    readonly steps: number;
    readonly computeS: number;
    readonly wallS: number;
    readonly energyJ: number;
  };
}

export function defaultSeq(model: TransformerModel): number {
  return Math.min(DEFAULT_SEQ, model.maxPositions);
}

export function defaultGlobalBatch(seq: number): number {
  return Math.max(1, Math.round(DEFAULT_TOKENS_PER_STEP / seq));
}

/**
 * A whole plan from the axes given. Defaults: tp, pp, cp, ep 1; dp the whole replicas that fit in the
 * chips; ZeRO-1; microbatch 1; interleave 1; selective recomputation; sequence parallelism when tp > 1;
 * gradients reduced during the backward pass.
 */
export function resolvePlan(chips: number, seq: number, globalBatch: number, axes: PlanAxes): TrainingPlan {
  const tp = axes.tp ?? 1;
  const pp = axes.pp ?? 1;
  const cp = axes.cp ?? 1;
  return {
    tp,
    pp,
    cp,
    dp: axes.dp ?? Math.max(1, Math.floor(chips / (tp * pp * cp))),
    ep: axes.ep ?? 1,
    zero: axes.zero ?? 1,
    microbatch: axes.microbatch ?? 1,
    globalBatch,
    seq,
    recompute: axes.recompute ?? 'selective',
    sequenceParallel: axes.sequenceParallel ?? tp > 1,
    interleave: axes.interleave ?? 1,
    overlapGradients: axes.overlapGradients ?? true,
  };
}

/** The best plans with the axes given fixed (dp filters the result, as the search derives it). */
function searchRun(model: TransformerModel, chip: ChipSpec, system: SystemSpec, input: TrainingRunInput): SearchResult {
  // The search turns sequence parallelism on wherever tp > 1, so a given value does not restrict it.
  const { dp, sequenceParallel: _searchDecides, overlapGradients, ...fixed } = input.axes;
  const top = input.top ?? DEFAULT_TOP;
  let search = searchPlans(model, chip, system, input.chips, {
    ...input.options,
    seq: input.seq,
    globalBatch: input.globalBatch,
    keep: Math.max(top, 1),
    fixed,
  });
  if (dp !== undefined) search = { ...search, best: search.best.filter((s) => s.plan.dp === dp) };
  if (overlapGradients === false) {
    const best = search.best.map((s) =>
      trainingStep(model, chip, system, s.chips, { ...s.plan, overlapGradients: false }, input.options),
    );
    search = { ...search, best: best.sort((a, b) => b.tokensPerS - a.tokensPerS) };
  }
  return { ...search, best: search.best.slice(0, top) };
}

/** The validation behind a step: training on fewer than 100 chips, or at scale (validation/README.md). */
export function trainingValidation(chip: ChipSpec, step: TrainingStep, model: TransformerModel): ValidationNote {
  return validationFor(step.chips < 100 ? 'training-node' : 'training-scale', {
    chip: chip.name,
    chips: step.chips,
    params: model.params,
  });
}

/** One plan or a search, then reliability and time to train for the plan that runs. */
export function planTrainingRun(
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  input: TrainingRunInput,
): TrainingRun {
  let plan: TrainingPlan | undefined;
  let step: TrainingStep | undefined;
  let search: SearchResult | undefined;
  if (input.mode === 'plan') {
    plan = resolvePlan(input.chips, input.seq, input.globalBatch, input.axes);
    const problems = planProblems(model, input.chips, plan);
    if (problems.length > 0) return { plan, problems };
    step = trainingStep(model, chip, system, input.chips, plan, input.options);
  } else {
    search = searchRun(model, chip, system, input);
    step = search.best[0];
  }
  const checkpointS = input.checkpointS ?? DEFAULT_CHECKPOINT_S;
  const restartS = input.restartS ?? DEFAULT_RESTART_S;
  const reliability = step
    ? { ...reliabilityAtScale({ chips: [step.chips], checkpointS, restartS })[0]!, checkpointS, restartS }
    : undefined;
  const run = step && input.tokens !== undefined && step.valid ? timeToTrain(step, input.tokens) : undefined;
  const goodput = reliability?.goodputExponential ?? 1;
  return {
    ...(plan ? { plan } : {}),
    problems: [],
    ...(step ? { step } : {}),
    ...(search ? { search } : {}),
    ...(reliability ? { reliability } : {}),
    ...(step ? { validation: trainingValidation(chip, step, model) } : {}),
    ...(run && input.tokens !== undefined
      ? {
          training: {
            tokens: input.tokens,
            steps: run.steps,
            computeS: run.seconds,
            wallS: run.seconds / goodput,
            energyJ: run.energyJ,
          },
        }
      : {}),
  };
}
