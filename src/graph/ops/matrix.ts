/**
 * Matrix ops: MatMul (batched, broadcasting), Gemm, Conv (strides, padding, dilation, groups), and the
 * fused transformer ops tpusim adds: Attention (multi-head, grouped-query, causal, optionally fused
 * FlashAttention-style) and MoE (top-k routed experts with optional shared experts).
 */
import { elementCount } from '../types.js';
import { broadcastValues } from './elementwise.js';
import {
  broadcastShapes,
  f32,
  fail,
  unsupported,
  floatAttr,
  input,
  intAttr,
  intsAttr,
  stridesOf,
  stringAttr,
  type Gemm,
  type OpContext,
  type OpDef,
  type TensorType,
} from './op.js';

const isParameter = (ctx: OpContext, i: number): boolean => {
  const t = ctx.inputs[i];
  return t !== undefined && (t.kind === 'weight' || t.kind === 'constant');
};

function matmulShapes(
  a: readonly number[],
  b: readonly number[],
): { batch: number[]; m: number; n: number; k: number; out: number[] } {
  if (a.length === 0 || b.length === 0) fail('MatMul needs operands of rank 1 or more');
  const A = a.length === 1 ? [1, a[0]!] : a;
  const B = b.length === 1 ? [b[0]!, 1] : b;
  const k = A[A.length - 1]!;
  if (B[B.length - 2] !== k) fail(`inner dimensions differ: (${a.join(', ')}) x (${b.join(', ')})`);
  const batch = broadcastShapes(A.slice(0, -2), B.slice(0, -2));
  const m = A[A.length - 2]!;
  const n = B[B.length - 1]!;
  const out = [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return { batch, m, n, k, out };
}

export const MATMUL: OpDef = {
  op: 'MatMul',
  kind: 'matrix',
  summary: 'matrix product with NumPy batching',
  infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: matmulShapes(input(ctx, 0).shape, input(ctx, 1).shape).out }],
  gemms: (ctx) => {
    const s = matmulShapes(input(ctx, 0).shape, input(ctx, 1).shape);
    return [
      {
        batch: elementCount(s.batch),
        m: s.m,
        n: s.n,
        k: s.k,
        weightsAreParameters: isParameter(ctx, 1) && input(ctx, 1).shape.length <= 2,
      },
    ];
  },
  evaluate: (ctx, inputs) => {
    const a = input(ctx, 0).shape;
    const b = input(ctx, 1).shape;
    const s = matmulShapes(a, b);
    const batches = elementCount(s.batch);
    const out = new Float64Array(batches * s.m * s.n);
    const aBatch = a.length > 2 ? a.slice(0, -2) : [];
    const bBatch = b.length > 2 ? b.slice(0, -2) : [];
    const outStrides = stridesOf(s.batch);
    for (let t = 0; t < batches; t++) {
      const index = s.batch.map((_, d) => Math.floor(t / outStrides[d]!) % s.batch[d]!);
      const offsetOf = (shape: readonly number[]): number => {
        const strides = stridesOf(shape);
        let o = 0;
        shape.forEach((dim, d) => (o += (dim === 1 ? 0 : index[index.length - shape.length + d]!) * strides[d]!));
        return o;
      };
      const ao = offsetOf(aBatch) * s.m * s.k;
      const bo = offsetOf(bBatch) * s.k * s.n;
      for (let i = 0; i < s.m; i++) {
        for (let j = 0; j < s.n; j++) {
          let sum = 0;
          for (let k = 0; k < s.k; k++) sum += inputs[0]![ao + i * s.k + k]! * inputs[1]![bo + k * s.n + j]!;
          out[t * s.m * s.n + i * s.n + j] = f32(sum);
        }
      }
    }
    return [out];
  },
};

