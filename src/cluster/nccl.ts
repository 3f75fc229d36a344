/**
 * NCCL's cost model for a group on switched tiers (NVSwitch, InfiniBand/RoCE fat trees and rails), in
 * closed form: each algorithm (ring, tree, NVLS, PAT) is priced under each protocol (LL, LL128,
 * Simple) as a latency plus bytes over an achieved bandwidth; NCCL's tuner picks by that form alone
 * (src/graph/tuning.cc, `ncclTopoTuneModel` and `ncclTopoGetAlgoTime`), and the pick then runs on the
 * channels NCCL keeps for the message, trees and NVLS trees adding the fill of their chunk pipeline
 * (nccl-pipeline.ts).
 * Status of the constants: published (NCCL v2.30's tuning.cc and topo.h, quoted by name) unless marked
 * derived or fitted (to calibration rows of validation/data/collectives); see docs/cluster.md, "Formulas"
 * and "Pipelines".
 */
import { NVLS_CHUNK_BYTES, scaleUpLink, type ScaleUpLink } from './nccl-links.js';
import {
  channelBytes,
  channelsUsed,
  fillSPerByte,
  ncclChannels,
  nvlsChunkBytes,
  storesInNode,
  treeChunkBytes,
  type PipelineStage,
} from './nccl-pipeline.js';
import { NCCL_NETWORK_STEPS, protocolMask, REFERENCE_STEP_S, transportOf, type PerProtocol } from './transports.js';
import { NCCL_PROTOCOLS, type Collective, type NcclProtocol, type NetworkTier, type SystemSpec } from './types.js';

const US = 1e-6;
const SIMPLE = 2;

/** tuning.cc `baseLatencies` (us): a collective's fixed cost per algorithm and protocol. */
const BASE_S = { ring: [6.6 * US, 14 * US, 8.4 * US], tree: [6.8 * US, 14 * US, 8.4 * US], pat: 8 * US } as const;

/**
 * tuning.cc `hwLatencies` (us): one step over NVLink. A tier's `latencyS` is its LL ring step (the
 * presets use NCCL's own 0.47 us); other protocols and algorithms add NCCL's difference from that
 * step, so a slower link slows every protocol alike. Network steps are the tier's transport's
 * (cluster/transports.ts: NCCL's InfiniBand figures unless its plugin says otherwise), offset likewise
 * by the tier's `latencyS` beyond NCCL's 2.7 us.
 */
const SCALE_UP_STEPS = { ring: [0.6 * US, 1.9 * US, 3.4 * US], tree: [0.6 * US, 1.25 * US, 4.0 * US] } as const;
/** tuning.cc `hwLatencies`, NVLS (Simple): 25 us through the switch. */
const NVLS_S = 25 * US;

/** tuning.cc `getNetOverhead`: an inter-node ring posts every step through the proxy, at least 1 us (x3 for Simple). */
const NET_OVERHEAD_S = 1 * US;
/**
 * tuning.cc `ncclTopoGetAlgoTime`: 'Plateau effect of ring', multi-node ring all-reduce with Simple, compute capability
 * 80+.
 */
const RING_PLATEAU = 1.4;
/** tuning.cc: LL carries 8 bytes of data per 16 (flags), LL128 120 of 128; trees reach 0.92 of the bus bandwidth. */
const RING_PROTOCOL_BW: PerProtocol = [0.5, 0.92, 1];
const TREE_BW = 0.92;
const treeProtocolBw = (nodes: number): PerProtocol => [1 / 3.8, nodes === 1 ? 7 / 9 : 120 / 128, 1];
/**
 * tuning.cc: PAT (all-gather/reduce-scatter with one GPU per node) reaches 0.75 of the bandwidth, with a linear 2.8 us
 * per rank.
 */
const PAT_BW = 0.75;
const PAT_RANK_S = 2.8 * US;
/** tuning.cc `llMaxBws`, network rows (Intel CPUs): LL's bus bandwidth cap for 2 nodes and for more. */
const LL_MAX_NETWORK: readonly [number, number] = [39e9, 20.4e9];

/**
 * tuning.cc `treeCorrectionFactor`: 'Trees are not perfectly sticking to the model for medium sizes',
 * per protocol, indexed by log2(bytes / 64).
 */
