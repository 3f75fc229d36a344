/**
 * What a chip's scale-up links achieve under NCCL (cluster/nccl.ts), by the chip preset's
 * `chipLinks.kind`: NCCL's per-link figures and per-generation caps and NVLS tuning.
 */
import { CHIP_PRESETS } from '../arch/presets/index.js';
import type { SystemSpec } from './types.js';

export interface ScaleUpLink {
  /** Achieved fraction of the per-direction link bandwidth. */
  readonly efficiency: number;
  /** NVLink SHARP (NVLS): the fraction of that achieved bandwidth an in-switch reduction reaches; 0 without. */
  readonly nvlsEfficiency: number;
  /** LL's bus bandwidth cap inside one node (tuning.cc `llMaxBws`, by GPU generation). */
  readonly llMaxBytesPerS: number;
  /**
   * Per-channel caps across nodes (tuning.cc `perChMaxRingLL128Bws`, `perChMaxTreeBws`, `perChMaxTreeLL128Bws`; 2
   * nodes, more).
   */
  readonly ringLl128PerChannel: number;
  readonly treePerChannel: readonly [number, number];
  readonly treeLl128PerChannel: readonly [number, number];
  /**
   * NVLS (nvls.cc `ncclNvlsTuning`): channels on one node, two nodes, more; an NVLS tree's chunk on 2-3 nodes and on 4
   * or more.
   */
  readonly nvlsChannels: readonly [number, number, number];
  readonly nvlsTreeChunkBytes: readonly [number, number];
  /** Whether NCCL's channel tuning (enqueue.cc `topoGetAlgoInfo`) runs the collective; RCCL's own is not modelled. */
  readonly channelTuning: boolean;
}

/**
 * topo.h: NCCL models an NVLink as 20.0 (SM80), 20.6 (SM90) and 40.1 GB/s (SM100) against 25, 25 and 50
 * per direction; tuning.cc `nvlsEfficiency`: Hopper 0.85, Blackwell 0.74 (NVSwitch 3 and 4 reduce in the
 * switch; A100's NVSwitch 2 does not); caps by generation (NVLink 3, 4, 5 = Ampere, Hopper, Blackwell).
 * Infinity Fabric: the ROCm blog's TransferBench measurement of 45-48 of 64 GB/s per xGMI link.
 * NVLS channels and tree chunks: nvls.cc (Hopper 16 channels, trees 128 KiB, 64 KiB on 4+ nodes;
 * Blackwell 24, 32 on two nodes, trees 64 KiB with NICs behind the GPUs' PCIe switch, as on HGX boards).
 */
const KIB = 1024;
/** nvls.cc `NCCL_NVLS_CHUNKSIZE`: 128 KiB. */
export const NVLS_CHUNK_BYTES = 128 * KIB;
const NO_NVLS = { nvlsChannels: [0, 0, 0], nvlsTreeChunkBytes: [0, 0], channelTuning: true } as const;
const SCALE_UP_LINKS: Readonly<Record<string, ScaleUpLink>> = {
  'NVLink 3': {
    efficiency: 20 / 25,
    nvlsEfficiency: 0,
    llMaxBytesPerS: 87.7e9,
    ringLl128PerChannel: 20e9,
    treePerChannel: [23.6e9, 17.8e9],
    treeLl128PerChannel: [20e9, 20e9],
    ...NO_NVLS,
  },
  'NVLink 4': {
    efficiency: 20.6 / 25,
    nvlsEfficiency: 0.85,
    llMaxBytesPerS: 141e9,
    ringLl128PerChannel: 36.7e9,
    treePerChannel: [41.4e9, 36e9],
    treeLl128PerChannel: [36.7e9, 29e9],
    nvlsChannels: [16, 16, 16],
    nvlsTreeChunkBytes: [128 * KIB, 64 * KIB],
    channelTuning: true,
  },
  'NVLink 5': {
    efficiency: 40.1 / 50,
    nvlsEfficiency: 0.74,
    llMaxBytesPerS: 282e9,
    ringLl128PerChannel: 40e9,
    treePerChannel: [42.8e9, 24e9],
    treeLl128PerChannel: [31.67e9, 20e9],
    nvlsChannels: [24, 32, 24],
    nvlsTreeChunkBytes: [64 * KIB, 64 * KIB],
    channelTuning: true,
  },
  'Infinity Fabric': {
    efficiency: 46.5 / 64,
    nvlsEfficiency: 0,
    llMaxBytesPerS: 87.7e9,
    ringLl128PerChannel: Infinity,
    treePerChannel: [Infinity, Infinity],
    treeLl128PerChannel: [Infinity, Infinity],
    ...NO_NVLS,
    channelTuning: false,
  },
};
/** Chips with no entry: NCCL's NVLink ratio (0.80-0.82 for every generation), no in-switch reduction, no caps. */
const DEFAULT_SCALE_UP: ScaleUpLink = {
  efficiency: 0.8,
  nvlsEfficiency: 0,
  llMaxBytesPerS: 87.7e9,
  ringLl128PerChannel: Infinity,
  treePerChannel: [Infinity, Infinity],
  treeLl128PerChannel: [Infinity, Infinity],
  ...NO_NVLS,
};

/** The scale-up link model of the system's chip. */
export function scaleUpLink(system: SystemSpec): ScaleUpLink {
  const kind = CHIP_PRESETS[system.chip]?.chipLinks?.kind;
  return (kind === undefined ? undefined : SCALE_UP_LINKS[kind]) ?? DEFAULT_SCALE_UP;
}