function gemmDims(ctx: OpContext): { m: number; n: number; k: number; transA: boolean; transB: boolean } {
  const a = input(ctx, 0).shape;
  const b = input(ctx, 1).shape;
  if (a.length !== 2 || b.length !== 2) fail('Gemm takes rank-2 operands');
  const transA = intAttr(ctx, 'transA', 0) === 1;
  const transB = intAttr(ctx, 'transB', 0) === 1;
  const [m, k] = transA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  const [kb, n] = transB ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
  if (k !== kb) fail(`inner dimensions differ: ${k} and ${kb}`);
  return { m, n, k, transA, transB };
}

export const GEMM: OpDef = {
  op: 'Gemm',
  kind: 'matrix',
  summary: 'alpha A B + beta C (fully connected layers)',
  infer: (ctx) => {
    const d = gemmDims(ctx);
    if (ctx.inputs[2]) broadcastShapes(ctx.inputs[2].shape, [d.m, d.n]);
    return [{ dtype: input(ctx, 0).dtype, shape: [d.m, d.n] }];
  },
  gemms: (ctx) => {
    const d = gemmDims(ctx);
    return [{ batch: 1, m: d.m, n: d.n, k: d.k, weightsAreParameters: isParameter(ctx, 1) }];
  },
  vectorOps: (ctx, out) => (ctx.inputs[2] ? elementCount(out[0]!.shape) : 0),
  evaluate: (ctx, inputs) => {
    const d = gemmDims(ctx);
    const alpha = floatAttr(ctx, 'alpha', 1);
    const beta = floatAttr(ctx, 'beta', 1);
    const [a, b] = [inputs[0]!, inputs[1]!];
    const c = inputs[2] && broadcastValues(inputs[2], ctx.inputs[2]!.shape, [d.m, d.n]);
    const out = new Float64Array(d.m * d.n);
    for (let i = 0; i < d.m; i++) {
      for (let j = 0; j < d.n; j++) {
        let sum = 0;
        for (let k = 0; k < d.k; k++)
          sum += a[d.transA ? k * d.m + i : i * d.k + k]! * b[d.transB ? j * d.k + k : k * d.n + j]!;
        out[i * d.n + j] = f32(alpha * sum + beta * (c ? c[i * d.n + j]! : 0));
      }
    }
    return [out];
  },
};

export interface ConvGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly height: number;
  readonly width: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  /** top, left, bottom, right */
  readonly pads: readonly [number, number, number, number];
  readonly groups: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** Padding and output size of a 2-D convolution or pooling window, with ONNX's auto_pad rules. */
export function windowGeometry(
  ctx: OpContext,
  size: readonly [number, number],
  kernel: readonly [number, number],
  dilations: readonly [number, number],
) {
  const strides = intsAttr(ctx, 'strides', [1, 1])!;
  const autoPad = stringAttr(ctx, 'auto_pad', 'NOTSET');
  let pads = [...(intsAttr(ctx, 'pads', [0, 0, 0, 0]) ?? [0, 0, 0, 0])];
  const out: number[] = [];
  for (let d = 0; d < 2; d++) {
    const effective = dilations[d]! * (kernel[d]! - 1) + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const o = Math.ceil(size[d]! / strides[d]!);
      const total = Math.max(0, (o - 1) * strides[d]! + effective - size[d]!);
      const small = Math.floor(total / 2);
      pads[d] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[d + 2] = total - pads[d]!;
    } else if (autoPad === 'VALID') pads = [0, 0, 0, 0];
    else if (autoPad !== 'NOTSET') fail(`auto_pad '${autoPad}' is not supported`);
    const o = Math.floor((size[d]! + pads[d]! + pads[d + 2]! - effective) / strides[d]!) + 1;
    if (o < 1) fail(`the ${kernel[0]}x${kernel[1]} window does not fit the ${size[0]}x${size[1]} input`);
    out.push(o);
  }
  return {
    strides: [strides[0]!, strides[1]!] as const,
    pads: [pads[0]!, pads[1]!, pads[2]!, pads[3]!] as const,
    out: [out[0]!, out[1]!] as const,
  };
}