const TREE_CORRECTION: readonly (readonly number[])[] = [
  [
    1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0,
    1.0,
  ],
  [
    1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0,
    1.0,
  ],
  [
    0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.7, 0.7, 0.8, 0.9, 0.9,
    0.9,
  ],
];

const treeCorrection = (bytes: number, p: number): number => {
  const size = Math.max(0, Math.floor(Math.log2(Math.max(1, bytes / 64))));
  return size < 23 ? TREE_CORRECTION[p]![size]! : 1;
};

/**
 * Fitted to calibration rows of validation/data/collectives (InfiniBand and RoCE clusters; the rows are
 * listed in docs/cluster.md): the network's achieved fraction at large sizes (nccl-tests busbw against
 * the wire rate on three rows, 0.89-0.94); the fixed cost of a collective that crosses the network (the
 * proxy thread posts and progresses its sends; median residual of five latency-bound rows, refitted
 * from 14.3 us once channel tuning was in) and of one that stays in a node (the kernel launch; median of four).
 */
export const NETWORK_EFFICIENCY = 0.92;
export const NETWORK_COLLECTIVE_S = 12.8 * US;
export const NODE_COLLECTIVE_S = 1.0 * US;
/**
 * Derived from tuning.cc (v2.12): with one GPU per node 'we are sending/receiving at the same GPU through the NIC', 0.7
 * instead of 0.92.
 */
export const SINGLE_NIC_EFFICIENCY = 0.7 / 0.92;

/** NVLS or NVLS tree on a group: tuning.cc's latency and bandwidth, and its chunk pipeline (nccl-pipeline.ts). */
interface Nvls {
  readonly latencyS: number;
  readonly bytesPerS: number;
  /** Concurrent chunks (channels x heads, one head per NIC or GPU), the largest chunk, the fill per byte of a wave. */
  readonly ops: number;
  readonly maxChunkBytes: number;
  readonly fillSPerByte: number;
}

/** One tier a switched group crosses, as NCCL's model needs it. */
interface SwitchedTier {
  readonly scaleUp: boolean;
  /** One step per algorithm and protocol on this tier; NVLS tree's network step (0 on scale-up tiers). */
  readonly ring: PerProtocol;
  readonly tree: PerProtocol;
  readonly nvlsTreeS: number;
  /** Ring steps per pass that cross this tier. */
  readonly steps: number;
  /** Members per domain of this tier over members per domain below: a tree's fan-out here. */
  readonly fanOut: number;
  /** Achieved bytes/s the group's members in one inner domain push through this tier. */
  readonly capacityBytesPerS: number;
  /** Achieved bytes/s one member pushes through it (its own NIC or links). */
  readonly perRankBytesPerS: number;
}

/**
 * A group on switched tiers as NCCL sees it (ranks, ranks per scale-up domain or "node", nodes), with
 * every latency and bus bandwidth that does not depend on the bytes worked out once: the plan search
 * prices millions of collectives on a few thousand groups.
 */
export interface SwitchedGroup {
  readonly size: number;
  readonly ranksPerNode: number;
  readonly nodes: number;
  /** The fixed cost of launching a collective: the kernel, and the proxy when it crosses the network. */
  readonly launchS: number;
  /** NCCL's channels for rings and trees (nccl-pipeline.ts), and whether it drops some for small messages. */
  readonly channels: number;
  readonly channelTuning: boolean;
  /**
   * Ring, per protocol: latency of one pass (n - 1 steps at the tiers they cross); bus bandwidth on every channel, and
   * its cap.
   */
  readonly ringPassS: PerProtocol;
  readonly ringBusBytesPerS: PerProtocol;
  readonly ringBusCapBytesPerS: PerProtocol;
  /**
   * Tree, per protocol: latency (base, up and down), bus bandwidth (before the size correction) and cap, pipeline fill
   * per byte of a wave.
   */
  readonly treeS: PerProtocol;
  readonly treeBusBytesPerS: PerProtocol;
  readonly treeBusCapBytesPerS: PerProtocol;
  readonly treeFillSPerByte: PerProtocol;
  /**
   * NVLS (one node) or NVLS tree: latency, algorithm bandwidth, pipeline fill; undefined without in-switch reduction.
   */
  readonly nvls: Nvls | undefined;
  /** PAT: latency and bus bandwidth; undefined unless one member per node on two or more nodes. */
  readonly pat: { readonly latencyS: number; readonly busBytesPerS: number } | undefined;
  /** All-to-all: latency, and seconds per byte of a rank's buffer through its busiest tier. */
  readonly allToAllS: number;
  readonly allToAllSPerByte: number;
  /** Point to point over the outermost crossed tier. */
  readonly p2pS: number;
  readonly p2pBytesPerS: number;
}

