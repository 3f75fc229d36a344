/**
 * Comparisons, Where and Pad: what exporters emit around shapes and masks (torchvision's ViT expands
 * its class token to a shape chosen by Equal/Where; Swin pads to whole windows and
 * takes Mod of sizes). Mostly folded at import, when their inputs are constants; their fp32
 * semantics follow the ONNX operator specs.
 */
import { elementCount, type TensorDType } from '../types.js';
import { broadcastValues } from './elementwise.js';
import {
  broadcastShapes,
  constantInts,
  fail,
  floatAttr,
  input,
  stridesOf,
  stringAttr,
  toDType,
  unsupported,
  type OpContext,
  type OpDef,
} from './op.js';

function compare(op: string, fn: (x: number, y: number) => boolean, summary: string): OpDef {
  return {
    op,
    kind: 'vector',
    summary,
    infer: (ctx) => [{ dtype: 'bool', shape: broadcastShapes(input(ctx, 0).shape, input(ctx, 1).shape) }],
    vectorOps: (_ctx, out) => elementCount(out[0]!.shape),
    evaluate: (ctx, inputs, out) => {
      const shape = out[0]!.shape;
      const a = broadcastValues(inputs[0]!, input(ctx, 0).shape, shape);
      const b = broadcastValues(inputs[1]!, input(ctx, 1).shape, shape);
      return [Float64Array.from(a, (x, i) => (fn(x, b[i]!) ? 1 : 0))];
    },
  };
}

const WHERE: OpDef = {
  op: 'Where',
  kind: 'vector',
  summary: 'x where the condition holds, else y',
  infer: (ctx) => [
    {
      dtype: input(ctx, 1).dtype,
      shape: broadcastShapes(broadcastShapes(input(ctx, 0).shape, input(ctx, 1).shape), input(ctx, 2).shape),
    },
  ],
  vectorOps: (_ctx, out) => elementCount(out[0]!.shape),
  evaluate: (ctx, inputs, out) => {
    const shape = out[0]!.shape;
    const [c, x, y] = [0, 1, 2].map((i) => broadcastValues(inputs[i]!, input(ctx, i).shape, shape));
    return [Float64Array.from(c!, (v, i) => (v !== 0 ? x![i]! : y![i]!))];
  },
};

/** Pad's begin and end per axis (pads input, with optional axes from opset 18). */
function padAmounts(ctx: OpContext): { begin: number[]; end: number[] } {
  const rank = input(ctx, 0).shape.length;
  const pads = constantInts(ctx, 1, 'pads');
  const axes = ctx.inputs[3]
    ? constantInts(ctx, 3, 'axes').map((a) => (a < 0 ? a + rank : a))
    : Array.from({ length: rank }, (_, i) => i);
  if (pads.length !== 2 * axes.length)
    fail(`pads has ${pads.length} values; ${axes.length} axes need ${2 * axes.length}`);
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    if (a < 0 || a >= rank) fail(`axis ${axes[i]} is out of range for rank ${rank}`);
    begin[a] = pads[i]!;
    end[a] = pads[i + axes.length]!;
  });
  return { begin, end };
}

/**
 * Where output coordinate `p` of an axis of `n` input elements reads from (`begin` already subtracted):
 * -1 for the constant fill. ONNX Pad: edge repeats the border element, reflect mirrors without repeating
 * it (numpy's 'reflect'; pads beyond n - 1 keep bouncing), wrap continues from the other end.
 */
const PAD_MODES: Readonly<Record<string, (p: number, n: number) => number>> = {
  constant: (p, n) => (p >= 0 && p < n ? p : -1),
  edge: (p, n) => Math.min(n - 1, Math.max(0, p)),
  reflect: (p, n) => {
    if (n === 1) return 0;
    const period = 2 * (n - 1);
    const q = ((p % period) + period) % period;
    return q < n ? q : period - q;
  },
  wrap: (p, n) => ((p % n) + n) % n,
};

function padMode(ctx: OpContext): (p: number, n: number) => number {
  const mode = stringAttr(ctx, 'mode', 'constant');
  const source = PAD_MODES[mode];
  if (!source) unsupported(`Pad mode '${mode}' is not supported; only ${Object.keys(PAD_MODES).join(', ')}`);
  return source;
}

const PAD: OpDef = {
  op: 'Pad',
  kind: 'layout',
  summary: 'padding (constant, edge, reflect or wrap) or cropping at both ends of each axis',
  infer: (ctx) => {
    padMode(ctx);
    const { begin, end } = padAmounts(ctx);
    const x = input(ctx, 0).shape;
    const shape = x.map((d, i) => d + begin[i]! + end[i]!);
    if (shape.some((d) => d < 0)) fail(`pads crop more than the input (${x.join(', ')}) holds`);
    const mode = stringAttr(ctx, 'mode', 'constant');
    const empty = x.findIndex((d, i) => d === 0 && shape[i]! > 0);
    if (mode !== 'constant' && empty >= 0) fail(`mode '${mode}' cannot pad axis ${empty}: it has no element to repeat`);
    return [{ dtype: input(ctx, 0).dtype, shape }];
  },
  evaluate: (ctx, inputs, out) => {
    const source = padMode(ctx);
    const { begin } = padAmounts(ctx);
    const shape = input(ctx, 0).shape;
    const outShape = out[0]!.shape;
    const value = toDType(inputs[2]?.[0] ?? floatAttr(ctx, 'value', 0), out[0]!.dtype);
    const inStrides = stridesOf(shape);
    const outStrides = stridesOf(outShape);
    const x = inputs[0]!;
    // Per output coordinate of each axis: the input offset it reads along that axis, or -1 (the fill).
    const reads = outShape.map((n, d) =>
      Array.from({ length: n }, (_, p) => {
        const i = source(p - begin[d]!, shape[d]!);
        return i < 0 ? -1 : i * inStrides[d]!;
      }),
    );
    const result = new Float64Array(elementCount(outShape));
    for (let o = 0; o < result.length; o++) {
      let at = 0;
      for (let d = 0; d < outShape.length && at >= 0; d++) {
        const r = reads[d]![Math.floor(o / outStrides[d]!) % outShape[d]!]!;
        at = r < 0 ? -1 : at + r;
      }
      result[o] = at < 0 ? value : x[at]!;
    }
    return [result];
  },
};

/** ConstantOfShape left as a node by the importer (its shape computed by other nodes): folds at inference. */
const CONSTANT_OF_SHAPE: OpDef = {
  op: 'ConstantOfShape',
  kind: 'layout',
  summary: 'a tensor of one value, of a computed shape',
  infer: (ctx) => {
    const shape = constantInts(ctx, 0, 'shape');
    if (shape.some((d) => !Number.isInteger(d) || d < 0))
      fail(`shape [${shape.join(', ')}] has a negative or fractional size`);
    const dtype = ctx.node.attrs['dtype'];
    return [{ dtype: typeof dtype === 'string' ? (dtype as TensorDType) : 'fp32', shape }];
  },
  evaluate: (ctx, _inputs, out) => [new Float64Array(elementCount(out[0]!.shape)).fill(floatAttr(ctx, 'value', 0))],
};

export const SELECT_OPS: readonly OpDef[] = [
  compare('Equal', (x, y) => x === y, 'x == y'),
  compare('Less', (x, y) => x < y, 'x < y'),
  compare('Greater', (x, y) => x > y, 'x > y'),
  WHERE,
  CONSTANT_OF_SHAPE,
  PAD,
];
