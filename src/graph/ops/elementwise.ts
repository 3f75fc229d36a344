/**
 * Element-wise ops: unary functions and binary ops with NumPy broadcasting. Each declares how many
 * vector-unit operations it costs per element (one for add/multiply/compare, a few for transcendentals:
 * tpusim estimates, the same as the chip's vector unit uses).
 */
import { erf, gelu, geluTanh } from '../../core/functions.js';
import { isNumberFormatName, NUMBER_FORMATS } from '../../core/number-formats.js';
import { elementCount } from '../types.js';
import {
  broadcastShapes,
  constantInts,
  floatAttr,
  input,
  stridesOf,
  toDType,
  unsupported,
  type OpContext,
  type OpDef,
  type TensorType,
} from './op.js';

function unary(op: string, opsPerElement: number, fn: (x: number, ctx: OpContext) => number, summary: string): OpDef {
  return {
    op,
    kind: 'vector',
    summary,
    infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: input(ctx, 0).shape }],
    vectorOps: (_ctx, out) => opsPerElement * elementCount(out[0]!.shape),
    evaluate: (ctx, inputs, out) => [Float64Array.from(inputs[0]!, (x) => toDType(fn(x, ctx), out[0]!.dtype))],
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

function binary(op: string, fn: (x: number, y: number, ctx: OpContext) => number, summary: string): OpDef {
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
      return [Float64Array.from(a, (x, i) => toDType(fn(x, b[i]!, ctx), out[0]!.dtype))];
    },
  };
}

/** An op over one or more inputs (ONNX's Max, Min), folded left to right after broadcasting them all. */
function variadic(op: string, fn: (x: number, y: number) => number, summary: string): OpDef {
  const shapeOf = (ctx: OpContext): number[] =>
    ctx.inputs.reduce<number[]>(
      (shape, _t, i) => broadcastShapes(shape, input(ctx, i).shape),
      [...input(ctx, 0).shape],
    );
  return {
    op,
    kind: 'vector',
    summary,
    infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: shapeOf(ctx) }],
    vectorOps: (ctx, out) => Math.max(1, ctx.inputs.length - 1) * elementCount(out[0]!.shape),
    evaluate: (ctx, inputs, out) => {
      const shape = out[0]!.shape;
      const all = inputs.map((v, i) => broadcastValues(v!, input(ctx, i).shape, shape));
      return [
        Float64Array.from(all[0]!, (x, i) =>
          toDType(
            all.slice(1).reduce((acc, v) => fn(acc, v[i]!), x),
            out[0]!.dtype,
          ),
        ),
      ];
    },
  };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Dropout at inference: x, and (when asked for) a mask that keeps everything. Training mode is random. */
const DROPOUT: OpDef = {
  op: 'Dropout',
  kind: 'vector',
  summary: 'x (inference)',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const training = ctx.inputs[2] ? constantInts(ctx, 2, 'training_mode')[0] : 0;
    const ratio = ctx.inputs[1] ? constantInts(ctx, 1, 'ratio')[0] : floatAttr(ctx, 'ratio', 0.5);
    if (training !== 0 && ratio !== 0)
      unsupported(
        `training_mode dropout (ratio ${ratio}) drops random elements; tpusim evaluates inference, where dropout ` +
          `passes x through`,
      );
    return [
      { dtype: x.dtype, shape: x.shape },
      ...(ctx.node.outputs.length > 1 ? [{ dtype: 'bool' as const, shape: x.shape }] : []),
    ];
  },
  vectorOps: () => 0,
  evaluate: (_ctx, inputs, out) => [
    Float64Array.from(inputs[0]!),
    ...(out.length > 1 ? [new Float64Array(inputs[0]!.length).fill(1)] : []),
  ],
};

export const ELEMENTWISE_OPS: readonly OpDef[] = [
  DROPOUT,
  unary('Relu', 1, (x) => (x > 0 ? x : 0), 'max(x, 0)'),
  unary('LeakyRelu', 2, (x, ctx) => (x >= 0 ? x : x * floatAttr(ctx, 'alpha', 0.01)), 'x, or alpha x below zero'),
  unary('Sigmoid', 6, sigmoid, 'logistic function'),
  unary('Silu', 7, (x) => x * sigmoid(x), 'x sigmoid(x) (SwiGLU gates)'),
  unary('Tanh', 6, (x) => Math.tanh(x), 'hyperbolic tangent'),
  unary(
    'Gelu',
    10,
    (x, ctx) => (ctx.node.attrs['approximate'] === 'tanh' ? geluTanh(x) : gelu(x)),
    'Gaussian error linear unit',
  ),
  unary(
    'HardSigmoid',
    4,
    (x, ctx) => Math.min(1, Math.max(0, floatAttr(ctx, 'alpha', 0.2) * x + floatAttr(ctx, 'beta', 0.5))),
    'max(0, min(1, alpha x + beta))',
  ),
  unary('HardSwish', 5, (x) => x * Math.min(1, Math.max(0, x / 6 + 0.5)), 'x max(0, min(1, x / 6 + 1/2))'),
  unary('Erf', 6, erf, 'error function'),
  unary('Exp', 4, (x) => Math.exp(x), 'e^x'),
  unary('Sqrt', 4, (x) => Math.sqrt(x), 'square root'),
  unary('Reciprocal', 4, (x) => 1 / x, '1 / x'),
  unary('Neg', 1, (x) => -x, '-x'),
  unary('Abs', 1, (x) => Math.abs(x), '|x|'),
  unary('Identity', 0, (x) => x, 'x'),
  binary('Add', (x, y) => x + y, 'x + y'),
  binary('Sub', (x, y) => x - y, 'x - y'),
  binary('Mul', (x, y) => x * y, 'x y'),
  binary('Div', (x, y) => x / y, 'x / y'),
  binary('Pow', (x, y) => x ** y, 'x^y'),
  // fmod 0 (integers): the sign of y, as Python's %; fmod 1: the sign of x, as C's fmod.
  binary('Mod', (x, y, ctx) => (ctx.node.attrs['fmod'] === 1 ? x % y : x - y * Math.floor(x / y)), 'x mod y'),
  variadic('Max', (x, y) => (x > y || Number.isNaN(x) ? x : y), 'max(x, y, ...)'),
  variadic('Min', (x, y) => (x < y || Number.isNaN(x) ? x : y), 'min(x, y, ...)'),
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
  return {
    min: lo?.data?.[0] ?? floatAttr(ctx, 'min', -Infinity),
    max: hi?.data?.[0] ?? floatAttr(ctx, 'max', Infinity),
  };
}

const NARROW_FLOATS: ReadonlySet<string> = new Set(['fp16', 'bf16', 'fp8-e4m3', 'fp8-e5m2']);

export const CAST: OpDef = {
  op: 'Cast',
  kind: 'vector',
  summary: 'change element type',
  infer: (ctx) => {
    const to = ctx.node.attrs['to'];
    return [
      { dtype: typeof to === 'string' ? (to as TensorType['dtype']) : input(ctx, 0).dtype, shape: input(ctx, 0).shape },
    ];
  },
  vectorOps: (_ctx, out) => elementCount(out[0]!.shape),
  evaluate: (_ctx, inputs, out) => {
    // A cast to a narrow float rounds to it (other ops compute every float type in fp32).
    const dtype = out[0]!.dtype;
    const narrow = NARROW_FLOATS.has(dtype) && isNumberFormatName(dtype) ? NUMBER_FORMATS[dtype] : undefined;
    return [Float64Array.from(inputs[0]!, (x) => (narrow ? narrow.quantize(x) : toDType(x, dtype)))];
  },
};
