/**
 * One evaluated chunk as columns: what a worker thread or a queue worker sends back to the one writer.
 * Numbers travel in typed arrays (transferred between threads, copied as bytes over Redis: see
 * chunk-codec.ts), text as a list of labels and a code per row. A chunk is built from evaluateChunk's
 * rows or, for sweeps that offer it, from evaluateColumns' typed arrays; both give the same cells.
 */
import {
  columnReasons,
  type CompiledSweep,
  type DesignColumns,
  type DesignRow,
  type Direction,
  type SweepSpec,
} from '../../index.js';

/** A column of numbers (NaN: no value), or of labels (numbers, strings, null) by code. */
export type ChunkColumn =
  | { readonly kind: 'number'; readonly values: Float64Array }
  | { readonly kind: 'label'; readonly codes: Uint32Array; readonly labels: ReadonlyArray<number | string | null> };

export interface ChunkColumns {
  readonly chunk: number;
  /** Index of the first point; row i is point start + i. */
  readonly start: number;
  readonly length: number;
  /** By knob name. */
  readonly knobs: Readonly<Record<string, ChunkColumn>>;
  /** 1 where the point is feasible. */
  readonly feasible: Uint8Array;
  /** JSON array text per row ('[]' when feasible), as labels. */
  readonly reasons: ChunkColumn & { readonly kind: 'label' };
  /** By objective name; NaN where the row has no finite value. */
  readonly objectives: Readonly<Record<string, Float64Array>>;
}

/** A chunk's points, half-open: [start, end). */
export interface ChunkRange {
  readonly chunk: number;
  readonly start: number;
  readonly end: number;
}

export function chunkRange(chunk: number, chunkSize: number, count: number): ChunkRange {
  const start = chunk * chunkSize;
  return { chunk, start, end: Math.min(count, start + chunkSize) };
}

/** Cell i of a column as the store binds it: null for no value. */
export function cellOf(column: ChunkColumn | undefined, i: number): number | string | null {
  if (column === undefined) return null;
  if (column.kind === 'label') return column.labels[column.codes[i]!] ?? null;
  const v = column.values[i]!;
  return Number.isNaN(v) ? null : v;
}

/** Objective i as the store binds it: null unless finite. */
export const objectiveCell = (values: Float64Array | undefined, i: number): number | null => {
  const v = values?.[i];
  return v !== undefined && Number.isFinite(v) ? v : null;
};

/** Fills one column; starts as numbers and turns into labels at the first string it is given. */
class ColumnBuilder {
  private values: Float64Array | undefined;
  private readonly codes: Uint32Array;
  private readonly labels: Array<number | string | null> = [];
  private readonly codeOf = new Map<number | string | null, number>();
  private negativeZero: number | undefined;

  constructor(length: number, labels: boolean) {
    this.codes = new Uint32Array(length);
    this.values = labels ? undefined : new Float64Array(length);
  }

  set(i: number, value: number | string | null): void {
    if (this.values !== undefined) {
      if (typeof value !== 'string') {
        this.values[i] = value ?? Number.NaN;
        return;
      }
      this.toLabels(i);
    }
    this.codes[i] = this.code(typeof value === 'number' && Number.isNaN(value) ? null : value);
  }

  /** Sets rows base.. from numbers (no NaN expected, but kept as no value). */
  setNumbers(base: number, values: Float64Array): void {
    if (this.values !== undefined) this.values.set(values, base);
    else for (let i = 0; i < values.length; i++) this.set(base + i, values[i]!);
  }

  private code(value: number | string | null): number {
    // A Map holds 0 and -0 as one key; -0 is a value of its own (its own label).
    if (Object.is(value, -0)) return this.negativeZero ?? (this.negativeZero = this.labels.push(-0) - 1);
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.labels.push(value) - 1;
      this.codeOf.set(value, code);
    }
    return code;
  }

  /** Re-codes the numbers already set (rows 0..filled-1) as labels. */
  private toLabels(filled: number): void {
    const values = this.values!;
    this.values = undefined;
    for (let i = 0; i < filled; i++) this.codes[i] = this.code(Number.isNaN(values[i]!) ? null : values[i]!);
  }

  finish(): ChunkColumn {
    return this.values !== undefined
      ? { kind: 'number', values: this.values }
      : { kind: 'label', codes: this.codes, labels: this.labels };
  }
}

const NO_REASONS = '[]';

/** Builds a chunk's columns from rows or typed-array columns, in point order. */
export class ChunkBuilder {
  private readonly knobs: ColumnBuilder[];
  private readonly objectives: Float64Array[];
  private readonly feasible: Uint8Array;
  private readonly reasons: ColumnBuilder;
  private filled = 0;

  constructor(
    private readonly sweep: Pick<CompiledSweep, 'knobNames' | 'objectiveNames'>,
    private readonly range: ChunkRange,
  ) {
    const n = range.end - range.start;
    this.knobs = sweep.knobNames.map(() => new ColumnBuilder(n, false));
    this.objectives = sweep.objectiveNames.map(() => new Float64Array(n));
    this.feasible = new Uint8Array(n);
    this.reasons = new ColumnBuilder(n, true);
  }

