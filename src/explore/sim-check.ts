/**
 * A finalist re-checked with the cycle-level systolic simulator (sim/systolic's fold engine, cycle for
 * cycle the register-level engine) on its GEMMs: each GEMM workload, and for a serving or training
 * workload its transformer's largest GEMM per chip (the first layer group's FFN up-projection, a tensor
 * parallel shard of it, over the prefill's batch x prompt rows). The simulator runs the GEMM on one
 * matrix unit, compute only; the chip's time is those cycles spread evenly over all its matrix units at
 * the sustained clock. The analytical figure is the sweep's (model/gemm.ts: compute, memory, latency),
 * so the gap shows both the model's fold arithmetic and what memory adds.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { defaultMatrixFormat } from '../arch/derive.js';
import { TpusimError } from '../core/errors.js';
import { chipArray } from '../sim/systolic/chip-array.js';
import { SYSTOLIC_ENGINES } from '../sim/systolic/engines.js';
import type { ExploreSweep } from './compile-sweep.js';
import { designChip } from './design.js';
import { createWorkloadCache, workloadInputs } from './evaluate.js';
import { sweepGemmSeconds } from './fast-gemm.js';
import type { KnobValue } from './knobs.js';
import type { WorkloadSpec } from './sweep-spec.js';

export interface SimulatorGap {
  readonly workload: string;
  /** C[m, n] = A[m, k] x B[k, n]. */
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly dtype: string;
  readonly analyticalS: number;
  readonly simulatedS: number;
  /** Cycles of the whole GEMM on one matrix unit (fold engine). */
  readonly simulatedUnitCycles: number;
  readonly matrixUnits: number;
  /** analyticalS / simulatedS - 1 (0.05: the model says 5% slower than the simulated compute). */
  readonly gap: number;
}

export interface SimulatorCheck {
  readonly gaps: readonly SimulatorGap[];
  /** Why a workload has no GEMM to check, or why its check could not run. */
  readonly notes: readonly string[];
}

type Shape = { readonly m: number; readonly n: number; readonly k: number };

function gemmsOf(sweep: ExploreSweep, w: WorkloadSpec, values: readonly KnobValue[]): Shape[] | string {
  if (w.kind === 'gemm') return [{ m: w.m, n: w.n, k: w.k }];
  if (w.kind === 'inference')
    return `${w.name}: inference workloads are not re-checked (no single GEMM stands for the graph)`;
  const inputs = workloadInputs(sweep.spec, w, values, createWorkloadCache());
  if (typeof inputs === 'string') return inputs;
  const model = inputs.model!;
  const tp = w.kind === 'serving' ? w.tp : 1;
  const rows = w.kind === 'serving' ? w.batch * (inputs.seq ?? w.prompt) : (inputs.seq ?? w.seq);
  const ffn = model.groups[0]!.shape.mlp.ffn;
  return [{ m: rows, n: Math.ceil(ffn / tp), k: model.hidden }];
}

function checkGemm(chip: ChipSpec, workload: string, shape: Shape, dtype: string): SimulatorGap {
  const info = chipArray(chip, { format: dtype });
  const cycles = SYSTOLIC_ENGINES.fold.run({ shape, array: info.array }).stats.totalCycles;
  const clockHz = chip.technology?.sustainedClockHz ?? chip.clockHz;
  const simulatedS = cycles / info.unitsOnChip / clockHz;
  const analyticalS = sweepGemmSeconds(chip, dtype, { batch: 1, ...shape, weightsAreParameters: true });
  return {
    workload,
    ...shape,
    dtype,
    analyticalS,
    simulatedS,
    simulatedUnitCycles: cycles,
    matrixUnits: info.unitsOnChip,
    gap: analyticalS / simulatedS - 1,
  };
}

/** The design with these knob values, its GEMMs on the simulator and in the analytical model. */
export function simulatorCheck(sweep: ExploreSweep, knobs: Readonly<Record<string, KnobValue>>): SimulatorCheck {
  const values = sweep.knobNames.map((n) => knobs[n]!);
  const chip = designChip(sweep.prepared, values);
  const gaps: SimulatorGap[] = [];
  const notes: string[] = [];
  for (const w of sweep.spec.workloads) {
    const shapes = gemmsOf(sweep, w, values);
    if (typeof shapes === 'string') {
      notes.push(shapes);
      continue;
    }
    const dtype = (w.kind === 'gemm' ? w.dtype : undefined) ?? defaultMatrixFormat(chip);
    for (const shape of shapes) {
      try {
        gaps.push(checkGemm(chip, w.name, shape, dtype));
      } catch (error) {
        if (!(error instanceof TpusimError)) throw error;
        notes.push(`${w.name}: ${error.message}`);
      }
    }
  }
  return { gaps, notes };
}
