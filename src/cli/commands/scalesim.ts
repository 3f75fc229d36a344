import {
  configPrices,
  foldGrid,
  formatEnergyPrices,
  formatComputeReport,
  formatIssues,
  formatLayerTraces,
  formatSparseReport,
  formatTable,
  layerEvents,
  priceScaleSimEvents,
  parseScaleSimConfig,
  parseScaleSimTopology,
  runEnergy,
  runLayerMemory,
  runScaleSim,
  sparseLayer,
  SCALESIM_DRAM_KINDS,
  SCALESIM_ENERGY_DEFAULTS,
  SCALESIM_NODE_RANGE_NM,
  TpusimError,
  trimNumber,
  type LayerMemoryResult,
  type ScaleSimConfig,
  type ScaleSimEnergyOptions,
  type ScaleSimOptions,
  type ScaleSimRun,
  type SparseLayer,
  type TopologyForm,
  type TopologyLayer,
} from '../../index.js';
import { choice, outputPaths, parseCommandArgs, stringOption, UsageError, type ParsedArgs } from '../args.js';
import { printJson, type Command } from '../command.js';
import { readTextFile, writeFilesAtomically, type Io } from '../io.js';
import { checkWork, LIMIT_HELP, LIMIT_OPTIONS, readLimits, UNIT_COSTS, type WorkEstimate } from '../limits.js';
import { createProgress } from '../progress.js';
import { formatV3ComputeReport, layoutPlan, runLayoutMemory, type LayoutPlan } from './scalesim-layout.js';
import {
  calcNote,
  checkSparseRun,
  compressedLayers,
  memoryReports,
  sparseJson,
  sparsePatch,
  sparseWindow,
} from './scalesim-sparse.js';
import { join } from 'node:path';

