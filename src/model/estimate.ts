/**
 * The analytical model's entry: a graph on a chip -> time, bound, utilization and energy per layer,
 * totals, energy and power, in closed form. Layers are the compiler's (graph/layers): a matrix op with
 * the bias, activation and pooling it absorbs.
 *
 * TPU-style chips (systolic matrix units): each layer is timed run alone with its activations on chip
 * and its weights off chip (what `isolatedLayerCycles` measures on the simulator; the conformance test
 * holds the two together); a layer whose activations do not fit the unified buffer streams them from
 * off-chip memory too. GPU-style chips (tensor cores): model/gpu.ts. Layers run one after another;
 * `criticalPathCycles` says how long the graph would take if independent layers overlapped.
 *
 * Energy: event counts (MACs in the matrix format, vector operations, bytes in on-chip memories and
 * off-chip memory, bytes over the host link) priced by model/energy.ts at the chip's process node, plus
 * static power over the time (the chip's measured idle power where published, else an estimate).
 */
import type { ChipSpec, DType } from '../arch/chip-spec.js';
import {
  accumulatorRows,
  coreCount,
  defaultMatrixFormat,
  matrixUnitsPerCore,
  peakMacsPerCycle,
  peakOpsPerS,
} from '../arch/derive.js';
import { accumulatorChunkRows } from '../arch/mapping.js';
import { isDType } from '../arch/validate.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { TpusimError } from '../core/errors.js';
import { formatBytes } from '../core/units.js';
import { inputsOf } from '../graph/layers/fuse.js';
import type { Graph } from '../graph/types.js';
import { energyTable } from './energy.js';
import { gpuClockNote, gpuContext, gpuLayerTime } from './gpu.js';
import { layerTime } from './layers.js';
import { prepareGraph } from './plan.js';
import { timingClock, type TimingClock, type TimingEngines } from './power-clock.js';
import { coreLayout, systolicContext, type CoreLayout } from './systolic.js';
import type { GraphEstimate, LayerEstimate, LayerTime } from './types.js';

export interface EstimateOptions {
  /** Matrix-unit format (default: the chip's first). */
  readonly dtype?: string;
  /**
   * Cores a TPU-style chip spreads the model over: 'all' (default) divides every layer's work evenly
   * over the cores; 1 uses one core, as the compiler does (what the conformance test compares).
   */
  readonly cores?: 'all' | 1;
  /** 'totals' skips the per-layer results (plan searches and sweeps need only the totals). */
  readonly detail?: 'layers' | 'totals';
}

/** Process node assumed for energy when a chip's is not published (reports say so). */
export const DEFAULT_NODE_NM = 7;
/**
 * Static power as a share of TDP where no idle power is published: an estimate between TPU v1's
 * measured 28 W idle of a 75 W TDP (0.37, Jouppi et al. 2017 Table 2) and GPUs' lower idle draw.
 */
export const STATIC_SHARE_OF_TDP = 0.3;

function isTensorCoreChip(chip: ChipSpec): boolean {
  return chip.cores.some((c) => c.matrixUnits.some((u) => (u.kind ?? 'systolic') === 'tensor-core'));
}

/**
 * Why nothing can be timed on `chip` (empty when it can), each message starting "not computable:".
 * A systolic chip streams rows in chunks its accumulators hold twice per matrix unit (one chunk
 * drains while the next fills: arch/mapping.ts, accumulatorChunkRows); accumulators that hold fewer
 * rows leave no chunk at all, and every time would divide by zero.
 */
export function notComputableReasons(chip: ChipSpec): string[] {
  if (isTensorCoreChip(chip) || accumulatorChunkRows(chip) >= 1) return [];
  const core = chip.cores[0]!;
  const units = matrixUnitsPerCore(core);
  const cols = Math.max(...core.matrixUnits.map((u) => u.cols));
  return [
    `not computable: cores[0].accumulators.sizeBytes = ${core.accumulators.sizeBytes} holds ` +
      `${accumulatorRows(core)} rows of ${cols} 4-byte sums, fewer than the ${2 * units} its ${units} matrix units ` +
      `need (2 each)`,
  ];
}

