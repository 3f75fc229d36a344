/**
 * Ops that move or relabel data without arithmetic: reshapes, transposes, concatenation, slicing,
 * gathering (embedding lookup) and shape queries.
 */
import { elementCount } from '../types.js';
import {
  constantInts,
  fail,
  input,
  intAttr,
  intsAttr,
  normalizeAxis,
  stridesOf,
  type OpContext,
  type OpDef,
  type TensorType,
} from './op.js';

const same = (ctx: OpContext): TensorType[] => [{ dtype: input(ctx, 0).dtype, shape: input(ctx, 0).shape }];
const copy = (_ctx: OpContext, inputs: readonly (Float64Array | undefined)[]): Float64Array[] => [
  Float64Array.from(inputs[0]!),
];

function reshapeTarget(ctx: OpContext): number[] {
  const x = input(ctx, 0).shape;
  const target = constantInts(ctx, 1, 'the target shape');
  const allowZero = intAttr(ctx, 'allowzero', 0) === 1;
  const shape = target.map((d, i) =>
    d === 0 && !allowZero ? (x[i] ?? fail(`shape dimension ${i} copies a dimension the input lacks`)) : d,
  );
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) fail('the target shape has more than one -1');
  const total = elementCount(x);
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) fail(`cannot reshape ${total} elements to (${target.join(', ')})`);
    return shape.map((d) => (d === -1 ? total / known : d));
  }
  if (known !== total) fail(`cannot reshape (${x.join(', ')}) to (${shape.join(', ')}): ${total} elements vs ${known}`);
  return shape;
}

function squeezeAxes(ctx: OpContext): number[] | undefined {
  if (ctx.inputs[1]) return constantInts(ctx, 1, 'axes');
  return intsAttr(ctx, 'axes', undefined) as number[] | undefined;
}

function transposePerm(ctx: OpContext): number[] {
  const rank = input(ctx, 0).shape.length;
  const perm = intsAttr(ctx, 'perm', undefined) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))
    fail(`perm (${perm.join(', ')}) is not a permutation of ${rank} axes`);
  return [...perm];
}

/** Start, end and step per axis of a Slice (opset 10+: inputs starts, ends, axes, steps). */
function sliceRanges(ctx: OpContext): Array<{ start: number; step: number; count: number }> {
  const shape = input(ctx, 0).shape;
  const starts = constantInts(ctx, 1, 'starts');
  const ends = constantInts(ctx, 2, 'ends');
  const axes = ctx.inputs[3] ? constantInts(ctx, 3, 'axes') : starts.map((_, i) => i);
  const steps = ctx.inputs[4] ? constantInts(ctx, 4, 'steps') : starts.map(() => 1);
  const ranges = shape.map((d) => ({ start: 0, step: 1, count: d }));
  axes.forEach((a, i) => {
    const axis = normalizeAxis(a, shape.length);
    const dim = shape[axis]!;
    const step = steps[i]!;
    if (step === 0) fail('a slice step cannot be 0');
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const start = step > 0 ? clamp(starts[i]!, 0, dim) : clamp(starts[i]!, -1, dim - 1);
    const end = step > 0 ? clamp(ends[i]!, 0, dim) : clamp(ends[i]!, -1, dim - 1);
    ranges[axis] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
  });
  return ranges;
}

/** The dimensions Shape returns: start..end (opset 15), clamped to the rank like Python slices. */
function shapeRange(ctx: OpContext): readonly number[] {
  const shape = input(ctx, 0).shape;
  const rank = shape.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  return shape.slice(clamp(intAttr(ctx, 'start', 0)), clamp(intAttr(ctx, 'end', rank)));
}

