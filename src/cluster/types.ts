/**
 * Systems of many chips and the plans that spread a model over them, as plain data.
 */
import type { Citation } from '../arch/chip-spec.js';

/**
 * One network tier: the scale-up domain (NVLink, a TPU pod's ICI torus), the scale-out fabric
 * (InfiniBand, Ethernet), the data-centre network between pods. Tiers are listed innermost first;
 * each groups `domainChips` chips (the outermost spans the whole system).
 */
export interface NetworkTier {
  readonly name: string;
  /**
   * switch: every chip reaches every other through switches at full injection bandwidth (NVSwitch);
   * fat-tree / rail: a switched fabric (rail-optimised: chip i of every node on its own rail);
   * torus: a 2D/3D torus of direct links (TPU ICI); dragonfly: groups with global links.
   */
  readonly kind: 'switch' | 'fat-tree' | 'rail' | 'torus' | 'dragonfly';
  /** Chips in one domain of this tier. */
  readonly domainChips: number;
  /** Bytes per second each chip can send into this tier, per direction (all its links together). */
  readonly bandwidthBytesPerS: number;
  /** One hop's latency (seconds). */
  readonly latencyS: number;
  /** torus: the domain's shape (e.g. [16, 16, 16]) and whether each axis wraps around (only where complete). */
  readonly dims?: readonly number[];
  readonly wraparound?: readonly boolean[];
  /** torus: bandwidth of one link in one direction. */
  readonly linkBandwidthBytesPerS?: number;
  /** torus built from cubes joined by optical circuit switches (TPU v4/v5p: 4x4x4), and whether twisted. */
  readonly cube?: readonly number[];
  readonly twisted?: boolean;
  /** fat-tree / dragonfly: how much less bandwidth the upper levels offer than the chips inject (>= 1). */
  readonly oversubscription?: number;
  /**
   * What the tier runs on (cluster/transports.ts): the protocols its network plugin allows, its step
   * latencies and achieved bandwidth. Switched network tiers without one run NCCL's InfiniBand figures.
   */
  readonly transport?: Transport;
}

/**
 * Network transports with a profile in cluster/transports.ts (scale-up links, network fabrics and their plugins, TPU
 * ICI and DCN).
 */
export const TRANSPORTS = [
  'nvlink',
  'xgmi',
  'infiniband',
  'roce',
  'efa-v1',
  'efa-v2',
  'efa-v3',
  'efa-v4',
  'tcpx',
  'tcpxo',
  'ici',
  'dcn',
] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface SystemSpec {
  readonly name: string;
  readonly description: string;
  /** A chip preset name. */
  readonly chip: string;
  readonly chipsPerHost: number;
  /** Innermost first. */
  readonly tiers: readonly NetworkTier[];
  /** The largest system this description is meant for (more chips repeat the outermost tier). */
  readonly maxChips: number;
  readonly sources?: Readonly<Record<string, string>>;
  /** Field path -> where the number comes from. */
  readonly citations?: Readonly<Record<string, Citation>>;
}

export const COLLECTIVES = ['all-reduce', 'reduce-scatter', 'all-gather', 'all-to-all', 'p2p'] as const;
export type Collective = (typeof COLLECTIVES)[number];

/**
 * NCCL's algorithms on switched tiers (ring, tree, NVLS and NVLS tree, PAT), the torus's, the two-level scheme,
 * pairwise exchange.
 */
export const COLLECTIVE_ALGORITHMS = ['ring', 'tree', 'nvls', 'pat', 'torus', 'hierarchical', 'direct'] as const;
export type CollectiveAlgorithm = (typeof COLLECTIVE_ALGORITHMS)[number];

/** NCCL's protocols: LL (8-byte flagged stores), LL128 (128-byte lines), Simple (large chunks, highest bandwidth). */
export const NCCL_PROTOCOLS = ['LL', 'LL128', 'Simple'] as const;
export type NcclProtocol = (typeof NCCL_PROTOCOLS)[number];

/**
 * Where a group of chips sits: `size` chips, consecutive ranks `stride` apart (inner plan axes multiply the stride).
 */
export interface GroupPlacement {
  readonly size: number;
  readonly stride: number;
}

export interface CollectiveCost {
  readonly seconds: number;
  readonly algorithm: CollectiveAlgorithm;
  /** The outermost tier the group spans. */
  readonly tier: string;
  /** On switched tiers, the NCCL protocol the cheapest algorithm runs. */
  readonly protocol?: NcclProtocol;
}

/**
 * The framework a training step runs on: it decides which communication overlaps which compute (cluster/overlap.ts).
 */
export const TRAINING_STACKS = [
  'megatron',
  'nemo',
  'maxtext',
  'llm-foundry',
  'torchtitan',
  'deepspeed',
  'fsdp',
  'pytorch',
  'jax',
  'paxml',
  'other',
] as const;
export type TrainingStack = (typeof TRAINING_STACKS)[number];

export const RECOMPUTE = ['none', 'selective', 'full'] as const;
export type Recompute = (typeof RECOMPUTE)[number];

/** A parallel plan for training: the product tp x cp x pp x dp is the chip count; ep divides dp x cp. */
export interface TrainingPlan {
  readonly tp: number;
  readonly pp: number;
  readonly dp: number;
  readonly cp: number;
  readonly ep: number;
  /** ZeRO stage: 0 none, 1 optimizer state, 2 + gradients, 3 + parameters (FSDP). */
  readonly zero: 0 | 1 | 2 | 3;
  readonly microbatch: number;
  readonly globalBatch: number;
  readonly seq: number;
  readonly recompute: Recompute;
  readonly sequenceParallel: boolean;
  /** Virtual pipeline stages per chip (interleaved 1F1B); 1 is plain 1F1B. */
  readonly interleave: number;
  /** Whether data-parallel gradient reduction overlaps the backward pass (bucketed), as most frameworks do. */
  readonly overlapGradients: boolean;
}
