/**
 * Fusion rules: how each graph op becomes a layer, one rule per op name (the matrix ops share one that
 * absorbs the epilogue after them). A rule returns the layer, or why no layer can hold the node, as
 * data; `fuse` decides whether that reason fails the graph or becomes an opaque layer.
 */
import type { AttrValue, Graph, GraphNode, GraphTensor } from '../types.js';
import { elementCount } from '../types.js';
import { opDef } from '../ops/registry.js';
import { convGeometry, attentionDims } from '../ops/matrix.js';
import { reduceAxes } from '../ops/normalization.js';
import { poolGeometry } from '../ops/pooling.js';
import { clipBounds } from '../ops/elementwise.js';
import type { OpContext } from '../ops/op.js';
import type {
  ActivationFunction,
  BinaryFunction,
  ConvSpec,
  LogicalOp,
  PoolSpec,
  RowFunction,
  UnaryFunction,
  ViewTransform,
} from './logical-ops.js';

/** What a rule sees: the node, the graph, and what fusion knows about the tensors around it. */
export interface FusionInput {
  readonly graph: Graph;
  readonly node: GraphNode;
  /** The single node reading `tensor`, when exactly that node reads it and it is not a graph output. */
  onlyUser(tensor: string): GraphNode | undefined;
  /** Parameters that matmuls read transposed, by the Transpose output they stand for. */
  readonly transposedParameters: ReadonlyMap<string, string>;
  /** Lenient fusion (the analytical model): layers the compiler cannot lower yet are still made. */
  readonly lenient: boolean;
}

/** A layer (its first node is the rule's; any others are absorbed), or why none can hold the node. */
export type FusionResult =
  | { readonly ok: true; readonly layer: LogicalOp }
  | { readonly ok: false; readonly reason: string };
export type FusionRule = (input: FusionInput) => FusionResult;

export function ctxOf(graph: Graph, node: GraphNode): OpContext {
  return { node, inputs: node.inputs.map((n) => (n === '' ? undefined : graph.tensors[n])) };
}

export const num = (v: AttrValue | undefined, fallback: number): number => (typeof v === 'number' ? v : fallback);

export const isParameter = (t: GraphTensor | undefined): boolean =>
  t !== undefined && (t.kind === 'weight' || t.kind === 'state' || t.kind === 'constant');

const made = (layer: LogicalOp): FusionResult => ({ ok: true, layer });
const unsupported = (node: GraphNode, why: string): FusionResult => ({
  ok: false,
  reason: `node '${node.name}' (${node.op}): ${why}`,
});
/** The name, nodes and output of a layer of one node. */
const one = (node: GraphNode): { name: string; nodes: string[]; out: string } => ({
  name: node.name,
  nodes: [node.name],
  out: node.outputs[0]!,
});

const ACTIVATION_OPS: Readonly<Record<string, ActivationFunction>> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh' };

/** The activate function a node computes, when it can ride on a matrix op's way out. */
function activationOf(graph: Graph, node: GraphNode): ActivationFunction | undefined {
  if (Object.hasOwn(ACTIVATION_OPS, node.op)) return ACTIVATION_OPS[node.op];
  if (node.op === 'Gelu') return node.attrs['approximate'] === 'tanh' ? 'gelu_tanh' : 'gelu';
  if (node.op === 'Clip') {
    const bounds = clipBounds(ctxOf(graph, node));
    if (bounds?.min === 0 && bounds.max === 6) return 'relu6';
    if (bounds?.min === 0 && bounds.max === Infinity) return 'relu';
  }
  return undefined;
}

/**
 * MatMul, Gemm and Conv: bias add, then a scalar multiply or divide, then an activation, then (convolutions) pooling.
 */
