/**
 * ONNX models to tpusim graphs: initializers become weights and constants, Constant and ConstantOfShape
 * nodes become constant tensors, symbolic input dimensions take values from the options, and shapes are
 * inferred (and shape computations folded) by inferGraph. Every problem is an issue whose path names the
 * file and the place in it (`model.onnx:graph.node[3]`); nothing throws on a bad file.
 */
import { issue, type Issue, type Result } from '../../core/errors.js';
import { inferGraph } from '../build.js';
import { GraphError } from '../errors.js';
import { ShapeError } from '../ops/op.js';
import { opDef, unsupportedOpMessage } from '../ops/registry.js';
import {
  elementCount,
  type AttrValue,
  type Graph,
  type GraphNode,
  type GraphTensor,
  type TensorDType,
  type TensorKind,
} from '../types.js';
import { isFloatDType, SUPPORTED_ONNX_TYPES, tpusimDType, TYPE_CODE_ATTRIBUTES } from './onnx-dtype.js';
import {
  decodeOnnx,
  makeTensor,
  tensorValues,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-model.js';
import { dataTypeOf } from './onnx-tensor.js';
import { externalDataRef, withExternalData, type ExternalDataReader } from './external-data.js';
import { fuseLayerNormChains } from './layer-norm-pattern.js';
import { fuseRmsNormChains } from './rms-norm-pattern.js';

export interface ImportOnnxOptions {
  /** Names the file in issues and in the graph's source. */
  readonly fileName?: string;
  /** The first dimension of every input whose file leaves it symbolic or unknown (default 1). */
  readonly batch?: number;
  /**
   * The second dimension of every input whose file leaves it symbolic or unknown (a sequence length, as
   * torch and Optimum export transformers: (batch, sequence, ...)); without it such a dimension is an issue.
   */
  readonly seq?: number;
  /** Values of named symbolic dimensions (dim_param), e.g. { sequence: 128 }. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Reads tensors stored outside the model (external data); without it their values cannot be read. */
  readonly readExternalData?: ExternalDataReader;
  /**
   * 'values' (the default) reads every tensor's values. 'shapes' is for timing only: a tensor stored in
   * external data keeps its dims and type but is not read, unless shape inference may need its values.
   */
  readonly weights?: 'values' | 'shapes';
}

/** The oldest default-domain opset read: from 11 on, Clip, Pad and Resize take their bounds as inputs. */
export const MIN_ONNX_OPSET = 11;

type ParameterKind = 'weight' | 'state';

/**
 * What float initializers are to the ops that read them, where their size alone misleads: a one-channel
 * bias is still a parameter, batch-norm running statistics are state (not trained).
 */
const INPUT_KINDS: Readonly<Record<string, readonly (ParameterKind | undefined)[]>> = {
  Conv: [undefined, 'weight', 'weight'],
  Gemm: [undefined, 'weight', 'weight'],
  BatchNormalization: [undefined, 'weight', 'weight', 'state', 'state'],
  LayerNormalization: [undefined, 'weight', 'weight'],
  RMSNormalization: [undefined, 'weight'],
};

interface Ctx {
  readonly file: string;
  readonly options: ImportOnnxOptions;
  readonly issues: Issue[];
  readonly tensors: Map<string, GraphTensor>;
}

const report = (ctx: Ctx, code: string, where: string, message: string): void => {
  ctx.issues.push(issue(code, where ? `${ctx.file}:${where}` : ctx.file, message));
};

export function importOnnx(bytes: Uint8Array, options: ImportOnnxOptions = {}): Result<Graph> {
  const decoded = decodeOnnx(bytes, options.fileName ?? 'model.onnx');
  return decoded.ok ? onnxToGraph(decoded.value, options) : decoded;
}

export function onnxToGraph(model: OnnxModel, options: ImportOnnxOptions = {}): Result<Graph> {
  const ctx: Ctx = { file: options.fileName ?? 'model.onnx', options, issues: [], tensors: new Map() };
  checkOptions(ctx, options);
  const opset = checkOpset(ctx, model);
  const { graph } = model;
  graph.initializers.forEach((t, i) => {
    const tensor = graphTensor(ctx, `graph.initializer[${i}]`, t, t.name);
    if (tensor) ctx.tensors.set(t.name, tensor);
  });
  const bound = new Map<string, number>();
  const inputs = graph.inputs.flatMap((v, i) =>
    ctx.tensors.has(v.name) ? [] : [graphInput(ctx, v, i, options, bound)],
  );
  const read = readNodes(
    ctx,
    graph.nodes,
    graph.inputs.map((v) => v.name),
  );
  const { places } = read;
  const nodes = opset < SOFTMAX_COERCED_BEFORE ? read.nodes.map(withSoftmaxAxis) : read.nodes;
  applyInputKinds(ctx, nodes);
  const known = inputs.filter((t): t is GraphTensor => t !== undefined);
  if (ctx.issues.length > 0) return { ok: false, issues: ctx.issues };
  let result: Graph;
  try {
    const outputs = graph.outputs.map((o) => o.name);
    result = fuseRmsNormChains(
      fuseLayerNormChains(
        inferGraph(
          graphName(graph.name, ctx.file),
          [...ctx.tensors.values(), ...known],
          known.map((t) => t.name),
          outputs,
          nodes,
          { kind: 'onnx', file: ctx.file },
        ),
      ),
    );
  } catch (error) {
    if (!(error instanceof GraphError || error instanceof ShapeError)) throw error;
    // inferGraph's messages start with the node's name; folding a node can also fail inside its evaluation.
    const node = nodes.find((n) => error.message.startsWith(`node '${n.name}'`));
    report(
      ctx,
      error instanceof GraphError ? error.code : 'bad_node',
      node ? places.get(node.name)! : '',
      error.message,
    );
    return { ok: false, issues: ctx.issues };
  }
  checkOutputs(ctx, graph.outputs, result);
  if (opset < SOFTMAX_COERCED_BEFORE) checkCoercedSoftmax(ctx, result, places);
  return ctx.issues.length > 0 ? { ok: false, issues: ctx.issues } : { ok: true, value: result };
}

function checkOptions(ctx: Ctx, options: ImportOnnxOptions): void {
  const bad = (v: number): boolean => !Number.isInteger(v) || v < 1;
  for (const name of ['batch', 'seq'] as const) {
    const v = options[name];
    if (v !== undefined && bad(v))
      ctx.issues.push(issue('bad_option', name, `${name} is ${v}; it must be a whole number of at least 1`));
  }
  for (const [name, v] of Object.entries(options.dims ?? {})) {
    if (bad(v))
      ctx.issues.push(
        issue('bad_option', `dims.${name}`, `dimension '${name}' is ${v}; it must be a whole number of at least 1`),
      );
  }
}

/** The default domain's opset version, after reporting a missing or too old one. */
function checkOpset(ctx: Ctx, model: OnnxModel): number {
  const opset = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!opset)
    report(ctx, 'no_opset', 'opset_import', 'the model imports no opset of the default ONNX domain (ai.onnx)');
  else if (opset.version < MIN_ONNX_OPSET) {
    report(
      ctx,
      'old_opset',
      'opset_import',
      `opset ${opset.version} of the default ONNX domain is older than ${MIN_ONNX_OPSET}, the oldest tpusim ` +
        `reads; re-export with opset ${MIN_ONNX_OPSET} or newer (e.g. torch.onnx.export(..., opset_version=17))`,
    );
  }
  return opset?.version ?? 0;
}

