/**
 * The overlap model and the data-parallel traffic it exposes, each mechanism on its own against
 * hand-worked numbers; and the activation memory of unfused attention (Korthikanti et al. 2022).
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { collectiveSms, NCCL_NETWORK_SMS, NCCL_NVLINK_SMS, overlapComputeLoss, overlapped } from './overlap.js';
import { streamSeconds } from '../model/kernels.js';
import { getSystemPreset } from './systems.js';
import { dataParallelTime, type DpInput } from './train-dp.js';
import { collectiveSeconds as collective } from './collectives.js';
import { activationBytesPerLayer } from './train-memory.js';
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

describe('overlap', () => {
  it('hides communication under compute but for the compute it slows, and exposes what does not fit', () => {
    // 10 ms of compute, 4 ms of communication, 10% of compute lost while it runs: 10.4 ms.
    expect(overlapped(10e-3, 4e-3, 0.1).totalS).toBeCloseTo(10.4e-3, 12);
    expect(overlapped(10e-3, 4e-3, 0.1).exposedS).toBeCloseTo(0.4e-3, 12);
    // 12 ms of communication outlasts the compute (which finishes after 10 / 0.9 ms): 12 ms in all.
    expect(overlapped(10e-3, 12e-3, 0.1).totalS).toBeCloseTo(12e-3, 12);
    expect(overlapped(10e-3, 0, 0.1).exposedS).toBe(0);
  });

  it("a GPU loses NCCL's 16 SMs while a collective runs beside compute; a TPU loses nothing", () => {
    expect(overlapComputeLoss(getChipPreset('h100-sxm'))).toBeCloseTo(NCCL_NETWORK_SMS / 132, 12);
    expect(overlapComputeLoss(getChipPreset('a100'))).toBeCloseTo(16 / 108, 12);
    expect(overlapComputeLoss(getChipPreset('tpu-v4'))).toBe(0);
  });

  it('inside one NVSwitch node NCCL runs 24 channels, one SM each; across nodes the 16 of its NIC rings', () => {
    const dgx = getSystemPreset('dgx-h100');
    expect(collectiveSms(dgx, 8, 1)).toBe(NCCL_NVLINK_SMS);
    expect(NCCL_NVLINK_SMS).toBe(24);
    // Four ranks two chips apart still stay inside the 8-GPU node; eight ranks two apart span two nodes.
    expect(collectiveSms(dgx, 4, 2)).toBe(24);
    expect(collectiveSms(dgx, 8, 2)).toBe(NCCL_NETWORK_SMS);
    expect(collectiveSms(dgx, 64, 1)).toBe(16);
    // 24 of an H100's 132 SMs: 18.2% of its compute while a collective runs beside it (Lee et al. 2025
    // measured an 18.9% average compute slowdown under overlap on A100, H100, MI250 and MI210).
    expect(overlapComputeLoss(getChipPreset('h100-sxm'), 24)).toBeCloseTo(0.181818, 6);
    expect(overlapComputeLoss(getChipPreset('a100'), collectiveSms(getSystemPreset('dgx-a100'), 8, 1))).toBeCloseTo(
      24 / 108,
      12,
    );
    // A TPU pod's ICI is no NVLink domain: its collectives cost no compute at all.
    expect(overlapComputeLoss(getChipPreset('tpu-v4'), 24)).toBe(0);
  });
});

describe('data-parallel traffic by ZeRO stage', () => {
  const chip = getChipPreset('h100-sxm');
  const system = getSystemPreset('dgx-h100');
  const base: DpInput = {
    chip,
    system,
    plan: plan({ dp: 64, zero: 3 }),
    stack: 'megatron',
    microbatches: 2,
    stageLayers: 32,
    denseParams: 8e9,
    expertParams: 0,
    gradientBytes: 4,
    forwardS: 0.32,
    backwardS: 0.64,
    paramGatherOverlap: false,
    gatherAfterGradient: false,
    dtype: 'bf16',
  };

  it(
    'ZeRO-3 gathers each layer twice and reduce-scatters it once per microbatch, on one stream with one ' +
      'layer of prefetch',
    () => {
      const g = collective(system, 'all-gather', (8e9 / 32) * 2, 64, 1);
      const r = collective(system, 'reduce-scatter', (8e9 / 32) * 4, 64, 1);
      const loss = overlapComputeLoss(chip);
      const f = 0.01;
      const b = 0.02;
      // Forward: each gather beside a layer's compute; backward: a gather and a reduce-scatter beside it; plus the
      // first
      // gathers and the last reduce-scatter.
      const perLayer = overlapped(f, g, loss).exposedS + overlapped(b, g + r, loss).exposedS;
      const expected = 2 * (32 * perLayer + 2 * g + r);
      const t = dataParallelTime(base);
      expect(t.exposedS).toBeCloseTo(expected, 9);
      expect(t.totalS).toBeCloseTo(2 * 32 * (2 * g + r), 9);
      // PyTorch FSDP also copies each gathered layer out of its flat buffer (4 bytes per parameter, twice)
      // and each gradient into one (6 bytes), on the compute stream.
      const fsdp = dataParallelTime({ ...base, stack: 'fsdp' });
      expect(fsdp.exposedS - t.exposedS).toBeCloseTo(2 * streamSeconds(chip, 'bf16', 8e9 * (4 * 2 + 6), 0), 9);
      // With compute far shorter than the traffic, the exposed time approaches all of it.
      const starved = dataParallelTime({ ...base, forwardS: 1e-6, backwardS: 2e-6 });
      expect(starved.exposedS / starved.totalS).toBeGreaterThan(0.99);
    },
  );

  it(
    "with the gather issued after the gradients (FSDP's BACKWARD_POST) each backward layer waits for its " +
      'gather; only the reduce-scatter overlaps',
    () => {
      const g = collective(system, 'all-gather', (8e9 / 32) * 2, 64, 1);
      const r = collective(system, 'reduce-scatter', (8e9 / 32) * 4, 64, 1);
      const loss = overlapComputeLoss(chip);
      // A backward of 1 s per layer hides everything beside it: before the gradients, g + r cost only
      // the compute they slow, (g + r) x loss; after them, g waits alone and r costs r x loss.
      const long = { ...base, backwardS: 32 };
      const pre = dataParallelTime(long).exposedS;
      const post = dataParallelTime({ ...long, gatherAfterGradient: true }).exposedS;
      expect(post - pre).toBeCloseTo(2 * (32 * (g + r * loss - (g + r) * loss) - g), 9);
      expect(post - pre).toBeCloseTo(2 * (32 * g * (1 - loss) - g), 9);
      // Same traffic, only its timing differs.
      expect(dataParallelTime({ ...long, gatherAfterGradient: true }).totalS).toBeCloseTo(
        dataParallelTime(long).totalS,
        12,
      );
    },
  );

  it(
    'ZeRO-1 reduces gradients once per step behind the last backward (its last bucket exposed) and gathers ' +
      'parameters after the optimizer',
    () => {
      const z1 = { ...base, plan: plan({ dp: 64, zero: 1 }) };
      const rs = collective(system, 'reduce-scatter', 8e9 * 4, 64, 1);
      const ag = collective(system, 'all-gather', 8e9 * 2, 64, 1);
      const bucket = collective(system, 'reduce-scatter', 25 * 2 ** 20, 64, 1);
      const loss = overlapComputeLoss(chip);
      const t = dataParallelTime(z1);
      expect(t.exposedS).toBeCloseTo(overlapped(0.64, rs - bucket, loss).exposedS + bucket + ag, 9);
      // Overlapping the gather with the next forward hides it but for the compute it slows.
      expect(dataParallelTime({ ...z1, paramGatherOverlap: true }).exposedS).toBeCloseTo(
        overlapped(0.64, rs - bucket, loss).exposedS + bucket + overlapped(0.32, ag, loss).exposedS,
        9,
      );
      // Without overlap every byte is exposed.
      expect(dataParallelTime({ ...z1, plan: { ...z1.plan, overlapGradients: false } }).exposedS).toBeCloseTo(
        rs + ag,
        9,
      );
      // DeepSpeed's ZeRO-2 reduce-scatters every microbatch.
      const ds = dataParallelTime({ ...base, stack: 'deepspeed', plan: plan({ dp: 64, zero: 2 }) });
      expect(ds.totalS).toBeCloseTo(2 * rs + ag, 9);
    },
  );

  it('a ZeRO-3 step over 768 GPUs exposes most of the parameter traffic when compute per layer is short', () => {
    const model = transformerModel({ zoo: 'llama3-8b' }, 2048);
    const step = trainingStep(model, chip, system, 768, plan({ dp: 768, zero: 3, globalBatch: 768, seq: 2048 }), {
      stack: 'fsdp',
    });
    const z1 = trainingStep(model, chip, system, 768, plan({ dp: 768, zero: 1, globalBatch: 768, seq: 2048 }), {
      stack: 'fsdp',
    });
    expect(step.breakdown.dpCommS).toBeGreaterThan(z1.breakdown.dpCommS);
  });
});

describe('activation memory (Korthikanti et al. 2022: s b h (34 + 5 a s / h) bytes per layer)', () => {
  it('counts the attention scores as 5 a s bytes per token, not 5 a s h', () => {
    // GPT-3 1.3B (Brown et al. 2020, Table 2.1): 24 layers, d_model 2048, 16 heads, sequence 2048.
    const model = transformerModel(
      {
        config: { model_type: 'gpt2', n_embd: 2048, n_head: 16, n_layer: 24, n_positions: 2048, vocab_size: 50257 },
        file: 'gpt3-1.3b.json',
      },
      2048,
    );
    const p = plan({ seq: 2048, microbatch: 1 });
    const shape = model.groups[0]!.shape;
    const s = 2048;
    const h = 2048;
    const a = 16;
    expect(activationBytesPerLayer(shape, model, p, false)).toBe(s * h * (34 + (5 * a * s) / h));
    expect(activationBytesPerLayer(shape, model, p, true)).toBe(s * h * 34);
    // 24 layers x 2048 x 2048 x 114 bytes = 10.7 GiB of activations at microbatch 1: it fits an 80 GiB A100.
    const step = trainingStep(model, getChipPreset('a100'), getSystemPreset('dgx-a100'), 1, p, {
      flashAttention: false,
    });
    expect(step.memory.activationBytes / 2 ** 30).toBeLessThan(12);
    expect(step.valid).toBe(true);
  });
});
