/**
 * Timing formulas of a TPU-style chip that both the chip simulator (sim/) and the analytical model
 * (model/) use, so that they cannot drift apart: link transfers, vector-unit work per element, and
 * the weight-stationary matrix unit's passes. The few numbers no published spec gives are marked as
 * tpusim estimates.
 */
import type { ChipSpec, CoreSpec } from './chip-spec.js';

/** Cycles from a vector-unit instruction's last input to its last result (pipeline depth); estimate. */
export const VECTOR_PIPELINE_CYCLES = 8;
/** Latency of an on-chip transfer between unified buffers and shared memory; estimate. */
export const ONCHIP_LATENCY_CYCLES = 0;

export interface PortTiming {
  readonly name: 'pcie' | 'dram' | 'onchip';
  readonly bytesPerCycle: number;
  readonly latencyCycles: number;
}

/** The host link, the off-chip memory port and the on-chip transfer path, in bytes per clock cycle. */
export function ports(chip: ChipSpec): Record<PortTiming['name'], PortTiming> {
  const perCycle = (bandwidthBytesPerS: number): number => bandwidthBytesPerS / chip.clockHz;
  const cycles = (ns: number): number => Math.ceil((ns * chip.clockHz) / 1e9);
  const ub = Math.min(...chip.cores.map((c) => c.unifiedBuffer.bandwidthBytesPerS));
  return {
    pcie: {
      name: 'pcie',
      bytesPerCycle: perCycle(chip.hostLink.bandwidthBytesPerS),
      latencyCycles: cycles(chip.hostLink.latencyNs),
    },
    dram: {
      name: 'dram',
      bytesPerCycle: perCycle(chip.offChipMemory.bandwidthBytesPerS),
      latencyCycles: cycles(chip.offChipMemory.latencyNs),
    },
    onchip: {
      name: 'onchip',
      bytesPerCycle: perCycle(Math.min(ub, chip.sharedMemory?.bandwidthBytesPerS ?? ub)),
      latencyCycles: ONCHIP_LATENCY_CYCLES,
    },
  };
}

/** Cycles a port is busy moving `bytes` (latency comes on top, once per transfer). */
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

/** fill stores `lanes` elements per cycle (no arithmetic). */
export function fillCycles(core: CoreSpec, rows: number, cols: number): number {
  return Math.ceil((rows * cols) / core.vectorUnit.lanes);
}

/** Pooling: one compare or add per window element of every output. */
export function poolCycles(core: CoreSpec, outputs: number, window: number): number {
  return vectorCycles(core, outputs * window, 1);
}

/**
 * Vector-unit operations per element of each vector instruction: an estimate of the datapath work
 * (tpusim), one per add, multiply or compare, four for exp, more for transcendental functions and
 * row-wise normalizations.
 */
export const VECTOR_OP_COST = {
  add: 1,
  sub: 1,
  mul: 1,
  max: 1,
  min: 1,
  div: 4,
  copy: 1,
  scale: 1,
  relu: 1,
  gelu: 10,
  gelu_tanh: 10,
  tanh: 6,
  sigmoid: 6,
  exp: 4,
  silu: 7,
  erf: 6,
  sqrt: 4,
  reciprocal: 4,
  neg: 1,
  abs: 1,
  reduce_sum: 1,
  reduce_mean: 1,
  reduce_max: 1,
  softmax: 8,
  softmax_causal: 8,
  layernorm: 6,
  rmsnorm: 4,
} as const;
export type VectorOpName = keyof typeof VECTOR_OP_COST;

/**
 * A weight-stationary pass (one matmul of `rows` input vectors against the loaded tile): the array
 * takes a new row per cycle, so it is busy for `rows` cycles, and the last result leaves the bottom of
 * column cols-1 (R - 1) + (cols - 1) cycles after the last row entered (docs/systolic-array.md).
 */
export function passLatencyCycles(rows: number, arrayRows: number, cols: number): number {
  return rows + arrayRows + cols - 2;
}

/**
 * Start-to-start distance of consecutive folds of one array with the next tile ready: with double
 * buffering the next tile shifts in while the current streams (max(T, R)); without, after it (T + R).
 */
export function foldPeriodCycles(rows: number, arrayRows: number, doubleBuffered: boolean): number {
  return doubleBuffered ? Math.max(rows, arrayRows) : rows + arrayRows;
}
