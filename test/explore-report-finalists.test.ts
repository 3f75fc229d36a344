/** `tpusim explore report`: the front's top designs re-checked on the cycle-level simulator, in text and JSON. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSweep, simulatorCheck } from '../src/index.js';
import { tpusim } from './cli-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'tpusim-explore-finalists-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = `
name: fin
base: tpu-v5p
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 256] }
  mxus: { path: "cores[0].matrixUnits[0].count", int: [2, 8], step: 2 }
  clockHz: { path: clockHz, float: [1GHz, 2GHz], steps: 3 }
workloads:
  - { name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }
objectives:
  - { name: t, metric: latencyS, workload: mm, direction: min }
  - { name: area, metric: siliconAreaMm2, direction: min }
sampler: { kind: grid }
`;

describe('tpusim explore report: finalists on the simulator', () => {
  const spec = join(dir, 'fin.yaml');
  const db = join(dir, 'fin.db');
  writeFileSync(spec, SPEC);

  it('lists the knee and the next front designs with the analytical-vs-simulator gap of each GEMM', async () => {
    const run = await tpusim('explore', spec, '--db', db, '--workers', '1');
    expect(run.code, run.err).toBe(0);
    const json = await tpusim('explore', 'report', db, '--json');
    expect(json.code, json.err).toBe(0);
    const body = JSON.parse(json.out);
    const finalists = body.finalists as Array<{
      index: number;
      knee: boolean;
      gaps: Array<Record<string, number | string>>;
      notes: string[];
    }>;
    expect(finalists.length).toBe(Math.min(5, body.front.length));
    expect(finalists[0]!.knee).toBe(true);
    expect(finalists.filter((f) => f.knee).length).toBe(1);
    const sweep = compileSweep(SPEC, 'fin.yaml');
    for (const f of finalists) {
      const row = body.front.find((r: { index: number }) => r.index === f.index);
      expect(row).toBeDefined();
      expect(f.gaps).toEqual(simulatorCheck(sweep, row.knobs).gaps);
      expect(f.gaps.map((g) => g['workload'])).toEqual(['mm']);
    }
    const text = await tpusim('explore', 'report', db);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('Finalists on the cycle-level simulator');
    expect(text.out).toMatch(new RegExp(`${finalists[0]!.index} \\(knee\\)\\s+mm\\s+4096x4096x4096 bf16`));
  });
});
