import { describe, expect, it } from 'vitest';
import { TpusimError } from '../core/errors.js';
import { leaves } from '../arch/test-support/leaves.js';
import { collectiveCost, tierOf } from './collectives.js';
import { sliceForPlan } from './slices.js';
import { NETWORK_COLLECTIVE_S, NETWORK_EFFICIENCY, NODE_COLLECTIVE_S, SINGLE_NIC_EFFICIENCY } from './nccl.js';
import {
  getSystemPreset,
  loadSystem,
  parseSystem,
  SYSTEM_PRESETS,
  systemPresetNames,
  validateSystem,
} from './systems.js';
import { COLLECTIVES, type GroupPlacement, type NetworkTier, type SystemSpec } from './types.js';

const US = 1e-6;

/** Relative error of `actual` against `expected`, printed with both when it exceeds `tolerance`. */
function expectWithin(actual: number, expected: number, tolerance: number, what: string): void {
  const error = Math.abs(actual / expected - 1);
  expect(
    error,
    `${what}: ${actual} vs ${expected} (error ${(100 * error).toFixed(2)}%, tolerance ${100 * tolerance}%)`,
  ).toBeLessThanOrEqual(tolerance);
}

/** A TPU slice as the scaling book describes one: a torus of `dims`, `linkOneWay` bytes/s per link and direction. */
function slice(dims: number[], wraparound: boolean, linkOneWay: number, latencyS: number): SystemSpec {
  const chips = dims.reduce((a, b) => a * b, 1);
  const ici: NetworkTier = {
    name: 'ici',
    kind: 'torus',
    domainChips: chips,
    bandwidthBytesPerS: 2 * dims.length * linkOneWay,
    latencyS,
    dims,
    wraparound: dims.map(() => wraparound),
    linkBandwidthBytesPerS: linkOneWay,
  };
  return {
    name: `slice-${dims.join('x')}`,
    description: 'scaling-book slice',
    chip: 'tpu-v5p',
    chipsPerHost: 4,
    tiers: [ici],
    maxChips: chips,
  };
}

/** A preset with every tier's latency set to zero: the book's rooflines count bandwidth only. */
const withoutLatency = (s: SystemSpec): SystemSpec => ({ ...s, tiers: s.tiers.map((t) => ({ ...t, latencyS: 0 })) });
/** The v5p pod with the book's ICI figure (9e10 one-way per link) instead of Cloud's 1e11. */
const bookV5p = (): SystemSpec => {
  const pod = getSystemPreset('tpu-v5p-pod');
  return {
    ...pod,
    tiers: pod.tiers.map((t) =>
      t.kind === 'torus' ? { ...t, linkBandwidthBytesPerS: 9e10, bandwidthBytesPerS: 6 * 9e10 } : t,
    ),
  };
};

const seconds = (s: SystemSpec, kind: (typeof COLLECTIVES)[number], bytes: number, p: GroupPlacement): number =>
  collectiveCost(s, kind, bytes, p).seconds;

