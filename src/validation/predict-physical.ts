/**
 * Power, clock and die-area rows -> tpusim's predictions: the power model by mechanism (model/power.ts)
 * at a dense GEMM's activity or idle, and the area model (cost/area.ts) with the default cost book.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { defaultMatrixFormat } from '../arch/derive.js';
import { chipArea } from '../cost/area.js';
import { CostTrace, DEFAULT_COST_BOOK } from '../cost/costbook.js';
import { powerAt, sustainedClock } from '../model/power.js';
import { gemmActivity } from '../model/power-estimate.js';
import type { AreaWorkload, PowerWorkload } from './types.js';

export function predictPower(chip: ChipSpec, w: PowerWorkload, metric: string, notes: string[]): number {
  const dtype = w.dtype ?? defaultMatrixFormat(chip);
  if (w.load === 'idle') {
    if (metric === 'clock-mhz') throw new Error('an idle row has no sustained clock; use watts');
    const p = powerAt(chip, { dtype, matrixUtilization: 0, offChipBytesPerCycle: 0 }, chip.clockHz);
    notes.push(...p.notes);
    return w.scope === 'board' ? p.boardW : p.packageW;
  }
  if (w.m === undefined || w.n === undefined || w.k === undefined) throw new Error('a gemm power row needs m, n and k');
  const s = sustainedClock(chip, gemmActivity(chip, dtype, w.m, w.n, w.k));
  notes.push(s.reason, ...s.power.notes);
  if (metric === 'clock-mhz') return s.clockHz / 1e6;
  return w.scope === 'board' ? s.power.boardW : s.power.packageW;
}

/** All logic silicon in the package, from the default cost book, with what the row says the die holds. */
export function predictArea(chip: ChipSpec, w: AreaWorkload): number {
  const layout = {
    ...(w.physicalCores !== undefined ? { physicalCores: w.physicalCores } : {}),
    ...(w.memoryPhys !== undefined ? { memoryPhys: w.memoryPhys } : {}),
    ...(w.dies !== undefined ? { dies: w.dies } : {}),
  };
  return chipArea(chip, new CostTrace(DEFAULT_COST_BOOK), undefined, layout).totalMm2;
}
