import { describe, expect, it } from 'vitest';
import { collectiveCost } from './collectives.js';
import { NETWORK_COLLECTIVE_S, NETWORK_EFFICIENCY } from './nccl.js';
import {
  channelBytes,
  channelsUsed,
  fillSPerByte,
  ncclChannels,
  nvlsChunkBytes,
  STEP_BYTES,
  treeChunkBytes,
} from './nccl-pipeline.js';
import { getSystemPreset } from './systems.js';
import type { SystemSpec } from './types.js';

const US = 1e-6;
const KIB = 1024;
const MIB = 1024 * KIB;

describe("NCCL's channels, chunks and steps (enqueue.cc, init.cc, device.h)", () => {
  it(
    'keeps a channel only for 512 threads x 8 bytes (LL; x ranks on a ring), 640 x 8 (LL128), 512 x 64 ' + '(Simple)',
    () => {
      expect([0, 1, 2].map((p) => channelBytes('tree', p, 16))).toEqual([4 * KIB, 5 * KIB, 32 * KIB]);
      expect(channelBytes('ring', 0, 16)).toBe(64 * KIB);
      expect(channelsUsed(8 * KIB, 4 * KIB, 16)).toBe(2);
      expect(channelsUsed(128 * KIB, 64 * KIB, 16)).toBe(2);
      expect(channelsUsed(8 * MIB, 32 * KIB, 16)).toBe(16);
      expect(channelsUsed(1000, 32 * KIB, 16)).toBe(1);
    },
  );

  it('opens 24 channels inside an NVSwitch node and two per NIC across nodes, at most 64', () => {
    expect([ncclChannels(8, 1), ncclChannels(8, 2), ncclChannels(1, 4), ncclChannels(72, 2)]).toEqual([24, 16, 2, 64]);
  });

  it(
    'cuts steps of 32 KiB (LL data), 576,000 B (LL128 data) and 512 KiB (Simple), and halves an LL128 tree ' +
      'chunk at mid sizes',
    () => {
      expect(STEP_BYTES).toEqual([32 * KIB, 576_000, 512 * KIB]);
      // 16 MiB on 16 channels, 2 nodes of 8: 1 + 1 + 0.8 = 2.8 steps; 1.8, 3.6, 7.3 chunks a channel are under 2.8 x 64
      // /
      // 8 = 22.4,
      // so 576,000 halves to 72,000 (no longer above 128 KiB); 14 chunks are not under 5.6; 37 grains of 1,920 B.
      expect(treeChunkBytes(1, 16 * MIB, 16, 2, 8)).toBe(71_040);
      // 1 MiB: 72,000 B, then 0 and 1 chunks are under 5.6: 36,000, 18,000 (no longer above 32 KiB); 9 grains.
      expect(treeChunkBytes(1, MIB, 16, 2, 8)).toBe(17_280);
      expect([treeChunkBytes(0, MIB, 16, 2, 8), treeChunkBytes(2, MIB, 16, 2, 8)]).toEqual([32 * KIB, 512 * KIB]);
    },
  );

  it('shrinks an NVLS chunk while the message holds few chunks per channel and head', () => {
    // NVLS tree, 16 channels x 8 heads: 8 MiB is under 4 x 128 x 128 KiB, so 64 KiB; not under 1 x 128 x 64 KiB.
    expect(nvlsChunkBytes(true, 8 * MIB, 128, 128 * KIB)).toBe(64 * KIB);
    expect(nvlsChunkBytes(true, 128 * MIB, 128, 128 * KIB)).toBe(128 * KIB);
    // NVLS on one node, 24 channels x 8 heads: 64 MiB is under 64 x 192 x 128 KiB and 8 x 192 x 64 KiB, not 2 x 192 x
    // 32 KiB.
    expect(nvlsChunkBytes(false, 64 * MIB, 192, 128 * KIB)).toBe(32 * KIB);
  });

  it(
    'fills a pipeline with one wave per store-and-forward stage, less the slowest when the bandwidth term ' +
      'holds it',
    () => {
      const stages = [
        { count: 14, bytesPerS: 240e9, storeAndForward: true },
        { count: 2, bytesPerS: 92e9, storeAndForward: true },
      ];
      expect(fillSPerByte(stages)).toBeCloseTo(14 / 240e9 + 1 / 92e9, 25);
      // Cut-through NVLink hops (LL, LL128) hold nothing; the slowest stage is then not one that stores.
      expect(fillSPerByte([{ ...stages[0]!, bytesPerS: 50e9, storeAndForward: false }, stages[1]!])).toBeCloseTo(
        2 / 92e9,
        25,
      );
    },
  );
});

