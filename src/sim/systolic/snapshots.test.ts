/**
 * Snapshots of the register-level engine show the array as the micro-architecture defines it
 * (docs/systolic-array.md): skewed operands, partial sums flowing down, switched weights.
 */
import { describe, expect, it } from 'vitest';
import { createRegisterEngine } from './register-engine.js';
import type { ArrayConfig } from './types.js';

const A = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]; // 4 x 3
const B = [1, -1, 2, 0, 3, -2, 4, 1, 5]; // 3 x 3

describe.each(['wasm', 'js'] as const)('snapshots (%s span machine)', (machine) => {
  const engine = createRegisterEngine(machine);

  it('weight-stationary: skew, switched weights and partial sums', () => {
    const array: ArrayConfig = { rows: 3, cols: 3, dataflow: 'ws', format: 'int8', doubleBuffered: true };
    const run = engine.run({ shape: { m: 4, n: 3, k: 3 }, array, operands: { a: A, b: B }, record: { maxCycles: 40 } });
    const snaps = run.snapshots!;
    expect(snaps).toHaveLength(run.stats.totalCycles);
    // The tile loads in R = 3 cycles; the first row enters cell (0, 0) at cycle 3.
    expect(snaps[2]!.tokens[0]).toBe(-1);
    const s3 = snaps[3]!;
    expect(s3.tokens[0]).toBe(0);
    expect(s3.fromLeft[0]).toBe(A[0]);
    expect(s3.held[0]).toBe(B[0]);
    expect(s3.fromTop[0]).toBe(A[0]! * B[0]!);
    // Token 0 reaches cell (1, 1) at cycle 3 + 1 + 1 carrying A[0][1], with sum A[0][0]B[0][1] + A[0][1]B[1][1].
    const s5 = snaps[5]!;
    const cell11 = 1 * 3 + 1;
    expect(s5.tokens[cell11]).toBe(0);
    expect(s5.fromLeft[cell11]).toBe(A[1]);
    expect(s5.held[cell11]).toBe(B[4]);
    expect(s5.fromTop[cell11]).toBe(A[0]! * B[1]! + A[1]! * B[4]!);
    // Cell (2, 2) sees token 1 (row 1 of A) at cycle 3 + 1 + 2 + 2.
    expect(snaps[8]!.tokens[2 * 3 + 2]).toBe(1);
    expect(snaps[8]!.fromLeft[2 * 3 + 2]).toBe(A[3 + 2]);
  });

  it('output-stationary: each cell accumulates its own output', () => {
    const array: ArrayConfig = { rows: 4, cols: 3, dataflow: 'os', format: 'int8', doubleBuffered: true };
    const run = engine.run({ shape: { m: 4, n: 3, k: 3 }, array, operands: { a: A, b: B }, record: { maxCycles: 40 } });
    const snaps = run.snapshots!;
    // Cell (i, j) multiplies step k at cycle k + i + j; after k = 2 it holds C[i][j].
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        const c = [0, 1, 2].reduce((sum, k) => sum + A[i * 3 + k]! * B[k * 3 + j]!, 0);
        expect(snaps[2 + i + j]!.held[i * 3 + j]).toBe(c);
        expect(snaps[2 + i + j]!.tokens[i * 3 + j]).toBe(2);
      }
    }
    expect(Array.from(run.output!)).toEqual(
      [0, 1, 2, 3].flatMap((i) =>
        [0, 1, 2].map((j) => [0, 1, 2].reduce((s, k) => s + A[i * 3 + k]! * B[k * 3 + j]!, 0)),
      ),
    );
  });

  it('refuses to record arrays larger than 32 x 32', () => {
    const array: ArrayConfig = { rows: 64, cols: 64, dataflow: 'ws', format: 'int8', doubleBuffered: true };
    expect(() => engine.run({ shape: { m: 4, n: 4, k: 4 }, array, record: { maxCycles: 10 } })).toThrow(
      /at most 32 x 32/,
    );
  });
});
