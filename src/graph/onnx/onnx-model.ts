/**
 * ONNX models (.onnx, a ModelProto in protobuf, IR versions 7 to 10) as plain data and back, with no
 * dependency and no Node.js API.
 *
 * The codec keeps what a simulator needs: the graph's nodes, initializers, inputs, outputs and value infos,
 * attributes of every single and list kind, opset imports. Doc strings, metadata and model-local functions
 * are dropped; sparse tensors, graph-list attributes and non-tensor value types are not supported (a value
 * info of a sequence or map type reads as elemType 'undefined'). Decoding reports every problem as an
 * issue whose path is the file name and never throws. Encoding is deterministic and writes tensors as
 * raw_data, so decodeOnnx(encodeOnnx(m)) deep-equals m for any m that decodeOnnx returned.
 */
import { issue, type Issue, type Result } from '../../core/errors.js';
import { MODEL } from './onnx-schema.js';
import {
  dataTypeCode,
  dataTypeOf,
  readTensor,
  tensorToProto,
  type OnnxDataType,
  type OnnxTensor,
  type Report,
} from './onnx-tensor.js';
import { encodeMessage } from './protobuf-writer.js';
import {
  decodeMessage,
  fieldList,
  fieldMessage,
  fieldNumber,
  fieldString,
  type ProtoMessage,
  type ProtoValue,
} from './protobuf.js';

export { makeTensor, tensorValues, type OnnxDataType, type OnnxTensor } from './onnx-tensor.js';

export type OnnxAttributeValue =
  | number
  | string
  | readonly number[]
  | readonly string[]
  | OnnxTensor
  | OnnxGraph
  | readonly OnnxTensor[];

export interface OnnxAttribute {
  readonly name: string;
  readonly type: 'float' | 'int' | 'string' | 'tensor' | 'graph' | 'floats' | 'ints' | 'strings' | 'tensors';
  readonly value: OnnxAttributeValue;
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
}

export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: OnnxDataType;
  /** per dimension: a number, a symbolic name, or undefined when unknown */
  readonly shape?: readonly (number | string | undefined)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly valueInfo: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opsetImports: readonly { domain: string; version: number }[];
  readonly producerName: string;
  readonly graph: OnnxGraph;
}

type AttributeType = OnnxAttribute['type'];

/** Where a decoding problem lies, e.g. `graph.node[3].attribute[0]`, and where problems go. */
interface Place {
  readonly where: string;
  readonly fileName: string;
  readonly issues: Issue[];
}

const at = (place: Place, where: string): Place => ({ ...place, where: `${place.where}${where}` });
const reporter =
  (place: Place): Report =>
  (code, message) =>
    place.issues.push(issue(code, place.fileName, `${place.where}: ${message}`));

/** Each attribute kind: its AttributeProto.AttributeType number, the field holding its value, and both directions. */
interface AttributeKind {
  readonly code: number;
  readonly field: string;
  read(m: ProtoMessage, place: Place): OnnxAttributeValue;
  write(value: OnnxAttributeValue): ProtoValue;
}

const ATTRIBUTE_KINDS: Readonly<Record<AttributeType, AttributeKind>> = {
  float: { code: 1, field: 'f', read: (m) => fieldNumber(m, 'f') ?? 0, write: (v) => v as number },
  int: { code: 2, field: 'i', read: (m) => fieldNumber(m, 'i') ?? 0, write: (v) => v as number },
  string: { code: 3, field: 's', read: (m) => fieldString(m, 's') ?? '', write: (v) => v as string },
  tensor: {
    code: 4,
    field: 't',
    read: (m, place) => readTensor(fieldMessage(m, 't') ?? {}, reporter(at(place, '.t'))),
    write: (v) => tensorToProto(v as OnnxTensor),
  },
  graph: {
    code: 5,
    field: 'g',
    read: (m, place) => readGraph(fieldMessage(m, 'g') ?? {}, at(place, '.g')),
    write: (v) => graphToProto(v as OnnxGraph),
  },
  floats: {
    code: 6,
    field: 'floats',
    read: (m) => fieldList<number>(m, 'floats'),
    write: (v) => v as readonly number[],
  },
  ints: { code: 7, field: 'ints', read: (m) => fieldList<number>(m, 'ints'), write: (v) => v as readonly number[] },
  strings: {
    code: 8,
    field: 'strings',
    read: (m) => fieldList<string>(m, 'strings'),
    write: (v) => v as readonly string[],
  },
  tensors: {
    code: 9,
    field: 'tensors',
    read: (m, place) =>
      fieldList<ProtoMessage>(m, 'tensors').map((t, i) => readTensor(t, reporter(at(place, `.tensors[${i}]`)))),
    write: (v) => (v as readonly OnnxTensor[]).map(tensorToProto),
  },
};

