import { describe, expect, it } from 'vitest';
import { chipArea, chipCost, CostTrace, DEFAULT_COST_BOOK, getChipPreset } from '../index.js';
import { chipAreaSvg, chipCostBarsSvg } from './chip-charts.js';
import { tagsBalance, tippedRects } from './test-support/svg-checks.js';

const chip = getChipPreset('h100-sxm');
const area = chipArea(chip, new CostTrace(DEFAULT_COST_BOOK));
const cost = chipCost(chip, DEFAULT_COST_BOOK, { volume: 1_000_000 });

describe("a chip's charts", () => {
  it('draw the die area by component, with the MACs and SRAM named', () => {
    const svg = chipAreaSvg(chip.name, area);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('h100-sxm: die area by component');
    const bars = tippedRects(svg);
    expect(bars).toHaveLength(area.blocks.filter((b) => b.mm2 > 0).length);
    expect(bars[0]!.tip).toMatch(/^matrix units \([\d,]+ float MACs\): /);
    expect(bars.map((b) => b.tip.split(':')[0]).slice(2)).toEqual([
      'register files (33 MiB)',
      'vector units',
      'SIMT core logic (132 cores)',
      `memory PHYs (${area.memoryDevices} HBM stacks)`,
      'chip and host links (SerDes)',
      'I/O pad ring',
      'control, clocking, wiring (calibrated share)',
    ]);
    expect(chipAreaSvg(chip.name, JSON.parse(JSON.stringify(area)))).toBe(svg);
  });

  it('draw the cost per chip by part at the volume, thousands separated', () => {
    const svg = chipCostBarsSvg(cost);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('h100-sxm: cost per chip at 1,000,000 units');
    expect(tippedRects(svg).map((b) => b.tip.split(':')[0])).toEqual([
      'logic die',
      'memory',
      'package',
      'package yield loss',
      'board',
      'design (NRE share)',
    ]);
    expect(chipCostBarsSvg(cost)).toBe(svg);
  });
});
