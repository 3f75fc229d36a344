/**
 * Fast GEMM kernels for the fold-level engine, bit-identical to the reference order (operands.ts).
 *
 * Integers: int32 wrapping addition is associative, so any order gives the reference's bits. Sums are
 * formed exactly in float64 over K blocks small enough to stay below 2^53, then wrapped. For 8-bit
 * inputs two columns of B share one float64 (b0 + b1 * 2^S, SIMD within a register): one multiply
 * makes two products whose sums stay in separate bit fields, and are split exactly afterwards.
 * Floats: the order matters, so each output sums its chunk in increasing k with fp32 rounding at every
 * step, computed for 4 x 4 outputs at a time.
 */
import { NUMBER_FORMATS } from '../../core/number-formats.js';
import type { MatrixInputFormat } from '../../arch/chip-spec.js';
import type { GemmOperands, GemmShape } from './types.js';

export function fastGemm(
  shape: GemmShape,
  format: MatrixInputFormat,
  kChunk: number,
  operands: GemmOperands,
): Int32Array | Float32Array {
  const info = NUMBER_FORMATS[format];
  if (info.kind === 'float') return floatGemm(shape, kChunk, operands);
  const productBound = Math.max(Math.abs(info.min), info.max) ** 2;
  return intGemm(shape, operands, productBound, info.bits <= 8);
}

function intGemm(shape: GemmShape, operands: GemmOperands, productBound: number, packable: boolean): Int32Array {
  const { m: M, n: N, k: K } = shape;
  const out = new Int32Array(M * N);
  if (operands.c) for (let i = 0; i < M * N; i++) out[i] = operands.c[i]!;
  const A = Float64Array.from(operands.a);
  // Largest power-of-two K block whose packed sums stay exact (see file comment).
  let block = 1 << 20;
  let shift = 0;
  if (packable) {
    const fits = (kb: number): number => {
      const sumBound = productBound * kb;
      const s = Math.floor(Math.log2(sumBound)) + 2;
      return sumBound * 2 ** s + sumBound < 2 ** 53 ? s : 0;
    };
    while (block > 1 && fits(block) === 0) block >>= 1;
    shift = fits(block);
  } else {
    while (block > 1 && productBound * block >= 2 ** 53) block >>= 1;
  }
  const packed = shift > 0 && block >= 16;
  const lanes = packed ? 2 : 1;
  const scale = packed ? 2 ** shift : 0;
  const cols = Math.ceil(N / lanes);
  const Bp = new Float64Array(cols * K);
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < cols; c++) {
      const n = c * lanes;
      const lo = operands.b[k * N + n]!;
      const hi = lanes === 2 && n + 1 < N ? operands.b[k * N + n + 1]! : 0;
      Bp[c * K + k] = lanes === 2 ? lo + hi * scale : lo;
    }
  }
  const sums = new Float64Array(4 * 4);
  const emit = (m: number, c: number, total: number): void => {
    const n = c * lanes;
    if (lanes === 1) {
      out[m * N + n] = (out[m * N + n]! + (total | 0)) | 0;
      return;
    }
    const hi = Math.round(total / scale);
    const lo = total - hi * scale;
    out[m * N + n] = (out[m * N + n]! + (lo | 0)) | 0;
    if (n + 1 < N) out[m * N + n + 1] = (out[m * N + n + 1]! + (hi | 0)) | 0;
  };
  for (let k0 = 0; k0 < K; k0 += block) {
    const k1 = Math.min(K, k0 + block);
    for (let m = 0; m < M; m += 4) {
      for (let c = 0; c < cols; c += 4) {
        if (m + 4 <= M && c + 4 <= cols) {
          kernel4x4(A, Bp, K, m, c, k0, k1, sums);
          for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) emit(m + i, c + j, sums[i * 4 + j]!);
          continue;
        }
        for (let i = m; i < Math.min(M, m + 4); i++) {
          for (let j = c; j < Math.min(cols, c + 4); j++) {
            let total = 0;
            for (let k = k0; k < k1; k++) total += A[i * K + k]! * Bp[j * K + k]!;
            emit(i, j, total);
          }
        }
      }
    }
  }
  return out;
}

/** Sums over k in [k0, k1) for 4 rows of A (row-major M x K) and 4 columns of B (stored K-contiguous). */
function kernel4x4(
  A: Float64Array,
  B: Float64Array,
  K: number,
  m: number,
  c: number,
  k0: number,
  k1: number,
  out: Float64Array,
): void {
  const r0 = m * K,
    r1 = r0 + K,
    r2 = r1 + K,
    r3 = r2 + K;
  const q0 = c * K,
    q1 = q0 + K,
    q2 = q1 + K,
    q3 = q2 + K;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let k = k0; k < k1; k++) {
    const a0 = A[r0 + k]!,
      a1 = A[r1 + k]!,
      a2 = A[r2 + k]!,
      a3 = A[r3 + k]!;
    const b0 = B[q0 + k]!,
      b1 = B[q1 + k]!,
      b2 = B[q2 + k]!,
      b3 = B[q3 + k]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  out[0] = c00;
  out[1] = c01;
  out[2] = c02;
  out[3] = c03;
  out[4] = c10;
  out[5] = c11;
  out[6] = c12;
  out[7] = c13;
  out[8] = c20;
  out[9] = c21;
  out[10] = c22;
  out[11] = c23;
  out[12] = c30;
  out[13] = c31;
  out[14] = c32;
  out[15] = c33;
}

