import { describe, expect, it } from 'vitest';
import { chipPowerModel, getChipPreset } from '../index.js';
import { chipPowerSvg, powerBars } from './power-charts.js';

describe('power chart', () => {
  const p = chipPowerModel(getChipPreset('h100-sxm')).denseGemm.power;
  it('its bars are every mechanism of the breakdown and sum to the board power', () => {
    expect(powerBars(p).reduce((s, b) => s + b.value, 0)).toBeCloseTo(p.boardW, 6);
  });
  it('draws the mechanisms with watts, the same bytes for the same breakdown', () => {
    const svg = chipPowerSvg('h100-sxm', p, 'dense GEMMs');
    expect(svg).toContain('h100-sxm: board power by mechanism, dense GEMMs');
    expect(svg).toContain('clock tree');
    expect(chipPowerSvg('h100-sxm', JSON.parse(JSON.stringify(p)), 'dense GEMMs')).toBe(svg);
  });
});
