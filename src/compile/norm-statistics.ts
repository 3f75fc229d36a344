/**
 * LayerNormalization's optional outputs Mean and InvStdDev (ONNX operators/LayerNormalization): the chip's
 * layernorm row instruction writes only Y, so when the model reads a statistic (as a graph output or
 * elsewhere) it is computed by its own nodes, all of which the chip runs over the last axis:
 *
 *   Mean      = ReduceMean(X)
 *   InvStdDev = Reciprocal(Sqrt(ReduceMean(X^2) - Mean^2 + epsilon))
 *
 * The variance is E[X^2] - Mean^2 because the vector unit cannot broadcast Mean along the row it was
 * reduced from (X - Mean); rows whose mean is large against their spread lose precision to cancellation.
 * Graph -> Graph, before `simplify`. Normalizations over more than the last axis are left alone (fusion
 * refuses them with its own reason).
 */
import type { Graph, GraphNode, GraphTensor } from '../graph/types.js';

const numberAttr = (node: GraphNode, name: string, fallback: number): number => {
  const v = node.attrs[name];
  return typeof v === 'number' ? v : fallback;
};

function statisticsNodes(
  graph: Graph,
  node: GraphNode,
  wanted: (t: string | undefined) => t is string,
): { node: GraphNode; nodes: GraphNode[]; tensors: GraphTensor[] } | undefined {
  const x = graph.tensors[node.inputs[0]!];
  if (!x) return undefined;
  const rank = x.shape.length;
  const axis = numberAttr(node, 'axis', -1);
  if ((axis < 0 ? axis + rank : axis) !== rank - 1) return undefined;
  const [meanOut, invOut] = [node.outputs[1], node.outputs[2]];
  const needMean = wanted(meanOut);
  const needInv = wanted(invOut);
  if (!needMean && !needInv) return undefined;
  const statShape = [...x.shape.slice(0, -1), 1];
  const tensors: GraphTensor[] = [];
  const tensor = (name: string, shape: readonly number[], extra: Partial<GraphTensor> = {}): string => {
    if (!graph.tensors[name]) tensors.push({ name, dtype: 'fp32', shape, kind: 'activation', ...extra });
    return name;
  };
  const nodes: GraphNode[] = [];
  const add = (suffix: string, op: string, inputs: string[], out: string, attrs: GraphNode['attrs'] = {}): string => {
    nodes.push({ name: `${node.name}/${suffix}`, op, inputs, outputs: [out], attrs });
    return out;
  };
  const reduce = { axes: [rank - 1], keepdims: 1 };
  const mean = add('mean', 'ReduceMean', [x.name], needMean ? meanOut : tensor(`${node.name}.mean`, statShape), reduce);
  if (needInv) {
    const squared = add('squared', 'Mul', [x.name, x.name], tensor(`${node.name}.squared`, x.shape));
    const meanSquare = add(
      'mean_square',
      'ReduceMean',
      [squared],
      tensor(`${node.name}.mean_square`, statShape),
      reduce,
    );
    const squaredMean = add('squared_mean', 'Mul', [mean, mean], tensor(`${node.name}.squared_mean`, statShape));
    const variance = add('variance', 'Sub', [meanSquare, squaredMean], tensor(`${node.name}.variance`, statShape));
    const epsilon = tensor(`${node.name}.epsilon`, [], { kind: 'constant', data: [numberAttr(node, 'epsilon', 1e-5)] });
    const shifted = add(
      'variance_epsilon',
      'Add',
      [variance, epsilon],
      tensor(`${node.name}.variance_epsilon`, statShape),
    );
    const std = add('std', 'Sqrt', [shifted], tensor(`${node.name}.std`, statShape));
    add('inv_std_dev', 'Reciprocal', [std], invOut);
  }
  return { node: { ...node, outputs: node.outputs.slice(0, 1) }, nodes, tensors };
}

/** Every LayerNormalization whose Mean or InvStdDev is read gets nodes that compute them. */
export function expandNormStatistics(graph: Graph): Graph {
  const read = new Set([...graph.outputs, ...graph.nodes.flatMap((n) => n.inputs)]);
  const wanted = (t: string | undefined): t is string => t !== undefined && t !== '' && read.has(t);
  let changed = false;
  const tensors: Record<string, GraphTensor> = { ...graph.tensors };
  const nodes = graph.nodes.flatMap((node) => {
    if (node.op !== 'LayerNormalization') return [node];
    const expanded = statisticsNodes(graph, node, wanted);
    if (!expanded) return [node];
    changed = true;
    for (const t of expanded.tensors) tensors[t.name] = t;
    return [expanded.node, ...expanded.nodes];
  });
  return changed ? { ...graph, tensors, nodes } : graph;
}