describe('scaling book worked examples (J. Austin et al., "How to Scale Your Model", 2025)', () => {
  // The book's throughput formulas are the large-axis limit: 'Data volume / bandwidth x (Axis - 1) / Axis -> Data
  // volume / bandwidth (bidirectional)' (Part 3, What Have We Learned). tpusim keeps (N - 1) / N, so where the
  // book drops it we compare with the book's figure times (N - 1) / N.

  it(
    'Part 3, Pop Quiz 2: AllGather_Y over a 4-chip v5e axis without wraparound takes 3 x 8.4e6 / 4.5e10 = ' + '560 us',
    () => {
      const v5e = slice([4, 8], false, 4.5e10, 1 * US); // Y is the 4-long axis; v5e wraps only full 16-chip axes
      expect(validateSystem(v5e)).toEqual([]);
      const bytes = 2048 * 8192 * 2; // the gathered bf16[2048, 8192]
      const cost = collectiveCost(v5e, 'all-gather', bytes, { size: 4, stride: 1 });
      expectWithin(cost.seconds, 560 * US, 0.01, 'line all-gather');
      expect(cost.algorithm).toBe('torus');
      // With a wraparound it would be 34e6 / 9e10 = 377 us in the book's limit form, 3/4 of that exactly.
      const ring = seconds(slice([4, 8], true, 4.5e10, 0), 'all-gather', bytes, { size: 4, stride: 1 });
      expectWithin(ring, 377 * US * (3 / 4), 0.02, 'ring all-gather');
    },
  );

  it('Part 3, Question 2: gathers and an all-reduce on a TPU v4p 4x4x4 slice (9e10 bidirectional)', () => {
    const v4p = slice([4, 4, 4], true, 4.5e10, 0);
    const [B, D] = [1024, 4096];
    // AllGather_X([B_X, D_Y]): 2BD / (9e10 x Y) = 23 us in the book.
    expectWithin(
      seconds(v4p, 'all-gather', (2 * B * D) / 4, { size: 4, stride: 1 }),
      23 * US * (3 / 4),
      0.02,
      'AllGather_X',
    );
    // AllGather_XY: two axes, 2BD / (2 x 9e10) = 46 us.
    expectWithin(
      seconds(v4p, 'all-gather', 2 * B * D, { size: 16, stride: 1 }),
      46 * US * (15 / 16),
      0.02,
      'AllGather_XY',
    );
    // AllReduce_Z([B_X, D_Y] {U_Z}): 4BD / (X Y W) = 11.6 us.
    expectWithin(
      seconds(v4p, 'all-reduce', (2 * B * D) / 16, { size: 4, stride: 16 }),
      11.6 * US * (3 / 4),
      0.02,
      'AllReduce_Z',
    );
  });

  it('Part 3, Question 3: a 256-byte AllGather over a v4p axis of 4 is latency bound, 2 hops of 1 us = 2 us', () => {
    const v4p = slice([4, 4, 4], true, 4.5e10, 1 * US);
    expectWithin(seconds(v4p, 'all-gather', 256, { size: 4, stride: 1 }), 2 * US, 0.01, 'latency-bound all-gather');
  });

  it(
    'Part 5, data parallelism over all three axes of a v5p pod: compute bound above 2550 / 3 = 850 tokens ' +
      'per chip, 7.6M per pod',
    () => {
      const C = 4.59e14;
      const [D, F] = [16384, 65536]; // a large layer, so the 32-hop latency of each all-reduce stays under 1%
      const X = 8960;
      // Backward pass per layer: two all-reduces of 2DF bytes against 8BDF / (X C) of matmuls.
      const comms = 2 * seconds(bookV5p(), 'all-reduce', 2 * D * F, { size: X, stride: 1 });
      const perChip = (comms * C) / (8 * D * F);
      expectWithin(perChip, 2550 / 3, 0.02, 'minimum tokens per chip');
      expectWithin(perChip * X, 7.6e6, 0.02, 'minimum tokens per pod');
    },
  );

  it('Part 5, tensor parallelism on v5p: limit F > Y x 2550; LLaMA-3 70B (F = 30k) fits 8-way, not 16-way', () => {
    const C = 4.59e14;
    const [B, D] = [1e6, 8192];
    // Forward pass: AllGather + ReduceScatter of 2BD bytes over Y against 4BDF / (Y C) of matmuls.
    const minF = (Y: number): number => {
      const ici = slice([Y, 4, 4], true, 9e10, 0); // a full wrapped axis of Y chips
      const comms =
        seconds(ici, 'all-gather', 2 * B * D, { size: Y, stride: 1 }) +
        seconds(ici, 'reduce-scatter', 2 * B * D, { size: Y, stride: 1 });
      return (comms * Y * C) / (4 * B * D);
    };
    expectWithin(minF(8), 20_400 * (7 / 8), 0.01, 'F needed for 8-way (book: 8 x 2550 = 20k)');
    expect(30_000).toBeGreaterThan(minF(8));
    expect(30_000).toBeLessThan(minF(16));
  });

  it(
    'Part 5, scaling across pods: data parallelism over DCN needs C / W_dcn = 4.59e14 / 6.25e9 = 73,440 ' +
      'tokens per pod',
    () => {
      const pod = withoutLatency(getSystemPreset('tpu-v5p-pod'));
      const [C, D, F, M, P] = [4.59e14, 8192, 32768, 8960, 16];
      // The DCN stage of the hierarchical scheme: one chip per pod all-reduces its 1/M of each 2DF-byte gradient.
      // Its cost per byte (the fixed launch cost cancels), at the network's achieved fraction of the wire.
      const dcn = (bytes: number): number => collectiveCost(pod, 'all-reduce', bytes, { size: P, stride: M }).seconds;
      expect(collectiveCost(pod, 'all-reduce', 1e6, { size: P, stride: M }).tier).toBe('dcn');
      const share = (2 * D * F) / M;
      const seconds = (share * (dcn(2e9) - dcn(1e9))) / 1e9;
      const perPod = (2 * seconds * P * M * C) / (8 * D * F) / P;
      expectWithin(perPod, (73_440 * ((P - 1) / P)) / NETWORK_EFFICIENCY, 0.01, 'minimum tokens per pod');
    },
  );
});

