/**
 * Ops the vector unit has no instruction for, rewritten as ones it has, before `simplify`:
 * HardSigmoid as max(0, min(1, alpha x + beta)) and HardSwish as x HardSigmoid(x) (MobileNetV3) with
 * scalar constants; a Pad that adds nothing (Swin pads to whole windows, often by zero) as Identity;
 * Expand of a parameter to a constant shape (ViT's class token) as the expanded parameter.
 */
import { opDef } from '../ops/registry.js';
import type { Graph, GraphNode, GraphTensor } from '../types.js';
import { ctxOf, isParameter, num } from './fuse.js';

interface Rewrite {
  readonly nodes: GraphNode[];
  readonly tensors: GraphTensor[];
}

/** max(0, min(1, alpha x + beta)) of `x` into `out`, and x times that when `swish`. */
function hardActivation(graph: Graph, node: GraphNode, swish: boolean): Rewrite {
  const x = node.inputs[0]!;
  const out = graph.tensors[node.outputs[0]!]!;
  const [alpha, beta] = swish ? [1 / 6, 0.5] : [num(node.attrs['alpha'], 0.2), num(node.attrs['beta'], 0.5)];
  const name = (suffix: string): string => `${node.name}/${suffix}`;
  const scalar = (suffix: string, value: number): GraphTensor => ({
    name: name(suffix),
    dtype: 'fp32',
    shape: [],
    kind: 'constant',
    data: [value],
  });
  const temp = (suffix: string): GraphTensor => ({
    name: name(suffix),
    dtype: out.dtype,
    shape: out.shape,
    kind: 'activation',
  });
  const constants = [scalar('alpha', alpha), scalar('beta', beta), scalar('zero', 0), scalar('one', 1)];
  const steps = ['scaled', 'shifted', 'floored', ...(swish ? ['gate'] : [])].map(temp);
  const gate = swish ? steps[3]!.name : out.name;
  const op = (suffix: string, kind: string, inputs: string[], output: string): GraphNode => ({
    name: name(suffix),
    op: kind,
    inputs,
    outputs: [output],
    attrs: {},
  });
  const nodes = [
    op('Mul', 'Mul', [x, constants[0]!.name], steps[0]!.name),
    op('Add', 'Add', [steps[0]!.name, constants[1]!.name], steps[1]!.name),
    op('Max', 'Max', [steps[1]!.name, constants[2]!.name], steps[2]!.name),
    op('Min', 'Min', [steps[2]!.name, constants[3]!.name], gate),
    ...(swish ? [op('Gate', 'Mul', [x, gate], out.name)] : []),
  ];
  return { nodes, tensors: [...constants, ...steps] };
}

function rewrite(graph: Graph, node: GraphNode): Rewrite | undefined {
  if (node.op === 'HardSigmoid' || node.op === 'HardSwish') return hardActivation(graph, node, node.op === 'HardSwish');
  const second = graph.tensors[node.inputs[1] ?? ''];
  if (node.op === 'Pad' && second?.data && Array.from(second.data).every((p) => p === 0)) {
    return { nodes: [{ ...node, op: 'Identity', inputs: [node.inputs[0]!], attrs: {} }], tensors: [] };
  }
  const x = graph.tensors[node.inputs[0]!];
  if (node.op === 'Expand' && isParameter(x) && second?.data) {
    const out = graph.tensors[node.outputs[0]!]!;
    const data = x!.data
      ? opDef('Expand')!.evaluate!(
          ctxOf(graph, node),
          [Float64Array.from(x!.data), Float64Array.from(second.data)],
          [out],
        )[0]
      : undefined;
    return {
      nodes: [],
      tensors: [
        {
          name: out.name,
          dtype: out.dtype,
          shape: out.shape,
          kind: x!.kind === 'constant' ? 'constant' : 'weight',
          ...(data ? { data } : {}),
        },
      ],
    };
  }
  return undefined;
}

/** The graph with the rewrites above; the graph itself when none applies. */
export function decomposeForChip(graph: Graph): Graph {
  const rewrites = new Map(
    graph.nodes.flatMap((n) => {
      const r = rewrite(graph, n);
      return r ? [[n.name, r] as const] : [];
    }),
  );
  if (rewrites.size === 0) return graph;
  const tensors: Record<string, GraphTensor> = { ...graph.tensors };
  for (const r of rewrites.values()) for (const t of r.tensors) tensors[t.name] = t;
  return { ...graph, tensors, nodes: graph.nodes.flatMap((n) => rewrites.get(n.name)?.nodes ?? [n]) };
}
