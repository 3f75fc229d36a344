/**
 * Collective costs on a system, in closed form (bandwidth term + per-step latency), so a group of a
 * million chips costs what a group of eight does to compute. `bytes` is the full buffer per rank:
 * all-reduce the buffer, reduce-scatter the full input, all-gather the full output, all-to-all what
 * each rank sends in total (its own share included), p2p what is sent. See docs/cluster.md.
 */
import { TpusimError } from '../core/errors.js';
import { TIER_KINDS } from './systems.js';
import { COLLECTIVE_ALGORITHMS, type Collective, type CollectiveAlgorithm, type CollectiveCost, type GroupPlacement, type NetworkTier, type SystemSpec } from './types.js';

export interface CollectiveOptions {
  /** Force an algorithm; by default the cheapest one that can run the collective on the group is used. */
  readonly algorithm?: CollectiveAlgorithm;
}

/** A group as the algorithms see it. */
interface Group {
  readonly system: SystemSpec;
  readonly kind: Collective;
  readonly bytes: number;
  readonly placement: GroupPlacement;
  /** The outermost tier the group spans. */
  readonly tier: number;
  /** Members of the group inside one domain of tiers 0..tier (the last is the whole group). */
  readonly members: readonly number[];
  /** Tiers the group's traffic crosses: those holding more of its members than the tier inside them. */
  readonly spans: readonly number[];
  /** Whether every tier it crosses is switched (no torus). */
  readonly switched: boolean;
  /**
   * Switched fabrics, NCCL-style: a ring over several tiers runs one channel per member of the inner
   * domain, each leaving through its own NIC (rail-optimised), so a tier offers members-below x
   * per-chip bandwidth; the slowest tier bounds the bus bandwidth (NCCL tuning.cc: busBw = channels x
   * per-channel speed).
   */
  readonly busBandwidthBytesPerS: number;
}

/**
 * The innermost tier whose domain holds the whole group. A group of `size` ranks `stride` apart spans
 * size x stride consecutive chips (the `stride` groups beside it fill the gaps); domains are aligned
 * blocks of consecutive chips. Groups too big for every tier sit in the outermost one.
 */
export function tierOf(system: SystemSpec, placement: GroupPlacement): number {
  if (placement.size <= 1) return 0;
  const span = placement.size * placement.stride;
  const t = system.tiers.findIndex((tier) => span <= tier.domainChips);
  return t < 0 ? system.tiers.length - 1 : t;
}

const tierAt = (g: Group, t: number): NetworkTier => g.system.tiers[t]!;
const isTorus = (tier: NetworkTier): boolean => TIER_KINDS[tier.kind].torus;
const injectionBw = (tier: NetworkTier): number => tier.bandwidthBytesPerS / (tier.oversubscription ?? 1);
const below = (g: Group, t: number): number => (t === 0 ? 1 : g.members[t - 1]!);
const spanned = (g: Group): readonly number[] => g.spans;
const size = (g: Group): number => g.placement.size;
const share = (g: Group): number => (size(g) - 1) / size(g);

function groupOf(system: SystemSpec, kind: Collective, bytes: number, placement: GroupPlacement): Group {
  const tier = tierOf(system, placement);
  const members = system.tiers.slice(0, tier + 1).map((t, i) => {
    if (i === tier || placement.size <= 1) return placement.size;
    return placement.stride >= t.domainChips ? 1 : Math.min(placement.size, Math.floor(t.domainChips / placement.stride));
  });
  const spans: number[] = [];
  let switched = true;
  let busBandwidthBytesPerS = Infinity;
  for (let t = 0; t < members.length; t++) {
    const inner = t === 0 ? 1 : members[t - 1]!;
    if (members[t]! <= inner) continue;
    spans.push(t);
    const tierSpec = system.tiers[t]!;
    if (isTorus(tierSpec)) switched = false;
    busBandwidthBytesPerS = Math.min(busBandwidthBytesPerS, inner * injectionBw(tierSpec));
  }
  return { system, kind, bytes, placement, tier, members, spans, switched, busBandwidthBytesPerS };
}

