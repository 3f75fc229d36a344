/**
 * A SCALE-Sim run: every layer of a topology on the array of a SCALE-Sim config, timed by the
 * fold-level engine in SCALE-Sim's convention (or tpusim's native one, for comparison).
 */
import type { ScaleSimConfig } from '../arch/scalesim-config.js';
import type { TopologyLayer } from '../graph/scalesim-topology.js';
import { foldEngine } from '../sim/systolic/fold-engine.js';
import { scaleSimUtilization, type PythonFloatSum, type ScaleSimUtilization } from '../sim/systolic/scalesim-metrics.js';
import type { GemmStats, TimingMode } from '../sim/systolic/types.js';
import { layerStreams, simulateLayerMemory, type ConvShape, type LayerMemoryResult } from '../sim/memory/index.js';

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
}

export interface ScaleSimRun {
  readonly config: ScaleSimConfig;
  readonly timing: TimingMode;
  readonly layers: readonly ScaleSimLayerResult[];
  readonly totalCycles: number;
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
}

/** The convolution SCALE-Sim times for a layer (a GEMM row is an M x K input under N filters 1 x K). */
export function layerConv(layer: TopologyLayer): ConvShape {
  if (layer.conv) return layer.conv;
  return { ifmapHeight: layer.m, ifmapWidth: layer.k, filterHeight: 1, filterWidth: layer.k, channels: 1, filters: layer.n, strideHeight: 1, strideWidth: 1 };
}

export function runLayerMemory(config: ScaleSimConfig, layer: TopologyLayer, keepTrace = false): LayerMemoryResult {
  const streams = layerStreams(layerConv(layer), config.offsets, config.rows, config.cols, config.dataflow);
  return simulateLayerMemory(streams, {
    ifmapSramWords: config.ifmapSramKb * 1024,
    filterSramWords: config.filterSramKb * 1024,
    ofmapSramWords: config.ofmapSramKb * 1024,
    mode: config.interfaceBandwidth,
    bandwidthWordsPerCycle: config.bandwidthWordsPerCycle,
    arrayCols: config.cols,
  }, keepTrace);
}

export function runScaleSim(config: ScaleSimConfig, layers: readonly TopologyLayer[], options: ScaleSimOptions = {}): ScaleSimRun {
  const timing = options.timing ?? 'scalesim';
  const array = { rows: config.rows, cols: config.cols, dataflow: config.dataflow, format: 'int8' as const, doubleBuffered: options.doubleBuffered ?? true };
  const results = layers.map((layer, layerId) => {
    const shape = { m: layer.m, n: layer.n, k: layer.k };
    return {
      layerId,
      name: layer.name,
      ...shape,
      stats: foldEngine.run({ shape, array, timing }).stats,
      scaleSim: scaleSimUtilization(shape, config.rows, config.cols, config.dataflow, options.floatSum),
      ...(options.memory ? { memory: runLayerMemory(config, layer, options.trace ?? false) } : {}),
    };
  });
  return { config, timing, layers: results, totalCycles: results.reduce((sum, r) => sum + (r.memory?.totalCycles ?? r.stats.totalCycles), 0) };
}
