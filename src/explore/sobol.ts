/**
 * Sobol points by index (Gray-code order, the order SciPy's and Joe and Kuo's generators emit), so any
 * point of the sequence is computed without its predecessors. Direction numbers: S. Joe and F. Y. Kuo,
 * "Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30 (2008)
 * 2635-2654, file new-joe-kuo-6.21201 (web.maths.unsw.edu.au/~fkuo/sobol/), dimensions 2 to 21 as
 * `s a m_1 .. m_s`; dimension 1 is van der Corput's sequence and needs none.
 */
const JOE_KUO_6_21201: readonly (readonly number[])[] = [
  [1, 0, 1],
  [2, 1, 1, 3],
  [3, 1, 1, 3, 1],
  [3, 2, 1, 1, 1],
  [4, 1, 1, 1, 3, 3],
  [4, 4, 1, 3, 5, 13],
  [5, 2, 1, 1, 5, 5, 17],
  [5, 4, 1, 1, 5, 5, 5],
  [5, 7, 1, 1, 7, 11, 19],
  [5, 11, 1, 1, 5, 1, 1],
  [5, 13, 1, 1, 1, 3, 11],
  [5, 14, 1, 3, 5, 5, 31],
  [6, 1, 1, 3, 3, 9, 7, 49],
  [6, 13, 1, 1, 1, 15, 21, 21],
  [6, 16, 1, 3, 1, 13, 27, 49],
  [6, 19, 1, 1, 1, 15, 7, 5],
  [6, 22, 1, 3, 1, 15, 13, 25],
  [6, 25, 1, 1, 5, 5, 19, 61],
  [7, 1, 1, 3, 7, 11, 23, 15, 103],
  [7, 4, 1, 3, 7, 13, 13, 15, 69],
];

const BITS = 32;

/** Sobol dimensions available. */
export const SOBOL_MAX_DIMS = JOE_KUO_6_21201.length + 1;

function directions(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s, a, ...m] = JOE_KUO_6_21201[dim - 1]!;
  for (let k = 0; k < s!; k++) v[k] = (m[k]! * 2 ** (BITS - 1 - k)) >>> 0;
  for (let k = s!; k < BITS; k++) {
    let x = v[k - s!]! ^ (v[k - s!]! >>> s!);
    for (let l = 1; l < s!; l++) if ((a! >>> (s! - 1 - l)) & 1) x ^= v[k - l]!;
    v[k] = x >>> 0;
  }
  return v;
}

const TABLES = Array.from({ length: SOBOL_MAX_DIMS }, (_, d) => directions(d));

/** The 32-bit Sobol integer of point `index` (0 .. 2^32-1) in dimension `dim` (0-based). */
export function sobolInteger(index: number, dim: number): number {
  const v = TABLES[dim];
  if (!v) throw new RangeError(`Sobol dimension ${dim} is beyond the ${SOBOL_MAX_DIMS} tabulated`);
  let gray = (index ^ Math.floor(index / 2)) >>> 0;
  let x = 0;
  for (let k = 0; gray !== 0; k++, gray >>>= 1) if (gray & 1) x ^= v[k]!;
  return x >>> 0;
}

/** Point `index` of the sequence in [0, 1) in dimension `dim`, optionally XORed with a digital shift. */
export function sobolPoint(index: number, dim: number, shift = 0): number {
  return ((sobolInteger(index, dim) ^ shift) >>> 0) / 2 ** BITS;
}
