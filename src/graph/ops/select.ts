/**
 * Comparisons, Where and Pad: what exporters emit around shapes and masks (torchvision's ViT expands
 * its class token to a shape chosen by Equal/Where; Swin pads to whole windows and
 * takes Mod of sizes). Mostly folded at import, when their inputs are constants; their fp32
 * semantics follow the ONNX operator specs.
 */
import { elementCount, type TensorDType } from '../types.js';
import { broadcastValues } from './elementwise.js';
import { broadcastShapes, constantInts, fail, floatAttr, input, stridesOf, stringAttr, toDType, unsupported, type OpContext, type OpDef } from './op.js';

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
  infer: (ctx) => [{ dtype: input(ctx, 1).dtype, shape: broadcastShapes(broadcastShapes(input(ctx, 0).shape, input(ctx, 1).shape), input(ctx, 2).shape) }],
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
  const axes = ctx.inputs[3] ? constantInts(ctx, 3, 'axes').map((a) => (a < 0 ? a + rank : a)) : Array.from({ length: rank }, (_, i) => i);
  if (pads.length !== 2 * axes.length) fail(`pads has ${pads.length} values; ${axes.length} axes need ${2 * axes.length}`);
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    if (a < 0 || a >= rank) fail(`axis ${axes[i]} is out of range for rank ${rank}`);
    begin[a] = pads[i]!;
    end[a] = pads[i + axes.length]!;
  });
  return { begin, end };
}

const PAD: OpDef = {
  op: 'Pad',
  kind: 'layout',
  summary: 'constant padding (or cropping) at both ends of each axis',
  infer: (ctx) => {
    const mode = stringAttr(ctx, 'mode', 'constant');
    if (mode !== 'constant') unsupported(`Pad mode '${mode}' is not supported; only 'constant'`);
    const { begin, end } = padAmounts(ctx);
    const shape = input(ctx, 0).shape.map((d, i) => d + begin[i]! + end[i]!);
    if (shape.some((d) => d < 0)) fail(`pads crop more than the input (${input(ctx, 0).shape.join(', ')}) holds`);
    return [{ dtype: input(ctx, 0).dtype, shape }];
  },
  evaluate: (ctx, inputs, out) => {
    const { begin } = padAmounts(ctx);
    const shape = input(ctx, 0).shape;
    const outShape = out[0]!.shape;
    const value = inputs[2]?.[0] ?? floatAttr(ctx, 'value', 0);
    const result = new Float64Array(elementCount(outShape)).fill(toDType(value, out[0]!.dtype));
    const inStrides = stridesOf(shape);
    const outStrides = stridesOf(outShape);
    const x = inputs[0]!;
    for (let i = 0; i < x.length; i++) {
      let o = 0;
      let inside = true;
      for (let d = 0; d < shape.length; d++) {
        const p = Math.floor(i / inStrides[d]!) % shape[d]! + begin[d]!;
        if (p < 0 || p >= outShape[d]!) inside = false;
        o += p * outStrides[d]!;
      }
      if (inside) result[o] = x[i]!;
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
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`shape [${shape.join(', ')}] has a negative or fractional size`);
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