/**
 * Before opset 13, Softmax flattens its input to 2-D at `axis` (default 1) and normalizes each row, which
 * is tpusim's one-axis softmax only when `axis` is the last axis: the default is written out, and checked.
 */
const SOFTMAX_COERCED_BEFORE = 13;

function withSoftmaxAxis(node: GraphNode): GraphNode {
  return node.op === 'Softmax' && node.attrs['axis'] === undefined
    ? { ...node, attrs: { ...node.attrs, axis: 1 } }
    : node;
}

function checkCoercedSoftmax(ctx: Ctx, graph: Graph, places: ReadonlyMap<string, string>): void {
  for (const node of graph.nodes.filter((n) => n.op === 'Softmax')) {
    const rank = graph.tensors[node.inputs[0]!]!.shape.length;
    const axis = node.attrs['axis'] as number;
    if ((axis + rank) % rank === rank - 1) continue;
    report(
      ctx,
      'unsupported',
      places.get(node.name)!,
      `node '${node.name}' (Softmax) before opset ${SOFTMAX_COERCED_BEFORE} normalizes over axes ${axis} to ` +
        `${rank - 1} together; tpusim normalizes over one axis: re-export with opset ${SOFTMAX_COERCED_BEFORE} or ` +
        `newer`,
    );
  }
}

