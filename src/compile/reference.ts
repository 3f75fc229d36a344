/**
 * The quantized reference: the logical ops evaluated on whole tensors in the graph's layout with the
 * quantization plan's numbers and the chip's element arithmetic (isa/semantics), and nothing of the
 * lowering (no layouts, tiles, chunks, buffers or instructions). For int8 the chip must match it bit for
 * bit: integer accumulation is exact in any order. For bf16 the chip sums in tile order, so they agree
 * only to rounding.
 */
import { elementCount } from '../graph/types.js';
import { activateOutput, activateValue, addBias, poolValues, toFormat, VECTOR_SEMANTICS } from '../isa/semantics.js';
import type { OutputFormat, VectorOp } from '../isa/types.js';
import { CompileError } from './errors.js';
import {
  convOutputSize,
  type AttentionOp,
  type BinaryOp,
  type ConvOp,
  type LogicalProgram,
  type MatmulOp,
  type PoolOp,
  type RowOp,
  type ViewOp,
} from '../graph/layers/fuse.js';
import { quantizeValue, type QuantPlan } from './quantize.js';
import { broadcastView, contiguousStrides, outerOffsets, sliceView, transposeView, type View } from './views.js';

const f = Math.fround;

/** Values of a logical tensor in its storage format, row-major. */
type Values = Float64Array;

/** The host's side of an input: quantize (int8) or round (bf16) fp32 values to the tensor's format. */
export function hostQuantize(values: ArrayLike<number>, format: OutputFormat, scale: number): Float64Array {
  return Float64Array.from(values, (x) => quantizeValue(x, scale, format));
}

export function hostDequantize(values: ArrayLike<number>, scale: number): Float64Array {
  return Float64Array.from(values, (q) => q * scale);
}

/** Gathers a view's elements in row-major logical order (buffer 0 = `data`). */
function gather(data: Values, view: View): Values {
  const out = new Float64Array(elementCount(view.shape));
  const dims = view.shape.map((size, d) => ({ size, strides: [view.strides[d]!] }));
  let i = 0;
  for (const [o] of outerOffsets(dims, [view.offset])) out[i++] = data[o!]!;
  return out;
}

const rowMajor = (shape: readonly number[]): View => ({
  buffer: 0,
  offset: 0,
  shape,
  strides: contiguousStrides(shape),
});

export interface ReferenceRun {
  /** Storage values of every tensor the ops produced. */
  readonly stored: ReadonlyMap<string, Values>;
  /** Graph outputs, dequantized to real values, row-major. */
  readonly outputs: ReadonlyMap<string, Float64Array>;
}

