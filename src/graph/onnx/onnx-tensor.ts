/**
 * ONNX tensors as plain data: element type, dims and the elements as raw little-endian bytes, the layout of
 * TensorProto.raw_data. A tensor stored in a typed field (float_data, int32_data, ...) is repacked to that
 * layout on read, so the rest of tpusim sees one form; raw_data itself stays a view of the file's bytes.
 */
import { issue, type Result } from '../../core/errors.js';
import { NUMBER_FORMATS, type NumberFormat } from '../../core/number-formats.js';
import { elementCount } from '../types.js';
import {
  fieldBytes,
  fieldLanes,
  fieldList,
  fieldNumber,
  fieldString,
  int64FromHalves,
  int64ToHalves,
  type ProtoMessage,
} from './protobuf.js';

export type OnnxDataType =
  | 'float'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'string'
  | 'bool'
  | 'float16'
  | 'double'
  | 'uint32'
  | 'uint64'
  | 'bfloat16'
  | 'float8e4m3fn'
  | 'float8e5m2'
  | 'undefined';

export interface OnnxTensor {
  readonly name: string;
  readonly dataType: OnnxDataType;
  readonly dims: readonly number[];
  /** raw little-endian bytes (from raw_data, or packed from the typed *_data fields) */
  readonly raw: Uint8Array;
  /**
   * Where the elements live outside the model (TensorProto.external_data: location, offset, length, ...); `raw` is then
   * empty.
   */
  readonly externalData?: readonly { key: string; value: string }[];
}

/** Records a problem found at one place in a model. */
export type Report = (code: string, message: string) => void;

type TypedField = 'float_data' | 'int32_data' | 'int64_data' | 'double_data' | 'uint64_data';

/** Lane width of each typed field as decoded (onnx-schema.ts): fixed32 floats, int32 and 64-bit varints. */
const TYPED_FIELD_LANE_BYTES: Readonly<Record<TypedField, number>> = {
  float_data: 4,
  int32_data: 4,
  int64_data: 8,
  double_data: 8,
  uint64_data: 8,
};
const TYPED_FIELDS = Object.keys(TYPED_FIELD_LANE_BYTES) as TypedField[];

interface NumericInfo {
  readonly bytes: number;
  /** The typed field onnx.proto assigns the type to. */
  readonly typedField: TypedField;
  read(view: DataView, offset: number): number;
  /** Stores a number as the type does: integers wrap as DataView stores them, floats round to nearest even. */
  write(view: DataView, offset: number, x: number): void;
  /** 64-bit integers, whose values beyond 2^53 have no exact Number. */
  readonly wide?: true;
}

interface DataTypeInfo {
  /** TensorProto.DataType. */
  readonly code: number;
  /** Absent for types without fixed-width numeric elements (string, undefined). */
  readonly numeric?: NumericInfo;
}

function floatFormat(format: NumberFormat, bytes: 1 | 2): NumericInfo {
  return bytes === 1
    ? {
        bytes,
        typedField: 'int32_data',
        read: (v, o) => format.decode(v.getUint8(o)),
        write: (v, o, x) => v.setUint8(o, format.encode(x)),
      }
    : {
        bytes,
        typedField: 'int32_data',
        read: (v, o) => format.decode(v.getUint16(o, true)),
        write: (v, o, x) => v.setUint16(o, format.encode(x), true),
      };
}

function int64(signed: boolean): NumericInfo {
  return {
    bytes: 8,
    typedField: signed ? 'int64_data' : 'uint64_data',
    read: (v, o) => int64FromHalves(v.getUint32(o, true), v.getUint32(o + 4, true), signed),
    write: (v, o, x) => {
      // Unsigned values from 2^63 up have the bits of a negative int64.
      const [lo, hi] = int64ToHalves(Math.trunc(!signed && x >= 2 ** 63 ? x - 2 ** 64 : x));
      v.setUint32(o, lo, true);
      v.setUint32(o + 4, hi, true);
    },
    wide: true,
  };
}

