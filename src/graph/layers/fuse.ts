/**
 * Layers: the graph as the chip sees it. Each matrix op takes the bias add, scalar scale, activation
 * function and pooling that follow it, as the TPU's activation pipeline applies them on the way out
 * of the accumulators (`fuse`); the result is a list of logical ops on the graph's tensors, in the
 * graph's layout. The compiler lowers these layers and the analytical model times them, so both see
 * the same layers.
 */
import type { Graph, GraphNode } from '../types.js';
import { GraphError } from '../errors.js';
import { fuseNode, isParameter } from './fusion-rules.js';
import type { LogicalOp, LogicalProgram } from './logical-ops.js';

export {
  ctxOf,
  isParameter,
  num,
  FUSION_RULES,
  UNFUSED_OPS,
  fuseNode,
  type FusionInput,
  type FusionResult,
  type FusionRule,
} from './fusion-rules.js';

export * from './logical-ops.js';

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
  // Transposed parameters (tied output embeddings) are read transposed by the matmul that uses them.
  const transposedParameters = new Map<string, string>();
  for (const node of graph.nodes) {
    const x = graph.tensors[node.inputs[0] ?? ''];
    if (node.op !== 'Transpose' || !isParameter(x) || x!.shape.length !== 2) continue;
    const users = uses.get(node.outputs[0]!) ?? [];
    if (
      users.length > 0 &&
      users.every((u) => u.op === 'MatMul' && u.inputs[1] === node.outputs[0] && u.inputs[0] !== node.outputs[0])
    ) {
      transposedParameters.set(node.outputs[0]!, node.inputs[0]!);
      absorbed.add(node.name);
    }
  }

  for (const node of graph.nodes) {
    if (absorbed.has(node.name)) continue;
    const result = fuseNode({ graph, node, onlyUser, transposedParameters, lenient: options.lenient ?? false });
    if (result.ok) {
      ops.push(result.layer);
      // The nodes after the first are the epilogue the layer absorbed.
      for (const name of result.layer.nodes.slice(1)) absorbed.add(name);
    } else if (options.lenient) {
      // Lenient (the analytical model): a node the chip cannot run as a layer becomes an opaque one.
      ops.push({
        kind: 'opaque',
        name: node.name,
        nodes: [node.name],
        out: node.outputs[0]!,
        node: node.name,
        why: result.reason,
      });
    } else {
      throw new GraphError('unsupported', result.reason);
    }
  }
  return { graph, ops };
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
