import { describe, expect, it } from 'vitest';
import { parseScaleSimConfig } from './scalesim-config.js';

describe('SCALE-Sim configs', () => {
  it('reads keys written with : or = and any spacing', () => {
    const r = parseScaleSimConfig(
      '[general]\nrun_name = demo\n[architecture_presets]\nArrayHeight:    8\nArrayWidth = 16\nDataflow : ' +
        'OS\n[run_presets]\nInterfaceBandwidth: CALC\n',
    );
    expect(r).toEqual({
      ok: true,
      value: {
        runName: 'demo',
        rows: 8,
        cols: 16,
        dataflow: 'os',
        ifmapSramKb: 0,
        filterSramKb: 0,
        ofmapSramKb: 0,
        bandwidthWordsPerCycle: 0,
        bandwidthsWordsPerCycle: [],
        interfaceBandwidth: 'CALC',
        offsets: { ifmap: 0, filter: 10000000, ofmap: 20000000 },
        warnings: [],
      },
    });
  });

  it('reports missing keys and bad values with their lines', () => {
    const r = parseScaleSimConfig('ArrayHeight: 0\nDataflow: rs\nInterfaceBandwidth: FAST\nnonsense line\n', 'x.cfg');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "x.cfg:4: expected 'key: value' or 'key = value', got 'nonsense line'",
      "x.cfg: missing key 'arraywidth'",
      "x.cfg:1: arrayheight must be an integer from 1 to 4096, got '0'",
      "x.cfg:2: Dataflow must be one of ws, os, is, got 'rs'",
      "x.cfg:3: InterfaceBandwidth must be CALC or USER, got 'FAST'",
    ]);
  });

  const layoutCfg = (layout: string, mode = 'USER'): string =>
    `[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nDataflow: ws\nBandwidth: ` +
    `16\n[run_presets]\nInterfaceBandwidth: ${mode}\n[layout]\n${layout}`;
  const fullLayout =
    'IfmapCustomLayout : True\nIfmapSRAMBankBandwidth : 16\nIfmapSRAMBankNum : 4\nIfmapSRAMBankPort : ' +
    '1\nFilterCustomLayout : False\nFilterSRAMBankBandwidth : 8\nFilterSRAMBankNum : 2\nFilterSRAMBankPort : 2\n';

  it("reads SCALE-Sim v3's [layout] section per operand", () => {
    const r = parseScaleSimConfig(layoutCfg(fullLayout));
    expect(r.ok && r.value.layout).toEqual({
      ifmap: { customLayout: true, bandwidthWordsPerCycle: 16, banks: 4, ports: 1 },
      filter: { customLayout: false, bandwidthWordsPerCycle: 8, banks: 2, ports: 2 },
    });
    expect(r.ok && r.value.warnings).toEqual([]);
  });

  it('refuses a missing [layout] key and banks that do not split the bandwidth', () => {
    const r = parseScaleSimConfig(
      layoutCfg(
        fullLayout.replace('IfmapSRAMBankPort : 1\n', '').replace('FilterSRAMBankNum : 2', 'FilterSRAMBankNum : 3'),
      ),
      'l.cfg',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'l.cfg: [layout] needs IfmapSRAMBankPort',
      'l.cfg:14: filtersrambanknum 3 must divide filtersrambankbandwidth 8: each bank serves an equal share of a line',
    ]);
  });

  it('warns that custom layouts do nothing in CALC mode, and about unknown [layout] keys', () => {
    const r = parseScaleSimConfig(layoutCfg(`${fullLayout}IfmapBankColor : red\n`, 'CALC'), 'c.cfg');
    expect(r.ok && r.value.warnings).toEqual([
      "c.cfg:17: key 'IfmapBankColor' in [layout] is not a SCALE-Sim v3 layout key; ignored",
      'c.cfg: [layout] custom layouts have no effect with InterfaceBandwidth CALC (SCALE-Sim v3 models SRAM ' +
        'banks in USER mode only)',
    ]);
  });
});
