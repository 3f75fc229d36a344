/** Readable summary of one GEMM on a systolic array. */
import type { ArrayConfig, GemmShape, GemmStats } from '../sim/systolic/types.js';
import { formatPairs } from './table.js';
import { trimNumber } from '../core/units.js';

const pct = (x: number): string => `${trimNumber(x * 100, 4)} %`;
const int = (x: number): string => x.toLocaleString('en-US');

export function formatGemmStats(shape: GemmShape, array: ArrayConfig, stats: GemmStats, clockHz?: number): string {
  const timingNote = stats.timing === 'scalesim' ? ' (SCALE-Sim convention)' : '';
  const pairs: Array<[string, string]> = [
    [
      'GEMM',
      `C[${shape.m} x ${shape.n}] = A[${shape.m} x ${shape.k}] x B[${shape.k} x ${shape.n}]  (${int(stats.macs)} ` +
        `MACs = ${int(2 * stats.macs)} ops; 1 MAC = 2 ops)`,
    ],
    [
      'array',
      `${array.rows} x ${array.cols} ${array.dataflow}, ${array.format}, tiles ` +
        `${array.doubleBuffered ? 'double-buffered' : 'single-buffered'}`,
    ],
    ['folds', `${stats.folds} (${stats.rowFolds} row x ${stats.colFolds} column)`],
    [
      'total cycles',
      `${int(stats.totalCycles)}${timingNote}` +
        (clockHz
          ? `  = ${trimNumber((stats.totalCycles / clockHz) * 1e6, 4)} us at ` +
            (`${trimNumber(clockHz / 1e6, 4)} ` + `MHz`)
          : ''),
    ],
    ['  streaming', int(stats.streamCycles)],
    [`  stalled (${stats.stallReason})`, int(stats.stallCycles)],
    ['  fill/drain', int(stats.fillDrainCycles)],
    [
      'weight-load cycles',
      `${int(stats.weightLoadCycles)}${stats.weightLoadCycles > 0 ? ' (loader busy; hidden unless stalled)' : ''}`,
    ],
    ['MAC utilization', pct(stats.macUtilization)],
    ['mapping efficiency', pct(stats.mappingEfficiency)],
    ['reads A / B', `${int(stats.accesses.aReads)} / ${int(stats.accesses.bReads)} elements`],
    ['accumulator writes / reads', `${int(stats.accesses.cWrites)} / ${int(stats.accesses.cReads)}`],
  ];
  return formatPairs(pairs);
}
