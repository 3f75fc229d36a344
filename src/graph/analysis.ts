/**
 * What a graph costs, op by op: parameters, matrix work (GEMMs), other arithmetic, and the bytes each op
 * reads and writes. A MAC counts as 2 FLOPs.
 */
import { GraphError } from './errors.js';
import { opDef } from './ops/registry.js';
import type { Gemm, OpContext, OpKind, TensorType } from './ops/op.js';
import { elementCount, tensorBytes, type Graph, type GraphNode } from './types.js';

export interface NodeCost {
  readonly node: string;
  readonly op: string;
  readonly kind: OpKind;
  readonly gemms: readonly Gemm[];
  readonly macs: number;
  readonly vectorOps: number;
  /** 2 x MACs + vector ops. */
  readonly flops: number;
  readonly weightBytes: number;
  readonly activationBytesRead: number;
  readonly bytesWritten: number;
}

export function nodeContext(graph: Graph, node: GraphNode): OpContext {
  return { node, inputs: node.inputs.map((n) => (n === '' ? undefined : graph.tensors[n])) };
}

export function nodeCost(graph: Graph, node: GraphNode): NodeCost {
  const def = opDef(node.op);
  if (!def) throw new GraphError('unsupported_op', `node '${node.name}': unsupported op ${node.op}`);
  const ctx = nodeContext(graph, node);
  const outputs: TensorType[] = node.outputs.map((o) => graph.tensors[o]!);
  const gemms = def.gemms?.(ctx, outputs) ?? [];
  const macs = gemms.reduce((s, g) => s + g.batch * g.m * g.n * g.k, 0);
  const vectorOps = def.vectorOps?.(ctx, outputs) ?? 0;
  const moves = def.kind !== 'layout';
  let weightBytes = 0;
  let activationBytesRead = 0;
  for (const t of ctx.inputs) {
    if (!t || !moves) continue;
    if (t.kind === 'weight' || t.kind === 'state') weightBytes += tensorBytes(t);
    else if (t.kind !== 'constant') activationBytesRead += tensorBytes(t);
  }
  return {
    node: node.name,
    op: node.op,
    kind: def.kind,
    gemms,
    macs,
    vectorOps,
    flops: 2 * macs + vectorOps,
    weightBytes,
    activationBytesRead,
    bytesWritten: moves ? outputs.reduce((s, t) => s + tensorBytes(t), 0) : 0,
  };
}

export interface GraphSummary {
  readonly parameters: number;
  readonly parameterBytes: number;
  readonly macs: number;
  readonly flops: number;
  readonly nodes: number;
  readonly byOp: Readonly<Record<string, { count: number; flops: number }>>;
}

export function parameterCount(graph: Graph): number {
  return Object.values(graph.tensors).reduce((s, t) => s + (t.kind === 'weight' ? elementCount(t.shape) : 0), 0);
}

export function summarizeGraph(graph: Graph): GraphSummary {
  const byOp: Record<string, { count: number; flops: number }> = {};
  let macs = 0;
  let flops = 0;
  for (const node of graph.nodes) {
    const c = nodeCost(graph, node);
    macs += c.macs;
    flops += c.flops;
    const entry = (byOp[node.op] ??= { count: 0, flops: 0 });
    entry.count++;
    entry.flops += c.flops;
  }
  const weights = Object.values(graph.tensors).filter((t) => t.kind === 'weight' || t.kind === 'state');
  return {
    parameters: parameterCount(graph),
    parameterBytes: weights.reduce((s, t) => s + tensorBytes(t), 0),
    macs,
    flops,
    nodes: graph.nodes.length,
    byOp,
  };
}
