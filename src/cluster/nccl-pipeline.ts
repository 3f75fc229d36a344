/**
 * How NCCL cuts a collective into channels, chunks and steps: what tuning.cc's latency + bytes /
 * bandwidth form leaves out at mid sizes (NVIDIA NCCL v2.30; docs/cluster.md, "Pipelines"):
 *
 * - Channels: after picking an algorithm, enqueue.cc `topoGetAlgoInfo` drops channels while the
 *   message is smaller than channels x threads x `threadThresholds` bytes, so a small message runs on
 *   fewer thread blocks and gets their share of the bandwidth only.
 * - Chunks: enqueue.cc `calcCollChunking` cuts each channel's share into chunks of at most one
 *   buffer step (init.cc buffer sizes / NCCL_STEPS), smaller for LL128 trees and NVLS trees at mid sizes.
 * - Store and forward: a network step leaves only once the whole step is in the send buffer
 *   (transport/net.cc `sendProxyProgress` checks the tail, or every LL/LL128 flag, then posts one
 *   isend), and under Simple every hop forwards a whole slice (prims_simple.h posts a step after its
 *   slice is written; trees run one slice per chunk, `ProtoSimple<1, 1>`); LL and LL128 forward each
 *   line as it arrives inside a node. A tree's chunk therefore waits one chunk time at each such stage
 *   before the next stage starts: a pipeline fill of (stages - 1) chunk times that tuning.cc's
 *   latencies (per-hop constants) do not hold, and that a ring does not pay (every rank sends from
 *   its first step; its 2(n - 1) steps per chunk are tuning.cc's own).
 *
 * Everything here is NCCL's source except the channel counts, which are NCCL's published init logs
 * (cluster/overlap.ts).
 */
import { NCCL_NETWORK_SMS, NCCL_NVLINK_SMS } from './overlap.js';
import type { PerProtocol } from './transports.js';

const KIB = 1024;
const SIMPLE = 2;
/** device.h: slots per connection. */
export const NCCL_STEPS = 8;
/**
 * init.cc DEFAULT_LL_BUFFSIZE (8 lines x 512 threads x 8 steps x 16 B), DEFAULT_LL128_BUFFSIZE (120 x 640 x 8 x 8 B),
 * DEFAULT_BUFFSIZE (4 MiB).
 */
const BUFF_BYTES: PerProtocol = [8 * 512 * NCCL_STEPS * 16, 120 * 640 * NCCL_STEPS * 8, 4096 * KIB];
/** calcCollChunking: one step's data, LL carrying 8 of every 16 bytes and LL128 15 of every 16 words. */
export const STEP_BYTES: PerProtocol = [
  BUFF_BYTES[0] / NCCL_STEPS / 2,
  (BUFF_BYTES[1] / NCCL_STEPS / 16) * 15,
  BUFF_BYTES[2] / NCCL_STEPS,
];
/** device.h `ncclProtoGrainSize`: chunks are whole grains (16 B, 32 x 8 / 16 x 15 x 8 B, 512 B). */
const GRAIN_BYTES: PerProtocol = [16, 1920, 512];
/**
 * Bytes a channel needs before topoGetAlgoInfo keeps it: threads (tuning.cc `maxThreads`: 512 for LL
 * and Simple, 640 for LL128) x `threadThresholds` (comm.h: LL 8, LL128 8, Simple 64 bytes per thread;
 * the ring's LL threshold x nRanks).
 */
const CHANNEL_BYTES: PerProtocol = [512 * 8, 640 * 8, 512 * 64];
export const channelBytes = (algorithm: 'ring' | 'tree', p: number, ranks: number): number =>
  CHANNEL_BYTES[p]! * (algorithm === 'ring' && p === 0 ? ranks : 1);

/** topoGetAlgoInfo: `while (nBytes < nc * nt * threadThreshold) nc--`, down to one. */
export const channelsUsed = (bytes: number, perChannelBytes: number, channels: number): number =>
  Math.max(1, Math.min(channels, Math.floor(bytes / perChannelBytes)));

/**
 * NCCL's channels for rings and trees: 24 inside one NVSwitch node, two per NIC across nodes (one
 * search channel per NIC, one NIC per GPU, duplicated by connect.cc `ncclTopoPostset`: 16 on 8 NICs),
 * at most device.h's MAXCHANNELS (64).
 */
export const ncclChannels = (ranksPerNode: number, nodes: number): number =>
  nodes === 1 ? NCCL_NVLINK_SMS : Math.min(64, (NCCL_NETWORK_SMS / 8) * ranksPerNode);

/**
 * A tree's chunk per channel under a protocol (calcCollChunking): one step; an LL128 tree halves it
 * while a channel holds fewer than 64 (then 16) x (1 + log2 nodes + 0.1 ppn) / ppn chunks, down to
 * 128 KiB (then 32 KiB); whole grains.
 */
export function treeChunkBytes(p: number, bytes: number, channels: number, nodes: number, ppn: number): number {
  let chunk = STEP_BYTES[p]!;
  if (p === 1) {
    const steps = 1 + Math.floor(Math.log2(nodes)) + 0.1 * ppn;
    const chunks = (): number => Math.floor(bytes / (channels * chunk));
    while (chunks() < (steps * 64) / ppn && chunk > 128 * KIB) chunk /= 2;
    while (chunks() < (steps * 16) / ppn && chunk > 32 * KIB) chunk /= 2;
  }
  return Math.max(GRAIN_BYTES[p]!, Math.floor(chunk / GRAIN_BYTES[p]!) * GRAIN_BYTES[p]!);
}

/**
 * calcCollChunking for NVLS (one node) and NVLS tree: the chunk for `bytes` over `ops` concurrent
 * channel-heads, starting from nvls.cc's chunk (`maxChunkBytes`).
 */
export function nvlsChunkBytes(tree: boolean, bytes: number, ops: number, maxChunkBytes: number): number {
  let chunk = maxChunkBytes;
  const below = (factor: number, size: number): boolean => bytes < factor * ops * chunk && chunk > size;
  const steps: readonly (readonly [number, number])[] = tree
    ? [
        [32, 256 * KIB],
        [16, 128 * KIB],
        [4, 64 * KIB],
        [1, 32 * KIB],
      ]
    : [
        [64, 64 * KIB],
        [8, 32 * KIB],
        [2, 16 * KIB],
      ];
  for (const [factor, size] of steps) if (below(factor, size)) chunk = size;
  return chunk;
}

/** A kind of pipeline stage: how many of them a chunk passes, at what rate, and whether each holds the whole chunk. */
export interface PipelineStage {
  readonly count: number;
  readonly bytesPerS: number;
  readonly storeAndForward: boolean;
}

/**
 * A pipeline's fill, in seconds per byte of one wave (the chunks all channels have in flight at once):
 * each store-and-forward stage holds a wave for its own time; the slowest stage's is already in the
 * bandwidth term when it stores and forwards too.
 */
export function fillSPerByte(stages: readonly PipelineStage[]): number {
  let sum = 0;
  let slowest: PipelineStage | undefined;
  for (const s of stages) {
    if (s.count <= 0) continue;
    if (s.storeAndForward) sum += s.count / s.bytesPerS;
    if (slowest === undefined || s.bytesPerS < slowest.bytesPerS) slowest = s;
  }
  return slowest?.storeAndForward ? sum - 1 / slowest.bytesPerS : sum;
}

/** Protocols that store and forward inside a node: Simple only. */
export const storesInNode = (p: number): boolean => p === SIMPLE;
