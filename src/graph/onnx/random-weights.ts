/**
 * Seeded stand-in values for parameters a graph has only the shapes of (zoo and Hugging Face models),
 * so that such a graph can be written as a runnable ONNX file. Each tensor is drawn by the role its first
 * reader gives it: matrix weights He-initialized (He et al. 2015, std sqrt(2 / fan_in)) so activations stay
 * O(1) through ReLU stacks, biases uniform in +-1/sqrt(fan_in) (PyTorch's default), normalization scales
 * near 1 and shifts near 0, batch-norm variances positive.
 */
import type { Rng } from '../../core/rng.js';
import { elementCount, type Graph, type GraphNode } from '../types.js';

type Draw = (rng: Rng) => number;

const he = (fanIn: number): Draw => {
  const std = Math.sqrt(2 / Math.max(1, fanIn));
  return (rng) => std * rng.normal();
};
const uniform =
  (centre: number, half: number): Draw =>
  (rng) =>
    centre + half * (2 * rng.next() - 1);
const bias = (fanIn: number): Draw => uniform(0, 1 / Math.sqrt(Math.max(1, fanIn)));

const shapeOf = (graph: Graph, node: GraphNode, i: number): readonly number[] =>
  graph.tensors[node.inputs[i] ?? '']?.shape ?? [];
const convFanIn = (graph: Graph, node: GraphNode): number => elementCount(shapeOf(graph, node, 1).slice(1));
const gemmFanIn = (graph: Graph, node: GraphNode): number => {
  const w = shapeOf(graph, node, 1);
  return (node.attrs['transB'] === 1 ? w[1] : w[0]) ?? 1;
};

/**
 * Draws by op and input index. Batch norms whose output is added to a residual stream start with scales
 * near 1/4 (as torchvision's zero_init_residual, less extreme), so a deep ResNet's activations do not
 * double with every block.
 */
const ROLES: Readonly<
  Record<string, (graph: Graph, node: GraphNode, index: number, residual: boolean) => Draw | undefined>
> = {
  Conv: (g, n, i) => (i === 1 ? he(convFanIn(g, n)) : i === 2 ? bias(convFanIn(g, n)) : undefined),
  Gemm: (g, n, i) => (i === 1 ? he(gemmFanIn(g, n)) : i === 2 ? bias(gemmFanIn(g, n)) : undefined),
  MatMul: (g, n, i) => (i === 1 ? he(shapeOf(g, n, 1).at(-2) ?? 1) : undefined),
  BatchNormalization: (_g, _n, i, residual) =>
    [undefined, uniform(residual ? 0.25 : 1, 0.1), uniform(0, 0.1), uniform(0, 0.1), uniform(1, 0.25)][i],
  LayerNormalization: (_g, _n, i) => [undefined, uniform(1, 0.1), uniform(0, 0.1)][i],
  RMSNormalization: (_g, _n, i) => (i === 1 ? uniform(1, 0.1) : undefined),
};

/** Anything else: matrices like weights over their trailing dimensions, vectors like biases. */
function fallback(shape: readonly number[]): Draw {
  return shape.length >= 2 ? he(elementCount(shape.slice(1))) : uniform(0, 0.1);
}

/** Seeded values for tensor `name` of `graph`, drawn by the role of its first reader. */
export function randomValues(graph: Graph, name: string, rng: Rng): Float32Array {
  const shape = graph.tensors[name]!.shape;
  const reader = graph.nodes.find((n) => n.inputs.includes(name));
  let draw: Draw | undefined;
  if (reader) {
    const residual = graph.nodes.some((n) => n.op === 'Add' && n.inputs.includes(reader.outputs[0] ?? ''));
    draw = ROLES[reader.op]?.(graph, reader, reader.inputs.indexOf(name), residual);
  }
  const pick = draw ?? fallback(shape);
  const values = new Float32Array(elementCount(shape));
  for (let i = 0; i < values.length; i++) values[i] = pick(rng);
  return values;
}
