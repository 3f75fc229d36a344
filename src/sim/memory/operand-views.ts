/**
 * The three operand matrices of a layer in SCALE-Sim v2's address convention, as separable tables:
 * element (r, c) is rowAddress[r] + colAddress[c], so reading one costs two loads and an add instead
 * of the divisions and modulos of an im2col index (the memory model reads millions of them per layer).
 */
import type { ConvShape } from '../../core/conv-shape.js';
import { carveInt32 } from './int-list.js';

export interface AddressOffsets {
  readonly ifmap: number;
  readonly filter: number;
  readonly ofmap: number;
}

/**
 * Where a convolution window runs off the input: (r, c) is empty unless rowY[r] + colY[c] < limitY and rowX[r] +
 * colX[c] < limitX.
 */
export interface ViewBounds {
  readonly rowY: Int32Array;
  readonly colY: Int32Array;
  readonly rowX: Int32Array;
  readonly colX: Int32Array;
  readonly limitY: number;
  readonly limitX: number;
}

/** A rows x cols matrix of addresses; element (r, c) is rowAddress[r] + colAddress[c], or -1 outside `bounds`. */
export interface OperandView {
  readonly rows: number;
  readonly cols: number;
  readonly rowAddress: Int32Array;
  readonly colAddress: Int32Array;
  /** Absent when every element is an address (filter, ofmap, and ifmaps whose windows stay inside). */
  readonly bounds?: ViewBounds;
  /** No address occurs twice (false for an ifmap whose windows overlap). */
  readonly distinct: boolean;
}

export function addressAt(v: OperandView, r: number, c: number): number {
  const b = v.bounds;
  if (b && (b.rowY[r]! + b.colY[c]! >= b.limitY || b.rowX[r]! + b.colX[c]! >= b.limitX)) return -1;
  return v.rowAddress[r]! + v.colAddress[c]!;
}

export function transposeView(v: OperandView): OperandView {
  const b = v.bounds;
  const bounds = b && { rowY: b.colY, colY: b.rowY, rowX: b.colX, colX: b.rowX, limitY: b.limitY, limitX: b.limitX };
  return {
    rows: v.cols,
    cols: v.rows,
    rowAddress: v.colAddress,
    colAddress: v.rowAddress,
    distinct: v.distinct,
    ...(bounds ? { bounds } : {}),
  };
}

const maxOf = (a: Int32Array): number => {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) m = a[i]! > m ? a[i]! : m;
  return m;
};

/**
 * The three operand matrices of a layer: ifmap (pixels x window), filter (window x filters), ofmap (pixels x filters).
 */
export function operandViews(
  conv: ConvShape,
  offsets: AddressOffsets,
): { ifmap: OperandView; filter: OperandView; ofmap: OperandView } {
  const outH = Math.ceil((conv.ifmapHeight - conv.filterHeight + conv.strideHeight) / conv.strideHeight);
  const outW = Math.ceil((conv.ifmapWidth - conv.filterWidth + conv.strideWidth) / conv.strideWidth);
  const pixels = outH * outW;
  const ch = conv.channels;
  const window = conv.filterHeight * conv.filterWidth * ch;
  const filters = conv.filters;
  const [iRow, iCol, cRow, cCol, ifmapRows, ifmapCols, filterRows, filterCols, ofmapRows, ofmapCols] = carveInt32([
    pixels,
    pixels,
    window,
    window,
    pixels,
    window,
    window,
    filters,
    pixels,
    filters,
  ]) as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  // Pixel p starts at input (iRow, iCol); window element w sits at (cRow, cCol) of the filter, channel w % ch.
  for (let p = 0; p < pixels; p++) {
    iRow[p] = Math.floor(p / outW) * conv.strideHeight;
    iCol[p] = (p % outW) * conv.strideWidth;
    ifmapRows[p] = (iRow[p]! * conv.ifmapWidth + iCol[p]!) * ch + offsets.ifmap;
    ofmapRows[p] = filters * p + offsets.ofmap;
  }
  for (let w = 0; w < window; w++) {
    cRow[w] = Math.floor(w / (conv.filterWidth * ch));
    cCol[w] = Math.floor((w % (conv.filterWidth * ch)) / ch);
    ifmapCols[w] = (cRow[w]! * conv.ifmapWidth + cCol[w]!) * ch + ((w % (conv.filterWidth * ch)) % ch);
    filterRows[w] = w + offsets.filter;
  }
  for (let f = 0; f < filters; f++) {
    filterCols[f] = f * window;
    ofmapCols[f] = f;
  }
  const inside =
    pixels === 0 ||
    window === 0 ||
    (maxOf(iRow) + maxOf(cRow) < conv.ifmapHeight && maxOf(iCol) + maxOf(cCol) < conv.ifmapWidth);
  const bounds: ViewBounds = {
    rowY: iRow,
    colY: cRow,
    rowX: iCol,
    colX: cCol,
    limitY: conv.ifmapHeight,
    limitX: conv.ifmapWidth,
  };
  // Windows are disjoint along a dimension with one output or a stride no shorter than the filter.
  const distinct =
    (outH <= 1 || conv.strideHeight >= conv.filterHeight) && (outW <= 1 || conv.strideWidth >= conv.filterWidth);
  const ifmap: OperandView = inside
    ? { distinct, rows: pixels, cols: window, rowAddress: ifmapRows, colAddress: ifmapCols }
    : { distinct, rows: pixels, cols: window, rowAddress: ifmapRows, colAddress: ifmapCols, bounds };
  const filter: OperandView = {
    distinct: true,
    rows: window,
    cols: filters,
    rowAddress: filterRows,
    colAddress: filterCols,
  };
  const ofmap: OperandView = {
    distinct: true,
    rows: pixels,
    cols: filters,
    rowAddress: ofmapRows,
    colAddress: ofmapCols,
  };
  return { ifmap, filter, ofmap };
}

/**
 * The operand views with only some window positions (ifmap columns, filter rows) left, in order: SCALE-Sim v3's
 * layer-wise sparsity drops the positions its N:M pattern zeroes from both (operand_matrix.py), so the array runs
 * the K' that are left at their dense addresses. The ofmap does not change.
 */
export function keepWindow(
  views: { ifmap: OperandView; filter: OperandView; ofmap: OperandView },
  window: readonly number[],
): { ifmap: OperandView; filter: OperandView; ofmap: OperandView } {
  const pick = (a: Int32Array): Int32Array => Int32Array.from(window, (w) => a[w]!);
  const { ifmap, filter, ofmap } = views;
  const b = ifmap.bounds;
  const bounds = b && { ...b, colY: pick(b.colY), colX: pick(b.colX) };
  return {
    ifmap: { ...ifmap, cols: window.length, colAddress: pick(ifmap.colAddress), ...(bounds ? { bounds } : {}) },
    filter: { ...filter, rows: window.length, rowAddress: pick(filter.rowAddress) },
    ofmap,
  };
}
