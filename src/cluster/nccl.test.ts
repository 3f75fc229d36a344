import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectiveCost } from './collectives.js';
import { NETWORK_COLLECTIVE_S, NETWORK_EFFICIENCY, NODE_COLLECTIVE_S, SINGLE_NIC_EFFICIENCY } from './nccl.js';
import { getSystemPreset, SYSTEM_PRESETS } from './systems.js';
import type { Collective, GroupPlacement } from './types.js';

const US = 1e-6;
const h100 = getSystemPreset('dgx-h100');
const seconds = (kind: Collective, bytes: number, p: GroupPlacement): number =>
  collectiveCost(h100, kind, bytes, p).seconds;
/** Seconds per byte at large sizes: the difference of two costs, so fixed latencies cancel. */
const perByte = (kind: Collective, p: GroupPlacement): number => (seconds(kind, 2e9, p) - seconds(kind, 1e9, p)) / 1e9;
/** nccl-tests' bus bandwidth of an all-reduce of `bytes` by `n` ranks. */
const busbw = (bytes: number, n: number, s: number): number => ((2 * (n - 1)) / n) * (bytes / s);

// DGX H100: NVLink at NCCL's 20.6 of 25 GB/s per link (18 links), one 400 Gb/s NIC per GPU at the fitted 0.92.
const NVLINK = 450e9 * (20.6 / 25);
const NIC = 50e9 * NETWORK_EFFICIENCY;

describe('per-NIC bandwidth on a rail-optimised fabric (NCCL: one channel per NIC)', () => {
  it(
    'gives a ring over whole nodes every NIC of the node, and a group with one GPU per node (stride 8) its ' +
      'one NIC',
    () => {
      // 4 nodes x 8 GPUs: min(NVLink, 8 NICs) per channel set; 28 NVLink steps (at least 3 us, NCCL's net overhead) and
      // 3
      // network steps.
      const whole = collectiveCost(h100, 'all-gather', 1e9, { size: 32, stride: 1 });
      expect(whole).toMatchObject({ algorithm: 'ring', protocol: 'Simple', tier: 'infiniband' });
      const ring = Math.min(NVLINK, 8 * NIC);
      expect(whole.seconds).toBeCloseTo(
        (8.4 + 28 * Math.max(0.47 + 3.4 - 0.6, 3) + 3 * 14) * US + (31 / 32) * (1e9 / ring) + NETWORK_COLLECTIVE_S,
        12,
      );
      // One GPU per node: its own NIC, at NCCL's single-NIC discount (0.7 for 0.92); each step at the tree's network
      // latency.
      const one = 50e9 * NETWORK_EFFICIENCY * SINGLE_NIC_EFFICIENCY;
      expect(one).toBeCloseTo(35e9, 3);
      expect(seconds('all-gather', 1e9, { size: 4, stride: 8 })).toBeCloseTo(
        (8.4 + 3 * 14) * US + (3 / 4) * (1e9 / one) + NETWORK_COLLECTIVE_S,
        12,
      );
      // A data-parallel all-reduce over 64 nodes, one GPU each, moves 2 (n - 1) / n of the buffer through that one NIC.
      expect(perByte('all-reduce', { size: 64, stride: 8 })).toBeCloseTo((2 * (63 / 64)) / one, 15);
    },
  );

  it("bounds an all-to-all over nodes by each GPU's own NIC: half of a rank's bytes leave the node on 2 nodes", () => {
    expect(perByte('all-to-all', { size: 16, stride: 1 })).toBeCloseTo(0.5 / NIC, 15);
    // Inside a node the same exchange runs on NVLink.
    expect(perByte('all-to-all', { size: 8, stride: 1 })).toBeCloseTo(7 / 8 / NVLINK, 15);
  });
});