export function evaluateQuantized(
  program: LogicalProgram,
  plan: QuantPlan,
  inputs: Readonly<Record<string, ArrayLike<number>>>,
): ReferenceRun {
  const graph = program.graph;
  const stored = new Map<string, Values>();
  const shape = (t: string): readonly number[] => graph.tensors[t]!.shape;
  const tp = (t: string) => plan.tensors.get(t)!;
  const get = (t: string): Values => {
    const v = stored.get(t);
    if (!v) throw new CompileError('internal', `reference: '${t}' has no value`);
    return v;
  };
  for (const t of graph.inputs) {
    const given = inputs[t];
    if (!given) throw new CompileError('missing_input', `no value for graph input '${t}'`);
    stored.set(t, hostQuantize(given, tp(t).format, tp(t).scale));
  }
  const constant = (t: string): Values => {
    const c = plan.constants.get(t);
    if (!c) throw new CompileError('no_values', `constant '${t}' has no values`);
    return c;
  };
  for (const op of program.ops) {
    switch (op.kind) {
      case 'embedding': {
        const table = graph.tensors[op.table]!;
        if (!table.data) throw new CompileError('no_values', `embedding table '${op.table}' has no values`);
        const ids = inputs[op.indices];
        if (!ids) throw new CompileError('missing_input', `no value for graph input '${op.indices}'`);
        const rows = embeddingRows(table.data, table.shape, ids);
        stored.set(op.out, hostQuantize(rows, tp(op.out).format, tp(op.out).scale));
        break;
      }
      case 'matmul':
        stored.set(op.out, matmul(op, plan, get, shape));
        break;
      case 'conv':
        stored.set(op.out, conv(op, plan, get(op.x), shape));
        break;
      case 'attention':
        stored.set(op.out, attention(op, plan, get, shape));
        break;
      case 'pool':
        stored.set(op.out, pool(op, get(op.x), shape(op.x), shape(op.out), tp(op.out).format));
        break;
      case 'unary': {
        const x = scaled(get(op.x), tp(op.x).scale);
        const r = new Float64Array(x.length);
        VECTOR_SEMANTICS[op.fn as VectorOp].row(x, undefined, 0, r, 0);
        stored.set(
          op.out,
          Float64Array.from(r, (v) => activateOutput(v, tp(op.out).scale, tp(op.out).format)),
        );
        break;
      }
      case 'binary':
        stored.set(op.out, binary(op, plan, get, constant, shape));
        break;
      case 'row':
        stored.set(op.out, row(op, plan, get(op.x), shape(op.x), constant));
        break;
      case 'view':
        stored.set(op.out, view(op, get(op.x), shape(op.x), shape(op.out)));
        break;
      case 'concat': {
        const out = new Float64Array(elementCount(shape(op.out)));
        const po = tp(op.out);
        const outView = rowMajor(shape(op.out));
        let at = 0;
        for (const t of op.inputs) {
          const s = shape(t);
          const dst = sliceView(
            outView,
            outView.shape.map((d, i) =>
              i === op.axis ? { start: at, step: 1, count: s[i]! } : { start: 0, step: 1, count: d },
            ),
          );
          const px = plan.tensors.get(t);
          // A parameter (not an activation) enters as its fp32 values, as the chip copies it in.
          const values = !px
            ? Float64Array.from(constant(t), (v) => activateOutput(f(v), po.scale, po.format))
            : px.scale === po.scale && px.format === po.format
              ? get(t)
              : Float64Array.from(scaled(get(t), px.scale), (v) => activateOutput(f(v), po.scale, po.format));
          let i = 0;
          for (const [o] of outerOffsets(
            dst.shape.map((size, d) => ({ size, strides: [dst.strides[d]!] })),
            [dst.offset],
          ))
            out[o!] = values[i++]!;
          at += s[op.axis]!;
        }
        stored.set(op.out, out);
        break;
      }
    }
  }
  const outputs = new Map(
    graph.outputs.map((t) => [
      t,
      tp(t).format === 'int8' ? hostDequantize(get(t), tp(t).scale) : Float64Array.from(get(t)),
    ]),
  );
  return { stored, outputs };
}

/** Rows of a [rows, ...] table at the given indices (negative ones count from the end). */
export function embeddingRows(
  table: ArrayLike<number>,
  shape: readonly number[],
  indices: ArrayLike<number>,
): Float64Array {
  const width = elementCount(shape.slice(1));
  const out = new Float64Array(indices.length * width);
  for (let i = 0; i < indices.length; i++) {
    const raw = indices[i]!;
    const row = raw < 0 ? raw + shape[0]! : raw;
    if (!Number.isInteger(row) || row < 0 || row >= shape[0]!)
      throw new CompileError('bad_input', `index ${raw} is outside the table's ${shape[0]} rows`);
    for (let j = 0; j < width; j++) out[i * width + j] = table[row * width + j]!;
  }
  return out;
}

/** A vector unit's read with a scale: values x scale in fp32 (unchanged for scale 1). */
function scaled(values: Values, scale: number): Float64Array {
  return scale === 1 ? Float64Array.from(values) : Float64Array.from(values, (x) => f(x * scale));
}

function isFloatFormat(plan: QuantPlan): boolean {
  return plan.accFormat === 'fp32';
}

/** Accumulates products like the matrix units: int32 wrapping (exact in any order) or fp32 in k order. */
function dot(
  a: Values,
  aOff: number,
  aStep: number,
  b: Values,
  bOff: number,
  bStep: number,
  k: number,
  float: boolean,
): number {
  let s = 0;
  if (float) {
    for (let i = 0; i < k; i++) s = f(s + f(a[aOff + i * aStep]! * b[bOff + i * bStep]!));
    return s;
  }
  for (let i = 0; i < k; i++) s += a[aOff + i * aStep]! * b[bOff + i * bStep]!;
  return s | 0;
}

