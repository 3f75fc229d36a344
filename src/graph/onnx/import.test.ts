import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { formatIssues, type Result } from '../../core/errors.js';
import { parameterCount } from '../analysis.js';
import { evaluateGraph } from '../evaluate.js';
import type { Graph } from '../types.js';
import { importOnnx, onnxToGraph } from './import.js';
import { encodeOnnx, makeTensor, type OnnxModel, type OnnxNode, type OnnxValueInfo } from './onnx-model.js';
import {
  encoderLayerModel,
  FixtureBuilder,
  int,
  lenetModel,
  mlpModel,
  ONNX_FIXTURES,
  resnetBlockModel,
} from './test-support/onnx-models.js';
import { randomInput, relativeError, runOrt } from './test-support/ort.js';

/** fp32 reference (per-op rounding, plain summation order) against onnxruntime's kernels. */
const TOLERANCE = 1e-4;

function ok(result: Result<Graph>): Graph {
  if (!result.ok) throw new Error(formatIssues(result.issues));
  return result.value;
}

function problems(result: Result<Graph>): string {
  expect(result.ok).toBe(false);
  return result.ok ? '' : formatIssues(result.issues);
}

const withGraph = (model: OnnxModel, change: Partial<OnnxModel['graph']>): OnnxModel => ({
  ...model,
  graph: { ...model.graph, ...change },
});
const withInput = (model: OnnxModel, input: OnnxValueInfo): OnnxModel => withGraph(model, { inputs: [input] });

/** x [2, 8] -> `nodes` -> 'output' [2, 8], for small hand-written models. */
function tinyModel(nodes: readonly OnnxNode[], output: readonly number[] = [2, 8], opset = 17): OnnxModel {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: opset }],
    producerName: 'test',
    graph: {
      name: 'tiny',
      nodes,
      initializers: [],
      inputs: [{ name: 'x', elemType: 'float', shape: [2, 8] }],
      outputs: [{ name: 'output', elemType: 'float', shape: [...output] }],
      valueInfo: [],
    },
  };
}

const node = (
  opType: string,
  inputs: readonly string[],
  output: string,
  attributes: OnnxNode['attributes'] = [],
  name = output,
  domain = '',
): OnnxNode => ({ name, opType, domain, inputs, outputs: [output], attributes });

async function compareWithOrt(bytes: Uint8Array, graph: Graph, seed: number): Promise<number> {
  const feeds = Object.fromEntries(
    graph.inputs.map((name, i) => [
      name,
      { data: randomInput(graph.tensors[name]!.shape, seed + i), shape: graph.tensors[name]!.shape },
    ]),
  );
  const reference = await runOrt(bytes, feeds);
  const ours = evaluateGraph(graph, Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, t.data])));
  return Math.max(...graph.outputs.map((o) => relativeError(ours.get(o)!, reference[o]!)));
}

describe('importOnnx: PyTorch-style models against onnxruntime-node', () => {
  for (const [name, make] of Object.entries(ONNX_FIXTURES)) {
    it(`${name}: the fp32 reference matches onnxruntime within ${TOLERANCE} of max |output|`, async () => {
      const fixture = make();
      const graph = ok(importOnnx(fixture.bytes, { fileName: `${name}.onnx` }));
      expect(graph.inputs).toEqual(fixture.inputs.map((t) => t.name));
      for (const t of [...fixture.inputs, ...fixture.outputs]) expect(graph.tensors[t.name]!.shape).toEqual(t.shape);
      expect(graph.source).toEqual({ kind: 'onnx', file: `${name}.onnx` });
      expect(await compareWithOrt(fixture.bytes, graph, 7)).toBeLessThan(TOLERANCE);
    });
  }
});

