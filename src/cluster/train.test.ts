import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { peakOpsPerS } from '../arch/derive.js';
import { getSystemPreset } from './systems.js';
import { planProblems, trainingStep, trainingDays } from './train.js';
import { trainingFlopsPerToken, transformerModel } from './transformer.js';
import type { SystemSpec, TrainingPlan } from './types.js';

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

describe('transformer counts (scaling book, Part 6: LLaMA 3-70B)', () => {
  it('LLaMA 3-70B has ~70.5B parameters: 2.1B vocabulary, 12.1B attention, 56.3B MLP', () => {
    const m = transformerModel({ zoo: 'llama3-70b' });
    expect(Math.abs(m.params / 70.5e9 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.embeddingParams / 2.1e9 - 1)).toBeLessThan(0.02);
    const shape = m.groups[0]!.shape;
    expect(Math.abs((m.layers * shape.attentionParams) / 12.1e9 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.params - m.embeddingParams - m.layers * shape.attentionParams - 56.3e9) / 56.3e9).toBeLessThan(
      0.01,
    );
  });
  it('6 x 70B x 15T tokens on a v5p pod (8,960 chips) at 40% MFU takes ~44 days', () => {
    const v5p = getChipPreset('tpu-v5p');
    expect(peakOpsPerS(v5p, 'bf16')).toBeCloseTo(4.59e14, -12);
    expect(trainingDays(6 * 70e9 * 15e12, 8960, peakOpsPerS(v5p, 'bf16'), 0.4)).toBeCloseTo(44.3, 0);
  });
});

describe('plans', () => {
  const llama = transformerModel({ zoo: 'llama3-70b' }, 8192);
  it('names what makes a plan impossible', () => {
    const problems = planProblems(llama, 64, plan({ tp: 3, pp: 100, dp: 1, cp: 1, globalBatch: 7, microbatch: 2 }));
    expect(problems.join('\n')).toMatch(/tp x pp x dp x cp = 3 x 100 x 1 x 1 = 300, not the 64 chips/);
    expect(problems.join('\n')).toMatch(/tp=3 does not divide the 64 attention heads/);
    expect(problems.join('\n')).toMatch(/pp=100 is more than the 80 layers/);
    expect(problems.join('\n')).toMatch(/global batch of 7 is not a whole number of microbatches/);
    expect(planProblems(llama, 64, plan({ tp: 8, pp: 8, dp: 1, globalBatch: 8, seq: 8192 }))).toEqual([]);
  });
  it('memory: 18 bytes per parameter, sharded by ZeRO stage over data parallelism', () => {
    const chip = getChipPreset('h100-sxm');
    const system = getSystemPreset('dgx-h100');
    const p = plan({ tp: 8, pp: 8, dp: 16, globalBatch: 256, seq: 4096, recompute: 'full', sequenceParallel: true });
    const local = llama.params / 64;
    const z0 = trainingStep(llama, chip, system, 1024, p);
    expect(z0.memory.weightsBytes).toBeCloseTo(2 * local, -3);
    expect(z0.memory.gradientBytes).toBeCloseTo(4 * local, -3);
    expect(z0.memory.optimizerBytes).toBeCloseTo(12 * local, -3);
    const z1 = trainingStep(llama, chip, system, 1024, { ...p, zero: 1 });
    expect(z1.memory.optimizerBytes).toBeCloseTo((12 * local) / 16, -3);
    expect(z1.memory.gradientBytes).toBeCloseTo(4 * local, -3);
    const z3 = trainingStep(llama, chip, system, 1024, { ...p, zero: 3 });
    // ZeRO-3 also holds the layer it runs and the next one gathered (80 layers on 8 stages: 10 per stage)
    // and the running layer's unsharded gradients.
    expect(z3.memory.weightsBytes).toBeCloseTo((2 * local) / 16 + 2 * 2 * (local / 10), -3);
    expect(z3.memory.gradientBytes).toBeCloseTo((4 * local) / 16 + 4 * (local / 10), -3);
    // ZeRO-3 gathers parameters per microbatch: never faster than ZeRO-1.
    expect(z3.stepTimeS).toBeGreaterThanOrEqual(z1.stepTimeS);
  });
  it('a plan that does not fit says by how much', () => {
    const s = trainingStep(
      llama,
      getChipPreset('h100-sxm'),
      getSystemPreset('dgx-h100'),
      8,
      plan({ tp: 8, globalBatch: 8, seq: 8192 }),
    );
    expect(s.valid).toBe(false);
    // The runtime's 2 GiB and the allocator's 5% leave (80 - 2) x 0.95 = 74.1 GiB of the 80 usable.
    expect(s.reasons[0]).toMatch(
      new RegExp(
        '^out of memory: [0-9.]+ GiB per chip \\(weights [0-9.]+, gradients [0-9.]+, ' +
          'optimizer [0-9.]+, activations [0-9.]+\\) exceeds the 74\\.1 GiB usable of 80\\.0 GiB$',
      ),
    );
    expect(s.memory.usableBytes).toBeCloseTo((80 - 2) * 0.95 * 2 ** 30, -3);
  });
  it('the bubble is (pp - 1) / interleave microbatch times; more microbatches hide it', () => {
    const chip = getChipPreset('h100-sxm');
    const system = getSystemPreset('dgx-h100');
    const base = plan({
      tp: 8,
      pp: 8,
      dp: 2,
      globalBatch: 64,
      seq: 4096,
      recompute: 'full',
      sequenceParallel: true,
      zero: 1,
    });
    const a = trainingStep(llama, chip, system, 128, base);
    const b = trainingStep(llama, chip, system, 128, { ...base, interleave: 2 });
    expect(b.breakdown.bubbleS).toBeLessThan(a.breakdown.bubbleS * 0.55);
    const perMicrobatch = a.breakdown.bubbleS / 7;
    expect(a.microbatches).toBe(32);
    expect(a.breakdown.computeS / a.microbatches).toBeLessThan(perMicrobatch);
  });
  it('MFU counts 6N per token plus attention; HFU adds recomputation', () => {
    const s = trainingStep(
      llama,
      getChipPreset('h100-sxm'),
      getSystemPreset('dgx-h100'),
      1024,
      plan({ tp: 8, pp: 8, dp: 16, globalBatch: 512, seq: 4096, recompute: 'full', sequenceParallel: true, zero: 1 }),
    );
    expect(s.valid).toBe(true);
    expect(s.mfu).toBeGreaterThan(0.2);
    expect(s.mfu).toBeLessThan(0.7);
    expect(s.hfu / s.mfu).toBeGreaterThan(1.25);
    expect(s.hfu / s.mfu).toBeLessThan(1.4);
  });
});