function matmul(
  op: MatmulOp,
  plan: QuantPlan,
  get: (t: string) => Values,
  shape: (t: string) => readonly number[],
): Values {
  const m = plan.matrix.get(op.name)!;
  const outShape = shape(op.out);
  const [rows, cols] = outShape.slice(-2) as [number, number];
  const batch = outShape.slice(0, -2);
  const aShape = shape(op.a);
  const k = aShape[aShape.length - 1]!;
  const a = broadcastView(rowMajor(aShape), [...batch, rows, k]);
  const aValues = get(op.a);
  let bValues: Values;
  let b: View;
  if (plan.tensors.has(op.b)) {
    bValues = get(op.b);
    let bv = rowMajor(shape(op.b));
    if (op.transB)
      bv = transposeView(
        bv,
        bv.shape.map((_, i, all) => (i < all.length - 2 ? i : i === all.length - 2 ? all.length - 1 : all.length - 2)),
      );
    b = broadcastView(bv, [...batch, k, cols]);
  } else {
    if (!m.weights) throw new CompileError('no_values', `op '${op.name}' has no weight values`);
    bValues = m.weights;
    b = broadcastView(rowMajor([k, cols]), [...batch, k, cols]);
  }
  const out = new Float64Array(elementCount(outShape));
  const float = isFloatFormat(plan);
  const batchDims = batch.map((size, d) => ({ size, strides: [a.strides[d]!, b.strides[d]!] }));
  let o = 0;
  for (const [ab, bb] of outerOffsets(batchDims, [0, 0])) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const acc = dot(
          aValues,
          ab! + i * a.strides[a.strides.length - 2]!,
          a.strides[a.strides.length - 1]!,
          bValues,
          bb! + j * b.strides[b.strides.length - 1]!,
          b.strides[b.strides.length - 2]!,
          k,
          float,
        );
        out[o++] = epilogue(acc, j, m, float);
      }
    }
  }
  return out;
}

function activated(acc: number, column: number, m: QuantPlanMatrix, float: boolean): number {
  const v = m.bias ? addBias(acc, m.bias[column]!, float) : acc;
  return activateValue(v, m.fn, m.scale, m.columnScale?.[column]);
}

type QuantPlanMatrix = NonNullable<ReturnType<QuantPlan['matrix']['get']>>;

function epilogue(acc: number, column: number, m: QuantPlanMatrix, float: boolean): number {
  return activateOutput(activated(acc, column, m, float), m.outScale, m.outFormat);
}

function conv(op: ConvOp, plan: QuantPlan, x: Values, shape: (t: string) => readonly number[]): Values {
  const m = plan.matrix.get(op.name)!;
  if (!m.weights) throw new CompileError('no_values', `op '${op.name}' has no weight values`);
  const w = m.weights;
  const [n, c, h, wd] = shape(op.x) as [number, number, number, number];
  const [co, cg, kh, kw] = shape(op.w) as [number, number, number, number];
  const cv = op.conv;
  const [oh, ow] = convOutputSize(h, wd, [kh, kw], cv);
  const perGroup = co / cv.groups;
  const float = isFloatFormat(plan);
  // Activated (pre-pooling, pre-rounding) values per output element.
  const act = new Float64Array(n * co * oh * ow);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < co; o++) {
      const g = Math.floor(o / perGroup);
      for (let y = 0; y < oh; y++) {
        for (let xx = 0; xx < ow; xx++) {
          let s = 0;
          for (let i = 0; i < cg; i++) {
            for (let dy = 0; dy < kh; dy++) {
              const iy = y * cv.stride[0] - cv.pads[0] + dy * cv.dilation[0];
              if (iy < 0 || iy >= h) continue;
              for (let dx = 0; dx < kw; dx++) {
                const ix = xx * cv.stride[1] - cv.pads[1] + dx * cv.dilation[1];
                if (ix < 0 || ix >= wd) continue;
                const p = x[((b * c + g * cg + i) * h + iy) * wd + ix]! * w[((o * cg + i) * kh + dy) * kw + dx]!;
                s = float ? f(s + f(p)) : s + p;
              }
            }
          }
          act[((b * co + o) * oh + y) * ow + xx] = activated(float ? s : s | 0, o, m, float);
        }
      }
    }
  }
  if (!op.pool) return Float64Array.from(act, (v) => activateOutput(v, m.outScale, m.outFormat));
  const p = op.pool;
  const ph = Math.floor((oh - p.kernel[0]) / p.stride[0]) + 1;
  const pw = Math.floor((ow - p.kernel[1]) / p.stride[1]) + 1;
  const out = new Float64Array(n * co * ph * pw);
  for (let bc = 0; bc < n * co; bc++)
    for (let y = 0; y < ph; y++)
      for (let xx = 0; xx < pw; xx++) {
        const window: number[] = [];
        for (let dy = 0; dy < p.kernel[0]; dy++)
          for (let dx = 0; dx < p.kernel[1]; dx++)
            window.push(act[(bc * oh + y * p.stride[0] + dy) * ow + xx * p.stride[1] + dx]!);
        out[(bc * ph + y) * pw + xx] = activateOutput(poolValues(window, p.kind), m.outScale, m.outFormat);
      }
  return out;
}

