/**
 * `--trace` against SCALE-Sim v2's own per-cycle traces (fixtures/scalesim-memory/traces, made by
 * scripts/scalesim-golden-memory.mjs): byte for byte, except CALC mode's IFMAP/FILTER DRAM traces, whose
 * rows SCALE-Sim fills in Python set order; for those the cycles and the addresses fetched must match.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const dir = join(import.meta.dirname, 'fixtures', 'scalesim-memory', 'traces');
const cases = readdirSync(dir).sort();
const FILES = ['IFMAP_SRAM', 'FILTER_SRAM', 'OFMAP_SRAM', 'IFMAP_DRAM', 'FILTER_DRAM', 'OFMAP_DRAM'].map(
  (f) => `${f}_TRACE.csv`,
);

/** Each row's cycle, and the multiset of addresses fetched (ignoring padding). */
function cyclesAndAddresses(text: string): { cycles: string[]; addresses: string[] } {
  const rows = text
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  return {
    cycles: rows.map((r) => r[0]!),
    addresses: rows
      .flatMap((r) => r.slice(1))
      .filter((a) => a !== '-1.0' && a !== '1.0')
      .sort(),
  };
}

describe('SCALE-Sim v2 cycle traces', () => {
  it('covers USER and CALC over all three dataflows', () => expect(cases.length).toBe(6));

  it.each(cases)('%s', async (name) => {
    const out = mkdtempSync(join(tmpdir(), 'tpusim-trace-'));
    const r = await tpusim(
      'scalesim',
      '-c',
      join(dir, name, 'config.cfg'),
      '-t',
      join(dir, name, 'topology.csv'),
      '-i',
      'gemm',
      '--trace',
      out,
    );
    expect(r.code).toBe(0);
    for (const file of FILES) {
      const mine = readFileSync(join(out, 'layer0', file), 'utf8');
      const theirs = readFileSync(join(dir, name, 'layer0', file), 'utf8');
      if (name.includes('calc') && (file.startsWith('IFMAP_DRAM') || file.startsWith('FILTER_DRAM'))) {
        expect(cyclesAndAddresses(mine)).toEqual(cyclesAndAddresses(theirs));
      } else {
        expect(mine, file).toBe(theirs);
      }
    }
  });
});
