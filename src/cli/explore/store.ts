/**
 * The SQLite store of a sweep (better-sqlite3, WAL, one writer). Tables:
 *   meta(key, value)          the sweep: hash, spec text, count, knob/objective names, directions, chunk size
 *   chunks(chunk, start, end) done markers
 *   rows(idx, "k:<knob>"..., feasible, reasons, "o:<objective>"...)
 * A chunk's rows and its done marker commit in one transaction, and rows insert with INSERT OR IGNORE
 * by index, so a killed run resumes without loss or duplicates and a re-delivered chunk changes nothing.
 */
import Database from 'better-sqlite3';
import { TpusimError } from '../../index.js';
import type { Direction } from '../../index.js';
import { cellOf, objectiveCell, type ChunkColumns, type ChunkRange } from './chunk-columns.js';

export const STORE_SCHEMA_VERSION = 1;

export interface SweepMeta {
  readonly hash: string;
  readonly specText: string;
  readonly fileName: string;
  readonly count: number;
  readonly chunkSize: number;
  readonly knobNames: readonly string[];
  readonly objectiveNames: readonly string[];
  readonly directions: Readonly<Record<string, Direction>>;
}

/** One stored row, as the report and the CSV export read it. */
export interface StoredRow {
  readonly index: number;
  readonly knobs: ReadonlyArray<number | string | null>;
  readonly feasible: boolean;
  readonly reasons: readonly string[];
  readonly objectives: ReadonlyArray<number | null>;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const knobColumn = (name: string): string => quote(`k:${name}`);
const objectiveColumn = (name: string): string => quote(`o:${name}`);

/** Rows per INSERT statement: one call binds many rows (the per-call cost dominates for small rows). */
const ROWS_PER_INSERT = 256;
/** SQLite's default limit on the parameters of one statement (SQLITE_MAX_VARIABLE_NUMBER). */
const MAX_PARAMETERS = 32766;

export class SweepStore {
  private readonly commitChunk: (columns: ChunkColumns, range: ChunkRange) => number;