describe('importOnnx: what the graph holds', () => {
  it('reads an MLP as Gemms with weights and no constants left over', () => {
    const graph = ok(importOnnx(mlpModel().bytes));
    expect(graph.name).toBe('main_graph');
    expect(graph.nodes.map((n) => n.op)).toEqual(['Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm']);
    expect(graph.nodes[0]).toMatchObject({ name: '/fc1/Gemm', attrs: { alpha: 1, beta: 1, transB: 1 } });
    expect(graph.tensors['fc1.weight']).toMatchObject({ kind: 'weight', dtype: 'fp32', shape: [128, 64] });
    expect(parameterCount(graph)).toBe(64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
  });

  it('counts batch-norm running statistics as state, not parameters, and reads epsilon as written', () => {
    const graph = ok(importOnnx(resnetBlockModel().bytes));
    expect(graph.tensors['bn1.running_var']!.kind).toBe('state');
    expect(graph.tensors['bn1.weight']!.kind).toBe('weight');
    expect(graph.nodes.find((n) => n.op === 'BatchNormalization')!.attrs).toEqual({ epsilon: 1e-5, momentum: 0.9 });
    // conv1 3x3 16->32, conv2 3x3 32->32, 1x1 16->32 shortcut, three batch norms' scale and shift.
    expect(parameterCount(graph)).toBe(32 * 16 * 9 + 32 * 32 * 9 + 32 * 16 + 3 * 2 * 32);
  });

  it('folds Constant nodes and Shape/Slice/Concat chains into constants', () => {
    const graph = ok(importOnnx(encoderLayerModel().bytes));
    expect(graph.nodes.filter((n) => ['Constant', 'Shape', 'Slice', 'Concat'].includes(n.op))).toEqual([]);
    expect(graph.nodes.filter((n) => n.op === 'Reshape')).toHaveLength(4);
    const query = graph.nodes.find((n) => n.name === '/attention/self/query/Reshape')!;
    expect(Array.from(graph.tensors[query.inputs[1]!]!.data!)).toEqual([2, 16, 4, 16]);
    const div = graph.nodes.find((n) => n.op === 'Div')!;
    expect(graph.tensors[div.inputs[1]!]).toMatchObject({ kind: 'constant', shape: [], dtype: 'fp32' });
    expect(parameterCount(graph)).toBe(4 * (64 * 64 + 64) + (64 * 128 + 128) + (128 * 64 + 64) + 2 * (64 + 64));
  });

  it('reads every form of Constant, ConstantOfShape and Cast', async () => {
    const shape = makeTensor('', 'int64', [2], [2, 8]);
    const model = tinyModel([
      node('Constant', [], 'row', [{ name: 'value_floats', type: 'floats', value: [1, 2, 3, 4, 5, 6, 7, 8] }]),
      node('Constant', [], 'half', [{ name: 'value_float', type: 'float', value: 0.5 }]),
      node('Constant', [], 'shape', [{ name: 'value', type: 'tensor', value: shape }]),
      node('Constant', [], 'flat', [{ name: 'value_ints', type: 'ints', value: [16] }]),
      node('ConstantOfShape', ['shape'], 'ones', [
        { name: 'value', type: 'tensor', value: makeTensor('', 'float', [1], [1]) },
      ]),
      node('Add', ['x', 'row'], 'a'),
      node('Mul', ['a', 'half'], 'b'),
      node('Add', ['b', 'ones'], 'c'),
      node('Reshape', ['c', 'flat'], 'd'),
      node('Cast', ['d'], 'e', [int('to', 1)]),
      node('Reshape', ['e', 'shape'], 'output'),
    ]);
    const graph = ok(onnxToGraph(model));
    expect(graph.nodes.map((n) => n.op)).toEqual(['Add', 'Mul', 'Add', 'Reshape', 'Cast', 'Reshape']);
    expect(graph.tensors['row']).toMatchObject({ kind: 'weight', shape: [8] });
    expect(graph.tensors['half']).toMatchObject({ kind: 'constant', shape: [] });
    expect(graph.tensors['ones']).toMatchObject({ kind: 'constant', shape: [2, 8], dtype: 'fp32' });
    expect(graph.nodes[4]!.attrs).toEqual({ to: 'fp32' });
    const x = randomInput([2, 8], 3);
    const out = evaluateGraph(graph, { x }).get('output')!;
    expect(Array.from(out)).toEqual(
      Array.from(x, (v, i) => Math.fround(Math.fround(Math.fround(v + (i % 8) + 1) * 0.5) + 1)),
    );
    expect(await compareWithOrt(encodeOnnx(model), graph, 3)).toBeLessThan(TOLERANCE);
  });

  it("maps Cast's ONNX type code to the tpusim type", () => {
    const graph = ok(onnxToGraph(tinyModel([node('Cast', ['x'], 'output', [int('to', 10)])])));
    expect(graph.nodes[0]!.attrs).toEqual({ to: 'fp16' });
    expect(graph.tensors['output']!.dtype).toBe('fp16');
  });

  it('reads Softmax before opset 13 (2-D coercion at axis, default 1) where it is a one-axis softmax', async () => {
    const model = tinyModel([node('Softmax', ['x'], 'output')], [2, 8], 12);
    const graph = ok(onnxToGraph(model));
    expect(graph.nodes[0]!.attrs).toEqual({ axis: 1 });
    expect(await compareWithOrt(encodeOnnx(model), graph, 6)).toBeLessThan(TOLERANCE);
    const b = new FixtureBuilder(6);
    const rank3 = (attributes: OnnxNode['attributes']): OnnxModel =>
      withGraph(
        tinyModel(
          [
            node('Reshape', ['x', b.int64('shape', [2, 2, 4])], 'y'),
            node('Softmax', ['y'], 'output', attributes, 'softmax'),
          ],
          [2, 2, 4],
          12,
        ),
        { initializers: b.initializers },
      );
    expect(ok(onnxToGraph(rank3([int('axis', -1)]))).tensors['output']!.shape).toEqual([2, 2, 4]);
    expect(problems(onnxToGraph(rank3([]), { fileName: 'old.onnx' }))).toContain(
      "old.onnx:graph.node[1]: node 'softmax' (Softmax) before opset 13 normalizes over axes 1 to 2 together",
    );
  });

  it('reads INT64_MAX slice ends (PyTorch writes them for x[:, a:]) as "to the end"', async () => {
    const b = new FixtureBuilder(5);
    b.int64('starts', [2]);
    b.int64('axes', [1]);
    b.initializers.push(makeTensor('ends', 'int64', [1], [2 ** 63]));
    const model = withGraph(tinyModel([node('Slice', ['x', 'starts', 'ends', 'axes'], 'output')], [2, 6]), {
      initializers: b.initializers,
    });
    const graph = ok(onnxToGraph(model));
    expect(graph.tensors['output']!.shape).toEqual([2, 6]);
    expect(await compareWithOrt(encodeOnnx(model), graph, 4)).toBeLessThan(TOLERANCE);
  });
});

describe('importOnnx: symbolic dimensions', () => {
  const symbolic = (model: OnnxModel, input: OnnxValueInfo['shape'], output: OnnxValueInfo['shape']): OnnxModel =>
    withGraph(model, {
      inputs: [{ name: 'input', elemType: 'float', shape: input! }],
      outputs: [{ name: 'output', elemType: 'float', shape: output! }],
    });

  it('gives a symbolic or unknown first dimension the batch option, 1 by default', () => {
    const model = symbolic(mlpModel().model, ['batch_size', 64], [undefined, 10]);
    expect(ok(onnxToGraph(model)).tensors['input']!.shape).toEqual([1, 64]);
    const graph = ok(onnxToGraph(model, { batch: 3 }));
    expect(graph.tensors['input']!.shape).toEqual([3, 64]);
    expect(graph.tensors['output']!.shape).toEqual([3, 10]);
  });

  it('names the input, dimension and symbol of any other symbolic dimension, and says how to set it', () => {
    const model = symbolic(encoderLayerModel().model, [2, 'sequence', 64], [2, 'sequence', 64]);
    const text = problems(onnxToGraph(model, { fileName: 'bert.onnx' }));
    expect(text).toContain("bert.onnx:graph.input[0]: input 'input' dimension 1 is symbolic ('sequence')");
    expect(text).toContain("dims: { 'sequence': 128 }");
    expect(ok(onnxToGraph(model, { dims: { sequence: 16 } })).tensors['output']!.shape).toEqual([2, 16, 64]);
  });

  it('gives a symbolic second dimension the seq option, and a name the same value in every input', () => {
    const model = symbolic(encoderLayerModel().model, ['batch', 'sequence', 64], ['batch', 'sequence', 64]);
    expect(problems(onnxToGraph(model))).toContain(
      "dimension 1 is symbolic ('sequence'); set it with --seq (the seq option) or the dims option",
    );
    // The fixture's Reshapes are fixed at batch 2, sequence 16 (as a torch export without dynamic axes).
    const graph = ok(onnxToGraph(model, { batch: 2, seq: 16 }));
    expect(graph.tensors['input']!.shape).toEqual([2, 16, 64]);
    expect(graph.tensors['output']!.shape).toEqual([2, 16, 64]);
    expect(ok(onnxToGraph(model, { batch: 2, seq: 12, dims: { sequence: 16 } })).tensors['output']!.shape).toEqual([
      2, 16, 64,
    ]);
    const twoInputs = withGraph(tinyModel([node('Add', ['x', 'y'], 'output')], [2, 6]), {
      inputs: [
        { name: 'x', elemType: 'float', shape: ['n', 'len'] },
        { name: 'y', elemType: 'float', shape: ['len'] },
      ],
      outputs: [{ name: 'output', elemType: 'float', shape: ['n', 'len'] }],
    });
    expect(ok(onnxToGraph(twoInputs, { batch: 2, seq: 7 })).tensors['y']!.shape).toEqual([7]);
    expect(problems(onnxToGraph(model, { seq: 0 }))).toContain('seq is 0; it must be a whole number of at least 1');
  });

  it('reports unknown dimensions, inputs without shapes and bad option values', () => {
    const unknown = problems(
      onnxToGraph(withInput(mlpModel().model, { name: 'input', elemType: 'float', shape: [4, undefined] })),
    );
    expect(unknown).toContain("input 'input' dimension 1 is unknown");
    expect(problems(onnxToGraph(withInput(mlpModel().model, { name: 'input', elemType: 'float' })))).toContain(
      "input 'input' has no shape",
    );
    const bad = onnxToGraph(mlpModel().model, { batch: 0, dims: { seq: 2.5 } });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['batch', 'dims.seq']);
  });

  it('checks inferred output shapes against the shapes the file declares', () => {
    const model = withGraph(mlpModel().model, { outputs: [{ name: 'output', elemType: 'float', shape: [4, 11] }] });
    expect(problems(onnxToGraph(model))).toContain("output 'output' is declared (4, 11) but tpusim infers (4, 10)");
  });
});

