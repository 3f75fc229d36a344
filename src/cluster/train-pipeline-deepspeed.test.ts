/**
 * DeepSpeed's pipeline schedule against the 1F1B bubble that train-pipeline.ts charges every stack.
 *
 * DeepSpeed's `TrainSchedule` (deepspeed/runtime/pipe/schedule.py, the same in v0.5.4, v0.6.0 and v0.7.0,
 * the releases of MT-NLG's and BLOOM's time) runs 2 (m + p - 1) steps; in each a stage runs one forward or
 * one backward pass, even stages forward on even steps and odd stages on odd steps, after blocking
 * exchanges with one neighbour:
 * a forward step receives the activation from the previous stage and sends it the last gradient, a
 * backward step sends the last activation to the next stage and receives its gradient. One could think
 * the blocking exchanges lock every step to the longer (backward) pass, 2 x max(F, B) per microbatch; the
 * simulation below says they do not: the step takes (m + p - 1)(F + B), 1F1B's, so the stack needs no
 * schedule of its own.
 */
import { describe, expect, it } from 'vitest';
import { getSystemPreset } from './systems.js';
import { pipelineTime } from './train-pipeline.js';
import type { TrainingPlan } from './types.js';

/** The microbatch stage `s` works on in step `t` and whether it runs forward (schedule.py's `_step_to_micro_batch`). */
function stepOf(t: number, s: number, p: number): { readonly micro: number; readonly forward: boolean } {
  const half = (n: number): number => Math.floor(n / 2);
  if (t % 2 === 0 && s % 2 === 0) return { micro: half(t) - half(s), forward: true };
  if (t % 2 === 1 && s % 2 === 1) return { micro: half(t - 1) - half(s), forward: true };
  if (t % 2 === 0) return { micro: half(t) - p + half(s + 1), forward: false };
  return { micro: half(t - 1) - p + 1 + half(s), forward: false };
}

/**
 * Makespan of DeepSpeed's TrainSchedule with `m` microbatches on `p` stages of forward `f` and backward `b`
 * seconds: a stage starts a step once it and the neighbour it exchanges with in that step have ended
 * their previous one (blocking send and receive; transfers take no time here).
 */
function deepSpeedMakespan(m: number, p: number, f: number, b: number): number {
  const valid = (i: number): boolean => i >= 0 && i < m;
  let end = new Array<number>(p).fill(0);
  const last = new Array<number>(p).fill(-1);
  for (let t = 0; t < 2 * (m + p - 1); t++) {
    const start = end.map((e, s) => {
      const { micro, forward } = stepOf(t, s, p);
      // RecvActivation / SendGrad with s - 1 on a forward step; SendActivation / RecvGrad with s + 1 on a backward one.
      const partner = forward ? s - 1 : s + 1;
      const exchanges = (valid(micro) || valid(last[s]!)) && partner >= 0 && partner < p;
      return exchanges ? Math.max(e, end[partner]!) : e;
    });
    end = start.map((st, s) => {
      const { micro, forward } = stepOf(t, s, p);
      last[s] = micro;
      return st + (valid(micro) ? (forward ? f : b) : 0);
    });
  }
  return Math.max(...end);
}

const plan = (pp: number, microbatches: number): TrainingPlan => ({
  tp: 8,
  pp,
  dp: 1,
  cp: 1,
  ep: 1,
  zero: 1,
  microbatch: 1,
  globalBatch: microbatches,
  seq: 2048,
  recompute: 'full',
  sequenceParallel: false,
  interleave: 1,
  overlapGradients: true,
});

describe("DeepSpeed's TrainSchedule", () => {
  const dgx = getSystemPreset('dgx-a100');
  // MT-NLG 530B (pp 35 with 240, 192 and 160 microbatches per pipeline), BLOOM (pp 12, 128), a short pipeline;
  // backward 3x forward (full recomputation) and 2x (none).
  const cases: [number, number, number, number][] = [
    [240, 35, 1, 3],
    [160, 35, 1, 3],
    [128, 12, 1, 3],
    [256, 6, 1, 2],
    [8, 4, 0.5, 1.5],
  ];
  it.each(cases)('%i microbatches on %i stages (F %f, B %f) take 1F1B time: m(F + B) + bubble', (m, p, f, b) => {
    const stage = { forwardS: f, backwardS: b, weightGradS: 0, microbatchS: f + b };
    const { bubbleS } = pipelineTime(dgx, plan(p, m), '1f1b', stage, { hidden: 20480 });
    expect(deepSpeedMakespan(m, p, f, b)).toBeCloseTo(m * (f + b) + bubbleS, 9);
  });
  it('and not the lock-step 2(m + p - 1) max(F, B) the blocking exchanges might suggest', () => {
    expect(deepSpeedMakespan(160, 35, 1, 3)).toBeLessThan(0.7 * 2 * (160 + 34) * 3);
  });
});