describe('switched tiers', () => {
  const a100 = getSystemPreset('dgx-a100');
  // NCCL's model on one DGX A100: NVLink at NCCL's 20 of 25 GB/s per link, a Simple ring step 0.47 + (3.4 - 0.6) us.
  const [bw, simpleStep, launch] = [300e9 * 0.8, (0.47 + 3.4 - 0.6) * US, NODE_COLLECTIVE_S];

  it('places groups in the innermost tier that holds them', () => {
    expect(tierOf(a100, { size: 8, stride: 1 })).toBe(0);
    expect(tierOf(a100, { size: 2, stride: 4 })).toBe(0);
    expect(tierOf(a100, { size: 4, stride: 8 })).toBe(1);
    expect(tierOf(a100, { size: 1, stride: 64 })).toBe(0);
    expect(tierOf(a100, { size: 1e6, stride: 1 })).toBe(1);
  });

  it(
    "prices a large ring on one NVSwitch with NCCL's Simple protocol: base 8.4 us, a step per rank, the " +
      'achieved NVLink bandwidth',
    () => {
      const B = 1e9;
      const p = { size: 8, stride: 1 };
      const gather = 8.4 * US + 7 * simpleStep + (7 / 8) * (B / bw) + launch;
      const cost = collectiveCost(a100, 'all-gather', B, p);
      expect(cost).toMatchObject({ algorithm: 'ring', tier: 'nvlink', protocol: 'Simple' });
      expect(cost.seconds).toBeCloseTo(gather, 12);
      expect(seconds(a100, 'reduce-scatter', B, p)).toBeCloseTo(gather, 12);
      expect(collectiveCost(a100, 'all-reduce', B, p, { algorithm: 'ring' }).seconds).toBeCloseTo(
        8.4 * US + 14 * simpleStep + 2 * (7 / 8) * (B / bw) + launch,
        12,
      );
      // The tree: a chain of 7 NVLink steps up and down, 0.92 of the bus bandwidth halved into algorithm bandwidth, and
      // its pipeline fill: a wave of NCCL's 24 channels x one 512 KiB Simple step, stored whole at each of the 14 hops
      // (one of them already in the bandwidth term).
      const fill = (24 * 512 * 1024 * 13) / bw;
      expect(collectiveCost(a100, 'all-reduce', B, p, { algorithm: 'tree' }).seconds).toBeCloseTo(
        8.4 * US + 14 * (0.47 + 4.0 - 0.6) * US + B / (0.5 * 0.92 * bw) + fill + launch,
        12,
      );
      // All-to-all: every rank sends 7/8 of its buffer over its own links, one LL step per peer.
      const a2a = collectiveCost(a100, 'all-to-all', B, p);
      expect(a2a).toMatchObject({ algorithm: 'direct', tier: 'nvlink' });
      expect(a2a.seconds).toBeCloseTo(6.6 * US + 7 * 0.47 * US + (7 / 8) * (B / bw) + launch, 12);
      expect(seconds(a100, 'p2p', B, { size: 2, stride: 1 })).toBeCloseTo(B / bw + 0.47 * US + launch, 12);
      // Across nodes one GPU per node has its one NIC at NCCL's single-NIC discount; the step is the tree's network
      // latency.
      expect(seconds(a100, 'p2p', B, { size: 2, stride: 8 })).toBeCloseTo(
        B / (25e9 * NETWORK_EFFICIENCY * SINGLE_NIC_EFFICIENCY) + 5.0 * US + NETWORK_COLLECTIVE_S,
        12,
      );
    },
  );

  it('picks the protocol by size as NCCL does: LL for small messages, LL128 between, Simple for large', () => {
    const protocol = (bytes: number): string | undefined =>
      collectiveCost(a100, 'all-gather', bytes, { size: 8, stride: 1 }).protocol;
    expect([protocol(1e3), protocol(4e6), protocol(1e9)]).toEqual(['LL', 'LL128', 'Simple']);
    // LL: 6.6 us + 7 steps of 0.47 us, its bandwidth half the wire and at most Ampere's 87.7 GB/s (llMaxBws); a ring
    // LL channel wants 8 ranks x 4 KB, so 1 KB runs on one of NCCL's 24 channels.
    expect(seconds(a100, 'all-gather', 1e3, { size: 8, stride: 1 })).toBeCloseTo(
      6.6 * US + 7 * 0.47 * US + (7 / 8) * (1e3 / ((0.5 * bw) / 24)) + launch,
      12,
    );
  });

  it(
    'reduces in the switch (NVLS) on NVSwitch 3 and 4: a large all-reduce on a node, and every all-reduce ' +
      'on an NVL72 rack',
    () => {
      const h100 = getSystemPreset('dgx-h100');
      const node = { size: 8, stride: 1 };
      expect(collectiveCost(h100, 'all-reduce', 1e3, node)).toMatchObject({ algorithm: 'ring', protocol: 'LL' });
      // Each GPU sends (1 + 1/8) of the buffer each way at 0.85 (tuning.cc nvlsEfficiency) of the achieved NVLink; 25
      // us.
      const B = 8e9;
      const nvls = collectiveCost(h100, 'all-reduce', B, node);
      expect(nvls).toMatchObject({ algorithm: 'nvls', protocol: 'Simple' });
      // Plus the fill of one wave (16 channels x 8 heads x 128 KiB) through the switch's two store-and-forward stages.
      const inSwitch = 0.85 * 450e9 * (20.6 / 25);
      expect(nvls.seconds).toBeCloseTo(
        25 * US + B / (inSwitch / (1 + 1 / 8)) + (128 * 128 * 1024) / inSwitch + launch,
        12,
      );
      // nccl-tests bus bandwidth 2 (n - 1) / n x B / t: 490 GB/s, against 473-480 measured on 8 H200 (ml-engineering).
      expectWithin(((2 * 7) / 8) * (B / nvls.seconds), 480e9, 0.03, 'NVLS bus bandwidth');
      // No in-switch reduction on A100's NVSwitch 2.
      expect(collectiveCost(a100, 'all-reduce', B, node).algorithm).not.toBe('nvls');
      // 72 ranks: a ring takes 142 steps; NVLS one reduction in the switch.
      const nvl72 = getSystemPreset('gb200-nvl72');
      for (const bytes of [1e3, 1e9])
        expect(collectiveCost(nvl72, 'all-reduce', bytes, { size: 72, stride: 1 }).algorithm).toBe('nvls');
    },
  );

  it(
    "runs NCCL's own algorithms on switched tiers, never a two-level all-reduce; a two-stage all-to-all is " +
      'composed from its stages',
    () => {
      const h100 = getSystemPreset('dgx-h100');
      const p = { size: 64, stride: 1 }; // 8 nodes x 8 GPUs
      const B = 1e9;
      expect(() => collectiveCost(h100, 'all-reduce', B, p, { algorithm: 'hierarchical' })).toThrow(/all-to-all only/);
      // Flat ring, Simple: eight channels, one per NIC, so min(NVLink 370.8, 8 x 46) GB/s; 56 NVLink steps (at least 3
      // us
      // each
      // across nodes, NCCL's net overhead) and 7 network steps each way, times NCCL's 1.4 ring plateau.
      const ringBus = Math.min(450e9 * (20.6 / 25), 8 * 50e9 * NETWORK_EFFICIENCY);
      const ringLatency = (8.4 + 2 * (56 * Math.max(0.47 + 3.4 - 0.6, 3) + 7 * 14)) * 1.4 * US;
      expect(collectiveCost(h100, 'all-reduce', B, p, { algorithm: 'ring' }).seconds).toBeCloseTo(
        ringLatency + 2 * (63 / 64) * (B / ringBus) + NETWORK_COLLECTIVE_S,
        12,
      );
      // Left to choose: the tree for small all-reduces, NVLS tree for large, the ring for reduce-scatters.
      expect(collectiveCost(h100, 'all-reduce', 1e4, p)).toMatchObject({
        algorithm: 'tree',
        tier: 'infiniband',
        protocol: 'LL',
      });
      expect(collectiveCost(h100, 'all-reduce', B, p).algorithm).toBe('nvls');
      expect(collectiveCost(h100, 'reduce-scatter', 1e4, p).algorithm).toBe('ring');
      // An all-to-all may exchange inside each node first, then one member per node across (DeepEP's internode
      // kernels).
      const stages =
        seconds(h100, 'all-to-all', B / 8, { size: 8, stride: 1 }) +
        seconds(h100, 'all-to-all', B, { size: 8, stride: 8 });
      expect(collectiveCost(h100, 'all-to-all', B, p, { algorithm: 'hierarchical' }).seconds).toBeCloseTo(stages, 12);
    },
  );
});

