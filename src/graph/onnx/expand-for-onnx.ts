/**
 * tpusim-only ops written out as standard ONNX operators, so a graph built from a Hugging Face config.json
 * (fused Attention, RMSNormalization, Silu) can be exported by graphToOnnx and run by other runtimes:
 * Attention as Reshape/Transpose (grouped-query key/value heads repeated by Concat), MatMul, a scale, an
 * additive causal mask, Softmax and MatMul (the form transformers' eager attention exports to);
 * RMSNormalization as weight * (x * 1/sqrt(mean(x^2) + eps)) (LlamaRMSNorm's form as torch exports it);
 * Silu as x sigmoid(x). Everything else is kept as it is.
 */
import { GraphError } from '../errors.js';
import { attentionDims } from '../ops/matrix.js';
import { nodeContext } from '../analysis.js';
import type { AttrValue, Graph, GraphNode, GraphTensor, TensorDType } from '../types.js';

/**
 * The causal mask's value above the diagonal: finite so the graph stays plain JSON, and so negative that
 * exp(mask - max) is exactly 0 in fp32 (transformers uses the dtype's most negative value the same way).
 */
const MASKED = -1e9;

interface Emitter {
  readonly nodes: GraphNode[];
  readonly tensors: GraphTensor[];
}

function emitterFor(node: GraphNode, out: Emitter) {
  const name = (suffix: string): string => `${node.name}/${suffix}`;
  const constant = (suffix: string, shape: number[], data: number[], dtype: TensorDType = 'int64'): string => {
    out.tensors.push({ name: name(suffix), dtype, shape, kind: 'constant', data });
    return name(suffix);
  };
  /** A node named `suffix`, writing a new activation of `shape` (or `output`, the original node's). */
  const op = (
    suffix: string,
    kind: string,
    inputs: string[],
    shape: readonly number[],
    dtype: TensorDType,
    attrs: Record<string, AttrValue> = {},
    output?: string,
  ): string => {
    const result = output ?? name(suffix);
    if (!output) out.tensors.push({ name: result, dtype, shape, kind: 'activation' });
    out.nodes.push({ name: name(suffix), op: kind, inputs, outputs: [result], attrs });
    return result;
  };
  return { constant, op };
}

function expandAttention(graph: Graph, node: GraphNode, out: Emitter): void {
  const d = attentionDims(nodeContext(graph, node));
  if (d.window > 0 || node.attrs['scale'] !== undefined)
    throw new GraphError(
      'not_onnx',
      `node '${node.name}' (Attention): sliding windows and custom scales are not written out for ONNX ` +
        `(window=${d.window}, scale=${String(node.attrs['scale'] ?? 'default')})`,
    );
  const { constant, op } = emitterFor(node, out);
  const dtype = graph.tensors[node.inputs[0]!]!.dtype;
  const [q, k, v] = node.inputs as [string, string, string];
  /** `t` (batch, seq, heads x width) as (batch, heads, seq, width) permuted by `perm`. */
  const heads = (t: string, what: string, seq: number, width: number, perm: number[]): string => {
    const shape = [d.batch, seq, d.heads, width];
    const group = what === 'q' ? 1 : d.heads / d.kvHeads;
    let split: string;
    if (group === 1) split = op(`${what}_heads`, 'Reshape', [t, constant(`${what}_shape`, [4], shape)], shape, dtype);
    else {
      // Grouped-query attention: each key/value head repeated for its group of query heads (transformers'
      // repeat_kv), as a Concat of copies along a new axis, so query head h reads key/value head h / group.
      const one = [d.batch, seq, d.kvHeads, 1, width];
      const kvHeads = op(`${what}_kv_heads`, 'Reshape', [t, constant(`${what}_kv_shape`, [5], one)], one, dtype);
      const repeated = op(
        `${what}_repeat`,
        'Concat',
        new Array<string>(group).fill(kvHeads),
        [d.batch, seq, d.kvHeads, group, width],
        dtype,
        { axis: 3 },
      );
      split = op(`${what}_heads`, 'Reshape', [repeated, constant(`${what}_shape`, [4], shape)], shape, dtype);
    }
    const permuted = perm.map((p) => shape[p]!);
    return op(`${what}_transpose`, 'Transpose', [split], permuted, dtype, { perm });
  };
  const qh = heads(q, 'q', d.seq, d.headDim, [0, 2, 1, 3]);
  const kh = heads(k, 'k', d.kvSeq, d.headDim, [0, 2, 3, 1]);
  const vh = heads(v, 'v', d.kvSeq, d.valueDim, [0, 2, 1, 3]);
  const scoreShape = [d.batch, d.heads, d.seq, d.kvSeq];
  const raw = op('scores', 'MatMul', [qh, kh], scoreShape, dtype);
  let scores = op('scaled', 'Mul', [raw, constant('scale', [], [1 / Math.sqrt(d.headDim)], dtype)], scoreShape, dtype);
  if (d.causal) {
    const offset = d.kvSeq - d.seq;
    const mask = Array.from({ length: d.seq * d.kvSeq }, (_, i) =>
      i % d.kvSeq > Math.floor(i / d.kvSeq) + offset ? MASKED : 0,
    );
    scores = op('masked', 'Add', [scores, constant('causal_mask', [d.seq, d.kvSeq], mask, dtype)], scoreShape, dtype);
  }
  const probs = op('softmax', 'Softmax', [scores], scoreShape, dtype, { axis: -1 });
  const ctx = op('context', 'MatMul', [probs, vh], [d.batch, d.heads, d.seq, d.valueDim], dtype);
  const rows = op('context_transpose', 'Transpose', [ctx], [d.batch, d.seq, d.heads, d.valueDim], dtype, {
    perm: [0, 2, 1, 3],
  });
  const width = [d.batch, d.seq, d.heads * d.valueDim];
  op('context_rows', 'Reshape', [rows, constant('rows_shape', [3], width)], width, dtype, {}, node.outputs[0]);
}

