/**
 * The analytical model's entry: a graph on a chip -> time, bound and utilization per layer, totals and
 * a roofline, in closed form. Layers are the compiler's (graph/layers): a matrix op with the bias,
 * activation and pooling it absorbs. Each layer is timed run alone with its activations on chip and
 * its weights off chip (what `isolatedLayerCycles` measures on the simulator); the model runs them one
 * after another, and also reports the critical path if independent layers could overlap.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { coreCount, peakMacsPerCycle, peakOpsPerS } from '../arch/derive.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { TpusimError } from '../core/errors.js';
import { nodeCost } from '../graph/analysis.js';
import { fuse, inputsOf } from '../graph/layers/fuse.js';
import { layerLayouts } from '../graph/layers/layout.js';
import { simplify } from '../graph/layers/simplify.js';
import { tensorBytes, type Graph } from '../graph/types.js';
import { layerTime, type LayerContext } from './layers.js';
import { systolicContext } from './systolic.js';
import type { GraphEstimate, LayerEstimate, LayerTime } from './types.js';

export interface EstimateOptions {
  /** Matrix-unit format (default: the chip's first). */
  readonly dtype?: string;
  /**
   * Cores the model is spread over: 'all' (default) divides every layer's work evenly over the chip's
   * cores; 1 uses one core, as the compiler does (what the conformance test compares).
   */
  readonly cores?: 'all' | 1;
}

const MATRIX_KINDS = new Set(['matmul', 'conv', 'attention', 'opaque']);

export function estimateGraph(graph: Graph, chip: ChipSpec, options: EstimateOptions = {}): GraphEstimate {
  const formats = chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input);
  const dtype = options.dtype ?? formats[0]!;
  if (!formats.includes(dtype as (typeof formats)[number])) {
    throw new TpusimError('unsupported', `${chip.name}'s matrix units multiply ${formats.join('/')}, not ${dtype}`);
  }
  const elementBytes = NUMBER_FORMATS[dtype as keyof typeof NUMBER_FORMATS].bytes;
  const program = fuse(simplify(graph), { lenient: true });
  const cores = options.cores === 1 ? 1 : coreCount(chip);
  const ctx: LayerContext = { sys: systolicContext(chip, elementBytes), program, layouts: layerLayouts(program), strided: new Set(), activationBytes: elementBytes };
  const peakMacs = peakMacsPerCycle(chip, dtype as never) / coreCount(chip);
  const layers: LayerEstimate[] = [];
  const nodes = new Map(program.graph.nodes.map((n) => [n.name, n]));
  for (const op of program.ops) {
    const time = scaleToCores(layerTime(ctx, op), cores, MATRIX_KINDS.has(op.kind));
    let macs = 0;
    let flops = 0;
    let weightBytes = 0;
    for (const name of op.nodes) {
      const node = nodes.get(name);
      if (!node) continue;
      const cost = nodeCost(program.graph, node);
      macs += cost.macs;
      flops += cost.flops;
      weightBytes += cost.weightBytes;
    }
    const timeS = time.cycles / chip.clockHz;
    layers.push({
      ...time,
      name: op.name,
      kind: op.kind,
      shape: program.graph.tensors[op.out]?.shape ?? [],
      macs,
      flops,
      weightBytes: (weightBytes * elementBytes) / 4,
      offChipBytes: MATRIX_KINDS.has(op.kind) ? (weightBytes * elementBytes) / 4 : 0,
      onChipBytes: 0,
      timeS,
      utilization: time.cycles > 0 ? macs / (time.cycles * peakMacs * cores) : 0,
      energyJ: 0,
    });
  }
  const totalCycles = layers.reduce((s, l) => s + l.cycles, 0);
  const totalTimeS = totalCycles / chip.clockHz;
  const macs = layers.reduce((s, l) => s + l.macs, 0);
  const flops = layers.reduce((s, l) => s + l.flops, 0);
  const ioBytes = [...graph.inputs, ...graph.outputs].reduce((s, t) => s + tensorBytes({ dtype: 'int8', shape: graph.tensors[t]!.shape }) * elementBytes, 0);
  return {
    model: graph.name,
    chip: chip.name,
    dtype,
    batch: graph.tensors[graph.inputs[0] ?? '']?.shape[0] ?? 1,
    layers,
    totalCycles,
    totalTimeS,
    ioTimeS: ioBytes / chip.hostLink.bandwidthBytesPerS,
    macs,
    flops,
    achievedOpsPerS: totalTimeS > 0 ? (2 * macs) / totalTimeS : 0,
    peakOpsPerS: peakOpsPerS(chip, dtype as never),
    utilization: totalCycles > 0 ? macs / (totalCycles * peakMacs * cores) : 0,
    energyJ: 0,
    energy: { matrixJ: 0, vectorJ: 0, onChipJ: 0, offChipJ: 0, linkJ: 0, staticJ: 0 },
    averagePowerW: 0,
    cores,
    warnings: [],
  };
}

/**
 * A layer's work divided over `cores` cores: compute and vector work split evenly, the off-chip port
 * (shared by all cores) does not, fixed latencies stay.
 */
function scaleToCores(t: LayerTime, cores: number, _matrix: boolean): LayerTime {
  if (cores === 1) return t;
  const matrixCycles = t.matrixCycles / cores;
  const vectorCycles = t.vectorCycles / cores;
  const variable = Math.max(matrixCycles, vectorCycles, t.memoryCycles);
  const cycles = Math.max(t.latencyCycles + variable, t.cycles / cores);
  return { ...t, cycles, matrixCycles, vectorCycles, bound: variable === t.memoryCycles && t.memoryCycles > 0 ? 'memory' : t.bound };
}

/** The longest chain of dependent layers (what the model would take if independent layers overlapped). */
export function criticalPathCycles(estimate: GraphEstimate, graph: Graph): number {
  const program = fuse(simplify(graph), { lenient: true });
  const finish = new Map<string, number>();
  const byName = new Map(estimate.layers.map((l) => [l.name, l.cycles]));
  let longest = 0;
  for (const op of program.ops) {
    const ready = Math.max(0, ...inputsOf(op).map((t) => finish.get(t) ?? 0));
    const end = ready + (byName.get(op.name) ?? 0);
    finish.set(op.out, end);
    longest = Math.max(longest, end);
  }
  return longest;
}
