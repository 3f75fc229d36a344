/**
 * The order in which a custom layout stores a read operand in SRAM (and fetches it from DRAM), as
 * SCALE-Sim v3 builds it (operand_matrix.py, get_*_prefetch_matrix_custom_layout): the operand's
 * addresses as a dense array (IFMAP: height x width x channels; filter: filters x channels x height x
 * width), each dimension padded with -1 to a multiple of its intraline factor and split into
 * (tiles, factor), the tile axes first and the intraline axes after, then transposed by the layout's
 * axis permutation and read out flat.
 */
import type { ConvShape } from '../../core/conv-shape.js';
import type { OperandLayout } from './layout-csv.js';

/** Addresses in layout order, -1 for padding. `dims` is the dense array's shape, `at` its address of an index. */
function tiledOrder(
  dims: readonly number[],
  layout: OperandLayout,
  at: (index: readonly number[]) => number,
): Int32Array {
  const n = dims.length;
  const factors = layout.intralineFactors;
  const tiles = dims.map((d, i) => Math.ceil(d / factors[i]!));
  const shape = [...tiles, ...factors];
  const outShape = layout.axes.map((a) => shape[a]!);
  const total = outShape.reduce((p, s) => p * s, 1);
  const out = new Int32Array(total);
  const counter = new Array<number>(outShape.length).fill(0);
  const source = new Array<number>(2 * n).fill(0);
  const index = new Array<number>(n).fill(0);
  for (let p = 0; p < total; p++) {
    counter.forEach((v, q) => (source[layout.axes[q]!] = v));
    let inside = true;
    for (let i = 0; i < n; i++) {
      index[i] = source[i]! * factors[i]! + source[n + i]!;
      if (index[i]! >= dims[i]!) inside = false;
    }
    out[p] = inside ? at(index) : -1;
    for (let q = outShape.length - 1; q >= 0; q--) {
      if (++counter[q]! < outShape[q]!) break;
      counter[q] = 0;
    }
  }
  return out;
}

/** The IFMAP in layout order: address = offset + (row x width + col) x channels + channel. */
export function ifmapLayoutOrder(conv: ConvShape, layout: OperandLayout, offset: number): Int32Array {
  const { ifmapHeight: H, ifmapWidth: W, channels: C } = conv;
  return tiledOrder([H, W, C], layout, ([h, w, c]) => offset + (h! * W + w!) * C + c!);
}

/** The filter in layout order: address = offset + ((filter x channels + channel) x height + row) x width + col. */
export function filterLayoutOrder(conv: ConvShape, layout: OperandLayout, offset: number): Int32Array {
  const { filters: K, channels: C, filterHeight: R, filterWidth: S } = conv;
  return tiledOrder([K, C, R, S], layout, ([k, c, r, s]) => offset + ((k! * C + c!) * R + r!) * S + s!);
}