const isScaleUp = (tier: NetworkTier): boolean => tier.kind === 'switch';

/** Who the group is: its size, members per node, nodes, and the tiers it crosses with their achieved bandwidths. */
interface Crossing {
  readonly size: number;
  readonly ranksPerNode: number;
  readonly nodes: number;
  readonly tiers: readonly SwitchedTier[];
  readonly link: ScaleUpLink;
  /** LL, LL128, Simple: whether every transport the group crosses allows it. */
  readonly enabled: readonly [boolean, boolean, boolean];
  /** NCCL's channels: what a crossed transport pins (the fewest, if several do), else nccl-pipeline.ts's count. */
  readonly channels: number;
}

/**
 * A tier's steps: a scale-up tier's NVLink steps, a network tier's transport's, both offset by the tier's own
 * `latencyS`.
 */
function tierSteps(tier: NetworkTier, scaleUp: boolean): Pick<SwitchedTier, 'ring' | 'tree' | 'nvlsTreeS'> {
  const shift = (row: PerProtocol, offset: number): PerProtocol => [row[0] + offset, row[1] + offset, row[2] + offset];
  if (scaleUp) {
    const offset = tier.latencyS - SCALE_UP_STEPS.ring[0];
    return { ring: shift(SCALE_UP_STEPS.ring, offset), tree: shift(SCALE_UP_STEPS.tree, offset), nvlsTreeS: 0 };
  }
  const table = transportOf(tier).networkStepS ?? NCCL_NETWORK_STEPS;
  const offset = tier.latencyS - REFERENCE_STEP_S;
  return { ring: shift(table.ring, offset), tree: shift(table.tree, offset), nvlsTreeS: table.nvlsTree + offset };
}

/**
 * `members[t]`: the group's members in one domain of tier t; `spans`: the tiers it crosses. Each member
 * leaves its node through its own NIC (rail-optimised), so a tier carries members-below x NIC; a GPU
 * alone in its node (a stride-8 group on 8-GPU nodes) gets its one NIC, at NCCL's single-NIC discount.
 * A network tier's transport sets its steps and the protocols NCCL may run there, and may pin NCCL's
 * channels and cap what each channel's connection carries: the members below then share channels x
 * that cap (GPUDirect-TCPX, cluster/transports.ts).
 */
export function switchedGroup(
  system: SystemSpec,
  size: number,
  members: readonly number[],
  spans: readonly number[],
): SwitchedGroup {
  const link = scaleUpLink(system);
  let ranksPerNode = 1;
  for (let t = 0; t < members.length && isScaleUp(system.tiers[t]!); t++) ranksPerNode = members[t]!;
  const singleNic = ranksPerNode === 1 && isScaleUp(system.tiers[0]!) ? SINGLE_NIC_EFFICIENCY : 1;
  const enabled: [boolean, boolean, boolean] = [true, true, true];
  const nodes = Math.ceil(size / ranksPerNode);
  const pinned = Math.min(
    ...spans.map((t) =>
      isScaleUp(system.tiers[t]!) ? Infinity : (transportOf(system.tiers[t]!).channels ?? Infinity),
    ),
  );
  const channels = pinned < Infinity ? pinned : ncclChannels(ranksPerNode, nodes);
  const tiers = spans.map((t): SwitchedTier => {
    const tier = system.tiers[t]!;
    const below = t === 0 ? 1 : members[t - 1]!;
    const scaleUp = isScaleUp(tier);
    const transport = transportOf(tier);
    if (!scaleUp) protocolMask(transport).forEach((on, p) => (enabled[p] &&= on));
    const efficiency = scaleUp ? link.efficiency : NETWORK_EFFICIENCY * singleNic;
    const perRankBytesPerS = (tier.bandwidthBytesPerS / (tier.oversubscription ?? 1)) * efficiency;
    const steps = Math.ceil(size / below) - Math.ceil(size / members[t]!);
    return {
      scaleUp,
      ...tierSteps(tier, scaleUp),
      steps,
      fanOut: members[t]! / below,
      capacityBytesPerS: below * perRankBytesPerS,
      perRankBytesPerS,
    };
  });
  return price({ size, ranksPerNode, nodes, tiers, link, enabled, channels });
}

