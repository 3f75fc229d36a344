/**
 * What a sweep database holds: counts, the Pareto front of its feasible rows, a CSV export of every row
 * (streamed to a temporary file and renamed into place), the data of the Pareto scatter, and the
 * front's top designs re-checked on the cycle-level simulator (the analytical-vs-simulator gap).
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TpusimError, csvField, kneePoint, parseSweep, simulatorCheck, type SimulatorCheck } from '../../index.js';
import { StreamingFront } from './pareto.js';
import type { StoredRow, SweepMeta, SweepStore } from './store.js';

/** Points other than the front that the scatter draws at most (evenly spaced by index). */
const SCATTER_SAMPLE = 2000;

export interface FrontRow {
  readonly index: number;
  readonly knobs: Readonly<Record<string, number | string | null>>;
  readonly objectives: Readonly<Record<string, number | null>>;
}

export interface SweepReport {
  readonly meta: SweepMeta;
  readonly rows: number;
  readonly feasible: number;
  readonly chunksDone: number;
  readonly front: readonly FrontRow[];
  /** Objective values of an even sample of feasible rows, for the scatter. */
  readonly sample: ReadonlyArray<ReadonlyArray<number | null>>;
  /** The front's top designs re-checked on the cycle-level simulator (absent: the spec is not a built-in sweep). */
  readonly finalists?: readonly Finalist[];
}

/** A front design (the knee first) with its GEMMs on the simulator and in the analytical model. */
export interface Finalist extends SimulatorCheck {
  readonly index: number;
  readonly knee: boolean;
}

/** Front designs re-checked on the simulator: the knee and the next ones in index order. */
export const FINALISTS = 5;

/** The knee of the front and up to FINALISTS - 1 more front designs, each re-checked (explore/sim-check.ts). */
export function checkFinalists(meta: SweepMeta, front: readonly FrontRow[]): Finalist[] | undefined {
  const parsed = parseSweep(meta.specText, meta.fileName);
  if (!parsed.ok || front.length === 0) return undefined;
  const sweep = parsed.value;
  const directions = meta.objectiveNames.map((n) => meta.directions[n] ?? 'min');
  const knee = kneePoint(
    front.map((r) => meta.objectiveNames.map((n) => r.objectives[n] ?? Number.NaN)),
    directions,
  );
  const order = [knee, ...front.map((_, i) => i).filter((i) => i !== knee)].slice(0, FINALISTS);
  return order.map((i) => {
    const row = front[i]!;
    const knobs = Object.fromEntries(Object.entries(row.knobs).map(([k, v]) => [k, v ?? Number.NaN]));
    return { index: row.index, knee: i === knee, ...simulatorCheck(sweep, knobs) };
  });
}

export function reportSweep(store: SweepStore): SweepReport {
  const { meta } = store;
  const rows = store.rowCount();
  const stride = Math.max(1, Math.ceil(rows / SCATTER_SAMPLE));
  const front = new StreamingFront<StoredRow>(meta.objectiveNames.map((n) => meta.directions[n] ?? 'min'));
  const sample: Array<ReadonlyArray<number | null>> = [];
  let feasible = 0;
  let seen = 0;
  for (const row of store.rows()) {
    if (seen++ % stride === 0 && row.feasible) sample.push(row.objectives);
    if (!row.feasible) continue;
    feasible += 1;
    front.offer(row.objectives, row);
  }
  const frontRows = front.items().map((r) => frontRow(meta, r));
  const finalists = checkFinalists(meta, frontRows);
  return {
    meta,
    rows,
    feasible,
    chunksDone: store.doneChunks().size,
    front: frontRows,
    sample,
    ...(finalists ? { finalists } : {}),
  };
}

function frontRow(meta: SweepMeta, row: StoredRow): FrontRow {
  return {
    index: row.index,
    knobs: Object.fromEntries(meta.knobNames.map((n, i) => [n, row.knobs[i] ?? null])),
    objectives: Object.fromEntries(meta.objectiveNames.map((n, i) => [n, row.objectives[i] ?? null])),
  };
}

export function csvHeader(meta: SweepMeta): string[] {
  return ['index', ...meta.knobNames, 'feasible', 'reasons', ...meta.objectiveNames];
}

function csvLine(row: StoredRow): string {
  const cells = [
    row.index,
    ...row.knobs.map(cell),
    row.feasible ? 1 : 0,
    row.reasons.join('; '),
    ...row.objectives.map(cell),
  ];
  return `${cells.map(csvField).join(',')}\n`;
}

const cell = (value: number | string | null): string | number => (value === null ? '' : value);

/** Every row in index order as CSV, written to `path` through a temporary file (no half-written file). */
export function exportCsv(store: SweepStore, path: string): void {
  const temp = join(dirname(path), `.${process.pid}.tpusim-tmp.csv`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'w');
    writeSync(fd, `${csvHeader(store.meta).map(csvField).join(',')}\n`);
    let buffer = '';
    for (const row of store.rows()) {
      buffer += csvLine(row);
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    writeSync(fd, buffer);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new TpusimError(
      'write_failed',
      `could not write --csv '${path}': ` +
        `${code === 'ENOENT' ? 'its folder does not exist' : error instanceof Error ? error.message : String(error)}`,
    );
  }
}
