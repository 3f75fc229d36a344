/**
 * Citations, one system for every layer: one status scale, one source registry with typed keys, one way
 * to print a citation. Chips (arch/), the energy and power tables (model/), kernels (model/), the cost
 * and area books (cost/), and systems and transports (cluster/) all cite through this file.
 *
 * The registry is split by domain (core/sources/*.ts) and merged here into `SOURCES`; `SourceKey` is the
 * union of its keys, so citing a misspelt source is a compile error. A key is defined once: a source two
 * domains cite (the TPU papers, Horowitz 2014, `tpusim`) lives in one file and the other cites its key.
 */
import { CHIP_SOURCES } from './sources/chips.js';
import { COST_AREA_SOURCES } from './sources/cost.js';
import { ENERGY_POWER_SOURCES } from './sources/energy.js';
import { KERNEL_SOURCES } from './sources/kernels.js';
import { SYSTEM_TRANSPORT_SOURCES } from './sources/systems.js';

export { defineSources, type SourceRegistry } from './sources/registry.js';

/**
 * How sure a number is, surest first. The scale is the union of the three scales it replaces, each
 * old status mapped to the status of the same name:
 *
 * | status     | meaning                                                              | was in            |
 * |------------|----------------------------------------------------------------------|-------------------|
 * | published  | a vendor's or paper's figure, as its source prints it                | chip, energy, cost |
 * | derived    | arithmetic on published figures (the note shows how)                 | chip, energy, cost |
 * | measured   | a measurement of the quantity itself, ours or a third party's        | chip              |
 * | estimate   | chosen by us or a third party; the note says how                     | chip, energy, cost |
 * | calibrated | fitted to published data (the note names the fit and its rows)       | cost              |
 * | user       | given by the user (a cost book's override)                           | cost              |
 *
 * The order is the order the old scales listed them in; `STATUS_RANK` orders them by how sure they are.
 */
export const CITATION_STATUSES = ['published', 'derived', 'measured', 'estimate', 'calibrated', 'user'] as const;
export type CitationStatus = (typeof CITATION_STATUSES)[number];

/**
 * Each status's standing: `rank` orders them surest first (a number is as sure as the least sure thing it
 * rests on), and `firm` says whether it rests on published or measured figures rather than on a choice.
 */
export const STATUS_RANK: Readonly<Record<CitationStatus, { readonly rank: number; readonly firm: boolean }>> = {
  published: { rank: 0, firm: true },
  measured: { rank: 1, firm: true },
  derived: { rank: 2, firm: true },
  calibrated: { rank: 3, firm: false },
  estimate: { rank: 4, firm: false },
  user: { rank: 5, firm: false },
};

/** The least sure of several statuses. */
export function weakestStatus<S extends CitationStatus>(first: S, ...rest: readonly S[]): S {
  return rest.reduce((a, b) => (STATUS_RANK[b].rank > STATUS_RANK[a].rank ? b : a), first);
}

export function isCitationStatus(value: unknown): value is CitationStatus {
  return (CITATION_STATUSES as readonly unknown[]).includes(value);
}

/** Where one number comes from. Data read from files may name sources of its own, so `source` is a string. */
export interface Citation {
  /** Key into the citing document's `sources` (for the built-in data: into `SOURCES`). */
  readonly source: string;
  /** Table, section or page. */
  readonly where?: string;
  readonly status: CitationStatus;
  readonly note?: string;
}

/** Every built-in source, by key. */
export const SOURCES = {
  ...CHIP_SOURCES,
  ...ENERGY_POWER_SOURCES,
  ...KERNEL_SOURCES,
  ...COST_AREA_SOURCES,
  ...SYSTEM_TRANSPORT_SOURCES,
} as const;

export type SourceKey = keyof typeof SOURCES;

/** The domain registries `SOURCES` merges, for checks that no key is defined twice. */
export const SOURCE_REGISTRIES = {
  chips: CHIP_SOURCES,
  energy: ENERGY_POWER_SOURCES,
  kernels: KERNEL_SOURCES,
  cost: COST_AREA_SOURCES,
  systems: SYSTEM_TRANSPORT_SOURCES,
} as const;

export function isSourceKey(key: string): key is SourceKey {
  return Object.hasOwn(SOURCES, key);
}

/** The full reference of a built-in source; any other text (a user's own source) is its own reference. */
export function sourceText(source: string): string {
  return isSourceKey(source) ? SOURCES[source] : source;
}

/** A citation of `source` at `where` (table, section); `note` says how a derived or estimated number was chosen. */
export function cite(source: SourceKey, where: string, status: CitationStatus = 'published', note?: string): Citation {
  return note === undefined ? { source, where, status } : { source, where, status, note };
}

/** The named built-in sources with their references: a domain's own list, keys kept as literal types. */
export function pickSources<const K extends SourceKey>(
  ...keys: readonly K[]
): { readonly [P in K]: (typeof SOURCES)[P] } {
  return Object.fromEntries(keys.map((k) => [k, SOURCES[k]])) as { readonly [P in K]: (typeof SOURCES)[P] };
}

/** A reference list of the given built-in sources, by key, in the order given. */
export function sourcesFor(keys: readonly SourceKey[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, SOURCES[k]]));
}

/** The reference list of exactly the built-in sources `citations` use, by key in sorted order. */
export function citedSources(citations: Readonly<Record<string, Citation>>): Record<string, string> {
  const keys = [...new Set(Object.values(citations).map((c) => c.source))].filter(isSourceKey).sort();
  return sourcesFor(keys);
}

/** One citation on one line: `source, where (note)`; every report prints citations this way. */
export function formatCitation(c: Pick<Citation, 'source' | 'where' | 'note'>): string {
  return `${c.source}${c.where ? `, ${c.where}` : ''}${c.note ? ` (${c.note})` : ''}`;
}

/** A reference list, one `  [key] text` line per source, in the list's order. */
export function formatSourceList(sources: Readonly<Record<string, string>>): string[] {
  return Object.entries(sources).map(([key, text]) => `  [${key}] ${text}`);
}
