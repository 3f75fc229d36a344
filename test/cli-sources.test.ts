/** `tpusim chip show`, `cost` and `estimate` print where their numbers come from one way (core/citations.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCES } from '../src/core/citations.js';
import { tpusim } from './cli-helper.js';

/** The header and first row of a `sources:` table, and the `[key] text` reference lines. */
function sourcesOf(out: string): { readonly header: string; readonly rows: string[]; readonly references: string[] } {
  const lines = out.split('\n');
  const at = lines.indexOf('sources:');
  expect(at, 'no sources: section').toBeGreaterThanOrEqual(0);
  const rest = lines.slice(at + 1);
  return {
    header: rest[0]!,
    rows: rest.slice(2).filter((l) => !l.startsWith('  [')),
    references: rest.filter((l) => l.startsWith('  [')),
  };
}

describe('printing sources', () => {
  it('chip show: field | status | source, then [key] text', async () => {
    const r = await tpusim('chip', 'show', 'tpu-v4');
    expect(r.code).toBe(0);
    const s = sourcesOf(r.out);
    expect(s.header).toMatch(/^field\s+status\s+source$/);
    expect(s.rows).toContain(s.rows.find((l) => /^clockHz\s+published\s+jouppi2023, Table 4: 1050 MHz$/.test(l)));
    expect(s.references).toContain(`  [jouppi2023] ${SOURCES.jouppi2023}`);
  });

  it('cost: the estimates it used, as chip show prints its citations', async () => {
    const r = await tpusim('cost', '--chip', 'tpu-v4');
    expect(r.code).toBe(0);
    const s = sourcesOf(r.out);
    expect(s.header).toMatch(/^figure\s+status\s+source$/);
    expect(s.rows.some((l) => /^area\.overheadShare\s+calibrated\s+areaFit \(control, clocking/.test(l))).toBe(true);
    expect(s.references).toContain(`  [areaFit] ${SOURCES.areaFit}`);
    expect(s.references).toEqual([...s.references].sort());
  });

  it("cost: a user's entry cites the user's file, with no reference line", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-sources-'));
    const book = join(dir, 'book.json');
    writeFileSync(book, JSON.stringify({ 'wafer.scribeMm': 0.08 }));
    const r = await tpusim('cost', '--chip', 'tpu-v4', '--costbook', book);
    expect(r.code).toBe(0);
    const s = sourcesOf(r.out);
    expect(s.rows.some((l) => l.startsWith('wafer.scribeMm') && l.includes(' user ') && l.endsWith(book))).toBe(true);
    expect(s.references.some((l) => l.includes(book))).toBe(false);
  });

  it("estimate: counts the chip's figures that are not published, by status, and points to chip show", async () => {
    const r = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v4');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(
        "note: (\\d+) of the (\\d+) numbers in tpu-v4's description are not published \\(\\1 " +
          'estimate\\); tpusim chip show tpu-v4 lists their sources',
      ),
    );
  });
});
