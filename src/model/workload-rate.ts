/** Work per second for a workload on one chip, and the power it draws: what TCO needs beside the chip's price. */
import type { ChipSpec } from '../arch/chip-spec.js';
import type { Graph } from '../graph/types.js';
import { estimateGraph } from './estimate.js';

export interface WorkloadRate {
  /** Work units per second per chip (inferences/s for a graph). */
  readonly perSecond: number;
  /** Average power running it. */
  readonly powerW: number;
  readonly unit: string;
  readonly feasible: boolean;
  readonly reasons: readonly string[];
}

/** Inferences per second and average power of one chip running `graph` back to back. */
export function inferenceRate(graph: Graph, chip: ChipSpec): WorkloadRate {
  const e = estimateGraph(graph, chip, { detail: 'totals' });
  return {
    perSecond: e.batch / e.totalTimeS,
    powerW: e.averagePowerW,
    unit: 'inferences',
    feasible: e.feasible,
    reasons: e.reasons,
  };
}
