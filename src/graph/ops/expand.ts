/**
 * Expand: the input broadcast (NumPy rules) to a constant shape. torch.onnx.export writes it for the
 * zero initial state of nn.LSTM / nn.GRU / nn.RNN called without one (Expand(0, [dirs, batch, hidden])),
 * which folds into a constant when the graph is built.
 */
import { elementCount } from '../types.js';
import { broadcastValues } from './elementwise.js';
import { broadcastShapes, constantInts, fail, input, type OpDef } from './op.js';

function expandShape(x: readonly number[], target: readonly number[]): number[] {
  if (target.some((d) => !Number.isInteger(d) || d < 0)) fail(`shape (${target.join(', ')}) must hold sizes >= 0`);
  return broadcastShapes(x, target);
}

export const EXPAND: OpDef = {
  op: 'Expand',
  kind: 'layout',
  summary: 'broadcast to a shape',
  infer: (ctx) => [
    { dtype: input(ctx, 0).dtype, shape: expandShape(input(ctx, 0).shape, constantInts(ctx, 1, 'shape')) },
  ],
  // A copy of every output element.
  vectorOps: (_ctx, out) => elementCount(out[0]!.shape),
  evaluate: (ctx, inputs, out) => [broadcastValues(inputs[0]!, input(ctx, 0).shape, out[0]!.shape)],
};
