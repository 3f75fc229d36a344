import { describe, expect, it } from 'vitest';
import { HARNESS_PROFILES, harnessSeconds, TORCH_BLOCKING_BARRIERS } from './collective-harness.js';
import { collectiveCost } from './collectives.js';
import { NETWORK_COLLECTIVE_S, NETWORK_EFFICIENCY } from './nccl.js';
import { getSystemPreset, SYSTEM_PRESETS, validateSystem } from './systems.js';
import { TRANSPORT_SOURCES } from './transport-sources.js';
import { NCCL_NETWORK_STEPS, TRANSPORT_PROFILES } from './transports.js';
import { TRANSPORTS, type NetworkTier, type SystemSpec, type Transport } from './types.js';

const US = 1e-6;
const h100 = getSystemPreset('dgx-h100');
const a100 = getSystemPreset('dgx-a100');
const twoNodes = { size: 16, stride: 1 };

/**
 * A DGX-like system whose network tier runs `transport` at `bandwidth` per GPU (rows describe EFA and TCPX nodes so).
 */
function over(base: SystemSpec, transport: Transport, bandwidth: number, latencyS = 2.7e-6): SystemSpec {
  const network: NetworkTier = {
    name: transport,
    kind: 'fat-tree',
    domainChips: 16384,
    bandwidthBytesPerS: bandwidth,
    latencyS,
    transport,
  };
  return { ...base, name: `${base.name}-${transport}-${latencyS}`, tiers: [base.tiers[0]!, network] };
}

describe('transport registry', () => {
  it('gives every transport a layer, the protocols its plugin allows (Simple always) and cited constants', () => {
    expect(Object.keys(TRANSPORT_PROFILES).sort()).toEqual([...TRANSPORTS].sort());
    for (const [name, t] of Object.entries(TRANSPORT_PROFILES)) {
      expect(t.protocols, name).toContain('Simple');
      expect(t.networkStepS !== undefined, name).toBe(t.layer === 'network');
      for (const c of Object.values(t.citations)) expect(Object.keys(TRANSPORT_SOURCES), name).toContain(c.source);
      if (t.networkStepS !== undefined && t.networkStepS !== NCCL_NETWORK_STEPS)
        expect(Object.keys(t.citations), name).toContain('networkStepS');
    }
  });

  it("says what each preset's tiers run on, without changing a cost (they are NCCL's own figures)", () => {
    expect(h100.tiers.map((t) => t.transport)).toEqual(['nvlink', 'infiniband']);
    expect(getSystemPreset('hgx-h200').tiers.map((t) => t.transport)).toEqual(['nvlink', 'roce']);
    expect(getSystemPreset('tpu-v5p-pod').tiers.map((t) => t.transport)).toEqual(['ici', 'dcn']);
    for (const [name, s] of Object.entries(SYSTEM_PRESETS)) {
      expect(validateSystem(s), name).toEqual([]);
      const bare: SystemSpec = { ...s, name: `${name}-bare`, tiers: s.tiers.map(({ transport: _, ...t }) => t) };
      for (const size of [16, 64])
        for (const bytes of [8192, 1e6, 1e9]) {
          expect(
            collectiveCost(bare, 'all-reduce', bytes, { size, stride: 1 }).seconds,
            `${name} ${size} ${bytes}`,
          ).toBe(collectiveCost(s, 'all-reduce', bytes, { size, stride: 1 }).seconds);
        }
    }
  });

  it('rejects a transport on the wrong kind of tier, and unknown ones', () => {
    const efaOnIci = {
      ...getSystemPreset('tpu-v5e-pod'),
      tiers: getSystemPreset('tpu-v5e-pod').tiers.map((t, i) => (i === 0 ? { ...t, transport: 'efa-v2' } : t)),
    };
    expect(validateSystem(efaOnIci).map((i) => [i.code, i.path])).toEqual([
      ['transport_mismatch', 'tiers[0].transport'],
    ]);
    const unknown = { ...h100, tiers: [h100.tiers[0], { ...h100.tiers[1]!, transport: 'carrier-pigeon' }] };
    expect(validateSystem(unknown).map((i) => i.path)).toEqual(['tiers[1].transport']);
  });
});