describe(
  'size-dependent efficiency (NCCL tuning.cc: latencies per algorithm and protocol, protocol ' + 'bandwidths)',
  () => {
    const twoNodes = { size: 16, stride: 1 };

    it(
      'an 8 KB all-reduce on 2 nodes is a tree under LL: 6.8 us, 7 NVLink and 1 network step each way, LL ' +
        'capped at 39 GB/s',
      () => {
        const c = collectiveCost(h100, 'all-reduce', 8192, twoNodes);
        expect(c).toMatchObject({ algorithm: 'tree', protocol: 'LL' });
        // Tree bus min(NVLink, 2 x network) x 0.92, under the Hopper 2-node cap of 41.4 GB/s per channel (8 channels);
        // LL takes 1/3.8 of it on 2 of NCCL's 16 channels (8 KB over 4 KB per channel), at most llMaxBws' 39 GB/s;
        // halved; tuning.cc's correction 0.7 at 2^7 x 64 bytes.
        const bw = Math.min(Math.min(NVLINK, 2 * 8 * NIC) * 0.92, 8 * 41.4e9) / 3.8;
        const algbw = 0.5 * Math.min((bw * 2) / 16, 39e9) * 0.7;
        // The 8 KB wave waits whole at the two network stages (LL carries half the wire; both directions between 2
        // nodes).
        const fill = 8192 * (2 / (2 * 8 * NIC * 0.5));
        expect(c.seconds).toBeCloseTo(
          (6.8 + 2 * (7 * 0.47 + 5.0)) * US + 8192 / algbw + fill + NETWORK_COLLECTIVE_S,
          12,
        );
        expect(c.seconds * 1e6).toBeGreaterThan(35); // nccl-tests on 2 x 8 H100 over InfiniBand: 37 us (dstack, Nebius)
      },
    );

    it('a 1 GB all-reduce on 2 nodes runs NVLS tree, bound by the in-switch reduction at 0.85 of NVLink', () => {
      const c = collectiveCost(h100, 'all-reduce', 1e9, twoNodes);
      expect(c).toMatchObject({ algorithm: 'nvls', protocol: 'Simple' });
      const nvls = (0.85 * NVLINK) / (1 + 1 / 8);
      // The fill of one wave, 16 channels x 8 heads x 128 KiB chunks: the reduction in the switch and the multicast
      // (the slower stage, already in the bandwidth term once), the network up and down (both directions).
      const fill = 128 * 128 * 1024 * (2 / (0.85 * NVLINK) + 2 / (2 * 8 * NIC) - 1 / (0.85 * NVLINK));
      expect(c.seconds).toBeCloseTo(
        (25 + 2 * 20.9) * US + 1e9 / Math.min(nvls, 8 * NIC) + fill + NETWORK_COLLECTIVE_S,
        12,
      );
    });

    it('bus bandwidth rises with size, from latency-bound to 80-95% of the wire', () => {
      const sizes = [8e3, 1e5, 1e6, 1e7, 1e8, 1e9, 8e9];
      const curve = sizes.map((b) => busbw(b, 16, seconds('all-reduce', b, twoNodes)));
      for (let i = 1; i < curve.length; i++) expect(curve[i]!).toBeGreaterThan(curve[i - 1]!);
      expect(curve[0]!).toBeLessThan(2e9);
      // Past a ring's wire limit (8 NICs, 400 GB/s): NVLS tree moves half the bytes a ring does between 2 nodes.
      expect(curve[curve.length - 1]! / 1e9).toBeGreaterThan(450);
      const gather = (b: number): number => ((15 / 16) * b) / seconds('all-gather', b, twoNodes);
      expect(gather(8e9) / (8 * 50e9)).toBeGreaterThan(0.8);
      expect(gather(8e9) / (8 * 50e9)).toBeLessThan(0.95);
    });

    it(
      'one GPU per node on 2 nodes: ring and PAT for gathers, the network latencies fully exposed (tree ' + 'latency)',
      () => {
        // 2 ranks, 1 step over the network: LL base 6.6 + tree LL network step 5.0 us; LL carries half the NIC, on one
        // of the GPU's 2 channels (a ring LL channel wants 4 KB x 2 ranks).
        expect(seconds('all-gather', 1024, { size: 2, stride: 8 })).toBeCloseTo(
          (6.6 + 5.0) * US + (1 / 2) * (1024 / (0.5 * 35e9 * (1 / 2))) + NETWORK_COLLECTIVE_S,
          12,
        );
        // PAT runs gathers with one GPU per node; at 1024 nodes its log-depth network latency beats the ring's 1023
        // steps.
        expect(collectiveCost(h100, 'all-gather', 1e6, { size: 1024, stride: 8 }).algorithm).toBe('pat');
      },
    );
  },
);

