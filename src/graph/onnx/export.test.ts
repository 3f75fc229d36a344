import { describe, expect, it } from 'vitest';
import { formatIssues, type Result } from '../../core/errors.js';
import { parameterCount } from '../analysis.js';
import { GraphBuilder } from '../build.js';
import { GraphError } from '../errors.js';
import { evaluateGraph } from '../evaluate.js';
import type { Graph } from '../types.js';
import { CNN_ZOO } from '../zoo/cnn.js';
import { graphToOnnx } from './export.js';
import { importOnnx } from './import.js';
import { encodeOnnx, tensorValues, type OnnxModel } from './onnx-model.js';
import { ONNX_FIXTURES } from './test-support/onnx-models.js';
import { randomInput, relativeError, runOrt } from './test-support/ort.js';

/** fp32 reference (per-op rounding, plain summation order) against onnxruntime's kernels. */
const TOLERANCE = 1e-4;

function ok(result: Result<Graph>): Graph {
  if (!result.ok) throw new Error(formatIssues(result.issues));
  return result.value;
}

/** Exports, writes, reads back, and checks the fp32 reference against onnxruntime on one seeded input. */
async function roundTrip(
  graph: Graph,
  weights: 'data' | 'random',
): Promise<{ imported: Graph; error: number; reference: Float32Array }> {
  const bytes = encodeOnnx(graphToOnnx(graph, { weights, seed: 1 }));
  const imported = ok(importOnnx(bytes, { fileName: `${graph.name}.onnx` }));
  const [input] = imported.inputs;
  const shape = imported.tensors[input!]!.shape;
  const data = randomInput(shape, 2);
  const reference = (await runOrt(bytes, { [input!]: { data, shape } }))[imported.outputs[0]!]!;
  const ours = evaluateGraph(imported, { [input!]: data }).get(imported.outputs[0]!)!;
  return { imported, error: relativeError(ours, reference), reference };
}

/** The first `count` nodes of a graph, with the last one's output as the graph's. */
function prefix(graph: Graph, count: number): Graph {
  const nodes = graph.nodes.slice(0, count);
  const used = new Set([...graph.inputs, ...nodes.flatMap((n) => [...n.inputs, ...n.outputs])]);
  return {
    ...graph,
    nodes,
    outputs: [nodes.at(-1)!.outputs[0]!],
    tensors: Object.fromEntries(Object.entries(graph.tensors).filter(([n]) => used.has(n))),
  };
}

const zooEntry = (name: string) => CNN_ZOO.find((e) => e.name === name)!;
const buildZooModel = (name: string): Graph => zooEntry(name).build(zooEntry(name).defaults);

const attributesOf = (model: OnnxModel, op: string) => model.graph.nodes.find((n) => n.opType === op)!.attributes;

describe('graphToOnnx: resnet50 from the zoo with random weights', () => {
  const original = buildZooModel('resnet50');
  const model = graphToOnnx(original, { weights: 'random', seed: 1 });
  const bytes = encodeOnnx(model);
  const imported = ok(importOnnx(bytes, { fileName: 'resnet50.onnx' }));

  it('reads back with the same nodes, tensors and parameter count (25,557,032)', () => {
    expect(imported.nodes.map((n) => [n.name, n.op, n.inputs, n.outputs])).toEqual(
      original.nodes.map((n) => [n.name, n.op, n.inputs, n.outputs]),
    );
    expect(imported.nodes.map((n) => n.attrs)).toEqual(original.nodes.map((n) => n.attrs));
    expect(Object.keys(imported.tensors).sort()).toEqual(Object.keys(original.tensors).sort());
    for (const t of Object.values(original.tensors))
      expect([t.name, imported.tensors[t.name]!.shape, imported.tensors[t.name]!.kind]).toEqual([
        t.name,
        t.shape,
        t.kind,
      ]);
    expect(parameterCount(imported)).toBe(25_557_032);
  });

  it('draws positive batch-norm variances', () => {
    const variances = model.graph.initializers.filter((t) => t.name.endsWith('running_var'));
    expect(variances).toHaveLength(53);
    for (const t of variances) {
      const values = tensorValues(t);
      expect(values.ok && values.value.every((v) => v > 0)).toBe(true);
    }
  });

  it('runs in onnxruntime with activations of order 1', async () => {
    const logits = (
      await runOrt(bytes, { input: { data: randomInput([1, 3, 224, 224], 3), shape: [1, 3, 224, 224] } })
    )['fc']!;
    expect(logits).toHaveLength(1000);
    const rms = Math.sqrt(logits.reduce((s, v) => s + v * v, 0) / logits.length);
    expect(rms).toBeGreaterThan(0.01);
    expect(rms).toBeLessThan(10);
  });

  it('matches onnxruntime through the stem and the first bottleneck block', async () => {
    const firstBlock = prefix(imported, imported.nodes.findIndex((n) => n.op === 'Add') + 2);
    expect(firstBlock.outputs[0]).toBe(firstBlock.nodes.at(-1)!.outputs[0]);
    const { error } = await roundTrip(firstBlock, 'data');
    expect(error).toBeLessThan(TOLERANCE);
  });
});

