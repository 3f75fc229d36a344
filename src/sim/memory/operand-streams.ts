/**
 * The address streams of one layer in SCALE-Sim v2's convention: the three operand address matrices
 * (ifmap, filter, ofmap), the per-cycle SRAM demand of each operand (one row per cycle, one column per
 * array row or column, -1 where nothing is read or written) and the order in which the read operands
 * are prefetched from DRAM. The memory model (scratchpad.ts) times these streams.
 *
 * Every dataflow is the same few steps on different operands: slice an operand per fold, pad it with
 * -1 to the array's width, maybe flip it, add idle rows before and after, maybe skew it one cycle per
 * column. Each dataflow declares those steps as data in STREAM_PLANS. The demand is never laid out in
 * full: a demand row's addresses follow from the fold's slice by interval arithmetic (FoldWalker).
 */
import type { Dataflow } from '../../arch/chip-spec.js';
import type { ConvShape } from '../../core/conv-shape.js';
import {
  addressAt,
  keepWindow,
  operandViews,
  transposeView,
  type AddressOffsets,
  type OperandView,
} from './operand-views.js';
import { buildPrefetchOrder, type PositionRanks, type PrefetchOrder } from './prefetch-order.js';

export type { AddressOffsets, ConvShape, PrefetchOrder };

/** A row-major matrix of addresses; -1 marks an empty slot. */
export interface AddressMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Int32Array;
}

/** One operand's demand, walked fold by fold and, inside a fold, row (cycle) by row. */
export interface DemandSource {
  /** Rows (cycles) per fold and slots per row. */
  readonly foldRows: number;
  readonly width: number;
  /** Selects fold (fr, fc) for the calls below. */
  begin(fr: number, fc: number): void;
  /**
   * Which line of the prefetch order (prefetch-order.ts) holds row t's addresses:
   * a skewed row reads one anti-diagonal of the stacked slices, an unskewed row one stacked row.
   */
  line(t: number): number;
  /** The kind of line a row reads: 'none' where a row is neither (a flipped skew). */
  readonly lineKind: 'diagonal' | 'row' | 'none';
  /** Writes row t's addresses in slot order, empty slots left out, into `out`; returns how many. */
  rowAddresses(t: number, out: Int32Array): number;
  /** How many addresses row t holds. */
  rowCount(t: number): number;
  /** The first and last row of the current fold that hold an address ([-1, -1] when none does). */
  activeRows(): readonly [number, number];
  /** How many addresses the current fold's rows hold together. */
  foldAddresses(): number;
  /**
   * Writes the ranks of row t's addresses in the prefetch order (lookup 'position' only) into `out`; returns how many.
   */
  rowRanks(t: number, order: PositionRanks, out: Int32Array): number;
  /** Writes the current fold's rows (foldRows x width, -1 for an empty slot) into `out` from index `at`. */
  fill(out: Int32Array, at: number): void;
}

export interface LayerStreams {
  /** Folds run column fold by column fold, row folds inside, as SCALE-Sim orders them. */
  readonly rowFolds: number;
  readonly colFolds: number;
  readonly ifmapDemand: DemandSource;
  readonly filterDemand: DemandSource;
  readonly ofmapDemand: DemandSource;
  readonly ifmapPrefetch: PrefetchOrder;
  readonly filterPrefetch: PrefetchOrder;
  /** SCALE-Sim's SRAM access counts (its ofmap count for os adds rows + cols per fold, kept as it is). */
  readonly ifmapSramReads: number;
  readonly filterSramReads: number;
  readonly ofmapSramWrites: number;
}

export { operandViews };

/** One operand's demand in one fold: a block of `source` rows x array width, then idle rows and skew. */
interface DemandStep {
  /** Which operand matrix, transposed or not; the block is rows [rowFold] x cols [colFold] of it. */
  readonly source: 'ifmap' | 'filter' | 'ofmap';
  readonly transposed: boolean;
  /** Which fold index picks the block's rows and columns ('all' = every row, 'row'/'col' = that fold's slice). */
  readonly rowsBy: 'all' | 'row' | 'col';
  readonly colsBy: 'row' | 'col';
  readonly flip: boolean;
  readonly skew: boolean;
  prefix(R: number, C: number, T: number): number;
  suffix(R: number, C: number, T: number): number;
}

/** One operand's prefetch order: the fold slices stacked, then read out by anti-diagonals or in rows. */
interface PrefetchStep {
  readonly source: 'ifmap' | 'filter';
  readonly transposed: boolean;
  /** The fold index that picks the columns of each slice. */
  readonly colsBy: 'row' | 'col';
  readonly diagonal: boolean;
}

