/**
 * Small real ONNX models with seeded random weights, in the form PyTorch's exporter (torch.onnx.export,
 * opset 17) writes them: node names like '/fc1/Gemm', outputs '<node>_output_0', parameters named after the
 * module ('fc1.weight'), shapes as Constant nodes, initializers or Shape chains. Weights are drawn as
 * PyTorch initializes Linear and Conv layers: uniform in +-1/sqrt(fan_in).
 */
import { createRng, type Rng } from '../../../core/rng.js';
import { elementCount } from '../../types.js';
import {
  encodeOnnx,
  makeTensor,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from '../onnx-model.js';

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface OnnxFixture {
  readonly model: OnnxModel;
  readonly bytes: Uint8Array;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export const ints = (name: string, value: readonly number[]): OnnxAttribute => ({ name, type: 'ints', value });
export const int = (name: string, value: number): OnnxAttribute => ({ name, type: 'int', value });
export const float = (name: string, value: number): OnnxAttribute => ({ name, type: 'float', value });

/** Collects nodes and initializers the way the exporter names them. */
export class FixtureBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private constants = 0;
  readonly rng: Rng;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  uniform(name: string, dims: readonly number[], low: number, high: number): string {
    const values = Float32Array.from({ length: elementCount(dims) }, () => low + (high - low) * this.rng.next());
    this.initializers.push(makeTensor(name, 'float', dims, values));
    return name;
  }

  /** A Linear or Conv parameter: uniform in +-1/sqrt(fan_in). */
  param(name: string, dims: readonly number[], fanIn: number): string {
    const bound = 1 / Math.sqrt(fanIn);
    return this.uniform(name, dims, -bound, bound);
  }

  int64(name: string, values: readonly number[]): string {
    this.initializers.push(makeTensor(name, 'int64', [values.length], values));
    return name;
  }

  /** A Constant node holding `values` (rank 0 when `dims` is []). */
  constant(dataType: 'float' | 'int64', dims: readonly number[], values: readonly number[], scope = ''): string {
    const name = `${scope}/Constant${this.constants === 0 ? '' : `_${this.constants}`}`;
    this.constants++;
    return this.node(
      'Constant',
      name,
      [],
      [{ name: 'value', type: 'tensor', value: makeTensor('', dataType, dims, values) }],
    );
  }

  node(
    opType: string,
    name: string,
    inputs: readonly string[],
    attributes: readonly OnnxAttribute[] = [],
    output = `${name}_output_0`,
  ): string {
    this.nodes.push({ name, opType, domain: '', inputs, outputs: [output], attributes });
    return output;
  }

  model(inputs: readonly TensorSpec[], outputs: readonly TensorSpec[]): OnnxFixture {
    const info = (t: TensorSpec) => ({ name: t.name, elemType: 'float' as const, shape: [...t.shape] });
    const model: OnnxModel = {
      irVersion: 8,
      opsetImports: [{ domain: '', version: 17 }],
      producerName: 'pytorch',
      graph: {
        name: 'main_graph',
        nodes: this.nodes,
        initializers: this.initializers,
        inputs: inputs.map(info),
        outputs: outputs.map(info),
        valueInfo: [],
      },
    };
    return { model, bytes: encodeOnnx(model), inputs, outputs };
  }
}

/** nn.Linear as exported: Gemm with the (out, in) weight and transB = 1. */
function linear(
  b: FixtureBuilder,
  x: string,
  scope: string,
  inFeatures: number,
  outFeatures: number,
  output?: string,
): string {
  const w = b.param(`${scope}.weight`, [outFeatures, inFeatures], inFeatures);
  const bias = b.param(`${scope}.bias`, [outFeatures], inFeatures);
  return b.node(
    'Gemm',
    `/${scope}/Gemm`,
    [x, w, bias],
    [float('alpha', 1), float('beta', 1), int('transB', 1)],
    output,
  );
}

/** x [4, 64] -> Linear 128, ReLU -> Linear 64, ReLU -> Linear 10. */
export function mlpModel(seed = 1): OnnxFixture {
  const b = new FixtureBuilder(seed);
  let h = b.node('Relu', '/relu/Relu', [linear(b, 'input', 'fc1', 64, 128)]);
  h = b.node('Relu', '/relu_1/Relu', [linear(b, h, 'fc2', 128, 64)]);
  linear(b, h, 'fc3', 64, 10, 'output');
  return b.model([{ name: 'input', shape: [4, 64] }], [{ name: 'output', shape: [4, 10] }]);
}

function conv(
  b: FixtureBuilder,
  x: string,
  scope: string,
  spec: { inCh: number; outCh: number; kernel: number; stride?: number; pad?: number; bias?: boolean },
  output?: string,
): string {
  const fanIn = spec.inCh * spec.kernel * spec.kernel;
  const w = b.param(`${scope}.weight`, [spec.outCh, spec.inCh, spec.kernel, spec.kernel], fanIn);
  const inputs = spec.bias === false ? [x, w] : [x, w, b.param(`${scope}.bias`, [spec.outCh], fanIn)];
  const [s, p] = [spec.stride ?? 1, spec.pad ?? 0];
  const attrs = [
    ints('dilations', [1, 1]),
    int('group', 1),
    ints('kernel_shape', [spec.kernel, spec.kernel]),
    ints('pads', [p, p, p, p]),
    ints('strides', [s, s]),
  ];
  return b.node('Conv', `/${scope.replaceAll('.', '/')}/Conv`, inputs, attrs, output);
}

function maxPool(b: FixtureBuilder, x: string, name: string): string {
  return b.node(
    'MaxPool',
    name,
    [x],
    [int('ceil_mode', 0), ints('kernel_shape', [2, 2]), ints('pads', [0, 0, 0, 0]), ints('strides', [2, 2])],
  );
}

/** x [2, 1, 28, 28] -> LeNet with ReLU and max pooling (the PyTorch tutorial's form) -> [2, 10]. */
export function lenetModel(seed = 2): OnnxFixture {
  const b = new FixtureBuilder(seed);
  let h = b.node('Relu', '/relu/Relu', [conv(b, 'input', 'conv1', { inCh: 1, outCh: 6, kernel: 5, pad: 2 })]);
  h = maxPool(b, h, '/pool/MaxPool');
  h = b.node('Relu', '/relu_1/Relu', [conv(b, h, 'conv2', { inCh: 6, outCh: 16, kernel: 5 })]);
  h = maxPool(b, h, '/pool_1/MaxPool');
  h = b.node('Flatten', '/Flatten', [h], [int('axis', 1)]);
  h = b.node('Relu', '/relu_2/Relu', [linear(b, h, 'fc1', 400, 120)]);
  h = b.node('Relu', '/relu_3/Relu', [linear(b, h, 'fc2', 120, 84)]);
  linear(b, h, 'fc3', 84, 10, 'output');
  return b.model([{ name: 'input', shape: [2, 1, 28, 28] }], [{ name: 'output', shape: [2, 10] }]);
}

/** BatchNorm2d in eval mode, with trained-looking statistics. */
function batchNorm(b: FixtureBuilder, x: string, scope: string, channels: number): string {
  const params = [
    b.uniform(`${scope}.weight`, [channels], 0.5, 1.5),
    b.uniform(`${scope}.bias`, [channels], -0.5, 0.5),
    b.uniform(`${scope}.running_mean`, [channels], -0.5, 0.5),
    b.uniform(`${scope}.running_var`, [channels], 0.5, 2),
  ];
  return b.node(
    'BatchNormalization',
    `/${scope.replaceAll('.', '/')}/BatchNormalization`,
    [x, ...params],
    [float('epsilon', 1e-5), float('momentum', 0.9)],
  );
}

/** x [1, 16, 14, 14] -> torchvision BasicBlock(16, 32, stride 2) with its 1x1 projection shortcut -> [1, 32, 7, 7]. */
export function resnetBlockModel(seed = 3): OnnxFixture {
  const b = new FixtureBuilder(seed);
  let h = batchNorm(
    b,
    conv(b, 'input', 'conv1', { inCh: 16, outCh: 32, kernel: 3, stride: 2, pad: 1, bias: false }),
    'bn1',
    32,
  );
  h = b.node('Relu', '/relu/Relu', [h]);
  h = batchNorm(b, conv(b, h, 'conv2', { inCh: 32, outCh: 32, kernel: 3, pad: 1, bias: false }), 'bn2', 32);
  const shortcut = batchNorm(
    b,
    conv(b, 'input', 'downsample.0', { inCh: 16, outCh: 32, kernel: 1, stride: 2, bias: false }),
    'downsample.1',
    32,
  );
  b.node('Relu', '/relu_1/Relu', [b.node('Add', '/Add', [h, shortcut])], [], 'output');
  return b.model([{ name: 'input', shape: [1, 16, 14, 14] }], [{ name: 'output', shape: [1, 32, 7, 7] }]);
}

/** A Linear exported as MatMul (with the transposed weight) + Add, as for inputs of rank 3. */
function matmulLinear(
  b: FixtureBuilder,
  x: string,
  scope: string,
  inFeatures: number,
  outFeatures: number,
  id: number,
): string {
  const w = b.param(`onnx::MatMul_${id}`, [inFeatures, outFeatures], inFeatures);
  const bias = b.param(`${scope}.bias`, [outFeatures], inFeatures);
  const path = `/${scope.replaceAll('.', '/')}`;
  return b.node('Add', `${path}/Add`, [bias, b.node('MatMul', `${path}/MatMul`, [x, w])]);
}

function layerNorm(b: FixtureBuilder, x: string, scope: string, output?: string): string {
  const scale = b.uniform(`${scope}.weight`, [64], 0.8, 1.2);
  const bias = b.uniform(`${scope}.bias`, [64], -0.1, 0.1);
  return b.node(
    'LayerNormalization',
    `/${scope.replaceAll('.', '/')}/LayerNormalization`,
    [x, scale, bias],
    [int('axis', -1), float('epsilon', 1e-5)],
    output,
  );
}

/**
 * x [2, 16, 64] -> a post-norm transformer encoder layer (BERT's, or nn.TransformerEncoderLayer(64, 4, 128,
 * activation relu)): 4 heads of 16. The query's head shape comes from a Shape/Slice/Concat chain, the key's
 * from a Constant node, the value's and the output's from initializers, as exports mix them.
 */
export function encoderLayerModel(seed = 4): OnnxFixture {
  const b = new FixtureBuilder(seed);
  const x = 'input';
  const att = 'attention.self';
  const ap = '/attention/self';
  const batchSeq = b.node('Slice', `${ap}/Slice`, [
    b.node('Shape', `${ap}/Shape`, [x]),
    b.int64(`${ap}/starts`, [0]),
    b.int64(`${ap}/ends`, [-1]),
    b.int64(`${ap}/axes`, [0]),
  ]);
  const qShape = b.node('Concat', `${ap}/Concat`, [batchSeq, b.constant('int64', [2], [4, 16], ap)], [int('axis', 0)]);
  const kShape = b.constant('int64', [4], [2, 16, 4, 16], ap);
  const vShape = b.int64('onnx::Reshape_201', [2, 16, 4, 16]);
  const heads = (scope: string, id: number, shape: string, perm: readonly number[]): string => {
    const h = b.node('Reshape', `${ap}/${scope}/Reshape`, [matmulLinear(b, x, `${att}.${scope}`, 64, 64, id), shape]);
    return b.node('Transpose', `${ap}/${scope}/Transpose`, [h], [ints('perm', perm)]);
  };
  const q = heads('query', 180, qShape, [0, 2, 1, 3]);
  const k = heads('key', 181, kShape, [0, 2, 3, 1]);
  const v = heads('value', 182, vShape, [0, 2, 1, 3]);
  const scores = b.node('Div', `${ap}/Div`, [
    b.node('MatMul', `${ap}/MatMul`, [q, k]),
    b.constant('float', [], [4], ap),
  ]);
  const probs = b.node('Softmax', `${ap}/Softmax`, [scores], [int('axis', -1)]);
  const context = b.node(
    'Transpose',
    `${ap}/Transpose`,
    [b.node('MatMul', `${ap}/MatMul_1`, [probs, v])],
    [ints('perm', [0, 2, 1, 3])],
  );
  const merged = b.node('Reshape', `${ap}/Reshape`, [context, b.int64('onnx::Reshape_202', [2, 16, 64])]);
  const attended = b.node('Add', '/attention/output/Add', [
    matmulLinear(b, merged, 'attention.output.dense', 64, 64, 183),
    x,
  ]);
  const h = layerNorm(b, attended, 'attention.output.LayerNorm');
  const inner = b.node('Relu', '/intermediate/Relu', [matmulLinear(b, h, 'intermediate.dense', 64, 128, 184)]);
  const out = b.node('Add', '/output/Add', [matmulLinear(b, inner, 'output.dense', 128, 64, 185), h]);
  layerNorm(b, out, 'output.LayerNorm', 'output');
  return b.model([{ name: 'input', shape: [2, 16, 64] }], [{ name: 'output', shape: [2, 16, 64] }]);
}

export const ONNX_FIXTURES: Readonly<Record<string, () => OnnxFixture>> = {
  mlp: mlpModel,
  lenet: lenetModel,
  'resnet-block': resnetBlockModel,
  'encoder-layer': encoderLayerModel,
};
