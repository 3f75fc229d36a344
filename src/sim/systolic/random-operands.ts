/** Seeded random operands in a matrix unit's input format, for checks and demos. */
import { NUMBER_FORMATS } from '../../core/number-formats.js';
import { createRng } from '../../core/rng.js';
import type { MatrixInputFormat } from '../../arch/chip-spec.js';
import type { GemmOperands, GemmShape } from './types.js';

export function randomOperands(
  shape: GemmShape,
  format: MatrixInputFormat,
  seed: number,
  accumulate = false,
): GemmOperands {
  const rng = createRng(seed);
  const info = NUMBER_FORMATS[format];
  const draw = (count: number): Float64Array =>
    Float64Array.from({ length: count }, () =>
      info.kind === 'int' ? rng.int(info.min, info.max) : info.quantize(rng.normal() * 2),
    );
  const a = draw(shape.m * shape.k);
  const b = draw(shape.k * shape.n);
  if (!accumulate) return { a, b };
  const acc = NUMBER_FORMATS[info.accumulator];
  return { a, b, c: Float64Array.from({ length: shape.m * shape.n }, () => acc.quantize(rng.normal() * 100)) };
}

/** The first element where two outputs differ (by value and sign of zero), or undefined. */
export function firstDifference(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): { index: number; actual: number; expected: number } | undefined {
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return { index: i, actual: actual[i]!, expected: expected[i]! };
  }
  return actual.length === expected.length ? undefined : { index: expected.length, actual: NaN, expected: NaN };
}