describe('AWS EFA through aws-ofi-nccl', () => {
  // DGX H100 nodes on EFA at 400 Gb/s per GPU (p5): NVLink at 20.6/25 of 450 GB/s, the NICs at the fitted 0.92.
  const NVLINK = 450e9 * (20.6 / 25);
  const NIC = 50e9 * NETWORK_EFFICIENCY;

  it("efa-v2 (p5): an 8 KB all-reduce on 2 nodes is a tree under LL with the plugin's 20 us network step", () => {
    const c = collectiveCost(over(h100, 'efa-v2', 50e9), 'all-reduce', 8192, twoNodes);
    expect(c).toMatchObject({ algorithm: 'tree', protocol: 'LL' });
    // As on InfiniBand (nccl.test.ts) but each of the 2 network steps (up, down) is 20 us instead of 5.0.
    const bw = Math.min(Math.min(NVLINK, 2 * 8 * NIC) * 0.92, 8 * 41.4e9) / 3.8;
    const algbw = 0.5 * Math.min((bw * 2) / 16, 39e9) * 0.7;
    const fill = 8192 * (2 / (2 * 8 * NIC * 0.5));
    expect(c.seconds).toBeCloseTo((6.8 + 2 * (7 * 0.47 + 20)) * US + 8192 / algbw + fill + NETWORK_COLLECTIVE_S, 12);
    // 66.2 us of it is latency: the 8-byte floor of 65-74 us AWS's README prints for 2 x p5.48xlarge.
    expect((6.8 + 2 * (7 * 0.47 + 20)) * US + NETWORK_COLLECTIVE_S).toBeCloseTo(66.18 * US, 12);
  });

  it('efa-v1 (p4de): Simple only, so the same all-reduce as a tree runs Simple with 23 us network steps', () => {
    // A100 nodes with 4 x 100 Gb/s EFA: 6.25 GB/s per GPU.
    const c = collectiveCost(over(a100, 'efa-v1', 6.25e9), 'all-reduce', 8192, twoNodes, { algorithm: 'tree' });
    expect(c).toMatchObject({ algorithm: 'tree', protocol: 'Simple' });
    // Tree bus: min(NVLink 300 x 0.8, 2 nodes x 8 NICs x 6.25 x 0.92) x 0.92 on 1 of 16 channels (Simple wants 32 KB
    // a channel); Simple's size correction 0.8 at 2^7 x 64 B.
    const net = 2 * 8 * 6.25e9 * NETWORK_EFFICIENCY;
    const treeBus = (Math.min(300e9 * 0.8, net) * 0.92) / 16;
    const nvlinkSimple = 0.47 + 4.0 - 0.6;
    // Simple stores the 8 KB at each of 14 NVLink hops and 2 network stages; the slowest (network) is in the bandwidth
    // term.
    const fill = 8192 * (14 / (300e9 * 0.8) + 1 / net);
    expect(c.seconds).toBeCloseTo(
      (8.4 + 2 * (7 * nvlinkSimple + 23)) * US + 8192 / (0.5 * treeBus * 0.8) + fill + NETWORK_COLLECTIVE_S,
      12,
    );
  });

  it('efa-v3 and efa-v4 (p5en, p6-b200) step at 18 us, 21 us under Simple', () => {
    for (const t of ['efa-v3', 'efa-v4'] as const) {
      const steps = TRANSPORT_PROFILES[t].networkStepS!;
      [...steps.ring, ...steps.tree, steps.nvlsTree].forEach((s, i) =>
        expect(s).toBeCloseTo([18, 18, 21, 18, 18, 21, 21][i]! * US, 15),
      );
    }
    const ib = collectiveCost(h100, 'all-reduce', 8192, twoNodes).seconds;
    // LL tree on 2 nodes crosses the network twice: 2 x (18 - 5.0) us slower than NCCL's InfiniBand.
    expect(collectiveCost(over(h100, 'efa-v4', 50e9), 'all-reduce', 8192, twoNodes).seconds - ib).toBeCloseTo(
      2 * 13 * US,
      12,
    );
  });

  it("adds a tier's latency beyond NCCL's 2.7 us to every step of its transport", () => {
    const base = collectiveCost(over(h100, 'efa-v2', 50e9), 'all-reduce', 8192, twoNodes).seconds;
    expect(collectiveCost(over(h100, 'efa-v2', 50e9, 5.7e-6), 'all-reduce', 8192, twoNodes).seconds - base).toBeCloseTo(
      2 * 3 * US,
      12,
    );
  });
});

