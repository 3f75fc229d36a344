/**
 * A board run below its rated power limit (an operator's setting: `nvidia-smi -pl`, or a host that ships
 * with a lower default, as Meta's Grand Teton H100s at 500 W). The chip keeps its shape; its
 * `technology.tdpW` becomes the lower limit and its `technology.sustainedClockHz` the clock the power model
 * (model/power.ts via model/power-clock.ts) says DVFS holds there running dense GEMMs.
 *
 * A chip whose description carries a sustained clock (measured at its rated limit) keeps that anchor: the
 * capped clock is the sourced one scaled by the power model's clock at the cap over its clock at the rated
 * limit, so the model supplies only the slope, never a second absolute clock. A chip with no sustained
 * clock is simply modelled at the cap. A limit above the rated one is an input error: the rated limit is
 * the most the board takes (NVIDIA's "up to 700 W").
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { TpusimError } from '../core/errors.js';
import { timedChip } from './estimate.js';

const capped = new WeakMap<ChipSpec, Map<number, ChipSpec>>();

/** The clock the power model gives `chip` at `capW` with no sourced clock of its own (dense GEMMs). */
function modelledClockHz(chip: ChipSpec, capW: number): number {
  const { sustainedClockHz: _sourced, ...technology } = chip.technology ?? {};
  return timedChip({ ...chip, technology: { ...technology, tdpW: capW } }).clockHz;
}

/** Every problem with `powerLimitW` on `chip`, as messages naming the field, the value and the limit. */
export function powerLimitProblems(chip: ChipSpec, powerLimitW: number, field = 'powerLimitW'): string[] {
  if (!(Number.isFinite(powerLimitW) && powerLimitW > 0))
    return [`${field}: ${powerLimitW} must be a positive number of watts`];
  const rated = chip.technology?.tdpW;
  if (rated !== undefined && powerLimitW > rated)
    return [`${field}: ${powerLimitW} W exceeds ${chip.name}'s rated ${rated} W (technology.tdpW)`];
  return [];
}

/**
 * `chip` run under a board power limit of `powerLimitW` (see the file comment). At the rated limit the chip
 * itself comes back, so a row or a run that names its board's own limit is timed exactly as before.
 */
export function powerCappedChip(chip: ChipSpec, powerLimitW: number, field = 'powerLimitW'): ChipSpec {
  const problems = powerLimitProblems(chip, powerLimitW, field);
  if (problems.length > 0) throw new TpusimError('invalid_power_limit', problems.join('; '));
  const t = chip.technology ?? {};
  if (powerLimitW === t.tdpW) return chip;
  let byCap = capped.get(chip);
  if (byCap === undefined) capped.set(chip, (byCap = new Map()));
  const hit = byCap.get(powerLimitW);
  if (hit !== undefined) return hit;
  const atCap = modelledClockHz(chip, powerLimitW);
  const sourced = t.sustainedClockHz;
  const rated = t.tdpW;
  // With a sourced clock at the rated limit the model gives the ratio; without one, the clock itself.
  const clockHz =
    sourced !== undefined && rated !== undefined
      ? Math.min(sourced, (sourced * atCap) / modelledClockHz(chip, rated))
      : Math.min(sourced ?? Infinity, atCap);
  const mhz = (hz: number): string => `${(hz / 1e6).toFixed(0)} MHz`;
  const note =
    sourced !== undefined && rated !== undefined
      ? `board limit ${powerLimitW} W below the rated ${rated} W: the sourced ${mhz(sourced)} scaled by the power ` +
        `model's clock at ${powerLimitW} W over its clock at ${rated} W (dense GEMMs, model/power.ts)`
      : `board limit ${powerLimitW} W: the power model's clock there (dense GEMMs, model/power.ts)`;
  const result: ChipSpec = {
    ...chip,
    technology: { ...t, tdpW: powerLimitW, sustainedClockHz: clockHz },
    citations: {
      ...chip.citations,
      'technology.tdpW': { source: 'tpusim', status: 'estimate', note: `board power limit set by the run` },
      'technology.sustainedClockHz': { source: 'tpusim', status: 'estimate', note },
    },
  };
  byCap.set(powerLimitW, result);
  return result;
}
