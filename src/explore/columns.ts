/**
 * Columnar evaluation (issue 15's speed goal): a GEMM-only sweep evaluated into typed arrays, one column
 * per knob, objective and constraint, without a chip, a knob-value array or a row per point. Knob
 * values come from the sampler's index arithmetic; a design's shape (everything but its rates: the
 * clock, off-chip bandwidth and capacity, as explore/design-factory.ts splits them) is built once and
 * keeps a GEMM timer per workload (explore/fast-gemm.ts) that takes the rates as numbers; the metrics are
 * the ones GEMM time and the chip's peak give. Points of a shape the timer cannot take (tensor cores, a
 * format the chip lacks) go through the row path and are copied in. columns.test.ts holds the columns
 * equal to evaluateChunk's rows on random sweeps.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { defaultMatrixFormat, peakMacsPerCycle } from '../arch/derive.js';
import { TpusimError } from '../core/errors.js';
import { OPS_PER_MAC } from '../core/units.js';
import type { Gemm } from '../graph/ops/op.js';
import { designFromWritten, scaledSustainedClockHz, type PreparedSweep } from './design.js';
import { RATE_FIELDS, writtenPaths } from './design-factory.js';
import { ExploreError } from './errors.js';
import { limitReason, missingReason } from './evaluate.js';
import { gemmTimer, type GemmTimer } from './fast-gemm.js';
import { readKnobs, type KnobReader } from './column-knobs.js';
import type { MetricName, SweepSpec } from './sweep-spec.js';
import type { DesignColumns, DesignRow, ReasonCode } from './sweep-types.js';

/** A metric from the GEMM seconds of each workload, the clock and the chip's peak ops per cycle. */
type MetricOf = (seconds: Float64Array, clockHz: number, peakOpsPerCycle: number) => number;

/** Metrics the columns compute; a sweep with any other has no evaluateColumns. */
const COLUMN_METRICS: readonly MetricName[] = ['latencyS', 'throughputPerChip', 'peakOpsPerS'];
const MAX_SHAPES = 4096;

/** Throws unless [start, end) is a chunk of a sweep of `count` points. */
export function checkChunk(start: number, end: number, count: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= count)) {
    throw new ExploreError('bad_chunk', `chunk [${start}, ${end}) is not within [0, ${count}]`);
  }
}

/** As evaluate.ts metricValue over runWorkload's GEMM figures (latencyS = t, perSecondPerChip = 1 / t). */
function metricOf(spec: SweepSpec, metric: MetricName, workload: string | undefined): MetricOf {
  if (metric === 'peakOpsPerS') return (_, clockHz, peak) => peak * clockHz;
  const one = metric === 'latencyS' ? (t: number): number => t : (t: number): number => 1 / t;
  if (workload !== undefined) {
    const j = spec.workloads.findIndex((w) => w.name === workload);
    return (s) => one(s[j]!);
  }
  const weights = spec.workloads.map((w) => w.weight);
  return (s) => {
    let sum = 0;
    let total = 0;
    for (let j = 0; j < weights.length; j++) {
      sum += weights[j]! * one(s[j]!);
      total += weights[j]!;
    }
    return sum / total;
  };
}

/** The reason codes in the order evaluateChip gives reasons: constraints (max, then min), then objectives. */
function reasonCodes(spec: SweepSpec): ReasonCode[] {
  const codes: ReasonCode[] = [];
  spec.constraints.forEach((c, i) => {
    if (c.max !== undefined) codes.push({ kind: 'above-max', constraint: i });
    if (c.min !== undefined) codes.push({ kind: 'below-min', constraint: i });
  });
  spec.objectives.forEach((_, i) => codes.push({ kind: 'no-objective', objective: i }));
  return codes;
}

/** Whether the sweep can be evaluated as columns (see the file comment). */
function columnsApply(spec: SweepSpec, paths: readonly string[]): boolean {
  const metrics = [...spec.objectives, ...spec.constraints].map((m) => m.metric);
  return (
    spec.nsga2 === undefined &&
    spec.workloads.every((w) => w.kind === 'gemm') &&
    metrics.every((m) => COLUMN_METRICS.includes(m)) &&
    // A knob that sets the sustained clock makes the design factory build every design.
    !paths.includes('technology.sustainedClockHz') &&
    reasonCodes(spec).length <= 32
  );
}

interface Shape {
  readonly chip: ChipSpec;
  /** Per workload: its timer (undefined for workloads no metric times); absent: evaluate by rows. */
  readonly timers?: readonly (GemmTimer | undefined)[];
  readonly peakOpsPerCycle: number;
}

