/**
 * The clock the timing model runs a chip at. A chip whose description carries a sustained clock
 * (measured, or derived from a measured GEMM rate: `technology.sustainedClockHz`) keeps it. A chip with
 * none and a power limit (`technology.tdpW`) gets the clock model/power.ts says DVFS holds under that
 * limit running dense GEMMs back to back (the shape docs/gpu-measured.md ran for the H100's clock), with
 * the GEMM's activity from the timing model at the published clock. A chip with neither runs at the
 * published clock. So a new design is timed at its power-limited clock, and a preset with a sourced
 * clock is timed exactly as before.
 *
 * Takes the timing engines (not model/estimate.ts's context) so that estimate.ts can import it
 * without an import cycle.
 */
import type { ChipSpec, MatrixInputFormat } from '../arch/chip-spec.js';
import { coreCount, peakMacsPerCycle } from '../arch/derive.js';
import { TpusimError } from '../core/errors.js';
import type { Gemm } from '../graph/ops/op.js';
import { gpuGemm, type GpuContext } from './gpu.js';
import { gemmTime } from './layers.js';
import { sustainedClock, type PowerActivity, type SustainedClock } from './power.js';
import type { SystolicContext } from './systolic.js';

/** Side of the square GEMM whose activity stands for dense matrix work. */
export const DENSE_GEMM_SIDE = 8192;

/** The timing engines of one chip and format, as model/estimate.ts builds them. */
export interface TimingEngines {
  readonly dtype: string;
  readonly elementBytes: number;
  readonly gpu?: GpuContext;
  readonly sys: SystolicContext;
}

export interface TimingClock {
  /** The chip to time: the input itself, or a copy running at the modelled clock. */
  readonly chip: ChipSpec;
  readonly clockHz: number;
  /**
   * 'sourced': the description's sustained clock; 'modelled': power-limited by model/power.ts; 'published': the clock
   * of the peaks.
   */
  readonly source: 'sourced' | 'modelled' | 'published';
  /** The power model's answer, where it was asked. */
  readonly sustained?: SustainedClock;
  /** One sentence for reports, where the clock is modelled. */
  readonly note?: string;
}

/** Power activity that names its matrix format. */
export type FormatActivity = PowerActivity & { readonly dtype: string };

/** A dense GEMM's activity per cycle at the published clock: MAC slots busy and compulsory off-chip bytes. */
export function denseGemmActivity(chip: ChipSpec, engines: TimingEngines, side = DENSE_GEMM_SIDE): FormatActivity {
  const g: Gemm = { batch: 1, m: side, n: side, k: side, weightsAreParameters: true };
  let cycles: number;
  if (engines.gpu) {
    const t = gpuGemm(engines.gpu, g);
    cycles = Math.max(t.computeCycles, t.memoryCycles);
  } else {
    const t = gemmTime(engines.sys, g);
    cycles = Math.max(t.cycles / coreCount(chip), t.latencyCycles + t.memoryCycles);
  }
  const macs = side ** 3;
  const utilization = Math.min(1, macs / (cycles * peakMacsPerCycle(chip, engines.dtype as MatrixInputFormat)));
  return {
    dtype: engines.dtype,
    matrixUtilization: utilization,
    offChipBytesPerCycle: (3 * side * side * engines.elementBytes) / cycles,
  };
}

/** Chips whose dense GEMM activity is known, kept per `cores` array (a sweep's designs of one shape share it). */
interface KeptActivity {
  readonly chip: ChipSpec;
  readonly activity: FormatActivity;
}
const activities = new WeakMap<ChipSpec['cores'], KeptActivity[]>();
/** Designs of one shape kept per `cores` array: a sweep over clocks or memory rates cycles through a few. */
const KEPT_PER_CORES = 16;

/**
 * Whether the timing engines (model/systolic.ts, model/gpu.ts) time a GEMM alike on `a` and `b`, two chips with
 * the same `cores` and no sustained clock: the chip fields they read besides the cores (the name picks a GPU's
 * kernel stack). Compared field by field, so a design space's points that differ only in their power limit,
 * process or area share one dense GEMM (power-clock.test.ts holds the two paths together).
 */
