/** `tpusim scalesim` with SCALE-Sim v2's memory system: the run_name folder, USER bandwidth lists, config warnings. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScaleSimConfig } from '../src/index.js';
import { tpusim } from './cli-helper.js';

const golden = join(import.meta.dirname, 'fixtures', 'scalesim-memory', 'gemm_small__32x32_4k_user4__os');
const REPORTS = ['COMPUTE_REPORT.csv', 'BANDWIDTH_REPORT.csv', 'DETAILED_ACCESS_REPORT.csv'];

describe('tpusim scalesim with the memory system', () => {
  it('-p DIR writes the three reports into DIR/<run_name>/ byte for byte as SCALE-Sim v2 does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const r = await tpusim(
      'scalesim',
      '-c',
      join(golden, 'config.cfg'),
      '-t',
      join(golden, 'topology.csv'),
      '-i',
      'gemm',
      '-p',
      dir,
    );
    expect(r.code).toBe(0);
    for (const report of REPORTS)
      expect(readFileSync(join(dir, 'gemm_small__32x32_4k_user4__os', report), 'utf8')).toBe(
        readFileSync(join(golden, report), 'utf8'),
      );
    // USER mode at 4 words/cycle stalls: 3,698 cycles for the 64^3 GEMM, 3,195 of them stalls (SCALE-Sim's figures).
    expect(r.out).toMatch(/\b3698\b.*\b3195\b/);
    expect(r.out).toMatch(/memory system \(USER, 4 words\/cycle\)/);
  });

  it('--memory off gives the compute cycles alone, with no stalls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const r = await tpusim(
      'scalesim',
      '-c',
      join(golden, 'config.cfg'),
      '-t',
      join(golden, 'topology.csv'),
      '-i',
      'gemm',
      '--memory',
      'off',
      '-o',
      dir,
    );
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'COMPUTE_REPORT.csv'), 'utf8').split('\n')[1]).toMatch(/^0, 503, 0, /);
    expect(r.out).toMatch(/compute only/);
  });

  it('parses a bandwidth per operand and names a bad one', () => {
    const base =
      '[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nDataflow: ws\n[run_presets]\nInterfaceBandwidth: USER\n';
    const ok = parseScaleSimConfig(`${base}Bandwidth : 10,10,10\n`, 'a.cfg');
    expect(ok.ok && ok.value.bandwidthsWordsPerCycle).toEqual([10, 10, 10]);
    const bad = parseScaleSimConfig(`${base}Bandwidth : 10,x\n`, 'b.cfg');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]!.message).toMatch(/bandwidth must be integers .* got '10,x'/);
    const none = parseScaleSimConfig(base, 'c.cfg');
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.issues[0]!.message).toMatch(/USER needs Bandwidth/);
  });

  it('warns about v3 sections and unknown keys, naming them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const cfg = join(dir, 'v3.cfg');
    writeFileSync(
      cfg,
      `${readFileSync(join(golden, 'config.cfg'), 'utf8')}Frobnicate: 3\n[sparsity]\nSparsitySupport : ` +
        `false\nSparseWidget : 2\n[frobnicator]\nWidgets: 2\n`,
    );
    const r = await tpusim('scalesim', '-c', cfg, '-t', join(golden, 'topology.csv'), '-i', 'gemm');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: .*v3\.cfg:\d+: key 'Frobnicate' is not modelled/);
    expect(r.err).toMatch(/warning: .*key 'SparseWidget' in \[sparsity\] is not a SCALE-Sim v3 sparsity key/);
    expect(r.err).toMatch(/warning: .*section \[frobnicator\] is not modelled/);
  });
});
