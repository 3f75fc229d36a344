import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkBuilder, chunkRange, type ChunkColumns } from './chunk-columns.js';
import { SweepStore, type SweepMeta } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'tpusim-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const meta: SweepMeta = {
  hash: 'abc',
  specText: '{}',
  fileName: 's.json',
  count: 5,
  chunkSize: 3,
  knobNames: ['rows', 'kind "x"'],
  objectiveNames: ['speed'],
  directions: { speed: 'max' },
};

function columns(chunk: number, from: number, to: number): ChunkColumns {
  const builder = new ChunkBuilder(meta, { chunk, start: from, end: to });
  const index = Array.from({ length: to - from }, (_, i) => from + i);
  builder.addRows(
    index.map((i) => ({
      index: i,
      knobs: { rows: i * 8, 'kind "x"': `k${i}` },
      feasible: i % 2 === 1,
      reasons: i % 2 ? [] : ['too big'],
      objectives: i % 2 ? { speed: i / 3 } : {},
    })),
  );
  return builder.finish();
}

describe('SweepStore', () => {
  it('commits a chunk and its done marker together; a re-delivered chunk changes nothing', () => {
    const path = join(dir, 'a.db');
    const store = SweepStore.create(path, meta);
    expect(store.addChunk(columns(0, 0, 3), chunkRange(0, 3, 5))).toBe(3);
    expect(store.addChunk(columns(0, 0, 3), chunkRange(0, 3, 5))).toBe(0);
    // A chunk that does not hold its points is refused before anything is written.
    expect(() => store.addChunk(columns(1, 3, 4), chunkRange(1, 3, 5))).toThrow(
      'chunk 1 came back with 1 rows from 3, not points [3, 5)',
    );
    expect([...store.doneChunks()]).toEqual([0]);
    expect(store.rowCount()).toBe(3);
    store.close();
    const reopened = SweepStore.open(path, true);
    expect(reopened.meta).toEqual(meta);
    expect([...reopened.rows()]).toEqual([
      { index: 0, knobs: [0, 'k0'], feasible: false, reasons: ['too big'], objectives: [null] },
      { index: 1, knobs: [8, 'k1'], feasible: true, reasons: [], objectives: [1 / 3] },
      { index: 2, knobs: [16, 'k2'], feasible: false, reasons: ['too big'], objectives: [null] },
    ]);
    expect(reopened.best('speed', 'max')).toBe(1 / 3);
    reopened.close();
  });

  it('refuses a file that is not a sweep database', () => {
    const path = join(dir, 'other.db');
    const plain = new Database(path);
    plain.exec('CREATE TABLE t (x)');
    plain.close();
    expect(() => SweepStore.open(path, true)).toThrow(`'${path}' is not a tpusim sweep database (no meta table)`);
    expect(() => SweepStore.open(join(dir, 'missing.db'), true)).toThrow(
      /sweep database '.*missing\.db' cannot be opened/,
    );
  });
});
