/**
 * What the element-wise instructions compute, shared by the reference interpreter and the machine so
 * both give the same bits. Arithmetic is fp32 (every step rounded to nearest even) unless noted;
 * results are written in their output format with round-to-nearest-even, saturating for integers.
 * Transcendental functions use JavaScript's Math (deterministic within one JavaScript engine).
 */
import { NUMBER_FORMATS, type NumberFormatName } from '../core/number-formats.js';
import type { ActivationFunction, VectorOp } from './types.js';

const f = Math.fround;

/** erf(x), Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below fp32's resolution near 1). */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return sign * (1 - poly * Math.exp(-a * a));
}

/** GELU with erf, as ONNX Gelu (approximate="none") and the original BERT define it. */
export function gelu(x: number): number {
  return f(0.5 * x * (1 + erf(x / Math.SQRT2)));
}

export const ACTIVATIONS: Readonly<Record<ActivationFunction, (x: number) => number>> = {
  identity: (x) => x,
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  sigmoid: (x) => f(1 / (1 + Math.exp(-x))),
  tanh: (x) => f(Math.tanh(x)),
  gelu,
};

/** x in `format`: floats round to nearest even (from fp32); integers round half to even and saturate. */
export function toFormat(x: number, format: NumberFormatName): number {
  const info = NUMBER_FORMATS[format];
  if (info.kind === 'float') return info.quantize(x);
  if (Number.isNaN(x)) return 0;
  const clamped = Math.min(Math.max(x, info.min), info.max);
  return info.quantize(clamped);
}

/** activate's value for one accumulator value (before pooling): fn(fp32(acc x scale)). */
export function activateValue(acc: number, fn: ActivationFunction, scale: number): number {
  return f(ACTIVATIONS[fn](f(acc * scale)));
}

/** activate's stored value: the pooled (or single) value divided by outScale, in the output format. */
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
  readonly row: (a: Float64Array, b: Float64Array | undefined, imm: number, out: Float64Array) => void;
}

const map1 = (fn: (x: number, imm: number) => number, ops: number): VectorOpSemantics => ({
  opsPerElement: ops,
  row: (a, _b, imm, out) => {
    for (let i = 0; i < a.length; i++) out[i] = f(fn(a[i]!, imm));
  },
});

const map2 = (fn: (x: number, y: number) => number): VectorOpSemantics => ({
  opsPerElement: 1,
  row: (a, b, _imm, out) => {
    for (let i = 0; i < a.length; i++) out[i] = f(fn(a[i]!, b![i]!));
  },
});

function sumOf(a: Float64Array, map: (x: number) => number = (x) => x): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = f(s + map(a[i]!));
  return s;
}

/** Ops per element are estimates (tpusim): one per add/multiply/compare, four for exp, more for the rest. */
export const VECTOR_SEMANTICS: Readonly<Record<VectorOp, VectorOpSemantics>> = {
  add: map2((x, y) => x + y),
  sub: map2((x, y) => x - y),
  mul: map2((x, y) => x * y),
  max: map2((x, y) => (x > y || Number.isNaN(x) ? x : y)),
  min: map2((x, y) => (x < y || Number.isNaN(x) ? x : y)),
  copy: map1((x) => x, 1),
  scale: map1((x, imm) => x * imm, 1),
  relu: map1((x) => (x > 0 ? x : 0), 1),
  gelu: map1((x) => gelu(x), 10),
  tanh: map1((x) => Math.tanh(x), 6),
  sigmoid: map1((x) => 1 / (1 + Math.exp(-x)), 6),
  exp: map1((x) => Math.exp(x), 4),
  reduce_sum: { opsPerElement: 1, row: (a, _b, _imm, out) => void (out[0] = sumOf(a)) },
  reduce_max: { opsPerElement: 1, row: (a, _b, _imm, out) => void (out[0] = a.reduce((m, v) => (v > m ? v : m), -Infinity)) },
  softmax: {
    opsPerElement: 8,
    row: (a, _b, _imm, out) => {
      const max = a.reduce((m, v) => (v > m ? v : m), -Infinity);
      for (let i = 0; i < a.length; i++) out[i] = f(Math.exp(f(a[i]! - max)));
      const total = sumOf(out.subarray(0, a.length));
      for (let i = 0; i < a.length; i++) out[i] = f(out[i]! / total);
    },
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
};
