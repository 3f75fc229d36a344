/** What the analytical model returns: per layer and per graph, with the reason each layer takes its time. */
import type { DType } from '../arch/chip-spec.js';

/**
 * compute: the matrix units; memory: off-chip memory or a link; vector: the vector unit; latency: fixed
 * pipeline and transfer latencies of a layer too small to fill its units.
 */
export type Bound = 'compute' | 'memory' | 'vector' | 'latency';

export interface LayerTime {
  /** Total cycles of the layer run alone, its inputs in on-chip memory, weights off chip. */
  readonly cycles: number;
  /** Cycles each resource is busy (the layer takes at least the largest). */
  readonly matrixCycles: number;
  readonly memoryCycles: number;
  readonly vectorCycles: number;
  /** Cycles no resource hides: first fetches, pipeline fill and drain. */
  readonly latencyCycles: number;
  readonly bound: Bound;
  /** Bytes over the off-chip memory port (weight tiles as fetched); -1 when the layer does not count them. */
  readonly offChipBytes: number;
  /** Bytes read and written in on-chip memories (unified buffer, accumulators, shared memory); -1 when not counted. */
  readonly onChipBytes: number;
}

/** Every LayerTime is made here, with one property order, so code reading them stays monomorphic. */
export function layerTimeOf(
  cycles: number,
  matrixCycles: number,
  memoryCycles: number,
  vectorCycles: number,
  latencyCycles: number,
  bound: Bound,
  offChipBytes = -1,
  onChipBytes = -1,
): LayerTime {
  return { cycles, matrixCycles, memoryCycles, vectorCycles, latencyCycles, bound, offChipBytes, onChipBytes };
}
// Made once at load with fractions, so every field starts out holding doubles: a layer whose counts pass 2^31
// later (the power model's 8192^3 GEMM, model/power-clock.ts) would otherwise change the fields' representation,
// and estimates of every chip after it ran 3-4x slower in V8 (issue 19).
layerTimeOf(0.5, 0.5, 0.5, 0.5, 0.5, 'latency', 0.5, 0.5);

export interface LayerEstimate extends LayerTime {
  readonly name: string;
  /** The layer's kind (matmul, conv, attention, pool, unary, binary, row, view, concat, embedding). */
  readonly kind: string;
  /** Output shape. */
  readonly shape: readonly number[];
  readonly macs: number;
  /** 2 per MAC plus vector operations. */
  readonly flops: number;
  readonly weightBytes: number;
  /** Bytes moved over the off-chip memory port (weights, spilled activations). */
  readonly offChipBytes: number;
  /** Bytes read and written on chip (unified buffer). */
  readonly onChipBytes: number;
  readonly timeS: number;
  /** Achieved matrix ops over the chip's peak for the layer's time (0 for layers without matrix work). */
  readonly utilization: number;
  readonly energyJ: number;
  /** Anything the numbers alone do not say ('' when nothing). */
  readonly note: string;
}

export interface EnergyBreakdown {
  readonly matrixJ: number;
  readonly vectorJ: number;
  readonly onChipJ: number;
  readonly offChipJ: number;
  readonly linkJ: number;
  readonly staticJ: number;
}

export interface GraphEstimate {
  readonly model: string;
  readonly chip: string;
  readonly dtype: DType;
  readonly batch: number;
  readonly layers: readonly LayerEstimate[];
  readonly totalCycles: number;
  readonly totalTimeS: number;
  /** Host transfers of the model's inputs and outputs (not in any layer). */
  readonly ioTimeS: number;
  readonly macs: number;
  readonly flops: number;
  readonly achievedOpsPerS: number;
  readonly peakOpsPerS: number;
  readonly utilization: number;
  readonly energyJ: number;
  readonly energy: EnergyBreakdown;
  readonly averagePowerW: number;
  /** Cores the work is split over. */
  readonly cores: number;
  /** Problems that do not stop the estimate (a layer's activations spill off chip, ...). */
  readonly warnings: readonly string[];
  /** Whether the model fits the chip's memory; when not, `reasons` say why (the times are as if it did). */
  readonly feasible: boolean;
  readonly reasons: readonly string[];
  /** Bytes of parameters in off-chip memory. */
  readonly weightBytes: number;
}
