/**
 * What the element-wise instructions compute, shared by the reference interpreter and the machine so
 * both give the same bits. Arithmetic is fp32 (every step rounded to nearest even) unless noted;
 * results are written in their output format with round-to-nearest-even, saturating for integers.
 * Transcendental functions use JavaScript's Math (deterministic within one JavaScript engine).
 */
import { NUMBER_FORMATS, type NumberFormatName } from '../core/number-formats.js';
import type { ActivationFunction, VectorOp } from './types.js';
import { erf, gelu, geluTanh } from '../core/functions.js';
import { VECTOR_OP_COST } from '../arch/timing.js';

const f = Math.fround;

export { erf, gelu, geluTanh };

export const ACTIVATIONS: Readonly<Record<ActivationFunction, (x: number) => number>> = {
  identity: (x) => x,
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  sigmoid: (x) => f(1 / (1 + Math.exp(-x))),
  tanh: (x) => f(Math.tanh(x)),
  gelu,
  gelu_tanh: geluTanh,
};

/** x in `format`: floats round to nearest even (from fp32); integers round half to even and saturate. */
export function toFormat(x: number, format: NumberFormatName): number {
  const info = NUMBER_FORMATS[format];
  if (info.kind === 'float') return info.quantize(x);
  if (Number.isNaN(x)) return 0;
  const clamped = Math.min(Math.max(x, info.min), info.max);
  return info.quantize(clamped);
}

/** An accumulator value plus a bias in the accumulator format: int32 wraps, fp32 rounds. */
export function addBias(acc: number, bias: number, isFloat: boolean): number {
  return isFloat ? f(acc + bias) : (acc + bias) | 0;
}

/**
 * activate's value for one accumulator value (bias already added, before pooling):
 * fn(fp32(fp32(acc x scale) x columnScale)), the column scale step only when there is one.
 */
export function activateValue(acc: number, fn: ActivationFunction, scale: number, columnScale?: number): number {
  const scaled = f(acc * scale);
  return f(ACTIVATIONS[fn](columnScale === undefined ? scaled : f(scaled * columnScale)));
}

/**
 * A stored result (activate's pooled or single value, a vector op's or pool's result): the value
 * divided by outScale, in the output format. With outScale 1 the value (already fp32) is unchanged.
 */
export function activateOutput(value: number, outScale: number, outFormat: NumberFormatName): number {
  return toFormat(f(value / outScale), outFormat);
}

/** max or mean of a window's values, in window order, fp32. */
export function poolValues(values: readonly number[], kind: 'max' | 'avg'): number {
  if (kind === 'max') return values.reduce((m, v) => (v > m || Number.isNaN(v) ? v : m), -Infinity);
  let sum = 0;
  for (const v of values) sum = f(sum + v);
  return f(sum / values.length);
}

export interface VectorOpSemantics {
  /** Vector-unit operations per element (an estimate of the datapath work, for timing). */
  readonly opsPerElement: number;
  /** Computes one row: `a` and `b` (binary ops) in fp32, writes `out` (cols, or 1 for reductions). */
  /** `row` is the row's index within the instruction (causal masks use it). */
  readonly row: (a: Float64Array, b: Float64Array | undefined, imm: number, out: Float64Array, row: number) => void;
}

const map1 = (fn: (x: number, imm: number) => number, ops: number): VectorOpSemantics => ({
  opsPerElement: ops,
  row: (a, _b, imm, out) => {
    for (let i = 0; i < a.length; i++) out[i] = f(fn(a[i]!, imm));
  },
});

const map2 = (fn: (x: number, y: number) => number, ops = 1): VectorOpSemantics => ({
  opsPerElement: ops,
  row: (a, b, _imm, out) => {
    for (let i = 0; i < a.length; i++) out[i] = f(fn(a[i]!, b![i]!));
  },
});

function sumOf(a: Float64Array, map: (x: number) => number = (x) => x): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = f(s + map(a[i]!));
  return s;
}

