/** `--costbook FILE`: the default cost book with the user's entries over it. */
import { DEFAULT_COST_BOOK, loadCostOverrides, parseStructuredText, TpusimError, formatIssues, type CostBook } from '../index.js';
import { stringOption, type ParsedArgs } from './args.js';
import { readTextFile } from './io.js';

export function resolveCostBook(values: ParsedArgs['values']): CostBook {
  const path = stringOption(values, 'costbook');
  if (path === undefined) return DEFAULT_COST_BOOK;
  const parsed = parseStructuredText(readTextFile(path, 'cost book'), path);
  if (!parsed.ok) throw new TpusimError('invalid_cost_book', formatIssues(parsed.issues), { issues: parsed.issues });
  return loadCostOverrides(parsed.value, path);
}

/** A line saying which of the book's entries used are estimates (or calibrated, or the user's). */
export function estimatesLine(book: CostBook, keys: readonly string[]): string {
  if (keys.length === 0) return 'every cost-book figure used is published or derived from published figures';
  const byStatus = new Map<string, string[]>();
  for (const k of keys) {
    const s = book[k]?.status ?? 'estimate';
    byStatus.set(s, [...(byStatus.get(s) ?? []), k]);
  }
  return `not published: ${[...byStatus.entries()].map(([s, ks]) => `${ks.length} ${s} (${ks.join(', ')})`).join('; ')}`;
}