function floatGemm(shape: GemmShape, kChunk: number, operands: GemmOperands): Float32Array {
  const { m: M, n: N, k: K } = shape;
  const out = new Float32Array(M * N);
  const A = Float64Array.from(operands.a);
  const Bt = new Float64Array(N * K);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) Bt[n * K + k] = operands.b[k * N + n]!;
  if (operands.c) for (let i = 0; i < M * N; i++) out[i] = operands.c[i]!;
  const sums = new Float64Array(16);
  for (let k0 = 0; k0 < K; k0 += kChunk) {
    const k1 = Math.min(K, k0 + kChunk);
    const first = k0 === 0 && !operands.c;
    for (let m = 0; m < M; m += 4) {
      for (let n = 0; n < N; n += 4) {
        if (m + 4 <= M && n + 4 <= N) {
          chunkSums4x4(A, Bt, K, m, n, k0, k1, sums);
          for (let i = 0; i < 4; i++)
            for (let j = 0; j < 4; j++) {
              const idx = (m + i) * N + n + j;
              out[idx] = first ? sums[i * 4 + j]! : out[idx]! + sums[i * 4 + j]!;
            }
          continue;
        }
        for (let i = m; i < Math.min(M, m + 4); i++) {
          for (let j = n; j < Math.min(N, n + 4); j++) {
            const s = chunkSum(A, Bt, i * K, j * K, k0, k1);
            out[i * N + j] = first ? s : out[i * N + j]! + s;
          }
        }
      }
    }
  }
  return out;
}

/** One output's chunk: +0, then each product in increasing k, every product and sum rounded to fp32
 * (bf16 products can leave fp32's range or precision; fp16 and fp8 products are exact, so rounding them
 * is a no-op and one kernel serves every float format). */
function chunkSum(A: Float64Array, Bt: Float64Array, r: number, q: number, k0: number, k1: number): number {
  const f = Math.fround;
  let s = 0;
  for (let k = k0; k < k1; k++) s = f(s + f(A[r + k]! * Bt[q + k]!));
  return s;
}

/** chunkSum for a 4 x 4 block of outputs at once (the same order for each). */
function chunkSums4x4(
  A: Float64Array,
  Bt: Float64Array,
  K: number,
  m: number,
  n: number,
  k0: number,
  k1: number,
  out: Float64Array,
): void {
  const f = Math.fround;
  const r0 = m * K,
    r1 = r0 + K,
    r2 = r1 + K,
    r3 = r2 + K;
  const q0 = n * K,
    q1 = q0 + K,
    q2 = q1 + K,
    q3 = q2 + K;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let k = k0; k < k1; k++) {
    const a0 = A[r0 + k]!,
      a1 = A[r1 + k]!,
      a2 = A[r2 + k]!,
      a3 = A[r3 + k]!;
    const b0 = Bt[q0 + k]!,
      b1 = Bt[q1 + k]!,
      b2 = Bt[q2 + k]!,
      b3 = Bt[q3 + k]!;
    c00 = f(c00 + f(a0 * b0));
    c01 = f(c01 + f(a0 * b1));
    c02 = f(c02 + f(a0 * b2));
    c03 = f(c03 + f(a0 * b3));
    c10 = f(c10 + f(a1 * b0));
    c11 = f(c11 + f(a1 * b1));
    c12 = f(c12 + f(a1 * b2));
    c13 = f(c13 + f(a1 * b3));
    c20 = f(c20 + f(a2 * b0));
    c21 = f(c21 + f(a2 * b1));
    c22 = f(c22 + f(a2 * b2));
    c23 = f(c23 + f(a2 * b3));
    c30 = f(c30 + f(a3 * b0));
    c31 = f(c31 + f(a3 * b1));
    c32 = f(c32 + f(a3 * b2));
    c33 = f(c33 + f(a3 * b3));
  }
  out[0] = c00;
  out[1] = c01;
  out[2] = c02;
  out[3] = c03;
  out[4] = c10;
  out[5] = c11;
  out[6] = c12;
  out[7] = c13;
  out[8] = c20;
  out[9] = c21;
  out[10] = c22;
  out[11] = c23;
  out[12] = c30;
  out[13] = c31;
  out[14] = c32;
  out[15] = c33;
}