/** Ring steps that cross each tier, priced at its latency: (g - 1) steps in all, as NCCL counts them. */
function ringLatency(g: Group): number {
  return spanned(g).reduce((s, t) => s + (Math.ceil(size(g) / below(g, t)) - Math.ceil(size(g) / g.members[t]!)) * tierAt(g, t).latencyS, 0);
}

/** A tree's depth per tier (log2 of its fan-out there), priced at that tier's latency. */
function treeLatency(g: Group): number {
  return spanned(g).reduce((s, t) => s + Math.ceil(Math.log2(g.members[t]! / below(g, t))) * tierAt(g, t).latencyS, 0);
}

/** How a group lies on one torus axis: members on it, hops between neighbours, whether it closes a ring. */
interface AxisUse {
  readonly count: number;
  readonly hopStride: number;
  readonly wraps: boolean;
}

/**
 * Chips are numbered along the torus axes, first axis fastest. A group takes whole axes, or the start of
 * one, from its stride outward; ranks `hopStride` chips apart share each link with `hopStride` - 1 groups
 * beside them. An axis is a ring only when the group covers it and it wraps around; a partial axis is a
 * line (scaling book, Part 2: without wraparound 'it typically doubles the time of most throughput-bound
 * comms'). Placements that do not follow the axes are costed as one line of strided hops.
 */
function torusAxes(tier: NetworkTier, placement: GroupPlacement): AxisUse[] {
  const dims = tier.dims ?? [tier.domainChips];
  const fallback = [{ count: placement.size, hopStride: placement.stride, wraps: false }];
  const used: AxisUse[] = [];
  let stride = placement.stride;
  let remaining = placement.size;
  for (const [a, d] of dims.entries()) {
    if (remaining === 1) break;
    if (stride >= d) {
      if (stride % d !== 0) return fallback;
      stride /= d;
      continue;
    }
    if (d % stride !== 0) return fallback;
    const count = Math.min(remaining, d / stride);
    if (remaining % count !== 0) return fallback;
    used.push({ count, hopStride: stride, wraps: count === d / stride && (tier.wraparound?.[a] ?? false) });
    remaining /= count;
    stride = 1;
  }
  return remaining === 1 ? used : fallback;
}

/** Bidirectional bandwidth a member gets on an axis: both directions of a ring, one of a line, shared by strided groups. */
const axisBw = (tier: NetworkTier, a: AxisUse): number => ((tier.linkBandwidthBytesPerS ?? tier.bandwidthBytesPerS) * (a.wraps ? 2 : 1)) / a.hopStride;
/** Hops to reach every member: half a ring, the whole of a line (the book's 'sum of |X_i| / 2'). */
const axisHops = (a: AxisUse): number => (a.wraps ? Math.floor(a.count / 2) : a.count - 1) * a.hopStride;

interface TorusView {
  readonly tier: NetworkTier;
  readonly axes: readonly AxisUse[];
  readonly bandwidth: number;
  readonly latency: number;
}

function torusView(g: Group): TorusView {
  const tier = tierAt(g, g.tier);
  const axes = torusAxes(tier, g.placement);
  const bandwidth = axes.reduce((s, a) => s + axisBw(tier, a), 0);
  const latency = axes.reduce((s, a) => s + axisHops(a), 0) * tier.latencyS;
  return { tier, axes, bandwidth, latency };
}

/**
 * Scaling book, Part 3 (sharding), 'How long does this take?': a bidirectional all-gather over an axis
 * takes V / W_ici (bidirectional), independent of the axis length; over several axes the bandwidths add
 * ('bytes / (bidirectional ICI bandwidth * num_axes)'). We keep the exact (N - 1) / N the book drops.
 */
const torusGather = (g: Group): number => {
  const v = torusView(g);
  return (share(g) * g.bytes) / v.bandwidth + v.latency;
};

/**
 * Scaling book, Part 3, 'Our final communication primitive: the AllToAll': V x max(A, B, C) / (4 N W_ici)
 * for V bytes over all N devices, i.e. per-device bytes x the longest axis / (4 W): the bisection bound.
 */
