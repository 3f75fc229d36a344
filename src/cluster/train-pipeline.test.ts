/**
 * Pipeline schedules (1F1B, DualPipe) and the expert-parallel overlap they allow, against numbers
 * worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { collectiveSeconds } from './collectives.js';
import { overlapComputeLoss } from './overlap.js';
import { getSystemPreset } from './systems.js';
import { exposedExpertParallelS, pipelineTime, scheduleProblem } from './train-pipeline.js';
import { trainingStep } from './train.js';
import { transformerModel } from './transformer.js';
import type { TrainingPlan } from './types.js';

const plan = (p: Partial<TrainingPlan>): TrainingPlan => ({
  tp: 1,
  pp: 16,
  dp: 8,
  cp: 1,
  ep: 8,
  zero: 1,
  microbatch: 1,
  globalBatch: 256,
  seq: 4096,
  recompute: 'none',
  sequenceParallel: false,
  interleave: 1,
  overlapGradients: true,
  ...p,
});
const dgx = getSystemPreset('dgx-h100');
const stage = { forwardS: 1, backwardS: 2, weightGradS: 1, microbatchS: 3.5 };

describe('pipeline schedules', () => {
  it('1F1B: (pp - 1) / interleave microbatch times, and two transfers per microbatch and virtual stage', () => {
    const t = pipelineTime(dgx, plan({ interleave: 2 }), '1f1b', stage, { hidden: 7168 });
    expect(t.bubbleS).toBeCloseTo((15 / 2) * 3.5, 12);
    expect(t.p2pS).toBeCloseTo(2 * 2 * collectiveSeconds(dgx, 'p2p', 4096 * 7168 * 2, 2, 8), 15);
  });
  it('DualPipe: (pp/2 - 1)(F&B + B - 3W) with F&B = F + B, transfers hidden', () => {
    // (8 - 1) x ((1 + 2) + 2 - 3 x 1) = 14, against 1F1B's 15 x 3.5 = 52.5.
    const t = pipelineTime(dgx, plan({}), 'dualpipe', stage, { hidden: 7168 });
    expect(t.bubbleS).toBeCloseTo(14, 12);
    expect(t.p2pS).toBe(0);
  });
  it('DualPipe needs an even pp and no interleaving', () => {
    expect(scheduleProblem('dualpipe', plan({ pp: 3 }))).toMatch(/even/);
    expect(scheduleProblem('dualpipe', plan({ interleave: 2 }))).toMatch(/interleave/);
    expect(scheduleProblem('dualpipe', plan({}))).toBeUndefined();
    expect(scheduleProblem('1f1b', plan({ pp: 3 }))).toBeUndefined();
  });
});

describe('expert-parallel communication hidden behind the paired microbatch', () => {
  const h800 = getChipPreset('h800');
  it('nothing to hide, nothing exposed', () => {
    expect(exposedExpertParallelS(h800, 0, 10, 20)).toBe(0);
  });
  it('overlapped: only the compute the 20 SMs take while it runs, 4 s x 20/132', () => {
    expect(overlapComputeLoss(h800, 20)).toBeCloseTo(20 / 132, 12);
    expect(exposedExpertParallelS(h800, 4, 10, 20)).toBeCloseTo(4 * (20 / 132), 12);
  });
  it('and what does not fit under the compute: 10 s of compute cover 10 / (1 - 20/132) s', () => {
    const covered = 10 / (1 - 20 / 132);
    expect(exposedExpertParallelS(h800, 20, 10, 20)).toBeCloseTo(20 - covered + covered * (20 / 132), 12);
  });
});

describe('a DualPipe step', () => {
  const model = transformerModel({ zoo: 'deepseek-v3' }, 4096);
  const h800 = getChipPreset('h800');
  const p = plan({ pp: 16, dp: 128, ep: 64, globalBatch: 15360 });
  const base = { dtype: 'fp8-e4m3', stack: 'other', moe: { dispatcher: 'deepep', fp8Dispatch: true } } as const;
  const onePipe = trainingStep(model, h800, dgx, 2048, p, base);
  const dual = trainingStep(model, h800, dgx, 2048, p, { ...base, pipelineSchedule: 'dualpipe' });
  it('hides the pipeline transfers and most of the all-to-all, and shrinks the bubble', () => {
    expect(dual.breakdown.ppCommS).toBe(0);
    expect(dual.breakdown.epCommS).toBeLessThan(0.25 * onePipe.breakdown.epCommS);
    expect(dual.breakdown.bubbleS).toBeLessThan(0.5 * onePipe.breakdown.bubbleS);
    expect(dual.stepTimeS).toBeLessThan(onePipe.stepTimeS);
  });
  it("keeps two stages' parameters on each chip", () => {
    expect(dual.memory.weightsBytes).toBeCloseTo(2 * onePipe.memory.weightsBytes, 6);
    expect(dual.memory.optimizerBytes).toBeCloseTo(2 * onePipe.memory.optimizerBytes, 6);
  });
  it('rejects an odd pipeline', () => {
    const odd = trainingStep(model, h800, dgx, 2048 - 128, plan({ pp: 15, dp: 128, ep: 64, globalBatch: 15360 }), {
      ...base,
      pipelineSchedule: 'dualpipe',
    });
    expect(odd.valid).toBe(false);
    expect(odd.reasons.join(' ')).toMatch(/DualPipe needs an even/);
  });
});
