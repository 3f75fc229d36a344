/**
 * Figures derived from a `ChipSpec`: peak throughput, ridge point, on-chip capacity. A MAC counts as
 * 2 ops throughout.
 */
import { OPS_PER_MAC } from '../core/units.js';
import type { ChipSpec, CoreSpec, MatrixInputFormat, MatrixUnitSpec } from './chip-spec.js';

/**
 * Multiply-accumulates per cycle over all matrix units that support `format` (each unit's default format if omitted),
 * at each format's rate.
 */
export function peakMacsPerCycle(chip: ChipSpec, format?: MatrixInputFormat): number {
  let macs = 0;
  for (const core of chip.cores) {
    for (const unit of core.matrixUnits) {
      const spec = format === undefined ? unit.formats[0] : unit.formats.find((f) => f.input === format);
      if (!spec) continue;
      macs += core.count * unit.count * unit.rows * unit.cols * (spec.rate ?? 1);
    }
  }
  return macs;
}

/** Peak matrix throughput in ops/s (2 ops per MAC). */
export function peakOpsPerS(chip: ChipSpec, format?: MatrixInputFormat): number {
  return peakMacsPerCycle(chip, format) * OPS_PER_MAC * chip.clockHz;
}

/** Operational intensity (ops per off-chip byte) above which the chip is compute-bound. */
export function ridgePointOpsPerByte(chip: ChipSpec, format?: MatrixInputFormat): number {
  return peakOpsPerS(chip, format) / chip.offChipMemory.bandwidthBytesPerS;
}

export function vectorOpsPerS(chip: ChipSpec): number {
  return (
    chip.cores.reduce((sum, c) => sum + c.count * c.vectorUnit.lanes * c.vectorUnit.opsPerLanePerCycle, 0) *
    chip.clockHz
  );
}

export function onChipBytes(chip: ChipSpec): number {
  const perCore = chip.cores.reduce(
    (sum, c) => sum + c.count * (c.unifiedBuffer.sizeBytes + c.accumulators.sizeBytes),
    0,
  );
  return perCore + (chip.sharedMemory?.sizeBytes ?? 0);
}

export function coreCount(chip: ChipSpec): number {
  return chip.cores.reduce((sum, c) => sum + c.count, 0);
}

/** The group holding item `index` when groups of `count` identical items are laid end to end. */
function groupAt<T extends { readonly count: number }>(groups: readonly T[], index: number): T | undefined {
  let first = 0;
  for (const group of groups) {
    if (index >= first && index < first + group.count) return group;
    first += group.count;
  }
  return undefined;
}

/** The spec of core `index`, counting cores across the chip's core groups in order. */
export function coreAt(chip: ChipSpec, index: number): CoreSpec | undefined {
  return groupAt(chip.cores, index);
}

/** Matrix unit `index` of a core, counting units across its unit groups in order. */
export function matrixUnitAt(core: CoreSpec, index: number): MatrixUnitSpec | undefined {
  return groupAt(core.matrixUnits, index);
}

export function matrixUnitsPerCore(core: CoreSpec): number {
  return core.matrixUnits.reduce((sum, u) => sum + u.count, 0);
}

/** Accumulator rows of a core: each row holds one 32-bit result per column of its widest matrix unit. */
export function accumulatorRows(core: CoreSpec): number {
  const cols = Math.max(...core.matrixUnits.map((u) => u.cols));
  return Math.floor(core.accumulators.sizeBytes / (cols * 4));
}

export function matrixUnitCount(chip: ChipSpec): number {
  return chip.cores.reduce((sum, c) => sum + c.count * c.matrixUnits.reduce((s, u) => s + u.count, 0), 0);
}

/**
 * The chip's default matrix format: its first matrix unit's first format (what estimates and programs use unless told).
 */
export function defaultMatrixFormat(chip: ChipSpec): MatrixInputFormat {
  return chip.cores[0]!.matrixUnits[0]!.formats[0]!.input;
}

/** Input formats supported by any matrix unit, in first-seen order. */
export function matrixFormats(chip: ChipSpec): MatrixInputFormat[] {
  const seen: MatrixInputFormat[] = [];
  for (const core of chip.cores)
    for (const unit of core.matrixUnits) for (const f of unit.formats) if (!seen.includes(f.input)) seen.push(f.input);
  return seen;
}

export interface ChipSummary {
  readonly name: string;
  readonly clockHz: number;
  readonly matrixUnits: number;
  readonly macsPerCycle: number;
  readonly peakOpsPerS: Readonly<Record<string, number>>;
  readonly ridgePointOpsPerByte: Readonly<Record<string, number>>;
  readonly vectorOpsPerS: number;
  readonly onChipBytes: number;
  readonly offChipBytes: number;
  readonly offChipBandwidthBytesPerS: number;
}

export function summarizeChip(chip: ChipSpec): ChipSummary {
  const formats = matrixFormats(chip);
  return {
    name: chip.name,
    clockHz: chip.clockHz,
    matrixUnits: matrixUnitCount(chip),
    macsPerCycle: peakMacsPerCycle(chip),
    peakOpsPerS: Object.fromEntries(formats.map((f) => [f, peakOpsPerS(chip, f)])),
    ridgePointOpsPerByte: Object.fromEntries(formats.map((f) => [f, ridgePointOpsPerByte(chip, f)])),
    vectorOpsPerS: vectorOpsPerS(chip),
    onChipBytes: onChipBytes(chip),
    offChipBytes: chip.offChipMemory.capacityBytes,
    offChipBandwidthBytesPerS: chip.offChipMemory.bandwidthBytesPerS,
  };
}