const graphName = (name: string, file: string): string =>
  name || (file.split(/[\\/]/).pop() ?? file).replace(/\.onnx$/, '');

/** Integers and bools are constants; so are float scalars and single elements. Other floats are weights. */
function tensorKind(dtype: TensorDType, dims: readonly number[]): TensorKind {
  return isFloatDType(dtype) && elementCount(dims) > 1 ? 'weight' : 'constant';
}

/**
 * Constants up to this many elements may feed shape computations (build.ts folds nodes whose outputs are
 * this small), so timing reads them even from external data; larger tensors and weights only need dims.
 */
const SHAPE_CONSTANT_ELEMENTS = 1 << 16;

/**
 * A tensor stored in external data: its place checked, then its bytes read; or, when only timing is
 * asked and shape inference cannot need its values, 'unread'; undefined after reporting a problem.
 */
function externalTensor(ctx: Ctx, where: string, t: OnnxTensor, dtype: TensorDType): OnnxTensor | 'unread' | undefined {
  const fail = (issues: readonly Issue[]): undefined =>
    void issues.forEach((i) => report(ctx, i.code, where, `tensor '${t.name}': ${i.message}`));
  const ref = externalDataRef(t);
  if (!ref.ok) return fail(ref.issues);
  const shapeConstant = tensorKind(dtype, t.dims) === 'constant' && elementCount(t.dims) <= SHAPE_CONSTANT_ELEMENTS;
  if (ctx.options.weights === 'shapes' && !shapeConstant) return 'unread';
  if (!ctx.options.readExternalData) return t; // valuesOf says the values are outside the model
  const read = withExternalData(t, ctx.options.readExternalData);
  return read.ok ? read.value : fail(read.issues);
}

/** A tensor of the file (initializer or Constant value) with its values, or undefined after reporting why not. */
function graphTensor(ctx: Ctx, where: string, stored: OnnxTensor, name: string): GraphTensor | undefined {
  const dtype = tpusimDType(stored.dataType);
  if (!dtype) {
    report(
      ctx,
      'unsupported_data_type',
      where,
      `tensor '${name}' is of type ${stored.dataType}; tpusim reads ${SUPPORTED_ONNX_TYPES.join(', ')}`,
    );
    return undefined;
  }
  const t = stored.externalData === undefined ? stored : externalTensor(ctx, where, stored, dtype);
  if (t === 'unread') return { name, dtype, shape: [...stored.dims], kind: tensorKind(dtype, stored.dims) };
  if (t === undefined) return undefined;
  const values = valuesOf(t);
  if (!values.ok) {
    values.issues.forEach((i) => report(ctx, i.code, where, `tensor '${name}': ${i.message}`));
    return undefined;
  }
  const data = isFloatDType(dtype) ? Float32Array.from(values.value) : values.value;
  return { name, dtype, shape: [...t.dims], kind: tensorKind(dtype, t.dims), data };
}

