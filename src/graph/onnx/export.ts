/**
 * tpusim graphs to ONNX models, so tests and benchmarks can hand real .onnx files to other runtimes. Ops
 * keep their ONNX names; attributes that later opsets take as inputs (Squeeze axes, Clip bounds, ...) move
 * to inputs or back as the opset asks. Weights without values can be filled with seeded random ones.
 */
import { createRng, type Rng } from '../../core/rng.js';
import { GraphError } from '../errors.js';
import {
  TENSOR_DTYPES,
  type AttrValue,
  type Graph,
  type GraphNode,
  type GraphTensor,
  type TensorDType,
} from '../types.js';
import { isFloatDType, onnxDataType, TYPE_CODE_ATTRIBUTES } from './onnx-dtype.js';
import {
  makeTensor,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-model.js';
import { dataTypeCode } from './onnx-tensor.js';
import { randomValues } from './random-weights.js';

export interface GraphToOnnxOptions {
  /** Default-domain opset, from 13 (Softmax over one axis, Squeeze axes as input) to 22 (IR version 10). */
  readonly opset?: number;
  /**
   * Where initializer values come from: the graph ('data', the default), or seeded random values for tensors without
   * data.
   */
  readonly weights?: 'data' | 'random';
  readonly seed?: number;
}

export const MIN_EXPORT_OPSET = 13;
export const MAX_EXPORT_OPSET = 22;

/** ONNX IR version of each opset range (onnx/docs/Versioning.md, "Released Versions"). */
function irVersion(opset: number): number {
  return opset >= 21 ? 10 : opset >= 19 ? 9 : opset >= 15 ? 8 : 7;
}

/** tpusim ops with no ONNX operator up to opset 22 (ONNX 23's Attention and RMSNormalization differ in form). */
const TPUSIM_ONLY: ReadonlySet<string> = new Set(['Attention', 'MoE', 'RMSNormalization', 'Silu']);

/** ONNX operators newer than MIN_EXPORT_OPSET, with the opset that introduced them. */
const INTRODUCED_IN: Readonly<Record<string, number>> = { LayerNormalization: 17, Gelu: 20 };

/** Attributes written as ONNX floats even when the value is whole (epsilon: 1 is still a float). */
const FLOAT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'alpha',
  'beta',
  'epsilon',
  'momentum',
  'scale',
  'min',
  'max',
  'value_float',
  'gamma',
  'lambd',
  'bias',
]);

interface AttributeInput {
  readonly attr: string;
  readonly index: number;
  /** The opset from which ONNX takes the value as an input. */
  readonly since: number;
  /** axes are int64 lists; Clip bounds are scalars of the input's type. */
  readonly scalar?: true;
}

const AXES_INPUT = (since: number): AttributeInput[] => [{ attr: 'axes', index: 1, since }];
const ATTRIBUTE_INPUTS: Readonly<Record<string, readonly AttributeInput[]>> = {
  Squeeze: AXES_INPUT(13),
  Unsqueeze: AXES_INPUT(13),
  ReduceSum: AXES_INPUT(13),
  ReduceMean: AXES_INPUT(18),
  ReduceMax: AXES_INPUT(18),
  Clip: [
    { attr: 'min', index: 1, since: 11, scalar: true },
    { attr: 'max', index: 2, since: 11, scalar: true },
  ],
};

export function graphToOnnx(graph: Graph, options: GraphToOnnxOptions = {}): OnnxModel {
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < MIN_EXPORT_OPSET || opset > MAX_EXPORT_OPSET) {
    throw new GraphError(
      'bad_option',
      `opset ${opset} is outside the ${MIN_EXPORT_OPSET} to ${MAX_EXPORT_OPSET} tpusim exports`,
    );
  }
  checkOps(graph, opset);
  const extra: OnnxTensor[] = [];
  const nodes = graph.nodes.map((n) => onnxNode(graph, n, opset, extra));
  const used = new Set([...graph.outputs, ...nodes.flatMap((n) => n.inputs)]);
  const rng = createRng(options.seed ?? 0);
  const initializers = Object.values(graph.tensors)
    .filter((t) => t.kind !== 'input' && t.kind !== 'activation' && used.has(t.name))
    .map((t) =>
      makeTensor(t.name, onnxDataType(t.dtype), t.shape, valuesFor(graph, t, options.weights ?? 'data', rng)),
    );
  const info = (name: string): OnnxValueInfo => {
    const t = graph.tensors[name]!;
    return { name, elemType: onnxDataType(t.dtype), shape: [...t.shape] };
  };
  return {
    irVersion: irVersion(opset),
    opsetImports: [{ domain: '', version: opset }],
    producerName: 'tpusim',
    graph: {
      name: graph.name,
      nodes,
      initializers: [...initializers, ...extra],
      inputs: graph.inputs.map(info),
      outputs: graph.outputs.map(info),
      valueInfo: [],
    },
  };
}