const matrixRule: FusionRule = ({ graph, node, onlyUser, transposedParameters }) => {
  const out = node.outputs[0]!;
  const covered = [node.name];
  let alpha = 1;
  let transB = false;
  let bias = node.op !== 'MatMul' && node.inputs[2] ? node.inputs[2] : undefined;
  if (node.op === 'Gemm') {
    if (num(node.attrs['transA'], 0) !== 0)
      return unsupported(node, 'transA=1 is not supported; transpose the input first');
    transB = num(node.attrs['transB'], 0) === 1;
    alpha = num(node.attrs['alpha'], 1);
    if (bias && num(node.attrs['beta'], 1) !== 1) return unsupported(node, 'beta other than 1 is not supported');
    if (bias && !isColumnVector(graph.tensors[bias]!, graph.tensors[out]!.shape))
      return unsupported(node, 'C must be a per-column bias of shape (N) or (1, N)');
  }
  if (node.op === 'MatMul' && isParameter(graph.tensors[node.inputs[0]!]))
    return unsupported(node, 'a constant first operand is not supported');
  let tail = out;
  let fn: ActivationFunction = 'identity';
  let pool: PoolSpec | undefined;
  for (;;) {
    const next = onlyUser(tail);
    if (!next) break;
    const other = next.inputs.find((t) => t !== tail);
    const otherTensor = other ? graph.tensors[other] : undefined;
    if (
      !bias &&
      fn === 'identity' &&
      alpha === 1 &&
      next.op === 'Add' &&
      otherTensor &&
      isParameter(otherTensor) &&
      isBiasFor(node, otherTensor, graph.tensors[tail]!.shape)
    ) {
      bias = other;
    } else if (
      fn === 'identity' &&
      !bias &&
      (next.op === 'Mul' || (next.op === 'Div' && next.inputs[0] === tail)) &&
      otherTensor?.data &&
      elementCount(otherTensor.shape) === 1
    ) {
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
    const g = convGeometry(ctxOf(graph, node));
    const conv: ConvSpec = {
      stride: [g.strideHeight, g.strideWidth],
      pads: g.pads,
      dilation: [g.dilationHeight, g.dilationWidth],
      groups: g.groups,
      kernel: [g.kernelHeight, g.kernelWidth],
    };
    if (alpha !== 1) return unsupported(node, 'a scaled convolution is not supported');
    return made({
      kind: 'conv',
      name: node.name,
      nodes: covered,
      out: tail,
      x: node.inputs[0]!,
      w: node.inputs[1]!,
      ...(bias ? { bias } : {}),
      conv,
      fn,
      ...(pool ? { pool } : {}),
    });
  }
  const parameter = transposedParameters.get(node.inputs[1]!);
  const b = parameter ?? node.inputs[1]!;
  return made({
    kind: 'matmul',
    name: node.name,
    nodes: covered,
    out: tail,
    a: node.inputs[0]!,
    b,
    transB: parameter ? !transB : transB,
    ...(bias ? { bias } : {}),
    alpha,
    fn,
  });
};

const attentionRule: FusionRule = ({ graph, node, lenient }) => {
  const d = attentionDims(ctxOf(graph, node));
  const scale = num(node.attrs['scale'], 1 / Math.sqrt(d.headDim));
  // A window of at least the key length masks nothing. The chip's softmax masks only keys after a query.
  const window = d.window > 0 && d.window < d.kvSeq ? { window: d.window } : {};
  if (window.window !== undefined && !lenient)
    return unsupported(
      node,
      `sliding-window attention (window=${d.window} of ${d.kvSeq} keys) is not lowered yet: the vector unit's ` +
        `softmax masks only keys after the query (the analytical model times it)`,
    );
  return made({
    kind: 'attention',
    ...one(node),
    q: node.inputs[0]!,
    k: node.inputs[1]!,
    v: node.inputs[2]!,
    heads: d.heads,
    kvHeads: d.kvHeads,
    causal: d.causal,
    scale,
    ...window,
  });
};

const poolRule: FusionRule = ({ graph, node }) =>
  made({ kind: 'pool', ...one(node), x: node.inputs[0]!, pool: poolSpec(graph, node) });

const lastAxisOnly = (graph: Graph, node: GraphNode): { rank: number; axis: number; last: boolean } => {
  const rank = graph.tensors[node.inputs[0]!]!.shape.length;
  const axis = num(node.attrs['axis'], -1);
  return { rank, axis, last: axis === -1 || axis === rank - 1 };
};

const softmaxRule: FusionRule = ({ graph, node }) => {
  const { rank, axis, last } = lastAxisOnly(graph, node);
  if (!last) return unsupported(node, `softmax over axis ${axis} is not supported; only the last axis (${rank - 1})`);
  return made({ kind: 'row', ...one(node), fn: 'softmax', x: node.inputs[0]!, epsilon: 0 });
};

const normalizationRule =
  (fn: RowFunction): FusionRule =>
  ({ graph, node }) => {
    const { axis, last } = lastAxisOnly(graph, node);
    if (!last) return unsupported(node, `normalization over axes from ${axis} is not supported; only the last axis`);
    const gamma = node.inputs[1] || undefined;
    const beta = node.inputs[2] || undefined;
    return made({
      kind: 'row',
      ...one(node),
      fn,
      x: node.inputs[0]!,
      ...(gamma ? { gamma } : {}),
      ...(beta ? { beta } : {}),
      epsilon: num(node.attrs['epsilon'], 1e-5),
    });
  };

const reductionRule =
  (fn: RowFunction): FusionRule =>
  ({ graph, node }) => {
    // The axes, not the output shape: reducing (3, 2, 2) over axis 1 without keepdims also gives (3, 2).
    const rank = graph.tensors[node.inputs[0]!]!.shape.length;
    const axes = reduceAxes(ctxOf(graph, node), rank);
    if (axes.length !== 1 || axes[0] !== rank - 1)
      return unsupported(node, `only reductions over the last axis are supported (axes ${axes.join(', ')})`);
    return made({ kind: 'row', ...one(node), fn, x: node.inputs[0]!, epsilon: 0 });
  };

const viewRule =
  (transform: (input: FusionInput) => ViewTransform | string): FusionRule =>
  (input) => {
    const t = transform(input);
    return typeof t === 'string'
      ? { ok: false, reason: t }
      : made({ kind: 'view', ...one(input.node), x: input.node.inputs[0]!, transform: t });
  };

const transposeOf = ({ graph, node }: FusionInput): ViewTransform => {
  const rank = graph.tensors[node.inputs[0]!]!.shape.length;
  const perm =
    (node.attrs['perm'] as readonly number[] | undefined) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  return { kind: 'transpose', perm };
};

const concatRule: FusionRule = ({ graph, node }) => {
  const rank = graph.tensors[node.outputs[0]!]!.shape.length;
  const axis = num(node.attrs['axis'], 0);
  return made({
    kind: 'concat',
    ...one(node),
    inputs: node.inputs.filter((t) => t),
    axis: axis < 0 ? axis + rank : axis,
  });
};

const clipRule: FusionRule = ({ graph, node }) => {
  if (activationOf(graph, node) !== 'relu')
    return unsupported(node, 'Clip is supported after a matrix op (fused as ReLU6) or as Clip(0, inf)');
  return made({ kind: 'unary', ...one(node), fn: 'relu', x: node.inputs[0]! });
};

const gatherRule: FusionRule = ({ graph, node }) => {
  const data = graph.tensors[node.inputs[0]!]!;
  const indices = graph.tensors[node.inputs[1]!]!;
  const axis = num(node.attrs['axis'], 0);
  if (isParameter(data) && indices.kind === 'input' && (axis === 0 || axis === -data.shape.length)) {
    return made({ kind: 'embedding', ...one(node), table: node.inputs[0]!, indices: node.inputs[1]! });
  }
  if (!isParameter(data) && indices.data) {
    const rank = data.shape.length;
    const a = axis < 0 ? axis + rank : axis;
    return made({
      kind: 'view',
      ...one(node),
      x: node.inputs[0]!,
      transform: {
        kind: 'gather',
        axis: a,
        indices: Array.from(indices.data, (i) => (i < 0 ? i + data.shape[a]! : i)),
      },
    });
  }
  return unsupported(
    node,
    'Gather is supported as a host-side embedding lookup (a table indexed by a graph input) or with constant indices',
  );
};

const isFloat = (dtype: string): boolean => dtype === 'fp32' || dtype === 'fp16' || dtype === 'bf16';

const unaryRule =
  (fn: UnaryFunction): FusionRule =>
  ({ node }) =>
    made({ kind: 'unary', ...one(node), fn, x: node.inputs[0]! });

const castRule: FusionRule = (input) => {
  const from = input.graph.tensors[input.node.inputs[0]!]!.dtype;
  const to = input.graph.tensors[input.node.outputs[0]!]!.dtype;
  if (!isFloat(from) || !isFloat(to))
    return unsupported(input.node, `casts between ${from} and ${to} are not supported; only between float types`);
  return unaryRule('copy')(input);
};

const binaryRule =
  (fn: BinaryFunction): FusionRule =>
  ({ node }) => {
    // Max and Min are variadic in ONNX: one input is a copy; the vector unit's max/min take two.
    const operands = node.inputs.filter((t) => t);
    if (operands.length === 1) return made({ kind: 'unary', ...one(node), fn: 'copy', x: operands[0]! });
    if (operands.length === 2) return made({ kind: 'binary', ...one(node), fn, a: operands[0]!, b: operands[1]! });
    return unsupported(
      node,
      `${node.op} of ${operands.length} inputs is not supported; the vector unit's ${node.op.toLowerCase()} ` +
        `takes 2 (chain ${operands.length - 1} two-input ${node.op} nodes)`,
    );
  };

/** The one value of a constant scalar (any shape of one element), else undefined. */
const scalarValue = (t: GraphTensor | undefined): number | undefined =>
  t?.data && t.data.length === 1 && isParameter(t) ? t.data[0] : undefined;

const powRule: FusionRule = ({ graph, node }) => {
  // x^2 (LayerNorm's variance as exporters write it) is x times x.
  if (scalarValue(graph.tensors[node.inputs[1] ?? '']) !== 2) return notLowered(node);
  return made({ kind: 'binary', ...one(node), fn: 'mul', a: node.inputs[0]!, b: node.inputs[0]! });
};

const notLowered = (node: GraphNode): FusionResult =>
  unsupported(
    node,
    opDef(node.op) ? `the compiler does not lower ${node.op} yet (the analytical model times it)` : 'unknown op',
  );

const reshape = viewRule(() => ({ kind: 'reshape' }));

/** Each op's rule; ops without one fuse to no layer (`notLowered`). */
export const FUSION_RULES: ReadonlyMap<string, FusionRule> = new Map<string, FusionRule>([
  ['MatMul', matrixRule],
  ['Gemm', matrixRule],
  ['Conv', matrixRule],
  ['Attention', attentionRule],
  ['MaxPool', poolRule],
  ['AveragePool', poolRule],
  ['GlobalAveragePool', poolRule],
  ['Softmax', softmaxRule],
  ['LayerNormalization', normalizationRule('layernorm')],
  ['RMSNormalization', normalizationRule('rmsnorm')],
  ['ReduceSum', reductionRule('reduce_sum')],
  ['ReduceMax', reductionRule('reduce_max')],
  ['ReduceMean', reductionRule('reduce_mean')],
  [
    'BatchNormalization',
    ({ node }) =>
      unsupported(
        node,
        'batch normalization is folded into a convolution before it; a standalone one is not supported',
      ),
  ],
  ...(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout'] as const).map(
    (op) => [op, reshape] as const,
  ),
  ['Transpose', viewRule(transposeOf)],
  [
    'Slice',
    viewRule(
      ({ graph, node }) => sliceRanges(graph, node) ?? `node '${node.name}' (Slice): starts and ends must be constants`,
    ),
  ],
  ['Concat', concatRule],
  ['Clip', clipRule],
  [
    'Gelu',
    ({ node }) =>
      made({
        kind: 'unary',
        ...one(node),
        fn: node.attrs['approximate'] === 'tanh' ? 'gelu_tanh' : 'gelu',
        x: node.inputs[0]!,
      }),
  ],
  ['Gather', gatherRule],
  ['Cast', castRule],
  ...(
    [
      ['Relu', 'relu'],
      ['Tanh', 'tanh'],
      ['Sigmoid', 'sigmoid'],
      ['Exp', 'exp'],
      ['Silu', 'silu'],
      ['Erf', 'erf'],
      ['Sqrt', 'sqrt'],
      ['Reciprocal', 'reciprocal'],
      ['Neg', 'neg'],
      ['Abs', 'abs'],
    ] as const
  ).map(([op, fn]) => [op, unaryRule(fn)] as const),
  ...(
    [
      ['Add', 'add'],
      ['Sub', 'sub'],
      ['Mul', 'mul'],
      ['Div', 'div'],
      ['Max', 'max'],
      ['Min', 'min'],
    ] as const
  ).map(([op, fn]) => [op, binaryRule(fn)] as const),
  ['Pow', powRule],
]);

/**
 * Registry ops no fusion rule holds yet: the analytical model times them (lenient fusion keeps them as
 * opaque layers). Most never reach fusion on the compile path: decompose, the recurrent unrolling and
 * constant folding rewrite them first.
 */
export const UNFUSED_OPS: ReadonlySet<string> = new Set([
  ...['ConstantOfShape', 'Shape', 'Equal', 'Greater', 'Less', 'Mod', 'Where', 'Pad', 'Expand'],
  ...['HardSigmoid', 'HardSwish', 'LeakyRelu', 'LSTM', 'GRU', 'RNN', 'MoE'],
]);

/** The layer one node makes, or why none can hold it. */
export function fuseNode(input: FusionInput): FusionResult {
  return (FUSION_RULES.get(input.node.op) ?? (({ node }) => notLowered(node)))(input);
}

/** A bias add after a matrix op: one value per output column (last axis; channels for convolutions). */
function isBiasFor(node: GraphNode, bias: GraphTensor, outShape: readonly number[]): boolean {
  const s = bias.shape.filter((d, i) => !(d === 1 && i < bias.shape.length - (node.op === 'Conv' ? 3 : 1)));
  if (node.op === 'Conv')
    return (
      bias.shape.length <= 4 &&
      elementCount(bias.shape) === outShape[1] &&
      (bias.shape.length < 3 || bias.shape[bias.shape.length - 2] === 1) &&
      s.length >= 1
    );
  return (
    bias.shape.length <= outShape.length &&
    elementCount(bias.shape) === outShape[outShape.length - 1] &&
    bias.shape[bias.shape.length - 1] === outShape[outShape.length - 1]
  );
}

function isColumnVector(t: GraphTensor, out: readonly number[]): boolean {
  return elementCount(t.shape) === out[out.length - 1] && t.shape[t.shape.length - 1] === out[out.length - 1];
}

function poolSpec(graph: Graph, node: GraphNode): PoolSpec {
  const g = poolGeometry(ctxOf(graph, node), node.op === 'GlobalAveragePool');
  return {
    kind: node.op === 'MaxPool' ? 'max' : 'avg',
    kernel: [g.kernelHeight, g.kernelWidth],
    stride: [g.strideHeight, g.strideWidth],
    pads: g.pads,
    countIncludesPad: g.countIncludesPad,
  };
}

/** A slice's range on every axis, or undefined when its starts or ends are not constants. */
function sliceRanges(graph: Graph, node: GraphNode): ViewTransform | undefined {
  const shape = graph.tensors[node.inputs[0]!]!.shape;
  const values = (i: number): number[] | undefined => {
    const t = node.inputs[i] ? graph.tensors[node.inputs[i]!] : undefined;
    return t?.data ? Array.from(t.data) : undefined;
  };
  const starts = values(1);
  const ends = values(2);
  if (!starts || !ends) return undefined;
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
  return { kind: 'slice', ranges };
}
