/**
 * The plain reference GEMM: three loops and the documented accumulation order (see operands.ts). Every
 * engine must reproduce its output bit for bit.
 */
import type { MatrixInputFormat } from '../../arch/chip-spec.js';
import { arithmeticFor } from './operands.js';
import type { GemmOperands, GemmShape } from './types.js';

export function referenceGemm(
  shape: GemmShape,
  format: MatrixInputFormat,
  kChunk: number,
  operands: GemmOperands,
): Int32Array | Float32Array {
  const { m: M, n: N, k: K } = shape;
  const { a, b, c } = operands;
  const arith = arithmeticFor(format);
  const out = arith.newOutput(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc: number | undefined = c === undefined ? undefined : c[m * N + n]!;
      for (let k0 = 0; k0 < K; k0 += kChunk) {
        let sum = 0;
        for (let k = k0; k < Math.min(K, k0 + kChunk); k++)
          sum = arith.add(sum, arith.mul(a[m * K + k]!, b[k * N + n]!));
        acc = acc === undefined ? sum : arith.add(acc, sum);
      }
      out[m * N + n] = acc!;
    }
  }
  return out;
}
