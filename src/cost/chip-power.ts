/**
 * A chip's power from the energy model: at peak activity, by mechanism under its power limit, and the
 * figure TCO provisions for. Priced here, beside the chip's cost, because leakage is priced on die area
 * (the area model's where no die size is published).
 */
import type { ChipSpec, MatrixInputFormat } from '../arch/chip-spec.js';
import { defaultMatrixFormat, peakMacsPerCycle } from '../arch/derive.js';
import { TpusimError } from '../core/errors.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { energyTable } from '../model/energy.js';
import { DEFAULT_NODE_NM, staticPowerW } from '../model/estimate.js';
import { gemmActivity } from '../model/power-estimate.js';
import {
  powerAt,
  sustainedClock,
  type PowerActivity,
  type PowerBreakdown,
  type SustainedClock,
} from '../model/power.js';
import { chipArea } from './area.js';
import { CostTrace, DEFAULT_COST_BOOK } from './costbook.js';

export interface ChipPower {
  readonly staticW: number;
  /** Every MAC busy at the peak rate. */
  readonly matrixW: number;
  /** Operands in and results out of the matrix units through on-chip SRAM, at the peak rate. */
  readonly onChipW: number;
  /** Off-chip memory at full bandwidth. */
  readonly offChipW: number;
  /** All of the above: an upper bound on what the chip draws. */
  readonly peakW: number;
  readonly tdpW?: number;
  /** Measured power where published (idle). */
  readonly idleW?: number;
  readonly staticIsEstimate: boolean;
  readonly nodeNm: number;
}

/**
 * Power at peak activity from the energy table (model/energy.ts): MACs at the chip's peak rate, each
 * matrix unit reading a row of inputs and writing a row of fp32 results per cycle through the unified
 * buffer, off-chip memory at its full bandwidth, plus static power.
 */
export function chipPower(chip: ChipSpec, dtype?: string): ChipPower {
  const nodeNm = chip.technology?.processNm ?? DEFAULT_NODE_NM;
  const table = energyTable(nodeNm);
  const format = (dtype ?? defaultMatrixFormat(chip)) as MatrixInputFormat;
  const macsPerS = peakMacsPerCycle(chip, format) * chip.clockHz;
  const matrixW = macsPerS * table.macPj(format) * 1e-12;
  const inBytes = NUMBER_FORMATS[format].bytes;
  let onChipBytesPerCycle = 0;
  for (const core of chip.cores)
    for (const u of core.matrixUnits) onChipBytesPerCycle += core.count * u.count * (u.rows * inBytes + u.cols * 4);
  const ub = chip.cores[0]!.unifiedBuffer.sizeBytes;
  const onChipW = onChipBytesPerCycle * chip.clockHz * table.sramPjPerByte(ub) * 1e-12;
  const offChipW = chip.offChipMemory.bandwidthBytesPerS * table.offChipPjPerByte(chip.offChipMemory.kind) * 1e-12;
  const stat = staticPowerW(chip);
  return {
    staticW: stat.watts,
    matrixW,
    onChipW,
    offChipW,
    peakW: stat.watts + matrixW + onChipW + offChipW,
    ...(chip.technology?.tdpW !== undefined ? { tdpW: chip.technology.tdpW } : {}),
    ...(chip.technology?.idleW !== undefined ? { idleW: chip.technology.idleW } : {}),
    staticIsEstimate: stat.estimate,
    nodeNm,
  };
}

/** Side of the square GEMM that stands for dense matrix work (the shape docs/gpu-measured.md ran for its clock). */
export const DENSE_GEMM_SIDE = 8192;

export interface ChipPowerModel {
  /** Die area leakage is priced on: the published one, else the area model's. */
  readonly dieAreaMm2: number;
  readonly dieAreaSource: 'published' | 'model';
  /** Every MAC busy and off-chip memory at full bandwidth, at the published clock: an upper bound. */
  readonly atPeak: PowerBreakdown;
  /** Dense bf16-class GEMMs back to back under the chip's power limit (its TDP): the clock held and the power drawn. */
  readonly denseGemm: SustainedClock;
}

/**
 * Power by mechanism (model/power.ts): at peak activity, and running dense GEMMs back to back, where
 * DVFS under the power limit gives the sustained clock a design would hold (the modelled one: the
 * timing model keeps a preset's measured sustainedClockHz).
 */
export function chipPowerModel(chip: ChipSpec, dtype?: string): ChipPowerModel {
  const { dieAreaMm2, source } = powerDieArea(chip);
  const format = dtype ?? defaultMatrixFormat(chip);
  const peakBytesPerCycle = chip.offChipMemory.bandwidthBytesPerS / chip.clockHz;
  const atPeak = powerAt(
    chip,
    { dtype: format, matrixUtilization: 1, offChipBytesPerCycle: peakBytesPerCycle },
    chip.clockHz,
    { dieAreaMm2 },
  );
  const denseGemm = sustainedClock(chip, denseActivity(chip, format), { dieAreaMm2 });
  return { dieAreaMm2, dieAreaSource: source, atPeak, denseGemm };
}

/** A dense GEMM's activity from the kernel model; every MAC slot busy where the kernel model cannot time the chip. */
function denseActivity(chip: ChipSpec, format: string): PowerActivity {
  try {
    return gemmActivity(chip, format, DENSE_GEMM_SIDE, DENSE_GEMM_SIDE, DENSE_GEMM_SIDE);
  } catch (e) {
    if (!(e instanceof TpusimError)) throw e;
    return { dtype: format, matrixUtilization: 1, offChipBytesPerCycle: 0 };
  }
}

/** The die area leakage is priced on: the published one, else the area model's with the default cost book. */
export function powerDieArea(chip: ChipSpec): { readonly dieAreaMm2: number; readonly source: 'published' | 'model' } {
  const published = chip.technology?.dieAreaMm2;
  if (published !== undefined) return { dieAreaMm2: published, source: 'published' };
  let modelled = modelledAreas.get(chip);
  if (modelled === undefined)
    modelledAreas.set(chip, (modelled = chipArea(chip, new CostTrace(DEFAULT_COST_BOOK)).totalMm2));
  return { dieAreaMm2: modelled, source: 'model' };
}

/** Area-model results by chip object (specs are readonly), so a sweep prices each design's area once. */
const modelledAreas = new WeakMap<ChipSpec, number>();

/** The power TCO provisions for: the published TDP, else the energy model's peak-activity power. */
export function provisionedPowerW(chip: ChipSpec): { readonly watts: number; readonly source: 'tdp' | 'model' } {
  const tdp = chip.technology?.tdpW;
  return tdp !== undefined ? { watts: tdp, source: 'tdp' } : { watts: chipPower(chip).peakW, source: 'model' };
}