type HopKind = 'ring' | 'tree';

/** One step on a tier under a protocol, for the algorithm. */
function hopS(c: Crossing, t: SwitchedTier, algorithm: HopKind, p: number): number {
  // 'With ppn=1 latencies are fully exposed, use the Tree network latency.'
  const row = !t.scaleUp && c.ranksPerNode === 1 ? t.tree : t[algorithm];
  const step = row[p]!;
  return t.scaleUp && c.nodes > 1 && algorithm === 'ring'
    ? Math.max(step, NET_OVERHEAD_S * (p === SIMPLE ? 3 : 1))
    : step;
}

/** A per-protocol latency; Infinity for a protocol a transport the group crosses does not allow. */
function perProtocol(c: Crossing, f: (p: number) => number): PerProtocol {
  const at = (p: number): number => (c.enabled[p] ? f(p) : Infinity);
  return [at(0), at(1), at(2)];
}
const perProtocolBw = (f: (p: number) => number): PerProtocol => [f(0), f(1), f(2)];
const minOf = (c: Crossing, pick: (t: SwitchedTier) => boolean): number =>
  c.tiers.reduce((m, t) => (pick(t) ? Math.min(m, t.capacityBytesPerS) : m), Infinity);
const log2Up = (x: number): number => Math.ceil(Math.log2(x));

/**
 * A per-channel cap times the channels: across nodes NCCL runs one channel per NIC, one NIC per GPU
 * (search.cc duplicates channels only below 25 GB/s per channel, or 50 on Hopper and later); inside a
 * node it has channels to spare, so no cap.
 */
function channelCap(c: Crossing, perChannel: number | readonly [number, number]): number {
  return c.nodes === 1
    ? Infinity
    : c.ranksPerNode * (typeof perChannel === 'number' ? perChannel : perChannel[c.nodes === 2 ? 0 : 1]);
}

/** A stage's data share of the wire: LL carries 8 bytes of every 16, LL128 120 of every 128 (tuning.cc). */
const PROTOCOL_DATA: PerProtocol = [0.5, 120 / 128, 1];

/**
 * A tree's pipeline stages under a protocol: the chain through each node (ppn - 1 hops) and log2 of the
 * fan-out across each network tier, up and again down; a network stage carries the node's NICs, both
 * directions between two nodes (each roots one of the two trees).
 */
function treeStages(c: Crossing, p: number): PipelineStage[] {
  return c.tiers.map((t) =>
    t.scaleUp
      ? {
          count: 2 * (t.fanOut - 1),
          bytesPerS: t.perRankBytesPerS * PROTOCOL_DATA[p]!,
          storeAndForward: storesInNode(p),
        }
      : {
          count: 2 * log2Up(t.fanOut),
          bytesPerS: t.capacityBytesPerS * (c.nodes === 2 ? 2 : 1) * PROTOCOL_DATA[p]!,
          storeAndForward: true,
        },
  );
}

/**
 * Ring: 2(n-1) steps for an all-reduce, n-1 otherwise, each at the tier it crosses, the bus bandwidth of
 * the slowest tier. Tree (all-reduce): a chain inside each node and a double binary tree across nodes,
 * up then down; its bus bandwidth is the node's own links, or twice the network's between two nodes
 * (each node roots one of the two trees), halved into algorithm bandwidth (tuning.cc).
 */
