/**
 * `tpusim scalesim` with SCALE-Sim v3's [sparsity] section: what runs (docs/systolic-array.md), the layers
 * as v3 times them, and v3's sparse reports and JSON fields.
 */
import {
  formatBandwidthReport,
  formatDetailedAccessReport,
  formatSparseBandwidthReport,
  formatSparseDetailedAccessReport,
  layerWiseWindow,
  TpusimError,
  type ScaleSimConfig,
  type ScaleSimRun,
  type SparseLayer,
  type TopologyLayer,
} from '../../index.js';
import { UsageError } from '../args.js';

/**
 * What tpusim runs of v3's sparsity (docs/systolic-array.md): layer-wise on ws, os and is, with or without
 * v3's memory system; row-wise on ws, compute only (v3 asserts on row-wise os/is; its row-wise demand through
 * the memory system, which is where USER-mode stalls come from, is not modelled).
 */
export function checkSparseRun(
  config: ScaleSimConfig,
  configPath: string,
  timing: string,
  memoryChoice: string,
  traceDir: string | undefined,
): void {
  if (timing !== 'scalesim') throw new UsageError("[sparsity] follows SCALE-Sim v3's timing: drop --timing native");
  if (traceDir !== undefined)
    throw new UsageError(
      "--trace with [sparsity]: SCALE-Sim v3's traces under sparsity (compressed operands) are not modelled; drop it",
    );
  if (!config.sparsity?.optimizedMapping) return;
  if (config.dataflow !== 'ws')
    throw new TpusimError(
      'bad_config',
      `${configPath}: Dataflow '${config.dataflow}' with [sparsity] OptimizedMapping true: SCALE-Sim v3 packs ` +
        `row-wise sparsity on ws only (on ${config.dataflow} it asserts 'Dimension mismatch between operands'); ` +
        'use Dataflow ws, or OptimizedMapping false',
    );
  if (config.interfaceBandwidth === 'USER')
    throw new TpusimError(
      'bad_config',
      `${configPath}: InterfaceBandwidth 'USER' with [sparsity] OptimizedMapping true: the stalls come from ` +
        "SCALE-Sim v3's row-wise demand (two K tiles per fold) through its memory system, which tpusim does " +
        'not model; use InterfaceBandwidth CALC, or OptimizedMapping false',
    );
  if (memoryChoice === 'on')
    throw new UsageError(
      "--memory on with [sparsity] OptimizedMapping true: SCALE-Sim v3's row-wise demand through its memory " +
        'system is not modelled; drop it',
    );
}

/**
 * The window positions a conv-form layer keeps under layer-wise sparsity, for the memory system: v3's compressed
 * IFMAP is its im2col without the columns the N:M pattern zeroes. GEMM-form layers run as M x N x K' GEMMs (their
 * addresses differ from v3's, but no address repeats, so the memory system times them the same).
 */
export function sparseWindow(layer: TopologyLayer, sparse: SparseLayer | undefined): readonly number[] | undefined {
  if (!sparse || !layer.conv) return undefined;
  return layerWiseWindow(sparse.shape.k, layer.sparsity ?? { nonzeros: 1, block: 1 });
}

/** What a CALC-mode run without the memory system writes, and how to get the rest. */
export function calcNote(sparsity: ScaleSimConfig['sparsity']): string {
  const head = 'note: CALC bandwidth mode: the cycles need no memory system, so only ';
  if (!sparsity)
    return `${head}COMPUTE_REPORT.csv is written; --memory on adds BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv`;
  const written =
    `${head}COMPUTE_REPORT.csv (v2's columns, without v3's prefetch-inclusive total) and ` +
    'SPARSE_REPORT.csv are written';
  return sparsity.optimizedMapping
    ? `${written} (v3's memory system under row-wise sparsity is not modelled)`
    : `${written}; --memory on adds v3's total and its BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv`;
}

/** BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv, in v3's sparse form under sparsity. */
export function memoryReports(
  run: ScaleSimRun,
  sparse: readonly SparseLayer[] | undefined,
): { name: string; content: string }[] {
  if (!sparse)
    return [
      { name: 'BANDWIDTH_REPORT.csv', content: formatBandwidthReport(run) },
      { name: 'DETAILED_ACCESS_REPORT.csv', content: formatDetailedAccessReport(run) },
    ];
  const rows = sparse.map((l) => ({
    metadataWords: l.filter.storage.metadataWords,
    ...(l.ifmapSramReads === undefined ? {} : { ifmapSramReads: l.ifmapSramReads }),
  }));
  return [
    { name: 'BANDWIDTH_REPORT.csv', content: formatSparseBandwidthReport(run, rows) },
    { name: 'DETAILED_ACCESS_REPORT.csv', content: formatSparseDetailedAccessReport(run, rows) },
  ];
}

/** The layers as v3 times them under sparsity: the compressed filter's K' in place of K. */
export function compressedLayers(layers: readonly TopologyLayer[], sparse: readonly SparseLayer[]): TopologyLayer[] {
  return layers.map((l, i) => ({ ...l, k: sparse[i]!.compressedShape.k }));
}

export function sparseJson(layer: SparseLayer, totalCycles: number): object {
  const { storage, compressedK, nonzeros, columnNonzeros } = layer.filter;
  return {
    compressedK,
    nonzeros,
    ...(columnNonzeros ? { columnNonzeros } : {}),
    ...storage,
    metadataWordsPerCycle: storage.metadataWords / totalCycles,
  };
}

/** A layer timed compressed, with v3's dense M N K MACs and its own mapping efficiency. */
export function sparsePatch(
  result: ScaleSimRun['layers'][number],
  layer: SparseLayer,
  config: ScaleSimConfig,
): ScaleSimRun['layers'][number] {
  const { m, n, k } = layer.shape;
  const macs = m * n * k;
  const macUtilization = macs / (result.stats.totalCycles * config.rows * config.cols);
  return { ...result, k, stats: { ...result.stats, macs, macUtilization }, scaleSim: layer.scaleSim };
}
