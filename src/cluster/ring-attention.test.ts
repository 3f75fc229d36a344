/** Ring attention under context parallelism against hand-worked sums of its chunk kernels and transfers. */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { attentionSeconds } from '../model/kernels.js';
import { collectiveSeconds } from './collectives.js';
import { ringAttention, TORCH_CONTEXT_PARALLEL, type RingAttentionInput } from './ring-attention.js';
import { getSystemPreset } from './systems.js';
import type { SystemSpec } from './types.js';

const chip = getChipPreset('h100-sxm');
const system = getSystemPreset('dgx-h100');
const base: RingAttentionInput = {
  chip,
  system,
  dtype: 'bf16',
  implementation: 'cudnn',
  batch: 1,
  heads: 8,
  seq: 32768,
  cp: 4,
  stride: 1,
  qkDim: 128,
  valueDim: 128,
  causal: true,
  kvBytesPerToken: 2 * 8 * 128 * 2,
};
const chunk = (causal: boolean) =>
  attentionSeconds(chip, 'bf16', {
    batch: 1,
    heads: 8,
    seqQ: 8192,
    seqK: 8192,
    qkDim: 128,
    valueDim: 128,
    causal,
    implementation: 'cudnn',
  });

const shape32k = { batch: 1, heads: 16, seqQ: 32768, seqK: 32768, qkDim: 128, valueDim: 128 };

describe('ring attention', () => {
  it('runs the own chunk causally and the cp - 1 others at half a block each (balanced causal masking)', () => {
    const r = ringAttention(base);
    expect(r.forwardS).toBeCloseTo(chunk(true).forwardS + 3 * 0.5 * chunk(false).forwardS, 12);
    expect(r.backwardS).toBeCloseTo(chunk(true).backwardS + 3 * 0.5 * chunk(false).backwardS, 12);
    // An 8,192-token chunk of 8 KV heads of 128 (32 MiB) crosses NVLink faster than its kernel runs: no waiting.
    expect(r.waitForwardS).toBe(0);
    expect(r.waitBackwardS).toBe(0);
    const full = ringAttention({ ...base, causal: false });
    expect(full.forwardS).toBeCloseTo(4 * chunk(false).forwardS, 12);
  });

  it('prices a ring that leaves the node at its slowest hop, across the network', () => {
    const inside = ringAttention({ ...base, cp: 8, seq: 65536 });
    const across = ringAttention({ ...base, cp: 16, seq: 131072 });
    expect(inside.waitForwardS).toBe(0);
    // 16 ranks one apart span two nodes: each step waits for an 8,192-token chunk over InfiniBand.
    const send = collectiveSeconds(system, 'p2p', 8192 * base.kvBytesPerToken, 2, 8);
    expect(across.waitForwardS).toBeCloseTo(15 * Math.max(0, send - 0.5 * chunk(false).forwardS), 12);
  });

  it('waits for chunks that arrive slower than their kernels run', () => {
    // The ring across nodes (one rank per node) over a 1 GB/s network.
    const slow: SystemSpec = { ...system, tiers: [system.tiers[0]!, { ...system.tiers[1]!, bandwidthBytesPerS: 1e9 }] };
    const r = ringAttention({ ...base, system: slow, stride: 8 });
    const bytes = 8192 * base.kvBytesPerToken;
    const send = collectiveSeconds(slow, 'p2p', bytes, 2, 8);
    const sendBack = collectiveSeconds(slow, 'p2p', 2 * bytes, 2, 8);
    expect(send).toBeGreaterThan(0.5 * chunk(false).forwardS);
    expect(r.waitForwardS).toBeCloseTo(3 * (send - 0.5 * chunk(false).forwardS), 12);
    expect(r.waitBackwardS).toBeCloseTo(3 * Math.max(0, sendBack - 0.5 * chunk(false).backwardS), 12);
  });

  it("gathers every chunk at once under PyTorch's context_parallel, hidden behind the own chunk's kernel only", () => {
    // Eight ranks, one per node (stride 8), 32,768-token chunks of 16 repeated heads of 128 (8 KiB a token).
    const ringInput: RingAttentionInput = {
      ...base,
      heads: 16,
      seq: 262144,
      cp: 8,
      stride: 8,
      kvBytesPerToken: 16 * 256 * 2,
    };
    const torch: RingAttentionInput = { ...ringInput, style: TORCH_CONTEXT_PARALLEL };
    const r = ringAttention(torch);
    const kernel = (causal: boolean) =>
      attentionSeconds(chip, 'bf16', { ...shape32k, causal, implementation: 'cudnn' });
    const chunkBytes = 32768 * 8192; // 256 MiB
    const gather = collectiveSeconds(system, 'all-gather', 8 * chunkBytes, 8, 8);
    // The key/value gradients go back in fp32: twice the chunk's bf16 bytes, one ring step at a time.
    const sendGrad = collectiveSeconds(system, 'p2p', 2 * chunkBytes, 2, 8);
    expect(gather).toBeGreaterThan(kernel(true).forwardS);
    expect(r.waitForwardS).toBeCloseTo(gather - kernel(true).forwardS, 12);
    expect(r.waitBackwardS).toBeCloseTo(
      Math.max(0, gather - kernel(true).backwardS) +
        7 * Math.max(0, sendGrad - 0.5 * kernel(false).backwardS) +
        sendGrad,
      12,
    );
    // The same kernels as the ring's: only the waits differ.
    const ring = ringAttention(ringInput);
    expect(r.forwardS).toBeCloseTo(ring.forwardS, 12);
    expect(r.backwardS).toBeCloseTo(ring.backwardS, 12);
    // 1.8 GiB of other ranks' chunks over a 400 Gb/s NIC take tens of milliseconds, the own chunk's kernel about ten.
    expect(r.waitForwardS).toBeGreaterThan(ring.waitForwardS);
  });
});
