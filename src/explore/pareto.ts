/**
 * Pareto sets over any number of objectives. Internally everything is minimised: `toMinimised` flips
 * maximised objectives. Non-dominated sorting is Deb et al.'s fast sort (NSGA-II, IEEE TEC 6(2), 2002),
 * O(m n^2). Hypervolume is exact: a sweep over the first objective in 2-D, and for more objectives
 * slicing by the last objective (Hypervolume by Slicing Objectives, While et al., IEEE TEC 10(1), 2006),
 * each slab's (d-1)-dimensional volume computed the same way down to 2-D.
 */
export type Direction = 'min' | 'max';

/** Objective vectors with maximised objectives negated, so that smaller is better everywhere. */
export function toMinimised(points: readonly (readonly number[])[], directions: readonly Direction[]): number[][] {
  return points.map((p) => p.map((v, i) => (directions[i] === 'max' ? -v : v)));
}

/** a dominates b: no worse in every objective and better in one (minimisation). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/** Fronts of indices: front 0 is non-dominated, front 1 non-dominated once front 0 is removed, and so on. */
export function nonDominatedSort(
  points: readonly (readonly number[])[],
  dominatesFn: (a: number, b: number) => boolean = (a, b) => dominates(points[a]!, points[b]!),
): number[][] {
  const n = points.length;
  const dominated: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  const fronts: number[][] = [[]];
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      if (dominatesFn(p, q)) {
        dominated[p]!.push(q);
        count[q]!++;
      } else if (dominatesFn(q, p)) {
        dominated[q]!.push(p);
        count[p]!++;
      }
    }
  }
  for (let p = 0; p < n; p++) if (count[p] === 0) fronts[0]!.push(p);
  for (let f = 0; fronts[f]!.length > 0; f++) {
    const next: number[] = [];
    for (const p of fronts[f]!) for (const q of dominated[p]!) if (--count[q]! === 0) next.push(q);
    fronts.push(next.sort((a, b) => a - b));
  }
  fronts.pop();
  return fronts;
}

/** Indices of the non-dominated points, in input order (duplicates of a front point are all kept). */
export function paretoFront(points: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  const min = toMinimised(points, directions);
  return min.map((_, i) => i).filter((i) => !min.some((q, j) => j !== i && dominates(q, min[i]!)));
}

function hv2(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let volume = 0;
  let bestY = ref[1]!;
  for (const p of sorted) {
    if (p[1]! < bestY) {
      volume += (ref[0]! - p[0]!) * (bestY - p[1]!);
      bestY = p[1]!;
    }
  }
  return volume;
}

function hvSlices(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const d = ref.length;
  if (points.length === 0) return 0;
  if (d === 1) return ref[0]! - Math.min(...points.map((p) => p[0]!));
  if (d === 2) return hv2(points, ref);
  const sorted = [...points].sort((a, b) => a[d - 1]! - b[d - 1]!);
  const lower = ref.slice(0, d - 1);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? sorted[i + 1]![d - 1]! : ref[d - 1]!;
    const depth = top - sorted[i]![d - 1]!;
    if (depth <= 0) continue;
    const slab = sorted.slice(0, i + 1).map((p) => p.slice(0, d - 1));
    const front = slab.filter(
      (p, j) => !slab.some((q, k) => k !== j && (dominates(q, p) || (k < j && q.every((v, t) => v === p[t])))),
    );
    volume += depth * hvSlices(front, lower);
  }
  return volume;
}

/**
 * Exact hypervolume dominated by `points` (minimised) and bounded by the reference point `ref`; points
 * that do not strictly dominate `ref` in every objective add nothing.
 */
export function hypervolume(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const inside = points.filter((p) => p.every((v, i) => v < ref[i]!));
  return hvSlices(inside, ref);
}

/**
 * The knee of a front: the point closest (Euclidean) to the ideal point once each objective is scaled to
 * [0, 1] over the front; index into `points`, or -1 for an empty set.
 */
export function kneePoint(points: readonly (readonly number[])[], directions: readonly Direction[]): number {
  const min = toMinimised(points, directions);
  if (min.length === 0) return -1;
  const m = directions.length;
  const lo = Array.from({ length: m }, (_, i) => Math.min(...min.map((p) => p[i]!)));
  const hi = Array.from({ length: m }, (_, i) => Math.max(...min.map((p) => p[i]!)));
  let best = -1;
  let bestDistance = Infinity;
  min.forEach((p, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      const span = hi[i]! - lo[i]!;
      const t = span > 0 ? (p[i]! - lo[i]!) / span : 0;
      s += t * t;
    }
    if (s < bestDistance) {
      bestDistance = s;
      best = j;
    }
  });
  return best;
}
