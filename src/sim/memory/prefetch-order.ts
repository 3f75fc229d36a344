/**
 * The order in which SCALE-Sim v2 fetches a read operand from DRAM: the operand's fold slices stacked
 * (M = source rows x slices, N = slice width, -1 beyond the last source column), read out in rows or
 * by anti-diagonals. The memory model needs, per address, its rank among the order's addresses (the
 * set it falls into is rank / set size); so one pass records that rank instead of keeping the order,
 * which only a trace (or an operand whose addresses repeat) lays out, on demand.
 */
import { addressAt, type OperandView } from './operand-views.js';

interface PrefetchLines {
  /** Positions, padding included (the DRAM lines are cut from these). */
  readonly length: number;
  /** Positions that hold an address. */
  readonly valid: number;
  /** The addresses in fetch order, -1 for padding. */
  addresses(): Int32Array;
  /** Read out by anti-diagonals (else in rows): a line is one of those. */
  readonly diagonal: boolean;
  /** The addresses of line i (anti-diagonal i, or stacked row i) have ranks [lineStart[i], lineStart[i + 1]). */
  readonly lineStart: Int32Array;
}

/**
 * Where an operand has no padding inside and no repeated address, a read's rank follows from where its element sits.
 */
export interface PositionRanks {
  readonly lookup: 'position';
  /** The rank of stacked row `row`, column `col` of its slice. */
  rankAt(row: number, col: number): number;
}

/** Otherwise from its address. */
export interface AddressRanks {
  readonly lookup: 'address';
  /** Each address's rank, indexed by address - base (-1: absent); undefined where addresses repeat. */
  readonly rankOf: Int32Array | undefined;
  readonly base: number;
}

export type PrefetchOrder = PrefetchLines & (PositionRanks | AddressRanks);

export interface PrefetchLayout {
  readonly sliceWidth: number;
  readonly slices: number;
  readonly diagonal: boolean;
}

/** The order as runs: run i starts at stacked (row, col) and steps (rowStep, +1) for `length` positions. */
interface Runs {
  readonly row: Int32Array;
  readonly col: Int32Array;
  readonly length: Int32Array;
  readonly rowStep: number;
}

function orderRuns(M: number, N: number, diagonal: boolean): Runs {
  const count = M === 0 || N === 0 ? 0 : diagonal ? M + N - 1 : M;
  const runs = {
    row: new Int32Array(count),
    col: new Int32Array(count),
    length: new Int32Array(count),
    rowStep: diagonal ? -1 : 0,
  };
  for (let i = 0; i < count; i++) {
    const row = diagonal ? Math.min(i, M - 1) : i;
    runs.row[i] = row;
    runs.col[i] = diagonal ? i - row : 0;
    runs.length[i] = diagonal ? row - Math.max(0, i - N + 1) + 1 : N;
  }
  return runs;
}

export function buildPrefetchOrder(source: OperandView, layout: PrefetchLayout): PrefetchOrder {
  const { sliceWidth: N, slices, diagonal } = layout;
  const M = source.rows * slices;
  // Per stacked row: its source row and the first source column of its slice.
  const sourceRow = new Int32Array(M);
  const firstCol = new Int32Array(M);
  for (let r = 0; r < M; r++) {
    const slice = Math.floor(r / source.rows);
    sourceRow[r] = r - slice * source.rows;
    firstCol[r] = slice * N;
  }
  const runs = orderRuns(M, N, diagonal);
  const addresses = (): Int32Array => {
    const out = new Int32Array(M * N);
    let p = 0;
    for (let i = 0; i < runs.row.length; i++) {
      let r = runs.row[i]!;
      let c = runs.col[i]!;
      for (let j = runs.length[i]!; j > 0; j--, r += runs.rowStep, c++) {
        const col = firstCol[r]! + c;
        out[p++] = col < source.cols ? addressAt(source, sourceRow[r]!, col) : -1;
      }
    }
    return out;
  };
  const common = { length: M * N, addresses, diagonal };
  if (!source.bounds && source.distinct)
    return { ...common, ...positionRanks(M, N, source.cols - (slices - 1) * N, (slices - 1) * source.rows, diagonal) };
  return { ...common, ...addressRanks(source, runs, sourceRow, firstCol) };
}

/**
 * Ranks in closed form, where the only padding is the last slice's columns from `lastWidth` on
 * (stacked rows from `lastRow`): a row's rank is its line's start plus the positions before it on
 * the line, less the padding among them. O(M + N), whatever the operand's size.
 */
function positionRanks(
  M: number,
  N: number,
  lastWidth: number,
  lastRow: number,
  diagonal: boolean,
): Pick<PrefetchLines, 'valid' | 'lineStart'> & PositionRanks {
  const maxRow = (d: number): number => Math.min(d, M - 1);
  // Padding rows of anti-diagonal d among rows [lo, hi]: the last slice's, where column d - r >= lastWidth.
  const padding = (d: number, lo: number, hi: number): number =>
    Math.max(0, Math.min(hi, d - lastWidth) - Math.max(lo, lastRow) + 1);
  const lines = M === 0 || N === 0 ? 0 : diagonal ? M + N - 1 : M;
  const lineStart = new Int32Array(lines + 1);
  for (let i = 0; i < lines; i++) {
    const valid = diagonal
      ? maxRow(i) - Math.max(0, i - N + 1) + 1 - padding(i, Math.max(0, i - N + 1), maxRow(i))
      : i >= lastRow
        ? lastWidth
        : N;
    lineStart[i + 1] = lineStart[i]! + valid;
  }
  const rankAt = diagonal
    ? (row: number, col: number): number => {
        const d = row + col;
        return lineStart[d]! + (maxRow(d) - row) - padding(d, row + 1, maxRow(d));
      }
    : (row: number, col: number): number => lineStart[row]! + col;
  return { valid: lineStart[lines]!, lineStart, lookup: 'position', rankAt };
}

/** Ranks by walking the order once: each address's rank in a table (undefined where an address repeats). */
function addressRanks(
  source: OperandView,
  runs: Runs,
  sourceRow: Int32Array,
  firstCol: Int32Array,
): Pick<PrefetchLines, 'valid' | 'lineStart'> & AddressRanks {
  const { cols, rowAddress, colAddress, bounds } = source;
  const lowest = (a: Int32Array): number => a.reduce((m, x) => Math.min(m, x), 0x7fffffff);
  const highest = (a: Int32Array): number => a.reduce((m, x) => Math.max(m, x), -1);
  const empty = source.rows * cols === 0;
  const base = empty ? 0 : lowest(rowAddress) + lowest(colAddress);
  const rankOf = new Int32Array(empty ? 0 : highest(rowAddress) + highest(colAddress) - base + 1).fill(-1);
  const lineStart = new Int32Array(runs.row.length + 1);
  let rank = 0;
  let repeats = false;
  for (let i = 0; i < runs.row.length; i++) {
    lineStart[i] = rank;
    let r = runs.row[i]!;
    let c = runs.col[i]!;
    for (let j = runs.length[i]!; j > 0; j--, r += runs.rowStep, c++) {
      const col = firstCol[r]! + c;
      const row = sourceRow[r]!;
      if (col >= cols || (bounds && addressAt(source, row, col) === -1)) continue;
      const k = rowAddress[row]! + colAddress[col]! - base;
      if (rankOf[k] !== -1) repeats = true;
      rankOf[k] = rank++;
    }
  }
  lineStart[runs.row.length] = rank;
  return { valid: rank, lineStart, lookup: 'address', rankOf: repeats ? undefined : rankOf, base };
}