/**
 * Llama 3 (Grattafiori et al. 2024, arXiv:2407.21783) Table 4: 405B on H100 with TP 8, PP 16 (126
 * layers, uneven stages), interleaved schedule, seq 8192, 16M tokens per batch: 43% BF16 MFU on 8,192
 * GPUs (DP 64) and 41% on 16,384 (DP 128). The table does not give the activation recomputation or the
 * number of virtual stages; Meta tuned them, so the model's best plan over those two knobs that fits
 * the 80 GiB is compared. Nothing here was tuned to these rows; the tolerance is a quarter of the
 * published figure.
 */
describe('Llama 3 405B pre-training MFU (published)', () => {
  const model = transformerModel({ zoo: 'llama3-405b' }, 8192);
  const chip = getChipPreset('h100-sxm');
  const system = getSystemPreset('dgx-h100');
  for (const [gpus, dp, published] of [
    [8192, 64, 0.43],
    [16384, 128, 0.41],
  ] as const) {
    it(`${gpus} GPUs: ${published * 100}% published`, () => {
      // Meta shards optimizer states and gradients (FSDP without resharding parameters: ZeRO-2), or ZeRO-1.
      const tried = ([1, 2] as const).flatMap((zero) =>
        (['full', 'selective', 'none'] as const).flatMap((recompute) =>
          [1, 2, 3, 4, 6, 8].map((interleave) =>
            trainingStep(
              model,
              chip,
              system,
              gpus,
              plan({
                tp: 8,
                pp: 16,
                dp,
                globalBatch: 2048,
                seq: 8192,
                recompute,
                sequenceParallel: true,
                zero,
                interleave,
              }),
            ),
          ),
        ),
      );
      const fits = tried.filter((s) => s.valid && s.memory.totalBytes <= s.memory.usableBytes);
      expect(fits.length).toBeGreaterThan(0);
      const best = fits.reduce((a, b) => (b.mfu > a.mfu ? b : a));
      // tpusim's MFU counts the causal scores performed; Meta's, like Megatron-LM's, the full seq x seq
      // (its 131k-context row is only consistent with that count): compared in Meta's convention.
      const mfu = (best.mfu * trainingFlopsPerToken(model, 8192, 'full')) / trainingFlopsPerToken(model, 8192);
      console.log(
        `Llama 3 405B on ${gpus} H100: MFU ${mfu.toFixed(3)} counting full attention (published ${published}), ` +
          `${best.mfu.toFixed(3)} counting the causal scores performed, ZeRO-${best.plan.zero}, recompute ` +
          `${best.plan.recompute}, interleave ${best.plan.interleave}`,
      );
      expect(best.mfu).toBeLessThan(mfu);
      expect(Math.abs(mfu / published - 1), `MFU ${mfu.toFixed(3)} vs ${published}`).toBeLessThan(0.25);
    });
  }
});