function prepareShape(spec: SweepSpec, chip: ChipSpec, timed: readonly boolean[], needsPeak: boolean): Shape {
  try {
    const timers = spec.workloads.map((w, j) =>
      timed[j] && w.kind === 'gemm' ? gemmTimer(chip, w.dtype ?? defaultMatrixFormat(chip)) : undefined,
    );
    const peakOpsPerCycle = needsPeak ? peakMacsPerCycle(chip) * OPS_PER_MAC : 0;
    return timers.every((t, j) => t !== undefined || !timed[j])
      ? { chip, timers, peakOpsPerCycle }
      : { chip, peakOpsPerCycle };
  } catch (error) {
    // The row path turns a model's refusal into reasons: let it.
    if (!(error instanceof TpusimError)) throw error;
    return { chip, peakOpsPerCycle: 0 };
  }
}

/** The metrics of the fast path, as they decide a point's columns. */
interface Plan {
  readonly prepared: PreparedSweep;
  readonly objectives: readonly MetricOf[];
  readonly constraints: readonly MetricOf[];
  /** Per workload: whether a metric needs its GEMM time. */
  readonly timed: readonly boolean[];
  readonly needsPeak: boolean;
}

function planOf(prepared: PreparedSweep): Plan {
  const { spec } = prepared;
  const all = [...spec.objectives, ...spec.constraints];
  return {
    prepared,
    objectives: spec.objectives.map((o) => metricOf(spec, o.metric, o.workload)),
    constraints: spec.constraints.map((c) => metricOf(spec, c.metric, c.workload)),
    timed: spec.workloads.map((w) =>
      all.some((m) => m.metric !== 'peakOpsPerS' && (m.workload === undefined || m.workload === w.name)),
    ),
    needsPeak: all.some((m) => m.metric === 'peakOpsPerS'),
  };
}

/** Writes entry `i` of the columns for the point `knobs` has read, of a shape with timers. */
function pointWriter(
  plan: Plan,
  rateOf: readonly number[],
): (knobs: KnobReader, shape: Shape, cols: WritableColumns, i: number) => void {
  const { prepared } = plan;
  const { spec } = prepared;
  const gemms: Gemm[] = spec.workloads.map((w) => ({
    batch: 1,
    m: w.kind === 'gemm' ? w.m : 1,
    n: w.kind === 'gemm' ? w.n : 1,
    k: w.kind === 'gemm' ? w.k : 1,
    weightsAreParameters: true,
  }));
  const writesClock = rateOf.includes(0);
  const writesBandwidth = rateOf.includes(1);
  const baseSustained = prepared.base.technology?.sustainedClockHz;
  const seconds = new Float64Array(spec.workloads.length);
  return (knobs, shape, cols, i) => {
    // The rates as design-factory.ts patches them into the shape.
    const clockHz = writesClock ? knobs.rates[0]! : shape.chip.clockHz;
    const bandwidth = writesBandwidth ? knobs.rates[1]! : shape.chip.offChipMemory.bandwidthBytesPerS;
    const sustained =
      writesClock && baseSustained !== undefined
        ? scaledSustainedClockHz(prepared, baseSustained, clockHz)
        : shape.chip.technology?.sustainedClockHz;
    for (let j = 0; j < gemms.length; j++) {
      const timer = shape.timers![j];
      if (timer !== undefined) seconds[j] = timer(gemms[j]!, clockHz, bandwidth, sustained);
    }
    let bits = 0;
    let bit = 0;
    for (let k = 0; k < plan.constraints.length; k++) {
      const c = spec.constraints[k]!;
      const v = plan.constraints[k]!(seconds, clockHz, shape.peakOpsPerCycle);
      cols.constraints[k]![i] = v;
      if (c.max !== undefined && v > c.max) bits |= 1 << bit;
      if (c.max !== undefined) bit++;
      if (c.min !== undefined && v < c.min) bits |= 1 << bit;
      if (c.min !== undefined) bit++;
    }
    for (let k = 0; k < plan.objectives.length; k++, bit++) {
      const v = plan.objectives[k]!(seconds, clockHz, shape.peakOpsPerCycle);
      if (Number.isFinite(v)) cols.objectives[k]![i] = v;
      else bits |= 1 << bit;
    }
    cols.reasonBits[i] = bits >>> 0;
    cols.feasible[i] = bits === 0 ? 1 : 0;
  };
}