function checkOps(graph: Graph, opset: number): void {
  const only = graph.nodes.filter((n) => TPUSIM_ONLY.has(n.op));
  if (only.length > 0) {
    const ops = [...new Set(only.map((n) => n.op))].join(', ');
    const some = only
      .slice(0, 3)
      .map((n) => `'${n.name}'`)
      .join(', ');
    throw new GraphError(
      'not_onnx',
      `graph '${graph.name}' uses tpusim ops with no ONNX operator: ${ops} (${only.length} nodes, e.g. ${some})`,
    );
  }
  const newer = graph.nodes.find((n) => (INTRODUCED_IN[n.op] ?? 0) > opset);
  if (newer)
    throw new GraphError(
      'bad_option',
      `node '${newer.name}' (${newer.op}) needs opset ${INTRODUCED_IN[newer.op]} or newer; exporting opset ${opset}`,
    );
}

function valuesFor(graph: Graph, t: GraphTensor, weights: 'data' | 'random', rng: Rng): ArrayLike<number> {
  if (t.data) return t.data;
  if (weights === 'random' && t.kind !== 'constant' && isFloatDType(t.dtype)) return randomValues(graph, t.name, rng);
  const hint = t.kind === 'constant' || !isFloatDType(t.dtype) ? '' : "; export with weights: 'random' to fill it";
  throw new GraphError('no_values', `${t.kind} '${t.name}' (${t.dtype}) has no values to write${hint}`);
}

function onnxNode(graph: Graph, node: GraphNode, opset: number, extra: OnnxTensor[]): OnnxNode {
  const attrs: Record<string, AttrValue> = { ...node.attrs };
  const inputs = [...node.inputs];
  for (const spec of ATTRIBUTE_INPUTS[node.op] ?? []) {
    const value = attrs[spec.attr];
    if (opset >= spec.since && value !== undefined) {
      const name = `${node.name}.${spec.attr}`;
      const values = typeof value === 'number' ? [value] : (value as readonly number[]);
      const dtype = spec.scalar ? onnxDataType(graph.tensors[node.inputs[0]!]!.dtype) : 'int64';
      extra.push(makeTensor(name, dtype, spec.scalar ? [] : [values.length], values));
      while (inputs.length < spec.index) inputs.push('');
      inputs[spec.index] = name;
      delete attrs[spec.attr];
    } else if (opset < spec.since && inputs[spec.index]) {
      const t = graph.tensors[inputs[spec.index]!];
      if (!t?.data)
        throw new GraphError(
          'bad_node',
          `node '${node.name}' (${node.op}) takes ${spec.attr} from '${inputs[spec.index]}', which opset ` +
            `${opset} needs as a constant attribute`,
        );
      attrs[spec.attr] = spec.scalar ? t.data[0]! : Array.from(t.data);
      inputs[spec.index] = '';
    }
  }
  while (inputs.at(-1) === '') inputs.pop();
  const attributes = Object.entries(attrs).map(([name, value]) => onnxAttribute(node, name, value));
  return { name: node.name, opType: node.op, domain: '', inputs, outputs: node.outputs, attributes };
}

function onnxAttribute(node: GraphNode, name: string, value: AttrValue): OnnxAttribute {
  if (TYPE_CODE_ATTRIBUTES[node.op] === name) {
    if (!TENSOR_DTYPES.includes(value as TensorDType))
      throw new GraphError(
        'bad_node',
        `node '${node.name}' (${node.op}) has ${name}=${JSON.stringify(value)}, not a tpusim type (` +
          `${TENSOR_DTYPES.join(', ')})`,
      );
    return { name, type: 'int', value: dataTypeCode(onnxDataType(value as TensorDType)) };
  }
  if (typeof value === 'string') return { name, type: 'string', value };
  const float = FLOAT_ATTRIBUTES.has(name);
  if (typeof value === 'number') return { name, type: float || !Number.isInteger(value) ? 'float' : 'int', value };
  if (value.length > 0 && value.every((v) => typeof v === 'string')) return { name, type: 'strings', value };
  const numbers = value as readonly number[];
  return { name, type: float || !numbers.every(Number.isInteger) ? 'floats' : 'ints', value: numbers };
}