export function convGeometry(ctx: OpContext): ConvGeometry {
  const x = input(ctx, 0).shape;
  const w = input(ctx, 1).shape;
  if (x.length !== 4 || w.length !== 4)
    unsupported(
      `tpusim runs 2-D convolutions (rank-4 tensors), got input (${x.join(', ')}) and weights (${w.join(', ')})`,
    );
  const groups = intAttr(ctx, 'group', 1);
  const [batch, inChannels, height, width] = x as [number, number, number, number];
  const [outChannels, perGroup, kernelHeight, kernelWidth] = w as [number, number, number, number];
  if (inChannels % groups !== 0 || outChannels % groups !== 0)
    fail(`group=${groups} does not divide ${inChannels} input and ${outChannels} output channels`);
  if (perGroup * groups !== inChannels)
    fail(`weights take ${perGroup} channels per group, input has ${inChannels} in ${groups} groups`);
  const dilations = intsAttr(ctx, 'dilations', [1, 1])!;
  const g = windowGeometry(ctx, [height, width], [kernelHeight, kernelWidth], [dilations[0]!, dilations[1]!]);
  return {
    batch,
    inChannels,
    outChannels,
    height,
    width,
    kernelHeight,
    kernelWidth,
    strideHeight: g.strides[0],
    strideWidth: g.strides[1],
    dilationHeight: dilations[0]!,
    dilationWidth: dilations[1]!,
    pads: g.pads,
    groups,
    outHeight: g.out[0],
    outWidth: g.out[1],
  };
}

