import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { powerAt } from './power.js';
import { POWER_CONSTANTS as K } from './power-constants.js';

const idle = (name: string) => {
  const chip = getChipPreset(name);
  return powerAt(chip, { matrixUtilization: 0, offChipBytesPerCycle: 0 }, chip.clockHz);
};

describe('leakage densities reproduce the idle powers they are derived from (issue 19)', () => {
  it('TPU v4 idle, worked by hand: leakage + SerDes at half rate + HBM standby = 90 W', () => {
    const p = idle('tpu-v4');
    // SerDes at idle: 0.5 x (2 directions x 6 ICI links x 50 GB/s x 40 pJ/B + 2 x 16 GB/s PCIe x 52 pJ/B)
    //   = 0.5 x (24.0 + 1.664) = 12.832 W.
    expect(p.serdesW).toBeCloseTo(12.832, 3);
    // HBM standby: 1200 GB/s x 0.003 W per GB/s = 3.6 W.
    expect(p.dramStandbyW).toBeCloseTo(3.6, 6);
    // Leakage: 0.123 W/mm^2 x 600 mm^2 = 73.8 W. The earlier density (0.10) took ~24 W of *full-rate* ICI
    // SerDes off the 90 W while the model charges half: 60 + 12.8 + 3.6 = 76.4 W, 15% low.
    expect(p.leakageW).toBeCloseTo(73.8, 6);
    expect(p.packageW).toBeCloseTo(90.232, 3);
  });

  // Jouppi et al. 2017 Table 2 (TPU v1 idle 28 W); Jouppi et al. 2023 Table 4 (TPU v3 / v4 idle 123 / 90 W,
  // ASIC + HBM). Before the fix these came out 24.1, 112.7 and 76.4 W.
  it.each([
    ['tpu-v1', 28],
    ['tpu-v3', 123],
    ['tpu-v4', 90],
  ] as const)('%s idle is within one percent of the published %d W', (name, watts) => {
    expect(Math.abs(idle(name).packageW / watts - 1)).toBeLessThan(0.01);
  });

  it('a tensor-core chip takes the same density per node (its clock gating at idle is not modelled)', () => {
    const h100 = getChipPreset('h100-sxm');
    const p = idle('h100-sxm');
    // H100 is 4 nm: the 7 nm density, 0.123 W/mm^2, on the published die area.
    expect(p.leakageW / h100.technology!.dieAreaMm2!).toBeCloseTo(0.123, 4);
  });

  it("each density's note carries the arithmetic that gives its value", () => {
    // The last number in the derivation is the value (to the digits given).
    for (const key of ['leakage28', 'leakage16', 'leakage7'] as const) {
      const k = K[key];
      expect(k.status).toBe('derived');
      expect(k.note).toContain(`= ${k.value}`);
    }
  });
});