describe('torus tiers', () => {
  const v4 = withoutLatency(getSystemPreset('tpu-v4-pod'));
  const link = 50e9;

  it('halves the bandwidth of an axis without wraparound', () => {
    const B = 1e9;
    const ring = seconds(slice([4, 4, 4], true, link, 0), 'all-gather', B, { size: 4, stride: 1 });
    const line = seconds(slice([4, 4, 4], false, link, 0), 'all-gather', B, { size: 4, stride: 1 });
    expect(line / ring).toBeCloseTo(2, 12);
    expect(seconds(slice([4, 4, 4], true, link, US), 'all-gather', 0, { size: 4, stride: 1 })).toBeCloseTo(2 * US, 15);
    expect(seconds(slice([4, 4, 4], false, link, US), 'all-gather', 0, { size: 4, stride: 1 })).toBeCloseTo(3 * US, 15);
  });

  it('adds the bandwidth of every axis a group covers, and shares links between strided groups', () => {
    const B = 1e9;
    expect(seconds(v4, 'all-gather', B, { size: 16, stride: 1 })).toBeCloseTo((15 / 16) * (B / (2 * link)), 12);
    expect(seconds(v4, 'all-gather', B, { size: 256, stride: 1 })).toBeCloseTo((255 / 256) * (B / (4 * link)), 12);
    expect(seconds(v4, 'all-reduce', B, { size: 4096, stride: 1 })).toBeCloseTo(
      2 * (4095 / 4096) * (B / (6 * link)),
      12,
    );
    expect(seconds(v4, 'all-gather', B, { size: 16, stride: 16 })).toBeCloseTo((15 / 16) * (B / (2 * link)), 12);
    // Four members 4 chips apart close the 16-ring; four such groups share its links.
    expect(seconds(v4, 'all-gather', B, { size: 4, stride: 4 })).toBeCloseTo((3 / 4) * (B / ((2 * link) / 4)), 12);
    // A partial axis is a line.
    expect(seconds(v4, 'all-gather', B, { size: 8, stride: 1 })).toBeCloseTo((7 / 8) * (B / link), 12);
  });

  it('prices an all-to-all by the bisection of the longest axis (Part 3: a quarter of an all-gather on a ring)', () => {
    const B = 1e9;
    expect(seconds(v4, 'all-to-all', B, { size: 16, stride: 1 })).toBeCloseTo((16 * B) / (4 * 2 * link), 12);
    // The book's V is the whole array, 16 B here: AllToAll / AllGather = 1/4, times the (N - 1) / N tpusim keeps.
    expect(
      seconds(v4, 'all-to-all', B, { size: 16, stride: 1 }) /
        seconds(v4, 'all-gather', 16 * B, { size: 16, stride: 1 }),
    ).toBeCloseTo(16 / 15 / 4, 12);
  });

  it('goes hierarchical across pods: ICI inside, DCN between', () => {
    const pod = getSystemPreset('tpu-v5p-pod');
    const cost = collectiveCost(pod, 'all-reduce', 1e9, { size: 2 * 8960, stride: 1 });
    expect(cost).toMatchObject({ algorithm: 'hierarchical', tier: 'dcn' });
    const stages =
      seconds(pod, 'reduce-scatter', 1e9, { size: 8960, stride: 1 }) +
      seconds(pod, 'all-reduce', 1e9 / 8960, { size: 2, stride: 8960 }) +
      seconds(pod, 'all-gather', 1e9, { size: 8960, stride: 1 });
    expect(cost.seconds).toBeCloseTo(stages, 12);
  });
});

