/**
 * Pipeline parallelism in a training step: the schedule's bubble, its point-to-point transfers, and
 * the expert-parallel communication the schedule overlaps with compute.
 *
 * - `1f1b` (Megatron-LM; Narayanan et al. 2021): with `interleave` virtual stages per chip the bubble
 *   is (pp - 1) / interleave microbatch times; activations go forward and their gradients back once
 *   per microbatch and virtual stage, exposed.
 * - `dualpipe` (DeepSeek-V3 Technical Report, section 3.2.1; github.com/deepseek-ai/DualPipe README,
 *   "Pipeline Bubbles and Memory Usage Comparison"): microbatches enter from both ends of the
 *   pipeline, and each forward chunk runs beside another microbatch's backward chunk so that "both
 *   all-to-all and PP communication can be fully hidden during execution". Bubble
 *   (pp/2 - 1)(F&B + B - 3W) for a forward chunk F, a full backward chunk B, its weight-gradient part
 *   W and an overlapped forward-and-backward pair F&B (here F + B: the pair's compute runs in turn,
 *   its communication hidden); each chip holds two stages' parameters (2x). Needs an even pp.
 *
 * Expert-parallel dispatch and combine hide behind the other microbatch's compute under DualPipe and
 * under Megatron-Core's 1F1B all-to-all overlap (`--overlap-moe-expert-parallel-comm`, "Overlaps
 * All-to-All with computation by merging FWD-BWD passes of adjacent microbatches": Megatron-Core MoE
 * README), slowing that compute by the SMs the dispatcher holds (overlap.ts).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { collectiveSeconds as collective } from './collectives.js';
import { overlapComputeLoss, overlapped } from './overlap.js';
import type { SystemSpec, TrainingPlan } from './types.js';

export const PIPELINE_SCHEDULES = ['1f1b', 'dualpipe'] as const;
export type PipelineSchedule = (typeof PIPELINE_SCHEDULES)[number];

export interface StageTimes {
  /** One microbatch on the busiest stage: forward, backward (with recomputation) and the weight-gradient part of it. */
  readonly forwardS: number;
  readonly backwardS: number;
  readonly weightGradS: number;
  /** The stage's time per microbatch with everything else (host waits, exposed communication). */
  readonly microbatchS: number;
}

export interface PipelineTime {
  /** Exposed point-to-point transfers per microbatch. */
  readonly p2pS: number;
  readonly bubbleS: number;
}

/** A plan's problem with the schedule, if any. */
export function scheduleProblem(schedule: PipelineSchedule, plan: TrainingPlan): string | undefined {
  if (schedule !== 'dualpipe') return undefined;
  if (plan.pp < 2 || plan.pp % 2 !== 0) return `DualPipe needs an even number of pipeline stages (pp=${plan.pp})`;
  if (plan.interleave > 1) return `DualPipe has its own two-way schedule; interleave=${plan.interleave} does not apply`;
  return undefined;
}

/** The pipeline's bubble and exposed point-to-point transfers under `schedule`. */
export function pipelineTime(
  system: SystemSpec,
  plan: TrainingPlan,
  schedule: PipelineSchedule,
  stage: StageTimes,
  model: { readonly hidden: number },
): PipelineTime {
  const { tp, pp, cp, dp } = plan;
  if (pp <= 1) return { p2pS: 0, bubbleS: 0 };
  if (schedule === 'dualpipe') {
    const pair = stage.forwardS + stage.backwardS;
    return { p2pS: 0, bubbleS: (pp / 2 - 1) * Math.max(0, pair + stage.backwardS - 3 * stage.weightGradS) };
  }
  const tokens = (plan.microbatch * plan.seq) / cp;
  const p2pBytes = (tokens * model.hidden * 2) / (plan.sequenceParallel ? tp : 1);
  const p2pS = 2 * plan.interleave * collective(system, 'p2p', p2pBytes, 2, tp * cp * dp);
  return { p2pS, bubbleS: ((pp - 1) / plan.interleave) * stage.microbatchS };
}

/**
 * Expert-parallel communication a microbatch exposes when it overlaps the paired microbatch's compute:
 * what does not fit under that compute, plus the compute slowed by the `sms` the dispatcher holds.
 */
export function exposedExpertParallelS(chip: ChipSpec, epCommS: number, computeS: number, sms: number): number {
  return epCommS <= 0 ? 0 : overlapped(computeS, epCommS, overlapComputeLoss(chip, sms)).exposedS;
}
