/** Lowering rules: one per kind of layer, an opaque layer's rule says why it cannot be lowered. */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { GraphBuilder } from '../graph/build.js';
import { fuse, FUSION_RULES } from '../graph/layers/fuse.js';
import { CompileError } from './errors.js';
import { lower, Lowering } from './lower.js';
import { quantize } from './quantize.js';

describe('lowering rules', () => {
  it('has a rule for every kind of layer the fusion rules make', () => {
    // Every kind fusion can produce, opaque included (lenient fusion's refusals).
    const kinds = [
      'matmul',
      'conv',
      'attention',
      'pool',
      'unary',
      'binary',
      'row',
      'view',
      'concat',
      'embedding',
      'opaque',
    ];
    expect([...Lowering.loweredKinds()].sort()).toEqual([...kinds].sort());
    expect(FUSION_RULES.size).toBeGreaterThan(0);
  });

  it("refuses an opaque layer with the fusion rule's reason", () => {
    const g = new GraphBuilder('softmax', 'fp32');
    const graph = g.build([g.add('Softmax', [g.input('x', [2, 3, 4])], { axis: 0 }, 's')]);
    const logical = fuse(graph, { lenient: true });
    expect(logical.ops.map((o) => o.kind)).toEqual(['opaque']);
    const plan = quantize(logical, { dtype: 'bf16' });
    let thrown: unknown;
    try {
      lower(logical, plan, getChipPreset('tpu-v4'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CompileError);
    expect((thrown as CompileError).code).toBe('unsupported');
    expect((thrown as CompileError).message).toBe(
      "node 's' (Softmax): softmax over axis 0 is not supported; only the last axis (2)",
    );
  });
});
