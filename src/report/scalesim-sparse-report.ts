/**
 * SCALE-Sim v3's reports under sparsity. SPARSE_REPORT.csv: per layer the representation, the dense
 * filter's words, the compressed filter's plus metadata, the metadata alone, and the metadata words read
 * per cycle (metadata / Total Cycles). Fields are separated by ', ', the header ends in ', ' and every row
 * in ','. ELLPACK's storage is a float in v3 (a division by 32) and prints like one.
 * With the memory system, v3's BANDWIDTH_REPORT.csv gains an "Avg FILTER Metadata SRAM BW" column and,
 * in ws layer-wise runs, its IFMAP SRAM reads are v3's float count (see sim/sparsity/sparse-layer.ts).
 */
import type { ScaleSimRun } from '../run/scalesim.js';
import type { AccessSpan } from '../sim/memory/index.js';
import type { SparseFilterStorage } from '../sim/sparsity/index.js';
import { DETAILED_ACCESS_REPORT_HEADER, pythonFloat } from './scalesim-report.js';

export const SPARSE_REPORT_HEADER =
  'LayerID, Sparsity Representation, Original Filter Storage, New Storage (Filter+Metadata), Filter Metadata ' +
  'Storage, Avg FILTER Metadata SRAM BW, ';

export const SPARSE_BANDWIDTH_REPORT_HEADER =
  'LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg FILTER Metadata SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP ' +
  'DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,';

export interface SparseReportRow {
  readonly layerId: number;
  readonly storage: SparseFilterStorage;
  readonly totalCycles: number;
}

export function formatSparseReport(rows: readonly SparseReportRow[]): string {
  const lines = rows.map(({ layerId, storage, totalCycles }) => {
    const words = (x: number): string => (storage.fractional ? pythonFloat(x) : String(x));
    const fields = [
      String(layerId),
      storage.representation,
      String(storage.originalWords),
      words(storage.newWords),
      words(storage.metadataWords),
      pythonFloat(storage.metadataWords / totalCycles),
    ];
    return `${fields.join(', ')},`;
  });
  return `${[SPARSE_REPORT_HEADER, ...lines].join('\n')}\n`;
}

/** Per layer of a sparse run: its filter metadata words, and v3's IFMAP SRAM reads where they are its own. */
export interface SparseMemoryRow {
  readonly metadataWords: number;
  readonly ifmapSramReads?: number;
}

function memoryOf(run: ScaleSimRun, i: number): NonNullable<ScaleSimRun['layers'][number]['memory']> {
  const memory = run.layers[i]?.memory;
  if (!memory) throw new Error(`layer ${i} was run without the memory model`);
  return memory;
}

/** v3's BANDWIDTH_REPORT.csv with sparsity: the metadata column after the filter's. */
export function formatSparseBandwidthReport(run: ScaleSimRun, sparse: readonly SparseMemoryRow[]): string {
  const lines = run.layers.map((layer, i) => {
    const m = memoryOf(run, i);
    const row = sparse[i]!;
    const dram = (s: AccessSpan): string => pythonFloat(s.accesses / (s.stopCycle - s.startCycle + 1));
    const fields = [
      pythonFloat((row.ifmapSramReads ?? m.sram.ifmap.accesses) / m.totalCycles),
      pythonFloat(m.sram.filter.accesses / m.totalCycles),
      pythonFloat(row.metadataWords / m.totalCycles),
      pythonFloat(m.sram.ofmap.accesses / m.totalCycles),
      dram(m.dram.ifmap),
      dram(m.dram.filter),
      dram(m.dram.ofmap),
    ];
    return `${layer.layerId}, ${fields.join(', ')},`;
  });
  return `${[SPARSE_BANDWIDTH_REPORT_HEADER, ...lines].join('\n')}\n`;
}

/** v3's DETAILED_ACCESS_REPORT.csv with sparsity: its float IFMAP SRAM reads where it scales them. */
export function formatSparseDetailedAccessReport(run: ScaleSimRun, sparse: readonly SparseMemoryRow[]): string {
  const lines = run.layers.map((layer, i) => {
    const m = memoryOf(run, i);
    const ifmapReads = sparse[i]!.ifmapSramReads;
    const span = (s: AccessSpan, reads = String(s.accesses)): string[] => [
      pythonFloat(s.startCycle),
      pythonFloat(s.stopCycle),
      reads,
    ];
    const fields = [
      ...span(m.sram.ifmap, ifmapReads === undefined ? undefined : pythonFloat(ifmapReads)),
      ...[m.sram.filter, m.sram.ofmap, m.dram.ifmap, m.dram.filter, m.dram.ofmap].flatMap((s) => span(s)),
    ];
    return `${layer.layerId}, ${fields.join(', ')},`;
  });
  return `${[DETAILED_ACCESS_REPORT_HEADER, ...lines].join('\n')}\n`;
}
