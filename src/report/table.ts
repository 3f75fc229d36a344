/**
 * Plain-text tables for the terminal: columns padded to their widest cell, numbers right-aligned.
 */
export type Cell = string | number;

export interface TableOptions {
  /** Columns aligned right (default: columns whose cells are all numbers). */
  readonly alignRight?: readonly boolean[];
}

export function formatTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly Cell[]>,
  options: TableOptions = {},
): string {
  const text = rows.map((row) => row.map((cell) => String(cell)));
  const widths = header.map((h, c) => Math.max(h.length, ...text.map((row) => (row[c] ?? '').length)));
  const right = header.map((_, c) => options.alignRight?.[c] ?? rows.every((row) => typeof row[c] === 'number'));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

/** Two-column key/value listing. */
export function formatPairs(pairs: ReadonlyArray<readonly [string, Cell]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
