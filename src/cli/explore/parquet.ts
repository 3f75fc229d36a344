/**
 * `explore report --parquet FILE`: every row of a sweep database as Parquet (hyparquet-writer, pure
 * JavaScript, Snappy), the CSV export's columns and values with types: index INT64, numeric knobs and
 * objectives DOUBLE (null where the CSV cell is empty), knobs holding any text as STRING (numbers
 * written as the CSV writes them), feasible BOOLEAN, reasons STRING joined with '; ' as in the CSV.
 * Streamed in row groups, so memory stays flat; written to a temporary file and renamed into place.
 */
import { renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ParquetWriter, fileWriter, type SchemaElement } from 'hyparquet-writer';
import { TpusimError } from '../../index.js';
import type { StoredRow, SweepStore } from './store.js';

/** Rows per row group: a few MB of columns in memory at a time. */
export const PARQUET_ROW_GROUP = 100_000;

type Cell = number | string | bigint | boolean | null;

interface ParquetColumn {
  readonly name: string;
  readonly element: SchemaElement;
  readonly cell: (row: StoredRow) => Cell;
}

const optional = (name: string, type: 'DOUBLE' | 'BYTE_ARRAY'): SchemaElement =>
  type === 'DOUBLE'
    ? { name, type, repetition_type: 'OPTIONAL' }
    : { name, type, converted_type: 'UTF8', repetition_type: 'OPTIONAL' };

/** The columns, in the CSV export's order; `textKnobs`: knobs with a text value in some row. */
function parquetColumns(store: SweepStore, textKnobs: ReadonlySet<number>): ParquetColumn[] {
  const { knobNames, objectiveNames } = store.meta;
  return [
    {
      name: 'index',
      element: { name: 'index', type: 'INT64', repetition_type: 'REQUIRED' },
      cell: (r) => BigInt(r.index),
    },
    ...knobNames.map((name, d): ParquetColumn => {
      const text = textKnobs.has(d);
      return {
        name,
        element: optional(name, text ? 'BYTE_ARRAY' : 'DOUBLE'),
        cell: (r) => (text && r.knobs[d] !== null ? String(r.knobs[d]) : (r.knobs[d] ?? null)),
      };
    }),
    {
      name: 'feasible',
      element: { name: 'feasible', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
      cell: (r) => r.feasible,
    },
    {
      name: 'reasons',
      element: { name: 'reasons', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      cell: (r) => r.reasons.join('; '),
    },
    ...objectiveNames.map(
      (name, k): ParquetColumn => ({ name, element: optional(name, 'DOUBLE'), cell: (r) => r.objectives[k] ?? null }),
    ),
  ];
}

/** Every row of the store, in index order, as Parquet at `path` (no half-written file). */
export async function exportParquet(store: SweepStore, path: string): Promise<void> {
  const temp = join(dirname(path), `.${process.pid}.tpusim-tmp.parquet`);
  try {
    const columns = parquetColumns(store, store.textKnobs());
    const { meta } = store;
    const writer = new ParquetWriter({
      writer: fileWriter(temp),
      schema: [{ name: 'root', num_children: columns.length }, ...columns.map((c) => c.element)],
      kvMetadata: [
        {
          key: 'tpusim.sweep',
          value: JSON.stringify({
            hash: meta.hash,
            spec: meta.fileName,
            count: meta.count,
            directions: meta.directions,
          }),
        },
      ],
      createdBy: 'tpusim explore report',
    });
    let group: Cell[][] = columns.map(() => []);
    const flush = async (): Promise<void> => {
      if (group[0]!.length === 0) return;
      await writer.write({
        columnData: columns.map((c, i) => ({ name: c.name, data: group[i]! })),
        rowGroupSize: group[0]!.length,
      });
      group = columns.map(() => []);
    };
    for (const row of store.rows()) {
      columns.forEach((c, i) => group[i]!.push(c.cell(row)));
      if (group[0]!.length >= PARQUET_ROW_GROUP) await flush();
    }
    await flush();
    await writer.finish();
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new TpusimError(
      'write_failed',
      `could not write --parquet '${path}': ` +
        `${code === 'ENOENT' ? 'its folder does not exist' : error instanceof Error ? error.message : String(error)}`,
    );
  }
}
