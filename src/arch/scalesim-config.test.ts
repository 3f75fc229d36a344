import { describe, expect, it } from 'vitest';
import { parseScaleSimConfig } from './scalesim-config.js';

describe('SCALE-Sim configs', () => {
  it('reads keys written with : or = and any spacing', () => {
    const r = parseScaleSimConfig('[general]\nrun_name = demo\n[architecture_presets]\nArrayHeight:    8\nArrayWidth = 16\nDataflow : OS\n[run_presets]\nInterfaceBandwidth: CALC\n');
    expect(r).toEqual({
      ok: true,
      value: { runName: 'demo', rows: 8, cols: 16, dataflow: 'os', ifmapSramKb: 0, filterSramKb: 0, ofmapSramKb: 0, bandwidthWordsPerCycle: 0, bandwidthsWordsPerCycle: [], interfaceBandwidth: 'CALC', offsets: { ifmap: 0, filter: 10000000, ofmap: 20000000 }, warnings: [] },
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
});
