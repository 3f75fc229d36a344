/**
 * The chip machine: runs a program on a `ChipSpec` with the timing of docs/chip.md. A front end issues
 * one instruction per cycle into per-unit queues (sync holds it until earlier work has completed);
 * DMA engines, each matrix unit's weight fetcher, tile loader and array, and each core's vector unit
 * then work in parallel, each in program order, waiting where memory dependencies, the weight FIFO,
 * the tile loader or a shared port say so. The machine always starts the unit that can start
 * earliest, so its schedule is exact to the cycle.
 */
import type { ChipSpec } from '../../arch/chip-spec.js';
import { coreAt, coreCount, matrixUnitAt, matrixUnitsPerCore } from '../../arch/derive.js';
import { NUMBER_FORMATS } from '../../core/number-formats.js';
import { issueCycles, OPS } from '../../isa/ops.js';
import type {
  DmaInstruction,
  Instruction,
  MatmulInstruction,
  Program,
  ReadWeightsInstruction,
  SyncInstruction,
} from '../../isa/types.js';
import { programFormat } from '../../isa/validate.js';
import { SimError } from '../errors.js';
import { findDependencies, type Dependency } from './dependencies.js';
import { ChipState, referenceMatmul, type MatmulBackend } from './state.js';
import { portFor, ports, runsOnVectorUnit } from './timing.js';
import { DmaUnit, MatrixUnitModel, Port, VectorUnit, type MachineView, type Unit } from './units.js';

export interface TraceEvent {
  readonly track: string;
  readonly name: string;
  readonly startCycle: number;
  readonly endCycle: number;
  readonly instruction?: number;
}

export interface InstructionTiming {
  readonly issue: number;
  readonly start: number;
  readonly end: number;
  readonly unit: string;
}

export interface MachineOptions {
  /** false: time the program without computing values. */
  readonly values?: boolean;
  /** How a matmul forms its partial sums (default: plain loops; the CLI passes the fast kernels). */
  readonly backend?: MatmulBackend;
  readonly trace?: boolean;
  /** Runs on this state (inputs already loaded); a fresh one otherwise. */
  readonly state?: ChipState;
}

export interface MachineRun {
  readonly totalCycles: number;
  readonly timings: readonly InstructionTiming[];
  readonly matrixUnits: readonly MatrixUnitModel[];
  readonly vectorUnits: readonly VectorUnit[];
  readonly ports: Readonly<Record<string, Port>>;
  readonly trace: readonly TraceEvent[];
  readonly dependencies: readonly (readonly Dependency[])[];
  readonly state: ChipState;
}

