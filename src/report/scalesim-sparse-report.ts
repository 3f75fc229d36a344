/**
 * SCALE-Sim v3's SPARSE_REPORT.csv: per layer the representation, the dense filter's words, the
 * compressed filter's plus metadata, the metadata alone, and the metadata words read per cycle
 * (metadata / Total Cycles). Fields are separated by ', ', the header ends in ', ' and every row in ','.
 * ELLPACK's storage is a float in v3 (a division by 32) and prints like one.
 */
import type { SparseFilterStorage } from '../sim/sparsity/index.js';
import { pythonFloat } from './scalesim-report.js';

export const SPARSE_REPORT_HEADER =
  'LayerID, Sparsity Representation, Original Filter Storage, New Storage (Filter+Metadata), Filter Metadata ' +
  'Storage, Avg FILTER Metadata SRAM BW, ';

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
