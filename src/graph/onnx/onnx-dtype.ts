/** Element types between ONNX (TensorProto.DataType) and tpusim, both ways. */
import type { TensorDType } from '../types.js';
import type { OnnxDataType } from './onnx-tensor.js';

/** double reads as fp32: tpusim evaluates in fp32 and has no wider float type. */
const TO_TPUSIM: Partial<Record<OnnxDataType, TensorDType>> = {
  float: 'fp32',
  double: 'fp32',
  float16: 'fp16',
  bfloat16: 'bf16',
  float8e4m3fn: 'fp8-e4m3',
  float8e5m2: 'fp8-e5m2',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

const TO_ONNX: Readonly<Record<TensorDType, OnnxDataType>> = {
  fp32: 'float',
  fp16: 'float16',
  bf16: 'bfloat16',
  'fp8-e4m3': 'float8e4m3fn',
  'fp8-e5m2': 'float8e5m2',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

/** The tpusim type of an ONNX element type, or undefined for types tpusim has none for (string, uint32, ...). */
export function tpusimDType(type: OnnxDataType): TensorDType | undefined {
  return TO_TPUSIM[type];
}

export function onnxDataType(dtype: TensorDType): OnnxDataType {
  return TO_ONNX[dtype];
}

export const SUPPORTED_ONNX_TYPES = Object.keys(TO_TPUSIM) as OnnxDataType[];

const FLOAT_DTYPES: ReadonlySet<TensorDType> = new Set(['fp32', 'fp16', 'bf16', 'fp8-e4m3', 'fp8-e5m2']);

export function isFloatDType(dtype: TensorDType): boolean {
  return FLOAT_DTYPES.has(dtype);
}

/** Attributes, by op, that hold an ONNX data-type code in a file and a tpusim type name in a graph. */
export const TYPE_CODE_ATTRIBUTES: Readonly<Record<string, string>> = { Cast: 'to' };
