import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeCost } from './analysis.js';
import { topologyToGraph } from './scalesim-graph.js';
import { parseScaleSimTopology, type TopologyForm, type TopologyLayer } from './scalesim-topology.js';
import type { Graph } from './types.js';

const DATA = join(import.meta.dirname, '..', '..', 'data', 'scalesim');

function parse(text: string, form: TopologyForm): TopologyLayer[] {
  const r = parseScaleSimTopology(text, form);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.value;
}

const topology = (file: string, form: TopologyForm): TopologyLayer[] =>
  parse(readFileSync(join(DATA, file), 'utf8'), form);

/** Each node's GEMM as the topology writes it: name, M, N, K. */
const gemmsOf = (g: Graph) =>
  g.nodes.map((node) => {
    const [gemm, ...rest] = nodeCost(g, node).gemms;
    expect(rest).toHaveLength(0);
    expect(gemm!.batch).toBe(1);
    return { name: node.name, m: gemm!.m, n: gemm!.n, k: gemm!.k };
  });

const dims = (layers: readonly TopologyLayer[]) => layers.map((l) => ({ name: l.name, m: l.m, n: l.n, k: l.k }));

describe('SCALE-Sim topologies as graphs', () => {
  it(
    'gives every ResNet-50 (MLPerf) layer the GEMM SCALE-Sim runs: M = output pixels, N = filters, K = Fh ' + 'Fw C',
    () => {
      const layers = topology('mlperf-Resnet50.csv', 'conv');
      const g = topologyToGraph(layers, 'mlperf-Resnet50');
      expect(g.nodes.map((n) => n.op)).toEqual(layers.map(() => 'Conv'));
      expect(gemmsOf(g)).toEqual(dims(layers));
      expect(g.outputs).toHaveLength(layers.length);
      expect(g.inputs).toHaveLength(layers.length);
    },
  );

  it('pads the bottom and right edges where SCALE-Sim counts an overhanging window', () => {
    // Conv1: 224x224, 7x7, stride 2: SCALE-Sim's ceil((224 - 7 + 2) / 2) = 110 needs one padded row and column.
    const g = topologyToGraph(
      parse('h\nConv1, 224, 224, 7, 7, 3, 64, 2,\nc2, 56, 56, 3, 3, 64, 64, 1,\n', 'conv'),
      't',
    );
    expect(g.nodes.map((n) => n.attrs['pads'])).toEqual([
      [0, 0, 1, 1],
      [0, 0, 0, 0],
    ]);
    expect(g.tensors[g.outputs[0]!]!.shape).toEqual([1, 64, 110, 110]);
    expect(g.tensors['Conv1.ifmap']).toMatchObject({ kind: 'input', shape: [1, 3, 224, 224], dtype: 'int8' });
    expect(g.tensors['Conv1.filter']).toMatchObject({ kind: 'weight', shape: [64, 3, 7, 7] });
  });

  it('keeps depthwise layers expanded per channel, one single-channel convolution each', () => {
    const layers = parse('h\nDP1, 10, 10, 3, 3, 4, 4, 1,\n', 'conv');
    const g = topologyToGraph(layers, 'dw');
    expect(g.nodes.map((n) => n.name)).toEqual(['DP1_0', 'DP1_1', 'DP1_2', 'DP1_3']);
    expect(gemmsOf(g)).toEqual(dims(layers));
    expect(g.tensors['DP1_0.filter']!.shape).toEqual([1, 1, 3, 3]);
  });

  it('round-trips a GEMM topology (GPT-2) through MatMul nodes', () => {
    const layers = topology('GEMM_mnk-gpt2.csv', 'gemm');
    const g = topologyToGraph(layers, 'gpt2', 'bf16');
    expect(g.nodes.map((n) => n.op)).toEqual(layers.map(() => 'MatMul'));
    expect(gemmsOf(g)).toEqual(dims(layers));
    expect(g.nodes.every((n) => nodeCost(g, n).gemms[0]!.weightsAreParameters)).toBe(true);
    expect(g.outputs.map((o) => g.tensors[o]!.shape)).toEqual(layers.map((l) => [l.m, l.n]));
    expect(g.tensors[g.inputs[0]!]!.dtype).toBe('bf16');
  });

  it('keeps node names unique when a layer name repeats', () => {
    const g = topologyToGraph(parse('h\nfc, 4, 8, 16,\nfc, 4, 8, 16,\n', 'gemm'), 'dup');
    expect(g.nodes.map((n) => n.name)).toEqual(['fc', 'fc@3']);
  });
});