describe("Google's GPUDirect-TCPX and TCPXO", () => {
  const ring = { algorithm: 'ring' } as const;

  it(
    'tcpx runs Simple only: a 64 KB ring all-gather that takes LL on InfiniBand takes Simple, 15 steps at ' +
      'their Simple latency',
    () => {
      expect(collectiveCost(h100, 'all-gather', 65536, twoNodes, ring).protocol).toBe('LL');
      const c = collectiveCost(over(h100, 'tcpx', 12.5e9), 'all-gather', 65536, twoNodes, ring);
      expect(c).toMatchObject({ algorithm: 'ring', protocol: 'Simple' });
      // 14 NVLink steps at max(0.47 + 3.4 - 0.6, 3 us net overhead), 1 network step at 14 us, over 8 NICs of 12.5 GB/s,
      // on 2 of TCPX's 8 pinned channels (Simple wants 32 KB a channel).
      const nics = (8 * 12.5e9 * NETWORK_EFFICIENCY * 2) / 8;
      expect(c.seconds).toBeCloseTo(
        (8.4 + 14 * (0.47 + 3.4 - 0.6) + 14) * US + (15 / 16) * (65536 / nics) + NETWORK_COLLECTIVE_S,
        12,
      );
    },
  );

  it('tcpxo allows LL128 and Simple, never LL', () => {
    const a3mega = over(h100, 'tcpxo', 25e9);
    for (const bytes of [1024, 65536, 8e6, 1e9]) {
      expect(collectiveCost(a3mega, 'all-gather', bytes, twoNodes, ring).protocol).not.toBe('LL');
      expect(collectiveCost(a3mega, 'all-reduce', bytes, twoNodes, { algorithm: 'tree' }).protocol).not.toBe('LL');
    }
    expect(collectiveCost(a3mega, 'all-gather', 65536, twoNodes, ring).protocol).toBe('LL128');
  });
});

describe('benchmark harnesses', () => {
  const p6 = over({ ...h100, chip: 'b200', tiers: [{ ...h100.tiers[0]!, bandwidthBytesPerS: 900e9 }] }, 'efa-v4', 50e9);

  it('nccl-tests reports the collective itself', () => {
    expect(harnessSeconds(p6, 'all-reduce', 1 << 20, { size: 32, stride: 1 })).toBe(
      collectiveCost(p6, 'all-reduce', 1 << 20, { size: 32, stride: 1 }).seconds,
    );
  });

  it(
    'a blocking torch.distributed loop adds 2.1 barriers, a barrier being a one-element all-reduce of the ' + 'group',
    () => {
      const group = { size: 32, stride: 1 };
      const barrier = collectiveCost(p6, 'all-reduce', 4, group).seconds;
      expect(harnessSeconds(p6, 'all-reduce', 1 << 20, group, 'torch-distributed')).toBeCloseTo(
        collectiveCost(p6, 'all-reduce', 1 << 20, group).seconds + TORCH_BLOCKING_BARRIERS * barrier,
        12,
      );
      expect(HARNESS_PROFILES['torch-distributed'].overheadS(10 * US)).toBeCloseTo(21 * US, 12);
      expect(harnessSeconds(p6, 'all-reduce', 1 << 20, { size: 1, stride: 1 }, 'torch-distributed')).toBe(0);
    },
  );
});
