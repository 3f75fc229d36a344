/**
 * The fp32 reference executor: runs a graph op by op with each op's `evaluate` (plain loops, values
 * rounded to fp32 per op). It calibrates int8 scales and checks importers; it is not fast.
 */
import { GraphError } from './errors.js';
import { opDef } from './ops/registry.js';
import { elementCount, type Graph } from './types.js';

export interface EvaluateOptions {
  /** Keep every tensor's values (for calibration), not only the outputs. */
  readonly keepAll?: boolean;
}

export function evaluateGraph(
  graph: Graph,
  inputs: Readonly<Record<string, ArrayLike<number>>>,
  options: EvaluateOptions = {},
): Map<string, Float64Array> {
  const values = new Map<string, Float64Array>();
  for (const name of graph.inputs) {
    const t = graph.tensors[name]!;
    const given = inputs[name];
    if (!given)
      throw new GraphError('missing_input', `graph input '${name}' has no value (inputs: ${graph.inputs.join(', ')})`);
    if (given.length !== elementCount(t.shape))
      throw new GraphError(
        'bad_input',
        `input '${name}' has ${given.length} values, its shape (${t.shape.join(', ')}) needs ${elementCount(t.shape)}`,
      );
    values.set(name, Float64Array.from(given, Math.fround));
  }
  const remaining = new Map<string, number>();
  for (const node of graph.nodes) for (const t of node.inputs) if (t) remaining.set(t, (remaining.get(t) ?? 0) + 1);
  const tensorValue = (name: string, node: string): Float64Array => {
    const known = values.get(name);
    if (known) return known;
    const t = graph.tensors[name];
    if (!t?.data)
      throw new GraphError(
        'no_values',
        `node '${node}' reads '${name}', which has no values (a model without weights can be timed, not evaluated)`,
      );
    return Float64Array.from(t.data);
  };
  for (const node of graph.nodes) {
    const def = opDef(node.op);
    if (!def?.evaluate)
      throw new GraphError('not_evaluable', `node '${node.name}' (${node.op}) has no reference semantics in tpusim`);
    const inputsOf = node.inputs.map((n) => (n ? tensorValue(n, node.name) : undefined));
    const ctx = { node, inputs: node.inputs.map((n) => (n ? graph.tensors[n] : undefined)) };
    const outs = def.evaluate(
      ctx,
      inputsOf,
      node.outputs.map((o) => graph.tensors[o]!),
    );
    node.outputs.forEach((o, i) => o && values.set(o, outs[i]!));
    if (!options.keepAll) {
      for (const t of node.inputs) {
        if (!t) continue;
        const left = remaining.get(t)! - 1;
        remaining.set(t, left);
        if (left === 0 && !graph.outputs.includes(t)) values.delete(t);
      }
    }
  }
  if (options.keepAll) return values;
  return new Map(graph.outputs.map((o) => [o, values.get(o) ?? tensorValue(o, 'output')]));
}
