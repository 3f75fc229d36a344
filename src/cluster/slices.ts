/**
 * The slice a training job gets on TPU pods built from cubes joined by optical circuit switches (TPU
 * v4, v5p): any shape whose axes are multiples of the cube's, each axis wrapped around by the switches
 * (Jouppi et al., ISCA 2023, Section 2; scaling book, Part 2: training chips 'wrap around every axis that
 * is a multiple of 4'). A job larger than a pod runs one equal slice per pod, joined over the tiers
 * outside (PaLM: two pods of 3,072 chips, 12 x 16 x 16, over DCN). The job picks the slice shape whose
 * axes its plan's groups take whole, innermost group first. See docs/cluster.md, "Slices".
 */
import { torusView } from './torus.js';
import type { GroupPlacement, NetworkTier, SystemSpec } from './types.js';

const memo = new WeakMap<SystemSpec, Map<string, SystemSpec>>();

/**
 * The system as a job of `chips` chips sees it when its plan's group sizes, innermost first (tensor,
 * context, data, pipeline), are `groups`: the innermost tier, when it is a torus of optical-switch
 * cubes, becomes the job's slice. Other systems, and jobs that do not divide into whole cubes per pod,
 * come back unchanged. Memoized, so the same job gets the same object (layer caches key on it).
 */
export function sliceForPlan(system: SystemSpec, chips: number, groups: readonly number[]): SystemSpec {
  const key = `${chips}:${groups.join('x')}`;
  let bySystem = memo.get(system);
  if (!bySystem) memo.set(system, (bySystem = new Map()));
  let sliced = bySystem.get(key);
  if (!sliced) bySystem.set(key, (sliced = cut(system, chips, groups) ?? system));
  return sliced;
}

function cut(system: SystemSpec, chips: number, groups: readonly number[]): SystemSpec | undefined {
  const pod = system.tiers[0]!;
  const cube = pod.cube;
  const dims = pod.dims;
  if (pod.kind !== 'torus' || !cube || !dims || !Number.isInteger(chips) || chips < 1) return undefined;
  const edge = cube[0]!;
  const cubeChips = cube.reduce((a, b) => a * b, 1);
  if (cube.some((c) => c !== edge)) return undefined;
  let slices = Math.ceil(chips / pod.domainChips);
  while (slices <= chips / cubeChips && (chips % slices !== 0 || (chips / slices) % cubeChips !== 0)) slices++;
  if (slices > chips / cubeChips || (slices > 1 && system.tiers.length < 2)) return undefined;
  const sliceChips = chips / slices;
  const shape = bestShape(pod, sliceChips, edge, inSlice(groups, sliceChips));
  if (!shape) return undefined;
  const ici: NetworkTier = { ...pod, domainChips: sliceChips, dims: shape, wraparound: shape.map(() => true) };
  const podsPerTier = (t: NetworkTier): number => Math.ceil(t.domainChips / pod.domainChips);
  const outer =
    slices === 1
      ? []
      : system.tiers.slice(1).map((t) => ({ ...t, domainChips: sliceChips * Math.max(slices, podsPerTier(t)) }));
  const tiers = [ici, ...outer];
  return {
    ...system,
    description: `${system.description}; this job: ${slices} slice(s) of ${shape.join('x')}`,
    tiers,
    maxChips: tiers[tiers.length - 1]!.domainChips,
  };
}

/**
 * The plan's groups as they lie inside one slice: whole groups, then the slice's share of the group that spans slices.
 */
function inSlice(groups: readonly number[], sliceChips: number): GroupPlacement[] {
  const placed: GroupPlacement[] = [];
  let stride = 1;
  for (const size of groups) {
    if (size <= 1) continue;
    if (sliceChips % (stride * size) === 0) {
      placed.push({ size, stride });
      stride *= size;
      continue;
    }
    const share = sliceChips / stride;
    if (Number.isInteger(share) && share > 1 && size % share === 0) placed.push({ size: share, stride });
    break;
  }
  return placed;
}

/** Every ordered shape of multiples of `edge` with product `chips` that fits the pod's axes (sorted against sorted). */
function shapes(podDims: readonly number[], chips: number, edge: number): number[][] {
  const limits = [...podDims].sort((a, b) => a - b);
  const out: number[][] = [];
  const grow = (prefix: number[], left: number): void => {
    if (prefix.length === podDims.length - 1) {
      const shape = [...prefix, left];
      const sorted = [...shape].sort((a, b) => a - b);
      if (left % edge === 0 && sorted.every((d, i) => d <= limits[i]!)) out.push(shape);
      return;
    }
    for (let d = edge; d <= Math.min(left, limits[limits.length - 1]!); d += edge)
      if (left % d === 0) grow([...prefix, d], left / d);
  };
  grow([], chips);
  return out;
}

/** Whether score `a` beats `b`: at the first group where they differ, `a` is faster. */
function faster(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 1e-9 * b[i]!) return a[i]! < b[i]!;
  return false;
}

/**
 * The shape under which the groups' all-gathers move bytes fastest, compared innermost group first, then
 * by their summed hop latency (the first listed among equals).
 */
function bestShape(
  pod: NetworkTier,
  chips: number,
  edge: number,
  groups: readonly GroupPlacement[],
): number[] | undefined {
  let best: number[] | undefined;
  let bestScore: number[] = [];
  for (const shape of shapes(pod.dims!, chips, edge)) {
    const tier: NetworkTier = { ...pod, domainChips: chips, dims: shape, wraparound: shape.map(() => true) };
    const views = groups.map((p) => torusView(tier, p));
    const score = [...views.map((v) => 1 / v.bandwidthBytesPerS), views.reduce((s, v) => s + v.latencyS, 0)];
    if (best === undefined || faster(score, bestScore)) {
      best = shape;
      bestScore = score;
    }
  }
  return best;
}
