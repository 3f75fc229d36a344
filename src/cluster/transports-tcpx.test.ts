import { describe, expect, it } from 'vitest';
import { collectiveCost } from './collectives.js';
import { NETWORK_COLLECTIVE_S, NETWORK_EFFICIENCY } from './nccl.js';
import { getSystemPreset } from './systems.js';
import { TCPX_CONNECTION_BYTES_PER_S, TRANSPORT_PROFILES } from './transports.js';
import type { NetworkTier, SystemSpec, Transport } from './types.js';

const US = 1e-6;
const h100 = getSystemPreset('dgx-h100');
const twoNodes = { size: 16, stride: 1 };
const ring = { algorithm: 'ring' } as const;

/** Two 8-GPU H100 nodes whose network runs `transport` at 12.5 GB/s a GPU: A3 High's 4 x 200 Gb/s over 8 GPUs. */
function a3(transport: Transport): SystemSpec {
  const network: NetworkTier = {
    name: transport,
    kind: 'fat-tree',
    domainChips: 16384,
    bandwidthBytesPerS: 12.5e9,
    latencyS: 2.7e-6,
    transport,
  };
  return { ...h100, name: `a3-${transport}`, tiers: [h100.tiers[0]!, network] };
}

/** nccl-tests' all-gather bus bandwidth: bytes x (n - 1) / n over the time. */
const busbw = (bytes: number, seconds: number, n = 16): number => (bytes * (n - 1)) / n / seconds;

// Ring Simple latency on two nodes of 8: base 8.4 us, 14 NVLink steps at max(0.47 + 3.4 - 0.6, 3 us proxy
// overhead), one network step at NCCL's 14 us (tuning.cc), and the network collective's fixed cost.
const RING_SIMPLE_S = (8.4 + 14 * (0.47 + 3.4 - 0.6) + 14) * US + NETWORK_COLLECTIVE_S;

describe('GPUDirect-TCPX: 8 channels of one host thread each', () => {
  it('pins 8 channels and caps each connection at the fitted 6.27 GB/s (50.17 GB/s busbw / 8)', () => {
    expect(TRANSPORT_PROFILES.tcpx.channels).toBe(8);
    expect(TCPX_CONNECTION_BYTES_PER_S).toBeCloseTo(6.27125e9, 0);
    expect(TRANSPORT_PROFILES.tcpx.citations.connectionBytesPerS!.status).toBe('calibrated');
  });

  it('an 8 GB all-gather on A3 High moves 8 x 6.27 GB/s a node, not the 4 x 200 Gb/s wire', () => {
    const bytes = 8 * 2 ** 30;
    const c = collectiveCost(a3('tcpx'), 'all-gather', bytes, twoNodes, ring);
    expect(c).toMatchObject({ algorithm: 'ring', protocol: 'Simple' });
    // Node capacity: min(8 GPUs x 12.5 GB/s x 0.92 = 92 GB/s, 8 channels x 6.27 GB/s = 50.17 GB/s).
    const bus = Math.min(8 * 12.5e9 * NETWORK_EFFICIENCY, 8 * TCPX_CONNECTION_BYTES_PER_S);
    expect(bus).toBeCloseTo(50.17e9, -3);
    expect(c.seconds).toBeCloseTo(RING_SIMPLE_S + ((15 / 16) * bytes) / bus, 12);
    // dstack's A3 High run: 50.17 GB/s busbw at 8 GB (the calibration row).
    expect(busbw(bytes, c.seconds) / 1e9).toBeCloseTo(50.15, 1);
  });

  it('TCPXO and InfiniBand on the same wire keep the wire bound (92 GB/s), so the cap is TCPX alone', () => {
    const bytes = 8 * 2 ** 30;
    for (const t of ['tcpxo', 'infiniband'] as const) {
      const c = collectiveCost(a3(t), 'all-gather', bytes, twoNodes, ring);
      expect(busbw(bytes, c.seconds) / 1e9).toBeGreaterThan(91.5);
    }
  });

  it('a 64 KB all-gather keeps 2 of the 8 pinned channels (Simple wants 32 KB a channel)', () => {
    const c = collectiveCost(a3('tcpx'), 'all-gather', 65536, twoNodes, ring);
    const bus = (8 * TCPX_CONNECTION_BYTES_PER_S * 2) / 8;
    expect(c.seconds).toBeCloseTo(RING_SIMPLE_S + ((15 / 16) * 65536) / bus, 12);
  });

  it("a GPU alone in its node keeps its NIC's wire rate: 8 connections carry more than one 100 Gb/s NIC share", () => {
    const pair = { size: 2, stride: 8 };
    const viaTcpx = collectiveCost(a3('tcpx'), 'p2p', 2 ** 30, pair).seconds;
    const viaIb = collectiveCost(a3('infiniband'), 'p2p', 2 ** 30, pair).seconds;
    // Same bytes term; only the step latency differs (Simple over TCPX, LL over InfiniBand).
    expect(viaTcpx - viaIb).toBeCloseTo(14 * US - 5.0 * US, 9);
  });
});