describe('importOnnx: files it cannot read', () => {
  it('reports truncated files at every length without throwing', () => {
    const { bytes } = lenetModel();
    for (const length of [0, 1, 7, 100, bytes.length >> 1, bytes.length - 1]) {
      const result = importOnnx(bytes.subarray(0, length), { fileName: 'lenet.onnx' });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.issues[0]!.path.startsWith('lenet.onnx')).toBe(true);
    }
  });

  it('never throws on corrupted bytes', () => {
    const { bytes } = mlpModel();
    const rng = createRng(11);
    let failed = 0;
    for (let trial = 0; trial < 300; trial++) {
      const copy = bytes.slice();
      for (let k = 0; k < 3; k++) copy[rng.int(0, copy.length - 1)] = rng.int(0, 255);
      const result = importOnnx(copy, { fileName: 'mlp.onnx' });
      if (!result.ok) failed++;
    }
    expect(failed).toBeGreaterThan(0);
    expect(problems(importOnnx(new TextEncoder().encode('{"not": "an onnx file"}'), { fileName: 'x.onnx' }))).toMatch(
      /^x\.onnx/,
    );
  });

  it('requires opset 11 or newer of the default domain', () => {
    const model = { ...mlpModel().model, opsetImports: [{ domain: '', version: 9 }] };
    expect(problems(onnxToGraph(model, { fileName: 'old.onnx' }))).toContain(
      'old.onnx:opset_import: opset 9 of the default ONNX domain is older than 11',
    );
    expect(problems(onnxToGraph({ ...model, opsetImports: [{ domain: 'com.microsoft', version: 1 }] }))).toContain(
      'imports no opset of the default ONNX domain',
    );
  });

  it('names the node and lists the supported ops for an op tpusim lacks', () => {
    const { model } = mlpModel();
    const nms = node('NonMaxSuppression', ['boxes', 'scores'], 'selected', [], '/postprocess/NonMaxSuppression');
    const result = onnxToGraph(withGraph(model, { nodes: [...model.graph.nodes, nms] }), { fileName: 'detector.onnx' });
    const text = problems(result);
    expect(result.ok ? undefined : result.issues.find((i) => i.code === 'unsupported_op')?.path).toBe(
      'detector.onnx:graph.node[5]',
    );
    expect(text).toContain("node '/postprocess/NonMaxSuppression': unknown op 'NonMaxSuppression'");
    for (const op of ['Conv', 'Gemm', 'LayerNormalization', 'Softmax']) expect(text).toContain(op);
  });

  it('names node, op and domain for nodes outside the default domain', () => {
    const fused = node('FusedMatMul', ['x', 'x'], 'output', [], 'fused', 'com.microsoft');
    expect(problems(onnxToGraph(tinyModel([fused])))).toContain(
      "node 'fused' (FusedMatMul) is from domain 'com.microsoft'",
    );
  });

  it('names the node and attribute of attribute kinds tpusim does not read', () => {
    const relu = node(
      'Relu',
      ['x'],
      'output',
      [{ name: 'extra', type: 'tensor', value: makeTensor('', 'float', [1], [1]) }],
      'relu',
    );
    expect(problems(onnxToGraph(tinyModel([relu])))).toContain(
      "node 'relu' (Relu) attribute 'extra' is of kind tensor",
    );
  });

  it('reports nodes out of topological order and tensors nothing provides', () => {
    const { model } = mlpModel();
    const text = problems(onnxToGraph(withGraph(model, { nodes: [...model.graph.nodes].reverse() })));
    expect(text).toContain("node '/fc3/Gemm' (Gemm) reads '/relu_1/Relu_output_0' before graph.node[1] produces it");
    expect(problems(onnxToGraph(tinyModel([node('Add', ['x', 'nowhere'], 'output')])))).toContain(
      "reads 'nowhere', which no node, input or initializer provides",
    );
  });

  it('reports shape errors with the file and node', () => {
    const { model } = mlpModel();
    const broken = withGraph(model, {
      initializers: model.graph.initializers.map((t) =>
        t.name === 'fc2.weight' ? makeTensor(t.name, 'float', [64, 100], new Float32Array(6400)) : t,
      ),
    });
    const result = onnxToGraph(broken, { fileName: 'mlp.onnx' });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['mlp.onnx:graph.node[2]']);
    expect(problems(result)).toContain("node '/fc2/Gemm' (Gemm): inner dimensions differ: 128 and 100");
  });

  it('reports tensors of types tpusim has no type for, and values stored outside the file', () => {
    const model = tinyModel([node('Add', ['x', 'w'], 'output')]);
    const uint16 = withGraph(model, { initializers: [makeTensor('w', 'uint16', [8], new Uint16Array(8))] });
    expect(problems(onnxToGraph(uint16))).toContain("tensor 'w' is of type uint16");
    const external = withGraph(model, {
      initializers: [
        {
          name: 'w',
          dataType: 'float',
          dims: [8],
          raw: new Uint8Array(0),
          externalData: [{ key: 'location', value: 'weights.bin' }],
        },
      ],
    });
    expect(problems(onnxToGraph(external))).toContain("outside the model, in 'weights.bin'");
  });
});