/** Values of a tensor; int64 values beyond 2^53 saturate (exporters write INT64_MAX for "to the end" in Slice). */
function valuesOf(t: OnnxTensor): Result<Float64Array> {
  const values = tensorValues(t);
  if (values.ok || t.dataType !== 'int64' || values.issues.some((i) => i.code !== 'not_exact')) return values;
  const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  const clamp = (v: bigint): number => Number(v > limit ? limit : v < -limit ? -limit : v);
  return {
    ok: true,
    value: Float64Array.from({ length: t.raw.length / 8 }, (_, i) => clamp(view.getBigInt64(i * 8, true))),
  };
}

/**
 * A symbolic dimension's value: the dims option by name, else the value the same name took in an earlier
 * input (one name is one size across the model), else batch at axis 0 and seq at axis 1.
 */
function symbolicValue(
  d: string | undefined,
  axis: number,
  options: ImportOnnxOptions,
  bound: Map<string, number>,
): number | undefined {
  const named = d === undefined ? undefined : (options.dims?.[d] ?? bound.get(d));
  const value = named ?? (axis === 0 ? (options.batch ?? 1) : axis === 1 ? options.seq : undefined);
  if (d !== undefined && value !== undefined && !bound.has(d)) bound.set(d, value);
  return value;
}

function graphInput(
  ctx: Ctx,
  v: OnnxValueInfo,
  i: number,
  options: ImportOnnxOptions,
  bound: Map<string, number>,
): GraphTensor | undefined {
  const where = `graph.input[${i}]`;
  const dtype = tpusimDType(v.elemType);
  if (!dtype)
    report(
      ctx,
      'unsupported_data_type',
      where,
      `input '${v.name}' is of type ${v.elemType}; tpusim reads ${SUPPORTED_ONNX_TYPES.join(', ')}`,
    );
  if (!v.shape)
    report(
      ctx,
      'no_shape',
      where,
      `input '${v.name}' has no shape; tpusim needs the rank and dimensions of every input`,
    );
  const shape = (v.shape ?? []).map((d, k) => {
    if (typeof d === 'number') return d;
    const given = symbolicValue(d, k, options, bound);
    if (given !== undefined) return given;
    const what = d === undefined ? 'unknown (no dim_value or dim_param)' : `symbolic ('${d}')`;
    const seq = k === 1 ? 'set it with --seq (the seq option) or ' : '';
    const how =
      d === undefined
        ? `${seq}re-export the model with a fixed size there`
        : `${seq || 'set it with '}the dims option, e.g. dims: { '${d}': 128 }`;
    report(ctx, 'symbolic_dim', where, `input '${v.name}' dimension ${k} is ${what}; ${how}`);
    return 1;
  });
  return dtype && v.shape ? { name: v.name, dtype, shape, kind: 'input' } : undefined;
}

/** ONNX allows unnamed nodes; tpusim names them by op and position. */
const nodeName = (n: OnnxNode, i: number): string => n.name || `${n.opType}_${i}`;

/**
 * Nodes in file order, checking the order, domains, ops and attributes; Constant-like nodes become
 * tensors. `places` gives each node's position in the file, by name.
 */
