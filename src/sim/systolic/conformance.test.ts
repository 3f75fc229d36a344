/**
 * One conformance suite for every systolic engine x dataflow x number format x buffering, on seeded
 * random shapes (including M = 1, K = 1, shapes that are not multiples of the array, 1 x N and N x 1
 * arrays): outputs must equal the reference bit for bit, and all engines must report identical stats.
 */
import { describe, expect, it } from 'vitest';
import { NUMBER_FORMATS } from '../../core/number-formats.js';
import { createRng, type Rng } from '../../core/rng.js';
import { DATAFLOWS, type MatrixInputFormat } from '../../arch/chip-spec.js';
import { SYSTOLIC_ENGINES } from './engines.js';
import { createRegisterEngine } from './register-engine.js';
import { accumulationChunk } from './operands.js';
import { referenceGemm } from './reference.js';
import type { ArrayConfig, GemmOperands, GemmShape } from './types.js';

const FORMATS: MatrixInputFormat[] = ['int8', 'uint8', 'int16', 'bf16', 'fp16', 'fp8-e4m3', 'fp8-e5m2'];

function randomValues(rng: Rng, format: MatrixInputFormat, count: number): Float64Array {
  const info = NUMBER_FORMATS[format];
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (info.kind === 'int') out[i] = rng.int(info.min, info.max);
    else {
      const special = rng.next();
      // Mostly ordinary values; some zeros of both signs, tiny and huge values to exercise rounding.
      const x =
        special < 0.05 ? (rng.next() < 0.5 ? 0 : -0) : special < 0.1 ? rng.normal() * info.max : rng.normal() * 4;
      out[i] = info.quantize(x);
    }
  }
  return out;
}

function randomOperands(rng: Rng, shape: GemmShape, format: MatrixInputFormat, accumulate: boolean): GemmOperands {
  const a = randomValues(rng, format, shape.m * shape.k);
  const b = randomValues(rng, format, shape.k * shape.n);
  if (!accumulate) return { a, b };
  const accumulator = NUMBER_FORMATS[NUMBER_FORMATS[format].accumulator];
  const c = Float64Array.from({ length: shape.m * shape.n }, () => accumulator.quantize(rng.normal() * 100));
  return { a, b, c };
}

function sameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < actual.length; i++)
    if (!Object.is(actual[i], expected[i])) return `element ${i}: ${actual[i]} != ${expected[i]}`;
  return undefined;
}

/** Every engine, with the register-level one on both span machines. */
const ENGINES = [
  { label: 'register (wasm)', engine: createRegisterEngine('wasm') },
  { label: 'register (js)', engine: createRegisterEngine('js') },
  { label: 'fold', engine: SYSTOLIC_ENGINES.fold },
];

const ARRAYS: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [1, 5],
  [5, 1],
  [3, 4],
  [4, 4],
  [8, 3],
  [2, 8],
];

describe.each(DATAFLOWS)('dataflow %s', (dataflow) => {
  describe.each(FORMATS)('%s', (format) => {
    it.each([true, false])('double-buffered %s: engines match the reference and each other', (doubleBuffered) => {
      const rng = createRng(format.length * 131 + dataflow.charCodeAt(0) + (doubleBuffered ? 7 : 0));
      for (let trial = 0; trial < 12; trial++) {
        const [rows, cols] = ARRAYS[trial % ARRAYS.length]!;
        const shape = {
          m: trial === 0 ? 1 : rng.int(1, 11),
          n: rng.int(1, 11),
          k: trial === 1 ? 1 : rng.int(1, 13),
        };
        const array: ArrayConfig = { rows, cols, dataflow, format, doubleBuffered };
        const operands = randomOperands(rng, shape, format, trial % 3 === 2);
        const expected = referenceGemm(shape, format, accumulationChunk(array, shape), operands);
        const results = ENGINES.map(({ label, engine }) => ({
          engine: label,
          ...engine.run({ shape, array, operands }),
        }));
        for (const r of results) {
          const where = `${r.engine} ${rows}x${cols} ${JSON.stringify(shape)}`;
          expect(sameBits(r.output!, expected), where).toBeUndefined();
          expect(r.stats, where).toEqual(results[0]!.stats);
        }
        const timingOnly = SYSTOLIC_ENGINES.fold.run({ shape, array });
        expect({ ...timingOnly.stats, accesses: undefined }).toEqual({ ...results[0]!.stats, accesses: undefined });
      }
    });
  });
});

describe('larger arrays', () => {
  it.each(DATAFLOWS)('%s on 16x16 with edge folds agrees in cycles and bits', (dataflow) => {
    const rng = createRng(99);
    for (const shape of [
      { m: 40, n: 37, k: 35 },
      { m: 3, n: 50, k: 70 },
      { m: 70, n: 2, k: 5 },
    ]) {
      for (const doubleBuffered of [true, false]) {
        const array: ArrayConfig = { rows: 16, cols: 16, dataflow, format: 'bf16', doubleBuffered };
        const operands = randomOperands(rng, shape, 'bf16', false);
        const expected = referenceGemm(shape, 'bf16', accumulationChunk(array, shape), operands);
        const results = ENGINES.map(({ engine }) => engine.run({ shape, array, operands }));
        for (const r of results) {
          expect(sameBits(r.output!, expected)).toBeUndefined();
          expect(r.stats).toEqual(results[0]!.stats);
        }
      }
    }
  });
});
