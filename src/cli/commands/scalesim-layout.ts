/**
 * `tpusim scalesim` with SCALE-Sim v3's [layout] section: which runs it applies to, the layout CSV
 * (-l), the refusals, and v3's COMPUTE_REPORT.csv (with its prefetch-inclusive total).
 */
import {
  filterLayoutOrder,
  formatComputeReport,
  formatIssues,
  ifmapLayoutOrder,
  layerConv,
  layerStreams,
  parseLayoutCsv,
  simulateLayoutMemory,
  TpusimError,
  type LayerLayout,
  type LayoutMemoryResult,
  type ScaleSimConfig,
  type ScaleSimLayout,
  type ScaleSimRun,
  type TopologyLayer,
} from '../../index.js';
import { UsageError } from '../args.js';
import { readTextFile, type Io } from '../io.js';

/** What the run needs from [layout]: the bank model, and the layout row v3 applies (its first). */
export interface LayoutPlan {
  readonly banks: ScaleSimLayout;
  readonly row: LayerLayout | undefined;
}

export interface LayoutRunChoices {
  readonly layoutPath: string | undefined;
  readonly memory: boolean;
  readonly timing: string;
  readonly memoryChoice: string;
  readonly traceDir: string | undefined;
}

/**
 * The layout model runs where v3 runs it: a [layout] section in USER bandwidth mode, with the memory
 * system on. Custom layouts need -l; what tpusim does not model with them is refused.
 */
export function layoutPlan(
  config: ScaleSimConfig,
  configPath: string,
  layers: readonly TopologyLayer[],
  choices: LayoutRunChoices,
  io: Io,
): LayoutPlan | undefined {
  const banks = config.layout;
  const custom = banks !== undefined && (banks.ifmap.customLayout || banks.filter.customLayout);
  if (!banks || config.interfaceBandwidth !== 'USER' || !custom) {
    if (choices.layoutPath !== undefined)
      io.err(
        `warning: -l ${choices.layoutPath} is ignored: ${configPath} ` +
          `${banks ? 'sets no custom layout in USER mode' : 'has no [layout] section'}`,
      );
    return banks && config.interfaceBandwidth === 'USER' && choices.memory && !sameBandwidths(config, banks)
      ? { banks, row: undefined }
      : undefined;
  }
  if (config.sparsity)
    throw new TpusimError(
      'bad_config',
      `${configPath}: [layout] custom layouts with [sparsity] SparsitySupport true: SCALE-Sim v3's custom ` +
        'layouts under sparsity (the compressed operands in banks) are not modelled; set IfmapCustomLayout and ' +
        'FilterCustomLayout False, or SparsitySupport false',
    );
  if (choices.timing !== 'scalesim')
    throw new UsageError("[layout] custom layouts follow SCALE-Sim v3's memory system: drop --timing native");
  if (choices.memoryChoice === 'off')
    throw new UsageError(
      '--memory off: [layout] custom layouts act through the memory system (bank conflicts are stalls); drop ' +
        '--memory off',
    );
  if (choices.traceDir !== undefined)
    throw new UsageError(
      '--trace with [layout] custom layouts is not supported (the banked SRAM keeps no trace); drop --trace',
    );
  if (choices.layoutPath === undefined)
    throw new UsageError(
      `${configPath}: [layout] ${banks.ifmap.customLayout ? 'IfmapCustomLayout' : 'FilterCustomLayout'} is True: ` +
        `give the layout CSV with -l CSV`,
    );
  const parsed = parseLayoutCsv(readTextFile(choices.layoutPath, 'layout'), choices.layoutPath);
  if (!parsed.ok)
    throw new TpusimError(
      'bad_layout',
      `${choices.layoutPath} is not a valid SCALE-Sim v3 layout CSV:\n${formatIssues(parsed.issues)}`,
    );
  const row = parsed.value[0]!;
  checkRow(row, banks, choices.layoutPath);
  const ignored = parsed.value
    .slice(1)
    .filter((r) => JSON.stringify([r.ifmap, r.filter]) !== JSON.stringify([row.ifmap, row.filter]));
  if (ignored.length > 0 || (parsed.value.length > 1 && layers.length > 1)) {
    io.err(
      `warning: ${choices.layoutPath}: every layer is laid out with the first row ('${row.name}', line ` +
        `${row.line}), as SCALE-Sim v3 does (its layout getters default to layer 0)` +
        `${ignored.length > 0 ? `; rows ${ignored.map((r) => `'${r.name}'`).join(', ')} differ and are ignored` : ''}`,
    );
  }
  return { banks, row };
}

