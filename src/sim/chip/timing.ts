/**
 * Timing of the chip machine's instructions, on the formulas of arch/timing.ts (shared with the
 * analytical model).
 */
import type { CoreSpec } from '../../arch/chip-spec.js';
import type { PortTiming } from '../../arch/timing.js';
import { OPS, type ExecutionUnit } from '../../isa/ops.js';
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

/** The work a core's vector unit runs in program order (the registry's 'vector' unit). */
export type VectorUnitWork = Extract<Instruction, { op: 'activate' | 'vector' | 'fill' | 'pool' }>;

export function runsOnVectorUnit(instruction: Instruction): instruction is VectorUnitWork {
  return OPS[instruction.op].unit === 'vector';
}

/** Cycles the work occupies its core's vector unit, as the registry declares them. */
export function vectorUnitCycles(core: CoreSpec, work: VectorUnitWork): number {
  return OPS[work.op].vectorUnitCycles!(core, work);
}

/**
 * The link a transfer uses: the host link if either end is host memory, off-chip memory's port if either end is there,
 * else on-chip.
 */
export function portFor(refs: readonly MemRef[]): PortTiming['name'] {
  return refs.some((r) => r.space === 'host') ? 'pcie' : refs.some((r) => r.space === 'dram') ? 'dram' : 'onchip';
}

/**
 * The unit that executes an instruction, as a name: each unit works through its instructions in program
 * order and finishes them in that order too.
 */
export function unitOf(instruction: Instruction): string {
  return UNIT_NAMES[OPS[instruction.op].unit](instruction as Instruction & Partial<TargetFields>);
}

/** The core, matrix unit and transfer ends an instruction names (those it has). */
interface TargetFields {
  readonly core: number;
  readonly mxu: number;
  readonly src: MemRef;
  readonly dst: MemRef;
}

const UNIT_NAMES: Readonly<Record<ExecutionUnit, (i: Partial<TargetFields>) => string>> = {
  dma: (i) => `dma.${portFor([i.src!, i.dst!])}`,
  'weight-fetch': (i) => `fetch.${i.core}.${i.mxu}`,
  matrix: (i) => `array.${i.core}.${i.mxu}`,
  vector: (i) => `vpu.${i.core}`,
  'front-end': () => 'front-end',
};