function torusAllToAll(g: Group): number {
  const v = torusView(g);
  const bisection = Math.max(...v.axes.map((a) => a.count / (4 * axisBw(v.tier, a))));
  return Math.max((share(g) * g.bytes) / v.bandwidth, g.bytes * bisection) + v.latency;
}

/** Next rank is `hopStride` hops along the first axis; strided pipelines share those links. */
function torusP2p(g: Group): number {
  const v = torusView(g);
  const hop = v.axes[0]?.hopStride ?? 1;
  return (g.bytes * hop) / (v.tier.linkBandwidthBytesPerS ?? v.tier.bandwidthBytesPerS) + hop * v.tier.latencyS;
}

/** The cheapest algorithm's time for a sub-group (used by the hierarchical scheme; its arguments derive from checked ones). */
function subCost(g: Group, kind: Collective, bytes: number, placement: GroupPlacement): number {
  return placement.size === 1 ? 0 : cheapest(groupOf(g.system, kind, bytes, placement)).seconds;
}

/** Inner domain first, then one member per inner domain across the outer tier. */
function levelsOf(g: Group): { inner: GroupPlacement; outer: GroupPlacement; m: number } {
  const m = below(g, g.tier);
  const { size: n, stride } = g.placement;
  return { m, inner: { size: m, stride }, outer: { size: Math.ceil(n / m), stride: stride * m } };
}

/** NCCL tuning.cc: a tree reaches 0.9 of the bus bandwidth (`busBw = min(busBw * .9, maxTreeBw)`). */
const TREE_EFFICIENCY = 0.9;

interface AlgorithmModel {
  /** What the algorithm needs from the group, for the error when it is forced where it cannot run. */
  readonly needs: string;
  readonly fits: (g: Group) => boolean;
  readonly costs: Partial<Record<Collective, (g: Group) => number>>;
}

/**
 * Each algorithm declares where it runs and what each collective costs. Ring and tree follow NCCL's
 * model (tuning.cc: ring bus bandwidth = algorithm bandwidth x 2(n-1)/n for all-reduce; tree algorithm
 * bandwidth = 0.5 x 0.9 x bus bandwidth, with log-depth latency).
 */
const ALGORITHMS: Readonly<Record<CollectiveAlgorithm, AlgorithmModel>> = {
  ring: {
    needs: 'switched tiers (switch, fat-tree, rail, dragonfly)',
    fits: (g) => g.switched,
    costs: {
      'all-reduce': (g) => (2 * share(g) * g.bytes) / g.busBandwidthBytesPerS + 2 * ringLatency(g),
      'reduce-scatter': (g) => (share(g) * g.bytes) / g.busBandwidthBytesPerS + ringLatency(g),
      'all-gather': (g) => (share(g) * g.bytes) / g.busBandwidthBytesPerS + ringLatency(g),
    },
  },
  tree: {
    needs: 'switched tiers (switch, fat-tree, rail, dragonfly)',
    fits: (g) => g.switched,
    costs: { 'all-reduce': (g) => (2 * g.bytes) / (TREE_EFFICIENCY * g.busBandwidthBytesPerS) + 2 * treeLatency(g) },
  },
  torus: {
    needs: 'a group inside one torus tier',
    fits: (g) => isTorus(tierAt(g, g.tier)) && (g.kind === 'p2p' || below(g, g.tier) === 1),
    costs: {
      'all-reduce': (g) => 2 * torusGather(g),
      'reduce-scatter': torusGather,
      'all-gather': torusGather,
      'all-to-all': torusAllToAll,
      p2p: torusP2p,
    },
  },
  hierarchical: {
    needs: 'a group with several members in each domain of the tier below its own',
    fits: (g) => g.tier > 0 && below(g, g.tier) > 1,
    costs: {
      'all-reduce': (g) => {
        const { inner, outer, m } = levelsOf(g);
        return subCost(g, 'reduce-scatter', g.bytes, inner) + subCost(g, 'all-reduce', g.bytes / m, outer) + subCost(g, 'all-gather', g.bytes, inner);
      },
      'reduce-scatter': (g) => {
        const { inner, outer, m } = levelsOf(g);
        return subCost(g, 'reduce-scatter', g.bytes, inner) + subCost(g, 'reduce-scatter', g.bytes / m, outer);
      },
      'all-gather': (g) => {
        const { inner, outer, m } = levelsOf(g);
        return subCost(g, 'all-gather', g.bytes / m, outer) + subCost(g, 'all-gather', g.bytes, inner);
      },
      'all-to-all': (g) => {
        const { inner, outer, m } = levelsOf(g);
        return subCost(g, 'all-to-all', (g.bytes * m) / size(g), inner) + subCost(g, 'all-to-all', g.bytes, outer);
      },
    },
  },
  direct: {
    needs: 'switched tiers (a p2p needs only its outermost tier switched)',
    fits: (g) => (g.kind === 'p2p' ? !isTorus(tierAt(g, g.tier)) : g.switched),
    costs: {
      // Pairwise exchange: each tier carries the share of a rank's bytes bound for members across it.
      'all-to-all': (g) =>
        Math.max(...spanned(g).map((t) => (((g.members[t]! - below(g, t)) / size(g)) * g.bytes) / injectionBw(tierAt(g, t)))) + ringLatency(g),
      p2p: (g) => g.bytes / injectionBw(tierAt(g, g.tier)) + tierAt(g, g.tier).latencyS,
    },
  },
};