const DATA_TYPES: Readonly<Record<OnnxDataType, DataTypeInfo>> = {
  undefined: { code: 0 },
  float: {
    code: 1,
    numeric: {
      bytes: 4,
      typedField: 'float_data',
      read: (v, o) => v.getFloat32(o, true),
      write: (v, o, x) => v.setFloat32(o, x, true),
    },
  },
  uint8: {
    code: 2,
    numeric: {
      bytes: 1,
      typedField: 'int32_data',
      read: (v, o) => v.getUint8(o),
      write: (v, o, x) => v.setUint8(o, x),
    },
  },
  int8: {
    code: 3,
    numeric: { bytes: 1, typedField: 'int32_data', read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) },
  },
  uint16: {
    code: 4,
    numeric: {
      bytes: 2,
      typedField: 'int32_data',
      read: (v, o) => v.getUint16(o, true),
      write: (v, o, x) => v.setUint16(o, x, true),
    },
  },
  int16: {
    code: 5,
    numeric: {
      bytes: 2,
      typedField: 'int32_data',
      read: (v, o) => v.getInt16(o, true),
      write: (v, o, x) => v.setInt16(o, x, true),
    },
  },
  int32: {
    code: 6,
    numeric: {
      bytes: 4,
      typedField: 'int32_data',
      read: (v, o) => v.getInt32(o, true),
      write: (v, o, x) => v.setInt32(o, x, true),
    },
  },
  int64: { code: 7, numeric: int64(true) },
  string: { code: 8 },
  // onnx.proto: one byte per element, 1 for true.
  bool: {
    code: 9,
    numeric: {
      bytes: 1,
      typedField: 'int32_data',
      read: (v, o) => Math.min(v.getUint8(o), 1),
      write: (v, o, x) => v.setUint8(o, x ? 1 : 0),
    },
  },
  float16: { code: 10, numeric: floatFormat(NUMBER_FORMATS.fp16, 2) },
  double: {
    code: 11,
    numeric: {
      bytes: 8,
      typedField: 'double_data',
      read: (v, o) => v.getFloat64(o, true),
      write: (v, o, x) => v.setFloat64(o, x, true),
    },
  },
  uint32: {
    code: 12,
    numeric: {
      bytes: 4,
      typedField: 'uint64_data',
      read: (v, o) => v.getUint32(o, true),
      write: (v, o, x) => v.setUint32(o, x, true),
    },
  },
  uint64: { code: 13, numeric: int64(false) },
  bfloat16: { code: 16, numeric: floatFormat(NUMBER_FORMATS.bf16, 2) },
  // FN: finite, one NaN pattern, no infinities: OCP OFP8 E4M3, as NUMBER_FORMATS['fp8-e4m3'] implements.
  float8e4m3fn: { code: 17, numeric: floatFormat(NUMBER_FORMATS['fp8-e4m3'], 1) },
  float8e5m2: { code: 19, numeric: floatFormat(NUMBER_FORMATS['fp8-e5m2'], 1) },
};

const TYPE_BY_CODE = new Map(Object.entries(DATA_TYPES).map(([name, info]) => [info.code, name as OnnxDataType]));
/** Names of the TensorProto.DataType values that are not read, for messages. */
const UNSUPPORTED_NAMES: Readonly<Record<number, string>> = {
  14: 'complex64',
  15: 'complex128',
  18: 'float8e4m3fnuz',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

/** Bytes per element, or undefined for types without fixed-width numeric elements. */
export function elementBytes(dataType: OnnxDataType): number | undefined {
  return DATA_TYPES[dataType].numeric?.bytes;
}

export function dataTypeCode(dataType: OnnxDataType): number {
  return DATA_TYPES[dataType].code;
}

/** The data type of a TensorProto.DataType number, or undefined after reporting it as unsupported. */
export function dataTypeOf(code: number, report: Report): OnnxDataType | undefined {
  const dataType = TYPE_BY_CODE.get(code);
  if (dataType !== undefined) return dataType;
  const name = UNSUPPORTED_NAMES[code];
  report(
    'unsupported_data_type',
    `data type ${code}${name ? ` (${name})` : ''} is not supported (supported: ` +
      `${[...TYPE_BY_CODE.values()].join(', ')})`,
  );
  return undefined;
}

const dimsText = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

export function makeTensor(
  name: string,
  dataType: OnnxDataType,
  dims: readonly number[],
  values: ArrayLike<number>,
): OnnxTensor {
  const numeric = DATA_TYPES[dataType].numeric;
  if (numeric === undefined)
    throw new RangeError(`makeTensor: ${dataType} tensors have no fixed-width numeric elements`);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new RangeError(`makeTensor: dims ${dimsText(dims)} must be non-negative integers`);
  const count = elementCount(dims);
  if (values.length !== count)
    throw new RangeError(`makeTensor: ${values.length} values, but dims ${dimsText(dims)} hold ${count}`);
  const raw = new Uint8Array(count * numeric.bytes);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < count; i++) numeric.write(view, i * numeric.bytes, values[i]!);
  return { name, dataType, dims: [...dims], raw };
}

export function tensorValues(tensor: OnnxTensor): Result<Float64Array> {
  const fail = (code: string, message: string): Result<Float64Array> => ({
    ok: false,
    issues: [issue(code, tensor.name, message)],
  });
  const numeric = DATA_TYPES[tensor.dataType].numeric;
  if (numeric === undefined) return fail('unsupported_data_type', `${tensor.dataType} tensors have no numeric values`);
  if (tensor.externalData !== undefined) {
    const location = tensor.externalData.find((e) => e.key === 'location')?.value ?? '?';
    return fail('external_data', `the values are stored outside the model, in '${location}'`);
  }
  const count = elementCount(tensor.dims);
  if (tensor.raw.length !== count * numeric.bytes)
    return fail('data_length', lengthMessage(tensor.raw.length, tensor.dims, tensor.dataType, numeric));
  const view = new DataView(tensor.raw.buffer, tensor.raw.byteOffset, tensor.raw.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const value = numeric.read(view, i * numeric.bytes);
    if (numeric.wide && !Number.isSafeInteger(value)) {
      return fail(
        'not_exact',
        `element ${i} (about ${value}) is beyond 2^53 - 1 in magnitude, so no Number holds it exactly`,
      );
    }
    out[i] = value;
  }
  return { ok: true, value: out };
}

