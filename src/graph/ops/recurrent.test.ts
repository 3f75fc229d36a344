import { describe, expect, it } from 'vitest';
import type { AttrValue, GraphTensor } from '../types.js';
import type { OpContext } from './op.js';
import { opDef } from './registry.js';

const t = (name: string, shape: number[], kind: GraphTensor['kind'] = 'weight'): GraphTensor => ({
  name,
  dtype: 'fp32',
  shape,
  kind,
});

/** An RNN node over X (seq 3, batch 2, input 2) with hidden size 1. */
function rnn(attrs: Record<string, AttrValue> = {}, extra: (GraphTensor | undefined)[] = []): OpContext {
  const inputs = [t('x', [3, 2, 2], 'input'), t('w', [1, 1, 2]), t('r', [1, 1, 1]), ...extra];
  return {
    node: {
      name: 'n',
      op: 'RNN',
      inputs: inputs.map((i) => i?.name ?? ''),
      outputs: ['y', 'y_h'],
      attrs: { hidden_size: 1, ...attrs },
    },
    inputs,
  };
}

describe('recurrent ops (LSTM, GRU, RNN)', () => {
  const def = opDef('RNN')!;

  it('infers Y and Y_h in both layouts', () => {
    expect(def.infer(rnn()).map((o) => o.shape)).toEqual([
      [3, 1, 2, 1],
      [1, 2, 1],
    ]);
    const lstm = opDef('LSTM')!;
    const inputs = [t('x', [2, 5, 3], 'input'), t('w', [2, 16, 3]), t('r', [2, 16, 4])];
    const ctx: OpContext = {
      node: {
        name: 'l',
        op: 'LSTM',
        inputs: ['x', 'w', 'r'],
        outputs: ['y', 'h', 'c'],
        attrs: { hidden_size: 4, layout: 1, direction: 'bidirectional' },
      },
      inputs,
    };
    expect(lstm.infer(ctx).map((o) => o.shape)).toEqual([
      [2, 5, 2, 4],
      [2, 2, 4],
      [2, 2, 4],
    ]);
  });

  it('counts the input GEMM once over the sequence and the recurrent GEMM once per step', () => {
    const ctx = rnn();
    const out = def.infer(ctx);
    expect(def.gemms!(ctx, out)).toEqual([
      { batch: 1, m: 6, n: 1, k: 2, weightsAreParameters: true },
      { batch: 3, m: 2, n: 1, k: 1, weightsAreParameters: true, sequential: true },
    ]);
  });

  it('names the attribute, value and limit it refuses', () => {
    expect(() => def.infer(rnn({ direction: 'sideways' }))).toThrow(
      "direction 'sideways' must be forward, reverse or bidirectional",
    );
    expect(() => def.infer(rnn({ activations: ['Relu'] }))).toThrow(
      'activations ["Relu"]: only the defaults (tanh) are supported',
    );
    expect(() => def.infer(rnn({ clip: 3 }))).toThrow('attribute clip is not supported');
    expect(() => def.infer(rnn({}, [t('b', [1, 3])]))).toThrow('B (input 3) has shape (1, 3), expected (1, 2)');
  });

  it('stops each batch row at its sequence length: zeros after it, Y_h from its last step', () => {
    // h_t = tanh(x_t . w + h_{t-1} r) with w = (1, 0), r = 0.5.
    const ctx = rnn({}, [undefined, t('lens', [2], 'constant')]);
    const x = Float64Array.from([0.1, 9, 0.2, 9, 0.3, 9, 0.4, 9, 0.5, 9, 0.6, 9]);
    const [y, yh] = def.evaluate!(
      ctx,
      [x, Float64Array.from([1, 0]), Float64Array.from([0.5]), undefined, Float64Array.from([1, 3])],
      def.infer(ctx),
    );
    const row1 = [Math.tanh(0.2)];
    row1.push(Math.tanh(0.4 + 0.5 * row1[0]!));
    row1.push(Math.tanh(0.6 + 0.5 * row1[1]!));
    expect(Array.from(y!)).toEqual(
      [Math.fround(Math.tanh(0.1)), Math.fround(row1[0]!), 0, Math.fround(row1[1]!), 0, Math.fround(row1[2]!)].map(
        (v, i) => (i === 3 || i === 5 ? expect.closeTo(v, 6) : v),
      ),
    );
    expect(yh![0]).toBe(Math.fround(Math.tanh(0.1)));
    expect(yh![1]).toBeCloseTo(row1[2]!, 6);
  });
});
