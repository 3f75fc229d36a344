import { describe, expect, it } from 'vitest';
import { CHIP_PRESETS } from '../src/arch/presets/index.js';
import { SYSTEM_PRESETS } from '../src/cluster/systems.js';
import { TRANSPORT_PROFILES } from '../src/cluster/transports.js';
import { DEFAULT_COST_BOOK } from '../src/cost/costbook.js';
import { energyTable } from '../src/model/energy.js';
import { powerCitations } from '../src/model/power.js';
import { MAC_7NM_PJ, POWER_CONSTANTS } from '../src/model/power-constants.js';
import {
  cite,
  CITATION_STATUSES,
  citedSources,
  formatCitation,
  formatSourceList,
  isSourceKey,
  SOURCE_REGISTRIES,
  SOURCES,
  sourceText,
  STATUS_RANK,
  weakestStatus,
  type SourceKey,
} from '../src/core/citations.js';

/**
 * Where to find a source: a URL or domain, doi, arXiv id, repository path or commit, a standard's number or revision, a
 * book chapter, or a year.
 */
const LOCATOR = new RegExp(
  '\\bJESD\\d|\\bRevision \\d|\\bch\\. \\d|https?:\\/\\/|\\b[\\w-]+\\.(com|org|edu|io|ai)\\b|doi:' +
    '|arXiv:|\\b[\\w.-]+\\/[\\w./*-]+\\.\\w+\\b|\\bcommit\\b|\\b(19|20)\\d\\d\\b',
);
/** Sources that are tpusim itself: the citing note says how the number was made. */
const OWN = new Set<string>(['tpusim']);