/** Every preset, and the slices a job cuts from the optical-switch pods (cluster/slices.ts). */
const SYSTEMS: readonly (readonly [string, SystemSpec])[] = [
  ...systemPresetNames().map((n) => [n, getSystemPreset(n)] as const),
  ['tpu-v4-pod cut for PaLM (2 x 12x16x16)', sliceForPlan(getSystemPreset('tpu-v4-pod'), 6144, [12, 1, 512, 1])],
  ['tpu-v5p-pod cut for 6144 chips, tp 8', sliceForPlan(getSystemPreset('tpu-v5p-pod'), 6144, [8, 1, 768, 1])],
];
/** Algorithms that run one of NCCL's protocols. */
const NCCL_ALGORITHMS = new Set(['ring', 'tree', 'nvls', 'pat']);

describe('every collective on every preset', () => {
  const placements: GroupPlacement[] = [
    { size: 2, stride: 1 },
    { size: 8, stride: 1 },
    { size: 4, stride: 8 },
    { size: 64, stride: 1 },
    { size: 16, stride: 64 },
    { size: 12, stride: 1 },
    { size: 24, stride: 12 },
  ];

  it.each(SYSTEMS)(
    '%s: finite, non-negative, growing with bytes, the reported algorithm can be forced, NCCL protocols only on ' +
      'switched tiers',
    (_, system) => {
      expect(validateSystem(system)).toEqual([]);
      for (const kind of COLLECTIVES) {
        for (const p of placements) {
          const small = collectiveCost(system, kind, 1e3, p);
          const large = collectiveCost(system, kind, 1e9, p);
          expect(Number.isFinite(large.seconds) && small.seconds > 0).toBe(true);
          expect(large.seconds).toBeGreaterThan(small.seconds);
          expect(collectiveCost(system, kind, 1e9, p, { algorithm: large.algorithm })).toEqual(large);
          for (const c of [small, large]) expect(c.protocol !== undefined).toBe(NCCL_ALGORITHMS.has(c.algorithm));
        }
      }
    },
  );

  it('does not depend on how big the system is around a fixed group (closed form)', () => {
    const h100 = getSystemPreset('dgx-h100');
    const small: SystemSpec = {
      ...h100,
      maxChips: 2048,
      tiers: [h100.tiers[0]!, { ...h100.tiers[1]!, domainChips: 2048 }],
    };
    expect(validateSystem(small)).toEqual([]);
    for (const kind of COLLECTIVES)
      expect(seconds(small, kind, 1e8, { size: 256, stride: 1 })).toBe(
        seconds(h100, kind, 1e8, { size: 256, stride: 1 }),
      );
    const million: SystemSpec = {
      ...h100,
      maxChips: 2 ** 20,
      tiers: [h100.tiers[0]!, { ...h100.tiers[1]!, domainChips: 2 ** 20 }],
    };
    expect(seconds(million, 'all-reduce', 1e8, { size: 2 ** 20, stride: 1 })).toBeGreaterThan(
      seconds(million, 'all-reduce', 1e8, { size: 256, stride: 1 }),
    );
  });

  it('costs nothing for a group of one and refuses bad arguments or algorithms that cannot run', () => {
    const a100 = getSystemPreset('dgx-a100');
    expect(collectiveCost(a100, 'all-reduce', 1e9, { size: 1, stride: 1 }).seconds).toBe(0);
    expect(() => collectiveCost(a100, 'all-gather', -1, { size: 8, stride: 1 })).toThrow(/bytes -1/);
    expect(() => collectiveCost(a100, 'all-gather', 1, { size: 8, stride: 0 })).toThrow(/placement.stride/);
    expect(() => collectiveCost(a100, 'reduce-scatter', 1, { size: 8, stride: 1 }, { algorithm: 'tree' })).toThrow(
      /tree does not implement reduce-scatter/,
    );
    expect(() => collectiveCost(a100, 'all-gather', 1, { size: 8, stride: 1 }, { algorithm: 'torus' })).toThrow(
      /torus needs a group inside one torus tier/,
    );
  });
});

