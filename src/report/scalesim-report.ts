/**
 * SCALE-Sim v2's COMPUTE_REPORT.csv: one row per layer, fields separated by ', ', every line ending in
 * a trailing comma, percentages printed the way Python prints a float.
 */
import type { ScaleSimRun } from '../explore/scalesim.js';

export const COMPUTE_REPORT_HEADER = 'LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,';

/** Python's `str(float)`: shortest round-trip digits, always with a decimal point or exponent. */
export function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const text = String(x);
  return text.includes('.') ? text : `${text}.0`;
}

export function formatComputeReport(run: ScaleSimRun): string {
  const cells = run.config.rows * run.config.cols;
  const rows = run.layers.map((layer) => {
    const overall = (layer.stats.macs * 100) / (layer.stats.totalCycles * cells);
    const fields = [
      String(layer.layerId),
      String(layer.stats.totalCycles),
      '0',
      pythonFloat(overall),
      pythonFloat(layer.scaleSim.mappingEfficiency * 100),
      pythonFloat(layer.scaleSim.computeUtilization * 100),
    ];
    return `${fields.join(', ')},`;
  });
  return `${[COMPUTE_REPORT_HEADER, ...rows].join('\n')}\n`;
}
