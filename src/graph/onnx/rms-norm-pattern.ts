/**
 * ONNX has RMSNormalization only from opset 23; below it exporters write Llama's RMSNorm
 * (`weight * x * rsqrt(mean(x^2) + eps)`) out as Pow 2 (or Mul x x), ReduceMean, Add eps, Sqrt, then
 * Reciprocal and Mul x (or Div x), and Mul weight. The importer puts such a chain back together as one
 * RMSNormalization over the last axis, because the chip's vector unit cannot repeat the per-row rms along
 * a row (the same reason as for LayerNorm chains, layer-norm-pattern.ts).
 */
import type { Graph, GraphNode } from '../types.js';
import { meanOverLastAxis, scalar, shortestFloat, usesOf, withReplacements, type Uses } from './layer-norm-pattern.js';

interface Match {
  readonly nodes: readonly GraphNode[];
  readonly rmsNorm: GraphNode;
}

/** The input x of x * x or x ^ 2, or undefined when `node` is neither. */
function squared(graph: Graph, node: GraphNode | undefined): string | undefined {
  if (node?.op === 'Mul' && node.inputs[0] === node.inputs[1]) return node.inputs[0];
  if (node?.op === 'Pow' && scalar(graph.tensors[node.inputs[1]!]) === 2) return node.inputs[0];
  return undefined;
}

/** x / rms as Div(x, sqrt) or Mul(x, Reciprocal(sqrt)), with the nodes that compute it past the Sqrt. */
function dividedBy(uses: Uses, node: GraphNode, sqrtOut: string): { x: string; nodes: GraphNode[] } | undefined {
  if (node.op === 'Div' && node.inputs[1] === sqrtOut) return { x: node.inputs[0]!, nodes: [node] };
  if (node.op !== 'Mul') return undefined;
  for (const [i, t] of node.inputs.entries()) {
    const reciprocal = uses.producer.get(t);
    if (reciprocal?.op === 'Reciprocal' && reciprocal.inputs[0] === sqrtOut)
      return { x: node.inputs[1 - i]!, nodes: [reciprocal, node] };
  }
  return undefined;
}

/** The chain whose last node is `mul`, weight * (x / sqrt(mean(x^2) + eps)) in either operand order. */
function matchAt(graph: Graph, uses: Uses, mul: GraphNode, taken: ReadonlySet<string>): Match | undefined {
  const width = graph.tensors[mul.outputs[0]!]?.shape.at(-1);
  const isScale = (t: string): boolean => {
    const tensor = graph.tensors[t];
    return (
      tensor !== undefined &&
      tensor.kind !== 'activation' &&
      tensor.kind !== 'input' &&
      tensor.shape.length === 1 &&
      tensor.shape[0] === width
    );
  };
  const weight = mul.inputs.find(isScale);
  const inner = uses.producer.get(mul.inputs.find((t) => t !== weight) ?? '');
  if (!weight || !inner || mul.inputs.length !== 2) return undefined;
  const candidates = inner.op === 'Div' ? [inner.inputs[1]] : inner.inputs.map((t) => uses.producer.get(t)?.inputs[0]);
  const sqrt = candidates.map((t) => uses.producer.get(t ?? '')).find((n) => n?.op === 'Sqrt');
  const addEps = uses.producer.get(sqrt?.inputs[0] ?? '');
  const mean = uses.producer.get(addEps?.inputs[0] ?? '');
  const square = uses.producer.get(mean?.inputs[0] ?? '');
  const divided = sqrt && dividedBy(uses, inner, sqrt.outputs[0]!);
  const epsilon = scalar(graph.tensors[addEps?.inputs[1] ?? '']);
  if (!divided || addEps?.op !== 'Add' || !meanOverLastAxis(graph, mean) || epsilon === undefined) return undefined;
  if (squared(graph, square) !== divided.x) return undefined;
  const nodes = [square!, mean, addEps, sqrt, ...divided.nodes, mul];
  const once = (n: GraphNode): boolean => uses.count.get(n.outputs[0]!) === 1;
  if (nodes.slice(0, -1).some((n) => !once(n) || taken.has(n.name)) || taken.has(mul.name)) return undefined;
  const rmsNorm: GraphNode = {
    name: `${mean.name}/RMSNormalization`,
    op: 'RMSNormalization',
    inputs: [divided.x, weight],
    outputs: [mul.outputs[0]!],
    attrs: { axis: -1, epsilon: shortestFloat(epsilon) },
  };
  return { nodes, rmsNorm };
}

/** The graph with every written-out RMSNorm chain replaced by one RMSNormalization node. */
export function fuseRmsNormChains(graph: Graph): Graph {
  const uses = usesOf(graph);
  const taken = new Set<string>();
  const replace = new Map<string, GraphNode | undefined>();
  for (const mul of graph.nodes) {
    if (mul.op !== 'Mul') continue;
    const match = matchAt(graph, uses, mul, taken);
    if (!match) continue;
    match.nodes.forEach((n, i) => {
      taken.add(n.name);
      replace.set(n.name, i === 0 ? match.rmsNorm : undefined);
    });
  }
  return withReplacements(graph, replace);
}
