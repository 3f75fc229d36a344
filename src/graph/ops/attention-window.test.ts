/** Sliding-window attention (Gemma 2/3, Phi-3): query i sees keys i - window + 1 .. i. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../build.js';
import { evaluateGraph } from '../evaluate.js';

function attend(window: number, values: readonly number[]): Float64Array {
  const g = new GraphBuilder('window', 'fp32');
  const q = g.input('q', [1, 4, 1]);
  const k = g.input('k', [1, 4, 1]);
  const v = g.input('v', [1, 4, 1]);
  const out = g.add(
    'Attention',
    [q, k, v],
    { num_heads: 1, causal: 1, ...(window > 0 ? { window } : {}) },
    'attention',
  );
  // Zero queries and keys: every visible key gets the same weight, so each output is a plain mean.
  return evaluateGraph(g.build([out]), { q: [0, 0, 0, 0], k: [0, 0, 0, 0], v: values }).get(out)!;
}

describe('Attention window', () => {
  it('averages over the last `window` keys, and over all earlier keys without one', () => {
    expect(Array.from(attend(2, [1, 2, 4, 8]))).toEqual([1, 1.5, 3, 6]);
    expect(Array.from(attend(0, [1, 2, 4, 8]))).toEqual([1, 1.5, 7 / 3, 3.75].map(Math.fround));
  });
});
