import { describe, expect, it } from 'vitest';
import { collectiveCost } from './collectives.js';
import { NETWORK_COLLECTIVE_S, NETWORK_EFFICIENCY } from './nccl.js';
import { getSystemPreset } from './systems.js';
import { TRANSPORT_PROFILES } from './transports.js';
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

// Ring Simple latency on two nodes of 8: base 8.4 us, 14 NVLink steps at max(0.47 + 3.4 - 0.6, 3 us proxy
// overhead), one network step at NCCL's 14 us (tuning.cc), and the network collective's fixed cost.
const RING_SIMPLE_S = (8.4 + 14 * (0.47 + 3.4 - 0.6) + 14) * US + NETWORK_COLLECTIVE_S;

describe('GPUDirect-TCPX: NCCL pinned to 8 channels (run-nccl.sh)', () => {
  it('pins 8 channels, from the plugin scripts', () => {
    expect(TRANSPORT_PROFILES.tcpx.channels).toBe(8);
    expect(TRANSPORT_PROFILES.tcpx.citations.channels!.source).toBe('gcpTcpxScripts');
  });

  it('an 8 GB all-gather moves at the wire rate: no per-connection rate is published, so none is modelled', () => {
    const bytes = 8 * 2 ** 30;
    const c = collectiveCost(a3('tcpx'), 'all-gather', bytes, twoNodes, ring);
    expect(c).toMatchObject({ algorithm: 'ring', protocol: 'Simple' });
    const bus = 8 * 12.5e9 * NETWORK_EFFICIENCY;
    expect(c.seconds).toBeCloseTo(RING_SIMPLE_S + ((15 / 16) * bytes) / bus, 12);
  });

  it('a 64 KB all-gather keeps 2 of the 8 pinned channels (Simple wants 32 KB a channel)', () => {
    const c = collectiveCost(a3('tcpx'), 'all-gather', 65536, twoNodes, ring);
    const bus = (8 * 12.5e9 * NETWORK_EFFICIENCY * 2) / 8;
    expect(c.seconds).toBeCloseTo(RING_SIMPLE_S + ((15 / 16) * 65536) / bus, 12);
  });
});