  addRows(rows: readonly DesignRow[]): void {
    const { knobNames, objectiveNames } = this.sweep;
    for (const row of rows) {
      const i = this.filled++;
      for (let d = 0; d < knobNames.length; d++) this.knobs[d]!.set(i, row.knobs[knobNames[d]!] ?? null);
      for (let k = 0; k < objectiveNames.length; k++)
        this.objectives[k]![i] = finiteOrNaN(row.objectives[objectiveNames[k]!]);
      this.feasible[i] = row.feasible ? 1 : 0;
      this.reasons.set(i, row.reasons.length === 0 ? NO_REASONS : JSON.stringify(row.reasons));
    }
  }

  /** Columns of an explore/ sweep (evaluateColumns); the rows they stand for are columnRow's. */
  addColumns(spec: SweepSpec, columns: DesignColumns): void {
    const n = columns.end - columns.start;
    const base = this.filled;
    columns.knobs.forEach((values, d) => {
      const list = columns.knobValues[d];
      const knob = this.knobs[d]!;
      if (list === undefined) knob.setNumbers(base, values.subarray(0, n));
      else for (let i = 0; i < n; i++) knob.set(base + i, list[values[i]!]!);
    });
    columns.objectives.forEach((values, k) => {
      const out = this.objectives[k]!;
      for (let i = 0; i < n; i++) out[base + i] = finiteOrNaN(values[i]);
    });
    this.feasible.set(columns.feasible, base);
    for (let i = 0; i < n; i++) {
      const coded = columns.reasonBits[i] === 0 && !columns.otherReasons.has(i);
      this.reasons.set(base + i, coded ? NO_REASONS : reasonText(columnReasons(spec, columns, i)));
    }
    this.filled += n;
  }

  finish(): ChunkColumns {
    const { knobNames, objectiveNames } = this.sweep;
    return {
      chunk: this.range.chunk,
      start: this.range.start,
      length: this.filled,
      knobs: Object.fromEntries(knobNames.map((name, d) => [name, this.knobs[d]!.finish()])),
      feasible: this.feasible.subarray(0, this.filled),
      reasons: this.reasons.finish() as ChunkColumns['reasons'],
      objectives: Object.fromEntries(
        objectiveNames.map((name, k) => [name, this.objectives[k]!.subarray(0, this.filled)]),
      ),
    };
  }
}

const reasonText = (reasons: readonly string[]): string =>
  reasons.length === 0 ? NO_REASONS : JSON.stringify(reasons);

function finiteOrNaN(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? value : Number.NaN;
}

/** The sweep's spec when it is one of explore/'s compiled sweeps offering columns (GEMM-only workloads). */
export function columnarSpec(sweep: CompiledSweep): SweepSpec | undefined {
  const spec = (sweep as { readonly spec?: SweepSpec }).spec;
  return sweep.evaluateColumns !== undefined && spec !== undefined && Array.isArray(spec.knobs) ? spec : undefined;
}

/** Evaluates [from, to) into the builder: through evaluateColumns where the sweep has it, else rows. */
export function evaluateInto(builder: ChunkBuilder, sweep: CompiledSweep, from: number, to: number): void {
  const spec = columnarSpec(sweep);
  if (spec !== undefined) builder.addColumns(spec, sweep.evaluateColumns!(from, to));
  else builder.addRows(sweep.evaluateChunk(from, to));
}

/** A whole chunk's columns (worker threads and the inline executor). */
export function evaluateChunkColumns(sweep: CompiledSweep, range: ChunkRange): ChunkColumns {
  const builder = new ChunkBuilder(sweep, range);
  evaluateInto(builder, sweep, range.start, range.end);
  return builder.finish();
}

/** The chunk's buffers, to transfer (not copy) through postMessage. */
export function transferList(columns: ChunkColumns): ArrayBuffer[] {
  const arrays = [columns.feasible, columns.reasons.codes, ...Object.values(columns.objectives)];
  for (const c of Object.values(columns.knobs)) arrays.push(c.kind === 'number' ? c.values : c.codes);
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

/**
 * The sweep's objective directions: from explore/'s spec (`spec.objectives[i].direction`), or, for a
 * custom sweep module, its `objectiveDirections` (name -> 'min' | 'max'); otherwise minimised.
 */
export function directionsOf(sweep: CompiledSweep): Record<string, Direction> {
  const declared: Record<string, string> = {
    ...(sweep as { readonly objectiveDirections?: Readonly<Record<string, string>> }).objectiveDirections,
  };
  const spec = (
    sweep as {
      readonly spec?: { readonly objectives?: ReadonlyArray<{ readonly name: string; readonly direction: string }> };
    }
  ).spec;
  for (const o of spec?.objectives ?? []) declared[o.name] = o.direction;
  const out: Record<string, Direction> = {};
  for (const name of sweep.objectiveNames) out[name] = declared[name] === 'max' ? 'max' : 'min';
  return out;
}
