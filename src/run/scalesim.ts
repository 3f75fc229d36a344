/**
 * A SCALE-Sim run: every layer of a topology on the array of a SCALE-Sim config, timed by the
 * fold-level engine in SCALE-Sim's convention (or tpusim's native one, for comparison).
 */
import type { ScaleSimConfig } from '../arch/scalesim-config.js';
import type { TopologyLayer } from '../graph/scalesim-topology.js';
import { foldEngine } from '../sim/systolic/fold-engine.js';
import {
  scaleSimUtilization,
  type PythonFloatSum,
  type ScaleSimUtilization,
} from '../sim/systolic/scalesim-metrics.js';
import type { GemmStats, TimingMode } from '../sim/systolic/types.js';
import {
  layerStreams,
  simulateLayerMemory,
  type ConvShape,
  type LayerMemoryResult,
  type MemoryQuirks,
} from '../sim/memory/index.js';
import {
  priceScaleSimEvents,
  scaleSimPrices,
  SCALESIM_ENERGY_DEFAULTS,
  sumEnergy,
  type EnergyJoules,
  type ScaleSimEnergyOptions,
  type ScaleSimEvents,
  type ScaleSimPrices,
} from '../model/scalesim-energy.js';

export interface ScaleSimLayerResult {
  readonly layerId: number;
  readonly name: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly stats: GemmStats;
  /** SCALE-Sim's own Mapping Efficiency and Compute Util (fractions), see scalesim-metrics.ts. */
  readonly scaleSim: ScaleSimUtilization;
  /** SCALE-Sim v2's memory system (SRAMs, DRAM prefetch, stalls), when the run asked for it. */
  readonly memory?: LayerMemoryResult;
  /** With the memory system: the layer's events and their energy (see model/scalesim-energy.ts). */
  readonly energy?: EnergyJoules & { readonly events: ScaleSimEvents };
}

/** The run's energy: the layers' sums and the prices they were computed with. */
export interface ScaleSimRunEnergy extends EnergyJoules {
  readonly prices: ScaleSimPrices;
}

export interface ScaleSimRun {
  readonly config: ScaleSimConfig;
  readonly timing: TimingMode;
  readonly layers: readonly ScaleSimLayerResult[];
  readonly totalCycles: number;
  readonly energy?: ScaleSimRunEnergy;
}

export interface ScaleSimOptions {
  readonly timing?: TimingMode;
  /** Native timing only: whether the array double-buffers its stationary tiles (default true). */
  readonly doubleBuffered?: boolean;
  /** Which Python's float `sum` the reported utilization digits follow (see scalesim-metrics.ts). */
  readonly floatSum?: PythonFloatSum;
  /** Also run SCALE-Sim v2's memory system: stalls, DRAM traffic, the bandwidth and access reports. */
  readonly memory?: boolean;
  /** With `memory`: keep SCALE-Sim's per-cycle SRAM and DRAM traces in each layer's result. */
  readonly trace?: boolean;
  /** With `memory`: the node and DRAM kind its events are priced at (default SCALESIM_ENERGY_DEFAULTS). */
  readonly energy?: ScaleSimEnergyOptions;
}

/** The convolution SCALE-Sim times for a layer (a GEMM row is an M x K input under N filters 1 x K). */
export function layerConv(layer: TopologyLayer): ConvShape {
  if (layer.conv) return layer.conv;
  return {
    ifmapHeight: layer.m,
    ifmapWidth: layer.k,
    filterHeight: 1,
    filterWidth: layer.k,
    channels: 1,
    filters: layer.n,
    strideHeight: 1,
    strideWidth: 1,
  };
}

/** `window`: the window positions v3's layer-wise sparsity keeps (see layerStreams); absent, all of them. */
export function runLayerMemory(
  config: ScaleSimConfig,
  layer: TopologyLayer,
  keepTrace = false,
  window?: readonly number[],
): LayerMemoryResult {
  const streams = layerStreams(layerConv(layer), config.offsets, config.rows, config.cols, config.dataflow, window);
  return simulateLayerMemory(
    streams,
    {
      ifmapSramWords: config.ifmapSramKb * 1024,
      filterSramWords: config.filterSramKb * 1024,
      ofmapSramWords: config.ofmapSramKb * 1024,
      mode: config.interfaceBandwidth,
      bandwidthWordsPerCycle: config.bandwidthWordsPerCycle,
      arrayCols: config.cols,
      quirks: memoryQuirks(config),
    },
    keepTrace,
  );
}

