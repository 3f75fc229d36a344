/**
 * NSGA-II (Deb, Pratap, Agarwal, Meyarivan, IEEE TEC 6(2), 2002) over the unit cube [0, 1]^d, minimising:
 * fast non-dominated sorting with Deb's constraint domination (a feasible point beats an infeasible one,
 * of two infeasible points the smaller violation wins), crowding distance, binary tournaments, simulated
 * binary crossover and polynomial mutation in their bounded forms (Deb's reference code, nsga2-v1.1).
 *
 * Generation by generation: a runner asks for the candidates (`nsga2Initial`, `nsga2Offspring`), evaluates
 * them anywhere, and hands the results back (`nsga2Start`, `nsga2Advance`). The state is plain JSON and
 * every random draw comes from a stream seeded by (seed, generation), so a checkpointed state resumes
 * into exactly the run that was interrupted.
 */
import { createRng, type Rng } from '../core/rng.js';
import { mixSeed } from './hash.js';
import { dominates, nonDominatedSort } from './pareto.js';

export interface Nsga2Options {
  readonly population: number;
  readonly seed: number;
  /** Distribution index of SBX (default 15) and of polynomial mutation (default 20). */
  readonly crossoverEta?: number;
  readonly mutationEta?: number;
  /** Probability that a pair is crossed (default 0.9); of mutating each variable (default 1/d). */
  readonly crossoverProbability?: number;
  readonly mutationProbability?: number;
}

/** What evaluating a candidate gives: objectives to minimise and a constraint violation (0 = feasible). */
export interface Nsga2Fitness {
  readonly objectives: readonly number[];
  readonly violation: number;
}

export interface Nsga2Individual extends Nsga2Fitness {
  readonly x: readonly number[];
}

export interface Nsga2State {
  /** Generations completed (the initial population is generation 0). */
  readonly generation: number;
  readonly dims: number;
  readonly population: readonly Nsga2Individual[];
}

const beats = (a: Nsga2Individual, b: Nsga2Individual): boolean =>
  a.violation > 0 || b.violation > 0 ? a.violation < b.violation : dominates(a.objectives, b.objectives);

/** Crowding distance of each member of one front (infinite at the ends of every objective). */
export function crowdingDistance(front: readonly (readonly number[])[]): number[] {
  const n = front.length;
  const distance = new Array<number>(n).fill(0);
  if (n === 0) return distance;
  for (let m = 0; m < front[0]!.length; m++) {
    const order = front.map((_, i) => i).sort((a, b) => front[a]![m]! - front[b]![m]! || a - b);
    const lo = front[order[0]!]![m]!;
    const hi = front[order[n - 1]!]![m]!;
    distance[order[0]!] = distance[order[n - 1]!] = Infinity;
    if (hi === lo) continue;
    for (let i = 1; i < n - 1; i++)
      distance[order[i]!]! += (front[order[i + 1]!]![m]! - front[order[i - 1]!]![m]!) / (hi - lo);
  }
  return distance;
}

/** Rank (front number) and crowding distance of every individual. */
function rankAndCrowd(pop: readonly Nsga2Individual[]): { fronts: number[][]; rank: number[]; crowd: number[] } {
  const fronts = nonDominatedSort(
    pop.map((p) => p.objectives),
    (a, b) => beats(pop[a]!, pop[b]!),
  );
  const rank = new Array<number>(pop.length).fill(0);
  const crowd = new Array<number>(pop.length).fill(0);
  fronts.forEach((front, f) => {
    const d = crowdingDistance(front.map((i) => pop[i]!.objectives));
    front.forEach((i, j) => {
      rank[i] = f;
      crowd[i] = d[j]!;
    });
  });
  return { fronts, rank, crowd };
}

/** The initial population's candidates: uniform in the unit cube. */
export function nsga2Initial(dims: number, options: Nsga2Options): number[][] {
  const rng = createRng(mixSeed(options.seed, 0));
  return Array.from({ length: options.population }, () => Array.from({ length: dims }, () => rng.next()));
}

export function nsga2Start(candidates: readonly (readonly number[])[], fitness: readonly Nsga2Fitness[]): Nsga2State {
  return {
    generation: 0,
    dims: candidates[0]?.length ?? 0,
    population: candidates.map((x, i) => ({
      x: [...x],
      objectives: [...fitness[i]!.objectives],
      violation: fitness[i]!.violation,
    })),
  };
}

