/**
 * Layers: the graph as the chip sees it. Each matrix op takes the bias add, scalar scale, activation
 * function and pooling that follow it, as the TPU's activation pipeline applies them on the way out
 * of the accumulators (`fuse`); the result is a list of logical ops on the graph's tensors, in the
 * graph's layout. The compiler lowers these layers and the analytical model times them, so both see
 * the same layers.
 */
import type { AttrValue, Graph, GraphNode, GraphTensor } from '../types.js';
import { elementCount } from '../types.js';
import { opDef } from '../ops/registry.js';
import { convGeometry, attentionDims } from '../ops/matrix.js';
import { reduceAxes } from '../ops/normalization.js';
import { poolGeometry } from '../ops/pooling.js';
import { clipBounds } from '../ops/elementwise.js';
import type { OpContext } from '../ops/op.js';
import { GraphError } from '../errors.js';

/** Functions a matrix op's results pass through on their way out (TPU v1's activation pipeline). */
export const LAYER_ACTIVATIONS = ['identity', 'relu', 'relu6', 'sigmoid', 'tanh', 'gelu', 'gelu_tanh'] as const;
export type ActivationFunction = (typeof LAYER_ACTIVATIONS)[number];

export interface PoolSpec {
  readonly kind: 'max' | 'avg';
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** top, left, bottom, right. */
  readonly pads: readonly [number, number, number, number];
  readonly countIncludesPad: boolean;
}

export interface ConvSpec {
  readonly stride: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
  readonly kernel: readonly [number, number];
}

interface Base {
  /** The layer's name (its first node's). */
  readonly name: string;
  /** Graph nodes it covers. */
  readonly nodes: readonly string[];
  readonly out: string;
}

/** out = fn(alpha (a x b) + bias); b is [K, N] (or [N, K] with transB), a parameter or an activation. */
export interface MatmulOp extends Base {
  readonly kind: 'matmul';
  readonly a: string;
  readonly b: string;
  readonly transB: boolean;
  readonly bias?: string;
  readonly alpha: number;
  readonly fn: ActivationFunction;
}

/** Output height and width of a convolution (before any fused pooling). */
export function convOutputSize(height: number, width: number, kernel: readonly [number, number], c: ConvSpec): [number, number] {
  return [0, 1].map((d) => {
    const size = d === 0 ? height : width;
    return Math.floor((size + c.pads[d]! + c.pads[d + 2]! - c.dilation[d]! * (kernel[d]! - 1) - 1) / c.stride[d]!) + 1;
  }) as [number, number];
}

export interface ConvOp extends Base {
  readonly kind: 'conv';
  readonly x: string;
  readonly w: string;
  readonly bias?: string;
  readonly conv: ConvSpec;
  readonly fn: ActivationFunction;
  /** Pooling fused after the activation (no padding). */
  readonly pool?: PoolSpec;
}

export interface AttentionOp extends Base {
  readonly kind: 'attention';
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly heads: number;
  readonly kvHeads: number;
  readonly causal: boolean;
  readonly scale: number;
  /** Sliding window (queries see the last `window` keys), present only when it masks some key. */
  readonly window?: number;
}

export interface PoolOp extends Base {
  readonly kind: 'pool';
  readonly x: string;
  readonly pool: PoolSpec;
}

export const UNARY_FUNCTIONS = ['relu', 'gelu', 'gelu_tanh', 'tanh', 'sigmoid', 'exp', 'silu', 'erf', 'sqrt', 'reciprocal', 'neg', 'abs', 'copy'] as const;
export type UnaryFunction = (typeof UNARY_FUNCTIONS)[number];
export type BinaryFunction = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min';
export type RowFunction = 'softmax' | 'layernorm' | 'rmsnorm' | 'reduce_sum' | 'reduce_max' | 'reduce_mean';

export interface UnaryOp extends Base {
  readonly kind: 'unary';
  readonly fn: UnaryFunction;
  readonly x: string;
}

export interface BinaryOp extends Base {
  readonly kind: 'binary';
  readonly fn: BinaryFunction;
  readonly a: string;
  readonly b: string;
}

/** A function of each row (the last axis): softmax, normalizations (then x gamma + beta), reductions. */
export interface RowOp extends Base {
  readonly kind: 'row';
  readonly fn: RowFunction;
  readonly x: string;
  readonly gamma?: string;
  readonly beta?: string;
  readonly epsilon: number;
}