const ATTRIBUTE_TYPES = Object.keys(ATTRIBUTE_KINDS) as AttributeType[];
/** AttributeProto.AttributeType values that are not read, for messages. */
const UNSUPPORTED_ATTRIBUTE_TYPES: Readonly<Record<number, string>> = {
  0: 'undefined',
  10: 'graphs',
  11: 'sparse_tensor',
  12: 'sparse_tensors',
  13: 'type_proto',
  14: 'type_protos',
};

export function decodeOnnx(bytes: Uint8Array, fileName = 'model.onnx'): Result<OnnxModel> {
  const fail = (code: string, message: string): Result<OnnxModel> => ({
    ok: false,
    issues: [issue(code, fileName, message)],
  });
  if (bytes.length === 0) return fail('empty', 'file is empty (0 bytes), not an ONNX model');
  const decoded = decodeMessage(bytes, MODEL, fileName);
  if (!decoded.ok) return decoded;
  const model = decoded.value;
  const graph = fieldMessage(model, 'graph');
  if (graph === undefined)
    return fail('not_onnx', 'not an ONNX model: the top-level message has no graph (ModelProto.graph, field 7)');
  const place: Place = { where: 'graph', fileName, issues: [] };
  const value: OnnxModel = {
    irVersion: fieldNumber(model, 'ir_version') ?? 0,
    opsetImports: fieldList<ProtoMessage>(model, 'opset_import').map((o) => ({
      domain: fieldString(o, 'domain') ?? '',
      version: fieldNumber(o, 'version') ?? 0,
    })),
    producerName: fieldString(model, 'producer_name') ?? '',
    graph: readGraph(graph, place),
  };
  return place.issues.length > 0 ? { ok: false, issues: place.issues } : { ok: true, value };
}

function readGraph(m: ProtoMessage, place: Place): OnnxGraph {
  if (fieldList(m, 'sparse_initializer').length > 0)
    reporter(place)('unsupported', 'sparse initializers are not supported');
  const valueInfos = (field: string): OnnxValueInfo[] =>
    fieldList<ProtoMessage>(m, field).map((v, i) => readValueInfo(v, at(place, `.${field}[${i}]`)));
  return {
    name: fieldString(m, 'name') ?? '',
    nodes: fieldList<ProtoMessage>(m, 'node').map((n, i) => readNode(n, at(place, `.node[${i}]`))),
    initializers: fieldList<ProtoMessage>(m, 'initializer').map((t, i) =>
      readTensor(t, reporter(at(place, `.initializer[${i}]`))),
    ),
    inputs: valueInfos('input'),
    outputs: valueInfos('output'),
    valueInfo: valueInfos('value_info'),
  };
}

function readNode(m: ProtoMessage, place: Place): OnnxNode {
  return {
    name: fieldString(m, 'name') ?? '',
    opType: fieldString(m, 'op_type') ?? '',
    domain: fieldString(m, 'domain') ?? '',
    inputs: fieldList<string>(m, 'input'),
    outputs: fieldList<string>(m, 'output'),
    attributes: fieldList<ProtoMessage>(m, 'attribute').map((a, i) => readAttribute(a, at(place, `.attribute[${i}]`))),
  };
}

