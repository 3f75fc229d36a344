/**
 * Pass `simplify`: the graph, minus what the chip need not compute. Identity and Dropout nodes go;
 * batch normalization after a convolution folds into its weights; a parameter's rows at constant
 * indices (position embeddings) become a parameter.
 */
import type { Graph, GraphNode, GraphTensor } from '../types.js';
import { elementCount } from '../types.js';
import { opDef } from '../ops/registry.js';
import { consumers, ctxOf, isParameter, num } from './fuse.js';
import { decomposeForChip } from './decompose.js';

/**
 * Pass `simplify`: Identity and Dropout removed; BatchNormalization after a convolution (whose output
 * nothing else reads) folded into its weights and bias: w' = w g / sqrt(v + eps), b' = (b - mean) g /
 * sqrt(v + eps) + beta, computed in float64 then rounded to fp32. Without weight values only the shapes fold.
 */
export function simplify(input: Graph): Graph {
  const graph = decomposeForChip(input);
  // Copied on the first change: a large record costs milliseconds to build.
  let tensors: Record<string, GraphTensor> | undefined;
  const put = (t: GraphTensor): void => {
    (tensors ??= { ...graph.tensors })[t.name] = t;
  };
  const rename = new Map<string, string>();
  const resolve = (t: string): string => rename.get(t) ?? t;
  const uses = consumers(graph);
  const nodes: GraphNode[] = [];
  const dropped = new Set<string>();
  for (const raw of graph.nodes) {
    if (dropped.has(raw.name)) continue;
    const node: GraphNode = { ...raw, inputs: raw.inputs.map((t) => (t ? resolve(t) : t)) };
    if ((node.op === 'Identity' || node.op === 'Dropout') && !graph.outputs.includes(node.outputs[0]!)) {
      rename.set(node.outputs[0]!, node.inputs[0]!);
      continue;
    }
    if (node.op === 'Gather' && isParameter(graph.tensors[node.inputs[0]!]) && graph.tensors[node.inputs[1]!]?.data) {
      // A parameter's rows at constant indices (position embeddings) is itself a parameter.
      const table = graph.tensors[node.inputs[0]!]!;
      const out = graph.tensors[node.outputs[0]!]!;
      const ctx = ctxOf({ ...graph, tensors: tensors ?? graph.tensors }, node);
      const data = table.data
        ? opDef('Gather')!.evaluate!(
            ctx,
            [Float64Array.from(table.data), Float64Array.from(graph.tensors[node.inputs[1]!]!.data!)],
            [out],
          )[0]
        : undefined;
      put({
        name: out.name,
        dtype: out.dtype,
        shape: out.shape,
        kind: table.kind === 'constant' ? 'constant' : 'weight',
        ...(data ? { data } : {}),
      });
      continue;
    }
    if (node.op === 'Conv') {
      const next = uses.get(node.outputs[0]!) ?? [];
      const bn =
        next.length === 1 && next[0]!.op === 'BatchNormalization' && !graph.outputs.includes(node.outputs[0]!)
          ? next[0]!
          : undefined;
      if (bn && bn.inputs.length === 5 && bn.inputs.slice(1, 5).every((t) => isParameter(graph.tensors[t]))) {
        const folded = foldBatchNorm(graph, node, bn);
        for (const t of folded.tensors) put(t);
        nodes.push(folded.node);
        dropped.add(bn.name);
        continue;
      }
    }
    nodes.push(node);
  }
  const outputs = graph.outputs.map(resolve);
  const used = new Set<string>(graph.inputs);
  for (const t of outputs) used.add(t);
  for (const n of nodes) {
    for (const t of n.inputs) used.add(t);
    for (const t of n.outputs) used.add(t);
  }
  return { ...graph, tensors: keepUsed(tensors ?? graph.tensors, used), outputs, nodes };
}

/** `tensors` less those not `used`: the record itself when it loses none. */
function keepUsed(tensors: Graph['tensors'], used: ReadonlySet<string>): Graph['tensors'] {
  const names = Object.keys(tensors);
  if (names.every((name) => used.has(name))) return tensors;
  const kept: Record<string, GraphTensor> = {};
  for (const name of names) if (used.has(name)) kept[name] = tensors[name]!;
  return kept;
}

function foldBatchNorm(graph: Graph, conv: GraphNode, bn: GraphNode): { node: GraphNode; tensors: GraphTensor[] } {
  const w = graph.tensors[conv.inputs[1]!]!;
  const b = conv.inputs[2] ? graph.tensors[conv.inputs[2]] : undefined;
  const [gamma, beta, mean, variance] = bn.inputs.slice(1, 5).map((t) => graph.tensors[t]!);
  const eps = num(bn.attrs['epsilon'], 1e-5);
  const channels = w.shape[0]!;
  const perChannel = elementCount(w.shape) / channels;
  const wName = `${conv.name}.weight_bn`;
  const bName = `${conv.name}.bias_bn`;
  const known = [w, gamma!, beta!, mean!, variance!].every((t) => t.data) && (!b || b.data);
  let wData: Float64Array | undefined;
  let bData: Float64Array | undefined;
  if (known) {
    wData = new Float64Array(elementCount(w.shape));
    bData = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      const factor = gamma!.data![c]! / Math.sqrt(variance!.data![c]! + eps);
      for (let i = 0; i < perChannel; i++)
        wData[c * perChannel + i] = Math.fround(w.data![c * perChannel + i]! * factor);
      bData[c] = Math.fround(((b?.data?.[c] ?? 0) - mean!.data![c]!) * factor + beta!.data![c]!);
    }
  }
  const tensors: GraphTensor[] = [
    { name: wName, dtype: w.dtype, shape: w.shape, kind: 'weight', ...(wData ? { data: wData } : {}) },
    { name: bName, dtype: w.dtype, shape: [channels], kind: 'weight', ...(bData ? { data: bData } : {}) },
  ];
  return {
    node: { ...conv, inputs: [conv.inputs[0]!, wName, bName], outputs: [bn.outputs[0]!], name: conv.name },
    tensors,
  };
}
