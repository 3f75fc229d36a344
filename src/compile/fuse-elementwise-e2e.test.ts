/** Pow(x, 2) and two-input Max, as fuse lowers them, run on the chip in bf16 and match the fp32 reference. */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { GraphBuilder } from '../graph/build.js';
import { evaluateGraph } from '../graph/evaluate.js';
import { runCompiledModel } from '../run/compiled-model.js';
import { compileAndVerify } from './compile.js';

describe('x^2 and max(a, b) on tpu-v4 (bf16)', () => {
  it('computes x*x and max of both operands', () => {
    const g = new GraphBuilder('square-max', 'fp32');
    const x = g.input('x', [4, 8]);
    const y = g.input('y', [4, 8]);
    const square = g.add('Pow', [x, g.constant('two', [2], 'fp32')], {}, 'square');
    const graph = g.build([g.add('Max', [square, y], {}, 'max')]);
    const inputs = {
      x: Array.from({ length: 32 }, (_, i) => (i - 16) / 8),
      y: Array.from({ length: 32 }, (_, i) => ((i * 7) % 11) / 4),
    };
    const chip = getChipPreset('tpu-v4')!;
    const { compiled, issues } = compileAndVerify(graph, chip, { dtype: 'bf16' });
    for (const list of Object.values(issues)) expect(list).toEqual([]);
    const actual = runCompiledModel(compiled, chip, { inputs }).outputs.get('max')!;
    const expected = evaluateGraph(graph, inputs).get('max')!;
    // The inputs are exact in bf16 (multiples of 1/8 and 1/4 below 4), and so are their squares.
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });
});
