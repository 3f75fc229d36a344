/**
 * The messages of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto, the same numbers for IR versions 7 to
 * 10) that the codec reads, with the field numbers it reads. Every other field is skipped on read and not
 * written: doc strings, metadata, model-local functions, training info, quantization annotations.
 */
import { defineMessage } from './protobuf.js';

export const OPERATOR_SET_ID = defineMessage('OperatorSetIdProto', {
  1: { name: 'domain', kind: 'string' },
  2: { name: 'version', kind: 'int64' },
});

export const STRING_STRING_ENTRY = defineMessage('StringStringEntryProto', {
  1: { name: 'key', kind: 'string' },
  2: { name: 'value', kind: 'string' },
});

/** The typed *_data fields are only read (the codec writes raw_data), as lanes so int64 keeps every bit. */
export const TENSOR = defineMessage('TensorProto', {
  1: { name: 'dims', kind: 'int64', repeated: true },
  2: { name: 'data_type', kind: 'int32' },
  4: { name: 'float_data', kind: 'float', repeated: true, lanes: 4 },
  5: { name: 'int32_data', kind: 'int32', repeated: true, lanes: 4 },
  6: { name: 'string_data', kind: 'bytes', repeated: true },
  7: { name: 'int64_data', kind: 'int64', repeated: true, lanes: 8 },
  8: { name: 'name', kind: 'string' },
  9: { name: 'raw_data', kind: 'bytes' },
  10: { name: 'double_data', kind: 'double', repeated: true, lanes: 8 },
  // uint64 varints carry the same bits as int64 ones.
  11: { name: 'uint64_data', kind: 'int64', repeated: true, lanes: 8 },
  13: { name: 'external_data', kind: () => STRING_STRING_ENTRY, repeated: true },
  14: { name: 'data_location', kind: 'int32' },
});

export const DIMENSION = defineMessage('TensorShapeProto.Dimension', {
  1: { name: 'dim_value', kind: 'int64' },
  2: { name: 'dim_param', kind: 'string' },
});

export const SHAPE = defineMessage('TensorShapeProto', {
  1: { name: 'dim', kind: () => DIMENSION, repeated: true },
});

export const TENSOR_TYPE = defineMessage('TypeProto.Tensor', {
  1: { name: 'elem_type', kind: 'int32' },
  2: { name: 'shape', kind: () => SHAPE },
});

/** Only tensor types; sequence, map, optional and sparse tensor types are skipped. */
export const TYPE = defineMessage('TypeProto', {
  1: { name: 'tensor_type', kind: () => TENSOR_TYPE },
});

export const VALUE_INFO = defineMessage('ValueInfoProto', {
  1: { name: 'name', kind: 'string' },
  2: { name: 'type', kind: () => TYPE },
});

/** floats and ints are plain `repeated` in proto2 onnx.proto, so unpacked, as onnx itself writes them. */
export const ATTRIBUTE = defineMessage('AttributeProto', {
  1: { name: 'name', kind: 'string' },
  2: { name: 'f', kind: 'float' },
  3: { name: 'i', kind: 'int64' },
  4: { name: 's', kind: 'string' },
  5: { name: 't', kind: () => TENSOR },
  6: { name: 'g', kind: () => GRAPH },
  7: { name: 'floats', kind: 'float', repeated: true },
  8: { name: 'ints', kind: 'int64', repeated: true },
  9: { name: 'strings', kind: 'string', repeated: true },
  10: { name: 'tensors', kind: () => TENSOR, repeated: true },
  20: { name: 'type', kind: 'int32' },
});

export const NODE = defineMessage('NodeProto', {
  1: { name: 'input', kind: 'string', repeated: true },
  2: { name: 'output', kind: 'string', repeated: true },
  3: { name: 'name', kind: 'string' },
  4: { name: 'op_type', kind: 'string' },
  5: { name: 'attribute', kind: () => ATTRIBUTE, repeated: true },
  7: { name: 'domain', kind: 'string' },
});

/** sparse_initializer is kept undecoded only so the codec can refuse it rather than drop weights silently. */
export const GRAPH = defineMessage('GraphProto', {
  1: { name: 'node', kind: () => NODE, repeated: true },
  2: { name: 'name', kind: 'string' },
  5: { name: 'initializer', kind: () => TENSOR, repeated: true },
  11: { name: 'input', kind: () => VALUE_INFO, repeated: true },
  12: { name: 'output', kind: () => VALUE_INFO, repeated: true },
  13: { name: 'value_info', kind: () => VALUE_INFO, repeated: true },
  15: { name: 'sparse_initializer', kind: 'bytes', repeated: true },
});

export const MODEL = defineMessage('ModelProto', {
  1: { name: 'ir_version', kind: 'int64' },
  2: { name: 'producer_name', kind: 'string' },
  7: { name: 'graph', kind: () => GRAPH },
  8: { name: 'opset_import', kind: () => OPERATOR_SET_ID, repeated: true },
});
