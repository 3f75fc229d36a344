/**
 * Graph outputs the chip does not compute with an op of its own.
 *
 *   bindConstantOutputs   an output whose value is known without running the model (Dropout's mask, which
 *                         is all true in inference; Shape's result, folded at import) becomes a constant
 *                         the program copies to the host                                  Graph -> Graph
 *   checkOutputs          every other output must be a graph input or written by a logical op; one that is
 *                         not (LayerNormalization's Mean and InvStdDev) is refused, naming the op, the
 *                         node and the output, instead of failing inside `lower`
 */
import type { LogicalProgram } from '../graph/layers/fuse.js';
import { elementCount, type Graph, type GraphTensor } from '../graph/types.js';
import { CompileError } from './errors.js';

/** True for a tensor whose values are known at compile time. */
export function isConstantOutput(t: GraphTensor | undefined): boolean {
  return t !== undefined && t.kind === 'constant' && t.data !== undefined;
}

/** Dropout's mask (output 1): the importer refuses dropout that drops anything, so every element is kept. */
export function bindConstantOutputs(graph: Graph): Graph {
  const masks = graph.nodes.flatMap((n) =>
    n.op === 'Dropout' && n.outputs[1] && graph.outputs.includes(n.outputs[1]) ? [n.outputs[1]] : [],
  );
  if (masks.length === 0) return graph;
  const tensors = { ...graph.tensors };
  for (const name of masks) {
    const t = graph.tensors[name]!;
    tensors[name] = { ...t, kind: 'constant', data: new Float64Array(elementCount(t.shape)).fill(1) };
  }
  const nodes = graph.nodes.map((n) =>
    n.op === 'Dropout' && masks.includes(n.outputs[1]!) ? { ...n, outputs: n.outputs.slice(0, 1) } : n,
  );
  return { ...graph, tensors, nodes };
}

/** Refuses a graph output that no logical op writes and that is neither a graph input nor a constant. */
export function checkOutputs(program: LogicalProgram): void {
  const { graph } = program;
  const written = new Set(program.ops.map((op) => op.out));
  for (const name of graph.outputs) {
    if (written.has(name) || graph.inputs.includes(name) || isConstantOutput(graph.tensors[name])) continue;
    const node = graph.nodes.find((n) => n.outputs.includes(name));
    if (!node) throw new CompileError('unsupported', `graph output '${name}' is written by no node the chip runs`);
    const index = node.outputs.indexOf(name);
    const computed = node.outputs.filter((o) => written.has(o)).map((o) => `'${o}'`);
    throw new CompileError(
      'unsupported',
      `node '${node.name}' (${node.op}): output ${index} '${name}' is a graph output, but the chip computes only ` +
        `${computed.length > 0 ? computed.join(', ') : 'its first output'} of this op; drop '${name}' from the ` +
        `graph outputs`,
    );
  }
}