function readAttribute(m: ProtoMessage, place: Place): OnnxAttribute {
  const name = fieldString(m, 'name') ?? '';
  const code = fieldNumber(m, 'type') ?? 0;
  // IR version 1 had no type field: the value field present tells the kind.
  const type = ATTRIBUTE_TYPES.find((t) =>
    code === 0 ? m[ATTRIBUTE_KINDS[t].field] !== undefined : ATTRIBUTE_KINDS[t].code === code,
  );
  if (type === undefined) {
    const kind = UNSUPPORTED_ATTRIBUTE_TYPES[code];
    reporter(place)(
      'unsupported_attribute',
      `attribute '${name}' has type ${code}${kind ? ` (${kind})` : ''}, which is not supported`,
    );
    return { name, type: 'int', value: 0 };
  }
  return { name, type, value: ATTRIBUTE_KINDS[type].read(m, place) };
}

function readValueInfo(m: ProtoMessage, place: Place): OnnxValueInfo {
  const name = fieldString(m, 'name') ?? '';
  const tensorType = fieldMessage(fieldMessage(m, 'type') ?? {}, 'tensor_type');
  if (tensorType === undefined) return { name, elemType: 'undefined' };
  const elemType = dataTypeOf(fieldNumber(tensorType, 'elem_type') ?? 0, reporter(place)) ?? 'undefined';
  const shape = fieldMessage(tensorType, 'shape');
  if (shape === undefined) return { name, elemType };
  const dims = fieldList<ProtoMessage>(shape, 'dim').map(
    (d) => fieldNumber(d, 'dim_value') ?? fieldString(d, 'dim_param'),
  );
  return { name, elemType, shape: dims };
}

export function encodeOnnx(model: OnnxModel): Uint8Array {
  return encodeMessage(
    {
      ir_version: model.irVersion,
      producer_name: optional(model.producerName),
      graph: graphToProto(model.graph),
      opset_import: model.opsetImports.map((o) => ({ domain: optional(o.domain), version: o.version })),
    },
    MODEL,
  );
}

/** Empty strings are left out, as protobuf leaves out an unset field; they read back as ''. */
const optional = (s: string): string | undefined => (s === '' ? undefined : s);

function graphToProto(graph: OnnxGraph): ProtoMessage {
  return {
    node: graph.nodes.map(nodeToProto),
    name: optional(graph.name),
    initializer: graph.initializers.map(tensorToProto),
    input: graph.inputs.map(valueInfoToProto),
    output: graph.outputs.map(valueInfoToProto),
    value_info: graph.valueInfo.map(valueInfoToProto),
  };
}

function nodeToProto(node: OnnxNode): ProtoMessage {
  return {
    input: node.inputs,
    output: node.outputs,
    name: optional(node.name),
    op_type: node.opType,
    attribute: node.attributes.map(attributeToProto),
    domain: optional(node.domain),
  };
}

/** The value field is written even when it holds the default (0, ''): onnx's checker wants exactly one present. */
function attributeToProto(attribute: OnnxAttribute): ProtoMessage {
  const kind = ATTRIBUTE_KINDS[attribute.type];
  return { name: attribute.name, type: kind.code, [kind.field]: kind.write(attribute.value) };
}

function valueInfoToProto(info: OnnxValueInfo): ProtoMessage {
  const { elemType, shape } = info;
  if (elemType === 'undefined' && shape === undefined) return { name: info.name };
  const dims = shape?.map((d) =>
    typeof d === 'number' ? { dim_value: d } : typeof d === 'string' ? { dim_param: d } : {},
  );
  const tensorType = {
    elem_type: elemType === 'undefined' ? undefined : dataTypeCode(elemType),
    shape: dims && { dim: dims },
  };
  return { name: info.name, type: { tensor_type: tensorType } };
}
