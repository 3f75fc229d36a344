/**
 * The stacks' fp8 scaling (train-fp8.ts) in a training layer: torchtitan's tensorwise dynamic scaling
 * reads each cast tensor once more for its amax; worked by hand for a Llama 3 8B layer on H100.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { GPU_KERNEL_LAUNCH_S } from '../model/gpu.js';
import { getSystemPreset } from './systems.js';
import { STACK_FP8_RECIPE } from './train-fp8.js';
import { layerTimes, type LayerEnv } from './train-layer.js';
import { DEFAULT_MOE_DISPATCH } from './train-moe.js';
import { transformerModel } from './transformer.js';
import type { TrainingPlan } from './types.js';

const chip = getChipPreset('h100-sxm');
const model = transformerModel({ zoo: 'llama3-8b' }, 8192);
const plan: TrainingPlan = {
  tp: 1,
  pp: 1,
  dp: 8,
  cp: 1,
  ep: 1,
  zero: 3,
  microbatch: 2,
  globalBatch: 16,
  seq: 8192,
  recompute: 'none',
  sequenceParallel: false,
  interleave: 1,
  overlapGradients: true,
};
const env: LayerEnv = {
  chip,
  system: getSystemPreset('dgx-h100'),
  dtype: 'fp8-e4m3',
  attentionDtype: 'bf16',
  attention: 'flash2',
  flash: true,
  dropout: false,
  eager: false,
  selective: 'attention-core',
  moe: DEFAULT_MOE_DISPATCH,
};

describe('fp8 scaling by stack', () => {
  it('torchtitan scales tensorwise and dynamically (current scaling); the Megatron stacks use delayed scaling', () => {
    expect(STACK_FP8_RECIPE.torchtitan).toBe('current-scaling');
    expect(STACK_FP8_RECIPE.nemo).toBe('transformer-engine');
    expect(STACK_FP8_RECIPE.megatron).toBe('transformer-engine');
  });

  it('adds one bf16 read per cast activation: the GEMM inputs forward, the output gradients backward', () => {
    const shape = model.groups[0]!.shape;
    const te = layerTimes({ ...env, fp8Recipe: 'transformer-engine' }, shape, model, plan);
    const current = layerTimes({ ...env, fp8Recipe: 'current-scaling' }, shape, model, plan);
    const tokens = 2 * 8192;
    const bandwidth = chip.offChipMemory.sustainedBandwidthBytesPerS!;
    // Inputs of q/k/v (4096), out (4096), gate/up (4096), down (14336); gradients of their outputs
    // (6144, 4096, 2 x 14336, 4096); 2 bytes each; one amax kernel per cast, four casts each way.
    const forward = (tokens * (4096 + 4096 + 4096 + 14336) * 2) / bandwidth + 4 * GPU_KERNEL_LAUNCH_S;
    const backward = (tokens * (6144 + 4096 + 28672 + 4096) * 2) / bandwidth + 4 * GPU_KERNEL_LAUNCH_S;
    expect((current.forwardS - te.forwardS) / forward).toBeCloseTo(1, 6);
    expect((current.backwardS - te.backwardS) / backward).toBeCloseTo(1, 6);
    // The weights' casts (once per step): their amax pass too.
    const weights = 4096 * 6144 + 4096 * 4096 + 4096 * 28672 + 14336 * 4096;
    expect((current.weightCastS - te.weightCastS) / ((weights * 2) / bandwidth + 4 * GPU_KERNEL_LAUNCH_S)).toBeCloseTo(
      1,
      6,
    );
  });
});
