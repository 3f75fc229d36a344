/**
 * The order in which SCALE-Sim v2 fetches a read operand from DRAM: the operand's fold slices stacked
 * (M = source rows x slices, N = slice width, -1 beyond the last source column), read out in rows or
 * by anti-diagonals. The memory model needs, per address, its rank among the order's addresses (the
 * set it falls into is rank / set size); so one pass records that rank instead of keeping the order,
 * which only a trace (or an operand whose addresses repeat) lays out, on demand.
 */
import { carveInt32 } from './int-list.js';
import { addressAt, type OperandView, type ViewBounds } from './operand-views.js';

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
  readonly base: number;
  /**
   * The rank tables, walked on the first call: a run whose reads all fall in the SRAM's first window never
   * asks, and that walk is most of a small layer's time.
   */
  tables(): RankTables;
}

export interface RankTables {
  /** Each address's last rank in the order, indexed by address - base (-1: absent). */
  readonly rankOf: Int32Array;
  /**
   * Where addresses repeat: per rank, the rank the same address had before (-1: none), so an address's ranks are a
   * chain from rankOf; undefined where no address repeats.
   */
  readonly earlier: Int32Array | undefined;
  /** Each address's first rank, indexed as rankOf (read only where rankOf is not -1). */
  readonly firstRankOf: Int32Array;
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

const runCount = (M: number, N: number, diagonal: boolean): number =>
  M === 0 || N === 0 ? 0 : diagonal ? M + N - 1 : M;

function orderRuns(M: number, N: number, diagonal: boolean, [row, col, length]: Int32Array[]): Runs {
  const count = runCount(M, N, diagonal);
  const runs = { row: row!, col: col!, length: length!, rowStep: diagonal ? -1 : 0 };
  for (let i = 0; i < count; i++) {
    const row = diagonal ? Math.min(i, M - 1) : i;
    runs.row[i] = row;
    runs.col[i] = diagonal ? i - row : 0;
    runs.length[i] = diagonal ? row - Math.max(0, i - N + 1) + 1 : N;
  }
  return runs;
}

interface Stack {
  readonly runs: Runs;
  readonly sourceRow: Int32Array;
  readonly firstCol: Int32Array;
}

function stackRows(rows: number, M: number, N: number, diagonal: boolean): Stack {
  const count = runCount(M, N, diagonal);
  const [sourceRow, firstCol, ...runs] = carveInt32([M, M, count, count, count]) as [Int32Array, Int32Array];
  for (let r = 0; r < M; r++) {
    const slice = Math.floor(r / rows);
    sourceRow[r] = r - slice * rows;
    firstCol[r] = slice * N;
  }
  return { runs: orderRuns(M, N, diagonal, runs), sourceRow, firstCol };
}

export function buildPrefetchOrder(source: OperandView, layout: PrefetchLayout): PrefetchOrder {
  const { sliceWidth: N, slices, diagonal } = layout;
  const M = source.rows * slices;
  // Walking the order needs its runs and per stacked row its source row and its slice's first source column;
  // a small layer's rank tables are often never walked, so these are built on the first walk too.
  let stack: Stack | undefined;
  const stacked = (): Stack => {
    stack ??= stackRows(source.rows, M, N, diagonal);
    return stack;
  };
  const addresses = (): Int32Array => {
    const { runs, sourceRow, firstCol } = stacked();
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
  // Object literals rather than spreads: a spread of these closures takes the slow copy path, per layer.
  const length = M * N;
  const lines = (): ReturnType<typeof positionRanks> =>
    positionRanks(M, N, source.cols - (slices - 1) * N, (slices - 1) * source.rows, diagonal);
  if (!source.bounds && source.distinct) {
    const { valid, lineStart, rankAt } = lines();
    return { length, addresses, diagonal, valid, lineStart, lookup: 'position', rankAt };
  }
  const base = lowestAddress(source);
  if (source.bounds) {
    // Padding inside: only the walk knows which positions hold an address, so it runs now.
    const walked = walkRanks(source, stacked(), base);
    const { valid, lineStart } = walked;
    return { length, addresses, diagonal, valid, lineStart, lookup: 'address', base, tables: () => walked };
  }
  // Without padding inside, the lines follow in closed form and the walk waits until a read needs it.
  const { valid, lineStart } = lines();
  let walked: RankTables | undefined;
  const width = source.cols - (slices - 1) * N;
  // The closed form's padding (see positionRanks), unless no column of the last slice holds an address.
  const tail = width >= 1 ? { row: (slices - 1) * source.rows, width } : undefined;
  const tables = (): RankTables => {
    walked ??= walkRanks(source, stacked(), base, tail);
    return walked;
  };
  return { length, addresses, diagonal, valid, lineStart, lookup: 'address', base, tables };
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

const NO_BOUNDS: ViewBounds = {
  rowY: new Int32Array(0),
  colY: new Int32Array(0),
  rowX: new Int32Array(0),
  colX: new Int32Array(0),
  limitY: 0,
  limitX: 0,
};

const lowest = (a: Int32Array): number => {
  let m = 0x7fffffff;
  for (const x of a) m = x < m ? x : m;
  return m;
};

const highest = (a: Int32Array): number => {
  let m = -1;
  for (const x of a) m = x > m ? x : m;
  return m;
};

function lowestAddress(source: OperandView): number {
  return source.rows * source.cols === 0 ? 0 : lowest(source.rowAddress) + lowest(source.colAddress);
}

/**
 * Where the only empty positions are the last slice's (stacked rows from `row`) columns from `width` on: so a run's
 * empty positions are one interval of its steps (its rows fall as its columns rise).
 */
interface EmptyTail {
  readonly row: number;
  readonly width: number;
}

/**
 * Ranks by walking the order once: each address's last rank in a table, and where addresses repeat their chains.
 * Without `tail`, each position is tested for padding (and against `bounds`).
 */
function walkRanks(
  source: OperandView,
  { runs, sourceRow, firstCol }: Stack,
  base: number,
  tail?: EmptyTail,
): Pick<PrefetchLines, 'valid' | 'lineStart'> & RankTables {
  const { cols, rowAddress, colAddress, bounds } = source;
  const span = source.rows * cols === 0 ? 0 : highest(rowAddress) + highest(colAddress) - base + 1;
  // A loop, not reduce: a typed array's reduce calls its callback per element (5% of a stalling layer's walk).
  let positions = 0;
  for (let i = 0; i < runs.length.length; i++) positions += runs.length[i]!;
  const [rankOf, firstRankOf, earlier, lineStart] = carveInt32([span, span, positions, runs.row.length + 1]) as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  rankOf.fill(-1);
  // The bounds test of addressAt, inlined with its tables in locals: this loop runs once per element of the operand.
  const { rowY, colY, rowX, colX, limitY, limitX } = bounds ?? NO_BOUNDS;
  const { row: runRow, col: runCol, length: runLength, rowStep } = runs;
  // Per stacked row, its source row's address less the base: one load per element fewer.
  const rowTerm = new Int32Array(sourceRow.length);
  for (let r = 0; r < sourceRow.length; r++) rowTerm[r] = rowAddress[sourceRow[r]!]! - base;
  const checked = tail === undefined;
  let rank = 0;
  let repeats = false;
  for (let i = 0; i < runRow.length; i++) {
    lineStart[i] = rank;
    const [r0, c0, steps] = [runRow[i]!, runCol[i]!, runLength[i]!];
    // With a tail, the run's empty positions are one interval of its steps, skipped without a test per position.
    const skipFrom = tail ? Math.min(steps, Math.max(0, tail.width - c0)) : steps;
    const lastSteps = rowStep < 0 ? r0 - (tail?.row ?? 0) + 1 : r0 >= (tail?.row ?? 0) ? steps : 0;
    const skipTo = tail ? Math.max(skipFrom, Math.min(steps, lastSteps)) : steps;
    for (let part = 0, from = 0, to = skipFrom; part < 2; part++, from = skipTo, to = steps) {
      let r = r0 + rowStep * from;
      let c = c0 + from;
      for (let j = from; j < to; j++, r += rowStep, c++) {
        const col = firstCol[r]! + c;
        if (checked) {
          if (col >= cols) continue;
          const row = sourceRow[r]!;
          if (bounds && (rowY[row]! + colY[col]! >= limitY || rowX[row]! + colX[col]! >= limitX)) continue;
        }
        const k = rowTerm[r]! + colAddress[col]!;
        const before = rankOf[k]!;
        if (before !== -1) repeats = true;
        else firstRankOf[k] = rank;
        earlier[rank] = before;
        rankOf[k] = rank++;
      }
    }
  }
  lineStart[runs.row.length] = rank;
  return {
    valid: rank,
    lineStart,
    rankOf,
    firstRankOf,
    earlier: repeats ? earlier.subarray(0, rank) : undefined,
  };
}
