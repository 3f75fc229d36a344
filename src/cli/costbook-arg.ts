/** `--costbook FILE`: the default cost book with the user's entries over it. */
import {
  DEFAULT_COST_BOOK,
  loadCostOverrides,
  parseStructuredText,
  TpusimError,
  formatIssues,
  type CostBook,
} from '../index.js';
import { stringOption, type ParsedArgs } from './args.js';
import { readTextFile } from './io.js';
import { notFirmByStatus, sourcesSection } from './sources-text.js';

export function resolveCostBook(values: ParsedArgs['values']): CostBook {
  const path = stringOption(values, 'costbook');
  if (path === undefined) return DEFAULT_COST_BOOK;
  const parsed = parseStructuredText(readTextFile(path, 'cost book'), path);
  if (!parsed.ok) throw new TpusimError('invalid_cost_book', formatIssues(parsed.issues), { issues: parsed.issues });
  return loadCostOverrides(parsed.value, path);
}

/** A line saying which of the book's entries used are estimates (or calibrated, or the user's). */
export function estimatesLine(book: CostBook, keys: readonly string[]): string {
  const groups = notFirmByStatus(keys.map((k) => [k, { status: book[k]?.status ?? 'estimate' }] as const));
  if (groups.size === 0) return 'every cost-book figure used is published or derived from published figures';
  return `not published: ${[...groups.entries()].map(([s, ks]) => `${ks.length} ${s} (${ks.join(', ')})`).join('; ')}`;
}

/** The `sources:` section of the entries used that are not firm, as `tpusim chip show` prints a chip's. */
export function costSources(book: CostBook, keys: readonly string[]): string[] {
  return sourcesSection(
    'figure',
    keys.flatMap((k) => (book[k] ? [[k, book[k]] as const] : [])),
  );
}