function price(c: Crossing): SwitchedGroup {
  const scaleUp = minOf(c, (t) => t.scaleUp);
  const net = minOf(c, (t) => !t.scaleUp);
  const ring = minOf(c, () => true);
  const llCap = c.nodes === 1 ? c.link.llMaxBytesPerS : LL_MAX_NETWORK[c.nodes === 2 ? 0 : 1];
  // LL's cap is the GPU's or the network's (llMaxBws), whatever the channels; the others are per channel.
  const ringCaps: PerProtocol = [Infinity, channelCap(c, c.link.ringLl128PerChannel), Infinity];
  const globalCaps: PerProtocol = [llCap, Infinity, Infinity];
  const treeBus = Math.min(
    (c.nodes === 1 ? scaleUp : Math.min(scaleUp, (c.nodes === 2 ? 2 : 1) * net)) * TREE_BW,
    channelCap(c, c.link.treePerChannel),
  );
  const treeCaps: PerProtocol = [Infinity, channelCap(c, c.link.treeLl128PerChannel), Infinity];
  const factor = treeProtocolBw(c.nodes);
  const last = c.tiers[c.tiers.length - 1]!;
  // Sends and receives step at the lowest-latency protocol the transports allow.
  const fastest = c.enabled.indexOf(true);
  let allToAllSPerByte = 0;
  let inside = 1;
  for (const t of c.tiers) {
    allToAllSPerByte = Math.max(allToAllSPerByte, (inside * (t.fanOut - 1)) / c.size / t.perRankBytesPerS);
    inside *= t.fanOut;
  }
  return {
    size: c.size,
    ranksPerNode: c.ranksPerNode,
    nodes: c.nodes,
    launchS: c.nodes > 1 ? NETWORK_COLLECTIVE_S : NODE_COLLECTIVE_S,
    channels: c.channels,
    channelTuning: c.link.channelTuning,
    ringPassS: perProtocol(c, (p) => c.tiers.reduce((s, t) => s + t.steps * hopS(c, t, 'ring', p), 0)),
    ringBusBytesPerS: perProtocolBw((p) => Math.min(ringCaps[p]!, ring * RING_PROTOCOL_BW[p]!)),
    ringBusCapBytesPerS: globalCaps,
    treeS: perProtocol(
      c,
      (p) =>
        BASE_S.tree[p]! +
        2 * c.tiers.reduce((s, t) => s + (t.scaleUp ? t.fanOut - 1 : log2Up(t.fanOut)) * hopS(c, t, 'tree', p), 0),
    ),
    treeBusBytesPerS: perProtocolBw((p) => Math.min(treeCaps[p]!, treeBus * factor[p]!)),
    treeBusCapBytesPerS: globalCaps,
    treeFillSPerByte: perProtocolBw((p) => fillSPerByte(treeStages(c, p))),
    nvls: nvls(c, scaleUp, net),
    pat:
      c.ranksPerNode === 1 && c.nodes > 1
        ? {
            latencyS:
              BASE_S.pat +
              c.tiers.reduce((s, t) => s + (log2Up(t.fanOut) * hopS(c, t, 'tree', SIMPLE)) / 3.5, 0) +
              c.size * PAT_RANK_S,
            busBytesPerS: ring * PAT_BW,
          }
        : undefined,
    allToAllS: BASE_S.ring[fastest]! + c.tiers.reduce((s, t) => s + t.steps * hopS(c, t, 'ring', fastest), 0),
    allToAllSPerByte,
    p2pS: hopS(c, last, 'ring', fastest),
    p2pBytesPerS: last.perRankBytesPerS,
  };
}

/**
 * NVLS (all-reduce on NVSwitch with in-switch reduction): each GPU sends its buffer once into the switch
 * and reads the reduced result back, (1 + 1/n) of the buffer per direction, at `nvlsEfficiency` of the
 * link (the traffic is derived; the efficiency published). Across nodes (NVLS tree) the node's NICs
 * carry the inter-node tree, at the tree's bandwidth. Simple only, at tuning.cc's latency. Its chunks
 * pass the reduction in the switch, the network up and down the tree, and the multicast back, each
 * storing a whole chunk (all_reduce.h: NVLS-tree runs ProtoSimple<1, 1>): the pipeline fill of one
 * wave of channels x heads chunks (nccl-pipeline.ts).
 */
function nvls(c: Crossing, scaleUp: number, net: number): SwitchedGroup['nvls'] {
  if (c.link.nvlsEfficiency === 0 || c.ranksPerNode < 2 || scaleUp === Infinity) return undefined;
  const inSwitch = c.link.nvlsEfficiency * scaleUp;
  const intra = inSwitch / (1 + 1 / c.ranksPerNode);
  // Every GPU heads a share inside one node; across nodes one head per NIC, one NIC per GPU.
  const ops = c.link.nvlsChannels[Math.min(c.nodes, 3) - 1]! * c.ranksPerNode;
  const stages: PipelineStage[] = [
    { count: 2, bytesPerS: inSwitch, storeAndForward: true },
    ...c.tiers.flatMap((t) =>
      t.scaleUp
        ? []
        : [
            {
              count: 2 * log2Up(t.fanOut),
              bytesPerS: t.capacityBytesPerS * (c.nodes === 2 ? 2 : 1),
              storeAndForward: true,
            },
          ],
    ),
  ];
  const pipeline = { ops, fillSPerByte: fillSPerByte(stages) };
  if (c.nodes === 1) return { latencyS: NVLS_S, bytesPerS: intra, maxChunkBytes: NVLS_CHUNK_BYTES, ...pipeline };
  const hops = c.tiers.reduce((s, t) => (t.scaleUp ? s : s + log2Up(t.fanOut) * t.nvlsTreeS), 0);
  const maxChunkBytes = c.link.nvlsTreeChunkBytes[c.nodes >= 4 ? 1 : 0]!;
  return {
    latencyS: NVLS_S + 2 * hops,
    bytesPerS: Math.min(intra, c.nodes === 2 ? net : net / 2),
    maxChunkBytes,
    ...pipeline,
  };
}