  private constructor(
    private readonly db: Database.Database,
    readonly meta: SweepMeta,
  ) {
    const columns = [
      'idx',
      ...meta.knobNames.map(knobColumn),
      'feasible',
      'reasons',
      ...meta.objectiveNames.map(objectiveColumn),
    ];
    const batch = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(MAX_PARAMETERS / columns.length)));
    const insert = (rows: number): Database.Statement => {
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      return db.prepare(
        `INSERT OR IGNORE INTO rows (${columns.join(', ')}) VALUES ` +
          `${Array.from({ length: rows }, () => tuple).join(', ')}`,
      );
    };
    const insertBatch = insert(batch);
    const insertOne = insert(1);
    const insertChunk = db.prepare('INSERT OR IGNORE INTO chunks (chunk, start, "end") VALUES (?, ?, ?)');
    this.commitChunk = db.transaction((c: ChunkColumns, range: ChunkRange) => {
      const knobs = meta.knobNames.map((name) => c.knobs[name]);
      const objectives = meta.objectiveNames.map((name) => c.objectives[name]);
      const values: Array<number | string | null> = [];
      const push = (i: number): void => {
        values.push(c.start + i);
        for (const column of knobs) values.push(cellOf(column, i));
        values.push(c.feasible[i]!, c.reasons.labels[c.reasons.codes[i]!] as string);
        for (const column of objectives) values.push(objectiveCell(column, i));
      };
      let inserted = 0;
      let i = 0;
      for (; i + batch <= c.length; i += batch) {
        values.length = 0;
        for (let j = i; j < i + batch; j++) push(j);
        inserted += insertBatch.run(values).changes;
      }
      for (; i < c.length; i++) {
        values.length = 0;
        push(i);
        inserted += insertOne.run(values).changes;
      }
      insertChunk.run(range.chunk, range.start, range.end);
      return inserted;
    });
  }

  /** Creates a new store; the file must not hold a sweep yet. */
  static create(path: string, meta: SweepMeta): SweepStore {
    const db = openDatabase(path, false);
    db.exec(
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE chunks (chunk INTEGER ` +
        `PRIMARY KEY, start INTEGER NOT NULL, "end" INTEGER NOT NULL);
      CREATE TABLE rows (idx INTEGER ` +
        `PRIMARY KEY, ${meta.knobNames.map((n) => `${knobColumn(n)}`).join(', ')}` +
        `${meta.knobNames.length ? ', ' : ''}feasible INTEGER NOT NULL, reasons TEXT NOT NULL` +
        `${meta.objectiveNames.map((n) => `, ${objectiveColumn(n)} REAL`).join('')});`,
    );
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      put.run('schemaVersion', String(STORE_SCHEMA_VERSION));
      for (const [key, value] of Object.entries(meta))
        put.run(key, typeof value === 'string' ? value : JSON.stringify(value));
    })();
    return new SweepStore(db, meta);
  }

  /** Opens an existing store (readonly for reports). */
  static open(path: string, readonly = false): SweepStore {
    const db = openDatabase(path, readonly);
    let entries: Array<{ key: string; value: string }>;
    try {
      entries = db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
    } catch {
      db.close();
      throw new TpusimError('bad_file', `'${path}' is not a tpusim sweep database (no meta table)`);
    }
    const map = new Map(entries.map((e) => [e.key, e.value]));
    const version = Number(map.get('schemaVersion'));
    if (version !== STORE_SCHEMA_VERSION) {
      db.close();
      throw new TpusimError(
        'bad_file',
        `'${path}': sweep database schemaVersion ${map.get('schemaVersion') ?? '(none)'} is not the supported ` +
          `${STORE_SCHEMA_VERSION}`,
      );
    }
    const json = (key: string): unknown => JSON.parse(map.get(key) ?? 'null');
    const meta: SweepMeta = {
      hash: map.get('hash') ?? '',
      specText: map.get('specText') ?? '',
      fileName: map.get('fileName') ?? '',
      count: json('count') as number,
      chunkSize: json('chunkSize') as number,
      knobNames: json('knobNames') as string[],
      objectiveNames: json('objectiveNames') as string[],
      directions: json('directions') as Record<string, Direction>,
    };
    return new SweepStore(db, meta);
  }

  /** Stores a chunk's rows and marks it done, in one transaction; returns the rows newly inserted. */
  addChunk(columns: ChunkColumns, range: ChunkRange): number {
    if (columns.length !== range.end - range.start || (columns.length > 0 && columns.start !== range.start)) {
      throw new TpusimError(
        'sweep_failed',
        `chunk ${range.chunk} came back with ${columns.length} rows from ` +
          `${columns.length > 0 ? columns.start : '-'}, not points [${range.start}, ${range.end})`,
      );
    }
    return this.commitChunk(columns, range);
  }

  doneChunks(): Set<number> {
    return new Set(this.db.prepare('SELECT chunk FROM chunks').pluck().all() as number[]);
  }

  rowCount(): number {
    return this.db.prepare('SELECT count(*) FROM rows').pluck().get() as number;
  }

  feasibleCount(): number {
    return this.db.prepare('SELECT count(*) FROM rows WHERE feasible = 1').pluck().get() as number;
  }

  /** The best stored value of an objective among feasible rows. */
  best(objective: string, direction: Direction): number | undefined {
    const column = objectiveColumn(objective);
    const value = this.db
      .prepare(`SELECT ${direction === 'min' ? 'min' : 'max'}(${column}) FROM rows WHERE feasible = 1`)
      .pluck()
      .get();
    return typeof value === 'number' ? value : undefined;
  }

  /** Positions of the knobs (knobNames order) that hold text in some row. */
  textKnobs(): Set<number> {
    const { knobNames } = this.meta;
    if (knobNames.length === 0) return new Set();
    const any = this.db
      .prepare(
        `SELECT ${knobNames.map((n) => `coalesce(max(typeof(${knobColumn(n)}) = 'text'), 0)`).join(', ')} FROM rows`,
      )
      .raw()
      .get() as number[];
    return new Set(knobNames.flatMap((_, d) => (any[d] === 1 ? [d] : [])));
  }

  /** Every row in index order, streamed (memory stays flat for millions of rows). */
  *rows(): Generator<StoredRow> {
    const { knobNames, objectiveNames } = this.meta;
    const columns = [
      'idx',
      ...knobNames.map(knobColumn),
      'feasible',
      'reasons',
      ...objectiveNames.map(objectiveColumn),
    ];
    const statement = this.db.prepare(`SELECT ${columns.join(', ')} FROM rows ORDER BY idx`).raw();
    for (const raw of statement.iterate() as Iterable<unknown[]>) {
      const k = knobNames.length;
      yield {
        index: raw[0] as number,
        knobs: raw.slice(1, 1 + k) as Array<number | string | null>,
        feasible: raw[1 + k] === 1,
        reasons: JSON.parse(raw[2 + k] as string) as string[],
        objectives: raw.slice(3 + k) as Array<number | null>,
      };
    }
  }

  /** Copies every row and done marker of another store of the same sweep (idempotent). */
  mergeFrom(path: string): void {
    this.db.exec(`ATTACH DATABASE ${quoteString(path)} AS other`);
    try {
      this.db.transaction(() => {
        this.db.exec('INSERT OR IGNORE INTO rows SELECT * FROM other.rows');
        this.db.exec('INSERT OR IGNORE INTO chunks SELECT * FROM other.chunks');
      })();
    } finally {
      this.db.exec('DETACH DATABASE other');
    }
  }

  close(): void {
    this.db.close();
  }
}

const quoteString = (text: string): string => `'${text.replace(/'/g, "''")}'`;

function openDatabase(path: string, readonly: boolean): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
  } catch (error) {
    throw new TpusimError(
      'bad_file',
      `sweep database '${path}' cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    // A committed chunk must survive kill -9 of the process; NORMAL in WAL mode loses nothing on a
    // process crash (only on power loss), and is much faster than FULL.
    db.pragma('synchronous = NORMAL');
  }
  return db;
}