describe('a mid-size all-reduce across 2 nodes (hand-worked)', () => {
  // Two A100 nodes with 4 x 100 Gb/s EFA each (AWS p4de: 6.25 GB/s per GPU, Simple only).
  const a100 = getSystemPreset('dgx-a100');
  const p4de: SystemSpec = {
    ...a100,
    name: 'p4de-like',
    tiers: [
      a100.tiers[0]!,
      {
        name: 'efa',
        kind: 'fat-tree',
        domainChips: 4480,
        bandwidthBytesPerS: 6.25e9,
        latencyS: 2.7e-6,
        transport: 'efa-v1',
      },
    ],
  };
  const twoNodes = { size: 16, stride: 1 };
  const B = 8 * MIB;
  const nvlink = 300e9 * 0.8;
  const net = 8 * 6.25e9 * NETWORK_EFFICIENCY;

  it(
    '8 MiB: 16 channels; the tree takes one 512 KiB chunk a channel through 16 stores, the ring 30 steps ' +
      'of 32 KiB; NCCL runs the tree, which its tuner prices without that fill',
    () => {
      // 8 MiB over 32 KiB a channel keeps all 16 channels. Tree: 512 KiB a channel is one Simple step, so the whole
      // message is one wave, stored at 7 NVLink hops and 1 network stage up, the same down.
      const fill = B * (14 / nvlink + 2 / (2 * net) - 1 / (2 * net));
      expect(fill / US).toBeCloseTo(580.5, 1);
      const treeLatency = (8.4 + 2 * (7 * (0.47 + 4.0 - 0.6) + 23)) * US;
      const treeBus = Math.min(nvlink, 2 * net) * 0.92; // tuning.cc's size correction 0.8 at 2^17 x 64 B
      const treeTuner = treeLatency + B / (0.5 * treeBus * 0.8);
      expect(treeTuner / US).toBeCloseTo(356.4, 1);
      const tree = collectiveCost(p4de, 'all-reduce', B, twoNodes, { algorithm: 'tree' });
      expect(tree.seconds).toBeCloseTo(treeTuner + fill + NETWORK_COLLECTIVE_S, 12);
      // Ring: each rank's share of a channel, 8 MiB / (16 channels x 16 ranks) = 32 KiB, is under the 2 MiB chunk (4
      // steps), so one loop of 2 x 15 steps, each a chunk plus a step: tuning.cc's latency and bandwidth (no fill:
      // every rank sends from its first step). 28 NVLink steps at NCCL's 3 us net overhead, 2 network steps at 23 us,
      // x 1.4 plateau.
      const ring = collectiveCost(p4de, 'all-reduce', B, twoNodes, { algorithm: 'ring' });
      expect(ring.protocol).toBe('Simple');
      const ringTuner = (8.4 + 2 * (14 * Math.max(0.47 + 3.4 - 0.6, 3) + 23)) * 1.4 * US + 2 * (15 / 16) * (B / net);
      expect(ringTuner / US).toBeCloseTo(546.3, 1);
      expect(ring.seconds).toBeCloseTo(ringTuner + NETWORK_COLLECTIVE_S, 12);
      // NCCL's tuner compares 356 us (tree) with 546 us (ring) and runs the tree, which then takes its fill too: 950
      // us, though the ring would have taken 559. nccl-tests measured 763 us (20.6 GB/s bus bandwidth, AWS, 2 x
      // p4de.24xlarge): between the two, and not the cheaper of them.
      const chosen = collectiveCost(p4de, 'all-reduce', B, twoNodes);
      expect(chosen).toMatchObject({ algorithm: 'tree', protocol: 'Simple' });
      expect(chosen.seconds).toBe(tree.seconds);
      expect(chosen.seconds).toBeGreaterThan(ring.seconds);
      const busbw = ((2 * 15) / 16) * (B / chosen.seconds);
      expect(busbw / 1e9).toBeGreaterThan(15);
      expect(busbw / 1e9).toBeLessThan(20.6);
    },
  );

  it('64 MiB: eight waves of 16 x 512 KiB; the fill stays one wave, so the tree is the cheaper again', () => {
    const c = collectiveCost(p4de, 'all-reduce', 64 * MIB, twoNodes);
    expect(c).toMatchObject({ algorithm: 'tree', protocol: 'Simple' });
    const fill = B * (14 / nvlink + 1 / (2 * net));
    const treeBus = Math.min(nvlink, 2 * net) * 0.92; // size correction 0.8 at 2^20 x 64 B
    expect(c.seconds).toBeCloseTo(
      (8.4 + 2 * (7 * (0.47 + 4.0 - 0.6) + 23)) * US + (64 * MIB) / (0.5 * treeBus * 0.8) + fill + NETWORK_COLLECTIVE_S,
      12,
    );
  });
});