function runs(algorithm: CollectiveAlgorithm, g: Group): boolean {
  const model = ALGORITHMS[algorithm];
  return model.costs[g.kind] !== undefined && model.fits(g);
}

function checkArguments(kind: Collective, bytes: number, placement: GroupPlacement): void {
  const problems: string[] = [];
  if (!Number.isFinite(bytes) || bytes < 0) problems.push(`bytes ${bytes} must be a finite number >= 0`);
  for (const key of ['size', 'stride'] as const) {
    const v = placement[key];
    if (!Number.isInteger(v) || v < 1) problems.push(`placement.${key} ${v} must be a positive integer`);
  }
  if (problems.length > 0) throw new TpusimError('invalid_collective', `${kind}: ${problems.join('; ')}`);
}

/** The cheapest algorithm that runs the group's collective (the first listed among equals). */
function cheapest(g: Group): CollectiveCost {
  let seconds = Infinity;
  let algorithm: CollectiveAlgorithm | undefined;
  for (const a of COLLECTIVE_ALGORITHMS) {
    if (!runs(a, g)) continue;
    const s = ALGORITHMS[a].costs[g.kind]!(g);
    if (algorithm === undefined || s < seconds) {
      seconds = s;
      algorithm = a;
    }
  }
  if (algorithm === undefined) throw new TpusimError('unsupported_algorithm', `no algorithm runs ${g.kind} on this group of ${g.placement.size} on ${g.system.name}`);
  return { seconds, algorithm, tier: tierAt(g, g.tier).name };
}

/** Time of one collective by a group of chips on a system, with the algorithm used and the outermost tier it spans. */
export function collectiveCost(system: SystemSpec, kind: Collective, bytes: number, placement: GroupPlacement, options: CollectiveOptions = {}): CollectiveCost {
  checkArguments(kind, bytes, placement);
  const g = groupOf(system, kind, bytes, placement);
  const tier = tierAt(g, g.tier).name;
  if (placement.size === 1) return { seconds: 0, algorithm: options.algorithm ?? 'direct', tier };
  const forced = options.algorithm;
  if (forced === undefined) return cheapest(g);
  if (!runs(forced, g)) {
    const what = ALGORITHMS[forced].costs[kind] === undefined ? `does not implement ${kind}` : `needs ${ALGORITHMS[forced].needs}`;
    throw new TpusimError('unsupported_algorithm', `${forced} ${what} (group of ${placement.size}, stride ${placement.stride}, on ${system.name})`);
  }
  return { seconds: ALGORITHMS[forced].costs[kind]!(g), algorithm: forced, tier };
}
