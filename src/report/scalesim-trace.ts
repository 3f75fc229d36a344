/**
 * SCALE-Sim v2's per-layer cycle traces (what its save_traces writes into layer<N>/): SRAM traces as
 * integers ('%i'), DRAM traces as numpy floats ('%s', '12.0'), one row per cycle, comma-separated.
 */
import type { LayerTrace } from '../sim/memory/index.js';
import { pythonFloat } from './scalesim-report.js';

export interface TraceFile {
  readonly name: string;
  readonly content: string;
}

function sramTrace(part: LayerTrace['sram']['ifmap']): string {
  const { demand, cycles } = part;
  const lines: string[] = [];
  for (let r = 0; r < demand.rows; r++) {
    const row = demand.data.subarray(r * demand.cols, (r + 1) * demand.cols);
    lines.push(`${Math.trunc(cycles[r]!)},${Array.from(row).join(',')}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

function dramTrace(rows: LayerTrace['dram']['ifmap']): string {
  return rows.map((r) => `${[r.cycle, ...Array.from(r.addresses)].map(pythonFloat).join(',')}\n`).join('');
}

/** The six trace files of one layer, named as SCALE-Sim names them. */
export function formatLayerTraces(trace: LayerTrace): TraceFile[] {
  return [
    { name: 'IFMAP_SRAM_TRACE.csv', content: sramTrace(trace.sram.ifmap) },
    { name: 'FILTER_SRAM_TRACE.csv', content: sramTrace(trace.sram.filter) },
    { name: 'OFMAP_SRAM_TRACE.csv', content: sramTrace(trace.sram.ofmap) },
    { name: 'IFMAP_DRAM_TRACE.csv', content: dramTrace(trace.dram.ifmap) },
    { name: 'FILTER_DRAM_TRACE.csv', content: dramTrace(trace.dram.filter) },
    { name: 'OFMAP_DRAM_TRACE.csv', content: dramTrace(trace.dram.ofmap) },
  ];
}