/** The cheapest protocol's index for a per-protocol time. */
function bestProtocol(time: (p: number) => number): number {
  let best = 0;
  let bestS = time(0);
  for (let p = 1; p < 3; p++) {
    const s = time(p);
    if (s < bestS) {
      best = p;
      bestS = s;
    }
  }
  return best;
}

/** A bus bandwidth on the channels NCCL keeps for the message (enqueue.cc `topoGetAlgoInfo`), under its global cap. */
const busAt = (busBytesPerS: number, capBytesPerS: number, used: number, channels: number): number =>
  Math.min(capBytesPerS, (busBytesPerS * used) / channels);

/** The channels a message runs on: fewer than the group's for a small one, under NCCL's channel tuning. */
const usedChannels = (g: SwitchedGroup, algorithm: 'ring' | 'tree', p: number, bytes: number): number =>
  g.channelTuning ? channelsUsed(bytes, channelBytes(algorithm, p, g.size), g.channels) : g.channels;

/** Ring latency of a collective under a protocol, with tuning.cc's plateau for a multi-node Simple all-reduce. */
const ringLatencyS = (g: SwitchedGroup, kind: Collective, p: number): number => {
  const passes = kind === 'all-reduce' ? 2 : 1;
  const plateau = p === SIMPLE && passes === 2 && g.nodes > 1 ? RING_PLATEAU : 1;
  return (BASE_S.ring[p]! + passes * g.ringPassS[p]!) * plateau;
};
const ringBytes = (g: SwitchedGroup, kind: Collective, bytes: number): number =>
  (bytes * (kind === 'all-reduce' ? 2 : 1) * (g.size - 1)) / g.size;

const ringAt = (g: SwitchedGroup, kind: Collective, bytes: number, p: number): number => {
  const bus = busAt(g.ringBusBytesPerS[p]!, g.ringBusCapBytesPerS[p]!, usedChannels(g, 'ring', p, bytes), g.channels);
  return ringLatencyS(g, kind, p) + ringBytes(g, kind, bytes) / bus + g.launchS;
};

/** Tree: tuning.cc's latency and corrected bandwidth on the channels kept, and the fill of one wave of chunks. */
const treeAt = (g: SwitchedGroup, bytes: number, p: number): number => {
  const used = usedChannels(g, 'tree', p, bytes);
  const bus = busAt(g.treeBusBytesPerS[p]!, g.treeBusCapBytesPerS[p]!, used, g.channels);
  const wave = Math.min(bytes, used * treeChunkBytes(p, bytes, used, g.nodes, g.ranksPerNode));
  return g.treeS[p]! + bytes / (0.5 * bus * treeCorrection(bytes, p)) + wave * g.treeFillSPerByte[p]! + g.launchS;
};

/**
 * What NCCL's tuner compares to choose (tuning.cc `ncclTopoGetAlgoTime`, called by enqueue.cc
 * `topoGetAlgoInfo` before it drops channels): latency + bytes over the bandwidth on all channels, with
 * the tree's size correction and the ring's plateau, and neither the channels a small message keeps
 * nor a pipeline's fill. NCCL runs what this picks, and the run takes what the other functions price.
 */