export function runMachine(chip: ChipSpec, program: Program, options: MachineOptions = {}): MachineRun {
  const format = programFormat(program, chip);
  const instructions = program.instructions;
  const n = instructions.length;
  const state = options.state ?? new ChipState(chip, program, format);
  const backend = options.backend ?? referenceMatmul;
  const computeValues = options.values ?? true;
  const dependencies = findDependencies(instructions, { dtype: format });
  const issue = new Float64Array(n).fill(Infinity);
  const start = new Float64Array(n).fill(Infinity);
  const end = new Float64Array(n).fill(Infinity);
  const timings: InstructionTiming[] = new Array(n);
  const trace: TraceEvent[] = [];
  const wantTrace = options.trace ?? false;

  const view: MachineView = {
    instructions,
    issue,
    start,
    end,
    elementBytes: NUMBER_FORMATS[format].bytes,
    depsReady(index) {
      let ready = 0;
      for (const d of dependencies[index]!) ready = Math.max(ready, end[d.on]!);
      return ready;
    },
    began(index, unit, s, e) {
      start[index] = s;
      end[index] = e;
      timings[index] = { issue: issue[index]!, start: s, end: e, unit };
      if (computeValues) state.execute(instructions[index]!, backend);
      if (wantTrace)
        trace.push({ track: unit, name: instructions[index]!.op, startCycle: s, endCycle: e, instruction: index });
    },
    traced(unit, name, s, e) {
      if (wantTrace) trace.push({ track: unit, name, startCycle: s, endCycle: e });
    },
  };

  const portTimings = ports(chip);
  const portMap = {
    pcie: new Port(portTimings.pcie),
    dram: new Port(portTimings.dram),
    onchip: new Port(portTimings.onchip),
  };
  const dmaUnits = {
    pcie: new DmaUnit('pcie', view, portMap.pcie),
    dram: new DmaUnit('dram', view, portMap.dram),
    onchip: new DmaUnit('onchip', view, portMap.onchip),
  };
  const matrixUnits: MatrixUnitModel[] = [];
  const vectorUnits: VectorUnit[] = [];
  const mxuOf = new Map<string, MatrixUnitModel>();
  for (let c = 0; c < coreCount(chip); c++) {
    const core = coreAt(chip, c)!;
    vectorUnits.push(new VectorUnit(`core${c}.vpu`, view, core));
    for (let u = 0; u < matrixUnitsPerCore(core); u++) {
      const model = new MatrixUnitModel(
        `core${c}.mxu${u}`,
        matrixUnitAt(core, u)!,
        view,
        (r: ReadWeightsInstruction) => portMap[portFor([r.src])],
      );
      matrixUnits.push(model);
      mxuOf.set(`${c}/${u}`, model);
    }
  }
  const units: Unit[] = [
    ...Object.values(dmaUnits),
    ...matrixUnits.flatMap((m) => [m.fetch, m.loader, m.array]),
    ...vectorUnits,
  ];

  const route = (index: number, instruction: Instruction): void => {
    if (runsOnVectorUnit(instruction)) return vectorUnits[instruction.core]!.push(index);
    const unit = OPS[instruction.op].unit;
    if (unit === 'dma')
      return dmaUnits[portFor([(instruction as DmaInstruction).src, (instruction as DmaInstruction).dst])].push(index);
    if (unit === 'weight-fetch' || unit === 'matrix') {
      const target = instruction as ReadWeightsInstruction | MatmulInstruction;
      const model = mxuOf.get(`${target.core}/${target.mxu}`)!;
      return (unit === 'matrix' ? model.array : model.fetch).push(index);
    }
    // Front-end instructions complete as they issue (after their issue cycles).
    start[index] = issue[index]!;
    end[index] = issue[index]! + issueCycles(instruction);
    timings[index] = { issue: issue[index]!, start: start[index]!, end: end[index]!, unit: 'front-end' };
  };

  // The front end issues eagerly, as far as syncs whose targets have started allow.
  let nextIssue = 0;
  let frontEndFree = 0;
  let halted = false;
  const advanceFrontEnd = (): void => {
    while (!halted && nextIssue < n) {
      const instruction = instructions[nextIssue]!;
      let time = frontEndFree;
      const rule = OPS[instruction.op].issueRule;
      if (rule === 'barrier') {
        const label = (instruction as SyncInstruction).label;
        const targets = label !== undefined ? [program.labels[label]!] : Array.from({ length: nextIssue }, (_, j) => j);
        for (const j of targets) {
          if (j >= nextIssue) continue;
          time = Math.max(time, end[j]!);
        }
        if (time === Infinity) return;
      }
      issue[nextIssue] = time;
      frontEndFree = time + issueCycles(instruction);
      route(nextIssue, instruction);
      if (rule === 'stop') halted = true;
      nextIssue++;
    }
  };

  advanceFrontEnd();
  for (;;) {
    let best: Unit | undefined;
    let bestTime = Infinity;
    for (const unit of units) {
      const t = unit.earliest();
      if (t < bestTime) {
        best = unit;
        bestTime = t;
      }
    }
    if (!best) {
      const waiting = units.filter((u) => u.pending());
      if (waiting.length === 0 && (halted || nextIssue === n)) break;
      const stuck = waiting.map((u) => `${u.name}: ${u.blockedOn()}`).join('; ');
      throw new SimError(
        'deadlock',
        `the program cannot proceed: ${stuck || `the front end waits at instruction ${nextIssue}`}`,
      );
    }
    best.begin(bestTime);
    advanceFrontEnd();
  }

  let totalCycles = 0;
  for (let i = 0; i < n; i++) if (end[i]! < Infinity) totalCycles = Math.max(totalCycles, end[i]!);
  for (let i = 0; i < n; i++)
    if (!timings[i]) timings[i] = { issue: Infinity, start: Infinity, end: Infinity, unit: 'not run (after halt)' };
  return { totalCycles, timings, matrixUnits, vectorUnits, ports: portMap, trace, dependencies, state };
}
