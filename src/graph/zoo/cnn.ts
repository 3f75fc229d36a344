/**
 * The zoo's image classifiers: an MNIST MLP, LeNet-5, ResNet-18/50 and MobileNet-v2. The ImageNet models
 * follow torchvision layer for layer (names included), so their parameter counts match torchvision's
 * exactly: convolutions followed by batch norm have no bias, batch-norm scale and shift are parameters,
 * running mean and variance are state.
 */
import { GraphBuilder } from '../build.js';
import type { Graph } from '../types.js';
import type { ZooEntry, ZooOptions } from './types.js';

const IMAGENET_CLASSES = 1000;
const IMAGENET_INPUT = [3, 224, 224] as const;
const DEFAULTS: ZooOptions = { batch: 1, seq: 1 };

interface ConvSpec {
  readonly out: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly pad?: number;
  /** Channel groups; equal to the channels for a depthwise convolution. */
  readonly group?: number;
  readonly bias?: boolean;
}

function conv(b: GraphBuilder, x: string, name: string, spec: ConvSpec): string {
  const group = spec.group ?? 1;
  const weight = b.weight(`${name}.weight`, [spec.out, b.shape(x)[1]! / group, spec.kernel, spec.kernel]);
  const inputs = spec.bias ? [x, weight, b.weight(`${name}.bias`, [spec.out])] : [x, weight];
  const [s, p] = [spec.stride ?? 1, spec.pad ?? 0];
  return b.add(
    'Conv',
    inputs,
    { kernel_shape: [spec.kernel, spec.kernel], strides: [s, s], pads: [p, p, p, p], dilations: [1, 1], group },
    name,
  );
}

/** torchvision's BatchNorm2d (eps 1e-5): gamma and beta are trained, the running statistics are not. */
function batchNorm(b: GraphBuilder, x: string, name: string): string {
  const c = [b.shape(x)[1]!];
  const stats = ['running_mean', 'running_var'].map((s) => b.weight(`${name}.${s}`, c, undefined, b.dtype, 'state'));
  return b.add(
    'BatchNormalization',
    [x, b.weight(`${name}.weight`, c), b.weight(`${name}.bias`, c), ...stats],
    { epsilon: 1e-5 },
    name,
  );
}

/** A fully connected layer as torchvision's Linear stores it: weight (out, in), so transB = 1. */
function linear(b: GraphBuilder, x: string, name: string, out: number): string {
  const weight = b.weight(`${name}.weight`, [out, b.shape(x)[1]!]);
  return b.add('Gemm', [x, weight, b.weight(`${name}.bias`, [out])], { transB: 1 }, name);
}

function classifier(b: GraphBuilder, x: string, name: string): string {
  const flat = b.add('Flatten', [b.add('GlobalAveragePool', [x])], { axis: 1 });
  return linear(b, flat, name, IMAGENET_CLASSES);
}

// --- ResNet (He et al. 2016, torchvision's v1.5: the stride sits on the 3x3 convolution) ---

const RESNET_CITATION =
  'He et al. 2016, Deep Residual Learning for Image Recognition (CVPR), Table 1; counts from torchvision.models ' +
  '(v1.5 bottleneck)';

interface ResNetBlock {
  readonly expansion: number;
  /** The block's residual branch, before the addition. */
  branch(b: GraphBuilder, x: string, name: string, planes: number, stride: number): string;
}

const BASIC_BLOCK: ResNetBlock = {
  expansion: 1,
  branch: (b, x, name, planes, stride) => {
    const h = b.add('Relu', [
      batchNorm(b, conv(b, x, `${name}.conv1`, { out: planes, kernel: 3, stride, pad: 1 }), `${name}.bn1`),
    ]);
    return batchNorm(b, conv(b, h, `${name}.conv2`, { out: planes, kernel: 3, pad: 1 }), `${name}.bn2`);
  },
};