/** Visits every index of `shape`, in row-major order, with its source offset. */
function gatherIndices(shape: readonly number[], source: (index: readonly number[]) => number): Int32Array {
  const out = new Int32Array(elementCount(shape));
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    out[i] = source(index);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

export const LAYOUT_OPS: readonly OpDef[] = [
  {
    op: 'Reshape',
    kind: 'layout',
    summary: 'same values, another shape',
    infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: reshapeTarget(ctx) }],
    evaluate: copy,
  },
  {
    op: 'Flatten',
    kind: 'layout',
    summary: 'collapse to two dimensions at axis',
    infer: (ctx) => {
      const x = input(ctx, 0).shape;
      const axis = intAttr(ctx, 'axis', 1) < 0 ? intAttr(ctx, 'axis', 1) + x.length : intAttr(ctx, 'axis', 1);
      return [{ dtype: input(ctx, 0).dtype, shape: [elementCount(x.slice(0, axis)), elementCount(x.slice(axis))] }];
    },
    evaluate: copy,
  },
  {
    op: 'Squeeze',
    kind: 'layout',
    summary: 'drop dimensions of size 1',
    infer: (ctx) => {
      const x = input(ctx, 0).shape;
      const axes = squeezeAxes(ctx)?.map((a) => normalizeAxis(a, x.length));
      axes?.forEach((a) => x[a] !== 1 && fail(`axis ${a} has size ${x[a]}, not 1`));
      return [{ dtype: input(ctx, 0).dtype, shape: x.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)) }];
    },
    evaluate: copy,
  },
  {
    op: 'Unsqueeze',
    kind: 'layout',
    summary: 'insert dimensions of size 1',
    infer: (ctx) => {
      const x = [...input(ctx, 0).shape];
      const axes = squeezeAxes(ctx) ?? fail('Unsqueeze needs axes');
      const rank = x.length + axes.length;
      for (const a of axes.map((a) => normalizeAxis(a, rank)).sort((a, b) => a - b)) x.splice(a, 0, 1);
      return [{ dtype: input(ctx, 0).dtype, shape: x }];
    },
    evaluate: copy,
  },
  {
    op: 'Transpose',
    kind: 'layout',
    summary: 'permute axes',
    infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: transposePerm(ctx).map((p) => input(ctx, 0).shape[p]!) }],
    evaluate: (ctx, inputs) => {
      const shape = input(ctx, 0).shape;
      const perm = transposePerm(ctx);
      const strides = stridesOf(shape);
      const outShape = perm.map((p) => shape[p]!);
      const indices = gatherIndices(outShape, (index) => index.reduce((o, v, d) => o + v * strides[perm[d]!]!, 0));
      return [Float64Array.from(indices, (i) => inputs[0]![i]!)];
    },
  },
  {
    op: 'Concat',
    kind: 'layout',
    summary: 'join along an axis',
    infer: (ctx) => {
      const first = input(ctx, 0).shape;
      const axis = normalizeAxis(intAttr(ctx, 'axis', 0), first.length);
      let size = 0;
      ctx.inputs.forEach((t, i) => {
        if (!t) fail(`input ${i} is missing`);
        if (t.shape.length !== first.length || t.shape.some((d, j) => j !== axis && d !== first[j]))
          fail(`input ${i} (${t.shape.join(', ')}) does not match (${first.join(', ')}) outside axis ${axis}`);
        size += t.shape[axis]!;
      });
      return [{ dtype: input(ctx, 0).dtype, shape: first.map((d, j) => (j === axis ? size : d)) }];
    },
    evaluate: (ctx, inputs, outputs) => {
      const shape = outputs[0]!.shape;
      const axis = normalizeAxis(intAttr(ctx, 'axis', 0), shape.length);
      const outer = elementCount(shape.slice(0, axis));
      const inner = elementCount(shape.slice(axis + 1));
      const out = new Float64Array(elementCount(shape));
      let o = 0;
      for (let i = 0; i < outer; i++) {
        ctx.inputs.forEach((t, k) => {
          const block = t!.shape[axis]! * inner;
          out.set(inputs[k]!.subarray(i * block, (i + 1) * block), o);
          o += block;
        });
      }
      return [out];
    },
  },
  {
    op: 'Slice',
    kind: 'layout',
    summary: 'a strided window along some axes',
    infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: sliceRanges(ctx).map((r) => r.count) }],
    evaluate: (ctx, inputs) => {
      const ranges = sliceRanges(ctx);
      const strides = stridesOf(input(ctx, 0).shape);
      const indices = gatherIndices(
        ranges.map((r) => r.count),
        (index) => index.reduce((o, v, d) => o + (ranges[d]!.start + v * ranges[d]!.step) * strides[d]!, 0),
      );
      return [Float64Array.from(indices, (i) => inputs[0]![i]!)];
    },
  },
  {
    op: 'Gather',
    kind: 'layout',
    summary: 'rows of a table by index (embedding lookup)',
    infer: (ctx) => {
      const data = input(ctx, 0).shape;
      const axis = normalizeAxis(intAttr(ctx, 'axis', 0), data.length);
      return [
        {
          dtype: input(ctx, 0).dtype,
          shape: [...data.slice(0, axis), ...input(ctx, 1).shape, ...data.slice(axis + 1)],
        },
      ];
    },
    evaluate: (ctx, inputs) => {
      const data = input(ctx, 0).shape;
      const axis = normalizeAxis(intAttr(ctx, 'axis', 0), data.length);
      const outer = elementCount(data.slice(0, axis));
      const inner = elementCount(data.slice(axis + 1));
      const idx = inputs[1]!;
      const out = new Float64Array(outer * idx.length * inner);
      for (let o = 0; o < outer; o++) {
        idx.forEach((raw, j) => {
          const k = raw < 0 ? raw + data[axis]! : raw;
          if (k < 0 || k >= data[axis]!) fail(`index ${raw} is out of range for axis ${axis} of size ${data[axis]}`);
          out.set(
            inputs[0]!.subarray((o * data[axis]! + k) * inner, (o * data[axis]! + k + 1) * inner),
            (o * idx.length + j) * inner,
          );
        });
      }
      return [out];
    },
  },
  {
    op: 'Shape',
    kind: 'layout',
    summary: "the input's shape as an int64 tensor",
    infer: (ctx) => [{ dtype: 'int64', shape: [shapeRange(ctx).length] }],
    evaluate: (ctx) => [Float64Array.from(shapeRange(ctx))],
  },
];

export { same };
