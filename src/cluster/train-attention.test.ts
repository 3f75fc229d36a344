/**
 * What differs between training stacks inside a layer, each mechanism on its own against hand-worked
 * numbers: older fused attention kernels (FlashAttention 1 and its Triton port, timed as
 * FlashAttention-2 times their measured slowdown) and torchtitan's per-op selective checkpointing.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { attentionSeconds, gemmSeconds } from '../model/kernels.js';
import { getSystemPreset } from './systems.js';
import { legacyAttentionSlowdown } from './train-attention.js';
import { layerTimes, type LayerEnv } from './train-layer.js';
import { DEFAULT_MOE_DISPATCH } from './train-moe.js';
import { trainingStep } from './train.js';
import { transformerModel } from './transformer.js';
import type { TrainingPlan } from './types.js';

const plan = (p: Partial<TrainingPlan>): TrainingPlan => ({
  tp: 1,
  pp: 1,
  dp: 1,
  cp: 1,
  ep: 1,
  zero: 0,
  microbatch: 1,
  globalBatch: 1,
  seq: 2048,
  recompute: 'none',
  sequenceParallel: false,
  interleave: 1,
  overlapGradients: true,
  ...p,
});
const a100 = getChipPreset('a100');
const h100 = getChipPreset('h100-sxm');

describe('older fused attention kernels (FlashAttention-2 benchmark figure, A100 and H100)', () => {
  it(
    'are FlashAttention-2 times the measured ratio of their throughputs at the panel of the head dimension ' +
      'and mask',
    () => {
      // A100, causal, head dim 128, 2k: Triton 68 TFLOP/s, FlashAttention-2 155.
      expect(legacyAttentionSlowdown(a100, 'flash-triton', 128, true, 2048)).toBeCloseTo(155 / 68, 12);
      // Between 2k (69 / 155) and 4k (76 / 173): linear in log2 of the length.
      const at3k = 155 / 69 + Math.log2(1.5) * (173 / 76 - 155 / 69);
      expect(legacyAttentionSlowdown(a100, 'flash1', 128, true, 3072)).toBeCloseTo(at3k, 12);
      expect(at3k).toBeCloseTo(2.2639, 4);
      // Head dim 80 takes the panel of 64 (nearer in log2), 96 that of 128; below 512 the first point.
      expect(legacyAttentionSlowdown(a100, 'flash1', 80, true, 256)).toBeCloseTo(88 / 58, 12);
      expect(legacyAttentionSlowdown(a100, 'flash1', 96, false, 8192)).toBeCloseTo(201 / 82, 12);
      // H100: the figure has no Triton bars, so the Triton port takes FlashAttention 1's; beyond 16k the last point.
      expect(legacyAttentionSlowdown(h100, 'flash-triton', 128, true, 65536)).toBeCloseTo(328 / 137, 12);
      expect(legacyAttentionSlowdown(h100, 'flash1', 64, false, 2048)).toBeCloseTo(274 / 161, 12);
    },
  );

  it('slow only the attention core of a training layer', () => {
    const model = transformerModel(
      {
        config: {
          model_type: 'gpt2',
          n_embd: 4096,
          n_head: 32,
          n_layer: 32,
          n_inner: 16384,
          vocab_size: 50368,
          n_positions: 2048,
        },
        file: 'mpt-7b.json',
      },
      2048,
    );
    const env: LayerEnv = {
      chip: h100,
      system: getSystemPreset('dgx-h100'),
      dtype: 'bf16',
      attentionDtype: 'bf16',
      attention: 'flash2',
      flash: true,
      dropout: false,
      eager: false,
      selective: 'attention-core',
      moe: DEFAULT_MOE_DISPATCH,
    };
    const p = plan({ microbatch: 6, globalBatch: 6 });
    const shape = model.groups[0]!.shape;
    const fa2 = layerTimes(env, shape, model, p);
    const triton = layerTimes({ ...env, attention: 'flash-triton' }, shape, model, p);
    const core = attentionSeconds(h100, 'bf16', {
      batch: 6,
      heads: 32,
      seqQ: 2048,
      seqK: 2048,
      qkDim: 128,
      valueDim: 128,
      causal: true,
      implementation: 'flash2',
    });
    const slow = 265 / 108;
    expect(triton.forwardS - fa2.forwardS).toBeCloseTo((slow - 1) * core.forwardS, 12);
    expect(triton.backwardS - fa2.backwardS).toBeCloseTo((slow - 1) * core.backwardS, 12);
    expect(triton.linearS).toBe(fa2.linearS);
  });
});

describe("torchtitan's per-op selective checkpointing (every second matmul and the element-wise work)", () => {
  const model = transformerModel({ zoo: 'llama3-8b' }, 8192);
  const shape = model.groups[0]!.shape;
  const env: LayerEnv = {
    chip: h100,
    system: getSystemPreset('dgx-h100'),
    dtype: 'bf16',
    attentionDtype: 'bf16',
    attention: 'flash2',
    flash: true,
    dropout: false,
    eager: true,
    selective: 'every-other-matmul',
    moe: DEFAULT_MOE_DISPATCH,
  };

  it(
    'recomputes wk (a sixth of the fused q, k, v GEMM), wo, w3 (half of the fused w1, w3 GEMM) and every ' +
      'element-wise operator, not the attention',
    () => {
      const p = plan({ microbatch: 2, globalBatch: 2, seq: 8192, recompute: 'selective' });
      const t = layerTimes(env, shape, model, p);
      const f = (k: number, n: number): number =>
        gemmSeconds(h100, 'bf16', { batch: 1, m: 16384, n, k, weightsAreParameters: false });
      // Llama 3 8B: 32 query and 8 key/value heads of 128, so q, k, v = 4096 + 1024 + 1024; FFN 14336.
      const qkv = f(4096, 6144);
      const wo = f(4096, 4096);
      const w13 = f(4096, 2 * 14336);
      const w2 = f(14336, 4096);
      const core = attentionSeconds(h100, 'bf16', {
        batch: 2,
        heads: 32,
        seqQ: 8192,
        seqK: 8192,
        qkDim: 128,
        valueDim: 128,
        causal: true,
        implementation: 'flash2',
      });
      const elementwise = t.forwardS - (qkv + wo + w13 + w2) - core.forwardS;
      expect(t.recomputeS).toBeCloseTo(qkv / 6 + wo + w13 / 2 + elementwise, 12);
      // Megatron's selective recomputation: the attention core alone.
      expect(layerTimes({ ...env, selective: 'attention-core' }, shape, model, p).recomputeS).toBeCloseTo(
        core.forwardS,
        12,
      );
    },
  );

  it(
    'costs Llama 2 13B on 64 A100 what torchtitan measured: 2162 tokens/s/GPU without checkpointing, 1904 ' +
      'with it (13.5%)',
    () => {
      // torchtitan docs/performance.md (April 2024): FSDP2 over 64 A100 80GB, local batch 2, sequence 4096.
      const llama2 = transformerModel(
        {
          config: {
            model_type: 'llama',
            hidden_size: 5120,
            intermediate_size: 13824,
            num_attention_heads: 40,
            num_key_value_heads: 40,
            num_hidden_layers: 40,
            vocab_size: 32000,
            max_position_embeddings: 4096,
          },
          file: 'llama2-13b.json',
        },
        4096,
      );
      const step = (recompute: 'none' | 'selective', stack: 'torchtitan' | 'fsdp' = 'torchtitan') =>
        trainingStep(
          llama2,
          a100,
          getSystemPreset('dgx-a100'),
          64,
          plan({ dp: 64, zero: 3, microbatch: 2, globalBatch: 128, seq: 4096, recompute }),
          { stack },
        ).stepTimeS;
      const ratio = step('selective') / step('none');
      console.log(
        `torchtitan Llama 2 13B: per-op SAC step / no AC step ${ratio.toFixed(3)} (measured ` +
          `${(2162 / 1904).toFixed(3)})`,
      );
      expect(Math.abs(ratio / (2162 / 1904) - 1)).toBeLessThan(0.03);
      // Recomputing the attention core alone (Megatron's selective, which the plain FSDP stack takes) costs a few
      // percent.
      expect(step('selective', 'fsdp') / step('none', 'fsdp')).toBeLessThan(1.04);
    },
  );
});
