/**
 * A board run below its rated power limit (model/power-cap.ts). Hand-worked H100 example: the power model
 * (model/power.ts, dense bf16 8192^3 GEMMs) holds the H100 SXM at 1307.0 MHz under 700 W and 1108.5 MHz under
 * 500 W (DVFS at 75% and 68% of the top voltage). The preset's measured clock at 700 W is 1335 MHz
 * (docs/gpu-measured.md), so at 500 W the anchor scales to 1335 x 1108.5 / 1307.0 = 1132.3 MHz: 15% below it.
 */
import { describe, expect, it } from 'vitest';
import { H100_SXM } from '../arch/presets/h100.js';
import { validateChip } from '../arch/validate.js';
import { TpusimError } from '../core/errors.js';
import { timedChip } from './estimate.js';
import { powerCappedChip, powerLimitProblems } from './power-cap.js';

const MHZ = 1e6;

/** The H100 preset without its measured clock, at board limit `capW`: what the power model alone gives. */
function modelledH100(capW: number): number {
  const { sustainedClockHz: _measured, ...technology } = H100_SXM.technology!;
  return timedChip({ ...H100_SXM, technology: { ...technology, tdpW: capW } }).clockHz;
}

describe('powerCappedChip', () => {
  it('gives the hand-worked H100 clock at 500 W: the measured 1335 MHz scaled by the model, 1132.3 MHz', () => {
    // The model's own clocks, as the file comment works them.
    expect(modelledH100(700) / MHZ).toBeCloseTo(1307.0, 0);
    expect(modelledH100(500) / MHZ).toBeCloseTo(1108.5, 0);
    const capped = powerCappedChip(H100_SXM, 500);
    const clock = capped.technology!.sustainedClockHz!;
    console.log(`h100-sxm at 500 W: ${(clock / MHZ).toFixed(1)} MHz (1335 MHz measured at 700 W)`);
    expect(clock / MHZ).toBeCloseTo(1132.3, 0);
    expect(capped.technology!.tdpW).toBe(500);
    expect(capped.citations!['technology.sustainedClockHz']!.status).toBe('estimate');
    // The timing model runs the capped chip at that clock, as a sourced one.
    expect(timedChip(capped).clockHz).toBe(clock);
    expect(capped.name).toBe(H100_SXM.name);
    // Still a valid chip description, through JSON as a file would carry it.
    expect(validateChip(JSON.parse(JSON.stringify(capped)))).toEqual([]);
  });

  it('returns the chip itself at its rated limit, and the same object for the same cap', () => {
    expect(powerCappedChip(H100_SXM, 700)).toBe(H100_SXM);
    expect(powerCappedChip(H100_SXM, 500)).toBe(powerCappedChip(H100_SXM, 500));
  });

  it('lowers the clock as the limit falls', () => {
    const clocks = [650, 600, 500, 400, 300].map((w) => powerCappedChip(H100_SXM, w).technology!.sustainedClockHz!);
    for (let i = 1; i < clocks.length; i++) expect(clocks[i]!).toBeLessThan(clocks[i - 1]!);
    expect(clocks[0]!).toBeLessThan(1335 * MHZ);
  });

  it('models a chip with no sourced clock at the cap directly', () => {
    const { sustainedClockHz: _measured, ...technology } = H100_SXM.technology!;
    const bare = { ...H100_SXM, technology };
    expect(powerCappedChip(bare, 500).technology!.sustainedClockHz! / MHZ).toBeCloseTo(1108.5, 0);
  });

  it('rejects a limit above the rated one or not positive, naming the field, the value and the limit', () => {
    expect(powerLimitProblems(H100_SXM, 800)).toEqual([
      "powerLimitW: 800 W exceeds h100-sxm's rated 700 W (technology.tdpW)",
    ]);
    expect(() => powerCappedChip(H100_SXM, 800)).toThrow(TpusimError);
    expect(() => powerCappedChip(H100_SXM, 0)).toThrow('powerLimitW: 0 must be a positive number of watts');
    expect(() => powerCappedChip(H100_SXM, Number.NaN, 'workload.powerLimitW')).toThrow('workload.powerLimitW: NaN');
  });
});