/**
 * A SCALE-Sim v3 config (one with a [sparsity] or [layout] section) runs with v3's memory quirks (a positive DRAM
 * read wait counted twice, the latest ofmap DRAM write reported: MemoryQuirks in sim/memory/read-buffer.ts); a v2
 * config with v2's.
 */
export function memoryQuirks(config: ScaleSimConfig): MemoryQuirks {
  return config.sparsity || config.layout ? 'v3' : 'v2';
}

export function runScaleSim(
  config: ScaleSimConfig,
  layers: readonly TopologyLayer[],
  options: ScaleSimOptions = {},
): ScaleSimRun {
  const timing = options.timing ?? 'scalesim';
  const array = {
    rows: config.rows,
    cols: config.cols,
    dataflow: config.dataflow,
    format: 'int8' as const,
    doubleBuffered: options.doubleBuffered ?? true,
  };
  const prices = options.memory ? configPrices(config, options.energy) : undefined;
  const results = layers.map((layer, layerId) => {
    const shape = { m: layer.m, n: layer.n, k: layer.k };
    const stats = foldEngine.run({ shape, array, timing }).stats;
    const memory = options.memory ? runLayerMemory(config, layer, options.trace ?? false) : undefined;
    return {
      layerId,
      name: layer.name,
      ...shape,
      stats,
      scaleSim: scaleSimUtilization(shape, config.rows, config.cols, config.dataflow, options.floatSum),
      ...(memory && prices ? { memory, energy: layerEnergy(stats.macs, memory, prices) } : {}),
    };
  });
  return {
    config,
    timing,
    layers: results,
    totalCycles: results.reduce((sum, r) => sum + (r.memory?.totalCycles ?? r.stats.totalCycles), 0),
    ...runEnergy(results, prices),
  };
}

/** Prices for the config's operand SRAMs (1 byte per word, as SCALE-Sim sizes them). */
export function configPrices(
  config: ScaleSimConfig,
  options: ScaleSimEnergyOptions = SCALESIM_ENERGY_DEFAULTS,
): ScaleSimPrices {
  return scaleSimPrices(
    { ifmap: config.ifmapSramKb * 1024, filter: config.filterSramKb * 1024, ofmap: config.ofmapSramKb * 1024 },
    options,
  );
}

/**
 * A layer's events from its memory result: the array-side SRAM counts and the DRAM counts are
 * DETAILED_ACCESS_REPORT.csv's; every word fetched from DRAM is also written into its SRAM, and every
 * ofmap word written to DRAM is first read out of the ofmap SRAM.
 */
export function layerEvents(macs: number, memory: LayerMemoryResult): ScaleSimEvents {
  const { sram, dram } = memory;
  return {
    macs,
    sram: {
      ifmap: { reads: sram.ifmap.accesses, writes: dram.ifmap.accesses },
      filter: { reads: sram.filter.accesses, writes: dram.filter.accesses },
      ofmap: { reads: dram.ofmap.accesses, writes: sram.ofmap.accesses },
    },
    dram: {
      ifmap: { reads: dram.ifmap.accesses, writes: 0 },
      filter: { reads: dram.filter.accesses, writes: 0 },
      ofmap: { reads: 0, writes: dram.ofmap.accesses },
    },
  };
}

export function layerEnergy(
  macs: number,
  memory: LayerMemoryResult,
  prices: ScaleSimPrices,
): EnergyJoules & { readonly events: ScaleSimEvents } {
  const events = layerEvents(macs, memory);
  return { ...priceScaleSimEvents(events, prices), events };
}

/** The run-level energy when every layer has one (`{}` otherwise, so the run object stays as before). */
export function runEnergy(
  layers: readonly ScaleSimLayerResult[],
  prices: ScaleSimPrices | undefined,
): { energy?: ScaleSimRunEnergy } {
  const parts = layers.map((l) => l.energy);
  if (!prices || parts.some((p) => p === undefined)) return {};
  return { energy: { ...sumEnergy(parts as EnergyJoules[]), prices } };
}