function sbx(rng: Rng, a: number, b: number, eta: number): [number, number] {
  if (rng.next() > 0.5 || Math.abs(a - b) <= 1e-14) return [a, b];
  const y1 = Math.min(a, b);
  const y2 = Math.max(a, b);
  const u = rng.next();
  const child = (spread: number): number => {
    const alpha = 2 - spread ** -(eta + 1);
    return u <= 1 / alpha ? (u * alpha) ** (1 / (eta + 1)) : (1 / (2 - u * alpha)) ** (1 / (eta + 1));
  };
  const c1 = 0.5 * (y1 + y2 - child(1 + (2 * y1) / (y2 - y1)) * (y2 - y1));
  const c2 = 0.5 * (y1 + y2 + child(1 + (2 * (1 - y2)) / (y2 - y1)) * (y2 - y1));
  const clamp = (v: number): number => Math.min(1, Math.max(0, v));
  return rng.next() <= 0.5 ? [clamp(c2), clamp(c1)] : [clamp(c1), clamp(c2)];
}

function mutate(rng: Rng, y: number, eta: number): number {
  const u = rng.next();
  const power = 1 / (eta + 1);
  const delta =
    u < 0.5
      ? (2 * u + (1 - 2 * u) * (1 - y) ** (eta + 1)) ** power - 1
      : 1 - (2 * (1 - u) + 2 * (u - 0.5) * y ** (eta + 1)) ** power;
  return Math.min(1, Math.max(0, y + delta));
}

/** The next generation's candidates (as many as the population): tournaments, SBX, polynomial mutation. */
export function nsga2Offspring(state: Nsga2State, options: Nsga2Options): number[][] {
  const rng = createRng(mixSeed(options.seed, state.generation + 1));
  const pop = state.population;
  const { rank, crowd } = rankAndCrowd(pop);
  const pick = (): Nsga2Individual => {
    const a = rng.int(0, pop.length - 1);
    const b = rng.int(0, pop.length - 1);
    const better =
      rank[a]! !== rank[b]!
        ? rank[a]! < rank[b]!
          ? a
          : b
        : crowd[a]! !== crowd[b]!
          ? crowd[a]! > crowd[b]!
            ? a
            : b
          : rng.next() < 0.5
            ? a
            : b;
    return pop[better]!;
  };
  const etaC = options.crossoverEta ?? 15;
  const etaM = options.mutationEta ?? 20;
  const pc = options.crossoverProbability ?? 0.9;
  const pm = options.mutationProbability ?? 1 / state.dims;
  const children: number[][] = [];
  while (children.length < options.population) {
    const p1 = pick().x;
    const p2 = pick().x;
    const cross = rng.next() <= pc;
    const c1 = [...p1];
    const c2 = [...p2];
    for (let i = 0; i < state.dims; i++) if (cross) [c1[i], c2[i]] = sbx(rng, p1[i]!, p2[i]!, etaC);
    for (const c of [c1, c2])
      for (let i = 0; i < state.dims; i++) if (rng.next() <= pm) c[i] = mutate(rng, c[i]!, etaM);
    children.push(c1);
    if (children.length < options.population) children.push(c2);
  }
  return children;
}

/** Elitist survival: parents and evaluated offspring merged, filled front by front, the last front by crowding. */
export function nsga2Advance(
  state: Nsga2State,
  offspring: readonly (readonly number[])[],
  fitness: readonly Nsga2Fitness[],
  options: Nsga2Options,
): Nsga2State {
  const merged: Nsga2Individual[] = [
    ...state.population,
    ...offspring.map((x, i) => ({
      x: [...x],
      objectives: [...fitness[i]!.objectives],
      violation: fitness[i]!.violation,
    })),
  ];
  const { fronts, crowd } = rankAndCrowd(merged);
  const next: Nsga2Individual[] = [];
  for (const front of fronts) {
    if (next.length + front.length <= options.population) {
      for (const i of front) next.push(merged[i]!);
      continue;
    }
    const byCrowd = [...front].sort((a, b) => crowd[b]! - crowd[a]! || a - b);
    for (const i of byCrowd.slice(0, options.population - next.length)) next.push(merged[i]!);
    break;
  }
  return { generation: state.generation + 1, dims: state.dims, population: next };
}

/** A whole run of `generations` generations (population x generations evaluations) on an in-process problem. */
export function runNsga2(
  dims: number,
  evaluate: (x: readonly number[]) => Nsga2Fitness,
  options: Nsga2Options & { readonly generations: number },
): Nsga2State {
  const initial = nsga2Initial(dims, options);
  let state = nsga2Start(initial, initial.map(evaluate));
  while (state.generation + 1 < options.generations) {
    const children = nsga2Offspring(state, options);
    state = nsga2Advance(state, children, children.map(evaluate), options);
  }
  return state;
}
