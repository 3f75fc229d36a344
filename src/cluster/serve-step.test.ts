import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { servingContext, servingPoint, steadyStatePoint, type ServingContext } from './serve.js';
import { iterationSeconds, layerKernels, passSeconds, prefillSeconds } from './serve-step.js';
import { SERVING_ENGINE_PROFILES } from './serving-engines.js';
import { simulateServing } from './serving-sim.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const llama8b = transformerModel({ zoo: 'llama3-8b' }, 8192);
const llama70b = transformerModel({ zoo: 'llama3-70b' }, 8192);
const decode = (sequences: number, context: number) => ({
  prefillTokens: 0,
  decodeSequences: sequences,
  contextTokens: sequences * context,
});

describe('engine step overheads', () => {
  it(
    'a short prompt pays request admission, one host step and a launch gap per kernel in its TTFT ' +
      '(hand-worked, TensorRT-LLM)',
    () => {
      const ideal = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'ideal' });
      const trt = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'trtllm' });
      const e = SERVING_ENGINE_PROFILES.trtllm;
      // 32 dense layers x 10 kernels + 5 per step (embedding, norm, LM head, sampling), all launched eagerly (no graphs
      // for prefill).
      const kernels = 32 * layerKernels(llama8b.groups[0]!.shape, 1) + 5;
      expect(kernels).toBe(325);
      const expected = e.requestS + e.stepS + e.perSequenceS + kernels * e.kernelGapS.eager;
      const diff = servingPoint(trt, 1, 128, 1).ttftS - servingPoint(ideal, 1, 128, 1).ttftS;
      expect(diff).toBeCloseTo(expected, 9);
    },
  );
  it('the overhead is a large share of a short prompt and a small one of a long prompt', () => {
    const ideal = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'ideal' });
    const vllm = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'vllm' });
    const ratio = (prompt: number) => servingPoint(vllm, 1, prompt, 1).ttftS / servingPoint(ideal, 1, prompt, 1).ttftS;
    expect(ratio(32)).toBeGreaterThan(1.3);
    expect(ratio(8192)).toBeLessThan(1.05);
  });
  it('host work adds to the device step unless the engine overlaps it, then the longer of the two counts', () => {
    const ideal = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'ideal' });
    const device = iterationSeconds(ideal, decode(8, 1000));
    const withHost = (stepS: number, overlapsHost: boolean): ServingContext => ({
      ...ideal,
      engine: { ...SERVING_ENGINE_PROFILES.ideal, stepS, overlapsHost },
    });
    expect(iterationSeconds(withHost(1e-3, false), decode(8, 1000))).toBeCloseTo(device + 1e-3, 12);
    expect(iterationSeconds(withHost(1e-3, true), decode(8, 1000))).toBeCloseTo(device, 12);
    expect(iterationSeconds(withHost(1, true), decode(8, 1000))).toBe(1);
  });
  it('decode steps replay CUDA graphs (smaller gaps) up to the engine graph batch, eager beyond', () => {
    const vllm = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'vllm' });
    const ideal = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'ideal' });
    const e = SERVING_ENGINE_PROFILES.vllm;
    const gaps = (n: number) =>
      iterationSeconds(vllm, decode(n, 100)) - iterationSeconds(ideal, decode(n, 100)) - e.stepS - e.perSequenceS * n;
    expect(gaps(8)).toBeCloseTo(325 * e.kernelGapS.graph, 9);
    expect(gaps(e.graphMaxBatch + 1)).toBeCloseTo(325 * e.kernelGapS.eager, 9);
  });
  it('chips that run a step as one compiled program (XLA on TPU) pay no launch gaps', () => {
    const v5p = getChipPreset('tpu-v5p');
    const pod = getSystemPreset('tpu-v5p-pod');
    const jet = servingContext(llama8b, v5p, pod, { tp: 1, pp: 1 });
    expect(jet.engine.name).toBe('jetstream');
    const ideal = servingContext(llama8b, v5p, pod, { tp: 1, pp: 1, engine: 'ideal' });
    // The host step hides behind the device step; no kernel gaps: the decode step is the chip's own.
    expect(iterationSeconds(jet, decode(8, 1000))).toBeCloseTo(iterationSeconds(ideal, decode(8, 1000)), 12);
  });
});

