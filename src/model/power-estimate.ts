/**
 * Power and energy of an estimate by mechanism: the estimate's activity (MAC slots busy per cycle,
 * off-chip bytes per cycle) priced by model/power.ts at the clock the estimate ran, the energy of one
 * inference split by mechanism, and the clock the chip would hold running it back to back under its
 * power limit. Kept out of estimateGraph so sweeps pay nothing for it.
 */
import type { ChipSpec, MatrixInputFormat } from '../arch/chip-spec.js';
import { peakMacsPerCycle } from '../arch/derive.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { energyTable } from './energy.js';
import { DEFAULT_NODE_NM } from './estimate.js';
import { gemmSeconds } from './gemm.js';
import {
  powerAt,
  sustainedClock,
  type PowerActivity,
  type PowerBreakdown,
  type PowerOptions,
  type SustainedClock,
} from './power.js';
import type { GraphEstimate } from './types.js';

export interface EnergyPerInference {
  readonly totalJ: number;
  /** Joules per inference by mechanism (the PowerBreakdown's watts x time / batch). */
  readonly byMechanismJ: Readonly<Record<string, number>>;
}

export interface EstimatePower {
  readonly activity: PowerActivity;
  /** Power running the estimate at the chip's published clock. */
  readonly atClock: PowerBreakdown;
  readonly perInference: EnergyPerInference;
  /** The clock the chip holds running this workload back to back under its power limit, and why. */
  readonly sustained: SustainedClock;
}

const MECHANISMS = [
  'macW',
  'operandW',
  'sramW',
  'wireW',
  'controlW',
  'vectorW',
  'clockTreeW',
  'leakageW',
  'dramW',
  'dramStandbyW',
  'serdesW',
  'regulatorLossW',
] as const;

/** The activity of an estimate: its MAC-slot occupancy and off-chip bytes per cycle. */
export function estimateActivity(e: GraphEstimate, chip: ChipSpec): PowerActivity {
  const pjPerByte = energyTable(chip.technology?.processNm ?? DEFAULT_NODE_NM).offChipPjPerByte(
    chip.offChipMemory.kind,
  );
  const offChipBytes = e.energy.offChipJ / (pjPerByte * 1e-12);
  return {
    dtype: e.dtype,
    matrixUtilization: Math.min(1, e.utilization),
    offChipBytesPerCycle: e.totalCycles > 0 ? offChipBytes / e.totalCycles : 0,
  };
}

export function estimatePower(e: GraphEstimate, chip: ChipSpec, options: PowerOptions = {}): EstimatePower {
  const activity = estimateActivity(e, chip);
  const atClock = powerAt(chip, activity, chip.clockHz, options);
  const perS = e.batch > 0 ? e.totalTimeS / e.batch : 0;
  const byMechanismJ = Object.fromEntries(MECHANISMS.map((k) => [k.replace(/W$/, 'J'), atClock[k] * perS]));
  return {
    activity,
    atClock,
    perInference: { totalJ: atClock.boardW * perS, byMechanismJ },
    sustained: sustainedClock(chip, activity, options),
  };
}

/**
 * A dense GEMM's activity per cycle from the timing model: MAC slots busy (the kernel's time against the
 * peak at the clock the timing model uses) and its compulsory off-chip bytes (A and B read, C written once).
 */
export function gemmActivity(chip: ChipSpec, dtype: string, m: number, n: number, k: number): PowerActivity {
  const seconds = gemmSeconds(chip, dtype, { batch: 1, m, n, k, weightsAreParameters: true });
  const timingClockHz = chip.technology?.sustainedClockHz ?? chip.clockHz;
  const cycles = seconds * timingClockHz;
  const eb = NUMBER_FORMATS[dtype as keyof typeof NUMBER_FORMATS]?.bytes ?? 2;
  const utilization = Math.min(1, (m * n * k) / (cycles * peakMacsPerCycle(chip, dtype as MatrixInputFormat)));
  return { dtype, matrixUtilization: utilization, offChipBytesPerCycle: (eb * (m * k + k * n + m * n)) / cycles };
}
