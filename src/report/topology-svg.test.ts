import { describe, expect, it } from 'vitest';
import { SYSTEM_PRESETS } from '../cluster/systems.js';
import { topologySvg, torusSlice, type TopologyInput } from './topology-svg.js';
import { tagsBalance } from './test-support/svg-checks.js';

function system(name: string, chips: number): TopologyInput {
  const s = SYSTEM_PRESETS[name]!;
  return { title: `${name} <${chips}>`, chips, chipsPerHost: s.chipsPerHost, tiers: s.tiers };
}

/** Chip squares drawn: filled (in the job) and hollow (idle), less the legend's hollow key. */
function chips(svg: string): { used: number; idle: number } {
  const squares = [
    ...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="10.0" height="10.0" fill="([^"]+)" stroke=/g),
  ].map((m) => m[1]);
  return {
    used: squares.filter((f) => f !== '#ffffff').length,
    idle: squares.filter((f) => f === '#ffffff').length - 1,
  };
}

describe('topologySvg', () => {
  it('draws a DGX H100 job as nodes of eight under the InfiniBand fabric, eliding the middle', () => {
    const svg = topologySvg(system('dgx-h100', 1024));
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('dgx-h100 &lt;1024&gt;');
    expect(svg).toContain('1,024 chips: 128 nvlink domains of 8; 8 chips per host');
    expect(svg).toContain(
      'infiniband (rail-optimised fat tree): 50 GB/s per chip each way, 2.7 us per hop; 128 of its 2,048 domains ' +
        'of 8 in use',
    );
    expect(svg).toContain('>nvlink 128: 8 chips</text>');
    expect(svg).toContain('\u2026 123 more \u2026');
    expect(chips(svg)).toEqual({ used: 5 * 8, idle: 0 });
  });

  it('shows idle chips of a part-used domain hollow, and hosts inside a rack', () => {
    expect(chips(topologySvg(system('dgx-a100', 4)))).toEqual({ used: 4, idle: 4 });
    const rack = topologySvg(system('gb200-nvl72', 100));
    expect(chips(rack)).toEqual({ used: 100, idle: 44 });
    expect(rack.match(/stroke-dasharray="2 2"/g)!.length).toBe(2 * 18 + 1);
  });

  it('draws a TPU pod as a torus box with the job slice, and pods beyond one joined by DCN', () => {
    expect(torusSlice([16, 16, 16], 1024)).toEqual([16, 16, 4]);
    expect(torusSlice([16, 20, 28], 100)).toEqual([16, 7, 1]);
    const slice = topologySvg(system('tpu-v4-pod', 1024));
    expect(slice).toContain('ici 1: 1,024 chips (slice 16x16x4)');
    expect(slice).toContain('>x 16 (wraps)</text>');
    expect(slice).toContain('4x4x4 cubes joined by optical circuit switches');
    expect(slice.match(/<polygon /g)).toHaveLength(6);
    const pods = topologySvg(system('tpu-v5p-pod', 20_000));
    expect(pods).toContain(
      'dcn (fat tree): 6.25 GB/s per chip each way, 10 us per hop; 3 of its 16 domains of 8,960 in use',
    );
    expect(pods).toContain('ici 3: 2,080 chips (slice 16x20x7)');
  });

  it('says when a job outgrows the system, draws nothing for no chips, and is deterministic', () => {
    expect(topologySvg(system('dgx-a100', 10_000))).toContain('beyond one system, the tier repeats');
    expect(topologySvg(system('dgx-a100', 0))).toContain('no chips to draw');
    expect(topologySvg(system('tpu-v5p-pod', 20_000))).toBe(topologySvg(system('tpu-v5p-pod', 20_000)));
  });
});
