import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../build.js';
import { evaluateGraph } from '../evaluate.js';
import type { Graph } from '../types.js';
import { expandForOnnx } from './expand-for-onnx.js';
import { randomInput, relativeError } from './test-support/ort.js';

/** Self-attention over 5 tokens with 4 query heads of width 3 and `kvHeads` key/value heads. */
function attention(kvHeads: number, attrs: Record<string, number> = {}): Graph {
  const b = new GraphBuilder('attention', 'fp32');
  const q = b.input('q', [2, 5, 12]);
  const k = b.input('k', [2, 5, 3 * kvHeads]);
  const v = b.input('v', [2, 5, 3 * kvHeads]);
  return b.build([b.add('Attention', [q, k, v], { num_heads: 4, kv_heads: kvHeads, ...attrs }, 'attn')]);
}

describe('expandForOnnx', () => {
  for (const [kvHeads, causal] of [
    [4, 0],
    [2, 1],
    [1, 1],
  ] as const) {
    it(`writes out Attention with ${kvHeads} key/value heads (causal ${causal}) computing the same`, () => {
      const graph = attention(kvHeads, { causal });
      const expanded = expandForOnnx(graph);
      expect(expanded.nodes.map((n) => n.op)).not.toContain('Attention');
      const inputs = Object.fromEntries(
        graph.inputs.map((t, i) => [t, randomInput(graph.tensors[t]!.shape, 10 + i)] as const),
      );
      const fused = evaluateGraph(graph, inputs).get('attn')!;
      expect(relativeError(evaluateGraph(expanded, inputs).get('attn')!, fused)).toBeLessThan(1e-6);
    });
  }

  it('refuses sliding-window attention, naming the node and the window', () => {
    expect(() => expandForOnnx(attention(4, { window: 2 }))).toThrow(
      "node 'attn' (Attention): sliding windows and custom scales are not written out for ONNX (window=2",
    );
  });
});