/** Static power (W) and whether it is an estimate. */
export function staticPowerW(chip: ChipSpec): { watts: number; estimate: boolean } {
  const t = chip.technology;
  if (t?.idleW !== undefined) return { watts: t.idleW, estimate: false };
  if (t?.tdpW !== undefined) return { watts: STATIC_SHARE_OF_TDP * t.tdpW, estimate: true };
  return { watts: 0, estimate: true };
}

/** What a chip offers the model for one format: fixed once per chip and format (cached). */
export interface ChipContext {
  readonly dtype: DType;
  readonly elementBytes: number;
  readonly gpu?: ReturnType<typeof gpuContext>;
  readonly sys: ReturnType<typeof systolicContext>;
  readonly peakMacsPerCore: number;
  readonly macPj: number;
  readonly vectorOpPj: number;
  readonly sramPjPerByte: number;
  readonly offChipPjPerByte: number;
  readonly linkPjPerByte: number;
  readonly staticW: number;
  readonly warnings: readonly string[];
}

const contexts = new WeakMap<ChipSpec, Map<string, ChipContext>>();

/** What a context takes from the chip's cores, format, process node and memory kind alone. */
interface CoreFacts {
  readonly elementBytes: number;
  readonly rate: number;
  readonly layout: CoreLayout;
  readonly peakMacsPerCore: number;
  readonly tensorCores: boolean;
  readonly macPj: number;
  readonly vectorOpPj: number;
  readonly sramPjPerByte: number;
  readonly offChipPjPerByte: number;
  readonly linkPjPerByte: number;
}

/**
 * Kept per `cores` array: a sweep's designs of one shape share it (explore/design-factory.ts) and differ
 * in the clock and memory rates, so only the ports and static power are worked out per chip.
 */
const coreFacts = new WeakMap<ChipSpec['cores'], Map<string, CoreFacts>>();

function factsOf(chip: ChipSpec, dtype: DType, formats: readonly string[]): CoreFacts {
  let byKey = coreFacts.get(chip.cores);
  if (!byKey) coreFacts.set(chip.cores, (byKey = new Map()));
  const node = chip.technology?.processNm;
  const key = `${dtype}|${node}|${chip.offChipMemory.kind}`;
  const cached = byKey.get(key);
  if (cached) return cached;
  const formatSpecs = chip.cores[0]!.matrixUnits[0]!.formats;
  const table = energyTable(node ?? DEFAULT_NODE_NM);
  const tensorCores = isTensorCoreChip(chip);
  const facts: CoreFacts = {
    elementBytes: NUMBER_FORMATS[dtype].bytes,
    rate: formatSpecs[formats.indexOf(dtype)]?.rate ?? 1,
    layout: coreLayout(chip),
    peakMacsPerCore: peakMacsPerCycle(chip, dtype) / (tensorCores ? 1 : coreCount(chip)),
    tensorCores,
    macPj: table.macPj(dtype),
    vectorOpPj: table.vectorOpPj,
    sramPjPerByte: table.sramPjPerByte(chip.cores[0]!.unifiedBuffer.sizeBytes),
    offChipPjPerByte: table.offChipPjPerByte(chip.offChipMemory.kind),
    linkPjPerByte: table.linkPjPerByte('pcie'),
  };
  if (byKey.size >= 64) byKey.clear();
  byKey.set(key, facts);
  return facts;
}

