/**
 * The address streams of one layer in SCALE-Sim v2's convention: the three operand address matrices
 * (ifmap, filter, ofmap), the per-cycle SRAM demand of each operand (one row per cycle, one column per
 * array row or column, -1 where nothing is read or written) and the order in which the read operands
 * are prefetched from DRAM. The memory model (scratchpad.ts) times these streams.
 *
 * Every dataflow is the same few steps on different operands: slice an operand per fold, pad it with
 * -1 to the array's width, maybe flip it, add idle rows before and after, maybe skew it one cycle per
 * column. Each dataflow declares those steps as data in STREAM_PLANS.
 */
import type { Dataflow } from '../../../../arch/chip-spec.js';
import type { ConvShape } from '../../../../core/conv-shape.js';

export type { ConvShape };

export interface AddressOffsets {
  readonly ifmap: number;
  readonly filter: number;
  readonly ofmap: number;
}

/** A row-major matrix of addresses; -1 marks an empty slot. */
export interface AddressMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Int32Array;
}

/** One operand's demand, produced fold by fold (the whole stream can be far larger than memory). */
export interface DemandSource {
  /** Rows (cycles) per fold and slots per row. */
  readonly foldRows: number;
  readonly width: number;
  /** Writes fold (fr, fc)'s rows into `out` (foldRows x width). */
  fill(fr: number, fc: number, out: Int32Array): void;
}

export interface LayerStreams {
  /** Folds run column fold by column fold, row folds inside, as SCALE-Sim orders them. */
  readonly rowFolds: number;
  readonly colFolds: number;
  readonly ifmapDemand: DemandSource;
  readonly filterDemand: DemandSource;
  readonly ofmapDemand: DemandSource;
  /** Addresses in DRAM fetch order (padding included, as SCALE-Sim keeps it). */
  readonly ifmapPrefetch: Int32Array;
  readonly filterPrefetch: Int32Array;
  /** SCALE-Sim's SRAM access counts (its ofmap count for os adds rows + cols per fold, kept as it is). */
  readonly ifmapSramReads: number;
  readonly filterSramReads: number;
  readonly ofmapSramWrites: number;
}

/** A virtual matrix: size and an address per element. */
interface View {
  readonly rows: number;
  readonly cols: number;
  at(r: number, c: number): number;
}

const transpose = (v: View): View => ({ rows: v.cols, cols: v.rows, at: (r, c) => v.at(c, r) });

/**
 * The three operand matrices of a layer: ifmap (pixels x window), filter (window x filters), ofmap (pixels x filters).
 */
export function operandViews(conv: ConvShape, offsets: AddressOffsets): { ifmap: View; filter: View; ofmap: View } {
  const outH = Math.ceil((conv.ifmapHeight - conv.filterHeight + conv.strideHeight) / conv.strideHeight);
  const outW = Math.ceil((conv.ifmapWidth - conv.filterWidth + conv.strideWidth) / conv.strideWidth);
  const pixels = outH * outW;
  const ch = conv.channels;
  const window = conv.filterHeight * conv.filterWidth * ch;
  const ifmap: View = {
    rows: pixels,
    cols: window,
    at(p, w) {
      const iRow = Math.floor(p / outW) * conv.strideHeight;
      const iCol = (p % outW) * conv.strideWidth;
      const cRow = Math.floor(w / (conv.filterWidth * ch));
      const rest = w % (conv.filterWidth * ch);
      const cCol = Math.floor(rest / ch);
      if (cRow + iRow >= conv.ifmapHeight || cCol + iCol >= conv.ifmapWidth) return -1;
      return (cRow * conv.ifmapWidth + cCol) * ch + (rest % ch) + (iRow * conv.ifmapWidth + iCol) * ch + offsets.ifmap;
    },
  };
  const filter: View = { rows: window, cols: conv.filters, at: (w, f) => f * window + w + offsets.filter };
  const ofmap: View = { rows: pixels, cols: conv.filters, at: (p, f) => conv.filters * p + f + offsets.ofmap };
  return { ifmap, filter, ofmap };
}

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
  sizes(v: { ifmap: View; filter: View }): { Sr: number; Sc: number; T: number };
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
  readonly Sr: number;
  readonly Sc: number;
  readonly T: number;
  readonly rowFolds: number;
  readonly colFolds: number;
}

/**
 * The block of one fold (fr, fc) that a step reads, padded with -1 to `width` columns (and R rows when sliced by row).
 */
function foldBlock(view: View, step: DemandStep, g: FoldGeometry, fr: number, fc: number, width: number): View {
  const sliceStart = (by: 'row' | 'col'): number => (by === 'row' ? fr * g.R : fc * g.C);
  const sliceSize = (by: 'row' | 'col'): number => (by === 'row' ? g.R : g.C);
  const r0 = step.rowsBy === 'all' ? 0 : sliceStart(step.rowsBy);
  const rowLimit = step.rowsBy === 'all' ? view.rows : Math.min(view.rows, r0 + sliceSize(step.rowsBy));
  const rows = step.rowsBy === 'all' ? view.rows : sliceSize(step.rowsBy);
  const c0 = sliceStart(step.colsBy);
  const colLimit = Math.min(view.cols, c0 + width);
  return { rows, cols: width, at: (r, c) => (r0 + r < rowLimit && c0 + c < colLimit ? view.at(r0 + r, c0 + c) : -1) };
}