describe("NCCL's tuner picks the algorithm and protocol; the run takes what NCCL then does with them", () => {
  const node = { size: 8, stride: 1 };
  const B = 64 * 1024;

  it('a 64 KiB all-reduce on one DGX H100 node runs a ring under LL on 2 of its 24 channels', () => {
    // tuning.cc, all 24 channels, no fill: ring LL 6.6 + 14 x 0.47 us + 2 x 7/8 x B at llMaxBws' 141 GB/s (LL carries
    // half of 370.8 GB/s, 185.4, above the cap) = 14.0 us; tree LL 6.8 + 2 x 7 x 0.47 us + B / (0.5 x 341.1 / 3.8 x
    // 0.6, the size correction at 2^10 x 64 B) = 15.8 us. NCCL runs the ring.
    const ringLatency = (6.6 + 14 * 0.47) * US;
    const ringBytes = 2 * (7 / 8) * B;
    const tunerRing = ringLatency + ringBytes / Math.min(141e9, 0.5 * NVLINK);
    const treeBus = (NVLINK * 0.92) / 3.8;
    const tunerTree = (6.8 + 2 * 7 * 0.47) * US + B / (0.5 * treeBus * 0.6);
    expect(tunerRing / US).toBeCloseTo(14.0, 1);
    expect(tunerTree / US).toBeCloseTo(15.8, 1);
    const c = collectiveCost(h100, 'all-reduce', B, node);
    expect(c).toMatchObject({ algorithm: 'ring', protocol: 'LL' });
    // enqueue.cc then keeps a ring LL channel per 512 threads x 8 B x 8 ranks = 32 KiB: 2 of 24, a twelfth of the bus
    // bandwidth, under the cap no longer. Plus the 1 us launch on one node.
    expect(c.seconds).toBeCloseTo(ringLatency + ringBytes / ((0.5 * NVLINK * 2) / 24) + NODE_COLLECTIVE_S, 12);
    expect(c.seconds / US).toBeCloseTo(21.6, 1);
  });

  it('which is slower than the tree would have been on the 16 channels its 64 KiB keeps', () => {
    const tree = collectiveCost(h100, 'all-reduce', B, node, { algorithm: 'tree' });
    expect(tree.protocol).toBe('LL');
    const treeBus = (((NVLINK * 0.92) / 3.8) * 16) / 24;
    expect(tree.seconds).toBeCloseTo((6.8 + 2 * 7 * 0.47) * US + B / (0.5 * treeBus * 0.6) + NODE_COLLECTIVE_S, 12);
    expect(tree.seconds).toBeLessThan(collectiveCost(h100, 'all-reduce', B, node).seconds);
  });
});

describe("NCCL's pick is one of the algorithms the model prices (fast-check, seeded)", () => {
  const switchedSystems = Object.keys(SYSTEM_PRESETS).filter((name) =>
    SYSTEM_PRESETS[name]!.tiers.every((t) => t.kind !== 'torus'),
  );

  it('the default cost is the named algorithm forced, under the same protocol, and never below the cheapest', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...switchedSystems),
        fc.constantFrom<Collective>('all-reduce', 'reduce-scatter', 'all-gather'),
        fc.integer({ min: 0, max: 34 }),
        fc.constantFrom(2, 4, 8, 16, 32, 256),
        fc.constantFrom(1, 8),
        (name, kind, log2Bytes, size, stride) => {
          const system = SYSTEM_PRESETS[name]!;
          const p = { size, stride };
          const bytes = 2 ** log2Bytes;
          const chosen = collectiveCost(system, kind, bytes, p);
          const forced = collectiveCost(system, kind, bytes, p, { algorithm: chosen.algorithm });
          expect(forced).toEqual(chosen);
          let cheapest = Infinity;
          for (const algorithm of ['ring', 'tree', 'nvls', 'pat'] as const) {
            try {
              cheapest = Math.min(cheapest, collectiveCost(system, kind, bytes, p, { algorithm }).seconds);
            } catch {
              // The algorithm does not run this collective on this group.
            }
          }
          expect(Number.isFinite(chosen.seconds)).toBe(true);
          expect(chosen.seconds).toBeGreaterThanOrEqual(cheapest);
        },
      ),
      { seed: 61, numRuns: 300 },
    );
  });
});