export const scalesimCommand: Command = {
  name: 'scalesim',
  summary: 'run a SCALE-Sim v2 config and topology; reproduces its compute cycles',
  usage:
    `tpusim scalesim -c CFG -t CSV [-l CSV] [-i conv|gemm] [-o DIR] [-p DIR] [--timing ` +
    `scalesim|native]
                [--memory auto|on|off] [--node NM] [--dram KIND] [--trace DIR] ` +
    `[--float-sum modern|legacy] [--max-memory SIZE] [--max-time TIME] [--json]

  Reads a SCALE-Sim ` +
    `v2 .cfg (array size, dataflow, SRAM sizes, CALC or USER DRAM bandwidth) and
  topology CSV ` +
    `(conv layers, or GEMMs with -i gemm) and times every layer as SCALE-Sim v2 does: with
  the ` +
    `default --timing scalesim, its memory system (double-buffered SRAMs, DRAM prefetch, stalls)
  ` +
    `runs where it changes the cycles (--memory auto: USER bandwidth mode, or --trace) and the total ` +
    `and stall
  cycles equal SCALE-Sim's; in CALC mode the cycles are the compute cycles, and ` +
    `--memory on runs the
  memory system for its bandwidth reports; --memory off gives the compute ` +
    `cycles alone; --timing native uses tpusim's own
  micro-architecture. -o DIR writes ` +
    `COMPUTE_REPORT.csv (and, with the memory system,
  BANDWIDTH_REPORT.csv and ` +
    `DETAILED_ACCESS_REPORT.csv) into DIR; -p DIR writes them into
  DIR/<run_name>/ as SCALE-Sim ` +
    `does. With the memory system the table and --json add each layer's energy
  (tpusim's, ` +
    `SCALE-Sim v2 has none), Accelergy style: MACs and the SRAM and DRAM reads and writes of
  ` +
    `DETAILED_ACCESS_REPORT.csv (plus the SRAM fills and drains they imply), priced from tpusim's ` +
    `energy table
  at --node NM (default ${SCALESIM_ENERGY_DEFAULTS.nodeNm}, the table's own node) ` +
    `with --dram KIND (default ${SCALESIM_ENERGY_DEFAULTS.dramKind}; one of
  ` +
    `${SCALESIM_DRAM_KINDS.join(', ')}), one byte per word and int8 MACs; in CALC mode energy needs ` +
    `--memory on.
  --trace DIR writes SCALE-Sim's per-cycle SRAM and DRAM
  traces into ` +
    `DIR/layer<N>/ (its CALC-mode read DRAM traces list each fetch's addresses in ascending
  order, ` +
    `not in Python's set order). SCALE-Sim v3's [sparsity] (SparsitySupport true) and
  the ` +
    `topology's Sparsity column (N:M) compress each layer's filter as v3 does (layer-wise N:M on ws, os
  ` +
    `or is; row-wise with OptimizedMapping and BlockSize on ws only), time the compressed GEMM and, with
  ` +
    `-o/-p, add v3's SPARSE_REPORT.csv (CSR, CSC or ELLPACK storage and metadata words per cycle).
  ` +
    `Layer-wise runs (GEMM or conv layers) also run v3's memory system (USER mode, or --memory on): v3's
  ` +
    `reports with its prefetch-inclusive total and metadata bandwidth (a config with [sparsity] or
  ` +
    `[layout] keeps v3's memory quirks: a DRAM read wait counted twice, the latest OFMAP DRAM write
  ` +
    `reported; see docs/systolic-array.md). Row-wise runs are compute only:
  ` +
    `USER mode and --memory on are refused there. v3's [layout] ` +
    `section with a layout CSV
  (-l CSV; IfmapCustomLayout/FilterCustomLayout True, USER bandwidth) ` +
    `stores each read operand tiled as
  the CSV's first row says (v3 applies it to every layer) in ` +
    `banked SRAMs and adds v3's bank-conflict
  stalls; with [layout], COMPUTE_REPORT.csv takes v3's ` +
    `form with its "Total Cycles (incl. prefetch)".
  Other config keys and sections SCALE-Sim v2 ` +
    `does not have are named in a warning and ignored. Utilization digits follow SCALE-Sim
  run ` +
    `under Python >= 3.12 (--float-sum modern) or <= 3.11 (legacy, the default: Debian 12 and
  ` +
    `Ubuntu 22.04 ship 3.11, and SCALE-Sim's published reports use it); the two differ in the last ` +
    `digits. Every fold of every layer is listed while it is timed, so a run
  whose folds would ` +
    `need more memory or time than the limits is refused before it starts:
  ${LIMIT_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('scalesim', argv, {
      config: { type: 'string', short: 'c' },
      topology: { type: 'string', short: 't' },
      layout: { type: 'string', short: 'l' },
      input: { type: 'string', short: 'i' },
      output: { type: 'string', short: 'o' },
      'log-dir': { type: 'string', short: 'p' },
      trace: { type: 'string' },
      memory: { type: 'string' },
      node: { type: 'string' },
      dram: { type: 'string' },
      timing: { type: 'string' },
      'float-sum': { type: 'string' },
      json: { type: 'boolean' },
      ...LIMIT_OPTIONS,
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`scalesim takes its files as -c CFG -t CSV, got '${positionals[0]}'`);
    const configPath = stringOption(values, 'config');
    const topologyPath = stringOption(values, 'topology');
    if (!configPath || !topologyPath)
      throw new UsageError('scalesim needs -c CFG and -t CSV; see tpusim scalesim --help');
    const {
      output: outDir,
      'log-dir': logDir,
      trace: traceDir,
    } = outputPaths(values, ['output', 'log-dir', 'trace'], ['output', 'log-dir', 'trace']);
    const form = choice<TopologyForm>('-i', stringOption(values, 'input') ?? 'conv', ['conv', 'gemm']);
    const timing = choice('--timing', stringOption(values, 'timing') ?? 'scalesim', ['scalesim', 'native'] as const);
    const config = parseScaleSimConfig(readTextFile(configPath, 'config'), configPath);
    if (!config.ok)
      throw new TpusimError(
        'bad_config',
        `${configPath} is not a valid SCALE-Sim config:\n${formatIssues(config.issues)}`,
      );
    const layers = parseScaleSimTopology(readTextFile(topologyPath, 'topology'), form, topologyPath);
    if (!layers.ok)
      throw new TpusimError(
        'bad_topology',
        `${topologyPath} is not a valid ${form} topology:\n${formatIssues(layers.issues)}`,
      );
    const floatSum = choice('--float-sum', stringOption(values, 'float-sum') ?? 'legacy', [
      'modern',
      'legacy',
    ] as const);
    // auto: the memory system runs where it changes the cycles (USER bandwidth: stalls); in CALC mode the
    // DRAM keeps up by definition, so the cycles are the compute cycles and it runs only when asked.
    const memoryChoice = choice('--memory', stringOption(values, 'memory') ?? 'auto', ['auto', 'on', 'off'] as const);
    const sparsity = config.value.sparsity;
    if (sparsity) checkSparseRun(config.value, configPath, timing, memoryChoice, traceDir);
    const memory =
      timing === 'scalesim' &&
      (memoryChoice === 'on' ||
        (memoryChoice === 'auto' && (config.value.interfaceBandwidth === 'USER' || traceDir !== undefined)));
    if (memoryChoice === 'auto' && !memory && timing === 'scalesim' && (outDir !== undefined || logDir !== undefined))
      io.err(calcNote(sparsity));
    for (const warning of config.value.warnings) io.err(`warning: ${warning}`);
    const folds = layerFolds(config.value, layers.value);
    checkWork(
      memory
        ? memoryWork(
            config.value,
            layers.value,
            scaleSimWork(folds, layers.value, topologyPath),
            traceDir !== undefined,
          )
        : scaleSimWork(folds, layers.value, topologyPath),
      readLimits(values),
    );
    if (traceDir && !memory)
      throw new UsageError('--trace needs the memory system: drop --memory off and --timing native');
    const layout = layoutPlan(
      config.value,
      configPath,
      layers.value,
      { layoutPath: stringOption(values, 'layout'), memory, timing, memoryChoice, traceDir },
      io,
    );
    if (layout && traceDir)
      throw new UsageError('--trace with [layout] bank bandwidths other than Bandwidth is not supported; drop --trace');
    const energy = energyOptions(values, memory, timing === 'native');
    const sparse = sparsity
      ? layers.value.map((l) =>
          sparseLayer(
            l,
            l.sparsity ?? { nonzeros: 1, block: 1 },
            sparsity,
            config.value.rows,
            config.value.cols,
            floatSum,
            config.value.dataflow,
          ),
        )
      : undefined;
    const run = runLayers(
      config.value,
      sparse ? compressedLayers(layers.value, sparse) : layers.value,
      folds,
      { timing, floatSum, memory, trace: traceDir !== undefined, energy },
      io,
      sparse,
      layout,
    );
    const reports = [
      {
        name: 'COMPUTE_REPORT.csv',
        content: (config.value.layout || sparse) && memory ? formatV3ComputeReport(run) : formatComputeReport(run),
      },
      ...(sparse
        ? [
            {
              name: 'SPARSE_REPORT.csv',
              content: formatSparseReport(
                run.layers.map((l, i) => ({
                  layerId: l.layerId,
                  storage: sparse[i]!.filter.storage,
                  totalCycles: l.memory?.totalCycles ?? l.stats.totalCycles,
                })),
              ),
            },
          ]
        : []),
      ...(memory ? memoryReports(run, sparse) : []),
    ];
    const files = [
      ...(outDir ? reports.map((r) => ({ path: join(outDir, r.name), content: r.content, option: '-o' })) : []),
      ...(logDir
        ? reports.map((r) => ({ path: join(logDir, config.value.runName, r.name), content: r.content, option: '-p' }))
        : []),
      ...(traceDir
        ? run.layers.flatMap((l) =>
            formatLayerTraces(l.memory!.trace!).map((f) => ({
              path: join(traceDir, `layer${l.layerId}`, f.name),
              content: f.content,
              option: '--trace',
            })),
          )
        : []),
    ];
    if (files.length > 0) writeFilesAtomically(files);
    if (values['json']) {
      printJson(io, 'scalesim', {
        config: run.config,
        timing,
        totalCycles: run.totalCycles,
        ...(run.energy ? { energy: energyJson(run.energy) } : {}),
        layers: run.layers.map((l) => ({
          layerId: l.layerId,
          name: l.name,
          m: l.m,
          n: l.n,
          k: l.k,
          scaleSim: l.scaleSim,
          ...l.stats,
          ...(l.memory ? { memory: { ...l.memory, trace: undefined } } : {}),
          ...(l.energy ? { energy: l.energy } : {}),
          ...(sparse ? { sparsity: sparseJson(sparse[l.layerId]!, l.memory?.totalCycles ?? l.stats.totalCycles) } : {}),
        })),
      });
      return 0;
    }
    const { rows, cols, dataflow, runName } = run.config;
    const mode = memory
      ? `SCALE-Sim's cycle convention with its memory system (${run.config.interfaceBandwidth}` +
        `${run.config.interfaceBandwidth === 'USER' ? `, ${run.config.bandwidthWordsPerCycle} words/cycle` : ''})`
      : timing === 'scalesim'
        ? "SCALE-Sim's cycle convention, compute only (no memory stalls)"
        : "tpusim's native timing";
    const banked = layout?.row
      ? "; SCALE-Sim v3's custom layouts in banked SRAMs (bank-conflict stalls)"
      : layout
        ? "; SCALE-Sim v3's per-operand bank bandwidths"
        : '';
    io.out(`${runName}: ${rows}x${cols} ${dataflow}, ${run.layers.length} layers, ${mode}${banked}`);
    const uj = (joules: number): number => Number(trimNumber(joules * 1e6, 4));
    const energyHeader = run.energy ? ['MAC uJ', 'SRAM uJ', 'DRAM uJ', 'energy uJ'] : [];
    io.out(
      formatTable(
        [
          'id',
          'layer',
          'M',
          'N',
          'K',
          'folds',
          'total cycles',
          'stall cycles',
          'overall util %',
          'mapping eff %',
          'compute util %',
          ...energyHeader,
        ],
        run.layers.map((l) => [
          l.layerId,
          l.name,
          l.m,
          l.n,
          l.k,
          l.stats.folds,
          l.memory?.totalCycles ?? l.stats.totalCycles,
          l.memory?.stallCycles ?? 0,
          Number(trimNumber(100 * l.stats.macUtilization, 4)),
          Number(trimNumber(100 * l.scaleSim.mappingEfficiency, 4)),
          Number(trimNumber(100 * l.scaleSim.computeUtilization, 4)),
          ...(l.energy ? [uj(l.energy.macJ), uj(l.energy.sramJ), uj(l.energy.dramJ), uj(l.energy.totalJ)] : []),
        ]),
      ),
    );
    const totalEnergy = run.energy
      ? `, ${uj(run.energy.totalJ)} uJ (MAC ${uj(run.energy.macJ)}, SRAM ${uj(run.energy.sramJ)}, DRAM ` +
        `${uj(run.energy.dramJ)})`
      : '';
    io.out(
      `total: ${run.totalCycles.toLocaleString('en-US')} cycles${totalEnergy}` +
        `${files.length > 0 ? `; wrote ${files.map((f) => f.path).join(', ')}` : ''}`,
    );
    io.out(
      run.energy
        ? formatEnergyPrices(run.energy.prices)
        : "energy: needs the memory system's access counts (--memory on; --timing scalesim)",
    );
    return 0;
  },
};

