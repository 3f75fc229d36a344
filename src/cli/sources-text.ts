/**
 * How every command prints where its numbers come from (`tpusim chip show`, `cost`, `estimate`): one
 * table of figure, status and citation (core/citations.ts formatCitation), then the references cited,
 * one `[key] text` line each; and one summary of the figures that are not firm, grouped by status.
 */
import { formatCitation, formatSourceList, formatTable, sourceText, STATUS_RANK, type Citation } from '../index.js';

/** A `sources:` section: `label | status | source` per figure, then the references its citations use. */
export function sourcesSection(
  label: string,
  figures: readonly (readonly [string, Citation])[],
  references: Readonly<Record<string, string>> = builtInReferences(figures.map(([, c]) => c.source)),
): string[] {
  if (figures.length === 0) return [];
  const rows = figures.map(([name, c]) => [name, c.status, formatCitation(c)]);
  return ['', 'sources:', formatTable([label, 'status', 'source'], rows), ...formatSourceList(references)];
}

/** The built-in references of `sources`, by key in sorted order; a user's own source text needs none. */
function builtInReferences(sources: readonly string[]): Record<string, string> {
  const keys = [...new Set(sources)].sort().filter((s) => sourceText(s) !== s);
  return Object.fromEntries(keys.map((k) => [k, sourceText(k)]));
}

/**
 * The figures whose status is not firm (not published, measured or derived), grouped by status in the order first met.
 */
export function notFirmByStatus(
  figures: readonly (readonly [string, Pick<Citation, 'status'>])[],
): Map<Citation['status'], string[]> {
  const groups = new Map<Citation['status'], string[]>();
  for (const [name, c] of figures)
    if (!STATUS_RANK[c.status].firm) groups.set(c.status, [...(groups.get(c.status) ?? []), name]);
  return groups;
}