function pool(
  op: PoolOp,
  x: Values,
  inShape: readonly number[],
  outShape: readonly number[],
  format: OutputFormat,
): Values {
  const [n, c, h, w] = inShape as [number, number, number, number];
  const [, , oh, ow] = outShape as [number, number, number, number];
  const p = op.pool;
  const out = new Float64Array(n * c * oh * ow);
  for (let bc = 0; bc < n * c; bc++)
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++) {
        const window: number[] = [];
        for (let dy = 0; dy < p.kernel[0]; dy++) {
          for (let dx = 0; dx < p.kernel[1]; dx++) {
            const iy = y * p.stride[0] - p.pads[0] + dy;
            const ix = xx * p.stride[1] - p.pads[1] + dx;
            // Padding: zeros for average pooling that counts it; max pooling never picks it.
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
              if (p.kind === 'avg') window.push(0);
              continue;
            }
            window.push(x[(bc * h + iy) * w + ix]!);
          }
        }
        out[(bc * oh + y) * ow + xx] = toFormat(poolValues(window, p.kind), format);
      }
  return out;
}

function binary(
  op: BinaryOp,
  plan: QuantPlan,
  get: (t: string) => Values,
  constant: (t: string) => Values,
  shape: (t: string) => readonly number[],
): Values {
  const outShape = shape(op.out);
  const po = plan.tensors.get(op.out)!;
  const fn = VECTOR_SEMANTICS[op.fn].row;
  const apply = (a: Float64Array, b: Float64Array): Float64Array => {
    const r = new Float64Array(a.length);
    fn(a, b, 0, r, 0);
    return r;
  };
  const expand = (values: Values, t: string): Float64Array =>
    gather(values, broadcastView(rowMajor(shape(t)), outShape));
  const store = (r: Float64Array): Values => Float64Array.from(r, (v) => activateOutput(v, po.scale, po.format));
  const aAct = plan.tensors.has(op.a);
  const bAct = plan.tensors.has(op.b);
  if (aAct && bAct) {
    const pa = plan.tensors.get(op.a)!;
    const pb = plan.tensors.get(op.b)!;
    return store(apply(scaled(expand(get(op.a), op.a), pa.scale), scaled(expand(get(op.b), op.b), pb.scale)));
  }
  const x = aAct ? op.a : op.b;
  const c = expand(constant(aAct ? op.b : op.a), aAct ? op.b : op.a);
  const t = Float64Array.from(scaled(expand(get(x), x), plan.tensors.get(x)!.scale), (v) =>
    activateOutput(f(v), 1, 'fp32'),
  );
  const commutative = op.fn === 'add' || op.fn === 'mul' || op.fn === 'max' || op.fn === 'min';
  if (aAct || commutative) return store(apply(t, c));
  const unary = (vop: VectorOp, v: Float64Array): Float64Array => {
    const r = new Float64Array(v.length);
    VECTOR_SEMANTICS[vop].row(v, undefined, 0, r, 0);
    return r;
  };
  if (op.fn === 'sub') return store(unary('neg', apply(t, c)));
  const inv = unary('reciprocal', t);
  const r = new Float64Array(inv.length);
  VECTOR_SEMANTICS.mul.row(inv, c, 0, r, 0);
  return store(r);
}

