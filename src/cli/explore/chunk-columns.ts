/**
 * One evaluated chunk as columns: what a worker thread or a queue worker sends back to the one writer.
 * Plain JSON (arrays, null for an absent objective), so it crosses both postMessage and Redis unchanged.
 */
import type { CompiledSweep, DesignRow, Direction } from '../../index.js';

export interface ChunkColumns {
  readonly chunk: number;
  readonly index: readonly number[];
  readonly knobs: Readonly<Record<string, ReadonlyArray<number | string | null>>>;
  readonly feasible: ReadonlyArray<0 | 1>;
  /** JSON array text per row ('[]' when feasible). */
  readonly reasons: readonly string[];
  readonly objectives: Readonly<Record<string, ReadonlyArray<number | null>>>;
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

export function rowsToColumns(sweep: Pick<CompiledSweep, 'knobNames' | 'objectiveNames'>, chunk: number, rows: readonly DesignRow[]): ChunkColumns {
  const knobs: Record<string, Array<number | string | null>> = {};
  for (const name of sweep.knobNames) knobs[name] = rows.map((r) => r.knobs[name] ?? null);
  const objectives: Record<string, Array<number | null>> = {};
  for (const name of sweep.objectiveNames) objectives[name] = rows.map((r) => finiteOrNull(r.objectives[name]));
  return {
    chunk,
    index: rows.map((r) => r.index),
    knobs,
    feasible: rows.map((r) => (r.feasible ? 1 : 0)),
    reasons: rows.map((r) => JSON.stringify(r.reasons)),
    objectives,
  };
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/**
 * The sweep's objective directions: from explore/'s spec (`spec.objectives[i].direction`), or, for a
 * custom sweep module, its `objectiveDirections` (name -> 'min' | 'max'); otherwise minimised.
 */
export function directionsOf(sweep: CompiledSweep): Record<string, Direction> {
  const declared: Record<string, string> = { ...(sweep as { readonly objectiveDirections?: Readonly<Record<string, string>> }).objectiveDirections };
  const spec = (sweep as { readonly spec?: { readonly objectives?: ReadonlyArray<{ readonly name: string; readonly direction: string }> } }).spec;
  for (const o of spec?.objectives ?? []) declared[o.name] = o.direction;
  const out: Record<string, Direction> = {};
  for (const name of sweep.objectiveNames) out[name] = declared[name] === 'max' ? 'max' : 'min';
  return out;
}