function readNodes(
  ctx: Ctx,
  onnxNodes: readonly OnnxNode[],
  inputs: readonly string[],
): { nodes: GraphNode[]; places: Map<string, string> } {
  const producer = new Map(onnxNodes.flatMap((n, i) => n.outputs.map((o) => [o, i] as const)));
  const available = new Set([...inputs, ...ctx.tensors.keys()]);
  const places = new Map<string, string>();
  const nodes: GraphNode[] = [];
  onnxNodes.forEach((n, i) => {
    const where = `graph.node[${i}]`;
    const name = places.has(nodeName(n, i)) ? `${nodeName(n, i)}_${i}` : nodeName(n, i);
    places.set(name, where);
    const label = `node '${name}' (${n.opType})`;
    for (const input of n.inputs) {
      if (input === '' || available.has(input)) continue;
      const later = producer.get(input);
      if (later !== undefined && later > i)
        report(
          ctx,
          'not_topological',
          where,
          `${label} reads '${input}' before graph.node[${later}] produces it; ONNX requires nodes in topological order`,
        );
      else
        report(ctx, 'unknown_tensor', where, `${label} reads '${input}', which no node, input or initializer provides`);
    }
    n.outputs.forEach((o) => available.add(o));
    if (n.domain !== '' && n.domain !== 'ai.onnx') {
      report(
        ctx,
        'unsupported_domain',
        where,
        `${label} is from domain '${n.domain}'; tpusim reads only the default ONNX domain (ai.onnx)`,
      );
      return;
    }
    if (n.opType === 'ConstantOfShape' && ctx.tensors.get(n.inputs[0] ?? '')?.kind !== 'constant') {
      const node = constantOfShapeNode(ctx, where, name, n);
      if (node) nodes.push(node);
      return;
    }
    const constant = CONSTANT_NODES[n.opType];
    if (constant) {
      const t = constant(ctx, where, label, n);
      if (t) ctx.tensors.set(t.name, t);
      return;
    }
    if (!opDef(n.opType)) {
      report(ctx, 'unsupported_op', where, `node '${name}': ${unsupportedOpMessage(n.opType)}`);
      return;
    }
    const attrs = Object.fromEntries(
      n.attributes.flatMap((a) => {
        const value = attributeValue(ctx, where, `${label} attribute '${a.name}'`, n.opType, a);
        return value === undefined ? [] : [[a.name, value] as const];
      }),
    );
    nodes.push({ name, op: n.opType, inputs: n.inputs, outputs: n.outputs, attrs });
  });
  return { nodes, places };
}

