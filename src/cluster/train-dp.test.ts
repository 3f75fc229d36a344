/**
 * Megatron-Core's data-parallel overlap as its r0.8.0 source has it (the release of the weak-scaling table the
 * mcore080 validation rows come from), against train-dp.ts:
 *
 * - megatron/core/pipeline_parallel/schedules.py, `forward_backward_no_pipelining`: every microbatch but the
 *   last runs under `no_sync_func` ("Run computation for last microbatch out of context handler (want to
 *   synchronize gradients)"), and param_and_grad_buffer.py registers a bucket's gradients as ready only
 *   `if self.is_last_microbatch`: the reduce-scatter hides behind one microbatch's backward however many
 *   microbatches the step accumulates;
 * - megatron/training/arguments.py: with `--bf16`, `accumulate_allreduce_grads_in_fp32` is forced on, so the
 *   buffers reduced are fp32 (4 bytes per gradient).
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { collectiveSeconds as collective } from './collectives.js';
import { collectiveSms, overlapComputeLoss } from './overlap.js';
import { STACK_OVERLAP } from './stacks.js';
import { getSystemPreset } from './systems.js';
import { dataParallelTime, type DpInput } from './train-dp.js';
import { trainingStep } from './train.js';
import { transformerModel } from './transformer.js';
import type { TrainingPlan } from './types.js';

const chip = getChipPreset('h100-sxm');
const system = getSystemPreset('dgx-h100');
// The 32B row of the weak-scaling table: tp 8, dp 48, 192 sequences of 4096 in microbatches of 1.
const plan: TrainingPlan = {
  tp: 8,
  pp: 1,
  dp: 48,
  cp: 1,
  ep: 1,
  zero: 1,
  microbatch: 1,
  globalBatch: 192,
  seq: 4096,
  recompute: 'none',
  sequenceParallel: true,
  interleave: 1,
  overlapGradients: true,
};
const params = 31.5e9 / 8;
const input: DpInput = {
  chip,
  system,
  plan,
  stack: 'megatron',
  microbatches: 4,
  stageLayers: 48,
  denseParams: params,
  expertParams: 0,
  gradientBytes: 4,
  forwardS: 0.067,
  backwardS: 0.133,
  paramGatherOverlap: STACK_OVERLAP.megatron.paramGatherOverlap,
  gatherAfterGradient: false,
  dtype: 'bf16',
};

describe("Megatron-Core r0.8's gradient reduce-scatter and parameter gather", () => {
  it('hides behind the last microbatch only: the exposed time does not shrink with more microbatches', () => {
    const one = dataParallelTime({ ...input, microbatches: 1 }).exposedS;
    expect(dataParallelTime(input).exposedS).toBeCloseTo(one, 12);
    expect(dataParallelTime({ ...input, microbatches: 64 }).exposedS).toBeCloseTo(one, 12);
    expect(one).toBeGreaterThan(0);
  });

  it('exposes at least what one backward and one forward cannot cover', () => {
    const loss = overlapComputeLoss(chip, collectiveSms(system, 48, 8));
    const rs = collective(system, 'reduce-scatter', params * 4, 48, 8);
    const ag = collective(system, 'all-gather', params * 2, 48, 8);
    const covered = (input.backwardS + input.forwardS) / (1 - loss);
    expect(dataParallelTime(input).exposedS).toBeGreaterThanOrEqual(rs + ag - covered - 1e-12);
    expect(dataParallelTime(input).totalS).toBeCloseTo(rs + ag, 12);
  });

  it('a bf16 Megatron step reduces fp32 gradients, twice the bytes of a bf16 reduction', () => {
    expect(STACK_OVERLAP.megatron.bf16GradientReduce).toBe(false);
    const model = transformerModel(
      {
        config: {
          model_type: 'gpt2',
          n_embd: 7168,
          n_head: 56,
          n_layer: 48,
          n_inner: 28672,
          vocab_size: 131072,
          n_positions: 4096,
          tie_word_embeddings: false,
        },
        file: 'config.json',
      },
      4096,
    );
    const step = (gradientBytes?: number) =>
      trainingStep(model, chip, system, 384, plan, {
        dtype: 'bf16',
        stack: 'megatron',
        overlap: { tpOverlap: true },
        ...(gradientBytes ? { gradientBytes } : {}),
      });
    expect(step().breakdown.dpCommS).toBeCloseTo(step(4).breakdown.dpCommS, 12);
    expect(step(2).breakdown.dpCommS).toBeLessThan(step().breakdown.dpCommS);
  });
});