interface StreamPlan {
  /** GEMM sizes along array rows, columns and time, from the operand views. */
  sizes(v: { ifmap: OperandView; filter: OperandView }): { Sr: number; Sc: number; T: number };
  readonly ifmap: DemandStep;
  readonly filter: DemandStep;
  readonly ofmap: DemandStep;
  readonly ifmapPrefetch: PrefetchStep;
  readonly filterPrefetch: PrefetchStep;
  /** SCALE-Sim os counts rows + cols extra ofmap writes per fold. */
  readonly ofmapWritesQuirk: boolean;
}

const none = (): number => 0;

/** SCALE-Sim v2's systolic_compute_{os,ws,is} demand layouts (see docs/systolic-array.md). */
export const STREAM_PLANS: Readonly<Record<Dataflow, StreamPlan>> = {
  os: {
    sizes: (v) => ({ Sr: v.ifmap.rows, Sc: v.filter.cols, T: v.ifmap.cols }),
    ifmap: {
      source: 'ifmap',
      transposed: true,
      rowsBy: 'all',
      colsBy: 'row',
      flip: false,
      skew: true,
      prefix: none,
      suffix: (_R, C) => C - 1,
    },
    filter: {
      source: 'filter',
      transposed: false,
      rowsBy: 'all',
      colsBy: 'col',
      flip: false,
      skew: true,
      prefix: none,
      suffix: (R) => R - 1,
    },
    ofmap: {
      source: 'ofmap',
      transposed: false,
      rowsBy: 'row',
      colsBy: 'col',
      flip: true,
      skew: true,
      prefix: (_R, _C, T) => T - 1,
      suffix: none,
    },
    ifmapPrefetch: { source: 'ifmap', transposed: true, colsBy: 'row', diagonal: true },
    filterPrefetch: { source: 'filter', transposed: false, colsBy: 'col', diagonal: true },
    ofmapWritesQuirk: true,
  },
  ws: {
    sizes: (v) => ({ Sr: v.ifmap.cols, Sc: v.filter.cols, T: v.ifmap.rows }),
    ifmap: {
      source: 'ifmap',
      transposed: false,
      rowsBy: 'all',
      colsBy: 'row',
      flip: false,
      skew: true,
      prefix: (R) => R,
      suffix: (_R, C) => C - 1,
    },
    filter: {
      source: 'filter',
      transposed: false,
      rowsBy: 'row',
      colsBy: 'col',
      flip: true,
      skew: false,
      prefix: none,
      suffix: (R, C, T) => R + C + T - 2,
    },
    ofmap: {
      source: 'ofmap',
      transposed: false,
      rowsBy: 'all',
      colsBy: 'col',
      flip: false,
      skew: true,
      prefix: (R) => 2 * R - 1,
      suffix: none,
    },
    ifmapPrefetch: { source: 'ifmap', transposed: false, colsBy: 'row', diagonal: true },
    filterPrefetch: { source: 'filter', transposed: false, colsBy: 'col', diagonal: false },
    ofmapWritesQuirk: false,
  },
  is: {
    sizes: (v) => ({ Sr: v.ifmap.cols, Sc: v.ifmap.rows, T: v.filter.cols }),
    ifmap: {
      source: 'ifmap',
      transposed: true,
      rowsBy: 'row',
      colsBy: 'col',
      flip: true,
      skew: false,
      prefix: none,
      suffix: (R, C, T) => R + C + T - 2,
    },
    filter: {
      source: 'filter',
      transposed: true,
      rowsBy: 'all',
      colsBy: 'row',
      flip: false,
      skew: true,
      prefix: (R) => R,
      suffix: (_R, C) => C - 1,
    },
    ofmap: {
      source: 'ofmap',
      transposed: true,
      rowsBy: 'all',
      colsBy: 'col',
      flip: false,
      skew: true,
      prefix: (R) => 2 * R - 1,
      suffix: none,
    },
    ifmapPrefetch: { source: 'ifmap', transposed: true, colsBy: 'col', diagonal: false },
    filterPrefetch: { source: 'filter', transposed: true, colsBy: 'row', diagonal: true },
    ofmapWritesQuirk: false,
  },
};

interface FoldGeometry {
  readonly R: number;
  readonly C: number;
  readonly T: number;
  readonly rowFolds: number;
  readonly colFolds: number;
}

const sliceSize = (g: FoldGeometry, by: 'row' | 'col'): number => (by === 'row' ? g.R : g.C);

