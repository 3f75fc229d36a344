/**
 * Context parallelism in a training step, by stack: torchtitan runs PyTorch's `context_parallel` (keys and values
 * repeated to the query heads, gathered at once, fp32 gradients), Megatron-Core Transformer Engine's p2p ring.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { ringAttention, TORCH_CONTEXT_PARALLEL } from './ring-attention.js';
import { getSystemPreset } from './systems.js';
import { trainingStep } from './train.js';
import { transformerModel } from './transformer.js';
import type { TrainingPlan } from './types.js';

const chip = getChipPreset('h100-sxm');
const system = getSystemPreset('dgx-h100');
const model = transformerModel({ zoo: 'llama3-405b' }, 131072);
// torchtitan's 4D Llama 3.1 405B run at 128k (benchmarks/llama3_h100_202412_torchtitan.md, Table 6).
const plan: TrainingPlan = {
  tp: 8,
  pp: 8,
  dp: 2,
  cp: 4,
  ep: 1,
  zero: 3,
  microbatch: 1,
  globalBatch: 16,
  seq: 131072,
  recompute: 'full',
  sequenceParallel: true,
  interleave: 1,
  overlapGradients: true,
};

describe('context parallelism by stack', () => {
  it("waits for torchtitan's gathered, head-repeated key/value chunks on every layer of the stage", () => {
    const step = trainingStep(model, chip, system, 512, plan, { dtype: 'fp8-e4m3', stack: 'torchtitan' });
    // 16 of the 126 layers on the fullest stage (ceil(126 / 8)); 8 microbatches; 128 / 8 = 16 query heads a rank,
    // each with its own copy of the key and value heads (2 x 128 values of 2 bytes).
    const ring = ringAttention({
      chip,
      system,
      dtype: 'bf16',
      implementation: 'flash2',
      batch: 1,
      heads: 16,
      seq: 131072,
      cp: 4,
      stride: 8,
      qkDim: 128,
      valueDim: 128,
      causal: true,
      kvBytesPerToken: 16 * 256 * 2,
      style: TORCH_CONTEXT_PARALLEL,
    });
    expect(ring.waitForwardS + ring.waitBackwardS).toBeGreaterThan(0);
    expect(step.breakdown.cpCommS).toBeCloseTo(8 * 16 * (ring.waitForwardS + ring.waitBackwardS), 9);
  });

  it("hides Megatron-Core's p2p ring of the grouped key/value heads behind the chunk kernels", () => {
    const step = trainingStep(model, chip, system, 512, plan, { dtype: 'fp8-e4m3', stack: 'megatron' });
    // One 32,768-token chunk of one key/value head (16 MiB) crosses InfiniBand in well under the half-block kernel.
    expect(step.breakdown.cpCommS).toBe(0);
  });
});
