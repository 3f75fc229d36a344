/**
 * SCALE-Sim v2's COMPUTE_REPORT.csv: one row per layer, fields separated by ', ', every line ending in
 * a trailing comma, percentages printed the way Python prints a float.
 */
import type { ScaleSimRun } from '../run/scalesim.js';
import type { AccessSpan, LayerMemoryResult } from '../sim/memory/index.js';
import type { ScaleSimOperand, ScaleSimPrices } from '../model/scalesim-energy.js';
import { trimNumber } from '../core/units.js';

export const COMPUTE_REPORT_HEADER =
  'LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,';

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
    const total = layer.memory?.totalCycles ?? layer.stats.totalCycles;
    const overall = (layer.stats.macs * 100) / (total * cells);
    const fields = [
      String(layer.layerId),
      String(total),
      String(layer.memory?.stallCycles ?? 0),
      pythonFloat(overall),
      pythonFloat(layer.scaleSim.mappingEfficiency * 100),
      pythonFloat(layer.scaleSim.computeUtilization * 100),
    ];
    return `${fields.join(', ')},`;
  });
  return `${[COMPUTE_REPORT_HEADER, ...rows].join('\n')}\n`;
}

export const BANDWIDTH_REPORT_HEADER =
  'LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg ' +
  'OFMAP DRAM BW,';

export const DETAILED_ACCESS_REPORT_HEADER =
  [
    'LayerID',
    ...['SRAM IFMAP', 'SRAM Filter', 'SRAM OFMAP', 'DRAM IFMAP', 'DRAM Filter', 'DRAM OFMAP'].flatMap((p) => [
      `${p} Start Cycle`,
      `${p} Stop Cycle`,
      `${p} ${p.endsWith('OFMAP') ? 'Writes' : 'Reads'}`,
    ]),
  ].join(', ') + ',';

function memoryLayers(run: ScaleSimRun): { layerId: number; memory: LayerMemoryResult }[] {
  return run.layers.map((l) => {
    if (!l.memory) throw new Error(`layer ${l.layerId} was run without the memory model`);
    return { layerId: l.layerId, memory: l.memory };
  });
}

/**
 * BANDWIDTH_REPORT.csv: SRAM words per cycle over the layer, DRAM words per cycle over each operand's DRAM activity.
 */
export function formatBandwidthReport(run: ScaleSimRun): string {
  const rows = memoryLayers(run).map(({ layerId, memory: m }) => {
    const dram = (s: AccessSpan): string => pythonFloat(s.accesses / (s.stopCycle - s.startCycle + 1));
    const fields = [
      pythonFloat(m.sram.ifmap.accesses / m.totalCycles),
      pythonFloat(m.sram.filter.accesses / m.totalCycles),
      pythonFloat(m.sram.ofmap.accesses / m.totalCycles),
      dram(m.dram.ifmap),
      dram(m.dram.filter),
      dram(m.dram.ofmap),
    ];
    return `${layerId}, ${fields.join(', ')},`;
  });
  return `${[BANDWIDTH_REPORT_HEADER, ...rows].join('\n')}\n`;
}

/** DETAILED_ACCESS_REPORT.csv: cycles print as SCALE-Sim's numpy floats ('12.0'), counts as integers. */
export function formatDetailedAccessReport(run: ScaleSimRun): string {
  const rows = memoryLayers(run).map(({ layerId, memory: m }) => {
    const span = (s: AccessSpan): string[] => [pythonFloat(s.startCycle), pythonFloat(s.stopCycle), String(s.accesses)];
    const fields = [m.sram.ifmap, m.sram.filter, m.sram.ofmap, m.dram.ifmap, m.dram.filter, m.dram.ofmap].flatMap(span);
    return `${layerId}, ${fields.join(', ')},`;
  });
  return `${[DETAILED_ACCESS_REPORT_HEADER, ...rows].join('\n')}\n`;
}

/**
 * tpusim's own line under the scalesim table (SCALE-Sim v2 has no energy report): what the energy was priced at, and
 * from where.
 */
export function formatEnergyPrices(prices: ScaleSimPrices): string {
  const pj = (x: number): string => trimNumber(x, 4);
  const operands: readonly ScaleSimOperand[] = ['ifmap', 'filter', 'ofmap'];
  const sram = operands.map((op) => `${op} ${pj(prices.sramPjPerByte[op])}`).join(', ');
  const sources = prices.sources.map((s) => `${s.item}: ${s.source} (${s.status})`).join('; ');
  return (
    `energy priced at ${prices.nodeNm} nm with ${prices.dramKind} DRAM, ${prices.wordBytes} byte per word: ` +
    (`${prices.macFormat} MAC ${pj(prices.macPj)} pJ, SRAM ${sram} pJ/byte, DRAM ${pj(prices.dramPjPerByte)} ` +
      `pJ/byte; sources: ${sources}`)
  );
}
