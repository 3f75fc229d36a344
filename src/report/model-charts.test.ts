import { describe, expect, it } from 'vitest';
import { estimateGraph, getChipPreset, loadModel } from '../index.js';
import {
  compareSvg,
  estimateEnergySvg,
  estimateRooflineSvg,
  estimateTimelineSvg,
  rooflinePoints,
  timedLayers,
} from './model-charts.js';
import { count, tagsBalance, tippedRects } from './test-support/svg-checks.js';

const chip = getChipPreset('tpu-v4');
const e = estimateGraph(loadModel({ kind: 'zoo', name: 'resnet50' }), chip);
/** The estimate as the UI's worker hands it over: plain JSON. */
const sent = JSON.parse(JSON.stringify(e)) as typeof e;

describe("an estimate's charts", () => {
  const charts = [estimateRooflineSvg(e, chip.offChipMemory), estimateTimelineSvg(e), estimateEnergySvg(e)];

  it('are well-formed documents, the same for the same result (also after a JSON round trip)', () => {
    for (const svg of charts) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(tagsBalance(svg)).toBe(true);
    }
    expect([estimateRooflineSvg(sent, chip.offChipMemory), estimateTimelineSvg(sent), estimateEnergySvg(sent)]).toEqual(
      charts,
    );
  });

  it('draw the roofline of the timed layers under the peak and the memory slope', () => {
    const [roofline] = charts;
    const points = rooflinePoints(e);
    expect(points.length).toBeGreaterThan(40);
    expect(points.every((p) => p.intensity > 0 && p.opsPerS > 0)).toBe(true);
    expect(roofline).toContain('resnet50 on tpu-v4 (bf16): roofline by layer');
    expect(roofline).toContain(`${points.length} points.`);
    expect(roofline).toContain('Peaks: bf16 peak 275.3 Tops/s.');
    expect(roofline).toContain(`${chip.offChipMemory.kind} 1.2 TB/s`);
  });

  it('put every timed layer on the timeline, in order', () => {
    const timeline = charts[1]!;
    expect(timeline).toContain('resnet50 on tpu-v4 (bf16, batch 1): layers in order');
    expect(timeline).toContain(`Timeline of ${timedLayers(e).length} layers`);
    expect(timedLayers(e).every((l) => l.cycles > 0)).toBe(true);
    expect(timedLayers(e).length).toBeLessThan(e.layers.length);
  });

  it('split the energy into its six parts, in the unit the total reads best in', () => {
    const energy = charts[2]!;
    const bars = tippedRects(energy);
    expect(bars.map((b) => b.tip.split(':')[0])).toEqual([
      'matrix units',
      'vector unit',
      'on-chip memory',
      'off-chip memory',
      'host link',
      'static',
    ]);
    expect(energy).toContain(e.energyJ >= 1e-3 ? 'energy (mJ)' : 'energy (uJ)');
  });
});

describe('compareSvg', () => {
  it('draws each chip in its format, coloured by whether the model fits', () => {
    const big = loadModel({ kind: 'zoo', name: 'llama3-70b' }, { seq: 128 });
    const rows = ['tpu-v4', 'mi300x'].map((name) => estimateGraph(big, getChipPreset(name), { detail: 'totals' }));
    const svg = compareSvg(big.name, rows);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('llama3-70b: time per inference by chip');
    expect(tippedRects(svg).map((b) => b.tip.split(':')[0])).toEqual(rows.map((r) => `${r.chip} (${r.dtype})`));
    expect(count(svg, />does not fit</g)).toBe(1);
    expect(count(svg, />fits</g)).toBe(1);
  });
});