/**
 * --node and --dram: they price the memory system's access counts, so they need it. CALC mode's DRAM
 * counts come from SCALE-Sim's set-by-set fetch windows, which have no exact closed form.
 */
function energyOptions(values: ParsedArgs['values'], memory: boolean, native: boolean): ScaleSimEnergyOptions {
  const node = stringOption(values, 'node');
  const dram = stringOption(values, 'dram');
  if ((node !== undefined || dram !== undefined) && !memory) {
    throw new UsageError(
      `${node !== undefined ? '--node' : '--dram'} prices the memory system's access counts: ` +
        `${native ? 'drop --timing native' : 'add --memory on'}`,
    );
  }
  const { min, max } = SCALESIM_NODE_RANGE_NM;
  const nodeNm = node === undefined ? SCALESIM_ENERGY_DEFAULTS.nodeNm : Number(node);
  if (node !== undefined && (node.trim() === '' || !Number.isFinite(nodeNm) || nodeNm < min || nodeNm > max)) {
    throw new UsageError(`--node must be a process node from ${min} to ${max} nm, got '${node}'`);
  }
  const dramKind = dram ?? SCALESIM_ENERGY_DEFAULTS.dramKind;
  if (dram !== undefined && !SCALESIM_DRAM_KINDS.some((k) => k.toLowerCase() === dram.toLowerCase())) {
    throw new UsageError(`--dram must be one of ${SCALESIM_DRAM_KINDS.join(', ')}, got '${dram}'`);
  }
  return { nodeNm, dramKind };
}