const tunerRingS = (g: SwitchedGroup, kind: Collective, bytes: number, p: number): number => {
  const bus = Math.min(g.ringBusCapBytesPerS[p]!, g.ringBusBytesPerS[p]!);
  return ringLatencyS(g, kind, p) + ringBytes(g, kind, bytes) / bus;
};
const tunerTreeS = (g: SwitchedGroup, bytes: number, p: number): number => {
  const bus = Math.min(g.treeBusCapBytesPerS[p]!, g.treeBusBytesPerS[p]!);
  return g.treeS[p]! + bytes / (0.5 * bus * treeCorrection(bytes, p));
};
const tunerNvlsS = (g: SwitchedGroup, bytes: number): number => {
  const v = g.nvls!;
  return v.latencyS + bytes / (v.bytesPerS * (g.nodes > 1 ? treeCorrection(bytes, SIMPLE) : 1));
};

/** The protocol NCCL's tuner picks for a ring or a tree (Infinity latencies rule out what a transport forbids). */
const ringTunerProtocol = (g: SwitchedGroup, kind: Collective, bytes: number): number =>
  bestProtocol((p) => tunerRingS(g, kind, bytes, p));
const treeTunerProtocol = (g: SwitchedGroup, bytes: number): number => bestProtocol((p) => tunerTreeS(g, bytes, p));

/** NCCL's algorithms on a switched group. */
export type NcclAlgorithm = 'ring' | 'tree' | 'nvls' | 'pat';

/**
 * The algorithm NCCL's tuner picks for an all-reduce, reduce-scatter or all-gather on the group, among
 * those that run it there (tree and NVLS all-reduce only; PAT with one GPU per node): the lowest tuning.cc
 * time, each algorithm at its own best protocol.
 */
export function ncclAlgorithm(g: SwitchedGroup, kind: Collective, bytes: number): NcclAlgorithm {
  const options: [NcclAlgorithm, number][] = [['ring', tunerRingS(g, kind, bytes, ringTunerProtocol(g, kind, bytes))]];
  if (kind === 'all-reduce') {
    options.push(['tree', tunerTreeS(g, bytes, treeTunerProtocol(g, bytes))]);
    if (g.nvls) options.push(['nvls', tunerNvlsS(g, bytes)]);
  } else if (g.pat) options.push(['pat', patS(g, bytes) - g.launchS]);
  return options.reduce((best, o) => (o[1] < best[1] ? o : best))[0];
}

/** Ring all-reduce, reduce-scatter or all-gather under the protocol NCCL's tuner picks. */
export function ringS(g: SwitchedGroup, kind: Collective, bytes: number): number {
  return ringAt(g, kind, bytes, ringTunerProtocol(g, kind, bytes));
}
export const ringProtocol = (g: SwitchedGroup, kind: Collective, bytes: number): NcclProtocol =>
  NCCL_PROTOCOLS[ringTunerProtocol(g, kind, bytes)]!;

/** Tree all-reduce under the protocol NCCL's tuner picks. */
export function treeS(g: SwitchedGroup, bytes: number): number {
  return treeAt(g, bytes, treeTunerProtocol(g, bytes));
}
export const treeProtocol = (g: SwitchedGroup, bytes: number): NcclProtocol =>
  NCCL_PROTOCOLS[treeTunerProtocol(g, bytes)]!;

/** NVLS or NVLS-tree all-reduce (Simple); the size correction as NCCL applies it to NVLS tree on Blackwell. */
export function nvlsS(g: SwitchedGroup, bytes: number): number {
  const v = g.nvls!;
  const wave = Math.min(bytes, v.ops * nvlsChunkBytes(g.nodes > 1, bytes, v.ops, v.maxChunkBytes));
  return (
    v.latencyS +
    bytes / (v.bytesPerS * (g.nodes > 1 ? treeCorrection(bytes, SIMPLE) : 1)) +
    wave * v.fillSPerByte +
    g.launchS
  );
}

/** PAT all-gather or reduce-scatter (Simple). */
export function patS(g: SwitchedGroup, bytes: number): number {
  const v = g.pat!;
  return v.latencyS + (bytes * (g.size - 1)) / (g.size * v.busBytesPerS) + g.launchS;
}

/**
 * All-to-all as NCCL runs it, grouped sends and receives to every peer: each tier carries the share of a
 * rank's bytes bound for members across it, through each member's own links or NIC; one LL step per peer.
 */
export const allToAllS = (g: SwitchedGroup, bytes: number): number =>
  g.allToAllS + bytes * g.allToAllSPerByte + g.launchS;

/** Point to point over the outermost crossed tier: its own link or NIC, one LL step. */
export const p2pS = (g: SwitchedGroup, bytes: number): number => g.p2pS + bytes / g.p2pBytesPerS + g.launchS;