const NOT_NUMBERS = new Set(['name', 'description', 'chip']);

describe.each(systemPresetNames())('system preset %s', (name) => {
  const system = SYSTEM_PRESETS[name]!;
  const citations = system.citations ?? {};

  it('is valid and named after its key', () => {
    expect(validateSystem(system)).toEqual([]);
    expect(system.name).toBe(name);
  });

  it('cites every number at the number and every other field at the field or a parent', () => {
    const all = leaves(system).map(([p]) => p);
    expect(
      leaves(system)
        .filter(([p, v]) => typeof v === 'number' && !(p in citations))
        .map(([p]) => p),
    ).toEqual([]);
    const covered = (p: string): boolean =>
      Object.keys(citations).some((c) => p === c || p.startsWith(`${c}[`) || p.startsWith(`${c}.`));
    expect(all.filter((p) => !NOT_NUMBERS.has(p) && !p.endsWith('.name') && !covered(p))).toEqual([]);
    expect(citations['chip']).toBeDefined();
  });

  it(
    'cites only fields it has, lists exactly the sources it cites, and explains every derived or estimated ' + 'number',
    () => {
      const paths = new Set(leaves(system).map(([p]) => p));
      expect(Object.keys(citations).filter((p) => !paths.has(p))).toEqual([]);
      expect(Object.keys(system.sources ?? {}).sort()).toEqual(
        [...new Set(Object.values(citations).map((c) => c.source))].sort(),
      );
      expect(
        Object.entries(citations)
          .filter(([, c]) => c.status !== 'published' && !c.note)
          .map(([p]) => p),
      ).toEqual([]);
    },
  );
});

