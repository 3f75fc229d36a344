import { describe, expect, it } from 'vitest';
import { getChipPreset, getSystemPreset, planTrainingRun, reliabilityAtScale, transformerModel } from '../index.js';
import { goodputSvg, jobTopologySvg, memoryPerChipSvg, STEP_PARTS, stepTimeSvg } from './cluster-charts.js';
import { count, tagsBalance, tippedRects } from './test-support/svg-checks.js';

const system = getSystemPreset('dgx-h100');
const model = transformerModel({ zoo: 'llama3-8b' }, 1);
const run = planTrainingRun(model, getChipPreset(system.chip), system, {
  chips: 64,
  seq: 4096,
  globalBatch: 256,
  mode: 'plan',
  axes: { tp: 8, pp: 1, dp: 8 },
  options: {},
});
const step = run.step!;
const context = { model: model.name, chip: system.chip, chips: 64 };

describe('stepTimeSvg', () => {
  it("draws the step's parts in order and their sum, the same for the same step", () => {
    const svg = stepTimeSvg(context, step);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('llama3-8b on 64 x h100-sxm: step time by part');
    const bars = tippedRects(svg);
    expect(bars.map((b) => b.tip.split(':')[0])).toEqual([
      ...STEP_PARTS.filter(([k]) => step.breakdown[k] >= 0).map(([, label]) => label),
      'step',
    ]);
    expect(svg).toContain(step.stepTimeS >= 1 ? 'time per step (s)' : 'time per step (ms)');
    expect(stepTimeSvg(context, JSON.parse(JSON.stringify(step)))).toBe(svg);
  });
});

describe('memoryPerChipSvg', () => {
  it("stacks the four parts against the chip's memory", () => {
    const svg = memoryPerChipSvg(context, step);
    expect(tagsBalance(svg)).toBe(true);
    expect(tippedRects(svg).map((b) => b.tip.split(':')[0])).toEqual([
      'ZeRO-1, selective, weights',
      'ZeRO-1, selective, gradients',
      'ZeRO-1, selective, optimizer state',
      'ZeRO-1, selective, activations',
    ]);
    expect(svg).toContain('>h100-sxm: 74.1 of 80 GiB usable<');
  });
});

describe('goodputSvg', () => {
  const points = reliabilityAtScale({ chips: [1e3, 1e4, 1e5, 1e6], checkpointS: 60, restartS: 300 });

  it('draws both models against the chip count, with this run marked when given', () => {
    const svg = goodputSvg({ points, checkpointS: 60, restartS: 300, run: { chips: 1024, goodputExponential: 0.973 } });
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('Goodput against scale (checkpoint 60 s, restart 300 s)');
    expect(count(svg, /<circle /g)).toBe(8);
    expect(svg).toContain('>this run: 1,024 chips, 97.3%<');
    const plain = goodputSvg({ points, checkpointS: 60, restartS: 300 });
    expect(plain).not.toContain('this run');
    expect(count(plain, /<circle /g)).toBe(8);
  });
});

describe('jobTopologySvg', () => {
  it('draws the system with the chips the job uses', () => {
    const svg = jobTopologySvg({ system, chip: system.chip, chips: 1024 }, 1000);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('dgx-h100: 1,024 x h100-sxm');
    expect(jobTopologySvg({ system, chip: system.chip, chips: 1024 })).not.toBe(svg);
  });
});