/**
 * One operand's demand in closed form. In fold (fr, fc) the step reads source rows r0 + [0, nr) and
 * columns c0 + [0, nc) (the rest of the R x width block is padding); block row r, slot c lands on
 * demand row prefix + r + (skew ? c : 0), so a demand row's slots form one interval of c.
 */
class FoldWalker implements DemandSource {
  readonly foldRows: number;
  readonly lineKind: 'diagonal' | 'row' | 'none';
  private readonly prefix: number;
  private readonly blockRows: number;
  private r0 = 0;
  /** First stacked row of the current fold's slice in the prefetch order. */
  private sliceRow = 0;
  private c0 = 0;
  private nc = 0;
  private rLo = 0;
  private rHi = 0;
  /**
   * Row t's slots [cLo, cHi) and the source row of slot c, baseRow + rowStep * c (fields, not an object: this runs per
   * cycle).
   */
  private cLo = 0;
  private cHi = 0;
  private baseRow = 0;
  private rowStep = 0;
  /** Row addresses for rowCount where padding must be tested (made on first use). */
  private scratch: Int32Array | undefined;

  constructor(
    private readonly view: OperandView,
    private readonly step: DemandStep,
    private readonly g: FoldGeometry,
    readonly width: number,
  ) {
    this.prefix = step.prefix(g.R, g.C, g.T);
    this.blockRows = step.rowsBy === 'all' ? view.rows : sliceSize(g, step.rowsBy);
    this.foldRows = this.prefix + this.blockRows + step.suffix(g.R, g.C, g.T) + (step.skew ? width - 1 : 0);
    this.lineKind = !step.skew ? 'row' : step.flip ? 'none' : 'diagonal';
  }

  begin(fr: number, fc: number): void {
    const { step, view, g } = this;
    const foldOf = (by: 'row' | 'col'): number => (by === 'row' ? fr : fc);
    const sub = step.rowsBy === 'all' ? 0 : foldOf(step.rowsBy);
    this.r0 = step.rowsBy === 'all' ? 0 : sub * sliceSize(g, step.rowsBy);
    const nr = step.rowsBy === 'all' ? view.rows : Math.max(0, Math.min(view.rows, this.r0 + this.blockRows) - this.r0);
    this.c0 = foldOf(step.colsBy) * sliceSize(g, step.colsBy);
    this.nc = Math.max(0, Math.min(view.cols, this.c0 + this.width) - this.c0);
    this.rLo = step.flip ? this.blockRows - nr : 0;
    this.rHi = step.flip ? this.blockRows : nr;
    this.sliceRow = foldOf(step.colsBy) * view.rows;
  }

  foldAddresses(): number {
    if (!this.view.bounds) return this.elements();
    let n = 0;
    for (let t = 0; t < this.foldRows; t++) n += this.rowCount(t);
    return n;
  }

  /** Source elements of the current fold (SCALE-Sim's SRAM access count for it). */
  elements(): number {
    return (this.rHi - this.rLo) * this.nc;
  }

  /** Sets cLo, cHi, baseRow and rowStep for row t. */
  private span(t: number): void {
    const u = t - this.prefix;
    const { rLo, rHi, r0, blockRows } = this;
    const flip = this.step.flip;
    this.baseRow = flip ? r0 + blockRows - 1 - u : r0 + u;
    if (this.step.skew) {
      this.cLo = Math.max(0, u - rHi + 1);
      this.cHi = Math.min(this.nc, u - rLo + 1);
      this.rowStep = flip ? 1 : -1;
    } else {
      this.cLo = 0;
      this.cHi = u >= rLo && u < rHi ? this.nc : 0;
      this.rowStep = 0;
    }
  }

  line(t: number): number {
    // Slot c reads source row baseRow - c (skewed) or baseRow: anti-diagonal or stacked row sliceRow + baseRow.
    const u = t - this.prefix;
    return this.lineKind === 'none'
      ? -1
      : this.sliceRow + (this.step.flip ? this.r0 + this.blockRows - 1 - u : this.r0 + u);
  }

  rowCount(t: number): number {
    if (this.view.bounds) return this.rowAddresses(t, (this.scratch ??= new Int32Array(this.width)));
    this.span(t);
    return Math.max(0, this.cHi - this.cLo);
  }

  activeRows(): readonly [number, number] {
    // Without padding inside, a row holds an address where its slot interval is not empty (see span).
    const { rLo, rHi, nc, prefix } = this;
    const last = this.step.skew ? rHi + nc - 2 : rHi - 1;
    if (nc <= 0 || rHi <= rLo) return [-1, -1];
    let first = prefix + rLo;
    let end = Math.min(prefix + last, this.foldRows - 1);
    if (!this.view.bounds) return [first, end];
    while (first <= end && this.rowCount(first) === 0) first++;
    while (end >= first && this.rowCount(end) === 0) end--;
    return first <= end ? [first, end] : [-1, -1];
  }