describe('system validation and loading', () => {
  it('names the nearest preset for an unknown name', () => {
    expect(() => getSystemPreset('dgx-h10')).toThrow(TpusimError);
    expect(() => getSystemPreset('dgx-h10')).toThrow(/did you mean 'dgx-h100'/);
  });

  it('reports every problem with its path', () => {
    const v4 = getSystemPreset('tpu-v4-pod');
    const bad = {
      ...v4,
      chip: 'tpu-v9',
      maxChips: 1000,
      tiers: [
        { ...v4.tiers[0]!, dims: [16, 16, 8], linkBandwidthBytesPerS: undefined, cube: [3, 4, 4] },
        { ...v4.tiers[1]!, domainChips: 4000, bandwidthBytesPerS: 0, dims: [2] },
      ],
    };
    const paths = validateSystem(bad).map((i) => `${i.path} ${i.code}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'tiers[0].dims bad_dims',
        'tiers[0].linkBandwidthBytesPerS missing',
        'tiers[0].cube[0] bad_cube',
        'tiers[1].bandwidthBytesPerS too_small',
        'tiers[1].dims unexpected_field',
        'tiers[1].domainChips not_growing',
        'maxChips bad_max_chips',
        'chip unknown_chip',
      ]),
    );
    expect(
      validateSystem({ ...v4, tiers: [v4.tiers[0], { ...v4.tiers[1]!, domainChips: 6000 }], maxChips: 6000 }).map(
        (i) => i.code,
      ),
    ).toEqual(['not_divisible']);
  });

  it('loads YAML from a preset base, dropping the citations of overridden numbers', () => {
    const yaml = ['base: dgx-h100', 'name: my-cluster', 'tiers:', '  - {}', '  - bandwidthBytesPerS: 100e9'].join('\n');
    const system = loadSystem(yaml, 'my.yaml');
    expect(system.name).toBe('my-cluster');
    expect(system.tiers[1]!.bandwidthBytesPerS).toBe(100e9);
    expect(system.tiers[0]!.bandwidthBytesPerS).toBe(450e9);
    expect(system.citations?.['tiers[1].bandwidthBytesPerS']).toBeUndefined();
    expect(system.citations?.['tiers[0].bandwidthBytesPerS']).toBeDefined();
    expect(seconds(system, 'p2p', 1e9, { size: 2, stride: 8 })).toBeCloseTo(
      1e9 / (100e9 * NETWORK_EFFICIENCY * SINGLE_NIC_EFFICIENCY) + 5.0 * US + NETWORK_COLLECTIVE_S,
      12,
    );
  });

  it('reports syntax errors, unknown bases and invalid fields', () => {
    const syntax = parseSystem('{"name": ', 'bad.json');
    expect(syntax.ok).toBe(false);
    const base = parseSystem('base: dgx-a10', 'x.yaml');
    expect(base.ok ? '' : base.issues[0]!.message).toMatch(/did you mean 'dgx-a100'/);
    expect(() => loadSystem('base: dgx-a100\nchipsPerHost: 3', 'y.yaml')).toThrow(/chipsPerHost: 3 chips per host/);
  });
});
