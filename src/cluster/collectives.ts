/**
 * Collective costs on a system, in closed form (latency + bytes over an achieved bandwidth), so a group
 * of a million chips costs what a group of eight does to compute: switched tiers by NCCL's model
 * (nccl.ts), torus tiers by the scaling book's (torus.ts), groups over both hierarchically. `bytes` is
 * the full buffer per rank: all-reduce the buffer, reduce-scatter the full input, all-gather the full
 * output, all-to-all what each rank sends in total (its own share included), p2p what is sent. See
 * docs/cluster.md.
 */
import { TpusimError } from '../core/errors.js';
import {
  allToAllS,
  ncclAlgorithm,
  nvlsS,
  p2pS,
  patS,
  ringProtocol,
  ringS,
  switchedGroup,
  treeProtocol,
  treeS,
  type SwitchedGroup,
} from './nccl.js';
import { TIER_KINDS } from './systems.js';
import { torusAllToAllS, torusGatherS, torusP2pS } from './torus.js';
import {
  COLLECTIVE_ALGORITHMS,
  type Collective,
  type CollectiveAlgorithm,
  type CollectiveCost,
  type GroupPlacement,
  type NcclProtocol,
  type NetworkTier,
  type SystemSpec,
} from './types.js';

export interface CollectiveOptions {
  /** Force an algorithm; by default the cheapest one that can run the collective on the group is used. */
  readonly algorithm?: CollectiveAlgorithm;
}

/** Where a group sits on a system, worked out once per (system, size, stride): the algorithms' view of it. */
interface Shape {
  /** The outermost tier the group spans. */
  readonly tier: number;
  /** Members of the group inside one domain of tiers 0..tier (the last is the whole group). */
  readonly members: readonly number[];
  /** NCCL's view of the group when every tier it crosses is switched (no torus). */
  readonly switched: SwitchedGroup | undefined;
  /** The algorithms that can run each collective on it, filled in on first use. */
  readonly runnable: Partial<Record<Collective, readonly CollectiveAlgorithm[]>>;
}

