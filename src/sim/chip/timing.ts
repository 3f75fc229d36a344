/**
 * Timing of the chip machine's instructions, on the formulas of arch/timing.ts (shared with the
 * analytical model).
 */
import type { CoreSpec } from '../../arch/chip-spec.js';
import { activateCycles, fillCycles, poolCycles, vectorCycles, type PortTiming } from '../../arch/timing.js';
import { activateOutputRows, poolOutputShape } from '../../isa/ops.js';
import { VECTOR_SEMANTICS } from '../../isa/semantics.js';
import type { MemRef, Instruction } from '../../isa/types.js';

export {
  VECTOR_PIPELINE_CYCLES,
  ONCHIP_LATENCY_CYCLES,
  ports,
  transferCycles,
  activateCycles,
  vectorCycles,
  fillCycles,
  poolCycles,
  passLatencyCycles,
  type PortTiming,
} from '../../arch/timing.js';

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
    return poolCycles(core, out.height * out.width * p.channels, p.kernelHeight * p.kernelWidth);
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