function energyJson(energy: NonNullable<ScaleSimRun['energy']>): object {
  const { prices, ...joules } = energy;
  return {
    ...joules,
    nodeNm: prices.nodeNm,
    dramKind: prices.dramKind,
    wordBytes: prices.wordBytes,
    macFormat: prices.macFormat,
    pricesPj: { mac: prices.macPj, sramPerByte: prices.sramPjPerByte, dramPerByte: prices.dramPjPerByte },
    sources: prices.sources,
  };
}

/** Folds of each layer on the config's array: what the run lists one by one (see UNIT_COSTS). */
function layerFolds(config: ScaleSimConfig, layers: readonly TopologyLayer[]): number[] {
  return layers.map((l) => {
    const grid = foldGrid({ m: l.m, n: l.n, k: l.k }, config.rows, config.cols, config.dataflow);
    return grid.rowFolds * grid.colFolds;
  });
}

export function scaleSimWork(
  folds: readonly number[],
  layers: readonly TopologyLayer[],
  file = 'topology',
): WorkEstimate {
  const most = folds.reduce((best, f, i) => (f > folds[best]! ? i : best), 0);
  const total = folds.reduce((a, b) => a + b, 0);
  const biggest = layers[most];
  return {
    what:
      `${total.toExponential(2)} folds` +
      (biggest
        ? `; layer '${biggest.name}' (${file}:${biggest.line}, M ${biggest.m} x N ${biggest.n} x K ` +
          (`${biggest.k}) has ` + `${folds[most]!.toExponential(2)}`)
        : ''),
    bytes: Math.max(...folds, 0) * UNIT_COSTS.scalesimFold.bytes,
    seconds: total * UNIT_COSTS.scalesimFold.seconds,
  };
}

