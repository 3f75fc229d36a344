/** Fusion rules: one per op, reasons as data, and a rule (or an explicit refusal) for every registry op. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../build.js';
import { GraphError } from '../errors.js';
import { supportedOps } from '../ops/registry.js';
import type { Graph, GraphNode } from '../types.js';
import { consumers, fuse } from './fuse.js';
import { FUSION_RULES, UNFUSED_OPS, fuseNode } from './fusion-rules.js';

/** The single reader of a tensor that is not a graph output, as `fuse` gives it to the rules. */
const consumersFor =
  (graph: Graph) =>
  (tensor: string): GraphNode | undefined => {
    const users = consumers(graph).get(tensor) ?? [];
    return users.length === 1 && !graph.outputs.includes(tensor) ? users[0] : undefined;
  };

describe('fusion rules cover the op registry', () => {
  it('gives every registry op a fusion rule or lists it as not fused', () => {
    const missing = supportedOps().filter((op) => !FUSION_RULES.has(op) && !UNFUSED_OPS.has(op));
    expect(missing).toEqual([]);
    expect(supportedOps().filter((op) => FUSION_RULES.has(op) && UNFUSED_OPS.has(op))).toEqual([]);
  });

  it('has rules only for registry ops', () => {
    const known = new Set(supportedOps());
    expect([...FUSION_RULES.keys(), ...UNFUSED_OPS].filter((op) => !known.has(op))).toEqual([]);
  });
});

describe('fuseNode returns why a node cannot be a layer as data', () => {
  const softmax = (axis: number) => {
    const g = new GraphBuilder('softmax', 'fp32');
    return g.build([g.add('Softmax', [g.input('x', [2, 3, 4])], { axis }, 's')]);
  };

  it('answers a layer or a reason without throwing', () => {
    for (const [axis, ok] of [
      [-1, true],
      [0, false],
    ] as const) {
      const graph = softmax(axis);
      const node = graph.nodes[0]!;
      const result = fuseNode({
        graph,
        node,
        onlyUser: consumersFor(graph),
        transposedParameters: new Map(),
        lenient: true,
      });
      expect(result.ok).toBe(ok);
      if (!result.ok)
        expect(result.reason).toBe("node 's' (Softmax): softmax over axis 0 is not supported; only the last axis (2)");
    }
  });

  it('keeps the same reason for strict fusion (a GraphError) and lenient fusion (an opaque layer)', () => {
    const graph = softmax(1);
    let thrown: unknown;
    try {
      fuse(graph);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GraphError);
    expect((thrown as GraphError).code).toBe('unsupported');
    expect(fuse(graph, { lenient: true }).ops).toEqual([
      {
        kind: 'opaque',
        name: 's',
        nodes: ['s'],
        out: graph.nodes[0]!.outputs[0],
        node: 's',
        why: (thrown as GraphError).message,
      },
    ]);
  });

  it('reports a Slice with computed bounds as a reason, not an exception', () => {
    const g = new GraphBuilder('slice', 'fp32');
    const starts = g.constant('starts', [1]);
    const built = g.build([g.add('Slice', [g.input('x', [4, 4]), starts, g.constant('ends', [2])], {}, 'sl')]);
    // Starts computed at run time (the builder itself only accepts constant ones).
    const { data: _data, ...computed } = built.tensors[starts]!;
    const graph = { ...built, tensors: { ...built.tensors, [starts]: { ...computed, kind: 'activation' as const } } };
    const result = fuseNode({
      graph,
      node: graph.nodes[0]!,
      onlyUser: consumersFor(graph),
      transposedParameters: new Map(),
      lenient: false,
    });
    expect(result).toEqual({ ok: false, reason: "node 'sl' (Slice): starts and ends must be constants" });
    expect(fuse(graph, { lenient: true }).ops).toMatchObject([
      { kind: 'opaque', node: 'sl', why: result.ok ? '' : result.reason },
    ]);
  });

  it('absorbs no epilogue when the matrix layer is refused', () => {
    const g = new GraphBuilder('scaled-conv', 'fp32');
    const conv = g.add('Conv', [g.input('x', [1, 2, 4, 4]), g.weight('w', [3, 2, 1, 1])], {}, 'c');
    const scaled = g.add('Mul', [conv, g.constant('half', [0.5], 'fp32')], {}, 'm');
    const graph = g.build([g.add('Relu', [scaled], {}, 'r')]);
    const ops = fuse(graph, { lenient: true }).ops;
    expect(ops.map((o) => [o.kind, o.name])).toEqual([
      ['opaque', 'c'],
      ['binary', 'm'],
      ['unary', 'r'],
    ]);
  });
});
