/**
 * Operand checks and the accumulation order every engine and the reference share.
 *
 * Order (docs/systolic-array.md): each pass of partial sums down the array's rows reduces one chunk of
 * K (R values for ws/is, all K for os), starting from +0 and adding products in increasing k; the chunk
 * sums then reach the accumulator in increasing k: the first overwrites it (or adds to the initial C
 * when accumulating), later ones add. Products of the narrow input formats are exact in fp32; every sum
 * rounds to fp32 (ties to even). Integer products and sums wrap in int32.
 */
import { NUMBER_FORMATS } from '../../core/number-formats.js';
import type { MatrixInputFormat } from '../../arch/chip-spec.js';
import { DATAFLOW_MAPPINGS } from './dataflows.js';
import { SimError } from '../errors.js';
import type { ArrayConfig, GemmOperands, GemmShape } from './types.js';

export interface Arithmetic {
  readonly isFloat: boolean;
  mul(a: number, b: number): number;
  add(a: number, b: number): number;
  newOutput(length: number): Int32Array | Float32Array;
}

const FLOAT: Arithmetic = {
  isFloat: true,
  mul: (a, b) => Math.fround(a * b),
  add: (a, b) => Math.fround(a + b),
  newOutput: (length) => new Float32Array(length),
};

const INT: Arithmetic = {
  isFloat: false,
  mul: (a, b) => Math.imul(a, b),
  add: (a, b) => (a + b) | 0,
  newOutput: (length) => new Int32Array(length),
};

export function arithmeticFor(format: MatrixInputFormat): Arithmetic {
  return NUMBER_FORMATS[format].kind === 'float' ? FLOAT : INT;
}

/** K values reduced by one pass down the array: R for the stationary dataflows, K for output-stationary. */
export function accumulationChunk(array: ArrayConfig, shape: GemmShape): number {
  return DATAFLOW_MAPPINGS[array.dataflow].mechanism === 'output' ? shape.k : array.rows;
}

export function checkShape(shape: GemmShape): void {
  for (const dim of ['m', 'n', 'k'] as const) {
    const value = shape[dim];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new SimError(
        'bad_shape',
        `GEMM dimension ${dim.toUpperCase()} must be a positive integer, got ${String(value)}`,
      );
    }
  }
}

/** Operand lengths must match the shape and every value must be representable in the input format. */
export function checkOperands(shape: GemmShape, format: MatrixInputFormat, operands: GemmOperands): void {
  const expect = (
    name: string,
    data: ArrayLike<number>,
    length: number,
    check: (v: number) => boolean,
    what: string,
  ): void => {
    if (data.length !== length)
      throw new SimError('bad_operand', `operand ${name} has ${data.length} elements, expected ${length}`);
    for (let i = 0; i < length; i++) {
      const v = data[i]!;
      if (!check(v)) throw new SimError('bad_operand', `operand ${name}[${i}] = ${v} is not ${what}`);
    }
  };
  const info = NUMBER_FORMATS[format];
  const inFormat =
    info.kind === 'int'
      ? (v: number): boolean => Number.isInteger(v) && v >= info.min && v <= info.max
      : (v: number): boolean => Object.is(info.quantize(v, { saturate: false }), v) || Number.isNaN(v);
  expect('A', operands.a, shape.m * shape.k, inFormat, `representable in ${format}`);
  expect('B', operands.b, shape.k * shape.n, inFormat, `representable in ${format}`);
  if (operands.c !== undefined) {
    const acc = NUMBER_FORMATS[info.accumulator];
    expect(
      'C',
      operands.c,
      shape.m * shape.n,
      (v) => Object.is(acc.quantize(v), v) || Number.isNaN(v),
      `representable in ${acc.name}`,
    );
  }
}
