/**
 * Requests of the Explore page: a sweep spec compiled and evaluated chunk by chunk (so the page can show
 * progress), then its Pareto front, knee, tornado around the knee and the design chips of the front,
 * all with the library's explore API (the same front as `tpusim explore report --json`: feasible rows
 * with every objective, duplicates kept). The worker keeps the rows of the sweep it is running.
 */
import {
  designChip,
  kneePoint,
  knobTornado,
  parseSweep,
  paretoFront,
  type DesignRow,
  type ExploreSweep,
  type KnobTornadoBar,
} from '../../../src/web.js';

/** Points a sweep may have in the browser (the CLI runs larger ones on worker threads into SQLite). */
export const MAX_BROWSER_POINTS = 20_000;

interface Running {
  readonly text: string;
  readonly sweep: ExploreSweep;
  readonly rows: DesignRow[];
}

let running: Running | undefined;

function sweepOf(text: string): Running {
  if (running?.text === text) return running;
  const parsed = parseSweep(text, 'sweep.yaml');
  if (!parsed.ok)
    throw new Error(
      parsed.issues
        .map((i) => (i.path && !i.message.startsWith(i.path) ? `${i.path}: ${i.message}` : i.message))
        .join('\n'),
    );
  const sweep = parsed.value;
  if (sweep.count > MAX_BROWSER_POINTS)
    throw new Error(
      `the sweep has ${sweep.count.toLocaleString('en-US')} points, more than the ` +
        `${MAX_BROWSER_POINTS.toLocaleString('en-US')} the browser runs; use tpusim explore`,
    );
  running = { text, sweep, rows: [] };
  return running;
}

export interface ExploreStart {
  readonly count: number;
  readonly hash: string;
  readonly knobs: readonly string[];
  readonly objectives: ReadonlyArray<{ readonly name: string; readonly direction: 'min' | 'max' }>;
}

export interface FrontDesign {
  readonly row: DesignRow;
  /** The design's chip as JSON text, for the Chip page. */
  readonly chip: string;
}

export interface ExploreResult extends ExploreStart {
  readonly feasible: number;
  /** Every row (knobs, feasibility, reasons, objectives), for the scatter and the parallel coordinates. */
  readonly rows: readonly DesignRow[];
  /** Indices (into rows) of the Pareto front, in index order. */
  readonly front: readonly number[];
  readonly frontDesigns: readonly FrontDesign[];
  /** Index (into rows) of the knee, when the front is not empty. */
  readonly knee?: number;
  /** The first objective's tornado around the knee. */
  readonly tornado?: { readonly objective: string; readonly bars: readonly KnobTornadoBar[] };
}

function startOf(r: Running): ExploreStart {
  return {
    count: r.sweep.count,
    hash: r.sweep.hash,
    knobs: r.sweep.knobNames,
    objectives: r.sweep.spec.objectives.map((o) => ({ name: o.name, direction: o.direction })),
  };
}

export const exploreApi = {
  /** Compiles a sweep (every problem with its path) and forgets the rows of any earlier one. */
  exploreStart: (args: { text: string }): ExploreStart => {
    running = undefined;
    return startOf(sweepOf(args.text));
  },
  /** Evaluates points [start, end) of the sweep; returns how many rows the worker holds. */
  exploreChunk: (args: { text: string; start: number; end: number }): number => {
    const r = sweepOf(args.text);
    if (args.start !== r.rows.length)
      throw new Error(`chunk [${args.start}, ${args.end}) does not follow the ${r.rows.length} rows evaluated`);
    r.rows.push(...r.sweep.evaluateChunk(args.start, Math.min(args.end, r.sweep.count)));
    return r.rows.length;
  },
  /** The evaluated sweep's rows, Pareto front, knee and tornado. */
  exploreResult: (args: { text: string }): ExploreResult => {
    const r = sweepOf(args.text);
    if (r.rows.length !== r.sweep.count)
      throw new Error(`the sweep is not finished: ${r.rows.length} of ${r.sweep.count} points`);
    const names = r.sweep.objectiveNames;
    const directions = r.sweep.spec.objectives.map((o) => o.direction);
    const candidates = r.rows
      .map((_row, i) => i)
      .filter((i) => r.rows[i]!.feasible && names.every((n) => r.rows[i]!.objectives[n] !== undefined));
    const values = (i: number): number[] => names.map((n) => r.rows[i]!.objectives[n]!);
    const front = paretoFront(candidates.map(values), directions).map((j) => candidates[j]!);
    const kneeAt = front.length > 0 ? kneePoint(front.map(values), directions) : undefined;
    const knee = kneeAt === undefined ? undefined : front[kneeAt];
    const frontDesigns = front.map((i) => {
      const row = r.rows[i]!;
      return {
        row,
        chip: JSON.stringify(
          designChip(
            r.sweep.prepared,
            r.sweep.knobNames.map((n) => row.knobs[n]!),
          ),
          null,
          2,
        ),
      };
    });
    const objective = names[0];
    const tornado =
      knee !== undefined && objective !== undefined
        ? { objective, bars: knobTornado(r.sweep, r.rows[knee]!.knobs, objective) }
        : undefined;
    return {
      ...startOf(r),
      feasible: r.rows.filter((row) => row.feasible).length,
      rows: r.rows,
      front,
      frontDesigns,
      ...(knee !== undefined ? { knee } : {}),
      ...(tornado ? { tornado } : {}),
    };
  },
};