export const CONV: OpDef = {
  op: 'Conv',
  kind: 'matrix',
  summary: '2-D convolution (NCHW), with groups and depthwise',
  infer: (ctx) => {
    const g = convGeometry(ctx);
    return [{ dtype: input(ctx, 0).dtype, shape: [g.batch, g.outChannels, g.outHeight, g.outWidth] }];
  },
  gemms: (ctx) => {
    const g = convGeometry(ctx);
    return [
      {
        batch: g.batch * g.groups,
        m: g.outHeight * g.outWidth,
        n: g.outChannels / g.groups,
        k: (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth,
        weightsAreParameters: true,
      },
    ];
  },
  vectorOps: (ctx, out) => (ctx.inputs[2] ? elementCount(out[0]!.shape) : 0),
  evaluate: (ctx, inputs) => {
    const g = convGeometry(ctx);
    const [x, w, b] = [inputs[0]!, inputs[1]!, inputs[2]];
    const cg = g.inChannels / g.groups;
    const mg = g.outChannels / g.groups;
    const out = new Float64Array(g.batch * g.outChannels * g.outHeight * g.outWidth);
    let o = 0;
    for (let n = 0; n < g.batch; n++) {
      for (let m = 0; m < g.outChannels; m++) {
        const group = Math.floor(m / mg);
        for (let oy = 0; oy < g.outHeight; oy++) {
          for (let ox = 0; ox < g.outWidth; ox++) {
            let sum = b ? b[m]! : 0;
            for (let c = 0; c < cg; c++) {
              for (let ky = 0; ky < g.kernelHeight; ky++) {
                const iy = oy * g.strideHeight - g.pads[0] + ky * g.dilationHeight;
                if (iy < 0 || iy >= g.height) continue;
                for (let kx = 0; kx < g.kernelWidth; kx++) {
                  const ix = ox * g.strideWidth - g.pads[1] + kx * g.dilationWidth;
                  if (ix < 0 || ix >= g.width) continue;
                  sum +=
                    x[((n * g.inChannels + group * cg + c) * g.height + iy) * g.width + ix]! *
                    w[((m * cg + c) * g.kernelHeight + ky) * g.kernelWidth + kx]!;
                }
              }
            }
            out[o++] = f32(sum);
          }
        }
      }
    }
    return [out];
  },
};

/**
 * Attention geometry: query (batch, sequence, heads x headDim), key (batch, kvSequence, kvHeads x
 * headDim), value (batch, kvSequence, kvHeads x valueDim); valueDim defaults to headDim (DeepSeek's
 * multi-head latent attention uses a different one).
 */
export function attentionDims(ctx: OpContext) {
  const q = input(ctx, 0).shape;
  const k = input(ctx, 1).shape;
  const v = input(ctx, 2).shape;
  if (q.length !== 3 || k.length !== 3 || v.length !== 3)
    fail('Attention takes (batch, sequence, hidden) query, key and value');
  const heads = intAttr(ctx, 'num_heads', 0);
  const kvHeads = intAttr(ctx, 'kv_heads', heads);
  if (heads < 1 || q[2]! % heads !== 0) fail(`num_heads=${heads} does not divide the query width ${q[2]}`);
  const headDim = q[2]! / heads;
  if (kvHeads < 1 || heads % kvHeads !== 0) fail(`kv_heads=${kvHeads} does not divide num_heads=${heads}`);
  if (k[2] !== kvHeads * headDim) fail(`key needs kv_heads x head_dim = ${kvHeads * headDim} columns, has ${k[2]}`);
  if (v[2]! % kvHeads !== 0) fail(`value width ${v[2]} is not a multiple of kv_heads=${kvHeads}`);
  const valueDim = v[2]! / kvHeads;
  if (k[1] !== v[1] || k[0] !== q[0] || v[0] !== q[0])
    fail('query, key and value disagree on batch or key/value length');
  // window > 0: sliding-window attention (Gemma 2/3, Phi-3), query i sees keys i - window + 1 .. i.
  const window = intAttr(ctx, 'window', 0);
  if (window < 0) fail(`window=${window} must be >= 0 (0: no window)`);
  return {
    batch: q[0]!,
    seq: q[1]!,
    kvSeq: k[1]!,
    heads,
    kvHeads,
    headDim,
    valueDim,
    causal: intAttr(ctx, 'causal', 0) === 1,
    window,
  };
}

export const ATTENTION: OpDef = {
  op: 'Attention',
  kind: 'matrix',
  summary: 'softmax(Q K^T / sqrt(d)) V over heads; grouped-query (kv_heads), causal, fused (FlashAttention-style)',
  infer: (ctx) => {
    const d = attentionDims(ctx);
    return [{ dtype: input(ctx, 0).dtype, shape: [d.batch, d.seq, d.heads * d.valueDim] }];
  },
  gemms: (ctx) => {
    const d = attentionDims(ctx);
    return [
      { batch: d.batch * d.heads, m: d.seq, n: d.kvSeq, k: d.headDim, weightsAreParameters: false },
      { batch: d.batch * d.heads, m: d.seq, n: d.valueDim, k: d.kvSeq, weightsAreParameters: false },
    ];
  },
  // Scale, max, subtract, exp (4), sum and divide per score.
  vectorOps: (ctx) => {
    const d = attentionDims(ctx);
    return 9 * d.batch * d.heads * d.seq * d.kvSeq;
  },
  evaluate: (ctx, inputs) => {
    const d = attentionDims(ctx);
    const scale = floatAttr(ctx, 'scale', 1 / Math.sqrt(d.headDim));
    const [q, k, v] = [inputs[0]!, inputs[1]!, inputs[2]!];
    const width = d.heads * d.headDim;
    const kvWidth = d.kvHeads * d.headDim;
    const vWidth = d.kvHeads * d.valueDim;
    const outWidth = d.heads * d.valueDim;
    const out = new Float64Array(d.batch * d.seq * outWidth);
    const scores = new Float64Array(d.kvSeq);
    for (let b = 0; b < d.batch; b++) {
      for (let h = 0; h < d.heads; h++) {
        const kvh = Math.floor(h / (d.heads / d.kvHeads));
        for (let i = 0; i < d.seq; i++) {
          let max = -Infinity;
          for (let j = 0; j < d.kvSeq; j++) {
            let s = 0;
            for (let e = 0; e < d.headDim; e++)
              s +=
                q[(b * d.seq + i) * width + h * d.headDim + e]! * k[(b * d.kvSeq + j) * kvWidth + kvh * d.headDim + e]!;
            const pos = i + (d.kvSeq - d.seq);
            scores[j] = (d.causal && j > pos) || (d.window > 0 && j <= pos - d.window) ? -Infinity : s * scale;
            max = Math.max(max, scores[j]!);
          }
          let total = 0;
          for (let j = 0; j < d.kvSeq; j++) total += scores[j] = Math.exp(scores[j]! - max);
          for (let e = 0; e < d.valueDim; e++) {
            let s = 0;
            for (let j = 0; j < d.kvSeq; j++)
              s += (scores[j]! / total) * v[(b * d.kvSeq + j) * vWidth + kvh * d.valueDim + e]!;
            out[(b * d.seq + i) * outWidth + h * d.valueDim + e] = f32(s);
          }
        }
      }
    }
    return [out];
  },
};

/** MoE geometry: tokens routed to top_k of `experts` feed-forward networks, plus shared experts. */
export function moeDims(ctx: OpContext) {
  const x = input(ctx, 0).shape;
  const tokens = elementCount(x.slice(0, -1));
  return {
    tokens,
    hidden: x[x.length - 1]!,
    experts: intAttr(ctx, 'experts', 0),
    topK: intAttr(ctx, 'top_k', 1),
    ffn: intAttr(ctx, 'ffn_hidden', 0),
    sharedExperts: intAttr(ctx, 'shared_experts', 0),
    sharedFfn: intAttr(ctx, 'shared_ffn_hidden', intAttr(ctx, 'ffn_hidden', 0)),
    gated: intAttr(ctx, 'gated', 1) === 1,
  };
}

export const MOE: OpDef = {
  op: 'MoE',
  kind: 'matrix',
  summary: 'mixture of experts: router, top-k routed feed-forward experts, shared experts',
  infer: (ctx) => {
    const d = moeDims(ctx);
    if (d.experts < 1 || d.topK < 1 || d.topK > d.experts || d.ffn < 1)
      fail(
        `MoE needs experts >= top_k >= 1 and ffn_hidden >= 1, got experts=${d.experts} top_k=${d.topK} ` +
          `ffn_hidden=${d.ffn}`,
      );
    return [{ dtype: input(ctx, 0).dtype, shape: input(ctx, 0).shape }];
  },
  // Routing is data-dependent; the work is counted as if tokens spread evenly over the experts.
  gemms: (ctx) => {
    const d = moeDims(ctx);
    const perExpert = (d.tokens * d.topK) / d.experts;
    const up = d.gated ? 2 : 1;
    const gemms: Gemm[] = [
      { batch: 1, m: d.tokens, n: d.experts, k: d.hidden, weightsAreParameters: true },
      { batch: d.experts * up, m: perExpert, n: d.ffn, k: d.hidden, weightsAreParameters: true },
      { batch: d.experts, m: perExpert, n: d.hidden, k: d.ffn, weightsAreParameters: true },
    ];
    if (d.sharedExperts > 0) {
      gemms.push({ batch: d.sharedExperts * up, m: d.tokens, n: d.sharedFfn, k: d.hidden, weightsAreParameters: true });
      gemms.push({ batch: d.sharedExperts, m: d.tokens, n: d.hidden, k: d.sharedFfn, weightsAreParameters: true });
    }
    return gemms;
  },
  vectorOps: (ctx) => {
    const d = moeDims(ctx);
    return d.tokens * (d.experts * 2 + d.topK * (d.ffn * 8 + d.hidden * 2));
  },
};

export type { TensorType };
