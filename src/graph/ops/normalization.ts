/**
 * Softmax, layer and RMS normalization, batch normalization (inference) and reductions. Row-wise ops
 * work over one axis (the last, for softmax and the normalizations tpusim lowers to the chip).
 */
import { elementCount } from '../types.js';
import { broadcastValues } from './elementwise.js';
import {
  constantInts,
  f32,
  floatAttr,
  input,
  intAttr,
  intsAttr,
  normalizeAxis,
  unsupported,
  type OpContext,
  type OpDef,
} from './op.js';

/** Splits a shape at `axis` into outer x inner rows of `axis..end` or of one axis. */
function rows(shape: readonly number[], axis: number): { outer: number; size: number; inner: number } {
  return { outer: elementCount(shape.slice(0, axis)), size: shape[axis]!, inner: elementCount(shape.slice(axis + 1)) };
}

function mapRows(
  values: Float64Array,
  shape: readonly number[],
  axis: number,
  fn: (row: Float64Array) => void,
): Float64Array {
  const { outer, size, inner } = rows(shape, axis);
  const out = new Float64Array(values.length);
  const row = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let s = 0; s < size; s++) row[s] = values[(o * size + s) * inner + i]!;
      fn(row);
      for (let s = 0; s < size; s++) out[(o * size + s) * inner + i] = f32(row[s]!);
    }
  }
  return out;
}

export const SOFTMAX: OpDef = {
  op: 'Softmax',
  kind: 'vector',
  summary: 'softmax along an axis',
  infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: input(ctx, 0).shape }],
  vectorOps: (_ctx, out) => 8 * elementCount(out[0]!.shape),
  evaluate: (ctx, inputs) => {
    const shape = input(ctx, 0).shape;
    const axis = normalizeAxis(intAttr(ctx, 'axis', -1), shape.length);
    return [
      mapRows(inputs[0]!, shape, axis, (row) => {
        const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
        let total = 0;
        for (let i = 0; i < row.length; i++) total += row[i] = Math.exp(row[i]! - max);
        for (let i = 0; i < row.length; i++) row[i] = row[i]! / total;
      }),
    ];
  },
};

/**
 * LayerNormalization normalizes over axes axis..rank-1 (ONNX), with optional outputs Mean and InvStdDev
 * (shape of x with the normalized axes kept as 1); the chip lowers only axis = -1 (graph/layers/fuse).
 */
function normalization(op: string, rms: boolean, summary: string): OpDef {
  const axisOf = (ctx: OpContext): number => normalizeAxis(intAttr(ctx, 'axis', -1), input(ctx, 0).shape.length);
  return {
    op,
    kind: 'vector',
    summary,
    infer: (ctx) => {
      const x = input(ctx, 0);
      const axis = axisOf(ctx);
      const stats = { dtype: x.dtype, shape: x.shape.map((d, i) => (i < axis ? d : 1)) };
      return [{ dtype: x.dtype, shape: x.shape }, ...(ctx.node.outputs.length > 1 ? [stats, stats] : [])];
    },
    vectorOps: (_ctx, out) => (rms ? 5 : 8) * elementCount(out[0]!.shape),
    evaluate: (ctx, inputs, outputs) => {
      const shape = input(ctx, 0).shape;
      const axis = axisOf(ctx);
      const eps = floatAttr(ctx, 'epsilon', 1e-5);
      const normalized = shape.slice(axis);
      const n = elementCount(normalized);
      const [scale, bias] = [1, 2].map((i) => inputs[i] && broadcastValues(inputs[i], input(ctx, i).shape, normalized));
      const x = inputs[0]!;
      const y = new Float64Array(x.length);
      const rowsCount = x.length / n;
      const [means, invs] = [new Float64Array(rowsCount), new Float64Array(rowsCount)];
      for (let r = 0; r < rowsCount; r++) {
        const row = x.subarray(r * n, (r + 1) * n);
        const mean = rms ? 0 : row.reduce((s, v) => s + v, 0) / n;
        const variance = row.reduce((s, v) => s + (v - mean) * (v - mean), 0) / n;
        const inv = 1 / Math.sqrt(variance + eps);
        [means[r], invs[r]] = [f32(mean), f32(inv)];
        for (let i = 0; i < n; i++)
          y[r * n + i] = f32((row[i]! - mean) * inv * (scale ? scale[i]! : 1) + (bias ? bias[i]! : 0));
      }
      return [y, means, invs].slice(0, outputs.length);
    },
  };
}

