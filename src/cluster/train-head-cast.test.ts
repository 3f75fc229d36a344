/**
 * Two step costs the training model counts beside the layers: the cross-entropy loss's backward over
 * the logits (train-layer.ts, headTimes) and the weight casts of automatic mixed precision over fp32
 * weights (train-layer.ts, autocastSeconds; stacks.ts, STACK_AUTOCAST).
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { gemmSeconds, streamSeconds } from '../model/kernels.js';
import { DEFAULT_MOE_DISPATCH } from './train-moe.js';
import { STACK_AUTOCAST } from './stacks.js';
import { getSystemPreset } from './systems.js';
import { autocastSeconds, headTimes, LOSS_BACKWARD_BYTES_PER_LOGIT, type LayerEnv } from './train-layer.js';
import { trainingStep } from './train.js';
import { transformerModel } from './transformer.js';
import type { TrainingPlan } from './types.js';

const chip = getChipPreset('h100-sxm');
const system = getSystemPreset('dgx-h100');
const env: LayerEnv = {
  chip,
  system,
  dtype: 'bf16',
  attentionDtype: 'bf16',
  attention: 'flash2',
  flash: true,
  dropout: false,
  eager: false,
  selective: 'attention-core',
  moe: DEFAULT_MOE_DISPATCH,
};
const plan = (over: Partial<TrainingPlan> = {}): TrainingPlan => ({
  tp: 1,
  pp: 1,
  dp: 1,
  cp: 1,
  ep: 1,
  zero: 0,
  microbatch: 2,
  globalBatch: 2,
  seq: 4096,
  recompute: 'none',
  sequenceParallel: false,
  interleave: 1,
  overlapGradients: true,
  ...over,
});

describe('the loss backward', () => {
  it(
    "moves 14 bytes per logit (fp32 softmax read, gradient written, cast to bf16) beside the head's two " +
      'gradient GEMMs',
    () => {
      const model = transformerModel({ zoo: 'llama3-8b' }, 4096);
      const p = plan();
      const tokens = p.microbatch * p.seq;
      const head = { batch: 1, m: tokens, n: model.vocab, k: model.hidden, weightsAreParameters: true };
      const gemms =
        gemmSeconds(chip, 'bf16', { ...head, n: model.hidden, k: model.vocab }) +
        gemmSeconds(chip, 'bf16', {
          batch: 1,
          m: model.hidden,
          n: model.vocab,
          k: tokens,
          weightsAreParameters: false,
        });
      const loss = headTimes(env, model, p).backwardS - gemms;
      expect(LOSS_BACKWARD_BYTES_PER_LOGIT).toBe(14);
      expect(loss).toBeCloseTo(streamSeconds(chip, 'bf16', tokens * model.vocab * 14, tokens * model.vocab * 2), 12);
      // Over 10 GB of logits traffic at about 3 TB/s: milliseconds, not nothing.
      expect(loss).toBeGreaterThan(3e-3);
    },
  );

  it('splits over the tensor-parallel ranks with the vocabulary', () => {
    const model = transformerModel({ zoo: 'llama3-8b' }, 4096);
    const gemmsOnly = (tp: number): number => {
      const tokens = 2 * 4096;
      const vocab = model.vocab / tp;
      return (
        headTimes(env, model, plan({ tp })).backwardS -
        gemmSeconds(chip, 'bf16', { batch: 1, m: tokens, n: model.hidden, k: vocab, weightsAreParameters: true }) -
        gemmSeconds(chip, 'bf16', { batch: 1, m: model.hidden, n: vocab, k: tokens, weightsAreParameters: false })
      );
    };
    expect(gemmsOnly(4)).toBeCloseTo(gemmsOnly(1) / 4, 9);
  });
});

describe('autocast over fp32 weights', () => {
  it('casts 6 bytes per weight forward and back, and adds 12 per weight for each microbatch after the first', () => {
    const params = 1e9;
    const one = autocastSeconds(chip, 'bf16', params, 1);
    expect(one.forwardS).toBeCloseTo(streamSeconds(chip, 'bf16', 6e9, 1e9), 12);
    expect(one.backwardS).toBeCloseTo(one.forwardS, 12);
    const four = autocastSeconds(chip, 'bf16', params, 4);
    // Per microbatch: 6 + 12 x 3/4 bytes per weight backward.
    expect(four.backwardS).toBeCloseTo(streamSeconds(chip, 'bf16', 15e9, 1.75e9), 12);
    expect(four.forwardS).toBe(one.forwardS);
  });

  it('is what the plain PyTorch stack runs, and no stack that keeps bf16 weights or casts shards', () => {
    expect(
      Object.entries(STACK_AUTOCAST)
        .filter(([, v]) => v)
        .map(([k]) => k),
    ).toEqual(['pytorch']);
  });

  it("slows a PyTorch step by the casts of its chip's weights, microbatch by microbatch", () => {
    const model = transformerModel({ zoo: 'llama3-8b' }, 2048);
    const p = plan({ seq: 2048, microbatch: 1, globalBatch: 4 });
    const pytorch = trainingStep(model, chip, system, 1, p, { stack: 'pytorch', fused: true, opOverheadS: 0 });
    const fsdp = trainingStep(model, chip, system, 1, p, { stack: 'fsdp', fused: true, opOverheadS: 0 });
    const cast = autocastSeconds(chip, 'bf16', model.params, 4);
    expect(pytorch.breakdown.computeS - fsdp.breakdown.computeS).toBeCloseTo(4 * (cast.forwardS + cast.backwardS), 9);
  });
});