function row(
  op: RowOp,
  plan: QuantPlan,
  x: Values,
  inShape: readonly number[],
  constant: (t: string) => Values,
): Values {
  const cols = inShape[inShape.length - 1]!;
  const rows = x.length / cols;
  const px = plan.tensors.get(op.x)!;
  const po = plan.tensors.get(op.out)!;
  const semantics = VECTOR_SEMANTICS[op.fn];
  const reduces = op.fn.startsWith('reduce');
  const outCols = reduces ? 1 : cols;
  const out = new Float64Array(rows * outCols);
  const affine = (op.fn === 'layernorm' || op.fn === 'rmsnorm') && (op.gamma || op.beta);
  const gamma = op.gamma ? constant(op.gamma) : undefined;
  const beta = op.beta ? constant(op.beta) : undefined;
  const r = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const a = scaled(x.subarray(i * cols, (i + 1) * cols), px.scale);
    semantics.row(a, undefined, op.epsilon, r, 0);
    for (let j = 0; j < outCols; j++) {
      let v = r[j]!;
      if (affine) {
        v = activateOutput(v, 1, 'fp32');
        if (gamma) v = f(v * gamma[gamma.length === 1 ? 0 : j]!);
        if (beta) v = f(activateOutput(v, 1, 'fp32') + beta[beta.length === 1 ? 0 : j]!);
      }
      out[i * outCols + j] = activateOutput(v, po.scale, po.format);
    }
  }
  return out;
}

function view(op: ViewOp, x: Values, inShape: readonly number[], outShape: readonly number[]): Values {
  const t = op.transform;
  if (t.kind === 'reshape') return x;
  if (t.kind === 'gather') {
    const outer = elementCount(inShape.slice(0, t.axis));
    const inner = elementCount(inShape.slice(t.axis + 1));
    const out = new Float64Array(outer * t.indices.length * inner);
    for (let o = 0; o < outer; o++)
      t.indices.forEach((index, j) =>
        out.set(
          x.subarray((o * inShape[t.axis]! + index) * inner, (o * inShape[t.axis]! + index + 1) * inner),
          (o * t.indices.length + j) * inner,
        ),
      );
    return out;
  }
  const v = t.kind === 'transpose' ? transposeView(rowMajor(inShape), t.perm) : sliceView(rowMajor(inShape), t.ranges);
  const out = gather(x, v);
  if (out.length !== elementCount(outShape))
    throw new CompileError(
      'internal',
      `view '${op.name}' produced ${out.length} values for shape (${outShape.join(', ')})`,
    );
  return out;
}

function attention(
  op: AttentionOp,
  plan: QuantPlan,
  get: (t: string) => Values,
  shape: (t: string) => readonly number[],
): Values {
  const [q, k, v] = [get(op.q), get(op.k), get(op.v)];
  const [batch, seq, qWidth] = shape(op.q) as [number, number, number];
  const [, kvSeq, kWidth] = shape(op.k) as [number, number, number];
  const vWidth = shape(op.v)[2]!;
  const headDim = qWidth / op.heads;
  const valueDim = vWidth / op.kvHeads;
  const int8 = plan.dtype === 'int8';
  const pq = plan.tensors.get(op.q)!;
  const pk = plan.tensors.get(op.k)!;
  const pv = plan.tensors.get(op.v)!;
  const po = plan.tensors.get(op.out)!;
  const scoreScale = int8 ? f(f(pq.scale * pk.scale) * op.scale) : f(op.scale);
  const contextScale = int8 ? f(plan.probabilityScale * pv.scale) : 1;
  const float = !int8;
  const out = new Float64Array(batch * seq * op.heads * valueDim);
  const scores = new Float64Array(kvSeq);
  const probs = new Float64Array(kvSeq);
  const softmax = VECTOR_SEMANTICS[op.causal ? 'softmax_causal' : 'softmax'].row;
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < op.heads; h++) {
      const kvh = Math.floor(h / (op.heads / op.kvHeads));
      for (let i = 0; i < seq; i++) {
        for (let j = 0; j < kvSeq; j++) {
          const acc = dot(
            q,
            (b * seq + i) * qWidth + h * headDim,
            1,
            k,
            (b * kvSeq + j) * kWidth + kvh * headDim,
            1,
            headDim,
            float,
          );
          scores[j] = activateOutput(activateValue(acc, 'identity', scoreScale), 1, 'fp32');
        }
        softmax(scores, undefined, kvSeq - seq, probs, i);
        for (let j = 0; j < kvSeq; j++) probs[j] = activateOutput(probs[j]!, plan.probabilityScale, po.format);
        for (let e = 0; e < valueDim; e++) {
          const acc = dot(probs, 0, 1, v, b * kvSeq * vWidth + kvh * valueDim + e, vWidth, kvSeq, float);
          out[(b * seq + i) * op.heads * valueDim + h * valueDim + e] = activateOutput(
            activateValue(acc, 'identity', contextScale),
            po.scale,
            po.format,
          );
        }
      }
    }
  return out;
}
