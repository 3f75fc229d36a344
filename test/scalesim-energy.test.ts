/**
 * `tpusim scalesim` energy: the events are SCALE-Sim v2's own access counts, priced per event (tpusim's, v2 has none).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'scalesim-memory');

interface Counts {
  readonly reads: number;
  readonly writes: number;
}
interface LayerJson {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly energy: {
    readonly macJ: number;
    readonly sramJ: number;
    readonly dramJ: number;
    readonly totalJ: number;
    readonly events: { macs: number; sram: Record<string, Counts>; dram: Record<string, Counts> };
  };
}

/** SCALE-Sim's DETAILED_ACCESS_REPORT.csv counts per layer: SRAM ifmap/filter reads, ofmap writes, DRAM the same. */
function detailedCounts(dir: string): number[][] {
  const lines = readFileSync(join(dir, 'DETAILED_ACCESS_REPORT.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const f = line.split(',').map((x) => x.trim());
    return [3, 6, 9, 12, 15, 18].map((i) => Number(f[i]));
  });
}

async function runJson(
  ...argv: string[]
): Promise<{ energy: Record<string, unknown> & { totalJ: number }; layers: LayerJson[] }> {
  const r = await tpusim('scalesim', ...argv, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
}

describe('tpusim scalesim energy', () => {
  it.each([
    'conv_small__8x8_2k_calc__ws',
    'gemm_small__32x32_4k_user4__is',
    'conv_test__12x14_eyeriss_user2__is',
    'gemm_test_mnk__16x16_1k_user8__os',
  ])('%s: the counts are SCALE-Sim v2 DETAILED_ACCESS_REPORT.csv counts, MACs are M*N*K', async (name) => {
    const dir = join(FIXTURES, name);
    const form = name.startsWith('gemm') ? 'gemm' : 'conv';
    const json = await runJson(
      '-c',
      join(dir, 'config.cfg'),
      '-t',
      join(dir, 'topology.csv'),
      '-i',
      form,
      '--memory',
      'on',
    );
    const expected = detailedCounts(dir);
    expect(json.layers).toHaveLength(expected.length);
    json.layers.forEach((layer, i) => {
      const { macs, sram, dram } = layer.energy.events;
      expect(macs).toBe(layer.m * layer.n * layer.k);
      expect([
        sram['ifmap']!.reads,
        sram['filter']!.reads,
        sram['ofmap']!.writes,
        dram['ifmap']!.reads,
        dram['filter']!.reads,
        dram['ofmap']!.writes,
      ]).toEqual(expected[i]);
      // SRAM fills are the DRAM reads; the ofmap SRAM is read once per word drained to DRAM.
      expect([sram['ifmap']!.writes, sram['filter']!.writes, sram['ofmap']!.reads]).toEqual([
        dram['ifmap']!.reads,
        dram['filter']!.reads,
        dram['ofmap']!.writes,
      ]);
      expect([dram['ifmap']!.writes, dram['filter']!.writes, dram['ofmap']!.reads]).toEqual([0, 0, 0]);
    });
    const total = json.layers.reduce((s, l) => s + l.energy.totalJ, 0);
    expect(json.energy.totalJ).toBeCloseTo(total, 15);
  });

  it('prices a tiny GEMM by hand, shows node and sources, and prints energy next to the cycles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    writeFileSync(
      join(dir, 'tiny.cfg'),
      '[architecture_presets]\nArrayHeight: 4\nArrayWidth: 4\nIfmapSramSzkB: 1\nFilterSramSzkB: ' +
        '1\nOfmapSramSzkB: 1\nDataflow: ws\n[run_presets]\nInterfaceBandwidth: CALC\n',
    );
    writeFileSync(join(dir, 'tiny.csv'), 'Layer, M, N, K,\ng, 4, 4, 4,\n');
    const args = ['-c', join(dir, 'tiny.cfg'), '-t', join(dir, 'tiny.csv'), '-i', 'gemm', '--memory', 'on'];
    const json = await runJson(...args);
    const layer = json.layers[0]!.energy;
    // 64 MACs x 0.3 pJ; SRAM: 16 words read + 16 written per operand, 96 bytes x 1.25 pJ; DRAM: 48 bytes x 162.5 pJ.
    expect(layer.events.macs).toBe(64);
    expect(layer.macJ * 1e12).toBeCloseTo(19.2, 9);
    expect(layer.sramJ * 1e12).toBeCloseTo(120, 9);
    expect(layer.dramJ * 1e12).toBeCloseTo(7800, 9);
    expect(json.energy.totalJ * 1e12).toBeCloseTo(7939.2, 9);
    expect(json.energy).toMatchObject({
      nodeNm: 45,
      dramKind: 'DDR3',
      wordBytes: 1,
      macFormat: 'int8',
      pricesPj: { dramPerByte: 162.5 },
    });
    expect((json.energy['sources'] as { item: string; source: string }[]).map((s) => `${s.item}:${s.source}`)).toEqual([
      'scale:horowitz2014',
      'mac.int8:horowitz2014',
      'sram:horowitz2014',
      'offChip.DDR3:horowitz2014',
    ]);

    const text = await tpusim('scalesim', ...args, '--node', '7', '--dram', 'hbm2');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/total cycles .*MAC uJ +SRAM uJ +DRAM uJ +energy uJ/);
    expect(text.out).toMatch(/total: \d+ cycles, [\d.e-]+ uJ \(MAC /);
    expect(text.out).toMatch(
      new RegExp(
        'energy priced at 7 nm with HBM2 DRAM, 1 byte per word: int8 MAC [\\d.]+ pJ, .* ' +
          'DRAM 31\\.2 pJ\\/byte; sources: scale: stillmaker2017 \\(derived\\)',
      ),
    );
  });

  it('CALC mode without the memory system has no energy and says what adds it', async () => {
    const dir = join(FIXTURES, 'gemm_small__32x32_64k_calc__ws');
    const base = ['-c', join(dir, 'config.cfg'), '-t', join(dir, 'topology.csv'), '-i', 'gemm'];
    const json = JSON.parse((await tpusim('scalesim', ...base, '--json')).out);
    expect(json.energy).toBeUndefined();
    expect(json.layers[0].energy).toBeUndefined();
    expect((await tpusim('scalesim', ...base)).out).toMatch(
      /energy: needs the memory system's access counts \(--memory on/,
    );
  });

  it('refuses energy options it cannot honour, naming the option, the value and the limit', async () => {
    const dir = join(FIXTURES, 'gemm_small__32x32_64k_calc__ws');
    const base = ['scalesim', '-c', join(dir, 'config.cfg'), '-t', join(dir, 'topology.csv'), '-i', 'gemm'];
    const cases: [string[], RegExp][] = [
      [['--node', '7'], /--node prices the memory system's access counts: add --memory on/],
      [
        ['--timing', 'native', '--dram', 'HBM3'],
        /--dram prices the memory system's access counts: drop --timing native/,
      ],
      [['--memory', 'on', '--node', '1000'], /--node must be a process node from 3 to 180 nm, got '1000'/],
      [['--memory', 'on', '--node', 'x'], /--node must be a process node from 3 to 180 nm, got 'x'/],
      [['--memory', 'on', '--dram', 'SRAM9'], /--dram must be one of DDR3, .*HBM3, got 'SRAM9'/],
    ];
    for (const [extra, message] of cases) {
      const r = await tpusim(...base, ...extra);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
    }
  });
});
