/**
 * SCALE-Sim v3's filter sparsity, computed in closed form instead of by building address matrices.
 * The filter of a layer is its K x N operand (K = window, N = filters); v3 marks which of its
 * elements are non-zero with a 0/1 pattern, compresses the filter, and times the compressed one on a
 * weight-stationary array:
 * - layer-wise (OptimizedMapping false): every column repeats the layer's N:M pattern (N ones, then
 *   M - N zeros) down K; a column keeps N slots per block of M, so the compressed filter has
 *   floor(K/M) N + min(N, K mod M) rows;
 * - row-wise (OptimizedMapping true): column j draws n_j = randint(1, B/2 + 1) from numpy's legacy
 *   generator seeded with RandomNumberGeneratorSeed (reseeded per layer), repeats n_j:B down K, and
 *   every pair of B-blocks is packed into B slots (B/2 per block), so the compressed filter has
 *   ceil(K / 2B) B rows; slots no non-zero fills are null requests, which lowers the mapping efficiency.
 * Storage (words) follows v3's compression.py: CSR and CSC count the pattern's non-zeros, their index
 * and the row (column) pointers; Blocked ELLPACK stores the compressed filter plus ceil(log2 M) bits of
 * metadata per slot, M being the topology's ratio (even in row-wise mode), 32 bits a word.
 */
import type { ScaleSimSparsity, SparseRepresentation } from '../../arch/scalesim-config.js';
import { LegacyNumpyRandom } from './numpy-random.js';

/** The N:M ratio of one topology row (1:1 when the row has none). */
export interface SparsityRatio {
  readonly nonzeros: number;
  readonly block: number;
}

export interface SparseFilterStorage {
  readonly representation: SparseRepresentation;
  /** Words of the dense K x N filter. */
  readonly originalWords: number;
  /** Words of the compressed filter plus its metadata (fractional for ELLPACK, as v3 prints it). */
  readonly newWords: number;
  readonly metadataWords: number;
  /** Whether v3 computes these with a float division (ELLPACK): the report prints them as floats. */
  readonly fractional: boolean;
}

export interface SparseFilter {
  /** Rows of the compressed filter: the K the array is folded over. */
  readonly compressedK: number;
  /** Non-zeros of the 0/1 pattern, all columns. */
  readonly nonzeros: number;
  /** Row-wise mode: the non-zeros per block drawn for each column. */
  readonly columnNonzeros?: readonly number[];
  readonly storage: SparseFilterStorage;
}

/** Non-zeros of a column of `k` rows repeating `n` ones then zeros, period `period`. */
function columnPatternNonzeros(k: number, n: number, period: number): number {
  return Math.floor(k / period) * n + Math.min(n, k % period);
}

/**
 * The window positions (filter rows, ifmap columns) a layer-wise N:M pattern keeps, ascending: v3 drops the rest
 * from the filter and from the ifmap (operand_matrix.py). Undefined when the pattern keeps every position (1:1).
 */
export function layerWiseWindow(k: number, ratio: SparsityRatio): number[] | undefined {
  if (ratio.nonzeros >= ratio.block) return undefined;
  const kept: number[] = [];
  for (let w = 0; w < k; w++) if (w % ratio.block < ratio.nonzeros) kept.push(w);
  return kept;
}

export function sparseFilter(k: number, n: number, ratio: SparsityRatio, sparsity: ScaleSimSparsity): SparseFilter {
  let compressedK: number;
  let nonzeros: number;
  let columnNonzeros: number[] | undefined;
  if (sparsity.optimizedMapping) {
    const b = sparsity.blockSize;
    const random = new LegacyNumpyRandom(sparsity.seed);
    columnNonzeros = Array.from({ length: n }, () => random.randint(1, Math.floor(b / 2) + 1));
    compressedK = Math.ceil(k / (2 * b)) * b;
    nonzeros = columnNonzeros.reduce((sum, nj) => sum + columnPatternNonzeros(k, nj, b), 0);
  } else {
    compressedK = columnPatternNonzeros(k, ratio.nonzeros, ratio.block);
    nonzeros = n * compressedK;
  }
  return {
    compressedK,
    nonzeros,
    ...(columnNonzeros ? { columnNonzeros } : {}),
    storage: filterStorage(k, n, compressedK, nonzeros, ratio, sparsity.representation),
  };
}

function filterStorage(
  k: number,
  n: number,
  compressedK: number,
  nonzeros: number,
  ratio: SparsityRatio,
  representation: SparseRepresentation,
): SparseFilterStorage {
  const originalWords = k * n;
  if (representation === 'ellpack_block') {
    const metadataWords = (compressedK * n * Math.ceil(Math.log2(ratio.block))) / 32;
    return {
      representation,
      originalWords,
      newWords: compressedK * n + metadataWords,
      metadataWords,
      fractional: true,
    };
  }
  const pointers = (representation === 'csr' ? k : n) + 1;
  return {
    representation,
    originalWords,
    newWords: 2 * nonzeros + pointers,
    metadataWords: nonzeros + pointers,
    fractional: false,
  };
}

/**
 * Row-wise mode: the non-zero slots of the compressed filter inside rows [rowStart, rowEnd) and
 * columns [colStart, colEnd): each 2B chunk of K packs its two B-blocks into B/2 slots each.
 */
export function packedNonzeros(
  k: number,
  blockSize: number,
  columnNonzeros: readonly number[],
  rowStart: number,
  rowEnd: number,
  colStart: number,
  colEnd: number,
): number {
  const half = Math.floor(blockSize / 2);
  let count = 0;
  for (let j = colStart; j < colEnd; j++) {
    const nj = columnNonzeros[j]!;
    // Slot s of the packed column: half-block h = floor(s / half) holds min(nj, rows of original block h) values.
    const firstHalf = Math.floor(rowStart / half);
    const lastHalf = Math.floor((rowEnd - 1) / half);
    for (let h = firstHalf; h <= lastHalf; h++) {
      const blockRows = Math.max(0, Math.min(blockSize, k - h * blockSize));
      const filled = Math.min(nj, blockRows, half);
      const from = Math.max(rowStart, h * half);
      const to = Math.min(rowEnd, h * half + filled);
      count += Math.max(0, to - from);
    }
  }
  return count;
}
