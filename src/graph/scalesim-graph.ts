/**
 * A SCALE-Sim topology as a graph, so SCALE-Sim's workloads go through the same analysis, compiler and
 * simulator as imported models. SCALE-Sim runs its layers independently (no layer reads another's
 * output), so each layer gets its own input and every layer's output is a graph output; node i is
 * layer i and performs exactly the layer's GEMM (M, N, K).
 */
import { GraphBuilder } from './build.js';
import { convOutputSize, type TopologyLayer } from './scalesim-topology.js';
import type { Graph, TensorDType } from './types.js';

/** SCALE-Sim counts traffic in one-byte words (scale-sim-v2, scalesim/memory/read_buffer.py: word_size = 1). */
const SCALESIM_WORD: TensorDType = 'int8';

type ConvParams = NonNullable<TopologyLayer['conv']>;

/**
 * Zero rows (columns) to pad at the bottom (right) so an ONNX convolution has SCALE-Sim's output size
 * ceil((I - F + S) / S), which counts a last window that overhangs the input; 0 when S divides I - F.
 */
function overhang(input: number, filter: number, stride: number): number {
  return (convOutputSize(input, filter, stride) - 1) * stride + filter - input;
}

/**
 * An NCHW convolution of a batch-1 ifmap. Depthwise layers arrive expanded by the parser (one layer per
 * channel, channels = filters = 1), and are kept that way so nodes and layers stay one to one.
 */
function convNode(b: GraphBuilder, name: string, c: ConvParams): string {
  const ifmap = b.input(`${name}.ifmap`, [1, c.channels, c.ifmapHeight, c.ifmapWidth]);
  const filter = b.weight(`${name}.filter`, [c.filters, c.channels, c.filterHeight, c.filterWidth]);
  const pads = [
    0,
    0,
    overhang(c.ifmapHeight, c.filterHeight, c.strideHeight),
    overhang(c.ifmapWidth, c.filterWidth, c.strideWidth),
  ];
  const attrs = {
    kernel_shape: [c.filterHeight, c.filterWidth],
    strides: [c.strideHeight, c.strideWidth],
    pads,
    dilations: [1, 1],
    group: 1,
  };
  return b.add('Conv', [ifmap, filter], attrs, name);
}

/** An (M, K) activation times a (K, N) weight. */
function gemmNode(b: GraphBuilder, name: string, layer: TopologyLayer): string {
  const a = b.input(`${name}.a`, [layer.m, layer.k]);
  return b.add('MatMul', [a, b.weight(`${name}.b`, [layer.k, layer.n])], {}, name);
}

/** The graph of a parsed SCALE-Sim topology; conv-form layers become Conv nodes, GEMM-form ones MatMul. */
export function topologyToGraph(
  layers: readonly TopologyLayer[],
  name: string,
  dtype: TensorDType = SCALESIM_WORD,
): Graph {
  const b = new GraphBuilder(name, dtype);
  const used = new Set<string>();
  const outputs = layers.map((layer) => {
    // A name repeated in the file gets its line number, so node names stay unique.
    const nodeName = used.has(layer.name) ? `${layer.name}@${layer.line}` : layer.name;
    used.add(nodeName);
    return layer.conv ? convNode(b, nodeName, layer.conv) : gemmNode(b, nodeName, layer);
  });
  return b.build(outputs, { kind: 'scalesim', citation: 'SCALE-Sim v2 topology (Samajdar et al. 2020, ISPASS)' });
}
