/** A program run in a few lines: cycles, where each matrix unit's went, links and memories (`tpusim run`). */
import { formatBytes, formatSI, formatTable, trimNumber, type ProgramRun } from '../index.js';

/** The run of `file` (a program, or the model it was compiled from) at the chip's clock. */
export function runSummary(run: ProgramRun, clockHz: number, file: string): string {
  const lines = [
    `${file} on ${run.chip}: ${run.totalCycles.toLocaleString('en-US')} cycles = ` +
      `${trimNumber(run.seconds * 1e6, 4)} us at ${formatSI(clockHz, 'Hz')}; ` +
      `${formatSI(run.achievedOpsPerS, 'OPS')} achieved (1 MAC = 2 ops)`,
    '',
    formatTable(
      [
        'matrix unit',
        'active',
        'weight stall',
        'weight shift',
        'RAW stall',
        'input stall',
        'non-matrix',
        'useful MACs',
        'unused MACs',
      ],
      run.counters.matrixUnits
        .filter((m) => m.passes > 0)
        .map((m) => [
          m.unit,
          m.activeCycles,
          m.weightStallCycles,
          m.weightShiftCycles,
          m.rawStallCycles,
          m.inputStallCycles,
          m.nonMatrixCycles,
          m.usefulMacs,
          m.unusedMacs,
        ]),
    ),
    "(cycles; each matrix unit's columns add up to the total)",
    `vector units busy: ` +
      `${run.counters.vectorBusyCycles.map((c, i) => `core${i} ${c.toLocaleString('en-US')} cycles`).join(', ')}`,
    `links: PCIe ${formatBytes(run.counters.linkBytes.pcie)}, off-chip memory ` +
      `${formatBytes(run.counters.linkBytes.dram)}, on-chip ${formatBytes(run.counters.linkBytes.onchip)}`,
    `memories: ${Object.entries(run.counters.memoryBytes)
      .map(([m, b]) => `${m} ${formatBytes(b.read)} read / ${formatBytes(b.written)} written`)
      .join('; ')}`,
  ];
  return lines.join('\n');
}