function timeAlike(a: ChipSpec, b: ChipSpec): boolean {
  const m = a.offChipMemory;
  const n = b.offChipMemory;
  return (
    a.clockHz === b.clockHz &&
    a.name === b.name &&
    a.gpuTiling === b.gpuTiling &&
    a.sharedMemory?.bandwidthBytesPerS === b.sharedMemory?.bandwidthBytesPerS &&
    a.hostLink.bandwidthBytesPerS === b.hostLink.bandwidthBytesPerS &&
    a.hostLink.latencyNs === b.hostLink.latencyNs &&
    m.bandwidthBytesPerS === n.bandwidthBytesPerS &&
    m.sustainedBandwidthBytesPerS === n.sustainedBandwidthBytesPerS &&
    m.latencyNs === n.latencyNs
  );
}

function keptActivity(chip: ChipSpec): FormatActivity | undefined {
  const kept = activities.get(chip.cores);
  if (kept !== undefined) for (const k of kept) if (timeAlike(k.chip, chip)) return k.activity;
  return undefined;
}

function keepActivity(chip: ChipSpec, activity: FormatActivity): FormatActivity {
  let kept = activities.get(chip.cores);
  if (kept === undefined) activities.set(chip.cores, (kept = []));
  if (kept.length >= KEPT_PER_CORES) kept.shift();
  kept.push({ chip, activity });
  return activity;
}

/**
 * The clock to time `chip` at (see the file comment). `engines` gives the dense GEMM's activity; it is
 * called only for a chip with a power limit and no sustained clock of its own, and only once for designs
 * that time alike (a sweep's points that differ in their power limit).
 */
export function timingClock(chip: ChipSpec, engines: () => TimingEngines): TimingClock {
  const t = chip.technology;
  if (t?.sustainedClockHz !== undefined) return { chip, clockHz: t.sustainedClockHz, source: 'sourced' };
  if (t?.tdpW === undefined) return { chip, clockHz: chip.clockHz, source: 'published' };
  let activity = keptActivity(chip);
  if (activity === undefined) {
    try {
      activity = keepActivity(chip, denseGemmActivity(chip, engines()));
    } catch (err) {
      // A chip the kernel model cannot time a dense GEMM on keeps its published clock; estimateGraph says why.
      if (err instanceof TpusimError) return { chip, clockHz: chip.clockHz, source: 'published' };
      throw err;
    }
  }
  const dtype = activity.dtype;
  const sustained = sustainedClock(chip, activity);
  if (sustained.limitedBy !== 'power') return { chip, clockHz: chip.clockHz, source: 'published', sustained };
  const ghz = (hz: number): string => `${(hz / 1e9).toPrecision(3)} GHz`;
  const leakage =
    t.dieAreaMm2 === undefined ? '; no die area given, so leakage is left out (technology.dieAreaMm2 adds it)' : '';
  const note =
    `sustained clock ${ghz(sustained.clockHz)} (modelled: power-limited at ${t.tdpW} W; dense ${dtype} ` +
    `GEMMs: ${sustained.reason}${leakage})`;
  return { chip: runAt(chip, sustained.clockHz), clockHz: sustained.clockHz, source: 'modelled', sustained, note };
}

/**
 * The chip as the timing model sees it at `clockHz`: a tensor-core chip through its sustained clock
 * (model/gpu.ts derates every per-cycle rate by it), a systolic chip run at that clock outright (its
 * cycles are counted at the clock it runs; off-chip memory keeps its bytes per second).
 */
function runAt(chip: ChipSpec, clockHz: number): ChipSpec {
  const tensorCores = chip.cores.some((c) => c.matrixUnits.some((u) => (u.kind ?? 'systolic') === 'tensor-core'));
  if (!tensorCores) return { ...chip, clockHz };
  const citation = {
    source: 'tpusim',
    status: 'estimate' as const,
    note: 'modelled: the clock DVFS holds under the power limit running dense GEMMs (model/power.ts)',
  };
  return {
    ...chip,
    technology: { ...chip.technology, sustainedClockHz: clockHz },
    citations: { ...chip.citations, 'technology.sustainedClockHz': citation },
  };
}