function expandRmsNorm(graph: Graph, node: GraphNode, out: Emitter): void {
  const x = graph.tensors[node.inputs[0]!]!;
  const axis = node.attrs['axis'] ?? -1;
  if (axis !== -1 && axis !== x.shape.length - 1)
    throw new GraphError('not_onnx', `node '${node.name}' (RMSNormalization): axis ${String(axis)} is not the last`);
  const { constant, op } = emitterFor(node, out);
  const rowShape = [...x.shape.slice(0, -1), 1];
  const eps = typeof node.attrs['epsilon'] === 'number' ? node.attrs['epsilon'] : 1e-5;
  const square = op('square', 'Pow', [x.name, constant('two', [], [2], x.dtype)], x.shape, x.dtype);
  const mean = op('mean_square', 'ReduceMean', [square], rowShape, x.dtype, { axes: [-1], keepdims: 1 });
  const shifted = op('add_epsilon', 'Add', [mean, constant('epsilon', [], [eps], x.dtype)], rowShape, x.dtype);
  const rms = op('rms', 'Sqrt', [shifted], rowShape, x.dtype);
  const inverse = op('inverse_rms', 'Reciprocal', [rms], rowShape, x.dtype);
  const scale = node.inputs[1];
  const output = scale ? undefined : node.outputs[0];
  const normalized = op('normalized', 'Mul', [x.name, inverse], x.shape, x.dtype, {}, output);
  if (scale) op('scaled', 'Mul', [scale, normalized], x.shape, x.dtype, {}, node.outputs[0]);
}

function expandSilu(graph: Graph, node: GraphNode, out: Emitter): void {
  const x = graph.tensors[node.inputs[0]!]!;
  const { op } = emitterFor(node, out);
  const gate = op('sigmoid', 'Sigmoid', [x.name], x.shape, x.dtype);
  op('mul', 'Mul', [x.name, gate], x.shape, x.dtype, {}, node.outputs[0]);
}

const EXPANSIONS: Readonly<Record<string, (graph: Graph, node: GraphNode, out: Emitter) => void>> = {
  Attention: expandAttention,
  RMSNormalization: expandRmsNorm,
  Silu: expandSilu,
};

/** The graph with Attention, RMSNormalization and Silu nodes written out as ONNX operators. */
export function expandForOnnx(graph: Graph): Graph {
  const out: Emitter = { nodes: [], tensors: [] };
  for (const node of graph.nodes) {
    const expand = EXPANSIONS[node.op];
    if (expand) expand(graph, node, out);
    else out.nodes.push(node);
  }
  const tensors = { ...graph.tensors };
  for (const t of out.tensors) {
    if (tensors[t.name]) throw new GraphError('bad_node', `expanding for ONNX: tensor '${t.name}' already exists`);
    tensors[t.name] = t;
  }
  return { ...graph, nodes: out.nodes, tensors };
}