function buildDemand(
  views: Record<'ifmap' | 'filter' | 'ofmap', View>,
  step: DemandStep,
  g: FoldGeometry,
  width: number,
): { source: DemandSource; count: number } {
  const source = step.transposed ? transpose(views[step.source]) : views[step.source];
  const prefix = step.prefix(g.R, g.C, g.T);
  const suffix = step.suffix(g.R, g.C, g.T);
  const blockRows = foldBlock(source, step, g, 0, 0, width).rows;
  const foldRows = prefix + blockRows + suffix + (step.skew ? width - 1 : 0);
  let count = 0;
  for (let fc = 0; fc < g.colFolds; fc++)
    for (let fr = 0; fr < g.rowFolds; fr++) count += usedElements(source, step, g, fr, fc, width);
  const fill = (fr: number, fc: number, out: Int32Array): void => {
    out.fill(-1);
    const block = foldBlock(source, step, g, fr, fc, width);
    for (let r = 0; r < block.rows; r++) {
      const srcRow = step.flip ? block.rows - 1 - r : r;
      for (let c = 0; c < width; c++) out[(prefix + r + (step.skew ? c : 0)) * width + c] = block.at(srcRow, c);
    }
  };
  return { source: { foldRows, width, fill }, count };
}

/** Elements of the unpadded slice, as SCALE-Sim counts SRAM accesses. */
function usedElements(view: View, step: DemandStep, g: FoldGeometry, fr: number, fc: number, width: number): number {
  const extent = (by: 'row' | 'col', total: number): number => {
    const start = by === 'row' ? fr * g.R : fc * g.C;
    return Math.max(0, Math.min(total, start + (by === 'row' ? g.R : g.C)) - start);
  };
  const rows = step.rowsBy === 'all' ? view.rows : extent(step.rowsBy, view.rows);
  const cols = Math.max(
    0,
    Math.min(view.cols, (step.colsBy === 'row' ? fr * g.R : fc * g.C) + width) -
      (step.colsBy === 'row' ? fr * g.R : fc * g.C),
  );
  return rows * cols;
}

function buildPrefetch(views: Record<'ifmap' | 'filter', View>, step: PrefetchStep, g: FoldGeometry): Int32Array {
  const source = step.transposed ? transpose(views[step.source]) : views[step.source];
  const width = step.colsBy === 'row' ? g.R : g.C;
  const folds = step.colsBy === 'row' ? g.rowFolds : g.colFolds;
  const M = source.rows * folds;
  const N = width;
  const at = (r: number, c: number): number => {
    const fold = Math.floor(r / source.rows);
    const col = fold * width + c;
    return col < source.cols ? source.at(r % source.rows, col) : -1;
  };
  const out = new Int32Array(M * N);
  let i = 0;
  if (!step.diagonal) {
    for (let r = 0; r < M; r++) for (let c = 0; c < N; c++) out[i++] = at(r, c);
    return out;
  }
  for (let d = 0; d < M + N; d++) {
    const maxRow = Math.min(d, M - 1);
    const minRow = Math.max(0, d - N + 1);
    for (let r = maxRow; r >= minRow; r--) out[i++] = at(r, d - r);
  }
  return out;
}

export function layerStreams(
  conv: ConvShape,
  offsets: AddressOffsets,
  rows: number,
  cols: number,
  dataflow: Dataflow,
): LayerStreams {
  const views = operandViews(conv, offsets);
  const plan = STREAM_PLANS[dataflow];
  const { Sr, Sc, T } = plan.sizes(views);
  const g: FoldGeometry = {
    R: rows,
    C: cols,
    Sr,
    Sc,
    T,
    rowFolds: Math.ceil(Sr / rows),
    colFolds: Math.ceil(Sc / cols),
  };
  const ifmapWidth = plan.ifmap.colsBy === 'row' ? rows : cols;
  const ifmap = buildDemand(views, plan.ifmap, g, ifmapWidth);
  const filter = buildDemand(views, plan.filter, g, plan.filter.colsBy === 'row' ? rows : cols);
  const ofmap = buildDemand(views, plan.ofmap, g, cols);
  const folds = g.rowFolds * g.colFolds;
  return {
    rowFolds: g.rowFolds,
    colFolds: g.colFolds,
    ifmapDemand: ifmap.source,
    filterDemand: filter.source,
    ofmapDemand: ofmap.source,
    ifmapPrefetch: buildPrefetch(views, plan.ifmapPrefetch, g),
    filterPrefetch: buildPrefetch(views, plan.filterPrefetch, g),
    ifmapSramReads: ifmap.count,
    filterSramReads: filter.count,
    ofmapSramWrites: ofmap.count + (plan.ofmapWritesQuirk ? folds * (rows + cols) : 0),
  };
}
