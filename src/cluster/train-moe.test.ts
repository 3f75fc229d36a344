/**
 * Mixture-of-experts training: the dispatchers' traffic, group-limited routing, the per-expert host
 * work, load imbalance and multi-head latent attention's up-projections, each against numbers worked
 * by hand.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { gemmSeconds, streamSeconds } from '../model/kernels.js';
import { collectiveSeconds } from './collectives.js';
import { getSystemPreset, parseSystem } from './systems.js';
import { layerTimes, type LayerEnv } from './train-layer.js';
import {
  DEEPEP_NETWORK_EFFICIENCY,
  DEEPEP_NVLINK_EFFICIENCY,
  DEFAULT_MOE_DISPATCH,
  dispatcherSms,
  EXPERT_HOST_OP_S,
  expectedHolders,
  expertHostOps,
  expertParallelSeconds,
} from './train-moe.js';
import { trainingStep } from './train.js';
import { transformerModel, type LayerShape } from './transformer.js';
import type { SystemSpec, TrainingPlan } from './types.js';

type Moe = Extract<LayerShape['mlp'], { kind: 'moe' }>;
const moe = (experts: number, topK: number, groups?: { count: number; topK: number }): Moe => ({
  kind: 'moe',
  experts,
  topK,
  ffn: 2048,
  gated: true,
  sharedExperts: 0,
  sharedFfn: 0,
  ...(groups ? { groups } : {}),
});
const plan = (p: Partial<TrainingPlan>): TrainingPlan => ({
  tp: 1,
  pp: 1,
  dp: 64,
  cp: 1,
  ep: 64,
  zero: 1,
  microbatch: 1,
  globalBatch: 64,
  seq: 4096,
  recompute: 'none',
  sequenceParallel: false,
  interleave: 1,
  overlapGradients: true,
  ...p,
});

// DeepSeek's H800 cluster as the validation row writes it: 8 GPUs per NVLink node (200 GB/s per direction), one 50 GB/s
// NIC each.
const h800Cluster: SystemSpec = (() => {
  const r = parseSystem(
    JSON.stringify({
      base: 'dgx-h100',
      name: 'h800-cluster',
      chip: 'h800',
      tiers: [
        { name: 'nvlink', kind: 'switch', domainChips: 8, bandwidthBytesPerS: 200e9, latencyS: 0.47e-6 },
        {
          name: 'infiniband',
          kind: 'rail',
          domainChips: 2048,
          bandwidthBytesPerS: 50e9,
          latencyS: 2.7e-6,
          oversubscription: 1,
        },
      ],
      maxChips: 2048,
    }),
  );
  if (!r.ok) throw new Error('bad system');
  return r.value;
})();

describe('expected distinct ranks or nodes per token', () => {
  it('top-2 of 8 experts, one per rank: every expert on its own rank, 2', () => {
    // 8 x (1 - 7/8 x 6/7) = 8 x (1 - 6/8) = 2
    expect(expectedHolders(moe(8, 2), 1)).toBeCloseTo(2, 12);
  });
  it('a holder of every expert is one', () => {
    expect(expectedHolders(moe(8, 2), 8)).toBe(1);
  });
  it('DeepSeek-V3 (256 experts, top-8 from the best 4 of 8 groups): nodes of one group each', () => {
    // Candidates 4 x 32 = 128; a node misses all 8 picks with probability 96/128 x 95/127 x ... x 89/121 = 0.0927473.
    expect(expectedHolders(moe(256, 8, { count: 8, topK: 4 }), 32)).toBeCloseTo(4 * (1 - 0.09274726889357487), 10);
    // Ranks of 4 experts: 32 candidate ranks, each missed with probability 124/128 x ... x 117/121 = 0.770020.
    expect(expectedHolders(moe(256, 8, { count: 8, topK: 4 }), 4)).toBeCloseTo(32 * (1 - 0.77001968503937), 10);
  });
  it('without the group limit a token reaches more nodes (5.29 of 8 against 3.63)', () => {
    expect(expectedHolders(moe(256, 8), 32)).toBeCloseTo(5.294652000382481, 10);
  });
  it('a holder of two groups is hit when either is chosen: 4 x (1 - C(6,4)/C(8,4)) = 3.1429', () => {
    expect(expectedHolders(moe(256, 8, { count: 8, topK: 4 }), 64)).toBeCloseTo(4 * (1 - 15 / 70), 12);
  });
  it("reads the group limit from DeepSeek-V3's config (n_group 8, topk_group 4)", () => {
    const mlp = transformerModel({ zoo: 'deepseek-v3' }, 4096).groups.find((g) => g.shape.mlp.kind === 'moe')!.shape
      .mlp;
    expect(mlp.kind === 'moe' && mlp.groups).toEqual({ count: 8, topK: 4 });
    expect(transformerModel({ zoo: 'mixtral-8x7b' }, 4096).groups[0]!.shape.mlp).not.toHaveProperty('groups');
  });
});

describe('expert-parallel dispatch and combine', () => {
  const shape = transformerModel({ zoo: 'deepseek-v3' }, 4096).groups.find((g) => g.shape.mlp.kind === 'moe')!.shape;
  const h = 7168;

  it('NCCL all-to-all: top-k copies of each token, four exchanges a layer', () => {
    const dgx = getSystemPreset('dgx-h100');
    const p = plan({ ep: 8 });
    const t = expertParallelSeconds(dgx, p, shape, h, DEFAULT_MOE_DISPATCH);
    const one = collectiveSeconds(dgx, 'all-to-all', 4096 * 8 * h * 2, 8, 1);
    // A pass: dispatch and combine; the layer runs one forward and one backward.
    expect(t).toBeCloseTo(2 * one, 15);
  });

  it('with sequence parallelism each tensor-parallel rank dispatches its share of the tokens', () => {
    const dgx = getSystemPreset('dgx-h100');
    const t = expertParallelSeconds(
      dgx,
      plan({ tp: 2, ep: 4, sequenceParallel: true }),
      shape,
      h,
      DEFAULT_MOE_DISPATCH,
    );
    expect(t).toBeCloseTo(2 * collectiveSeconds(dgx, 'all-to-all', 2048 * 8 * h * 2, 4, 2), 15);
  });

  it(
    "DeepSeek's setting (EP 64 over 8 nodes, fp8 dispatch): the network carries one copy per node, NVLink " +
      'forwards one per rank',
    () => {
      const d = { dispatcher: 'deepep', fp8Dispatch: true, imbalance: 1 } as const;
      const t = expertParallelSeconds(h800Cluster, plan({}), shape, h, d);
      const latency = collectiveSeconds(h800Cluster, 'all-to-all', 1, 64, 1);
      const nodes = 4 * (1 - 0.09274726889357487);
      const ranks = 32 * (1 - 0.77001968503937);
      const transfer = (bytes: number): number =>
        latency +
        Math.max(
          (4096 * bytes * h * nodes * (7 / 8)) / (DEEPEP_NETWORK_EFFICIENCY * 50e9),
          (4096 * bytes * h * ranks * (7 / 8)) / (DEEPEP_NVLINK_EFFICIENCY * 200e9),
        );
      // fp8 dispatch: 1 byte and a 4-byte scale per 128 values; combine in bf16.
      expect(t).toBeCloseTo(transfer(1 + 4 / 128) + transfer(2), 12);
      expect(dispatcherSms(h800Cluster, plan({}), 'deepep')).toBe(20);
      // 4096 tokens x 3.63 nodes x 7/8 remote x 7.4 kB = 96 MB over a 50 GB/s NIC: 1.9 ms a dispatch, where the
      // NCCL all-to-all would send 8 bf16 copies (4096 x 8 x 7/8 x 14.3 kB = 411 MB, 8.2 ms at the same rate).
      expect(transfer(1 + 4 / 128)).toBeGreaterThan(1.9e-3);
      expect(transfer(1 + 4 / 128)).toBeLessThan(2.1e-3);
    },
  );

  it('HybridEP inside an NVL72 rack: one exchange over NVLink, one copy per rank', () => {
    const nvl72 = getSystemPreset('gb200-nvl72');
    const d = { dispatcher: 'hybridep', fp8Dispatch: false, imbalance: 1 } as const;
    const t = expertParallelSeconds(nvl72, plan({}), shape, h, d);
    const ranks = 32 * (1 - 0.77001968503937);
    const one =
      collectiveSeconds(nvl72, 'all-to-all', 1, 64, 1) +
      (4096 * 2 * h * ranks * (63 / 64)) / (DEEPEP_NVLINK_EFFICIENCY * 900e9);
    expect(t).toBeCloseTo(2 * one, 15);
    expect(dispatcherSms(nvl72, plan({}), 'hybridep')).toBe(32);
    // NCCL's all-to-all holds its channels: 24 inside one NVLink domain.
    expect(dispatcherSms(nvl72, plan({}), 'alltoall')).toBe(24);
  });

  it('EP 64 stays on NVLink inside an NVL72 rack and crosses the NICs over eight DGX nodes', () => {
    const d = { dispatcher: 'hybridep', fp8Dispatch: false, imbalance: 1 } as const;
    const rack = expertParallelSeconds(getSystemPreset('gb200-nvl72'), plan({}), shape, h, d);
    const nodes = expertParallelSeconds(getSystemPreset('dgx-h100'), plan({}), shape, h, d);
    // 4096 x 3.63 nodes x 7/8 x 14.3 kB over a 50 GB/s NIC (3.8 ms a transfer) against 4096 x 7.36 ranks x
    // 63/64 x 14.3 kB over 0.77 x 900 GB/s of NVLink (0.6 ms).
    expect(nodes / rack).toBeGreaterThan(5);
    expect(nodes / rack).toBeLessThan(8);
  });

  it('the busiest rank sets the pace: 1.25x the mean load is 1.25x the bytes', () => {
    const dgx = getSystemPreset('dgx-h100');
    const t = expertParallelSeconds(dgx, plan({ ep: 8 }), shape, h, { ...DEFAULT_MOE_DISPATCH, imbalance: 1.25 });
    expect(t).toBeCloseTo(2 * collectiveSeconds(dgx, 'all-to-all', 1.25 * 4096 * 8 * h * 2, 8, 1), 15);
  });
});

describe('a MoE layer on the chip', () => {
  const model = transformerModel({ zoo: 'deepseek-v3' }, 4096);
  const shape = model.groups.find((g) => g.shape.mlp.kind === 'moe')!.shape;
  const b200 = getChipPreset('b200');
  const env: LayerEnv = {
    chip: b200,
    system: getSystemPreset('gb200-nvl72'),
    dtype: 'bf16',
    attentionDtype: 'bf16',
    attention: 'flash2',
    flash: true,
    dropout: false,
    eager: false,
    selective: 'attention-core',
    moe: DEFAULT_MOE_DISPATCH,
  };
  const gemm = (m: number, k: number, n: number, batch = 1): number =>
    gemmSeconds(b200, 'bf16', { batch, m, n, k, weightsAreParameters: false });

  it(
    "runs multi-head latent attention's up-projections (queries 1536 -> 128 x 192, keys and values 512 -> " +
      '128 x 256)',
    () => {
      expect(shape.upProjections).toEqual([
        { in: 1536, out: 24576 },
        { in: 512, out: 32768 },
      ]);
      const { upProjections: _, ...withoutUp } = shape;
      const p = plan({ ep: 64 });
      const delta = layerTimes(env, shape, model, p).forwardS - layerTimes(env, withoutUp, model, p).forwardS;
      expect(delta).toBeCloseTo(gemm(4096, 1536, 24576) + gemm(4096, 512, 32768), 12);
    },
  );

  it(
    "runs the busiest rank's expert GEMMs (4 experts of 8 x 4096 x 64 / 256 = 1024 tokens, 1.5x under " + 'imbalance)',
    () => {
      const p = plan({ ep: 64 });
      const even = layerTimes(env, shape, model, p);
      const skewed = layerTimes({ ...env, moe: { ...DEFAULT_MOE_DISPATCH, imbalance: 1.5 } }, shape, model, p);
      const experts = (m: number): number => gemm(m, 7168, 4096, 4) + gemm(m, 2048, 7168, 4);
      expect(skewed.forwardS - even.forwardS).toBeCloseTo(experts(8192 * 1.5) - experts(8192), 12);
    },
  );

  it(
    'permutes the routed copies: 6k + 2 per token with NCCL (global and local, both ways), 2k + 2d with ' + 'HybridEP',
    () => {
      const p = plan({ ep: 64 });
      const nccl = layerTimes(env, shape, model, p);
      const flex = layerTimes({ ...env, moe: { ...DEFAULT_MOE_DISPATCH, dispatcher: 'hybridep' } }, shape, model, p);
      // Values per token: 14 h + 3 x (8 x 2048 + 2048) + copies x 7168 + 2 x 256 (the router's scores); a rank
      // receives d = 7.36 distinct copies of a token under HybridEP (see above).
      const values = (copies: number): number => 4096 * (14 * 7168 + 3 * 18432 + copies * 7168 + 512);
      const pass = (v: number): number => streamSeconds(b200, 'bf16', 2 * v, v);
      const d = 32 * (1 - 0.77001968503937);
      expect(nccl.forwardS - flex.forwardS).toBeCloseTo(pass(values(6 * 8 + 2)) - pass(values(2 * 8 + 2 * d)), 12);
    },
  );

  it('counts the host work of one GEMM per local expert: 6 launches, and 4 quantizations in fp8', () => {
    expect(expertHostOps(shape, plan({ ep: 8 }), true)).toBe(32 * 10);
    expect(expertHostOps(shape, plan({ ep: 8 }), false)).toBe(32 * 6);
    expect(expertHostOps(shape, plan({ ep: 64, recompute: 'full' }), true)).toBe(4 * 14);
    expect(expertHostOps(model.groups[0]!.shape, plan({ ep: 8 }), true)).toBe(0);
  });
});

describe('host-bound MoE steps', () => {
  const model = transformerModel({ zoo: 'deepseek-v3' }, 4096);
  const b200 = getChipPreset('b200');
  const nvl72 = getSystemPreset('gb200-nvl72');
  const p = (ep: number, pp: number, dp: number): TrainingPlan =>
    plan({ tp: 1, pp, dp, ep, microbatch: 1, globalBatch: dp * 64 });

  it('32 experts a GPU on Megatron-Core bind the host: 320 operators x 65 us per MoE layer and microbatch', () => {
    const s = trainingStep(model, b200, nvl72, 256, p(8, 16, 16), { dtype: 'fp8-e4m3', stack: 'megatron' });
    const b = s.breakdown;
    expect(b.hostS).toBeGreaterThan(0);
    // Host-bound: a microbatch takes the host's time (less the once-a-step weight casts, under 0.1 ms a microbatch
    // here).
    const hostPerMicrobatch = (b.computeS + b.epCommS + b.tpCommS + b.cpCommS + b.hostS) / s.microbatches;
    // The fullest stage holds 4 of the 61 layers, 58 of them MoE: 58 x 4/61 x 32 experts x 10 operators x 65 us = 79.1
    // ms,
    // plus the layers' other operators (about 20 each, forward, backward twice, at 10 us: under 10 ms).
    const experts = ((58 * 4) / 61) * 320 * EXPERT_HOST_OP_S;
    expect(experts).toBeCloseTo(0.07911, 4);
    expect(hostPerMicrobatch).toBeGreaterThan(experts);
    expect(hostPerMicrobatch).toBeLessThan(experts + 0.01);
  });

  it('4 experts a GPU do not, nor does a stack that launches one grouped kernel', () => {
    expect(
      trainingStep(model, b200, nvl72, 256, p(64, 4, 64), { dtype: 'fp8-e4m3', stack: 'megatron' }).breakdown.hostS,
    ).toBe(0);
    expect(
      trainingStep(model, b200, nvl72, 256, p(8, 16, 16), { dtype: 'fp8-e4m3', stack: 'torchtitan', fused: true })
        .breakdown.hostS,
    ).toBe(0);
  });
});
