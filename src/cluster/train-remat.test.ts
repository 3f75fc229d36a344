/**
 * Checkpoint policies naming the kept tensors (MaxText's `remat_policy: custom`, train-remat.ts): what
 * the backward recomputes, by hand for Llama 3 8B, and its time in a layer (train-layer.ts).
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { attentionSeconds, gemmSeconds } from '../model/kernels.js';
import { getSystemPreset } from './systems.js';
import { layerTimes, type LayerEnv } from './train-layer.js';
import { DEFAULT_MOE_DISPATCH } from './train-moe.js';
import {
  REMAT_TENSORS,
  savedTensorsRecompute,
  selectiveRecomputeFlopsPerToken,
  type RematTensor,
} from './train-remat.js';
import { trainingStep } from './train.js';
import { attentionFlopsPerToken, transformerModel } from './transformer.js';
import type { TrainingPlan } from './types.js';

const model = transformerModel({ zoo: 'llama3-8b' }, 8192);
const shape = model.groups[0]!.shape;
const chip = getChipPreset('tpu-v6e');
const system = getSystemPreset('tpu-v5p-pod');
const plan: TrainingPlan = {
  tp: 1,
  pp: 1,
  dp: 1,
  cp: 1,
  ep: 1,
  zero: 0,
  microbatch: 1,
  globalBatch: 1,
  seq: 8192,
  recompute: 'selective',
  sequenceParallel: false,
  interleave: 1,
  overlapGradients: true,
};
const env = (saved: readonly RematTensor[]): LayerEnv => ({
  chip,
  system,
  dtype: 'bf16',
  attentionDtype: 'bf16',
  attention: 'xla',
  flash: true,
  dropout: false,
  eager: false,
  selective: { saved },
  moe: DEFAULT_MOE_DISPATCH,
});
const recompute = (saved: readonly RematTensor[]): number => layerTimes(env(saved), shape, model, plan).recomputeS;
const allBut = (t: RematTensor): RematTensor[] => REMAT_TENSORS.filter((x) => x !== t);

describe('savedTensorsRecompute', () => {
  // Llama 3 8B: queries 32 x 128 = 4096 wide, keys and values 8 x 128 = 1024 each: the fused projection is 6144 wide.
  it('recomputes, for the v6e recipes (q, k, v and out kept), the MLP input projections and the attention core', () => {
    expect(shape.projectionOut).toBe(6144);
    expect(savedTensorsRecompute(shape, { saved: ['query_proj', 'key_proj', 'value_proj', 'out_proj'] })).toEqual({
      linearShares: [0, 0, 1, 0],
      attentionCore: true,
    });
  });

  it('adds the output projection when only q, k and v are kept (the 70B v6e recipes)', () => {
    expect(savedTensorsRecompute(shape, { saved: ['query_proj', 'key_proj', 'value_proj'] }).linearShares).toEqual([
      0, 1, 1, 0,
    ]);
  });

  it('keeps the attention core when its output is kept (the Ironwood recipes)', () => {
    const r = savedTensorsRecompute(shape, { saved: ['query_proj', 'key_proj', 'value_proj', 'context'] });
    expect(r).toEqual({ linearShares: [0, 1, 1, 0], attentionCore: false });
  });

  it('recomputes the unkept share of the fused q/k/v projection: keys kept, (4096 + 1024) / 6144 of it', () => {
    expect(savedTensorsRecompute(shape, { saved: ['key_proj'] }).linearShares[0]).toBeCloseTo(5120 / 6144, 12);
  });

  it('never recomputes the MLP output projection, whose result no backward reads', () => {
    expect(savedTensorsRecompute(shape, { saved: [] })).toEqual({ linearShares: [1, 1, 1, 0], attentionCore: true });
  });
});

describe('a layer under a kept-tensor policy', () => {
  const tokens = plan.microbatch * plan.seq;
  const everything = recompute(REMAT_TENSORS);

  it('recomputes the MLP input GEMM (8192 x 4096 -> 2 x 14336) when mlpwi is not kept', () => {
    const gemm = gemmSeconds(chip, 'bf16', { batch: 1, m: tokens, k: 4096, n: 2 * 14336, weightsAreParameters: false });
    expect(recompute(allBut('mlpwi')) - everything).toBeCloseTo(gemm, 12);
  });

  it("recomputes the attention core's forward when context is not kept", () => {
    const core = attentionSeconds(chip, 'bf16', {
      batch: 1,
      heads: 32,
      seqQ: 8192,
      seqK: 8192,
      qkDim: 128,
      valueDim: 128,
      causal: true,
      implementation: 'xla',
    });
    expect(recompute(allBut('context')) - everything).toBeCloseTo(core.forwardS, 12);
  });

  it('recomputes nothing more when only mlpwo is not kept', () => {
    expect(recompute(allBut('mlpwo'))).toBe(everything);
  });

  it('costs more than the attention-only policy and is what trainingStep runs for options.remat', () => {
    const saved: RematTensor[] = ['query_proj', 'key_proj', 'value_proj', 'out_proj'];
    const attentionOnly = layerTimes({ ...env([]), selective: 'attention-core' }, shape, model, plan).recomputeS;
    expect(recompute(saved)).toBeGreaterThan(attentionOnly);
    const pods = getSystemPreset('tpu-v5p-pod');
    const step = (remat?: { saved: RematTensor[] }) =>
      trainingStep(model, chip, pods, 1, plan, { stack: 'maxtext', ...(remat ? { remat } : {}) }).breakdown.recomputeS;
    // One microbatch through the model's 32 layers.
    expect(step({ saved })).toBeCloseTo(model.layers * recompute(saved), 10);
    expect(step()).toBeCloseTo(model.layers * attentionOnly, 10);
  });
});

describe('the hardware FLOPs of selective recomputation (HFU)', () => {
  const attention = attentionFlopsPerToken(model, 8192) / 3;

  it("count the attention core's forward under Megatron's policy", () => {
    expect(selectiveRecomputeFlopsPerToken('attention-core', model, 8192)).toBe(attention);
  });

  // 32 x 2 x 4096 x 28672 + attention.
  it('count the MLP input projections and the attention core under the v6e recipes', () => {
    const saved: RematTensor[] = ['query_proj', 'key_proj', 'value_proj', 'out_proj'];
    expect(selectiveRecomputeFlopsPerToken({ saved }, model, 8192)).toBeCloseTo(32 * 2 * 4096 * 28672 + attention, 0);
  });

  it("count torchtitan's every second matmul (wk, wo, w3), not the attention it keeps", () => {
    const perLayer = 4096 * 1024 + 4096 * 4096 + 4096 * 14336;
    expect(selectiveRecomputeFlopsPerToken('every-other-matmul', model, 8192)).toBeCloseTo(32 * 2 * perLayer, 0);
  });

  it("are what a step's HFU adds to its MFU", () => {
    const saved: RematTensor[] = ['query_proj', 'key_proj', 'value_proj', 'out_proj'];
    const step = trainingStep(model, chip, getSystemPreset('tpu-v5p-pod'), 1, plan, {
      stack: 'maxtext',
      remat: { saved },
    });
    const extra = (step.hardwareFlopsPerStep - step.modelFlopsPerStep) / step.tokensPerStep;
    expect(extra).toBeCloseTo(selectiveRecomputeFlopsPerToken({ saved }, model, 8192), 0);
    expect(step.hfu).toBeGreaterThan(step.mfu);
  });
});
