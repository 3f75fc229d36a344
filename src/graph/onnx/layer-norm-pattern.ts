/**
 * ONNX has LayerNormalization only from opset 17; below it torch.onnx.export writes nn.LayerNorm out as
 * ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul gamma (and Add beta). The importer puts
 * such a chain back together as one LayerNormalization over the last axis (the same arithmetic), so a
 * model exported at opset 13 runs on the chip as a row op, as at opset 17, instead of as nine vector
 * passes, one of which repeats a per-row value along the row (which the vector unit cannot).
 */
import type { Graph, GraphNode, GraphTensor } from '../types.js';

export interface Uses {
  readonly producer: ReadonlyMap<string, GraphNode>;
  readonly count: ReadonlyMap<string, number>;
}

export function usesOf(graph: Graph): Uses {
  const producer = new Map<string, GraphNode>();
  const count = new Map<string, number>();
  for (const node of graph.nodes) {
    for (const t of node.outputs) producer.set(t, node);
    for (const t of node.inputs) if (t) count.set(t, (count.get(t) ?? 0) + 1);
  }
  for (const t of graph.outputs) count.set(t, (count.get(t) ?? 0) + 1);
  return { producer, count };
}

export const scalar = (t: GraphTensor | undefined): number | undefined =>
  t?.data && t.data.length === 1 ? t.data[0] : undefined;

/** The shortest decimal that reads back as the same float32 (1e-5 rather than 9.99999974e-6). */
export function shortestFloat(x: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const y = Number(x.toPrecision(digits));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** A ReduceMean over the last axis only, keeping it (attribute axes before opset 18, an input from 18). */
export function meanOverLastAxis(graph: Graph, node: GraphNode | undefined): node is GraphNode {
  if (node?.op !== 'ReduceMean' || node.attrs['keepdims'] === 0) return false;
  const rank = graph.tensors[node.inputs[0]!]!.shape.length;
  const axes = node.inputs[1]
    ? Array.from(graph.tensors[node.inputs[1]]?.data ?? [])
    : (node.attrs['axes'] as readonly number[] | undefined);
  return axes?.length === 1 && (axes[0] === -1 || axes[0] === rank - 1);
}

interface Match {
  readonly nodes: readonly GraphNode[];
  readonly layerNorm: GraphNode;
}

/** The chain that ends in `div` (x - mean) / sqrt(var + eps), with its affine Mul and Add when present. */
function matchAt(graph: Graph, uses: Uses, div: GraphNode, taken: ReadonlySet<string>): Match | undefined {
  const node = (t: string | undefined, op: string): GraphNode | undefined => {
    const n = t ? uses.producer.get(t) : undefined;
    return n?.op === op && !taken.has(n.name) ? n : undefined;
  };
  const once = (n: GraphNode): boolean => uses.count.get(n.outputs[0]!) === 1;
  const sub = node(div.inputs[0], 'Sub');
  const sqrt = node(div.inputs[1], 'Sqrt');
  const addEps = node(sqrt?.inputs[0], 'Add');
  const variance = uses.producer.get(addEps?.inputs[0] ?? '');
  const pow = node(variance?.inputs[0], 'Pow');
  const mean = uses.producer.get(sub?.inputs[1] ?? '');
  if (!sub || !sqrt || !addEps || !pow || !meanOverLastAxis(graph, mean) || !meanOverLastAxis(graph, variance))
    return undefined;
  const x = sub.inputs[0]!;
  const epsilon = scalar(graph.tensors[addEps.inputs[1]!]);
  if (
    mean.inputs[0] !== x ||
    pow.inputs[0] !== sub.outputs[0] ||
    scalar(graph.tensors[pow.inputs[1]!]) !== 2 ||
    epsilon === undefined
  )
    return undefined;
  if (![mean, pow, variance, addEps, sqrt].every(once) || uses.count.get(sub.outputs[0]!) !== 2) return undefined;
  const width = graph.tensors[x]!.shape.at(-1);
  const vector = (t: string | undefined): boolean => {
    const tensor = t ? graph.tensors[t] : undefined;
    return (
      tensor !== undefined &&
      tensor.kind !== 'activation' &&
      tensor.kind !== 'input' &&
      tensor.shape.length === 1 &&
      tensor.shape[0] === width
    );
  };
  const affine = (n: GraphNode | undefined, t: string): string | undefined =>
    n ? n.inputs.find((i) => i !== t && vector(i)) : undefined;
  const users = (t: string): GraphNode[] => graph.nodes.filter((n) => n.inputs.includes(t));
  const [mul] = once(div) ? users(div.outputs[0]!).filter((n) => n.op === 'Mul') : [];
  const gamma = affine(mul, div.outputs[0]!);
  if (!mul || !gamma) return undefined;
  const [add] = once(mul) ? users(mul.outputs[0]!).filter((n) => n.op === 'Add') : [];
  const beta = affine(add, mul.outputs[0]!);
  const last = beta ? add! : mul;
  const nodes = [mean, sub, pow, variance, addEps, sqrt, div, mul, ...(beta ? [add!] : [])];
  const name = mean.name.endsWith('/ReduceMean')
    ? `${mean.name.slice(0, -'ReduceMean'.length)}LayerNormalization`
    : `${mean.name}/LayerNormalization`;
  const layerNorm: GraphNode = {
    name,
    op: 'LayerNormalization',
    inputs: [x, gamma, ...(beta ? [beta] : [])],
    outputs: [last.outputs[0]!],
    attrs: { axis: -1, epsilon: shortestFloat(epsilon) },
  };
  return { nodes, layerNorm };
}

/** The graph with every written-out LayerNorm chain replaced by one LayerNormalization node. */
export function fuseLayerNormChains(graph: Graph): Graph {
  const uses = usesOf(graph);
  const taken = new Set<string>();
  const replace = new Map<string, GraphNode | undefined>();
  for (const div of graph.nodes) {
    if (div.op !== 'Div') continue;
    const match = matchAt(graph, uses, div, taken);
    if (!match) continue;
    match.nodes.forEach((n, i) => {
      taken.add(n.name);
      replace.set(n.name, i === 0 ? match.layerNorm : undefined);
    });
  }
  return withReplacements(graph, replace);
}

/**
 * `graph` with each node named in `replace` swapped for its entry: the fused node where one is given (placed
 * where the chain starts), nothing for the chain's other nodes; tensors nothing reads or writes any more go.
 */
export function withReplacements(graph: Graph, replace: ReadonlyMap<string, GraphNode | undefined>): Graph {
  if (replace.size === 0) return graph;
  const nodes = graph.nodes.flatMap((n) =>
    replace.has(n.name) ? (replace.get(n.name) ? [replace.get(n.name)!] : []) : [n],
  );
  const used = new Set([...graph.inputs, ...graph.outputs, ...nodes.flatMap((n) => [...n.inputs, ...n.outputs])]);
  const tensors = Object.fromEntries(Object.entries(graph.tensors).filter(([name]) => used.has(name)));
  return { ...graph, tensors, nodes };
}