/**
 * The memory system's work: every demand slot (cycle x array row or column, three operands) is visited
 * once; memory is one fold's demand plus the prefetch order and its set index (a few words per operand
 * element), and all the slots again with --trace.
 */
function memoryWork(
  config: ScaleSimConfig,
  layers: readonly TopologyLayer[],
  compute: WorkEstimate,
  trace: boolean,
): WorkEstimate {
  const perLayer = layers.map((l) => {
    const grid = foldGrid({ m: l.m, n: l.n, k: l.k }, config.rows, config.cols, config.dataflow);
    const slots =
      grid.rowFolds * grid.colFolds * (2 * config.rows + config.cols + grid.time) * (config.rows + 2 * config.cols);
    const operandWords = l.m * l.k + l.k * l.n + l.m * l.n;
    return { slots, bytes: operandWords * MEMORY_BYTES_PER_OPERAND_WORD + (trace ? slots * 12 : 0) };
  });
  const most = Math.max(...perLayer.map((p) => p.slots), 0);
  return {
    what:
      `${compute.what}; SCALE-Sim's memory system visits up to ${most.toExponential(2)} demand slots in one ` +
      `layer (--memory off skips it)`,
    bytes: Math.max(compute.bytes, ...perLayer.map((p) => p.bytes)),
    seconds: compute.seconds + perLayer.reduce((a, p) => a + p.slots, 0) * MEMORY_SLOT_SECONDS,
  };
}

/** Seconds per demand slot and bytes per operand element of the memory model (upper bounds, see the bench). */
const MEMORY_SLOT_SECONDS = 2e-7;
const MEMORY_BYTES_PER_OPERAND_WORD = 64;

/**
 * runScaleSim layer by layer, with progress counted in folds. Under sparsity the layers come compressed
 * (M x N x K'); v3 still reports the dense M N K MACs and its own mapping efficiency, patched in here.
 */
function runLayers(
  config: ScaleSimConfig,
  layers: readonly TopologyLayer[],
  folds: readonly number[],
  options: ScaleSimOptions,
  io: Io,
  sparse?: readonly SparseLayer[],
  layout?: LayoutPlan,
): ScaleSimRun {
  const prices = options.memory ? configPrices(config, options.energy) : undefined;
  const total = folds.reduce((a, b) => a + b, 0);
  const progress = createProgress(io, 'scalesim', total);
  let done = 0;
  const results = layers.map((layer, layerId) => {
    const sparseLayerResult = sparse?.[layerId];
    const window = sparseWindow(layer, sparseLayerResult);
    const dense =
      prices && (layout || window)
        ? memoryLayer(
            config,
            layer,
            layout ? runLayoutMemory(config, layout, layer, window) : runLayerMemory(config, layer, false, window),
            options,
            prices,
          )
        : runScaleSim(config, [layer], options).layers[0]!;
    const result = sparseLayerResult
      ? { ...sparsePatch(dense, sparseLayerResult, config), layerId }
      : { ...dense, layerId };
    done += folds[layerId]!;
    progress.update(done);
    return result;
  });
  progress.finish();
  return {
    config,
    timing: options.timing ?? 'scalesim',
    layers: results,
    totalCycles: results.reduce((sum, r) => sum + (r.memory?.totalCycles ?? r.stats.totalCycles), 0),
    ...runEnergy(results, prices),
  };
}

/**
 * A layer with a memory result runScaleSim does not make itself (v3's layout memory system, or a conv-form layer's
 * operands under sparsity), priced the same way.
 */
function memoryLayer(
  config: ScaleSimConfig,
  layer: TopologyLayer,
  memory: LayerMemoryResult,
  options: ScaleSimOptions,
  prices: NonNullable<ReturnType<typeof configPrices>>,
): ScaleSimRun['layers'][number] {
  const compute = runScaleSim(config, [layer], { ...options, memory: false }).layers[0]!;
  const events = layerEvents(compute.stats.macs, memory);
  return { ...compute, memory, energy: { ...priceScaleSimEvents(events, prices), events } };
}