/**
 * vTrain's measured A100 iteration times (data/vtrain, MIT licence, Megatron-DeepSpeed): GPT models,
 * 1F1B, full activation checkpointing, no gradient bucketing (no overlap), non-fused attention with
 * dropout, eager PyTorch. The cluster: 8 A100 per node on the dgx-a100 preset's NVLink, 800 Gb/s per
 * node between nodes (vTrain's validation configs). Their `intra_node_bandwidth` of 150 GB/s is not used
 * within a node: vTrain times 2-8 GPU all-reduces from its measured tables (src/predictor.py,
 * trace/a100/AR_GPU*_LUT; src/cluster/vtrain-fabric.test.ts). The model's constants are cited, not fitted.
 */
describe('vTrain validation (measured A100 iteration times)', () => {
  const dir = join(import.meta.dirname, '..', '..', 'data', 'vtrain');
  const read = (file: string): number[][] =>
    readFileSync(join(dir, file), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
  const chip = getChipPreset('a100');
  const base = getSystemPreset('dgx-a100');
  const vtrain: SystemSpec = {
    ...base,
    name: 'vtrain-a100',
    tiers: [base.tiers[0]!, { ...base.tiers[1]!, bandwidthBytesPerS: 100e9 / 8 }],
  };

  function score(rows: number[][], system: SystemSpec): { mape: number; spearman: number; n: number } {
    const predicted: number[] = [];
    const measured: number[] = [];
    type Row = [number, number, number, number, number, number, number, number, number, number, number];
    for (const [gpus, globalBatch, microbatch, hidden, heads, layers, seq, tp, dp, pp, ms] of rows as Row[]) {
      const model = transformerModel(
        {
          config: {
            model_type: 'gpt2',
            n_embd: hidden,
            n_head: heads,
            n_layer: layers,
            n_positions: seq,
            vocab_size: 50257,
          },
          file: 'vtrain.json',
        },
        seq,
      );
      const s = trainingStep(
        model,
        chip,
        system,
        gpus,
        plan({ tp, pp, dp, globalBatch, microbatch, seq, recompute: 'full', overlapGradients: false }),
        { flashAttention: false, dropout: true },
      );
      expect(Number.isFinite(s.stepTimeS), s.reasons.join()).toBe(true);
      predicted.push(s.stepTimeS * 1000);
      measured.push(ms);
    }
    const mape =
      (100 * predicted.reduce((sum, p, i) => sum + Math.abs(p - measured[i]!) / measured[i]!, 0)) / predicted.length;
    const rank = (v: number[]): number[] => {
      const order = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
      const r = new Array<number>(v.length);
      order.forEach(([, i], k) => (r[i] = k));
      return r;
    };
    const a = rank(predicted);
    const b = rank(measured);
    const n = predicted.length;
    const d2 = a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0);
    return { mape, spearman: 1 - (6 * d2) / (n * (n * n - 1)), n };
  }

  it('multi-node (109 rows, 64-512 GPUs): MAPE under 15%, rank correlation above 0.9', () => {
    const rows = read('ground_truth_multi.csv').map((r) => r.slice(1));
    const r = score(rows, vtrain);
    console.log(`vTrain multi-node: ${r.n} rows, MAPE ${r.mape.toFixed(2)}%, Spearman ${r.spearman.toFixed(3)}`);
    expect(r.n).toBe(109);
    expect(r.mape).toBeLessThan(15);
    expect(r.spearman).toBeGreaterThan(0.9);
  });
  it('single-node (1,440 rows, 2-8 GPUs, small models): MAPE under 50%, rank correlation above 0.75', () => {
    // Small models with small microbatches are bound by the framework's per-operator host time,
    // which the model knows only as an estimate (EAGER_OP_OVERHEAD_S); see docs/cluster.md.
    const r = score(read('ground_truth_single.csv'), vtrain);
    console.log(`vTrain single-node: ${r.n} rows, MAPE ${r.mape.toFixed(2)}%, Spearman ${r.spearman.toFixed(3)}`);
    expect(r.n).toBe(1440);
    expect(r.mape).toBeLessThan(50);
    expect(r.spearman).toBeGreaterThan(0.75);
  });
});
