import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../build.js';
import { evaluateGraph } from '../evaluate.js';
import type { Graph } from '../types.js';
import { expandForOnnx } from './expand-for-onnx.js';
import { graphToOnnx } from './export.js';
import { importOnnx } from './import.js';
import { encodeOnnx } from './onnx-model.js';
import { randomInput, relativeError, runOrt } from './test-support/ort.js';

const SHAPE = [2, 3, 8];
const WEIGHT = Array.from({ length: 8 }, (_, i) => 0.5 + i / 8);

type Form = 'div' | 'reciprocal' | 'mul-square';

/** An RMSNorm written out as an exporter writes it, in one of its forms; `leak` also outputs the rms. */
function writtenOut(form: Form, options: { exponent?: number; leak?: boolean } = {}): Graph {
  const b = new GraphBuilder('rms', 'fp32');
  const x = b.input('x', SHAPE);
  const scalar = (name: string, value: number): string => b.constant(name, [value], 'fp32');
  const square =
    form === 'mul-square'
      ? b.add('Mul', [x, x], {}, 'square')
      : b.add('Pow', [x, scalar('two', options.exponent ?? 2)], {}, 'square');
  const mean = b.add('ReduceMean', [square], { axes: [-1], keepdims: 1 }, 'mean');
  const rms = b.add('Sqrt', [b.add('Add', [mean, scalar('eps', 1e-6)], {}, 'add_eps')], {}, 'rms');
  const normalized =
    form === 'div'
      ? b.add('Div', [x, rms], {}, 'normalized')
      : b.add('Mul', [b.add('Reciprocal', [rms], {}, 'inverse'), x], {}, 'normalized');
  const weight = b.weight('weight', [8], WEIGHT);
  const y = b.add('Mul', form === 'div' ? [normalized, weight] : [weight, normalized], {}, 'scaled');
  return b.build(options.leak ? [y, rms] : [y]);
}

function roundTrip(graph: Graph): { bytes: Uint8Array; imported: Graph } {
  const bytes = encodeOnnx(graphToOnnx(graph, { opset: 17 }));
  const imported = importOnnx(bytes);
  if (!imported.ok) throw new Error(JSON.stringify(imported.issues));
  return { bytes, imported: imported.value };
}

describe('importing written-out RMSNorm chains', () => {
  for (const form of ['div', 'reciprocal', 'mul-square'] as const) {
    it(`puts the ${form} form back together as one RMSNormalization that computes what onnxruntime does`, async () => {
      const { bytes, imported } = roundTrip(writtenOut(form));
      expect(imported.nodes.map((n) => [n.op, n.inputs, n.outputs, n.attrs])).toEqual([
        ['RMSNormalization', ['x', 'weight'], ['scaled'], { axis: -1, epsilon: 1e-6 }],
      ]);
      expect(Object.keys(imported.tensors).sort()).toEqual(['scaled', 'weight', 'x']);
      const data = randomInput(SHAPE, 4);
      const theirs = (await runOrt(bytes, { x: { data, shape: SHAPE } }))['scaled']!;
      expect(relativeError(evaluateGraph(imported, { x: data }).get('scaled')!, theirs)).toBeLessThan(1e-6);
    });
  }

  it('leaves a chain alone when it is not x^2, or when its rms is read elsewhere', () => {
    for (const graph of [writtenOut('div', { exponent: 3 }), writtenOut('reciprocal', { leak: true })])
      expect(roundTrip(graph).imported.nodes.map((n) => n.op)).not.toContain('RMSNormalization');
  });

  it("reads back tpusim's own RMSNormalization, exported by expandForOnnx", () => {
    const b = new GraphBuilder('norm', 'fp32');
    const x = b.input('x', SHAPE);
    const graph = b.build([b.add('RMSNormalization', [x, b.weight('w', [8], WEIGHT)], { epsilon: 1e-5, axis: -1 })]);
    const { imported } = roundTrip(expandForOnnx(graph));
    expect(imported.nodes.map((n) => [n.op, n.inputs, n.attrs])).toEqual([
      ['RMSNormalization', ['x', 'w'], { axis: -1, epsilon: 1e-5 }],
    ]);
  });
});
