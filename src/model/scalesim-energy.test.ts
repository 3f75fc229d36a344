import { describe, expect, it } from 'vitest';
import { energyScale } from './energy.js';
import {
  priceScaleSimEvents,
  scaleSimPrices,
  sumEnergy,
  validateScaleSimEnergyOptions,
  type ScaleSimEvents,
} from './scalesim-energy.js';

/** A 4x4x4 GEMM on a 4x4 weight-stationary array with 1 kB SRAMs: each operand's 16 words move once. */
const TINY: ScaleSimEvents = {
  macs: 64,
  sram: { ifmap: { reads: 16, writes: 16 }, filter: { reads: 16, writes: 16 }, ofmap: { reads: 16, writes: 16 } },
  dram: { ifmap: { reads: 16, writes: 0 }, filter: { reads: 16, writes: 0 }, ofmap: { reads: 0, writes: 16 } },
};
const KB1 = { ifmap: 1024, filter: 1024, ofmap: 1024 };

describe('SCALE-Sim energy: counts x prices', () => {
  it('prices a tiny GEMM by hand at 45 nm with DDR3', () => {
    const prices = scaleSimPrices(KB1, { nodeNm: 45, dramKind: 'DDR3' });
    // Horowitz 45 nm: int8 mult 0.2 + int32 add 0.1 pJ; SRAM 10 pJ per 64 bits (8 KB, the floor) = 1.25 pJ/byte;
    // DRAM 1.3 nJ per 64 bits = 162.5 pJ/byte.
    expect(prices.macPj).toBeCloseTo(0.3, 12);
    expect(prices.sramPjPerByte).toEqual({ ifmap: 1.25, filter: 1.25, ofmap: 1.25 });
    expect(prices.dramPjPerByte).toBe(162.5);
    const e = priceScaleSimEvents(TINY, prices);
    expect(e.macJ).toBeCloseTo(64 * 0.3e-12, 24); // 19.2 pJ
    expect(e.sramJ).toBeCloseTo(96 * 1.25e-12, 24); // 6 operand-sides x 16 words x 1 byte: 120 pJ
    expect(e.dramJ).toBeCloseTo(48 * 162.5e-12, 22); // 48 words: 7,800 pJ
    expect(e.totalJ).toBeCloseTo(7939.2e-12, 22);
  });

  it('re-prices the same counts at another node: MACs and SRAM scale, DRAM does not', () => {
    const at45 = priceScaleSimEvents(TINY, scaleSimPrices(KB1, { nodeNm: 45, dramKind: 'DDR3' }));
    const at7 = priceScaleSimEvents(TINY, scaleSimPrices(KB1, { nodeNm: 7, dramKind: 'HBM2' }));
    expect(at7.macJ / at45.macJ).toBeCloseTo(energyScale(7), 12);
    expect(at7.sramJ / at45.sramJ).toBeCloseTo(energyScale(7), 12);
    expect(at7.dramJ).toBeCloseTo(48 * 3.9 * 8e-12, 22); // HBM2 3.9 pJ/bit
  });

  it('shows the node and the source of every price it used', () => {
    const prices = scaleSimPrices(
      { ifmap: 64 * 1024, filter: 64 * 1024, ofmap: 64 * 1024 },
      { nodeNm: 28, dramKind: 'hbm2' },
    );
    expect(prices.nodeNm).toBe(28);
    expect(prices.dramKind).toBe('HBM2');
    expect(prices.sources.map((s) => s.item)).toEqual(['scale', 'mac.int8', 'sram', 'offChip.HBM2']);
    for (const s of prices.sources) expect(s.reference.length).toBeGreaterThan(20);
  });

  it('adds layers in order', () => {
    const e = priceScaleSimEvents(TINY, scaleSimPrices(KB1));
    const two = sumEnergy([e, e]);
    expect(two.totalJ).toBeCloseTo(2 * e.totalJ, 22);
    expect(two.macJ + two.sramJ + two.dramJ).toBe(two.totalJ);
  });

  it('names every bad option with its value and the limit', () => {
    expect(validateScaleSimEnergyOptions({ nodeNm: 2, dramKind: 'SRAM9' })).toEqual([
      'nodeNm: 2 is outside 3 to 180 nm',
      expect.stringMatching(/^dramKind: 'SRAM9' is not in the energy table \(known: DDR3, .*HBM3\)$/),
    ]);
    expect(() => scaleSimPrices(KB1, { nodeNm: Number.NaN, dramKind: 'DDR3' })).toThrow(
      /nodeNm: NaN is outside 3 to 180 nm/,
    );
  });
});