/** Writes entry `i` of the columns from a row of the row path (its reasons as other reasons). */
function copyRow(spec: SweepSpec, row: DesignRow, cols: WritableColumns, i: number): void {
  spec.objectives.forEach((o, k) => (cols.objectives[k]![i] = row.objectives[o.name] ?? Number.NaN));
  spec.constraints.forEach((_, k) => (cols.constraints[k]![i] = Number.NaN));
  cols.feasible[i] = row.feasible ? 1 : 0;
  if (row.reasons.length > 0) (cols.otherReasons as Map<number, readonly string[]>).set(i, row.reasons);
}

/** evaluateColumns for a sweep, or undefined when it has other workloads or metrics (see the file comment). */
export function columnEvaluator(
  prepared: PreparedSweep,
  count: number,
  evaluateValues: (values: readonly (number | string)[], index: number) => DesignRow,
): ((start: number, end: number) => DesignColumns) | undefined {
  const { spec } = prepared;
  const paths = writtenPaths(prepared);
  if (!columnsApply(spec, paths)) return undefined;
  const rateOf = paths.map((p) => (RATE_FIELDS as readonly string[]).indexOf(p));
  const knobs = readKnobs(prepared, count, rateOf);
  if (knobs === undefined) return undefined;
  const codes = reasonCodes(spec);
  const plan = planOf(prepared);
  const writePoint = pointWriter(plan, rateOf);
  const shapes = new Map<number | string, Shape>();
  const shapeOf = (r: KnobReader): Shape => {
    const key = r.shapeKey();
    let shape = shapes.get(key);
    if (shape === undefined) {
      if (shapes.size >= MAX_SHAPES) shapes.clear();
      shapes.set(
        key,
        (shape = prepareShape(spec, designFromWritten(prepared, r.written()), plan.timed, plan.needsPeak)),
      );
    }
    return shape;
  };
  return (start, end) => {
    checkChunk(start, end, count);
    const cols = emptyColumns(spec, start, end, codes, knobs.positional);
    for (let i = 0; i < end - start; i++) {
      knobs.read(start + i);
      for (let d = 0; d < spec.knobs.length; d++) cols.knobs[d]![i] = knobs.columns[d]!;
      const shape = shapeOf(knobs);
      if (shape.timers !== undefined) writePoint(knobs, shape, cols, i);
      else copyRow(spec, evaluateValues(knobs.values(), start + i), cols, i);
    }
    return cols;
  };
}

type WritableColumns = DesignColumns & {
  readonly knobs: Float64Array[];
  readonly objectives: Float64Array[];
  readonly constraints: Float64Array[];
};

function emptyColumns(
  spec: SweepSpec,
  start: number,
  end: number,
  reasonCodes: readonly ReasonCode[],
  positional: readonly (readonly (number | string)[] | undefined)[],
): WritableColumns {
  const n = end - start;
  return {
    start,
    end,
    knobs: spec.knobs.map(() => new Float64Array(n)),
    knobValues: positional,
    objectives: spec.objectives.map(() => new Float64Array(n).fill(Number.NaN)),
    constraints: spec.constraints.map(() => new Float64Array(n)),
    feasible: new Uint8Array(n),
    reasonBits: new Uint32Array(n),
    reasonCodes,
    otherReasons: new Map(),
  };
}

/** Point start + `offset` of the columns as the DesignRow evaluateChunk gives for it. */
export function columnRow(spec: SweepSpec, columns: DesignColumns, offset: number): DesignRow {
  const knobs: Record<string, number | string> = {};
  spec.knobs.forEach((k, d) => {
    const v = columns.knobs[d]![offset]!;
    const list = columns.knobValues[d];
    knobs[k.name] = list ? list[v]! : v;
  });
  const objectives: Record<string, number> = {};
  spec.objectives.forEach((o, k) => {
    const v = columns.objectives[k]![offset]!;
    if (!Number.isNaN(v)) objectives[o.name] = v;
  });
  return {
    index: columns.start + offset,
    knobs,
    feasible: columns.feasible[offset] === 1,
    reasons: columnReasons(spec, columns, offset),
    objectives,
  };
}

/** The reasons of point start + `offset` of the columns, as evaluateChunk's row gives them. */
export function columnReasons(spec: SweepSpec, columns: DesignColumns, offset: number): readonly string[] {
  const other = columns.otherReasons.get(offset);
  if (other !== undefined) return other;
  const bits = columns.reasonBits[offset]!;
  return columns.reasonCodes.flatMap((code, b) => {
    if (((bits >>> b) & 1) === 0) return [];
    if (code.kind === 'no-objective') return [missingReason(spec.objectives[code.objective]!)];
    return [
      limitReason(
        spec.constraints[code.constraint]!,
        code.kind === 'above-max' ? 'max' : 'min',
        columns.constraints[code.constraint]![offset]!,
      ),
    ];
  });
}
