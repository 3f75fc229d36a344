/**
 * The workload graph: typed tensors with static shapes and the ops between them, as plain data.
 * Op names follow ONNX where ONNX has the op (MatMul, Conv, Softmax, ...); tpusim adds a few fused ops
 * (Attention, MoE, RMSNormalization) that transformer configs describe directly.
 *
 * Weights may carry values (`data`, from an ONNX file) or only their shape (zoo and Hugging Face
 * models, which tpusim times but does not evaluate).
 */

export const TENSOR_DTYPES = [
  'fp32',
  'fp16',
  'bf16',
  'fp8-e4m3',
  'fp8-e5m2',
  'int8',
  'uint8',
  'int16',
  'int32',
  'int64',
  'bool',
] as const;
export type TensorDType = (typeof TENSOR_DTYPES)[number];

/** Bytes per element of each tensor type. */
export const DTYPE_BYTES: Readonly<Record<TensorDType, number>> = {
  fp32: 4,
  fp16: 2,
  bf16: 2,
  'fp8-e4m3': 1,
  'fp8-e5m2': 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  bool: 1,
};

/**
 * input: fed at run time; weight: a trained parameter; state: a non-trained buffer that counts as
 * memory but not as a parameter (batch-norm running statistics); constant: a small known value
 * (shapes, axes, position ids); activation: an op's output.
 */
export type TensorKind = 'input' | 'weight' | 'state' | 'constant' | 'activation';

export interface GraphTensor {
  readonly name: string;
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  readonly kind: TensorKind;
  /** Values in row-major order, for weights and constants that have them. */
  readonly data?: ArrayLike<number>;
}

export type AttrValue = number | string | readonly number[] | readonly string[];

export interface GraphNode {
  readonly name: string;
  readonly op: string;
  /** Tensor names; '' marks an optional input that is left out. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

export interface GraphSource {
  readonly kind: 'onnx' | 'huggingface' | 'scalesim' | 'zoo' | 'builder';
  readonly file?: string;
  /** Where the architecture (and its parameter count) is published. */
  readonly citation?: string;
}

export interface Graph {
  readonly schemaVersion: 1;
  readonly name: string;
  /** Every tensor by name: inputs, weights, constants and every op output. */
  readonly tensors: Readonly<Record<string, GraphTensor>>;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** In topological order. */
  readonly nodes: readonly GraphNode[];
  readonly source?: GraphSource;
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensorBytes(t: { readonly dtype: TensorDType; readonly shape: readonly number[] }): number {
  return elementCount(t.shape) * DTYPE_BYTES[t.dtype];
}