function lengthMessage(bytes: number, dims: readonly number[], dataType: OnnxDataType, numeric: NumericInfo): string {
  const count = elementCount(dims);
  return (
    `has ${bytes} bytes of data, but dims ${dimsText(dims)} of ${dataType} need ${count * numeric.bytes} (` +
    `${count} x ${numeric.bytes} bytes)`
  );
}

const EMPTY = new Uint8Array(0);
/** TensorProto.DataLocation.EXTERNAL. */
const EXTERNAL = 1;

/** Reads a TensorProto, reporting what is wrong with it; the tensor returned after a report is a placeholder. */
export function readTensor(m: ProtoMessage, report: Report): OnnxTensor {
  const name = fieldString(m, 'name') ?? '';
  const dims = fieldList<number>(m, 'dims');
  const externalData = fieldList<ProtoMessage>(m, 'external_data').map((e) => ({
    key: fieldString(e, 'key') ?? '',
    value: fieldString(e, 'value') ?? '',
  }));
  const dataType = dataTypeOf(fieldNumber(m, 'data_type') ?? 0, report);
  const placeholder = { name, dataType: dataType ?? 'undefined', dims, raw: EMPTY };
  if (dataType === undefined) return placeholder;
  const numeric = DATA_TYPES[dataType].numeric;
  if (numeric === undefined) {
    report('unsupported_data_type', `tensor '${name}' is of type ${dataType}; only tensors of numbers are supported`);
    return placeholder;
  }
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    report('bad_dims', `tensor '${name}' has dims ${dimsText(dims)}; dims must be non-negative`);
    return placeholder;
  }
  const raw = readElements(m, name, dataType, numeric, report);
  if (raw === undefined) return placeholder;
  if (externalData.length > 0) return { name, dataType, dims, raw, externalData };
  if (fieldNumber(m, 'data_location') === EXTERNAL) {
    report(
      'external_data',
      `tensor '${name}' has data_location EXTERNAL but no external_data entries saying where its values are`,
    );
    return placeholder;
  }
  if (raw.length !== elementCount(dims) * numeric.bytes)
    report('data_length', `tensor '${name}' ${lengthMessage(raw.length, dims, dataType, numeric)}`);
  return { name, dataType, dims, raw };
}

/** raw_data as it is, or the one typed field the type belongs in, narrowed from its lanes to the element width. */
function readElements(
  m: ProtoMessage,
  name: string,
  dataType: OnnxDataType,
  numeric: NumericInfo,
  report: Report,
): Uint8Array | undefined {
  const raw = fieldBytes(m, 'raw_data');
  const typed = TYPED_FIELDS.filter((field) => m[field] !== undefined);
  if (typed.length === 0) return raw ?? EMPTY;
  if (raw !== undefined || typed.length > 1) {
    report(
      'conflicting_data',
      `tensor '${name}' stores its values in ${[...(raw ? ['raw_data'] : []), ...typed].join(' and ')}; ONNX ` +
        `allows one`,
    );
    return undefined;
  }
  const field = typed[0]!;
  if (field !== numeric.typedField) {
    report(
      'wrong_data_field',
      `tensor '${name}' stores ${dataType} values in ${field}; onnx.proto puts them in ${numeric.typedField} or ` +
        `raw_data`,
    );
    return undefined;
  }
  return narrowLanes(fieldLanes(m, field)!, TYPED_FIELD_LANE_BYTES[field], numeric.bytes);
}

/** Keeps the low `elementBytes` of each little-endian lane: int32_data carries int8, float16 and bool this way. */
function narrowLanes(lanes: Uint8Array, laneBytes: number, elementBytes: number): Uint8Array {
  if (laneBytes === elementBytes) return lanes;
  const count = lanes.length / laneBytes;
  const out = new Uint8Array(count * elementBytes);
  for (let i = 0; i < count; i++)
    for (let b = 0; b < elementBytes; b++) out[i * elementBytes + b] = lanes[i * laneBytes + b]!;
  return out;
}

/** The TensorProto of a tensor: always raw_data, or external_data when the elements live outside the model. */
export function tensorToProto(tensor: OnnxTensor): ProtoMessage {
  const external = tensor.externalData;
  return {
    dims: tensor.dims,
    data_type: dataTypeCode(tensor.dataType),
    name: tensor.name === '' ? undefined : tensor.name,
    raw_data: external === undefined ? tensor.raw : undefined,
    external_data: external?.map((e) => ({ key: e.key, value: e.value })),
    data_location: external === undefined ? undefined : EXTERNAL,
  };
}
