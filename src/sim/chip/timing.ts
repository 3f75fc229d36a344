/**
 * Timing parameters of the chip machine derived from a `ChipSpec`, and the few that no published
 * spec gives (marked as tpusim estimates; the analytical model uses the same ones).
 */
import type { ChipSpec, CoreSpec } from '../../arch/chip-spec.js';

/** Cycles from an activate's or vector op's last input to its last result (pipeline depth); estimate. */
export const VECTOR_PIPELINE_CYCLES = 8;
/** Latency of an on-chip transfer between unified buffers and shared memory; estimate. */
export const ONCHIP_LATENCY_CYCLES = 0;

export interface PortTiming {
  readonly name: 'pcie' | 'dram' | 'onchip';
  readonly bytesPerCycle: number;
  readonly latencyCycles: number;
}

export function ports(chip: ChipSpec): Record<PortTiming['name'], PortTiming> {
  const perCycle = (bandwidthBytesPerS: number): number => bandwidthBytesPerS / chip.clockHz;
  const cycles = (ns: number): number => Math.ceil((ns * chip.clockHz) / 1e9);
  const ub = Math.min(...chip.cores.map((c) => c.unifiedBuffer.bandwidthBytesPerS));
  return {
    pcie: { name: 'pcie', bytesPerCycle: perCycle(chip.hostLink.bandwidthBytesPerS), latencyCycles: cycles(chip.hostLink.latencyNs) },
    dram: { name: 'dram', bytesPerCycle: perCycle(chip.offChipMemory.bandwidthBytesPerS), latencyCycles: cycles(chip.offChipMemory.latencyNs) },
    onchip: { name: 'onchip', bytesPerCycle: perCycle(Math.min(ub, chip.sharedMemory?.bandwidthBytesPerS ?? ub)), latencyCycles: ONCHIP_LATENCY_CYCLES },
  };
}

export function transferCycles(bytes: number, port: PortTiming): number {
  return Math.ceil(bytes / port.bytesPerCycle);
}

/** Activate reads one accumulator row per cycle per `lanes` columns (TPU v1: 256 values per cycle). */
export function activateCycles(core: CoreSpec, rows: number, cols: number): number {
  return rows * Math.ceil(cols / core.vectorUnit.lanes);
}

export function vectorCycles(core: CoreSpec, elements: number, opsPerElement: number): number {
  return Math.ceil((elements * opsPerElement) / (core.vectorUnit.lanes * core.vectorUnit.opsPerLanePerCycle));
}