describe('pipelined serving', () => {
  // Llama 3 70B, 80 layers over 4 stages of tp 2; no engine overheads.
  const ctx = servingContext(llama70b, h100, dgx, { tp: 2, pp: 4, engine: 'ideal' });
  it('a prefill of M microbatches over pp stages takes (M + pp - 1) stage times', () => {
    const pass = passSeconds(
      ctx,
      { prefillTokens: 1024, decodeSequences: 0, contextTokens: 0, prefillSequences: 1 },
      (1024 * 1025) / 2,
    );
    const prefill = prefillSeconds(ctx, 4, 1024);
    // Exactly: the first microbatch's round trip, then one slowest stage per further microbatch.
    expect(prefill.lastS).toBeCloseTo(pass.roundTripS + 3 * pass.stageS, 12);
    // The stages are near equal (the last holds the LM head, the others the hop onwards): 4 + 4 - 1 = 7 stage times,
    // within 2%.
    expect(prefill.lastS / pass.stageS).toBeGreaterThan(7 * 0.98);
    expect(prefill.lastS / pass.stageS).toBeLessThan(7 * 1.02);
    // Prompts finish with their microbatch: the mean is 5.5 stage times (pp + (M - 1) / 2 = 4 + 1.5), within 2%.
    expect(prefill.meanS / pass.stageS).toBeCloseTo(pass.roundTripS / pass.stageS + 1.5, 9);
  });
  it('decode with pp stages: every stage busy once each holds a microbatch; one sequence crosses every stage', () => {
    const quarter = passSeconds(ctx, decode(16, 2000), 0);
    expect(iterationSeconds(ctx, decode(64, 2000))).toBeCloseTo(4 * quarter.stageS, 12);
    const one = passSeconds(ctx, decode(1, 2000), 0);
    expect(iterationSeconds(ctx, decode(1, 2000))).toBeCloseTo(one.roundTripS, 12);
    expect(one.roundTripS / one.stageS).toBeGreaterThan(3.8);
  });
  it(
    'PaLM 540B prefill on 64 TPU v4 (tp 16 x pp 4) reaches the published 76% MFU regime (Pope et al. ' +
      '2022), within 65-80%',
    () => {
      const palm = transformerModel(
        {
          config: {
            model_type: 'llama',
            hidden_size: 18432,
            num_hidden_layers: 118,
            num_attention_heads: 48,
            num_key_value_heads: 1,
            head_dim: 256,
            intermediate_size: 73728,
            vocab_size: 256000,
            max_position_embeddings: 2048,
          },
          file: 'palm-540b.json',
        },
        2048,
      );
      const v4 = servingContext(palm, getChipPreset('tpu-v4'), getSystemPreset('tpu-v4-pod'), { tp: 16, pp: 4 });
      const flops = 2 * (palm.params - palm.embeddingParams) * 512 * 2048;
      const mfu = flops / prefillSeconds(v4, 512, 2048).lastS / (64 * 275e12);
      expect(mfu).toBeGreaterThan(0.65);
      expect(mfu).toBeLessThan(0.8);
    },
  );
});

describe('continuous batching in closed form and in the simulator', () => {
  it(
    'the steady state at a fixed concurrency matches the discrete-event simulation at that batch ' +
      '(throughput within 10%, TPOT within 5%)',
    () => {
      for (const [model, plan] of [
        [llama8b, { tp: 1, pp: 1 }],
        [llama70b, { tp: 2, pp: 4 }],
      ] as const) {
        const ctx = servingContext(model, h100, dgx, { ...plan, engine: 'vllm' });
        const closed = steadyStatePoint(ctx, 64, 512, 128);
        // Arrivals far beyond what the replica serves keep all 64 slots busy; spread output lengths keep requests out
        // of
        // step.
        const sim = simulateServing({
          rate: 1000,
          requests: 2000,
          promptTokens: 512,
          outputTokens: { mean: 128, spread: 1 },
          maxBatch: 64,
          maxBatchTokens: 8192,
          seed: 3,
          iteration: (s) => iterationSeconds(ctx, s),
        });
        expect(Math.abs(sim.throughputTokensPerS / closed.tokensPerS - 1)).toBeLessThan(0.1);
        expect(Math.abs(sim.tpot.mean / closed.tpotS - 1)).toBeLessThan(0.05);
      }
    },
  );
  it('at concurrency 1 the steady state is one request alone: its prefill, then decode steps', () => {
    const ctx = servingContext(llama8b, h100, dgx, { tp: 1, pp: 1, engine: 'trtllm' });
    const one = steadyStatePoint(ctx, 1, 1000, 200);
    const alone = servingPoint(ctx, 1, 1000, 200);
    expect(one.ttftS).toBeCloseTo(alone.ttftS, 12);
    expect(one.tpotS).toBeCloseTo(alone.tpotS, 12);
  });
});
