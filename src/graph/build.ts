/**
 * Building graphs: a builder for code that constructs models (the zoo, the Hugging Face importer), and
 * shape inference with constant folding for importers that bring nodes and initializers (ONNX).
 */
import { GraphError } from './errors.js';
import { ShapeError, UnsupportedError, type OpContext, type TensorType } from './ops/op.js';
import { opDef, unsupportedOpMessage } from './ops/registry.js';
import {
  elementCount,
  type AttrValue,
  type Graph,
  type GraphNode,
  type GraphSource,
  type GraphTensor,
  type TensorDType,
} from './types.js';

/** Constants up to this many elements are folded when all of a node's inputs are known. */
const FOLD_LIMIT = 1 << 16;

function context(node: GraphNode, tensors: ReadonlyMap<string, GraphTensor>): OpContext {
  return {
    node,
    inputs: node.inputs.map((name) => {
      if (name === '') return undefined;
      const t = tensors.get(name);
      if (!t)
        throw new GraphError(
          'unknown_tensor',
          `node '${node.name}' (${node.op}) reads '${name}', which nothing produces`,
        );
      return t;
    }),
  };
}

/**
 * Infers every node's outputs in order, folding nodes whose inputs are all small constants into
 * constants (ONNX exports compute shapes with Shape/Gather/Concat chains). Errors name the node.
 */
export function inferGraph(
  name: string,
  tensors: readonly GraphTensor[],
  inputs: readonly string[],
  outputs: readonly string[],
  nodes: readonly GraphNode[],
  source?: GraphSource,
): Graph {
  const table = new Map(tensors.map((t) => [t.name, t]));
  const kept: GraphNode[] = [];
  for (const node of nodes) {
    const def = opDef(node.op);
    if (!def) throw new GraphError('unsupported_op', `node '${node.name}': ${unsupportedOpMessage(node.op)}`);
    const ctx = context(node, table);
    let types: TensorType[];
    try {
      types = def.infer(ctx);
    } catch (error) {
      if (error instanceof ShapeError)
        throw new GraphError(
          error instanceof UnsupportedError ? 'unsupported' : 'bad_node',
          `node '${node.name}' (${node.op}): ${error.message}`,
        );
      throw error;
    }
    // Shape reads only the (static) shape, so it always folds; others fold when all inputs are constants.
    const constantInputs =
      node.op === 'Shape' || ctx.inputs.every((t) => !t || (t.data !== undefined && t.kind === 'constant'));
    const foldable = def.evaluate && constantInputs && types.every((t) => elementCount(t.shape) <= FOLD_LIMIT);
    if (foldable && ctx.inputs.some((t) => t)) {
      const values = def.evaluate!(
        ctx,
        ctx.inputs.map((t) => (t?.data ? Float64Array.from(t.data) : undefined)),
        types,
      );
      node.outputs.forEach((out, i) =>
        table.set(out, {
          name: out,
          dtype: types[i]!.dtype,
          shape: types[i]!.shape,
          kind: 'constant',
          data: values[i]!,
        }),
      );
      continue;
    }
    node.outputs.forEach((out, i) => {
      if (!out) return;
      const type = types[i];
      if (!type) throw new GraphError('bad_node', `node '${node.name}' (${node.op}) has no output ${i}`);
      table.set(out, { name: out, dtype: type.dtype, shape: type.shape, kind: 'activation' });
    });
    kept.push(node);
  }
  for (const out of outputs)
    if (!table.has(out)) throw new GraphError('unknown_tensor', `graph output '${out}' is produced by no node`);
  // Keep only tensors something uses.
  const used = new Set([...inputs, ...outputs, ...kept.flatMap((n) => [...n.inputs, ...n.outputs])]);
  const kept_tensors = Object.fromEntries([...table].filter(([n]) => used.has(n)));
  return { schemaVersion: 1, name, tensors: kept_tensors, inputs, outputs, nodes: kept, ...(source ? { source } : {}) };
}

/** Incremental construction with shapes inferred as nodes are added. */
export class GraphBuilder {
  private readonly tensors = new Map<string, GraphTensor>();
  private readonly nodes: GraphNode[] = [];
  private readonly inputNames: string[] = [];
  private counter = 0;

  constructor(
    readonly name: string,
    readonly dtype: TensorDType = 'fp32',
  ) {}

  private unique(base: string): string {
    let name = base;
    while (this.tensors.has(name)) name = `${base}_${++this.counter}`;
    return name;
  }

  input(name: string, shape: readonly number[], dtype: TensorDType = this.dtype): string {
    const n = this.unique(name);
    this.tensors.set(n, { name: n, dtype, shape, kind: 'input' });
    this.inputNames.push(n);
    return n;
  }

  /** A parameter (or, with kind 'state', a non-trained buffer); `data` only when values are known. */
  weight(
    name: string,
    shape: readonly number[],
    data?: ArrayLike<number>,
    dtype: TensorDType = this.dtype,
    kind: 'weight' | 'state' = 'weight',
  ): string {
    const n = this.unique(name);
    this.tensors.set(n, data ? { name: n, dtype, shape, kind, data } : { name: n, dtype, shape, kind });
    return n;
  }

  constant(name: string, values: readonly number[], dtype: TensorDType = 'int64'): string {
    const n = this.unique(name);
    this.tensors.set(n, { name: n, dtype, shape: [values.length], kind: 'constant', data: Float64Array.from(values) });
    return n;
  }

  /** Adds a node and returns its first output's name. */
  add(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, name?: string): string {
    return this.addMany(op, inputs, attrs, 1, name)[0]!;
  }

  addMany(
    op: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue>,
    outputs: number,
    name?: string,
  ): string[] {
    const nodeName = name ?? `${op.toLowerCase()}_${this.nodes.length}`;
    const node: GraphNode = {
      name: nodeName,
      op,
      inputs,
      outputs: Array.from({ length: outputs }, (_, i) => this.unique(outputs === 1 ? nodeName : `${nodeName}_${i}`)),
      attrs,
    };
    const def = opDef(op);
    if (!def) throw new GraphError('unsupported_op', `node '${nodeName}': ${unsupportedOpMessage(op)}`);
    let types: TensorType[];
    try {
      types = def.infer(context(node, this.tensors));
    } catch (error) {
      if (error instanceof ShapeError) throw new GraphError('bad_node', `node '${nodeName}' (${op}): ${error.message}`);
      throw error;
    }
    node.outputs.forEach((out, i) =>
      this.tensors.set(out, { name: out, dtype: types[i]!.dtype, shape: types[i]!.shape, kind: 'activation' }),
    );
    this.nodes.push(node);
    return [...node.outputs];
  }

  shape(tensor: string): readonly number[] {
    const t = this.tensors.get(tensor);
    if (!t) throw new GraphError('unknown_tensor', `no tensor '${tensor}'`);
    return t.shape;
  }

  build(outputs: readonly string[], source?: GraphSource): Graph {
    return {
      schemaVersion: 1,
      name: this.name,
      tensors: Object.fromEntries(this.tensors),
      inputs: [...this.inputNames],
      outputs,
      nodes: [...this.nodes],
      ...(source ? { source } : {}),
    };
  }
}