export type ViewTransform =
  | { readonly kind: 'reshape' }
  | { readonly kind: 'transpose'; readonly perm: readonly number[] }
  | { readonly kind: 'slice'; readonly ranges: ReadonlyArray<{ readonly start: number; readonly step: number; readonly count: number }> }
  /** Entries `indices` along `axis` (constant indices; a view when they are evenly spaced, else copies). */
  | { readonly kind: 'gather'; readonly axis: number; readonly indices: readonly number[] };

/** A layout op: the output is the input seen another way (or a copy where no view can express it). */
export interface ViewOp extends Base {
  readonly kind: 'view';
  readonly x: string;
  readonly transform: ViewTransform;
}

export interface ConcatOp extends Base {
  readonly kind: 'concat';
  readonly inputs: readonly string[];
  readonly axis: number;
}

/** Rows of a parameter table picked by a graph input (token ids): done by the host, as TPU v1 left embeddings to its host. */
export interface EmbeddingOp extends Base {
  readonly kind: 'embedding';
  readonly table: string;
  readonly indices: string;
}

/** A node kept as it is (lenient fusion only): the analytical model times it from the op registry. */
export interface OpaqueOp extends Base {
  readonly kind: 'opaque';
  readonly node: string;
  /** Why no layer could hold it. */
  readonly why: string;
}

export type LogicalOp = MatmulOp | ConvOp | AttentionOp | PoolOp | UnaryOp | BinaryOp | RowOp | ViewOp | ConcatOp | EmbeddingOp | OpaqueOp;

export interface LogicalProgram {
  /** The simplified graph: its tensors are the ops' operands (folded weights included). */
  readonly graph: Graph;
  readonly ops: readonly LogicalOp[];
}

export function ctxOf(graph: Graph, node: GraphNode): OpContext {
  return { node, inputs: node.inputs.map((n) => (n === '' ? undefined : graph.tensors[n])) };
}

export function consumers(graph: Graph): Map<string, GraphNode[]> {
  const map = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    for (const t of node.inputs) {
      if (!t) continue;
      const users = map.get(t);
      if (users) users.push(node);
      else map.set(t, [node]);
    }
  }
  return map;
}

export const num = (v: AttrValue | undefined, fallback: number): number => (typeof v === 'number' ? v : fallback);

const ACTIVATION_OPS: Readonly<Record<string, ActivationFunction>> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh' };

/** The activate function a node computes, when it can ride on a matrix op's way out. */
function activationOf(graph: Graph, node: GraphNode): ActivationFunction | undefined {
  if (ACTIVATION_OPS[node.op]) return ACTIVATION_OPS[node.op];
  if (node.op === 'Gelu') return node.attrs['approximate'] === 'tanh' ? 'gelu_tanh' : 'gelu';
  if (node.op === 'Clip') {
    const bounds = clipBounds(ctxOf(graph, node));
    if (bounds?.min === 0 && bounds.max === 6) return 'relu6';
    if (bounds?.min === 0 && bounds.max === Infinity) return 'relu';
  }
  return undefined;
}