describe('graphToOnnx: other graphs', () => {
  // LeNet-5's RBF centres (10 x 84) are fixed, state in the zoo; an ONNX file cannot tell them from weights.
  for (const [name, extra] of [
    ['mlp', 0],
    ['lenet', 10 * 84],
  ] as const) {
    it(`zoo ${name} with random weights matches onnxruntime within ${TOLERANCE} of max |output|`, async () => {
      const { imported, error } = await roundTrip(buildZooModel(name), 'random');
      expect(parameterCount(imported)).toBe(zooEntry(name).publishedParameters + extra);
      expect(error).toBeLessThan(TOLERANCE);
    });
  }

  it('writes mobilenet-v2 (Clip bounds as inputs) so onnxruntime runs it', async () => {
    const bytes = encodeOnnx(graphToOnnx(buildZooModel('mobilenet-v2'), { weights: 'random' }));
    const out = (await runOrt(bytes, { input: { data: randomInput([1, 3, 224, 224], 4), shape: [1, 3, 224, 224] } }))[
      'classifier.1'
    ]!;
    expect(out.every(Number.isFinite)).toBe(true);
  });

  for (const [name, make] of Object.entries(ONNX_FIXTURES)) {
    it(`imported ${name} writes back to a model that computes the same`, async () => {
      const fixture = make();
      const graph = ok(importOnnx(fixture.bytes));
      const { error, reference } = await roundTrip(graph, 'data');
      const shape = fixture.inputs[0]!.shape;
      const original = (await runOrt(fixture.bytes, { input: { data: randomInput(shape, 2), shape } }))['output']!;
      expect(relativeError(reference, original)).toBeLessThan(TOLERANCE);
      expect(error).toBeLessThan(TOLERANCE);
    });
  }
});

describe('graphToOnnx: attributes and opsets', () => {
  function small(): Graph {
    const b = new GraphBuilder('small');
    const x = b.input('x', [2, 4, 3, 3]);
    const bn = b.add('BatchNormalization', [x, ...['g', 'b', 'm', 'v'].map((n) => b.weight(n, [4], [1, 0, 0, 1]))], {
      epsilon: 1,
    });
    const mean = b.add('ReduceMean', [b.add('Cast', [bn], { to: 'fp32' })], { axes: [2, 3], keepdims: 0 });
    const sq = b.add('Unsqueeze', [mean], { axes: [1] });
    return b.build([b.add('LeakyRelu', [sq], { alpha: 0.5 })]);
  }

  it('writes whole-number float attributes as floats, lists as ints and Cast types as codes', () => {
    const model = graphToOnnx(small());
    expect(attributesOf(model, 'BatchNormalization')).toEqual([{ name: 'epsilon', type: 'float', value: 1 }]);
    expect(attributesOf(model, 'Cast')).toEqual([{ name: 'to', type: 'int', value: 1 }]);
    expect(attributesOf(model, 'ReduceMean')).toEqual([
      { name: 'axes', type: 'ints', value: [2, 3] },
      { name: 'keepdims', type: 'int', value: 0 },
    ]);
    expect(attributesOf(model, 'LeakyRelu')).toEqual([{ name: 'alpha', type: 'float', value: 0.5 }]);
  });

  it('moves axes to inputs from the opset that takes them as inputs', async () => {
    const at17 = graphToOnnx(small(), { opset: 17 });
    expect(at17.graph.nodes.find((n) => n.opType === 'Unsqueeze')!.inputs).toHaveLength(2);
    expect(at17.graph.nodes.find((n) => n.opType === 'ReduceMean')!.inputs).toHaveLength(1);
    const at18 = graphToOnnx(small(), { opset: 18 });
    expect(at18.irVersion).toBe(8);
    expect(attributesOf(at18, 'ReduceMean')).toEqual([{ name: 'keepdims', type: 'int', value: 0 }]);
    for (const model of [at17, at18]) {
      const bytes = encodeOnnx(model);
      const graph = ok(importOnnx(bytes));
      const data = randomInput([2, 4, 3, 3], 5);
      const reference = (await runOrt(bytes, { x: { data, shape: [2, 4, 3, 3] } }))[graph.outputs[0]!]!;
      expect(relativeError(evaluateGraph(graph, { x: data }).get(graph.outputs[0]!)!, reference)).toBeLessThan(
        TOLERANCE,
      );
    }
  });

  it('draws the same random weights from the same seed', () => {
    const mlp = buildZooModel('mlp');
    const bytes = (seed: number): number[] => Array.from(encodeOnnx(graphToOnnx(mlp, { weights: 'random', seed })));
    expect(bytes(7)).toEqual(bytes(7));
    expect(bytes(7)).not.toEqual(bytes(8));
  });

  it('refuses tpusim-only ops, ops newer than the opset, and weights without values', () => {
    const b = new GraphBuilder('attention');
    const q = b.input('q', [1, 4, 8]);
    const graph = b.build([b.add('Attention', [q, q, q], { num_heads: 2 }, 'self_attn')]);
    expect(() => graphToOnnx(graph)).toThrow(GraphError);
    expect(() => graphToOnnx(graph)).toThrow("tpusim ops with no ONNX operator: Attention (1 nodes, e.g. 'self_attn')");
    const g = new GraphBuilder('gelu');
    const gelu = g.build([g.add('Gelu', [g.input('x', [2])], {}, 'act')]);
    expect(() => graphToOnnx(gelu, { opset: 17 })).toThrow("node 'act' (Gelu) needs opset 20 or newer");
    expect(graphToOnnx(gelu, { opset: 20 }).irVersion).toBe(9);
    expect(() => graphToOnnx(gelu, { opset: 12 })).toThrow('opset 12 is outside the 13 to 22 tpusim exports');
    expect(() => graphToOnnx(buildZooModel('mlp'))).toThrow(
      "weight 'fc1.weight' (fp32) has no values to write; export with weights: 'random' to fill it",
    );
  });
});
