import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { collectiveCost } from './collectives.js';
import { layerSeconds } from './serve-layer.js';
import { kvBytesPerTokenPerChip, servingContext, servingPoint, servingProblems, weightBytesPerChip } from './serve.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const deepseek = transformerModel({ zoo: 'deepseek-v3' }, 4096);
const llama70 = transformerModel({ zoo: 'llama3-70b' }, 8192);

describe('parallelism for serving', () => {
  it('data-parallel replicas: tp x pp x replicas must be the chips', () => {
    expect(servingProblems(llama70, { tp: 4, pp: 1, replicas: 2 }, 8)).toEqual([]);
    expect(servingProblems(llama70, { tp: 4, pp: 1, replicas: 3 }, 8)).toEqual([
      'tp x pp x replicas = 4 x 1 x 3 = 12, not the 8 chips',
    ]);
  });

  it(
    'attention data parallelism (MLA): the latent KV cache is split over all 8 ranks instead of held whole ' +
      'on each',
    () => {
      const tpAttention = servingContext(deepseek, h100, dgx, { tp: 8, pp: 1, engine: 'ideal' });
      const dpAttention = servingContext(deepseek, h100, dgx, {
        tp: 8,
        pp: 1,
        engine: 'ideal',
        attentionDataParallel: true,
      });
      // DeepSeek-V3's cache is one latent of 512 + 64 rotary elements per token per layer (kvHeads 1): replicated on
      // every tp rank, or split 8 ways.
      expect(kvBytesPerTokenPerChip(tpAttention)).toBe(61 * 576 * 2);
      expect(kvBytesPerTokenPerChip(dpAttention)).toBe((61 * 576 * 2) / 8);
      // The attention projections are replicated: each chip holds 7/8 of them more.
      const attention = deepseek.groups.reduce((n, g) => n + g.count * g.shape.attentionParams, 0);
      expect(weightBytesPerChip(dpAttention) - weightBytesPerChip(tpAttention)).toBeCloseTo(
        attention * (7 / 8) * 2,
        -3,
      );
      // Long-context decode reads 8x less cache per chip: faster at a large batch.
      expect(servingPoint(dpAttention, 64, 4000, 64).tpotS).toBeLessThan(servingPoint(tpAttention, 64, 4000, 64).tpotS);
    },
  );

  it(
    "expert parallelism: an MoE layer sends its tokens' top-k copies by two all-to-alls instead of the MLP " +
      'all-reduce',
    () => {
      const ep = servingContext(deepseek, h100, dgx, { tp: 8, pp: 1, engine: 'ideal', expertParallel: true });
      const moe = deepseek.groups.find((g) => g.shape.mlp.kind === 'moe')!.shape;
      const work = {
        tokens: 256,
        prefillTokens: 0,
        prefillSequences: 0,
        prefillPairs: 0,
        decodeSequences: 256,
        contextTokens: 256 * 1024,
      };
      const bytes = 256 * 7168 * 2;
      const allReduce = collectiveCost(dgx, 'all-reduce', bytes, { size: 8, stride: 1 }).seconds;
      const allToAll = collectiveCost(dgx, 'all-to-all', (bytes / 8) * 8, { size: 8, stride: 1 }).seconds;
      expect(layerSeconds(ep, moe, work).tpCommS).toBeCloseTo(allReduce + 2 * allToAll, 12);
    },
  );
});
