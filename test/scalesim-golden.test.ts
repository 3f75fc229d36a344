/**
 * SCALE-Sim compatibility against reports that SCALE-Sim itself produced (see fixtures/scalesim/README.md):
 * tpusim's `scalesim` timing must reproduce COMPUTE_REPORT.csv byte for byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatComputeReport,
  parseScaleSimConfig,
  parseScaleSimTopology,
  runScaleSim,
  SYSTOLIC_ENGINES,
  scaleSimUtilization,
  pythonFloat,
} from '../src/index.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', 'scalesim', name), 'utf8');

function unwrap<T>(result: { ok: true; value: T } | { ok: false; issues: readonly unknown[] }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe('SCALE-Sim golden COMPUTE_REPORT.csv', () => {
  // The last digits of the utilization columns depend on the Python version that ran SCALE-Sim
  // (its float sum changed in 3.12); the older goldens came from Python <= 3.11.
  it.each([
    ['alexnet-conv1-ws', 'scale-32x32-ws.cfg', 'alexnet_part.csv', 'legacy'],
    ['alexnet-os', 'scale-32x32-os.cfg', 'alexnet.csv', 'legacy'],
    ['vww-edgetpu-ws', 'edgetpu-4x4-ws.cfg', 'vww.csv', 'modern'],
  ] as const)('%s is reproduced byte for byte', (name, cfg, csv, floatSum) => {
    const config = unwrap(parseScaleSimConfig(fixture(cfg), cfg));
    const layers = unwrap(parseScaleSimTopology(fixture(csv), 'conv', csv));
    const report = formatComputeReport(runScaleSim(config, layers, { floatSum }));
    expect(report).toBe(fixture(`${name}.COMPUTE_REPORT.csv`));
  });

  // scale-sim-v2 test/general/golden_trace_user_{os,ws,is}: 32x32, GEMM M=256 N=128 K=256, USER bandwidth.
  // Their totals include memory stalls tpusim does not model; the compute part is Total - Stall.
  it.each([
    ['os', 52447 - 42272, '80.50314465408806'],
    ['ws', 52447 - 41248, '67.19160104986877'],
    ['is', 19984 - 5777, '50.59288537549407'],
  ] as const)('the compute part of the USER-mode %s golden matches', (dataflow, computeCycles, computeUtil) => {
    const shape = { m: 256, n: 128, k: 256 };
    const array = { rows: 32, cols: 32, dataflow, format: 'int8', doubleBuffered: false } as const;
    expect(SYSTOLIC_ENGINES.fold.run({ shape, array, timing: 'scalesim' }).stats.totalCycles).toBe(computeCycles);
    expect(pythonFloat(scaleSimUtilization(shape, 32, 32, dataflow, 'modern').computeUtilization * 100)).toBe(
      computeUtil,
    );
  });

  it('matches the examples in SCALE-SIM.md', () => {
    const os32 = { rows: 32, cols: 32, dataflow: 'os', format: 'int8', doubleBuffered: true } as const;
    expect(
      SYSTOLIC_ENGINES.fold.run({ shape: { m: 1, n: 1, k: 1 }, array: os32, timing: 'scalesim' }).stats.totalCycles,
    ).toBe(62);
    expect(
      SYSTOLIC_ENGINES.fold.run({ shape: { m: 64, n: 64, k: 64 }, array: os32, timing: 'scalesim' }).stats.totalCycles,
    ).toBe(503);
  });
});