const BOTTLENECK: ResNetBlock = {
  expansion: 4,
  branch: (b, x, name, planes, stride) => {
    const h1 = b.add('Relu', [batchNorm(b, conv(b, x, `${name}.conv1`, { out: planes, kernel: 1 }), `${name}.bn1`)]);
    const h2 = b.add('Relu', [
      batchNorm(b, conv(b, h1, `${name}.conv2`, { out: planes, kernel: 3, stride, pad: 1 }), `${name}.bn2`),
    ]);
    return batchNorm(b, conv(b, h2, `${name}.conv3`, { out: planes * 4, kernel: 1 }), `${name}.bn3`);
  },
};

function residualBlock(
  b: GraphBuilder,
  x: string,
  name: string,
  block: ResNetBlock,
  planes: number,
  stride: number,
): string {
  const out = planes * block.expansion;
  // torchvision projects the shortcut (1x1 conv + BN) whenever the shape changes.
  const shortcut =
    stride !== 1 || b.shape(x)[1] !== out
      ? batchNorm(b, conv(b, x, `${name}.downsample.0`, { out, kernel: 1, stride }), `${name}.downsample.1`)
      : x;
  return b.add('Relu', [b.add('Add', [block.branch(b, x, name, planes, stride), shortcut])]);
}

function buildResNet(name: string, block: ResNetBlock, depths: readonly number[], options: ZooOptions): Graph {
  const b = new GraphBuilder(name, 'fp32');
  const input = b.input('input', [options.batch, ...IMAGENET_INPUT]);
  let x = b.add('Relu', [batchNorm(b, conv(b, input, 'conv1', { out: 64, kernel: 7, stride: 2, pad: 3 }), 'bn1')]);
  x = b.add('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, 'maxpool');
  depths.forEach((count, stage) => {
    for (let i = 0; i < count; i++)
      x = residualBlock(b, x, `layer${stage + 1}.${i}`, block, 64 << stage, i === 0 && stage > 0 ? 2 : 1);
  });
  return b.build([classifier(b, x, 'fc')], { kind: 'zoo', citation: RESNET_CITATION });
}

// --- MobileNet-v2 (Sandler et al. 2018) ---

const MOBILENET_V2_CITATION =
  'Sandler et al. 2018, MobileNetV2: Inverted Residuals and Linear Bottlenecks (CVPR), Table 2 (3.4M); count ' +
  'from torchvision.models (width 1.0)';

/** Expansion t, output channels c, repeats n, first stride s: Sandler et al. 2018, Table 2. */
const MOBILENET_V2_STAGES: readonly (readonly [t: number, c: number, n: number, s: number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** Conv + BN + ReLU6 (torchvision's Conv2dNormActivation); ReLU6 is Clip(0, 6) as ONNX exports it. */
function convBnRelu6(
  b: GraphBuilder,
  x: string,
  name: string,
  spec: ConvSpec,
  relu6: readonly [string, string],
): string {
  return b.add('Clip', [batchNorm(b, conv(b, x, `${name}.0`, spec), `${name}.1`), ...relu6]);
}

function invertedResidual(
  b: GraphBuilder,
  x: string,
  name: string,
  expansion: number,
  out: number,
  stride: number,
  relu6: readonly [string, string],
): string {
  const inChannels = b.shape(x)[1]!;
  const hidden = inChannels * expansion;
  let h = x;
  let layer = 0;
  if (expansion !== 1) h = convBnRelu6(b, h, `${name}.conv.${layer++}`, { out: hidden, kernel: 1 }, relu6);
  h = convBnRelu6(b, h, `${name}.conv.${layer++}`, { out: hidden, kernel: 3, stride, pad: 1, group: hidden }, relu6);
  // The projection is linear: no activation after it (the paper's "linear bottleneck").
  h = batchNorm(b, conv(b, h, `${name}.conv.${layer}`, { out, kernel: 1 }), `${name}.conv.${layer + 1}`);
  return stride === 1 && inChannels === out ? b.add('Add', [x, h]) : h;
}

function buildMobileNetV2(options: ZooOptions): Graph {
  const b = new GraphBuilder('mobilenet-v2', 'fp32');
  const relu6 = [b.constant('relu6.min', [0], 'fp32'), b.constant('relu6.max', [6], 'fp32')] as const;
  let x = convBnRelu6(
    b,
    b.input('input', [options.batch, ...IMAGENET_INPUT]),
    'features.0',
    { out: 32, kernel: 3, stride: 2, pad: 1 },
    relu6,
  );
  let index = 1;
  for (const [t, c, n, s] of MOBILENET_V2_STAGES) {
    for (let i = 0; i < n; i++) x = invertedResidual(b, x, `features.${index++}`, t, c, i === 0 ? s : 1, relu6);
  }
  x = convBnRelu6(b, x, `features.${index}`, { out: 1280, kernel: 1 }, relu6);
  // torchvision's Dropout(0.2) before the classifier is the identity at inference and is left out.
  return b.build([classifier(b, x, 'classifier.1')], { kind: 'zoo', citation: MOBILENET_V2_CITATION });
}

// --- LeNet-5 (LeCun et al. 1998) ---

const LENET_CITATION =
  'LeCun et al. 1998, Gradient-Based Learning Applied to Document Recognition, Proc. IEEE 86(11), Sec. II-B';

/**
 * The S2 maps each C3 map reads: the columns of Table I of LeCun et al. 1998. Six maps read three
 * neighbouring maps, six read four neighbours, three read four non-neighbours, one reads all six.
 */
const C3_CONNECTIONS: readonly (readonly number[])[] = [
  [0, 1, 2],
  [1, 2, 3],
  [2, 3, 4],
  [3, 4, 5],
  [4, 5, 0],
  [5, 0, 1],
  [0, 1, 2, 3],
  [1, 2, 3, 4],
  [2, 3, 4, 5],
  [3, 4, 5, 0],
  [4, 5, 0, 1],
  [5, 0, 1, 2],
  [0, 1, 3, 4],
  [1, 2, 4, 5],
  [0, 2, 3, 5],
  [0, 1, 2, 3, 4, 5],
];

/** Runs of consecutive maps with the same fan-in: each run is one grouped convolution. */
function fanInRuns(connections: readonly (readonly number[])[]): (readonly number[])[][] {
  const runs: (readonly number[])[][] = [];
  for (const maps of connections) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.length === maps.length) last.push(maps);
    else runs.push([maps]);
  }
  return runs;
}

/**
 * C3's partial connections: per run, gather the S2 maps each output reads (in order) and convolve them
 * with group = outputs, then concatenate the runs. 16 biases + 60 5x5 kernels = 1,516 parameters.
 */
function lenetC3(b: GraphBuilder, x: string): string {
  const outs = fanInRuns(C3_CONNECTIONS).map((run, r) => {
    const gathered = b.add('Gather', [x, b.constant(`c3.${r}.maps`, run.flat())], { axis: 1 });
    return conv(b, gathered, `c3.${r}`, { out: run.length, kernel: 5, group: run.length, bias: true });
  });
  return b.add('Concat', outs, { axis: 1 }, 'c3');
}

/** Subsampling: the sum of each 2x2 window times a trained per-map coefficient, plus a trained bias. */
function lenetSubsample(b: GraphBuilder, x: string, name: string): string {
  const maps = [1, b.shape(x)[1]!, 1, 1];
  const pooled = b.add('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
  return b.add(
    'Add',
    [b.add('Mul', [pooled, b.weight(`${name}.coefficient`, maps)]), b.weight(`${name}.bias`, maps)],
    {},
    name,
  );
}

/**
 * LeNet-5 with the paper's squashing function after every layer up to F6 (A tanh(S a); the constant
 * scales are left out) and Euclidean RBF outputs y_i = sum_j (x_j - w_ij)^2, whose 84x10 centres were
 * "chosen by hand and kept fixed": state, not parameters.
 */
function buildLeNet5(options: ZooOptions): Graph {
  const b = new GraphBuilder('lenet', 'fp32');
  let x = b.input('input', [options.batch, 1, 32, 32]);
  x = b.add('Tanh', [conv(b, x, 'c1', { out: 6, kernel: 5, bias: true })]);
  x = b.add('Tanh', [lenetSubsample(b, x, 's2')]);
  x = b.add('Tanh', [lenetC3(b, x)]);
  x = b.add('Tanh', [lenetSubsample(b, x, 's4')]);
  x = b.add('Tanh', [conv(b, x, 'c5', { out: 120, kernel: 5, bias: true })]);
  x = b.add('Tanh', [linear(b, b.add('Flatten', [x], { axis: 1 }), 'f6', 84)]);
  const rows = b.add('Reshape', [x, b.constant('rbf.shape', [-1, 1, 84])]);
  const centres = b.weight('output.centres', [10, 84], undefined, 'fp32', 'state');
  const diff = b.add('Sub', [rows, centres]);
  const out = b.add('ReduceSum', [b.add('Mul', [diff, diff])], { axes: [2], keepdims: 0 }, 'output');
  return b.build([out], { kind: 'zoo', citation: LENET_CITATION });
}

// --- MLP ---

const MLP_CITATION =
  'LeCun et al. 1998, Gradient-Based Learning Applied to Document Recognition, Sec. III-C.5: 28x28-300-10 fully ' +
  'connected network (4.7% MNIST test error)';

/** The paper's squashing function after the hidden layer; the 10 outputs are left linear. */
function buildMlp(options: ZooOptions): Graph {
  const b = new GraphBuilder('mlp', 'fp32');
  const hidden = b.add('Tanh', [linear(b, b.input('input', [options.batch, 28 * 28]), 'fc1', 300)]);
  return b.build([linear(b, hidden, 'fc2', 10)], { kind: 'zoo', citation: MLP_CITATION });
}

export const CNN_ZOO: readonly ZooEntry[] = [
  {
    name: 'mlp',
    description: 'MNIST multilayer perceptron, 784-300-10',
    family: 'mlp',
    citation: MLP_CITATION,
    // Derived from the published layer sizes: 784 x 300 + 300 + 300 x 10 + 10.
    publishedParameters: 238_510,
    parameterTolerance: 0,
    defaults: DEFAULTS,
    build: buildMlp,
  },
  {
    name: 'lenet',
    description: 'LeNet-5 on 32x32 digits: C1, S2, C3 (partial connections), S4, C5, F6, RBF output',
    family: 'cnn',
    citation: LENET_CITATION,
    // 156 (C1) + 12 (S2) + 1,516 (C3) + 32 (S4) + 48,120 (C5) + 10,164 (F6): the paper's "60,000 trainable parameters"
    // is exact.
    publishedParameters: 60_000,
    parameterTolerance: 0,
    defaults: DEFAULTS,
    build: buildLeNet5,
  },
  {
    name: 'resnet18',
    description: 'ResNet-18, ImageNet 224x224',
    family: 'cnn',
    citation: RESNET_CITATION,
    // torchvision resnet18: 11,689,512 (He et al. report 11.7M).
    publishedParameters: 11_689_512,
    parameterTolerance: 0,
    defaults: DEFAULTS,
    build: (o) => buildResNet('resnet18', BASIC_BLOCK, [2, 2, 2, 2], o),
  },
  {
    name: 'resnet50',
    description: 'ResNet-50, ImageNet 224x224',
    family: 'cnn',
    citation: RESNET_CITATION,
    // torchvision resnet50: 25,557,032 (He et al. report 25.5M).
    publishedParameters: 25_557_032,
    parameterTolerance: 0,
    defaults: DEFAULTS,
    build: (o) => buildResNet('resnet50', BOTTLENECK, [3, 4, 6, 3], o),
  },
  {
    name: 'mobilenet-v2',
    description: 'MobileNet-v2 (width 1.0), ImageNet 224x224',
    family: 'cnn',
    citation: MOBILENET_V2_CITATION,
    // torchvision mobilenet_v2: 3,504,872 (Sandler et al. report 3.4M).
    publishedParameters: 3_504_872,
    parameterTolerance: 0,
    defaults: DEFAULTS,
    build: buildMobileNetV2,
  },
];