/** A group as the algorithms see it. */
interface Group extends Shape {
  readonly system: SystemSpec;
  readonly kind: Collective;
  readonly bytes: number;
  readonly placement: GroupPlacement;
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
const below = (g: Group, t: number): number => (t === 0 ? 1 : g.members[t - 1]!);

const MAX_SIZES = 10_000;
/** Shapes by system, group size and stride: the plan search asks for a few thousand groups millions of times. */
const shapeMemo = new WeakMap<SystemSpec, Map<number, Map<number, Shape>>>();

function shapeOf(system: SystemSpec, placement: GroupPlacement): Shape {
  let bySize = shapeMemo.get(system);
  if (!bySize) shapeMemo.set(system, (bySize = new Map()));
  let byStride = bySize.get(placement.size);
  if (!byStride) {
    if (bySize.size >= MAX_SIZES) bySize.clear();
    bySize.set(placement.size, (byStride = new Map()));
  }
  let shape = byStride.get(placement.stride);
  if (!shape) byStride.set(placement.stride, (shape = placeGroup(system, placement)));
  return shape;
}

function placeGroup(system: SystemSpec, placement: GroupPlacement): Shape {
  const tier = tierOf(system, placement);
  const members = system.tiers.slice(0, tier + 1).map((t, i) => {
    if (i === tier || placement.size <= 1) return placement.size;
    return placement.stride >= t.domainChips
      ? 1
      : Math.min(placement.size, Math.floor(t.domainChips / placement.stride));
  });
  // Tiers the group's traffic crosses: those holding more of its members than the tier inside them.
  const spans = members.flatMap((m, t) => (m > (t === 0 ? 1 : members[t - 1]!) ? [t] : []));
  const switched =
    spans.length > 0 && spans.every((t) => !isTorus(system.tiers[t]!))
      ? switchedGroup(system, placement.size, members, spans)
      : undefined;
  return { tier, members, switched, runnable: {} };
}

/** A p2p is priced between a rank and the next, `stride` chips on. */
function groupOf(system: SystemSpec, kind: Collective, bytes: number, placement: GroupPlacement): Group {
  const where = kind === 'p2p' ? { size: Math.min(2, placement.size), stride: placement.stride } : placement;
  const s = shapeOf(system, where);
  return {
    tier: s.tier,
    members: s.members,
    switched: s.switched,
    runnable: s.runnable,
    system,
    kind,
    bytes,
    placement: where,
  };
}

const sw = (g: Group): SwitchedGroup => g.switched!;

/**
 * The cheapest algorithm's time for a sub-group (used by the hierarchical scheme; its arguments derive from checked
 * ones).
 */
function subCost(g: Group, kind: Collective, bytes: number, placement: GroupPlacement): number {
  return placement.size === 1 ? 0 : cheapest(groupOf(g.system, kind, bytes, placement)).seconds;
}

/** Inner domain first, then one member per inner domain across the outer tier. */
function levelsOf(g: Group): { inner: GroupPlacement; outer: GroupPlacement; m: number } {
  const m = below(g, g.tier);
  const { size: n, stride } = g.placement;
  return { m, inner: { size: m, stride }, outer: { size: Math.ceil(n / m), stride: stride * m } };
}

interface AlgorithmModel {
  /** What the algorithm needs from the group, for the error when it is forced where it cannot run. */
  readonly needs: string;
  readonly fits: (g: Group) => boolean;
  readonly costs: Partial<Record<Collective, (g: Group) => number>>;
  /** The NCCL protocol it runs under, where it has a choice (asked of the winner only). */
  readonly protocol?: (g: Group) => NcclProtocol;
}

const onTorus = (g: Group): boolean => isTorus(tierAt(g, g.tier)) && (g.kind === 'p2p' || below(g, g.tier) === 1);
const torusTier = (g: Group): NetworkTier => tierAt(g, g.tier);
const ringCost = (g: Group): number => ringS(sw(g), g.kind, g.bytes);
const switched = (g: Group): boolean => g.switched !== undefined;
const SWITCHED = 'switched tiers (switch, fat-tree, rail, dragonfly)';
/**
 * On switched tiers NCCL runs these with its own algorithms (ring, tree, NVLS, PAT), never as a
 * reduce-scatter, all-reduce and all-gather across tiers (XLA's scheme over ICI and DCN); an
 * all-to-all may go in two stages (NVLink, then the network), as DeepEP's internode kernels do.
 */
const NCCL_ONLY: ReadonlySet<Collective> = new Set(['all-reduce', 'reduce-scatter', 'all-gather']);

/**
 * Each algorithm declares where it runs and what each collective costs. On switched tiers NCCL's model
 * (cluster/nccl.ts) prices ring, tree, NVLS and PAT under its three protocols; torus tiers follow the
 * scaling book (cluster/torus.ts); groups over a torus and the tiers outside it go hierarchical.
 */
const ALGORITHMS: Readonly<Record<CollectiveAlgorithm, AlgorithmModel>> = {
  ring: {
    needs: SWITCHED,
    fits: switched,
    costs: { 'all-reduce': ringCost, 'reduce-scatter': ringCost, 'all-gather': ringCost },
    protocol: (g) => ringProtocol(sw(g), g.kind, g.bytes),
  },
  tree: {
    needs: SWITCHED,
    fits: switched,
    costs: { 'all-reduce': (g) => treeS(sw(g), g.bytes) },
    protocol: (g) => treeProtocol(sw(g), g.bytes),
  },
  nvls: {
    needs: 'an NVSwitch that reduces in the switch (NVLink 4 or 5) and two or more members per node',
    fits: (g) => g.switched?.nvls !== undefined,
    costs: { 'all-reduce': (g) => nvlsS(sw(g), g.bytes) },
    protocol: () => 'Simple',
  },
  pat: {
    needs: 'one member per node on two or more nodes',
    fits: (g) => g.switched?.pat !== undefined,
    costs: { 'all-gather': (g) => patS(sw(g), g.bytes), 'reduce-scatter': (g) => patS(sw(g), g.bytes) },
    protocol: () => 'Simple',
  },
  torus: {
    needs: 'a group inside one torus tier',
    fits: onTorus,
    costs: {
      'all-reduce': (g) => 2 * torusGatherS(torusTier(g), g.placement, g.bytes),
      'reduce-scatter': (g) => torusGatherS(torusTier(g), g.placement, g.bytes),
      'all-gather': (g) => torusGatherS(torusTier(g), g.placement, g.bytes),
      'all-to-all': (g) => torusAllToAllS(torusTier(g), g.placement, g.bytes),
      p2p: (g) => torusP2pS(torusTier(g), g.placement, g.bytes),
    },
  },
  hierarchical: {
    needs:
      'a group with several members in each domain of the tier below its own, over a torus (on switched tiers, ' +
      'all-to-all only)',
    fits: (g) => g.tier > 0 && below(g, g.tier) > 1 && !(g.switched !== undefined && NCCL_ONLY.has(g.kind)),
    costs: {
      'all-reduce': (g) => {
        const { inner, outer, m } = levelsOf(g);
        return (
          subCost(g, 'reduce-scatter', g.bytes, inner) +
          subCost(g, 'all-reduce', g.bytes / m, outer) +
          subCost(g, 'all-gather', g.bytes, inner)
        );
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
        return (
          subCost(g, 'all-to-all', (g.bytes * m) / g.placement.size, inner) + subCost(g, 'all-to-all', g.bytes, outer)
        );
      },
    },
  },
  direct: {
    needs: 'switched tiers (a p2p needs only its outermost tier switched)',
    fits: switched,
    costs: {
      'all-to-all': (g) => allToAllS(sw(g), g.bytes),
      p2p: (g) => p2pS(sw(g), g.bytes),
    },
  },
};

function runs(algorithm: CollectiveAlgorithm, g: Group): boolean {
  const model = ALGORITHMS[algorithm];
  return model.costs[g.kind] !== undefined && model.fits(g);
}

/** The algorithms that run the group's collective, in the registry's order (worked out once per group shape). */
function runnable(g: Group): readonly CollectiveAlgorithm[] {
  const cached = g.runnable[g.kind];
  if (cached) return cached;
  const list = COLLECTIVE_ALGORITHMS.filter((a) => runs(a, g));
  (g.runnable as Partial<Record<Collective, readonly CollectiveAlgorithm[]>>)[g.kind] = list;
  return list;
}

function checkArguments(kind: Collective, bytes: number, placement: GroupPlacement): void {
  if (
    Number.isFinite(bytes) &&
    bytes >= 0 &&
    Number.isInteger(placement.size) &&
    placement.size >= 1 &&
    Number.isInteger(placement.stride) &&
    placement.stride >= 1
  )
    return;
  const problems: string[] = [];
  if (!Number.isFinite(bytes) || bytes < 0) problems.push(`bytes ${bytes} must be a finite number >= 0`);
  for (const key of ['size', 'stride'] as const) {
    const v = placement[key];
    if (!Number.isInteger(v) || v < 1) problems.push(`placement.${key} ${v} must be a positive integer`);
  }
  if (problems.length > 0) throw new TpusimError('invalid_collective', `${kind}: ${problems.join('; ')}`);
}

/** The result, with the protocol where NCCL's model picked one. */
function costOf(g: Group, algorithm: CollectiveAlgorithm, seconds: number): CollectiveCost {
  const tier = tierAt(g, g.tier).name;
  const protocol = ALGORITHMS[algorithm].protocol;
  return protocol === undefined ? { seconds, algorithm, tier } : { seconds, algorithm, tier, protocol: protocol(g) };
}

/**
 * The algorithm that runs the group's collective: on switched tiers NCCL's own choice for its collectives
 * (its tuner's model picks, nccl.ts), otherwise the cheapest (the first listed among equals).
 */
function cheapestS(g: Group): { seconds: number; algorithm: CollectiveAlgorithm | undefined } {
  if (g.switched !== undefined && NCCL_ONLY.has(g.kind)) {
    const algorithm = ncclAlgorithm(g.switched, g.kind, g.bytes);
    return { seconds: ALGORITHMS[algorithm].costs[g.kind]!(g), algorithm };
  }
  let seconds = Infinity;
  let algorithm: CollectiveAlgorithm | undefined;
  for (const a of runnable(g)) {
    const s = ALGORITHMS[a].costs[g.kind]!(g);
    if (algorithm === undefined || s < seconds) {
      seconds = s;
      algorithm = a;
    }
  }
  return { seconds, algorithm };
}

function cheapest(g: Group): CollectiveCost {
  const { seconds, algorithm } = cheapestS(g);
  if (algorithm === undefined)
    throw new TpusimError(
      'unsupported_algorithm',
      `no algorithm runs ${g.kind} on this group of ${g.placement.size} on ${g.system.name}`,
    );
  return costOf(g, algorithm, seconds);
}

/**
 * Time of one collective by a group of chips on a system, with the algorithm used, the outermost tier
 * it spans and, on switched tiers, NCCL's protocol. For a training job on TPU v4/v5p pods, pass the
 * system `sliceForPlan` (cluster/slices.ts) cuts for the job, so the plan's groups follow the slice's axes.
 */
export function collectiveCost(
  system: SystemSpec,
  kind: Collective,
  bytes: number,
  placement: GroupPlacement,
  options: CollectiveOptions = {},
): CollectiveCost {
  checkArguments(kind, bytes, placement);
  const g = groupOf(system, kind, bytes, placement);
  if (placement.size === 1)
    return { seconds: 0, algorithm: options.algorithm ?? 'direct', tier: tierAt(g, g.tier).name };
  const forced = options.algorithm;
  if (forced === undefined) return cheapest(g);
  if (!runs(forced, g)) {
    const what =
      ALGORITHMS[forced].costs[kind] === undefined ? `does not implement ${kind}` : `needs ${ALGORITHMS[forced].needs}`;
    throw new TpusimError(
      'unsupported_algorithm',
      `${forced} ${what} (group of ${placement.size}, stride ${placement.stride}, on ${system.name})`,
    );
  }
  return costOf(g, forced, ALGORITHMS[forced].costs[kind]!(g));
}

/**
 * Seconds of a collective by `size` ranks `stride` apart (0 for one rank or no bytes): what the training and serving
 * models add up.
 */
export function collectiveSeconds(
  system: SystemSpec,
  kind: Collective,
  bytes: number,
  size: number,
  stride: number,
): number {
  if (size <= 1 || bytes <= 0) return 0;
  return collectiveCost(system, kind, bytes, { size, stride }).seconds;
}