/** The shortest decimal that reads back as the same float32 (1e-5 rather than 9.99999974e-6). */
function shortestFloat(x: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const y = Number(x.toPrecision(digits));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** How each attribute kind reads; graphs and tensors are not read (Constant's tensor is handled apart). */
const ATTRIBUTE_VALUES: Partial<Record<OnnxAttribute['type'], (value: OnnxAttribute['value']) => AttrValue>> = {
  int: (v) => v as number,
  string: (v) => v as string,
  ints: (v) => v as readonly number[],
  strings: (v) => v as readonly string[],
  float: (v) => shortestFloat(v as number),
  floats: (v) => (v as readonly number[]).map(shortestFloat),
};

function attributeValue(ctx: Ctx, where: string, label: string, op: string, a: OnnxAttribute): AttrValue | undefined {
  if (TYPE_CODE_ATTRIBUTES[op] === a.name && a.type === 'int') {
    const type = dataTypeOf(a.value as number, (_code, message) =>
      report(ctx, 'unsupported_data_type', where, `${label}: ${message}`),
    );
    const dtype = type && tpusimDType(type);
    if (type && !dtype)
      report(
        ctx,
        'unsupported_data_type',
        where,
        `${label}: tpusim has no ${type} type (it reads ${SUPPORTED_ONNX_TYPES.join(', ')})`,
      );
    return dtype;
  }
  const read = ATTRIBUTE_VALUES[a.type];
  if (!read) report(ctx, 'unsupported_attribute', where, `${label} is of kind ${a.type}, which tpusim does not read`);
  return read?.(a.value);
}

type ConstantNode = (ctx: Ctx, where: string, label: string, n: OnnxNode) => GraphTensor | undefined;

/** Constant's value forms: exactly one of these attributes. */
const CONSTANT_VALUES: Readonly<Record<string, (a: OnnxAttribute, name: string) => OnnxTensor>> = {
  value: (a, name) => ({ ...(a.value as OnnxTensor), name }),
  value_float: (a, name) => makeTensor(name, 'float', [], [a.value as number]),
  value_floats: (a, name) => makeTensor(name, 'float', [(a.value as number[]).length], a.value as number[]),
  value_int: (a, name) => makeTensor(name, 'int64', [], [a.value as number]),
  value_ints: (a, name) => makeTensor(name, 'int64', [(a.value as number[]).length], a.value as number[]),
};

/** ConstantOfShape's fill value and type (default a float 0). */
function constantOfShapeFill(ctx: Ctx, where: string, n: OnnxNode): Pick<GraphTensor, 'dtype' | 'data'> | undefined {
  const value = n.attributes.find((a) => a.name === 'value');
  return value ? graphTensor(ctx, where, value.value as OnnxTensor, n.outputs[0] ?? '') : { dtype: 'fp32', data: [0] };
}

/**
 * A ConstantOfShape whose shape other nodes compute (Swin's padding to whole windows) stays a node,
 * with its fill as attributes, and folds when inference knows the shape.
 */
function constantOfShapeNode(ctx: Ctx, where: string, name: string, n: OnnxNode): GraphNode | undefined {
  const fill = constantOfShapeFill(ctx, where, n);
  if (!fill?.data) return undefined;
  return {
    name,
    op: 'ConstantOfShape',
    inputs: n.inputs,
    outputs: n.outputs,
    attrs: { value: fill.data[0] ?? 0, dtype: fill.dtype },
  };
}

const CONSTANT_NODES: Readonly<Record<string, ConstantNode>> = {
  Constant: (ctx, where, label, n) => {
    const output = n.outputs[0] ?? '';
    const attribute = n.attributes[0];
    const read = attribute && n.attributes.length === 1 ? CONSTANT_VALUES[attribute.name] : undefined;
    if (!attribute || !read) {
      const has = n.attributes.map((a) => a.name).join(', ') || 'none';
      report(
        ctx,
        'bad_constant',
        where,
        `${label} needs exactly one of ${Object.keys(CONSTANT_VALUES).join(', ')}; it has ${has}`,
      );
      return undefined;
    }
    return graphTensor(ctx, where, read(attribute, output), output);
  },
  ConstantOfShape: (ctx, where, _label, n) => {
    const output = n.outputs[0] ?? '';
    const shape = ctx.tensors.get(n.inputs[0] ?? '');
    const fill = constantOfShapeFill(ctx, where, n);
    if (!shape?.data || !fill?.data) return undefined;
    const dims = Array.from(shape.data);
    const data = (
      isFloatDType(fill.dtype) ? new Float32Array(elementCount(dims)) : new Float64Array(elementCount(dims))
    ).fill(fill.data[0] ?? 0);
    return { name: output, dtype: fill.dtype, shape: dims, kind: 'constant', data };
  },
};

function applyInputKinds(ctx: Ctx, nodes: readonly GraphNode[]): void {
  for (const node of nodes) {
    INPUT_KINDS[node.op]?.forEach((kind, i) => {
      const t = ctx.tensors.get(node.inputs[i] ?? '');
      if (kind && t && isFloatDType(t.dtype)) ctx.tensors.set(t.name, { ...t, kind });
    });
  }
}

/** Output shapes the file states must match the inferred ones (symbolic dimensions match anything). */
function checkOutputs(ctx: Ctx, declared: readonly OnnxValueInfo[], graph: Graph): void {
  declared.forEach((o, i) => {
    const inferred = graph.tensors[o.name]?.shape;
    if (!o.shape || !inferred) return;
    const agree =
      o.shape.length === inferred.length && o.shape.every((d, k) => typeof d !== 'number' || d === inferred[k]);
    const show = (s: readonly (number | string | undefined)[]): string => `(${s.map((d) => d ?? '?').join(', ')})`;
    if (!agree)
      report(
        ctx,
        'shape_mismatch',
        `graph.output[${i}]`,
        `output '${o.name}' is declared ${show(o.shape)} but tpusim infers ${show(inferred)}`,
      );
  });
}
