/**
 * Samplers addressable by (spec, seed, index): point i of a sweep is computed from i alone, never from
 * the points before it, so any chunk of a sweep can be rebuilt on any worker.
 *
 * - grid: mixed radix over the knobs' levels (the first knob varies slowest);
 * - random: an independent seeded stream per index;
 * - lhs: Latin hypercube: in each dimension point i sits in stratum perm_d(i) of `points`, perm_d a
 *   seeded permutation of [0, points) evaluated pointwise (a Feistel network with cycle walking, so no
 *   table of `points` entries is stored), jittered within its stratum;
 * - sobol: Joe and Kuo's sequence by index (sobol.ts); a nonzero seed applies a seeded digital shift
 *   (XOR of each dimension with a random 32-bit word), which keeps the net's stratification.
 */
import { createRng } from '../core/rng.js';
import { mixSeed } from './hash.js';
import { SOBOL_MAX_DIMS, sobolPoint } from './sobol.js';

/** The mixed-radix digits of `index` for radices `levels` (first digit most significant). */
export function gridLevels(index: number, levels: readonly number[]): number[] {
  const out = new Array<number>(levels.length);
  let rest = index;
  for (let d = levels.length - 1; d >= 0; d--) {
    const radix = levels[d]!;
    out[d] = rest % radix;
    rest = Math.floor(rest / radix);
  }
  return out;
}

/** Uniform point `index` of an independent seeded stream. */
export function randomPoint(seed: number, index: number, dims: number): number[] {
  const rng = createRng(mixSeed(seed, index));
  return Array.from({ length: dims }, () => rng.next());
}

/** A seeded permutation of [0, n), evaluated at one position (4-round Feistel network, cycle walking). */
export function permuteIndex(index: number, n: number, key: number): number {
  if (n <= 1) return 0;
  let halfBits = 1;
  while (2 ** (2 * halfBits) < n) halfBits++;
  const half = 2 ** halfBits;
  let x = index;
  do {
    let left = Math.floor(x / half);
    let right = x % half;
    for (let round = 0; round < 4; round++) {
      const f = mixSeed(key, round, right) % half;
      const next = (left + f) % half;
      left = right;
      right = next;
    }
    x = left * half + right;
  } while (x >= n);
  return x;
}

/** Latin hypercube point `index` of `n`: one point per stratum of width 1/n in every dimension. */
export function lhsPoint(seed: number, index: number, n: number, dims: number): number[] {
  const jitter = createRng(mixSeed(seed, index, 0x1a7));
  return Array.from({ length: dims }, (_, d) => (permuteIndex(index, n, mixSeed(seed, d)) + jitter.next()) / n);
}

/** The digital shift of each Sobol dimension for `seed` (all 0 for seed 0: the plain sequence). */
export function sobolShifts(seed: number, dims: number): number[] {
  if (dims > SOBOL_MAX_DIMS)
    throw new RangeError(`the Sobol sampler has ${SOBOL_MAX_DIMS} dimensions, the sweep ${dims}`);
  const rng = createRng(mixSeed(seed, 0x50b0));
  return Array.from({ length: dims }, () => (seed === 0 ? 0 : Math.floor(rng.next() * 2 ** 32)));
}

/** Sobol point `index` over `dims` dimensions, digitally shifted when `seed` is not 0. */
export function sobolVector(
  seed: number,
  index: number,
  dims: number,
  shifts: readonly number[] = sobolShifts(seed, dims),
): number[] {
  const point = new Array<number>(dims);
  for (let d = 0; d < dims; d++) point[d] = sobolPoint(index, d, shifts[d]!);
  return point;
}