  rowAddresses(t: number, out: Int32Array): number {
    this.span(t);
    const { cLo, cHi, baseRow, rowStep, c0, view } = this;
    const { rowAddress, colAddress, bounds } = view;
    let n = 0;
    if (bounds) {
      for (let c = cLo; c < cHi; c++) {
        const a = addressAt(view, baseRow + rowStep * c, c0 + c);
        if (a !== -1) out[n++] = a;
      }
      return n;
    }
    for (let c = cLo; c < cHi; c++) out[n++] = rowAddress[baseRow + rowStep * c]! + colAddress[c0 + c]!;
    return n;
  }

  rowRanks(t: number, order: PositionRanks, out: Int32Array): number {
    this.span(t);
    const { cLo, cHi, rowStep } = this;
    const row = this.sliceRow + this.baseRow;
    let n = 0;
    for (let c = cLo; c < cHi; c++) out[n++] = order.rankAt(row + rowStep * c, c);
    return n;
  }

  fill(out: Int32Array, at: number): void {
    const w = this.width;
    out.fill(-1, at, at + this.foldRows * w);
    for (let t = 0; t < this.foldRows; t++) {
      this.span(t);
      for (let c = this.cLo; c < this.cHi; c++)
        out[at + t * w + c] = addressAt(this.view, this.baseRow + this.rowStep * c, this.c0 + c);
    }
  }
}

type Views = Record<'ifmap' | 'filter' | 'ofmap', OperandView>;

function demandWalker(
  views: Views,
  step: DemandStep,
  g: FoldGeometry,
  width: number,
): { walker: FoldWalker; count: number } {
  const view = step.transposed ? transposeView(views[step.source]) : views[step.source];
  const walker = new FoldWalker(view, step, g, width);
  let count = 0;
  for (let fc = 0; fc < g.colFolds; fc++) {
    for (let fr = 0; fr < g.rowFolds; fr++) {
      walker.begin(fr, fc);
      count += walker.elements();
    }
  }
  walker.begin(0, 0);
  return { walker, count };
}

function buildPrefetch(views: Views, step: PrefetchStep, g: FoldGeometry): PrefetchOrder {
  const source = step.transposed ? transposeView(views[step.source]) : views[step.source];
  return buildPrefetchOrder(source, {
    sliceWidth: sliceSize(g, step.colsBy),
    slices: step.colsBy === 'row' ? g.rowFolds : g.colFolds,
    diagonal: step.diagonal,
  });
}

/**
 * `window`, when given, lists the window positions (ifmap columns, filter rows) the array runs, ascending: SCALE-Sim
 * v3's layer-wise sparsity keeps K' of them (see keepWindow); the streams are then those of an M x N x K' layer.
 */
export function layerStreams(
  conv: ConvShape,
  offsets: AddressOffsets,
  rows: number,
  cols: number,
  dataflow: Dataflow,
  window?: readonly number[],
): LayerStreams {
  const dense = operandViews(conv, offsets);
  const views = window ? keepWindow(dense, window) : dense;
  const plan = STREAM_PLANS[dataflow];
  const { Sr, Sc, T } = plan.sizes(views);
  const g: FoldGeometry = { R: rows, C: cols, T, rowFolds: Math.ceil(Sr / rows), colFolds: Math.ceil(Sc / cols) };
  const widthOf = (step: DemandStep): number => (step.colsBy === 'row' ? rows : cols);
  const ifmap = demandWalker(views, plan.ifmap, g, widthOf(plan.ifmap));
  const filter = demandWalker(views, plan.filter, g, widthOf(plan.filter));
  const ofmap = demandWalker(views, plan.ofmap, g, cols);
  const folds = g.rowFolds * g.colFolds;
  return {
    rowFolds: g.rowFolds,
    colFolds: g.colFolds,
    ifmapDemand: ifmap.walker,
    filterDemand: filter.walker,
    ofmapDemand: ofmap.walker,
    ifmapPrefetch: buildPrefetch(views, plan.ifmapPrefetch, g),
    filterPrefetch: buildPrefetch(views, plan.filterPrefetch, g),
    ifmapSramReads: ifmap.count,
    filterSramReads: filter.count,
    ofmapSramWrites: ofmap.count + (plan.ofmapWritesQuirk ? folds * (rows + cols) : 0),
  };
}
