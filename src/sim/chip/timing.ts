/**
 * Timing parameters of the chip machine derived from a `ChipSpec`, and the few that no published
 * spec gives (marked as tpusim estimates; the analytical model uses the same ones).
 */
import type { ChipSpec, CoreSpec } from '../../arch/chip-spec.js';
import { activateOutputRows, poolOutputShape } from '../../isa/ops.js';
import { VECTOR_SEMANTICS } from '../../isa/semantics.js';
import type { MemRef, Instruction } from '../../isa/types.js';

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

/** fill stores `lanes` elements per cycle (no arithmetic). */
export function fillCycles(core: CoreSpec, rows: number, cols: number): number {
  return Math.ceil((rows * cols) / core.vectorUnit.lanes);
}

/** The work a core's vector unit runs in program order, and the cycles each occupies it. */
export type VectorUnitWork = Extract<Instruction, { op: 'activate' | 'vector' | 'fill' | 'pool' }>;
const VECTOR_UNIT_CYCLES: { readonly [K in VectorUnitWork['op']]: (core: CoreSpec, i: Extract<VectorUnitWork, { op: K }>) => number } = {
  // The bias and column scale (cols values each) are read once per instruction: no extra cycles.
  activate: (core, a) => Math.max(activateCycles(core, a.rows, a.cols), activateOutputRows(a)),
  vector: (core, v) => vectorCycles(core, v.rows * v.cols, VECTOR_SEMANTICS[v.vop].opsPerElement),
  fill: (core, f) => fillCycles(core, f.rows, f.cols),
  // One compare or add per window element.
  pool: (core, p) => {
    const out = poolOutputShape(p);
    return vectorCycles(core, out.height * out.width * p.channels * p.kernelHeight * p.kernelWidth, 1);
  },
};

export function runsOnVectorUnit(instruction: Instruction): instruction is VectorUnitWork {
  return instruction.op in VECTOR_UNIT_CYCLES;
}

export function vectorUnitCycles(core: CoreSpec, work: VectorUnitWork): number {
  return (VECTOR_UNIT_CYCLES[work.op] as (core: CoreSpec, i: VectorUnitWork) => number)(core, work);
}

/** The link a transfer uses: the host link if either end is host memory, off-chip memory's port if either end is there, else on-chip. */
export function portFor(refs: readonly MemRef[]): PortTiming['name'] {
  return refs.some((r) => r.space === 'host') ? 'pcie' : refs.some((r) => r.space === 'dram') ? 'dram' : 'onchip';
}

/**
 * The unit that executes an instruction, as a name: each unit works through its instructions in program
 * order and finishes them in that order too.
 */
export function unitOf(instruction: Instruction): string {
  switch (instruction.op) {
    case 'dma':
      return `dma.${portFor([instruction.src, instruction.dst])}`;
    case 'read_weights':
      return `fetch.${instruction.core}.${instruction.mxu}`;
    case 'matmul':
      return `array.${instruction.core}.${instruction.mxu}`;
    default:
      return runsOnVectorUnit(instruction) ? `vpu.${instruction.core}` : 'front-end';
  }
}
