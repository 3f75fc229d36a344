/** Every op tpusim understands, by name. */
import { unknownNameMessage } from '../../core/errors.js';
import { CAST, CLIP, ELEMENTWISE_OPS } from './elementwise.js';
import { LAYOUT_OPS } from './layout.js';
import { ATTENTION, CONV, GEMM, MATMUL, MOE } from './matrix.js';
import { BATCH_NORM, LAYER_NORM, REDUCTIONS, RMS_NORM, SOFTMAX } from './normalization.js';
import type { OpDef } from './op.js';
import { POOLING_OPS } from './pooling.js';
import { RECURRENT_OPS } from './recurrent.js';
import { SELECT_OPS } from './select.js';
import { EXPAND } from './expand.js';

export const OP_REGISTRY: ReadonlyMap<string, OpDef> = new Map(
  [
    MATMUL,
    GEMM,
    CONV,
    ATTENTION,
    MOE,
    ...ELEMENTWISE_OPS,
    CLIP,
    CAST,
    SOFTMAX,
    LAYER_NORM,
    RMS_NORM,
    BATCH_NORM,
    ...REDUCTIONS,
    ...POOLING_OPS,
    ...LAYOUT_OPS,
    EXPAND,
    ...RECURRENT_OPS,
    ...SELECT_OPS,
  ].map((d) => [d.op, d]),
);

export function supportedOps(): string[] {
  return [...OP_REGISTRY.keys()].sort();
}

export function opDef(op: string): OpDef | undefined {
  return OP_REGISTRY.get(op);
}

export function unsupportedOpMessage(op: string): string {
  return unknownNameMessage('op', op, supportedOps());
}
