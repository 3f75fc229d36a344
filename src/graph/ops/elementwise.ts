/**
 * Element-wise ops: unary functions and binary ops with NumPy broadcasting. Each declares how many
 * vector-unit operations it costs per element (one for add/multiply/compare, a few for transcendentals:
 * tpusim estimates, the same as the chip's vector unit uses).
 */
import { erf, gelu, geluTanh } from '../../core/functions.js';
import { elementCount } from '../types.js';
import { broadcastShapes, f32, floatAttr, input, stridesOf, type OpContext, type OpDef, type TensorType } from './op.js';

function unary(op: string, opsPerElement: number, fn: (x: number, ctx: OpContext) => number, summary: string): OpDef {
  return {
    op,
    kind: 'vector',
    summary,
    infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: input(ctx, 0).shape }],
    vectorOps: (_ctx, out) => opsPerElement * elementCount(out[0]!.shape),
    evaluate: (ctx, inputs) => [Float64Array.from(inputs[0]!, (x) => f32(fn(x, ctx)))],
  };
}

/** Values of `a` (shape `from`) read at every index of the broadcast shape `to`. */
export function broadcastValues(a: Float64Array, from: readonly number[], to: readonly number[]): Float64Array {
  if (from.length === to.length && from.every((d, i) => d === to[i])) return a;
  const out = new Float64Array(elementCount(to));
  const fromStrides = stridesOf(from);
  const offset = to.length - from.length;
  const index = new Array<number>(to.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let src = 0;
    for (let d = offset; d < to.length; d++) if (from[d - offset] !== 1) src += index[d]! * fromStrides[d - offset]!;
    out[i] = a[src]!;
    for (let d = to.length - 1; d >= 0; d--) {
      if (++index[d]! < to[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

function binary(op: string, fn: (x: number, y: number) => number, summary: string): OpDef {
  return {
    op,
    kind: 'vector',
    summary,
    infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: broadcastShapes(input(ctx, 0).shape, input(ctx, 1).shape) }],
    vectorOps: (_ctx, out) => elementCount(out[0]!.shape),
    evaluate: (ctx, inputs, out) => {
      const shape = out[0]!.shape;
      const a = broadcastValues(inputs[0]!, input(ctx, 0).shape, shape);
      const b = broadcastValues(inputs[1]!, input(ctx, 1).shape, shape);
      return [Float64Array.from(a, (x, i) => f32(fn(x, b[i]!)))];
    },
  };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export const ELEMENTWISE_OPS: readonly OpDef[] = [
  unary('Relu', 1, (x) => (x > 0 ? x : 0), 'max(x, 0)'),
  unary('LeakyRelu', 2, (x, ctx) => (x >= 0 ? x : x * floatAttr(ctx, 'alpha', 0.01)), 'x, or alpha x below zero'),
  unary('Sigmoid', 6, sigmoid, 'logistic function'),
  unary('Silu', 7, (x) => x * sigmoid(x), 'x sigmoid(x) (SwiGLU gates)'),
  unary('Tanh', 6, (x) => Math.tanh(x), 'hyperbolic tangent'),
  unary('Gelu', 10, (x, ctx) => (ctx.node.attrs['approximate'] === 'tanh' ? geluTanh(x) : gelu(x)), 'Gaussian error linear unit'),
  unary('Erf', 6, erf, 'error function'),
  unary('Exp', 4, (x) => Math.exp(x), 'e^x'),
  unary('Sqrt', 4, (x) => Math.sqrt(x), 'square root'),
  unary('Reciprocal', 4, (x) => 1 / x, '1 / x'),
  unary('Neg', 1, (x) => -x, '-x'),
  unary('Abs', 1, (x) => Math.abs(x), '|x|'),
  unary('Identity', 0, (x) => x, 'x'),
  unary('Dropout', 0, (x) => x, 'x (inference)'),
  binary('Add', (x, y) => x + y, 'x + y'),
  binary('Sub', (x, y) => x - y, 'x - y'),
  binary('Mul', (x, y) => x * y, 'x y'),
  binary('Div', (x, y) => x / y, 'x / y'),
  binary('Pow', (x, y) => x ** y, 'x^y'),
  binary('Max', (x, y) => (x > y || Number.isNaN(x) ? x : y), 'max(x, y)'),
  binary('Min', (x, y) => (x < y || Number.isNaN(x) ? x : y), 'min(x, y)'),
];

/** Clip takes its bounds as optional inputs (opset 11+) or attributes (older). */
export const CLIP: OpDef = {
  op: 'Clip',
  kind: 'vector',
  summary: 'clamp to [min, max]',
  infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: input(ctx, 0).shape }],
  vectorOps: (_ctx, out) => 2 * elementCount(out[0]!.shape),
  evaluate: (ctx, inputs) => {
    const lo = inputs[1]?.[0] ?? floatAttr(ctx, 'min', -Infinity);
    const hi = inputs[2]?.[0] ?? floatAttr(ctx, 'max', Infinity);
    return [Float64Array.from(inputs[0]!, (x) => Math.min(Math.max(x, lo), hi))];
  },
};

/** Bounds of a Clip node when they are constants (for fusing Clip(0, 6) as ReLU6). */
export function clipBounds(ctx: OpContext): { min: number; max: number } | undefined {
  const lo = ctx.inputs[1];
  const hi = ctx.inputs[2];
  if ((lo && !lo.data) || (hi && !hi.data)) return undefined;
  return { min: lo?.data?.[0] ?? floatAttr(ctx, 'min', -Infinity), max: hi?.data?.[0] ?? floatAttr(ctx, 'max', Infinity) };
}

export const CAST: OpDef = {
  op: 'Cast',
  kind: 'vector',
  summary: 'change element type',
  infer: (ctx) => {
    const to = ctx.node.attrs['to'];
    return [{ dtype: typeof to === 'string' ? (to as TensorType['dtype']) : input(ctx, 0).dtype, shape: input(ctx, 0).shape }];
  },
  vectorOps: (_ctx, out) => elementCount(out[0]!.shape),
  evaluate: (_ctx, inputs) => [Float64Array.from(inputs[0]!)],
};
