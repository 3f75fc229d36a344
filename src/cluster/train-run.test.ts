import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { reliabilityAtScale } from './reliability.js';
import { getSystemPreset } from './systems.js';
import { timeToTrain, trainingStep } from './train.js';
import {
  DEFAULT_CHECKPOINT_S,
  DEFAULT_RESTART_S,
  defaultGlobalBatch,
  defaultSeq,
  planTrainingRun,
  resolvePlan,
  type TrainingRunInput,
} from './train-run.js';
import { transformerModel } from './transformer.js';

const model = transformerModel({ zoo: 'llama3-70b' }, 1);
const chip = getChipPreset('h100-sxm');
const system = getSystemPreset('dgx-h100');
const base: TrainingRunInput = {
  chips: 64,
  seq: 4096,
  globalBatch: 256,
  mode: 'plan',
  axes: { tp: 8, pp: 2 },
  options: {},
};

describe('a training run', () => {
  it("fills a plan's missing axes with tpusim train's defaults", () => {
    expect(defaultSeq(model)).toBe(4096);
    expect(defaultGlobalBatch(4096)).toBe(1024);
    expect(defaultGlobalBatch(1 << 30)).toBe(1);
    const plan = resolvePlan(64, 4096, 256, { tp: 8, pp: 2 });
    expect(plan).toEqual({
      tp: 8,
      pp: 2,
      cp: 1,
      dp: 4,
      ep: 1,
      zero: 1,
      microbatch: 1,
      globalBatch: 256,
      seq: 4096,
      recompute: 'selective',
      sequenceParallel: true,
      interleave: 1,
      overlapGradients: true,
    });
    expect(resolvePlan(64, 4096, 256, { tp: 1, dp: 3 }).sequenceParallel).toBe(false);
    expect(resolvePlan(64, 4096, 256, { tp: 1, dp: 3 }).dp).toBe(3);
  });

  it('evaluates one plan as trainingStep does, with reliability and the time to train', () => {
    const run = planTrainingRun(model, chip, system, { ...base, tokens: 1e12 });
    const step = trainingStep(model, chip, system, 64, resolvePlan(64, 4096, 256, base.axes));
    expect(run.problems).toEqual([]);
    expect(run.step).toEqual(step);
    const point = reliabilityAtScale({
      chips: [64],
      checkpointS: DEFAULT_CHECKPOINT_S,
      restartS: DEFAULT_RESTART_S,
    })[0]!;
    expect(run.reliability).toEqual({ ...point, checkpointS: DEFAULT_CHECKPOINT_S, restartS: DEFAULT_RESTART_S });
    const t = timeToTrain(step, 1e12);
    expect(run.training).toEqual({
      tokens: 1e12,
      steps: t.steps,
      computeS: t.seconds,
      wallS: t.seconds / point.goodputExponential,
      energyJ: t.energyJ,
    });
    expect(planTrainingRun(model, chip, system, base).training).toBeUndefined();
  });

  it('returns the problems of a plan that cannot run, and nothing else', () => {
    const run = planTrainingRun(model, chip, system, { ...base, axes: { tp: 3, pp: 2 } });
    expect(run.problems).toContain('tp=3 does not divide the 64 attention heads');
    expect(run.problems).toContain('tp x pp x dp x cp = 3 x 2 x 10 x 1 = 60, not the 64 chips');
    expect(run.step).toBeUndefined();
    expect(run.reliability).toBeUndefined();
  });

  it('searches the plans the axes leave open, keeps the best few, filters dp and honours no overlap', () => {
    const search: TrainingRunInput = { ...base, mode: 'search', axes: { tp: 8 }, top: 3 };
    const run = planTrainingRun(model, chip, system, search);
    expect(run.search!.best).toHaveLength(3);
    expect(run.search!.best.every((s) => s.plan.tp === 8)).toBe(true);
    expect(run.step).toBe(run.search!.best[0]);
    const dp = run.step!.plan.dp;
    expect(
      planTrainingRun(model, chip, system, { ...search, axes: { tp: 8, dp } }).search!.best.every(
        (s) => s.plan.dp === dp,
      ),
    ).toBe(true);
    const serial = planTrainingRun(model, chip, system, { ...search, axes: { tp: 8, overlapGradients: false } });
    expect(serial.search!.best.every((s) => !s.plan.overlapGradients)).toBe(true);
    for (let i = 1; i < 3; i++)
      expect(serial.search!.best[i]!.tokensPerS).toBeLessThanOrEqual(serial.search!.best[i - 1]!.tokensPerS);
  });
});
