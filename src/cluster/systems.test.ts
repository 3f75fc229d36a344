import { describe, expect, it } from 'vitest';
import { collectiveCost } from './collectives.js';
import { getSystemPreset, parseSystem, systemPresetNames } from './systems.js';
import type { SystemSpec } from './types.js';

/** The preset with every tier's latency set to zero: the ring formulas count bandwidth only. */
const withoutLatency = (s: SystemSpec): SystemSpec => ({ ...s, tiers: s.tiers.map((t) => ({ ...t, latencyS: 0 })) });

describe('system presets', () => {
  it('lists GPU systems by generation, then TPU pods by generation', () => {
    expect(systemPresetNames()).toEqual([
      'dgx-a100',
      'dgx-h100',
      'hgx-h200',
      'gb200-nvl72',
      'tpu-v3-pod',
      'tpu-v4-pod',
      'tpu-v5e-pod',
      'tpu-v5p-pod',
      'tpu-v6e-pod',
    ]);
  });

  it.each([
    ['tpu-v3-pod', 32, 70e9],
    ['tpu-v5e-pod', 16, 50e9],
    ['tpu-v6e-pod', 16, 100e9],
  ])('%s: a 2D torus whose full axes wrap, so a gather along one runs as a bidirectional ring', (name, side, link) => {
    const pod = withoutLatency(getSystemPreset(name));
    const ici = pod.tiers[0]!;
    expect(ici).toMatchObject({
      kind: 'torus',
      dims: [side, side],
      wraparound: [true, true],
      linkBandwidthBytesPerS: link,
      bandwidthBytesPerS: 4 * link,
    });
    const bytes = 1e9;
    const ring = collectiveCost(pod, 'all-gather', bytes, { size: side, stride: 1 });
    expect(ring).toMatchObject({ algorithm: 'torus', tier: 'ici' });
    // Each chip receives (N - 1) / N of the data over its two links along the axis.
    expect(ring.seconds).toBeCloseTo((bytes / (2 * link)) * ((side - 1) / side), 9);
    // A slice without the wraparound (shorter than the pod on that axis) has half the bandwidth.
    const line = { ...pod, tiers: [{ ...ici, wraparound: [false, true] }, pod.tiers[1]!] };
    expect(collectiveCost(line, 'all-gather', bytes, { size: side, stride: 1 }).seconds / ring.seconds).toBeCloseTo(
      2,
      6,
    );
  });

  it('joins 2D pods over DCN at the per-chip figures cited (v5e 3.125 GB/s, v6e 12.5 GB/s)', () => {
    expect(getSystemPreset('tpu-v5e-pod').tiers[1]).toMatchObject({
      kind: 'fat-tree',
      domainChips: 16 * 256,
      bandwidthBytesPerS: 3.125e9,
    });
    expect(getSystemPreset('tpu-v6e-pod').tiers[1]).toMatchObject({
      kind: 'fat-tree',
      domainChips: 16 * 256,
      bandwidthBytesPerS: 12.5e9,
    });
    const twoPods = collectiveCost(getSystemPreset('tpu-v6e-pod'), 'all-reduce', 1e9, { size: 2, stride: 256 });
    expect(twoPods.tier).toBe('dcn');
  });

  it('gives hgx-h200 the NVLink 4 and 400 Gb/s per GPU of an HGX H200 node', () => {
    const hgx = getSystemPreset('hgx-h200');
    expect(hgx.chip).toBe('h200');
    expect(hgx.tiers.map((t) => [t.kind, t.domainChips, t.bandwidthBytesPerS])).toEqual([
      ['switch', 8, 450e9],
      ['rail', 1024, 50e9],
    ]);
  });
});

describe('system files', () => {
  it(
    "reports a `sources` that is not a record as an issue, not a crash (fuzz find: \"Cannot use 'in' " + 'operator")',
    () => {
      for (const sources of ['"NaN"', '1.5', '[1]', 'null']) {
        const parsed = parseSystem(
          `{ "base": "dgx-h100", "sources": ${sources}, "citations": { "maxChips": { "source": "x", "status": ` +
            `"estimate" } } }`,
          'system.json',
        );
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.issues.some((i) => i.path.includes('sources'))).toBe(true);
      }
    },
  );
});
