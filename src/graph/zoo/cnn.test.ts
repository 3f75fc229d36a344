import { describe, expect, it } from 'vitest';
import { parameterCount, summarizeGraph } from '../analysis.js';
import { elementCount, type Graph } from '../types.js';
import { CNN_ZOO } from './cnn.js';

const entry = (name: string) => CNN_ZOO.find((e) => e.name === name)!;
const outputShape = (g: Graph) => g.tensors[g.outputs[0]!]!.shape;
const CLASSES: Readonly<Record<string, number>> = {
  mlp: 10,
  lenet: 10,
  resnet18: 1000,
  resnet50: 1000,
  'mobilenet-v2': 1000,
};

describe('CNN zoo', () => {
  it('has the expected models', () => {
    expect(CNN_ZOO.map((e) => e.name)).toEqual(['mlp', 'lenet', 'resnet18', 'resnet50', 'mobilenet-v2']);
  });

  describe.each(CNN_ZOO.map((e) => [e.name, e] as const))('%s', (name, e) => {
    const graph = e.build(e.defaults);

    it('matches its published parameter count', () => {
      const actual = parameterCount(graph);
      const difference = Math.abs(actual - e.publishedParameters) / e.publishedParameters;
      expect(
        difference <= e.parameterTolerance,
        `${name}: ${actual} parameters, published ${e.publishedParameters} (tolerance ${e.parameterTolerance})`,
      ).toBe(true);
    });

    it('classifies into its classes', () => {
      expect(outputShape(graph)).toEqual([e.defaults.batch, CLASSES[name]]);
    });

    it('builds at batch 4 with the same parameters', () => {
      const g = e.build({ ...e.defaults, batch: 4 });
      expect(outputShape(g)).toEqual([4, CLASSES[name]]);
      expect(parameterCount(g)).toBe(parameterCount(graph));
      expect(summarizeGraph(g).macs).toBe(4 * summarizeGraph(graph).macs);
    });

    it('has fp32 weights without values', () => {
      const weights = Object.values(graph.tensors).filter((t) => t.kind === 'weight' || t.kind === 'state');
      expect(weights.every((t) => t.dtype === 'fp32' && t.data === undefined)).toBe(true);
    });
  });

  it('ResNet-50 does 4.09 GMACs at 224x224, within 2%', () => {
    // torchvision lists 4.09 GFLOPS (multiply-adds) for resnet50; He et al. 2016, Table 1, report
    // 3.8e9 FLOPs counting a multiply-add as one for the original v1 (stride on the 1x1 convolution).
    const macs = summarizeGraph(entry('resnet50').build(entry('resnet50').defaults)).macs;
    expect(Math.abs(macs - 4.09e9) / 4.09e9).toBeLessThan(0.02);
  });

  it('keeps batch-norm running statistics out of the parameters', () => {
    const g = entry('resnet18').build(entry('resnet18').defaults);
    const state = Object.values(g.tensors).filter((t) => t.kind === 'state');
    // Two running statistics per channel of ResNet-18's 4,800 batch-norm channels.
    expect(state.reduce((s, t) => s + elementCount(t.shape), 0)).toBe(2 * 4800);
    expect(state.every((t) => /running_(mean|var)$/.test(t.name))).toBe(true);
  });

  it('MobileNet-v2 uses ReLU6 and depthwise convolutions', () => {
    const g = entry('mobilenet-v2').build(entry('mobilenet-v2').defaults);
    const depthwise = g.nodes.filter((n) => n.op === 'Conv' && (n.attrs['group'] as number) > 1);
    expect(depthwise).toHaveLength(17);
    expect(depthwise.every((n) => n.attrs['group'] === g.tensors[n.inputs[0]!]!.shape[1])).toBe(true);
    expect(g.nodes.filter((n) => n.op === 'Clip')).toHaveLength(35);
  });

  it('LeNet-5 has the paper’s parameters layer by layer (LeCun et al. 1998, Sec. II-B)', () => {
    const g = entry('lenet').build(entry('lenet').defaults);
    const byLayer: Record<string, number> = {};
    for (const t of Object.values(g.tensors)) {
      const layer = t.name.split('.')[0]!;
      if (t.kind === 'weight') byLayer[layer] = (byLayer[layer] ?? 0) + elementCount(t.shape);
    }
    expect(byLayer).toEqual({ c1: 156, s2: 12, c3: 1516, s4: 32, c5: 48120, f6: 10164 });
    // The 84 x 10 RBF centres are fixed by hand: state, not parameters.
    expect(g.tensors['output.centres']).toMatchObject({ kind: 'state', shape: [10, 84] });
  });
});