export function chipContext(chip: ChipSpec, dtype: string): ChipContext {
  let byFormat = contexts.get(chip);
  if (!byFormat) contexts.set(chip, (byFormat = new Map()));
  const cached = byFormat.get(dtype);
  if (cached) return cached;
  const formats: readonly string[] = chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input);
  if (!isDType(dtype) || !formats.includes(dtype))
    throw new TpusimError('unsupported', `${chip.name}'s matrix units multiply ${formats.join('/')}, not ${dtype}`);
  const facts = factsOf(chip, dtype, formats);
  const { elementBytes } = facts;
  const warnings: string[] = [];
  const node = chip.technology?.processNm;
  if (node === undefined)
    warnings.push(`${chip.name}'s process node is not published: energy is priced at ${DEFAULT_NODE_NM} nm (estimate)`);
  const statics = staticPowerW(chip);
  if (statics.estimate)
    warnings.push(
      statics.watts > 0
        ? `static power ${statics.watts.toFixed(0)} W is an estimate (${STATIC_SHARE_OF_TDP} x TDP)`
        : `${chip.name} publishes no idle power or TDP: static energy is left out`,
    );
  const gpu = facts.tensorCores ? gpuContext(chip, dtype, elementBytes) : undefined;
  if (gpu) warnings.push(gpuClockNote(chip));
  const context: ChipContext = {
    dtype,
    elementBytes,
    ...(gpu ? { gpu } : {}),
    sys: systolicContext(chip, elementBytes, facts.rate, facts.layout),
    peakMacsPerCore: facts.peakMacsPerCore,
    macPj: facts.macPj,
    vectorOpPj: facts.vectorOpPj,
    sramPjPerByte: facts.sramPjPerByte,
    offChipPjPerByte: facts.offChipPjPerByte,
    linkPjPerByte: facts.linkPjPerByte,
    staticW: statics.watts,
    warnings,
  };
  byFormat.set(dtype, context);
  return context;
}

/** Slack on the 100%-of-peak invariant for floating-point rounding. */
const PEAK_SLACK = 1e-9;

/**
 * The invariants every layer's time holds: finite and not negative (else a limit in the chip spec
 * overflowed the arithmetic: not computable, an input error), and at most 100% of the matrix units'
 * peak (else the model has a bug: thrown as a plain Error, which the CLI reports as internal).
 */
function checkLayer(chip: ChipSpec, name: string, macs: number, cycles: number, peakMacsPerCycle: number): void {
  if (!(cycles >= 0 && cycles < Infinity))
    throw new TpusimError(
      'not_computable',
      `not computable: layer ${name} takes ${cycles} cycles on ${chip.name} (a value in the chip spec overflows ` +
        `the arithmetic)`,
    );
  if (macs > cycles * peakMacsPerCycle * (1 + PEAK_SLACK))
    throw new Error(
      `invariant violated: layer ${name} on ${chip.name} runs ${macs} MACs in ${cycles} cycles, ` +
        `${((100 * macs) / (cycles * peakMacsPerCycle)).toFixed(3)}% of the peak of ${peakMacsPerCycle} MACs per ` +
        `cycle`,
    );
}

const timingClocks = new WeakMap<ChipSpec, TimingClock>();

/**
 * The chip as the timing model runs it: at its sourced sustained clock, else at the clock its power limit
 * holds under dense GEMMs (model/power-clock.ts), else at the published clock. Once per chip object.
 */
export function timedChip(chip: ChipSpec): TimingClock {
  let clock = timingClocks.get(chip);
  if (clock === undefined) timingClocks.set(chip, (clock = timingClock(chip, () => timingEngines(chip))));
  return clock;
}

/**
 * chipContext's timing engines for the chip's first format, not kept on the chip: a design its power limit
 * holds below the published clock is timed on a copy at the lower clock, so a whole context at the published
 * clock would go unused.
 */
function timingEngines(chip: ChipSpec): TimingEngines {
  const dtype = defaultMatrixFormat(chip);
  const formats: readonly string[] = chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input);
  // A format the units lack: chipContext throws the error estimateGraph would.
  if (!isDType(dtype) || !formats.includes(dtype)) return chipContext(chip, dtype);
  const facts = factsOf(chip, dtype, formats);
  const gpu = facts.tensorCores ? gpuContext(chip, dtype, facts.elementBytes) : undefined;
  return {
    dtype,
    elementBytes: facts.elementBytes,
    ...(gpu ? { gpu } : {}),
    sys: systolicContext(chip, facts.elementBytes, facts.rate, facts.layout),
  };
}

