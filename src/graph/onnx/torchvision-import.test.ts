/**
 * What torchvision's and torch.nn's exports needed from the importer (issue 17, scripts/onnx-torch-exports.py):
 * the ops they emit (HardSigmoid, HardSwish, Equal, Where, Mod, Pad, ConstantOfShape of a computed
 * shape), checked against onnxruntime on the same model; and LayerNorm written out below opset 17
 * read back as one LayerNormalization.
 */
import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../core/errors.js';
import { evaluateGraph } from '../evaluate.js';
import type { Graph } from '../types.js';
import { importOnnx } from './import.js';
import { makeTensor } from './onnx-model.js';
import { FixtureBuilder, float, int, ints, type OnnxFixture } from './test-support/onnx-models.js';
import { randomInput, relativeError, runOrt } from './test-support/ort.js';
import { torchEncoderModel } from './test-support/torch-encoder.js';

const TOLERANCE = 1e-6;

function load(fixture: OnnxFixture): Graph {
  const imported = importOnnx(fixture.bytes);
  if (!imported.ok) throw new Error(formatIssues(imported.issues));
  return imported.value;
}

async function againstOrt(fixture: OnnxFixture, shape: readonly number[]): Promise<number> {
  const graph = load(fixture);
  const x = randomInput(shape, 5).map((v) => v * 4);
  const reference = await runOrt(fixture.bytes, { x: { data: x, shape } });
  return relativeError(evaluateGraph(graph, { x }).get('y')!, reference['y']!);
}

describe('ops torchvision exports emit, against onnxruntime', () => {
  it('HardSigmoid (alpha 1/6, beta 1/2, as MobileNetV3 exports it) and HardSwish', async () => {
    const b = new FixtureBuilder(1);
    const gate = b.node('HardSigmoid', '/HardSigmoid', ['x'], [float('alpha', 1 / 6), float('beta', 0.5)]);
    b.node('Add', '/Add', [gate, b.node('HardSwish', '/HardSwish', ['x'])], [], 'y');
    expect(
      await againstOrt(b.model([{ name: 'x', shape: [4, 8] }], [{ name: 'y', shape: [4, 8] }]), [4, 8]),
    ).toBeLessThan(TOLERANCE);
  });

  it('Equal, Less, Greater and Where choose between tensors', async () => {
    const b = new FixtureBuilder(2);
    const rounded = b.node('Mod', '/Mod', ['x', b.constant('float', [], [1])], [int('fmod', 1)]);
    const same = b.node('Equal', '/Equal', [b.node('Relu', '/Relu', ['x']), 'x']);
    const chosen = b.node('Where', '/Where', [same, rounded, b.node('Neg', '/Neg', ['x'])]);
    const small = b.node('Less', '/Less', ['x', b.constant('float', [], [-1])]);
    const large = b.node('Greater', '/Greater', ['x', b.constant('float', [], [1])]);
    b.node(
      'Where',
      '/Where_2',
      [small, 'x', b.node('Where', '/Where_1', [large, b.constant('float', [1], [9]), chosen])],
      [],
      'y',
    );
    expect(
      await againstOrt(b.model([{ name: 'x', shape: [3, 5] }], [{ name: 'y', shape: [3, 5] }]), [3, 5]),
    ).toBeLessThan(TOLERANCE);
  });

  it('Pad (constant mode, both ends, with a crop) and a ConstantOfShape whose shape other nodes compute', async () => {
    const b = new FixtureBuilder(3);
    const padded = b.node('Pad', '/Pad', ['x', b.int64('pads', [0, 1, 2, 0, -1, 1]), b.constant('float', [], [0.5])]);
    // Swin's pattern: the shape comes from Shape, so it is known only once inference folds it.
    const fill = b.node(
      'ConstantOfShape',
      '/ConstantOfShape',
      [b.node('Shape', '/Shape', [padded])],
      [{ name: 'value', type: 'tensor', value: makeTensor('', 'float', [1], [2]) }],
    );
    b.node('Mul', '/Mul', [padded, fill], [], 'y');
    expect(
      await againstOrt(b.model([{ name: 'x', shape: [2, 3, 4] }], [{ name: 'y', shape: [2, 3, 7] }]), [2, 3, 4]),
    ).toBeLessThan(TOLERANCE);
  });

  it('integer Mod takes the sign of the divisor (fmod 0), as Python does', async () => {
    const b = new FixtureBuilder(4);
    const ints64 = b.int64('values', [-7, 7, -7, 7]);
    const divisors = b.int64('divisors', [3, -3, -3, 3]);
    const mod = b.node('Cast', '/Cast', [b.node('Mod', '/Mod', [ints64, divisors])], [int('to', 1)]);
    b.node('Add', '/Add', ['x', mod], [], 'y');
    const fixture = b.model([{ name: 'x', shape: [4] }], [{ name: 'y', shape: [4] }]);
    const graph = load(fixture);
    expect(Array.from(graph.tensors['/Cast_output_0']!.data!)).toEqual([2, -2, -1, 1]);
    expect(await againstOrt(fixture, [4])).toBeLessThan(TOLERANCE);
  });
});

describe('LayerNorm written out (torch below opset 17)', () => {
  const fixture = torchEncoderModel({ batch: 2, seq: 8, dModel: 32, heads: 4, ff: 64 });

  it('imports as one LayerNormalization per norm, with its epsilon, gain and bias', () => {
    const graph = load(fixture);
    const norms = graph.nodes.filter((n) => n.op === 'LayerNormalization');
    expect(norms.map((n) => n.name)).toEqual([
      '/layers.0/norm1/LayerNormalization',
      '/layers.0/norm2/LayerNormalization',
    ]);
    expect(norms[0]!.inputs.slice(1)).toEqual(['layers.0.norm1.weight', 'layers.0.norm1.bias']);
    expect(norms[0]!.attrs).toEqual({ axis: -1, epsilon: 1e-5 });
    expect(graph.nodes.filter((n) => ['Pow', 'Sqrt', 'ReduceMean'].includes(n.op))).toEqual([]);
  });

  it('computes what onnxruntime computes for the written-out chain', async () => {
    const x = randomInput([2, 8, 32], 3);
    const reference = await runOrt(fixture.bytes, { x: { data: x, shape: [2, 8, 32] } });
    expect(relativeError(evaluateGraph(load(fixture), { x }).get('y')!, reference['y']!)).toBeLessThan(1e-5);
  });

  it('leaves the chain alone when another node reads a value inside it', () => {
    const b = new FixtureBuilder(5);
    const centred = b.node('Sub', '/Sub', ['x', b.node('ReduceMean', '/ReduceMean', ['x'], [ints('axes', [-1])])]);
    const variance = b.node(
      'ReduceMean',
      '/ReduceMean_1',
      [b.node('Pow', '/Pow', [centred, b.constant('float', [], [2])])],
      [ints('axes', [-1])],
    );
    const std = b.node('Sqrt', '/Sqrt', [b.node('Add', '/Add', [variance, b.constant('float', [], [1e-5])])]);
    const normed = b.node('Mul', '/Mul', [b.node('Div', '/Div', [centred, std]), b.uniform('gamma', [8], 0.5, 1.5)]);
    b.node('Add', '/Add_1', [normed, centred], [], 'y');
    const graph = load(b.model([{ name: 'x', shape: [2, 8] }], [{ name: 'y', shape: [2, 8] }]));
    expect(graph.nodes.some((n) => n.op === 'LayerNormalization')).toBe(false);
  });
});
