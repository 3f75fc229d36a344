import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { GPU_KERNEL_LAUNCH_S } from '../model/gpu.js';
import { gemmSeconds } from '../model/kernels.js';
import { servingContext } from './serve.js';
import { layerKernels, mlaKernels } from './serve-layer.js';
import { passSeconds } from './serve-step.js';
import { weightOnlyGemmSeconds } from './serve-quant.js';
import { getSystemPreset } from './systems.js';
import { transformerModel, type TransformerModel } from './transformer.js';

const b200 = getChipPreset('b200');
const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const deepseek = transformerModel({ zoo: 'deepseek-v3' }, 4096);
const llama8b = transformerModel({ zoo: 'llama3-8b' }, 8192);
const moeShape = deepseek.groups.find((g) => g.shape.mlp.kind === 'moe')!.shape;
const decode = { prefillTokens: 0, decodeSequences: 1, contextTokens: 1024 };

/** The same model with its layers' up-projections taken out. */
function withoutUpProjections(model: TransformerModel): TransformerModel {
  return { ...model, groups: model.groups.map((g) => ({ count: g.count, shape: { ...g.shape, upProjections: [] } })) };
}

describe('multi-head latent attention in the serving layer', () => {
  it(
    'a DeepSeek-V3 MoE layer at tp 8 launches 24 kernels: 19 of a MoE layer and 5 of MLA (two latent ' +
      'norms, UQ, UK, UV; TensorRT-LLM tech blog 1)',
    () => {
      expect(mlaKernels(moeShape)).toBe(5);
      expect(layerKernels(moeShape, 8)).toBe(24);
      // Without a query latent: one norm and the key/value up-projection's two halves.
      expect(mlaKernels({ ...moeShape, upProjections: moeShape.upProjections!.slice(1) })).toBe(3);
      // Multi-head attention has none.
      expect(layerKernels(llama8b.groups[0]!.shape, 1)).toBe(10);
    },
  );

  it(
    "a decode step reads the up-projections' weights: 61 layers of the q, k and v up-projection GEMMs over " +
      'tp 8 (hand-worked)',
    () => {
      const ctx = servingContext(deepseek, b200, dgx, { tp: 8, pp: 1, engine: 'ideal' });
      const bare = servingContext(withoutUpProjections(deepseek), b200, dgx, { tp: 8, pp: 1, engine: 'ideal' });
      const gemm = (k: number, n: number): number =>
        gemmSeconds(b200, 'bf16', { batch: 1, m: 1, n: n / 8, k, weightsAreParameters: true });
      // q: 1536 -> 128 heads x 192; k: 512 -> 128 x 128 (nope); v: 512 -> 128 x 128.
      const perLayer = gemm(1536, 128 * 192) + gemm(512, 128 * 128) + gemm(512, 128 * 128);
      expect(passSeconds(ctx, decode, 0).stageS - passSeconds(bare, decode, 0).stageS).toBeCloseTo(61 * perLayer, 12);
    },
  );

  it("under TensorRT-LLM's CUDA graphs each of the five extra kernels adds its graph gap", () => {
    const ctx = servingContext(deepseek, b200, dgx, { tp: 8, pp: 1, engine: 'trtllm' });
    const noGaps = { ...ctx, engine: { ...ctx.engine, kernelGapS: { eager: 0, graph: 0 } } };
    const gaps = passSeconds(ctx, decode, 0).stageS - passSeconds(noGaps, decode, 0).stageS;
    const kernels = deepseek.groups.reduce((n, g) => n + g.count * layerKernels(g.shape, 8), 0) + 5;
    expect(gaps).toBeCloseTo(kernels * ctx.engine.kernelGapS.graph, 12);
    expect(kernels).toBe(3 * 17 + 58 * 24 + 5);
  });
});

describe('weight-only GEMMs keep their launch', () => {
  it("4-bit weights shrink the bytes read, not the kernel's launch: a tiny GEMV takes at least the launch", () => {
    const g = { batch: 1, m: 1, n: 256, k: 256, weightsAreParameters: true };
    const q = { weightBytes: 0.5, dequantOpsPerWeight: 0 };
    const full = gemmSeconds(h100, 'bf16', g);
    expect(weightOnlyGemmSeconds(h100, 'bf16', g, q)).toBeGreaterThanOrEqual(GPU_KERNEL_LAUNCH_S);
    // The memory-bound body scales with the bytes: about a quarter of the bf16 body.
    const body = weightOnlyGemmSeconds(h100, 'bf16', g, q) - GPU_KERNEL_LAUNCH_S;
    expect(body).toBeLessThan(full - GPU_KERNEL_LAUNCH_S);
  });
});
