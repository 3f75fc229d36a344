/**
 * SCALE-Sim v2's memory system against its own reports (fixtures/scalesim-memory, made by
 * scripts/scalesim-golden-memory.mjs): all three reports byte for byte on every run of the matrix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatBandwidthReport,
  formatComputeReport,
  formatDetailedAccessReport,
  parseScaleSimConfig,
  parseScaleSimTopology,
  runScaleSim,
  type PythonFloatSum,
} from '../src/index.js';

const dir = join(import.meta.dirname, 'fixtures', 'scalesim-memory');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
  python: string;
  runs: { name: string; form: 'conv' | 'gemm' }[];
};
// Python <= 3.11 adds floats left to right in `sum`; 3.12 compensates (see scalesim-metrics.ts).
const minor = Number(/Python 3\.(\d+)/.exec(manifest.python)?.[1] ?? '12');
const floatSum: PythonFloatSum = minor >= 12 ? 'modern' : 'legacy';

function unwrap<T>(result: { ok: true; value: T } | { ok: false; issues: readonly unknown[] }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe('SCALE-Sim v2 memory golden matrix', () => {
  it('has at least 40 runs over all three dataflows and both bandwidth modes', () => {
    expect(manifest.runs.length).toBeGreaterThanOrEqual(40);
    for (const df of ['__os', '__ws', '__is', '_calc', '_user'])
      expect(manifest.runs.some((r) => r.name.includes(df))).toBe(true);
  });

  it.each(manifest.runs.map((r) => [r.name, r.form] as const))(
    '%s: the three reports are byte-identical',
    (name, form) => {
      const read = (file: string): string => readFileSync(join(dir, name, file), 'utf8');
      expect(existsSync(join(dir, name, 'COMPUTE_REPORT.csv'))).toBe(true);
      const config = unwrap(parseScaleSimConfig(read('config.cfg'), 'config.cfg'));
      const layers = unwrap(parseScaleSimTopology(read('topology.csv'), form, 'topology.csv'));
      const run = runScaleSim(config, layers, { memory: true, floatSum });
      expect(formatComputeReport(run)).toBe(read('COMPUTE_REPORT.csv'));
      expect(formatBandwidthReport(run)).toBe(read('BANDWIDTH_REPORT.csv'));
      expect(formatDetailedAccessReport(run)).toBe(read('DETAILED_ACCESS_REPORT.csv'));
    },
  );
});
