/**
 * The golden CLI runs (test/golden.test.ts): one or more per command, on real presets and zoo models.
 * Each runs in a fresh temporary folder that is the working directory, with its inputs copied in, so
 * every path the CLI prints is relative; what it prints (stdout) and the files it writes are kept
 * under test/golden/<name>/ and compared byte for byte. `npm run golden:update` rewrites them.
 */
import { ONNX_FIXTURES } from '../../src/graph/onnx/test-support/onnx-models.js';

/** An input placed in the run's folder: a repository file (path from the repo root) or bytes. */
export type GoldenInput = string | (() => Uint8Array);

export interface GoldenCase {
  /** The folder under test/golden/, kebab-case. */
  readonly name: string;
  readonly argv: readonly string[];
  /** Name in the run's folder -> where it comes from. */
  readonly inputs?: Readonly<Record<string, GoldenInput>>;
  /** Files or folders the run writes, relative to its folder; folders are kept whole. */
  readonly outputs?: readonly string[];
  /** The file name stdout is kept under (default stdout.json). */
  readonly stdout?: string;
}

const onnx = (fixture: string) => (): Uint8Array => ONNX_FIXTURES[fixture]!().bytes;
const SCALESIM = 'test/fixtures/scalesim';

export const GOLDEN_CASES: readonly GoldenCase[] = [
  { name: 'chips', argv: ['chips', '--json'] },
  { name: 'chip-show-tpu-v4', argv: ['chip', 'show', 'tpu-v4', '--json'] },
  { name: 'models-resnet50', argv: ['models', 'resnet50', '--json'] },
  { name: 'gemm-tpu-v1', argv: ['gemm', '256', '256', '256', '--chip', 'tpu-v1', '--json'] },
  { name: 'gemm-register-check', argv: ['gemm', '40', '24', '72', '--chip', 'tpu-v4', '--engine', 'register', '--check', '--json'] },
  {
    name: 'scalesim-alexnet-conv1-ws',
    argv: ['scalesim', '-c', 'scale-32x32-ws.cfg', '-t', 'alexnet_part.csv', '-o', 'reports', '--json'],
    inputs: { 'scale-32x32-ws.cfg': `${SCALESIM}/scale-32x32-ws.cfg`, 'alexnet_part.csv': `${SCALESIM}/alexnet_part.csv` },
    outputs: ['reports'],
  },
  { name: 'asm-mlp-int8', argv: ['asm', 'mlp-int8.s', '--json'], inputs: { 'mlp-int8.s': 'examples/mlp-int8.s' } },
  { name: 'disasm-conv-int8', argv: ['disasm', 'conv-int8.s'], inputs: { 'conv-int8.s': 'examples/conv-int8.s' }, stdout: 'stdout.s' },
  {
    name: 'run-mlp-int8',
    argv: ['run', 'mlp-int8.s', '--input', 'x=x.npy', '--input', 'w1=w1.npy', '--input', 'w2=w2.npy', '--output', 'out', '--json'],
    inputs: { 'mlp-int8.s': 'examples/mlp-int8.s', 'x.npy': 'examples/data/mlp-x.npy', 'w1.npy': 'examples/data/mlp-w1.npy', 'w2.npy': 'examples/data/mlp-w2.npy' },
    outputs: ['out'],
  },
  { name: 'compile-lenet-tpu-v1', argv: ['compile', 'lenet', '--chip', 'tpu-v1', '-o', 'prog.s', '--json'], outputs: ['prog.s'] },
  {
    name: 'compile-onnx-resnet-block-tpu-v1',
    argv: ['compile', 'resnet-block.onnx', '--chip', 'tpu-v1', '-o', 'prog.s', '--json'],
    inputs: { 'resnet-block.onnx': onnx('resnet-block') },
    outputs: ['prog.s', 'prog.s.data'],
  },
  {
    name: 'estimate-resnet50-tpu-v4',
    argv: ['estimate', 'resnet50', '--chip', 'tpu-v4', '--svg', 'roofline.svg', '--timeline', 'timeline.svg', '--json'],
    outputs: ['roofline.svg', 'timeline.svg'],
  },
  { name: 'estimate-bert-base-h100', argv: ['estimate', 'bert-base', '--chip', 'h100-sxm', '--json'] },
  {
    name: 'compare-resnet50',
    argv: ['compare', 'resnet50', '--chips', 'tpu-v4,tpu-v5e,h100-sxm,mi300x', '--svg', 'compare.svg', '--json'],
    outputs: ['compare.svg'],
  },
  { name: 'compare-serve-llama3-8b', argv: ['compare', 'llama3-8b', '--chips', 'tpu-v5e,h100-sxm', '--serve', '--requests', '200', '--json'] },
  {
    name: 'train-llama3-8b-h100',
    argv: ['train', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '64', '--svg', 'step.svg', '--memory-svg', 'memory.svg', '--json'],
    outputs: ['step.svg', 'memory.svg'],
  },
  { name: 'train-gpt3-tpu-v4-plan', argv: ['train', 'gpt3-175b', '--chip', 'tpu-v4', '--chips', '1024', '--tp', '8', '--pp', '8', '--dp', '16', '--json'] },
  { name: 'infer-llama3-8b-h100', argv: ['infer', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '1', '--json'] },
  { name: 'reliability', argv: ['reliability', '--svg', 'goodput.svg', '--json'], outputs: ['goodput.svg'] },
  { name: 'cost-tpu-v4', argv: ['cost', '--chip', 'tpu-v4', '--svg', 'waterfall.svg', '--json'], outputs: ['waterfall.svg'] },
  {
    name: 'tco-tpu-v4-resnet50',
    argv: ['tco', '--chip', 'tpu-v4', '--workload', 'resnet50', '--vs', 'h100-sxm', '--svg', 'tco.svg', '--tornado', 'tornado.svg', '--json'],
    outputs: ['tco.svg', 'tornado.svg'],
  },
  { name: 'fab-tpu-v4', argv: ['fab', '--chip', 'tpu-v4', '--svg', 'supply.svg', '--json'], outputs: ['supply.svg'] },
];