describe('the source registry', () => {
  it('defines every key once across the domain registries', () => {
    const seen = new Map<string, string>();
    for (const [domain, registry] of Object.entries(SOURCE_REGISTRIES)) {
      for (const key of Object.keys(registry)) {
        expect(seen.get(key), `${key} is defined in ${seen.get(key)} and ${domain}`).toBeUndefined();
        seen.set(key, domain);
      }
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(SOURCES).sort());
  });

  it('gives every entry a title and a URL or other reference', () => {
    for (const [key, text] of Object.entries(SOURCES)) {
      expect(text, key).toBe(text.trim());
      // A name first (publisher, authors or repository), then what the document is.
      expect(text, `${key}: no title`).toMatch(/^[\w.'-]{2,}[^(]*\S.{20,}/);
      if (!OWN.has(key))
        expect(text, `${key}: no URL, doi, arXiv id, path, commit, standard, chapter or year`).toMatch(LOCATOR);
    }
  });

  it("defines horowitz2014 once, with the paper's full title", () => {
    expect(SOURCES.horowitz2014).toContain('"Computing\'s Energy Problem (and what we can do about it)", ISSCC 2014');
    expect(Object.values(SOURCE_REGISTRIES).filter((r) => 'horowitz2014' in r)).toHaveLength(1);
  });

  it('types its keys: a misspelt key does not compile', () => {
    // @ts-expect-error 'horowitz2041' is not a SourceKey
    const typo: SourceKey = 'horowitz2041';
    // @ts-expect-error cite() takes only registered keys
    cite('jouppi2071', 'Table 1');
    expect(isSourceKey(typo)).toBe(false);
    expect(isSourceKey('horowitz2014')).toBe(true);
  });

  it('treats a key named like an Object method as unknown', () => {
    expect(isSourceKey('constructor')).toBe(false);
    expect(sourceText('constructor')).toBe('constructor');
  });
});

describe('statuses', () => {
  /** Every citation the built-in data holds, by where it sits. */
  function statusesInUse(): [string, string][] {
    const out: [string, string][] = [];
    for (const chip of Object.values(CHIP_PRESETS))
      for (const [p, c] of Object.entries(chip.citations ?? {})) out.push([`${chip.name}.${p}`, c.status]);
    for (const [name, s] of Object.entries(SYSTEM_PRESETS))
      for (const [p, c] of Object.entries(s.citations ?? {})) out.push([`${name}.${p}`, c.status]);
    for (const [name, t] of Object.entries(TRANSPORT_PROFILES))
      for (const [p, c] of Object.entries(t.citations)) out.push([`${name}.${p}`, c.status]);
    for (const [key, e] of Object.entries(DEFAULT_COST_BOOK)) out.push([key, e.status]);
    for (const node of [3, 7, 45, 180])
      for (const c of energyTable(node).citations) out.push([`energy@${node}.${c.item}`, c.status]);
    for (const [key, c] of Object.entries({ ...MAC_7NM_PJ, ...POWER_CONSTANTS })) out.push([`power.${key}`, c.status]);
    return out;
  }

  it('has every status in use on the one scale', () => {
    const used = statusesInUse();
    expect(used.length).toBeGreaterThan(500);
    for (const [where, status] of used) expect(CITATION_STATUSES as readonly string[], where).toContain(status);
  });

  it('ranks every status, firm ones first', () => {
    expect(Object.keys(STATUS_RANK).sort()).toEqual([...CITATION_STATUSES].sort());
    const firm = CITATION_STATUSES.filter((s) => STATUS_RANK[s].firm);
    expect(firm.sort()).toEqual(['derived', 'measured', 'published']);
    for (const s of firm)
      for (const t of CITATION_STATUSES.filter((x) => !STATUS_RANK[x].firm))
        expect(STATUS_RANK[s].rank).toBeLessThan(STATUS_RANK[t].rank);
  });

  it('takes the least sure status of several', () => {
    expect(weakestStatus('published', 'derived')).toBe('derived');
    expect(weakestStatus('estimate', 'published', 'derived')).toBe('estimate');
    expect(weakestStatus('published')).toBe('published');
  });
});

describe('every citation in the built-in data', () => {
  it('names a registered source', () => {
    for (const chip of Object.values(CHIP_PRESETS))
      for (const [p, c] of Object.entries(chip.citations ?? {}))
        expect(isSourceKey(c.source), `${chip.name}.${p}: ${c.source}`).toBe(true);
    for (const [key, e] of Object.entries(DEFAULT_COST_BOOK))
      expect(isSourceKey(e.source), `${key}: ${e.source}`).toBe(true);
    for (const c of energyTable(7).citations) expect(isSourceKey(c.source), c.item).toBe(true);
  });

  it("lists in a chip preset exactly the registry's text of each source it cites", () => {
    for (const chip of Object.values(CHIP_PRESETS)) {
      for (const [key, text] of Object.entries(chip.sources ?? {}))
        expect(text, `${chip.name}: ${key}`).toBe(sourceText(key));
    }
  });

  it("gives the power model the registry's text", () => {
    const byItem = new Map(powerCitations().map((c) => [c.item, c]));
    expect(byItem.get('leakage28')?.source).toBe(SOURCES.jouppi2017);
    expect(byItem.get('leakage28')?.where).toMatch(/^Table 2/);
    expect(byItem.get('regulatorEfficiency')?.source).toBe(SOURCES.tpusim);
  });
});

describe('printing', () => {
  it('formats a citation one way: source, where (note)', () => {
    expect(formatCitation(cite('jouppi2017', 'Table 2'))).toBe('jouppi2017, Table 2');
    expect(formatCitation(cite('tpusim', '', 'estimate', 'chosen'))).toBe('tpusim (chosen)');
    expect(formatCitation({ source: 'my-book.yaml', note: 'ours' })).toBe('my-book.yaml (ours)');
  });

  it('lists references as [key] text, sorted by key when built from citations', () => {
    const refs = citedSources({
      b: cite('tpusim', ''),
      a: cite('horowitz2014', ''),
      c: { source: 'user text', status: 'user' },
    });
    expect(Object.keys(refs)).toEqual(['horowitz2014', 'tpusim']);
    expect(formatSourceList(refs)).toEqual([
      `  [horowitz2014] ${SOURCES.horowitz2014}`,
      `  [tpusim] ${SOURCES.tpusim}`,
    ]);
  });
});