export function estimateGraph(graph: Graph, spec: ChipSpec, options: EstimateOptions = {}): GraphEstimate {
  const dtype = options.dtype ?? defaultMatrixFormat(spec);
  const blocked = notComputableReasons(spec);
  if (blocked.length > 0) throw new TpusimError('not_computable', blocked.join('; '));
  // `chip` is what the layers are timed on: `spec` at the clock it sustains (the same object unless modelled).
  const timing = timedChip(spec);
  const chip = timing.chip;
  const ctx = chipContext(chip, dtype);
  // Utilization is of the published peak: a systolic chip run at a modelled clock counts its cycles at that clock.
  const peakShare = chip.clockHz / spec.clockHz;
  const prepared = prepareGraph(graph);
  const gpu = ctx.gpu !== undefined;
  const cores = gpu ? coreCount(chip) : options.cores === 1 ? 1 : coreCount(chip);
  const ubBytes = chip.cores[0]!.unifiedBuffer.sizeBytes * cores;
  const dramBytesPerCycle = ctx.sys.dram.bytesPerCycle;
  const eb = ctx.elementBytes;
  const layers: LayerEstimate[] = [];
  const energy = { matrixJ: 0, vectorJ: 0, onChipJ: 0, offChipJ: 0, linkJ: 0, staticJ: 0 };
  let spilled = 0;
  let totalCycles = 0;
  let macs = 0;
  let flops = 0;
  const list = prepared.layers;
  // Times of this estimate's layers: a layer identical to an earlier one (a repeated block) takes its time.
  const times: LayerTime[] = new Array<LayerTime>(list.length);
  for (let i = 0; i < list.length; i++) {
    const layer = list[i]!;
    // The layer's time in locals (no new objects when it scales to cores or spills).
    const t = layer.twin < i ? times[layer.twin]! : ctx.gpu ? gpuLayerTime(ctx.gpu, layer) : layerTime(ctx.sys, layer);
    times[i] = t;
    let cycles = t.cycles;
    let matrixCycles = t.matrixCycles;
    let memoryCycles = t.memoryCycles;
    let vectorCycles = t.vectorCycles;
    let bound = t.bound;
    let offChipBytes = Math.max(0, t.offChipBytes);
    const onChipBytes = t.onChipBytes >= 0 ? t.onChipBytes : layer.activationElements * eb;
    if (!ctx.gpu) {
      if (cores > 1) {
        // Matrix and vector work split evenly over the cores; the shared off-chip port and fixed latencies do not.
        matrixCycles /= cores;
        vectorCycles /= cores;
        const variable = Math.max(matrixCycles, vectorCycles, memoryCycles);
        cycles = Math.max(t.latencyCycles + variable, cycles / cores);
        if (variable === memoryCycles && memoryCycles > 0) bound = 'memory';
      }
      // Activations that do not fit the unified buffers stream from off-chip memory (in and out once).
      const workingSet = layer.activationElements * eb;
      if (workingSet > ubBytes && layer.kind !== 'embedding') {
        spilled++;
        offChipBytes += workingSet;
        memoryCycles += workingSet / dramBytesPerCycle;
        if (memoryCycles + t.latencyCycles > cycles) {
          cycles = memoryCycles + t.latencyCycles;
          bound = 'memory';
        }
      }
    }
    checkLayer(chip, layer.name, layer.macs, cycles, ctx.peakMacsPerCore * (gpu ? 1 : cores));
    const matrixJ = layer.macs * ctx.macPj * 1e-12;
    const vectorJ = layer.vectorOps * ctx.vectorOpPj * 1e-12;
    const onChipJ = onChipBytes * ctx.sramPjPerByte * 1e-12;
    const offChipJ = offChipBytes * ctx.offChipPjPerByte * 1e-12;
    energy.matrixJ += matrixJ;
    energy.vectorJ += vectorJ;
    energy.onChipJ += onChipJ;
    energy.offChipJ += offChipJ;
    totalCycles += cycles;
    macs += layer.macs;
    flops += layer.flops;
    if (options.detail === 'totals') continue;
    // Built field by field (no spreads): one object shape for every layer keeps this loop fast.
    const estimate: LayerEstimate = {
      name: layer.name,
      kind: layer.kind,
      shape: layer.shape,
      cycles,
      matrixCycles,
      memoryCycles,
      vectorCycles,
      latencyCycles: t.latencyCycles,
      bound,
      macs: layer.macs,
      flops: layer.flops,
      weightBytes: layer.weightElements * eb,
      offChipBytes,
      onChipBytes,
      timeS: cycles / chip.clockHz,
      utilization: cycles > 0 ? (peakShare * layer.macs) / (cycles * ctx.peakMacsPerCore * (gpu ? 1 : cores)) : 0,
      energyJ: matrixJ + vectorJ + onChipJ + offChipJ,
      note: layer.note,
    };
    layers.push(estimate);
  }
  const warnings = spilled > 0 || timing.note !== undefined ? [...ctx.warnings] : ctx.warnings;
  if (timing.note !== undefined) (warnings as string[]).unshift(timing.note);
  if (spilled > 0)
    (warnings as string[]).push(
      `${spilled} layer${spilled > 1 ? 's' : ''} work on more activations than the unified buffer` +
        `${cores > 1 ? 's' : ''} hold: they stream them from off-chip memory`,
    );
  const totalTimeS = totalCycles / chip.clockHz;
  const ioBytes = prepared.ioElements * eb;
  energy.linkJ = ioBytes * ctx.linkPjPerByte * 1e-12;
  energy.staticJ = ctx.staticW * totalTimeS;
  const energyJ = energy.matrixJ + energy.vectorJ + energy.onChipJ + energy.offChipJ + energy.linkJ + energy.staticJ;
  const weightBytes = prepared.weightElements * eb;
  const peakBytes = prepared.peakActivationElements * eb;
  const capacity = chip.offChipMemory.capacityBytes;
  const reasons =
    weightBytes + peakBytes > capacity
      ? [
          `the weights (${formatBytes(weightBytes)}) and the largest layer's activations (` +
            `${formatBytes(peakBytes)}) need more than the ${formatBytes(capacity)} of ${chip.offChipMemory.kind} ` +
            `on ${chip.name}: split the model over several chips (tpusim train / infer)`,
        ]
      : [];
  return {
    model: graph.name,
    chip: spec.name,
    dtype: ctx.dtype,
    batch: graph.tensors[graph.inputs[0] ?? '']?.shape[0] ?? 1,
    layers,
    totalCycles,
    totalTimeS,
    ioTimeS: ioBytes / chip.hostLink.bandwidthBytesPerS,
    macs,
    flops,
    achievedOpsPerS: totalTimeS > 0 ? (2 * macs) / totalTimeS : 0,
    peakOpsPerS: peakOpsPerS(spec, ctx.dtype),
    utilization: totalCycles > 0 ? (peakShare * macs) / (totalCycles * ctx.peakMacsPerCore * (gpu ? 1 : cores)) : 0,
    energyJ,
    energy,
    averagePowerW: totalTimeS > 0 ? energyJ / totalTimeS : 0,
    cores,
    warnings,
    feasible: reasons.length === 0,
    reasons,
    weightBytes,
  };
}

/** The longest chain of dependent layers (what the model would take if independent layers overlapped). */
export function criticalPathCycles(estimate: GraphEstimate, graph: Graph): number {
  const program = prepareGraph(graph).program;
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