export const LAYER_NORM = normalization(
  'LayerNormalization',
  false,
  'layer normalization over the last axis, with scale and bias',
);
export const RMS_NORM = normalization('RMSNormalization', true, 'RMS normalization over the last axis, with scale');

export const BATCH_NORM: OpDef = {
  op: 'BatchNormalization',
  kind: 'vector',
  summary: 'per-channel scale and shift with running statistics (inference)',
  infer: (ctx) => {
    if (intAttr(ctx, 'training_mode', 0) !== 0)
      unsupported(
        'training_mode=1 (batch statistics, updated running statistics) is not supported; tpusim evaluates inference',
      );
    return [{ dtype: input(ctx, 0).dtype, shape: input(ctx, 0).shape }];
  },
  vectorOps: (_ctx, out) => 2 * elementCount(out[0]!.shape),
  evaluate: (ctx, inputs) => {
    const shape = input(ctx, 0).shape;
    const eps = floatAttr(ctx, 'epsilon', 1e-5);
    const [x, gamma, beta, mean, variance] = inputs as Float64Array[];
    const channels = shape[1]!;
    const inner = elementCount(shape.slice(2));
    return [
      Float64Array.from(x!, (v, i) => {
        const c = Math.floor(i / inner) % channels;
        return f32(((v - mean![c]!) / Math.sqrt(variance![c]! + eps)) * gamma![c]! + beta![c]!);
      }),
    ];
  },
};

/** Reduction axes from the `axes` attribute (older opsets) or the second input (ReduceSum 13+, others 18+). */
export function reduceAxes(ctx: OpContext, rank: number): number[] {
  const fromInput = ctx.inputs[1] ? constantInts(ctx, 1, 'axes') : undefined;
  const given = fromInput ?? intsAttr(ctx, 'axes', undefined) ?? [];
  // No axes (or an empty axes input) reduces all of them, unless noop_with_empty_axes asks for none.
  const all = intAttr(ctx, 'noop_with_empty_axes', 0) === 1 ? [] : Array.from({ length: rank }, (_, i) => i);
  const axes = given.length > 0 ? given : all;
  return [...new Set(axes.map((a) => normalizeAxis(a, rank)))].sort((a, b) => a - b);
}

function reduction(
  op: string,
  start: number,
  combine: (acc: number, v: number) => number,
  finish: (acc: number, n: number) => number,
): OpDef {
  return {
    op,
    kind: 'vector',
    summary: `${op.slice(6).toLowerCase()} over axes`,
    infer: (ctx) => {
      const shape = input(ctx, 0).shape;
      const axes = reduceAxes(ctx, shape.length);
      const keep = intAttr(ctx, 'keepdims', 1) === 1;
      const out = shape.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
      return [{ dtype: input(ctx, 0).dtype, shape: out }];
    },
    vectorOps: (ctx) => elementCount(input(ctx, 0).shape),
    evaluate: (ctx, inputs, outputs) => {
      const shape = input(ctx, 0).shape;
      const axes = reduceAxes(ctx, shape.length);
      const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const out = new Float64Array(elementCount(outputs[0]!.shape)).fill(start);
      const count = elementCount(shape) / out.length;
      const index = new Array<number>(shape.length).fill(0);
      for (let i = 0; i < inputs[0]!.length; i++) {
        let o = 0;
        for (let d = 0; d < shape.length; d++) o = o * kept[d]! + (axes.includes(d) ? 0 : index[d]!);
        out[o] = combine(out[o]!, inputs[0]![i]!);
        for (let d = shape.length - 1; d >= 0; d--) {
          if (++index[d]! < shape[d]!) break;
          index[d] = 0;
        }
      }
      return [Float64Array.from(out, (v) => f32(finish(v, count)))];
    },
  };
}

export const REDUCTIONS: readonly OpDef[] = [
  reduction(
    'ReduceMean',
    0,
    (a, v) => a + v,
    (a, n) => a / n,
  ),
  reduction(
    'ReduceSum',
    0,
    (a, v) => a + v,
    (a) => a,
  ),
  reduction(
    'ReduceMax',
    -Infinity,
    (a, v) => Math.max(a, v),
    (a) => a,
  ),
];
