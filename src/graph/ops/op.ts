/**
 * What every op declares: its output types (shape inference), the matrix work it does (GEMMs), its
 * other arithmetic, and, where tpusim can run it, its fp32 reference semantics. The analytical model,
 * the compiler and the reference evaluator all read these; none switches on an op's name.
 */
import { wrapSigned } from '../../core/number-formats.js';
import type { AttrValue, GraphNode, GraphTensor, TensorDType } from '../types.js';

export interface TensorType {
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
}

/** A node with its inputs resolved (undefined for optional inputs left out). */
export interface OpContext {
  readonly node: GraphNode;
  readonly inputs: readonly (GraphTensor | undefined)[];
}

/** One GEMM an op performs `batch` times: [m x k] x [k x n]. */
export interface Gemm {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** The [k x n] operand is a parameter (loaded as weight tiles), not an activation. */
  readonly weightsAreParameters: boolean;
  /**
   * The `batch` GEMMs form a chain (a recurrence): each needs the one before's result and the op's element
   * operations in between, so they run one after another, not as one batched GEMM.
   */
  readonly sequential?: boolean;
}

export type OpKind = 'matrix' | 'vector' | 'layout';

export interface OpDef {
  readonly op: string;
  readonly kind: OpKind;
  readonly summary: string;
  /** Output types; throws a message (string) on inputs it cannot take. */
  infer(ctx: OpContext): TensorType[];
  /** Matrix work, for matrix ops. */
  gemms?(ctx: OpContext, outputs: readonly TensorType[]): Gemm[];
  /** Element operations outside the matrix units (one per add, multiply, compare, ...). */
  vectorOps?(ctx: OpContext, outputs: readonly TensorType[]): number;
  /** fp32 semantics: input values (row-major) -> output values. */
  evaluate?(
    ctx: OpContext,
    inputs: readonly (Float64Array | undefined)[],
    outputs: readonly TensorType[],
  ): Float64Array[];
}

export class ShapeError extends Error {}

export function fail(message: string): never {
  throw new ShapeError(message);
}

/** Valid ONNX that tpusim does not implement (a 3-D pooling, training-mode dropout): reported as unsupported. */
export class UnsupportedError extends ShapeError {}

export function unsupported(message: string): never {
  throw new UnsupportedError(message);
}

export function attr(ctx: OpContext, name: string): AttrValue | undefined {
  return ctx.node.attrs[name];
}

export function intAttr(ctx: OpContext, name: string, fallback: number): number {
  const v = ctx.node.attrs[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v))
    fail(`attribute ${name} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

export function floatAttr(ctx: OpContext, name: string, fallback: number): number {
  const v = ctx.node.attrs[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') fail(`attribute ${name} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function intsAttr(
  ctx: OpContext,
  name: string,
  fallback: readonly number[] | undefined,
): readonly number[] | undefined {
  const v = ctx.node.attrs[name];
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number'))
    fail(`attribute ${name} must be a list of integers, got ${JSON.stringify(v)}`);
  return v as readonly number[];
}

export function stringAttr(ctx: OpContext, name: string, fallback: string): string {
  const v = ctx.node.attrs[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') fail(`attribute ${name} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** Input i, which must be present. */
export function input(ctx: OpContext, i: number): GraphTensor {
  const t = ctx.inputs[i];
  if (!t) fail(`input ${i} is missing`);
  return t;
}

/** Values of a constant input (shapes, axes), which must be known when the graph is built. */
export function constantInts(ctx: OpContext, i: number, what: string): number[] {
  const t = ctx.inputs[i];
  if (!t) fail(`${what} (input ${i}) is missing`);
  if (!t.data) fail(`${what} must be a constant known when the graph is built`);
  return Array.from(t.data);
}

export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail(`shapes (${a.join(', ')}) and (${b.join(', ')}) do not broadcast`);
    out.push(Math.max(x, y));
  }
  return out;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  return strides;
}

export const f32 = Math.fround;

/** Integers truncate toward zero and wrap to their width; int64 stays a (safe) double. */
const INTEGER_BITS: Partial<Record<TensorDType, { bits: number; signed: boolean }>> = {
  int8: { bits: 8, signed: true },
  uint8: { bits: 8, signed: false },
  int16: { bits: 16, signed: true },
  int32: { bits: 32, signed: true },
};

/**
 * A value as an element of `dtype` holds it: floats round to fp32 (the reference computes every float
 * type in fp32), integers truncate toward zero (ONNX's integer Div, Cast from float) and wrap, bools are 0 or 1.
 */
export function toDType(x: number, dtype: TensorDType): number {
  if (dtype === 'bool') return x !== 0 && !Number.isNaN(x) ? 1 : 0;
  if (dtype === 'int64') return Number.isFinite(x) ? Math.trunc(x) || 0 : x;
  const int = INTEGER_BITS[dtype];
  if (!int) return f32(x);
  if (!Number.isFinite(x)) return 0;
  const wrapped = wrapSigned(Math.trunc(x) % 2 ** int.bits, int.bits);
  return int.signed ? wrapped : (wrapped + 2 ** int.bits) % 2 ** int.bits;
}