const UNARY_OPS: Readonly<Record<string, UnaryFunction>> = {
  Relu: 'relu',
  Gelu: 'gelu',
  Tanh: 'tanh',
  Sigmoid: 'sigmoid',
  Exp: 'exp',
  Silu: 'silu',
  Erf: 'erf',
  Sqrt: 'sqrt',
  Reciprocal: 'reciprocal',
  Neg: 'neg',
  Abs: 'abs',
  Cast: 'copy',
};
const BINARY_OPS: Readonly<Record<string, BinaryFunction>> = { Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div', Max: 'max', Min: 'min' };
const REDUCE_OPS: Readonly<Record<string, RowFunction>> = { ReduceSum: 'reduce_sum', ReduceMax: 'reduce_max', ReduceMean: 'reduce_mean' };

export const isParameter = (t: GraphTensor | undefined): boolean => t !== undefined && (t.kind === 'weight' || t.kind === 'state' || t.kind === 'constant');

/** Pass `fuse`: graph nodes -> logical ops, with epilogues absorbed into the matrix ops. */
export interface FuseOptions {
  /** Turn nodes no layer can hold into opaque layers instead of failing (the analytical model times them). */
  readonly lenient?: boolean;
}

export function fuse(graph: Graph, options: FuseOptions = {}): LogicalProgram {
  const uses = consumers(graph);
  const absorbed = new Set<string>();
  const ops: LogicalOp[] = [];
  /** The single node reading `tensor`, when the tensor is read by exactly that node and is not an output. */
  const onlyUser = (tensor: string): GraphNode | undefined => {
    const u = uses.get(tensor) ?? [];
    return u.length === 1 && !graph.outputs.includes(tensor) ? u[0] : undefined;
  };
  const unsupported = (node: GraphNode, why: string): never => {
    throw new GraphError('unsupported', `node '${node.name}' (${node.op}): ${why}`);
  };

  // Transposed parameters (tied output embeddings) are read transposed by the matmul that uses them.
  const transposedParameters = new Map<string, string>();
  for (const node of graph.nodes) {
    const x = graph.tensors[node.inputs[0] ?? ''];
    if (node.op !== 'Transpose' || !isParameter(x) || x!.shape.length !== 2) continue;
    const users = uses.get(node.outputs[0]!) ?? [];
    if (users.length > 0 && users.every((u) => u.op === 'MatMul' && u.inputs[1] === node.outputs[0] && u.inputs[0] !== node.outputs[0])) {
      transposedParameters.set(node.outputs[0]!, node.inputs[0]!);
      absorbed.add(node.name);
    }
  }

  const fuseNode = (node: GraphNode): void => {
    const ctx = ctxOf(graph, node);
    const out = node.outputs[0]!;
    const covered = [node.name];
    if (node.op === 'MatMul' || node.op === 'Gemm' || node.op === 'Conv') {
      let alpha = 1;
      let transB = false;
      let bias = node.op !== 'MatMul' && node.inputs[2] ? node.inputs[2] : undefined;
      if (node.op === 'Gemm') {
        if (num(node.attrs['transA'], 0) !== 0) unsupported(node, 'transA=1 is not supported; transpose the input first');
        transB = num(node.attrs['transB'], 0) === 1;
        alpha = num(node.attrs['alpha'], 1);
        if (bias && num(node.attrs['beta'], 1) !== 1) unsupported(node, 'beta other than 1 is not supported');
        if (bias && !isColumnVector(graph.tensors[bias]!, graph.tensors[out]!.shape)) unsupported(node, 'C must be a per-column bias of shape (N) or (1, N)');
      }
      if (node.op === 'MatMul' && isParameter(graph.tensors[node.inputs[0]!])) unsupported(node, 'a constant first operand is not supported');
      let tail = out;
      let fn: ActivationFunction = 'identity';
      let pool: PoolSpec | undefined;
      // bias add, then a scalar multiply or divide, then an activation, then (convolutions) pooling.
      for (;;) {
        const next = onlyUser(tail);
        if (!next) break;
        const other = next.inputs.find((t) => t !== tail);
        const otherTensor = other ? graph.tensors[other] : undefined;
        if (!bias && fn === 'identity' && alpha === 1 && next.op === 'Add' && otherTensor && isParameter(otherTensor) && isBiasFor(node, otherTensor, graph.tensors[tail]!.shape)) {
          bias = other;
        } else if (fn === 'identity' && !bias && (next.op === 'Mul' || (next.op === 'Div' && next.inputs[0] === tail)) && otherTensor?.data && elementCount(otherTensor.shape) === 1) {
          alpha *= next.op === 'Mul' ? otherTensor.data[0]! : 1 / otherTensor.data[0]!;
        } else if (fn === 'identity' && !pool && activationOf(graph, next)) {
          fn = activationOf(graph, next)!;
        } else if (node.op === 'Conv' && !pool && next.op === 'MaxPool') {
          const spec = poolSpec(graph, next);
          if (spec.pads.some((p) => p !== 0)) break;
          pool = spec;
        } else break;
        covered.push(next.name);
        tail = next.outputs[0]!;
      }
      if (node.op === 'Conv') {
        const g = convGeometry(ctx);
        const conv: ConvSpec = { stride: [g.strideHeight, g.strideWidth], pads: g.pads, dilation: [g.dilationHeight, g.dilationWidth], groups: g.groups, kernel: [g.kernelHeight, g.kernelWidth] };
        if (alpha !== 1) unsupported(node, 'a scaled convolution is not supported');
        ops.push({ kind: 'conv', name: node.name, nodes: covered, out: tail, x: node.inputs[0]!, w: node.inputs[1]!, ...(bias ? { bias } : {}), conv, fn, ...(pool ? { pool } : {}) });
      } else {
        const parameter = transposedParameters.get(node.inputs[1]!);
        const b = parameter ?? node.inputs[1]!;
        ops.push({ kind: 'matmul', name: node.name, nodes: covered, out: tail, a: node.inputs[0]!, b, transB: parameter ? !transB : transB, ...(bias ? { bias } : {}), alpha, fn });
      }
      // Marked only once the layer is made, so a node that fails leaves nothing to undo.
      for (let i = 1; i < covered.length; i++) absorbed.add(covered[i]!);
      return;
    }
    switch (node.op) {
      case 'Attention': {
        const d = attentionDims(ctx);
        const scale = num(node.attrs['scale'], 1 / Math.sqrt(d.headDim));
        // A window of at least the key length masks nothing. The chip's softmax masks only keys after a query.
        const window = d.window > 0 && d.window < d.kvSeq ? { window: d.window } : {};
        if (window.window !== undefined && !options.lenient) unsupported(node, `sliding-window attention (window=${d.window} of ${d.kvSeq} keys) is not lowered yet: the vector unit's softmax masks only keys after the query (the analytical model times it)`);
        ops.push({ kind: 'attention', name: node.name, nodes: covered, out, q: node.inputs[0]!, k: node.inputs[1]!, v: node.inputs[2]!, heads: d.heads, kvHeads: d.kvHeads, causal: d.causal, scale, ...window });
        return;
      }
      case 'MaxPool':
      case 'AveragePool':
      case 'GlobalAveragePool':
        ops.push({ kind: 'pool', name: node.name, nodes: covered, out, x: node.inputs[0]!, pool: poolSpec(graph, node) });
        return;
      case 'Softmax': {
        const rank = graph.tensors[node.inputs[0]!]!.shape.length;
        const axis = num(node.attrs['axis'], -1);
        if (axis !== -1 && axis !== rank - 1) unsupported(node, `softmax over axis ${axis} is not supported; only the last axis (${rank - 1})`);
        ops.push({ kind: 'row', name: node.name, nodes: covered, out, fn: 'softmax', x: node.inputs[0]!, epsilon: 0 });
        return;
      }
      case 'LayerNormalization':
      case 'RMSNormalization': {
        const rank = graph.tensors[node.inputs[0]!]!.shape.length;
        const axis = num(node.attrs['axis'], -1);
        if (axis !== -1 && axis !== rank - 1) unsupported(node, `normalization over axes from ${axis} is not supported; only the last axis`);
        const fn = node.op === 'LayerNormalization' ? 'layernorm' : 'rmsnorm';
        const gamma = node.inputs[1] || undefined;
        const beta = node.inputs[2] || undefined;
        ops.push({ kind: 'row', name: node.name, nodes: covered, out, fn, x: node.inputs[0]!, ...(gamma ? { gamma } : {}), ...(beta ? { beta } : {}), epsilon: num(node.attrs['epsilon'], 1e-5) });
        return;
      }
      case 'ReduceSum':
      case 'ReduceMax':
      case 'ReduceMean': {
        // The axes, not the output shape: reducing (3, 2, 2) over axis 1 without keepdims also gives (3, 2).
        const axes = reduceAxes(ctx, graph.tensors[node.inputs[0]!]!.shape.length);
        if (axes.length !== 1 || axes[0] !== graph.tensors[node.inputs[0]!]!.shape.length - 1) unsupported(node, `only reductions over the last axis are supported (axes ${axes.join(', ')})`);
        ops.push({ kind: 'row', name: node.name, nodes: covered, out, fn: REDUCE_OPS[node.op]!, x: node.inputs[0]!, epsilon: 0 });
        return;
      }
      case 'BatchNormalization':
        unsupported(node, 'batch normalization is folded into a convolution before it; a standalone one is not supported');
        return;
      case 'Reshape':
      case 'Flatten':
      case 'Squeeze':
      case 'Unsqueeze':
      case 'Identity':
      case 'Dropout':
        ops.push({ kind: 'view', name: node.name, nodes: covered, out, x: node.inputs[0]!, transform: { kind: 'reshape' } });
        return;
      case 'Transpose': {
        const rank = graph.tensors[node.inputs[0]!]!.shape.length;
        const perm = (node.attrs['perm'] as readonly number[] | undefined) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
        ops.push({ kind: 'view', name: node.name, nodes: covered, out, x: node.inputs[0]!, transform: { kind: 'transpose', perm } });
        return;
      }
      case 'Slice':
        ops.push({ kind: 'view', name: node.name, nodes: covered, out, x: node.inputs[0]!, transform: { kind: 'slice', ranges: sliceRanges(graph, node) } });
        return;
      case 'Concat': {
        const rank = graph.tensors[out]!.shape.length;
        const axis = num(node.attrs['axis'], 0);
        ops.push({ kind: 'concat', name: node.name, nodes: covered, out, inputs: node.inputs.filter((t) => t), axis: axis < 0 ? axis + rank : axis });
        return;
      }
      case 'Clip': {
        const fn = activationOf(graph, node);
        if (fn !== 'relu') unsupported(node, 'Clip is supported after a matrix op (fused as ReLU6) or as Clip(0, inf)');
        ops.push({ kind: 'unary', name: node.name, nodes: covered, out, fn: 'relu', x: node.inputs[0]! });
        return;
      }
      case 'Gelu':
        ops.push({ kind: 'unary', name: node.name, nodes: covered, out, fn: node.attrs['approximate'] === 'tanh' ? 'gelu_tanh' : 'gelu', x: node.inputs[0]! });
        return;
      case 'Gather': {
        const data = graph.tensors[node.inputs[0]!]!;
        const indices = graph.tensors[node.inputs[1]!]!;
        const axis = num(node.attrs['axis'], 0);
        if (isParameter(data) && indices.kind === 'input' && (axis === 0 || axis === -data.shape.length)) {
          ops.push({ kind: 'embedding', name: node.name, nodes: covered, out, table: node.inputs[0]!, indices: node.inputs[1]! });
          return;
        }
        if (!isParameter(data) && indices.data) {
          const rank = data.shape.length;
          const a = axis < 0 ? axis + rank : axis;
          ops.push({ kind: 'view', name: node.name, nodes: covered, out, x: node.inputs[0]!, transform: { kind: 'gather', axis: a, indices: Array.from(indices.data, (i) => (i < 0 ? i + data.shape[a]! : i)) } });
          return;
        }
        unsupported(node, 'Gather is supported as a host-side embedding lookup (a table indexed by a graph input) or with constant indices');
        return;
      }
      case 'Cast': {
        const from = graph.tensors[node.inputs[0]!]!.dtype;
        const to = graph.tensors[out]!.dtype;
        if (!isFloat(from) || !isFloat(to)) unsupported(node, `casts between ${from} and ${to} are not supported; only between float types`);
        break;
      }
    }
    if (UNARY_OPS[node.op]) {
      ops.push({ kind: 'unary', name: node.name, nodes: covered, out, fn: UNARY_OPS[node.op]!, x: node.inputs[0]! });
      return;
    }
    if (BINARY_OPS[node.op]) {
      // Max and Min are variadic in ONNX: one input is a copy; the vector unit's max/min take two.
      const operands = node.inputs.filter((t) => t);
      if (operands.length === 1) ops.push({ kind: 'unary', name: node.name, nodes: covered, out, fn: 'copy', x: operands[0]! });
      else if (operands.length === 2) ops.push({ kind: 'binary', name: node.name, nodes: covered, out, fn: BINARY_OPS[node.op]!, a: operands[0]!, b: operands[1]! });
      else unsupported(node, `${node.op} of ${operands.length} inputs is not supported; the vector unit's ${node.op.toLowerCase()} takes 2 (chain ${operands.length - 1} two-input ${node.op} nodes)`);
      return;
    }
    if (node.op === 'Pow' && scalarValue(graph.tensors[node.inputs[1] ?? '']) === 2) {
      // x^2 (LayerNorm's variance as exporters write it) is x times x.
      ops.push({ kind: 'binary', name: node.name, nodes: covered, out, fn: 'mul', a: node.inputs[0]!, b: node.inputs[0]! });
      return;
    }
    const def = opDef(node.op);
    unsupported(node, def ? `the compiler does not lower ${node.op} yet (the analytical model times it)` : 'unknown op');
  };

  for (const node of graph.nodes) {
    if (absorbed.has(node.name)) continue;
    if (!options.lenient) {
      fuseNode(node);
      continue;
    }
    // Lenient (the analytical model): a node the chip cannot run as a layer becomes an opaque one.
    try {
      fuseNode(node);
    } catch (error) {
      if (!(error instanceof GraphError) || error.code !== 'unsupported') throw error;
      ops.push({ kind: 'opaque', name: node.name, nodes: [node.name], out: node.outputs[0]!, node: node.name, why: error.message });
    }
  }
  return { graph, ops };
}

/** The one value of a constant scalar (any shape of one element), else undefined. */
const scalarValue = (t: GraphTensor | undefined): number | undefined => (t?.data && t.data.length === 1 && isParameter(t) ? t.data[0] : undefined);

const isFloat = (dtype: string): boolean => dtype === 'fp32' || dtype === 'fp16' || dtype === 'bf16';

/** A bias add after a matrix op: one value per output column (last axis; channels for convolutions). */
function isBiasFor(node: GraphNode, bias: GraphTensor, outShape: readonly number[]): boolean {
  const s = bias.shape.filter((d, i) => !(d === 1 && i < bias.shape.length - (node.op === 'Conv' ? 3 : 1)));
  if (node.op === 'Conv') return bias.shape.length <= 4 && elementCount(bias.shape) === outShape[1] && (bias.shape.length < 3 || bias.shape[bias.shape.length - 2] === 1) && s.length >= 1;
  return bias.shape.length <= outShape.length && elementCount(bias.shape) === outShape[outShape.length - 1] && bias.shape[bias.shape.length - 1] === outShape[outShape.length - 1];
}

function isColumnVector(t: GraphTensor, out: readonly number[]): boolean {
  return elementCount(t.shape) === out[out.length - 1] && t.shape[t.shape.length - 1] === out[out.length - 1];
}

function poolSpec(graph: Graph, node: GraphNode): PoolSpec {
  const g = poolGeometry(ctxOf(graph, node), node.op === 'GlobalAveragePool');
  return { kind: node.op === 'MaxPool' ? 'max' : 'avg', kernel: [g.kernelHeight, g.kernelWidth], stride: [g.strideHeight, g.strideWidth], pads: g.pads, countIncludesPad: g.countIncludesPad };
}

function sliceRanges(graph: Graph, node: GraphNode): Array<{ start: number; step: number; count: number }> {
  const shape = graph.tensors[node.inputs[0]!]!.shape;
  const values = (i: number): number[] | undefined => {
    const t = node.inputs[i] ? graph.tensors[node.inputs[i]!] : undefined;
    return t?.data ? Array.from(t.data) : undefined;
  };
  const starts = values(1);
  const ends = values(2);
  if (!starts || !ends) throw new GraphError('unsupported', `node '${node.name}' (Slice): starts and ends must be constants`);
  const axes = values(3) ?? starts.map((_, i) => i);
  const steps = values(4) ?? starts.map(() => 1);
  const ranges = shape.map((d) => ({ start: 0, step: 1, count: d }));
  axes.forEach((a, i) => {
    const axis = a < 0 ? a + shape.length : a;
    const dim = shape[axis]!;
    const step = steps[i]!;
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const start = step > 0 ? clamp(starts[i]!, 0, dim) : clamp(starts[i]!, -1, dim - 1);
    const end = step > 0 ? clamp(ends[i]!, 0, dim) : clamp(ends[i]!, -1, dim - 1);
    ranges[axis] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
  });
  return ranges;
}

/** The tensors an op reads. */
export function inputsOf(op: LogicalOp): string[] {
  switch (op.kind) {
    case 'matmul':
      return [op.a, op.b, ...(op.bias ? [op.bias] : [])];
    case 'conv':
      return [op.x, op.w, ...(op.bias ? [op.bias] : [])];
    case 'attention':
      return [op.q, op.k, op.v];
    case 'binary':
      return [op.a, op.b];
    case 'row':
      return [op.x, ...(op.gamma ? [op.gamma] : []), ...(op.beta ? [op.beta] : [])];
    case 'concat':
      return [...op.inputs];
    case 'embedding':
      return [op.table, op.indices];
    case 'opaque':
      return [];
    default:
      return [op.x];
  }
}
