/**
 * Collectives on a torus tier (TPU ICI), after the scaling book (J. Austin et al., "How to Scale Your
 * Model", Part 3): a group that takes whole axes runs each axis as a bidirectional ring and the axes'
 * bandwidths add; a group that does not follow the axes runs one ring through its members, over the
 * hops between them. See docs/cluster.md, "Torus tiers".
 */
import type { GroupPlacement, NetworkTier } from './types.js';

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
 * comms'). Undefined when the placement does not follow the axes.
 */
export function torusAxes(tier: NetworkTier, placement: GroupPlacement): AxisUse[] | undefined {
  const dims = tier.dims ?? [tier.domainChips];
  const used: AxisUse[] = [];
  let stride = placement.stride;
  let remaining = placement.size;
  for (const [a, d] of dims.entries()) {
    if (remaining === 1) break;
    if (stride >= d) {
      if (stride % d !== 0) return undefined;
      stride /= d;
      continue;
    }
    if (d % stride !== 0) return undefined;
    const count = Math.min(remaining, d / stride);
    if (remaining % count !== 0) return undefined;
    used.push({ count, hopStride: stride, wraps: count === d / stride && (tier.wraparound?.[a] ?? false) });
    remaining /= count;
    stride = 1;
  }
  return remaining === 1 ? used : undefined;
}

const linkBw = (tier: NetworkTier): number => tier.linkBandwidthBytesPerS ?? tier.bandwidthBytesPerS;
/**
 * Bidirectional bandwidth a member gets on an axis: both directions of a ring, one of a line, shared by strided groups.
 */
const axisBw = (tier: NetworkTier, a: AxisUse): number => (linkBw(tier) * (a.wraps ? 2 : 1)) / a.hopStride;
/** Hops to reach every member: half a ring, the whole of a line (the book's 'sum of |X_i| / 2'). */
const axisHops = (a: AxisUse): number => (a.wraps ? Math.floor(a.count / 2) : a.count - 1) * a.hopStride;

/** What the torus algorithms need of a group: its bidirectional bandwidth, latency and all-to-all bisection bound. */
export interface TorusView {
  readonly bandwidthBytesPerS: number;
  readonly latencyS: number;
  /** Seconds per byte of a rank's all-to-all through the narrowest bisection. */
  readonly bisectionSPerByte: number;
}

/** Hops between chips `a` and `b` along each axis (the shorter way round where the axis wraps). */
function axisDistances(tier: NetworkTier, a: number, b: number): number[] {
  const dims = tier.dims ?? [tier.domainChips];
  return dims.map((d, i) => {
    const delta = Math.abs((a % d) - (b % d));
    a = Math.floor(a / d);
    b = Math.floor(b / d);
    return tier.wraparound?.[i] ? Math.min(delta, d - delta) : delta;
  });
}

/** Total hops from a chip to the chip `stride` further on (where the next rank of a p2p pipeline sits). */
export const hopsTo = (tier: NetworkTier, stride: number): number =>
  axisDistances(tier, 0, stride).reduce((s, h) => s + h, 0);

const ringMemo = new WeakMap<NetworkTier, Map<string, TorusView>>();

/**
 * A group off the axes runs one ring through its members in rank order, and the `stride` groups beside
 * it run theirs at the same time. Every chip sends each step, so an axis's links carry the mean hops
 * per ring edge on that axis: the busiest axis sets the bandwidth, 2 W_link / mean hops on a wrapped
 * axis (both directions), W_link / mean hops on an open one. Memoized per tier and placement.
 */
function ringView(tier: NetworkTier, placement: GroupPlacement): TorusView {
  const key = `${placement.size}:${placement.stride}`;
  let views = ringMemo.get(tier);
  if (!views) ringMemo.set(tier, (views = new Map()));
  const hit = views.get(key);
  if (hit) return hit;
  const { size: n, stride } = placement;
  const dims = tier.dims ?? [tier.domainChips];
  const hops = dims.map(() => 0);
  for (let r = 0; r < n; r++)
    axisDistances(tier, r * stride, ((r + 1) % n) * stride).forEach((h, i) => (hops[i]! += h / n));
  const slowest = Math.max(...hops.map((h, i) => h / (tier.wraparound?.[i] ? 2 : 1)));
  const bandwidthBytesPerS = linkBw(tier) / slowest;
  const view = {
    bandwidthBytesPerS,
    latencyS: Math.ceil((n - 1) / 2) * hops.reduce((s, h) => s + h, 0) * tier.latencyS,
    bisectionSPerByte: n / (4 * bandwidthBytesPerS),
  };
  views.set(key, view);
  return view;
}

export function torusView(tier: NetworkTier, placement: GroupPlacement): TorusView {
  const axes = torusAxes(tier, placement);
  if (!axes) return ringView(tier, placement);
  return {
    bandwidthBytesPerS: axes.reduce((s, a) => s + axisBw(tier, a), 0),
    latencyS: axes.reduce((s, a) => s + axisHops(a), 0) * tier.latencyS,
    bisectionSPerByte: Math.max(...axes.map((a) => a.count / (4 * axisBw(tier, a)))),
  };
}

/**
 * Scaling book, Part 3, 'How long does this take?': a bidirectional all-gather over an axis takes
 * V / W_ici (bidirectional), independent of the axis length; over several axes the bandwidths add
 * ('bytes / (bidirectional ICI bandwidth * num_axes)'). We keep the exact (N - 1) / N the book drops.
 */
export function torusGatherS(tier: NetworkTier, placement: GroupPlacement, bytes: number): number {
  const v = torusView(tier, placement);
  return (((placement.size - 1) / placement.size) * bytes) / v.bandwidthBytesPerS + v.latencyS;
}

/**
 * Scaling book, Part 3, 'Our final communication primitive: the AllToAll': V x max(A, B, C) / (4 N W_ici)
 * for V bytes over all N devices, i.e. per-device bytes x the longest axis / (4 W): the bisection bound.
 */
export function torusAllToAllS(tier: NetworkTier, placement: GroupPlacement, bytes: number): number {
  const v = torusView(tier, placement);
  return (
    Math.max((((placement.size - 1) / placement.size) * bytes) / v.bandwidthBytesPerS, bytes * v.bisectionSPerByte) +
    v.latencyS
  );
}

/** The next rank is `stride` chips on, over the hops between them; strided pipelines share those links. */
export function torusP2pS(tier: NetworkTier, placement: GroupPlacement, bytes: number): number {
  const hops = hopsTo(tier, placement.stride);
  return (bytes * hops) / linkBw(tier) + hops * tier.latencyS;
}
