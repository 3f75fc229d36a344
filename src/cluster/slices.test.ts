import { describe, expect, it } from 'vitest';
import { collectiveCost } from './collectives.js';
import { sliceForPlan } from './slices.js';
import { getSystemPreset, validateSystem } from './systems.js';
import type { NetworkTier, SystemSpec } from './types.js';

const US = 1e-6;
const LINK = 50e9; // TPU v4: 6 ICI links of 50 GB/s per direction (Jouppi et al. 2023, Table 4)
const v4 = getSystemPreset('tpu-v4-pod');
/**
 * PaLM 540B: 6,144 TPU v4, 12-way model parallelism inside each pod, 512-way data parallelism (256 per pod x 2 pods).
 */
const palm = sliceForPlan(v4, 6144, [12, 1, 512, 1]);

describe('slices of optical-switch pods follow the plan (TPU v4, v5p)', () => {
  it('cuts PaLM its two 12 x 16 x 16 slices, every axis wrapped, joined over DCN', () => {
    expect(validateSystem(palm)).toEqual([]);
    expect(palm.tiers[0]).toMatchObject({
      kind: 'torus',
      domainChips: 3072,
      dims: [12, 16, 16],
      wraparound: [true, true, true],
      cube: [4, 4, 4],
    });
    expect(palm.tiers[1]).toMatchObject({ name: 'dcn', bandwidthBytesPerS: v4.tiers[1]!.bandwidthBytesPerS });
    expect(palm.tiers[1]!.domainChips % 3072).toBe(0);
    expect(sliceForPlan(v4, 6144, [12, 1, 512, 1])).toBe(palm); // memoized: layer caches key on the object
  });

  it("runs tp = 12 as a wrapped 12-long axis: half the time of a 12-chip line on the pod's 16-long axis", () => {
    const B = 1e9;
    const sliced = collectiveCost(palm, 'all-gather', B, { size: 12, stride: 1 });
    expect(sliced).toMatchObject({ algorithm: 'torus', tier: 'ici' });
    expect(sliced.seconds).toBeCloseTo((11 / 12) * (B / (2 * LINK)) + 6 * US, 12);
    expect(collectiveCost(v4, 'all-gather', B, { size: 12, stride: 1 }).seconds).toBeCloseTo(
      (11 / 12) * (B / LINK) + 11 * US,
      12,
    );
  });

  it(
    "all-reduces PaLM's gradients hierarchically: reduce-scatter on two ICI axes, the pod's 1/256 over " +
      'DCN, all-gather back',
    () => {
      const B = 90e9; // 540B parameters / 12 in bf16
      const dp = { size: 512, stride: 12 };
      const cost = collectiveCost(palm, 'all-reduce', B, dp);
      expect(cost).toMatchObject({ algorithm: 'hierarchical', tier: 'dcn' });
      const inner = { size: 256, stride: 12 };
      const ici = collectiveCost(palm, 'reduce-scatter', B, inner);
      // Two full wrapped 16-long axes: 4 links both ways, 8 + 8 hops.
      expect(ici.seconds).toBeCloseTo((255 / 256) * (B / (4 * LINK)) + 16 * US, 9);
      const dcn = collectiveCost(palm, 'all-reduce', B / 256, { size: 2, stride: 3072 });
      expect(dcn.tier).toBe('dcn');
      expect(cost.seconds).toBeCloseTo(2 * ici.seconds + dcn.seconds, 12);
      // About a second: hidden behind PaLM's 8-9 s steps (the one strided ring gave 63-228 s).
      expect(cost.seconds).toBeGreaterThan(1);
      expect(cost.seconds).toBeLessThan(1.3);
    },
  );

  it('keeps full pods, systems without optical-switch cubes and jobs that do not divide into cubes as they are', () => {
    const v5p = getSystemPreset('tpu-v5p-pod');
    const full = sliceForPlan(v5p, 8960, [8, 1, 1120, 1]);
    expect([...full.tiers[0]!.dims!].sort((a, b) => a - b)).toEqual([16, 20, 28]);
    expect(sliceForPlan(getSystemPreset('dgx-h100'), 1024, [8, 1, 128, 1])).toBe(getSystemPreset('dgx-h100'));
    expect(sliceForPlan(getSystemPreset('tpu-v5e-pod'), 256, [8, 1, 32, 1])).toBe(getSystemPreset('tpu-v5e-pod'));
    expect(sliceForPlan(v4, 100, [4, 1, 25, 1])).toBe(v4);
    // One slice inside a pod: no DCN tier. tp = 8 takes a whole wrapped 4-long axis and 2 chips of the next: the
    // axes' bandwidths add (150 GB/s each way), more than one wrapped 8-long axis gives (100).
    const small = sliceForPlan(v4, 512, [8, 1, 64, 1]);
    expect(small.tiers.map((t) => t.name)).toEqual(['ici']);
    expect(small.tiers[0]!.dims).toEqual([4, 8, 16]);
    expect(validateSystem(small)).toEqual([]);
  });
});

describe('groups off the torus axes run one ring through their members', () => {
  /** A 16-chip ring with wraparound, 50 GB/s per link and direction, 1 us per hop. */
  const ring16: NetworkTier = {
    name: 'ici',
    kind: 'torus',
    domainChips: 16,
    bandwidthBytesPerS: 2 * LINK,
    latencyS: US,
    dims: [16],
    wraparound: [true],
    linkBandwidthBytesPerS: LINK,
  };
  const system: SystemSpec = {
    name: 'ring16',
    description: 'one wrapped axis',
    chip: 'tpu-v4',
    chipsPerHost: 4,
    tiers: [ring16],
    maxChips: 16,
  };

  it(
    'four members 3 chips apart: hops 3, 3, 3 and 7 round the ring, so both directions of each link carry ' +
      '4 / 2 hops',
    () => {
      expect(validateSystem(system)).toEqual([]);
      const B = 1e9;
      // Mean hops per ring edge 16 / 4 = 4, shared by both directions: LINK / 2 per member; ceil(3 / 2) steps of 4
      // hops.
      expect(collectiveCost(system, 'all-gather', B, { size: 4, stride: 3 }).seconds).toBeCloseTo(
        (3 / 4) * (B / (LINK / 2)) + 8 * US,
        12,
      );
      // p2p to the next rank: 3 hops.
      expect(collectiveCost(system, 'p2p', B, { size: 2, stride: 3 }).seconds).toBeCloseTo((3 * B) / LINK + 3 * US, 12);
    },
  );

  it(
    "prices PaLM's data parallelism on the uncut 16 x 16 x 16 pod (stride 12 crosses the axes) well below " +
      'the sliced one',
    () => {
      const B = 90e9;
      const uncut = collectiveCost(v4, 'all-reduce', B, { size: 512, stride: 12 }).seconds;
      const sliced = collectiveCost(palm, 'all-reduce', B, { size: 512, stride: 12 }).seconds;
      expect(uncut / sliced).toBeGreaterThan(3);
      expect(uncut).toBeLessThan(20);
    },
  );
});