function sameBandwidths(config: ScaleSimConfig, banks: ScaleSimLayout): boolean {
  return (
    banks.ifmap.bandwidthWordsPerCycle === config.bandwidthWordsPerCycle &&
    banks.filter.bandwidthWordsPerCycle === config.bandwidthWordsPerCycle
  );
}

/** v3's asserts: an IFMAP tile fits a line, a filter tile fills one exactly. */
function checkRow(row: LayerLayout, banks: ScaleSimLayout, file: string): void {
  const product = (f: readonly number[]): number => f.reduce((p, x) => p * x, 1);
  const where = `${file}:${row.line}: layer '${row.name}'`;
  const ifmapTile = product(row.ifmap.intralineFactors);
  if (banks.ifmap.customLayout && ifmapTile > banks.ifmap.bandwidthWordsPerCycle) {
    throw new TpusimError(
      'bad_layout',
      `${where}: IFMAP tile ${row.ifmap.intralineFactors.join(' x ')} = ${ifmapTile} words exceeds ` +
        `IfmapSRAMBankBandwidth ${banks.ifmap.bandwidthWordsPerCycle}`,
    );
  }
  const filterTile = product(row.filter.intralineFactors);
  if (banks.filter.customLayout && filterTile !== banks.filter.bandwidthWordsPerCycle) {
    throw new TpusimError(
      'bad_layout',
      `${where}: filter tile ${row.filter.intralineFactors.join(' x ')} = ${filterTile} words must equal ` +
        `FilterSRAMBankBandwidth ${banks.filter.bandwidthWordsPerCycle} (SCALE-Sim v3 asserts it)`,
    );
  }
}

/** One layer through v3's layout memory system. */
/** `window`: the window positions v3's layer-wise sparsity keeps (see layerStreams); absent, all of them. */
export function runLayoutMemory(
  config: ScaleSimConfig,
  plan: LayoutPlan,
  layer: TopologyLayer,
  window?: readonly number[],
): LayoutMemoryResult {
  const conv = layerConv(layer);
  const { ifmap, filter } = plan.banks;
  const row = plan.row;
  const side = (b: typeof ifmap, order: Int32Array | undefined) => ({
    bandwidthWordsPerCycle: b.bandwidthWordsPerCycle,
    banks: b.banks,
    ports: b.ports,
    ...(order ? { order } : {}),
  });
  return simulateLayoutMemory(layerStreams(conv, config.offsets, config.rows, config.cols, config.dataflow, window), {
    ifmapSramWords: config.ifmapSramKb * 1024,
    filterSramWords: config.filterSramKb * 1024,
    ofmapSramWords: config.ofmapSramKb * 1024,
    ofmapBandwidthWordsPerCycle: config.bandwidthWordsPerCycle,
    ifmap: side(ifmap, row && ifmap.customLayout ? ifmapLayoutOrder(conv, row.ifmap, config.offsets.ifmap) : undefined),
    filter: side(
      filter,
      row && filter.customLayout ? filterLayoutOrder(conv, row.filter, config.offsets.filter) : undefined,
    ),
  });
}

/**
 * v3's COMPUTE_REPORT.csv: v2's with "Total Cycles (incl. prefetch)" after the LayerID (see docs/systolic-array.md).
 */
export function formatV3ComputeReport(run: ScaleSimRun): string {
  const [header, ...rows] = formatComputeReport(run).trimEnd().split('\n');
  const withPrefetch = rows.map((line, i) => {
    const m = run.layers[i]!.memory!;
    const total = m.dram.ofmap.stopCycle - Math.min(m.dram.ifmap.startCycle, m.dram.filter.startCycle);
    const cut = line.indexOf(', ');
    return `${line.slice(0, cut)}, ${total}${line.slice(cut)}`;
  });
  return `${[header!.replace('LayerID, ', 'LayerID, Total Cycles (incl. prefetch), '), ...withPrefetch].join('\n')}\n`;
}
