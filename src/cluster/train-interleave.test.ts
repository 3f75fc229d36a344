/**
 * Interleaved 1F1B with chunks of one layer, as Llama 3 405B ran it (Llama Team 2024, section 3.3.2: "we reduce one
 * Transformer layer each from the first and the last stages ... the first model chunk on the first stage has only the
 * embedding, and the last model chunk on the last stage has only output projection and loss calculation"): 126 layers
 * in 16 x 8 chunks.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { getSystemPreset } from './systems.js';
import { planProblems, trainingStep } from './train.js';
import { transformerModel } from './transformer.js';
import type { TrainingPlan } from './types.js';

const model = transformerModel({ zoo: 'llama3-405b' }, 8192);
const plan: TrainingPlan = {
  tp: 8,
  pp: 16,
  dp: 128,
  cp: 1,
  ep: 1,
  zero: 2,
  microbatch: 1,
  globalBatch: 2048,
  seq: 8192,
  recompute: 'none',
  sequenceParallel: true,
  interleave: 8,
  overlapGradients: true,
};

describe('interleaved chunks of one layer', () => {
  it('accepts up to two chunks more than layers (the embedding alone, the output layer alone)', () => {
    expect(model.layers).toBe(126);
    expect(planProblems(model, 16384, plan)).toEqual([]);
    // 16 x 9 = 144 chunks for 126 layers: chunks with nothing in them.
    expect(planProblems(model, 16384, { ...plan, interleave: 9 }).join()).toContain(
      'interleave=9 needs pp > 1 and pp x interleave <= the 126 layers + 2',
    );
  });

  it('cuts the bubble to (pp - 1) / 8 microbatch times with 8 layers on the fullest rank', () => {
    const chip = getChipPreset('h100-sxm');
    const system = getSystemPreset('dgx-h100');
    const v8 = trainingStep(model, chip, system, 16384, plan);
    const v1 = trainingStep(model, chip, system, 16384, { ...plan, interleave: 1 });
    // Both put 8 layers on the fullest rank (ceil(126 / 128) x 8 and ceil(126 / 16)): the same microbatch compute.
    expect(v8.breakdown.computeS).toBeCloseTo(v1.breakdown.computeS, 9);
    // Bubble: 15 / 8 against 15 microbatch times (each the stage's compute and exposed tensor-parallel time).
    expect(v8.breakdown.bubbleS).toBeCloseTo(v1.breakdown.bubbleS / 8, 9);
  });
});