/** Softmax over the first `n` values (fp32 steps: max, exp(x - max), sum in order, divide); later ones 0. */
function softmaxRow(a: Float64Array, n: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (a[i]! > max) max = a[i]!;
  let total = 0;
  for (let i = 0; i < n; i++) total = f(total + (out[i] = f(Math.exp(f(a[i]! - max)))));
  for (let i = 0; i < n; i++) out[i] = f(out[i]! / total);
  for (let i = n; i < a.length; i++) out[i] = 0;
}

/** Ops per element come from arch/timing.ts (VECTOR_OP_COST), which the analytical model shares. */
export const VECTOR_SEMANTICS: Readonly<Record<VectorOp, VectorOpSemantics>> = withCosts({
  add: map2((x, y) => x + y),
  sub: map2((x, y) => x - y),
  mul: map2((x, y) => x * y),
  max: map2((x, y) => (x > y || Number.isNaN(x) ? x : y)),
  min: map2((x, y) => (x < y || Number.isNaN(x) ? x : y)),
  div: map2((x, y) => x / y, 4),
  copy: map1((x) => x, 1),
  scale: map1((x, imm) => x * imm, 1),
  relu: map1((x) => (x > 0 ? x : 0), 1),
  gelu: map1((x) => gelu(x), 10),
  gelu_tanh: map1((x) => geluTanh(x), 10),
  tanh: map1((x) => Math.tanh(x), 6),
  sigmoid: map1((x) => 1 / (1 + Math.exp(-x)), 6),
  exp: map1((x) => Math.exp(x), 4),
  silu: map1((x) => x * f(1 / (1 + Math.exp(-x))), 7),
  erf: map1((x) => erf(x), 6),
  sqrt: map1((x) => Math.sqrt(x), 4),
  reciprocal: map1((x) => 1 / x, 4),
  neg: map1((x) => -x, 1),
  abs: map1((x) => Math.abs(x), 1),
  reduce_sum: { opsPerElement: 1, row: (a, _b, _imm, out) => void (out[0] = sumOf(a)) },
  reduce_mean: { opsPerElement: 1, row: (a, _b, _imm, out) => void (out[0] = f(sumOf(a) / a.length)) },
  reduce_max: {
    opsPerElement: 1,
    row: (a, _b, _imm, out) => void (out[0] = a.reduce((m, v) => (v > m ? v : m), -Infinity)),
  },
  softmax: { opsPerElement: 8, row: (a, _b, _imm, out) => softmaxRow(a, a.length, out) },
  // Row r keeps columns c <= r + imm (a query attends to keys up to its own position); the rest are 0.
  softmax_causal: {
    opsPerElement: 8,
    row: (a, _b, imm, out, r) => softmaxRow(a, Math.max(0, Math.min(a.length, r + imm + 1)), out),
  },
  layernorm: {
    opsPerElement: 6,
    row: (a, _b, eps, out) => {
      const mean = f(sumOf(a) / a.length);
      const variance = f(sumOf(a, (x) => f(f(x - mean) * f(x - mean))) / a.length);
      const inv = f(1 / f(Math.sqrt(f(variance + eps))));
      for (let i = 0; i < a.length; i++) out[i] = f(f(a[i]! - mean) * inv);
    },
  },
  rmsnorm: {
    opsPerElement: 4,
    row: (a, _b, eps, out) => {
      const meanSquare = f(sumOf(a, (x) => f(x * x)) / a.length);
      const inv = f(1 / f(Math.sqrt(f(meanSquare + eps))));
      for (let i = 0; i < a.length; i++) out[i] = f(a[i]! * inv);
    },
  },
});

/** Sets each op's opsPerElement from VECTOR_OP_COST. */
function withCosts(ops: Record<VectorOp, VectorOpSemantics>): Record<VectorOp, VectorOpSemantics> {
  return Object.fromEntries(
    Object.entries(ops).map(([name, s]) => [name, { ...s, opsPerElement: VECTOR_OP_COST[name as VectorOp] }]),
  ) as Record<VectorOp, VectorOpSemantics>;
}
