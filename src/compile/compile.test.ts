import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { createRng } from '../core/rng.js';
import { GraphBuilder } from '../graph/build.js';
import { evaluateGraph } from '../graph/evaluate.js';
import type { Graph } from '../graph/types.js';
import { runCompiledModel } from '../run/compiled-model.js';
import { compileAndVerify, compileGraph } from './compile.js';
import { CompileError } from './errors.js';
import { fuse } from '../graph/layers/fuse.js';
import { simplify } from '../graph/layers/simplify.js';
import { packConvWeights } from './lower-matrix.js';
import { rowLevels } from '../arch/mapping.js';
import { evaluateQuantized } from './reference.js';
import { quantizeValue } from './quantize.js';
import { toFormat } from '../isa/semantics.js';
import { schedule, type tile } from './tile.js';
import { verifyTiled } from './verify.js';
import { reshapeView, transposeView, type View } from './views.js';

const rng = createRng(7);
const randn = (n: number, scale = 1): Float64Array =>
  Float64Array.from({ length: n }, () => Math.fround(rng.normal() * scale));
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function inputsOf(graph: Graph): Record<string, Float64Array> {
  return Object.fromEntries(graph.inputs.map((t) => [t, randn(size(graph.tensors[t]!.shape))]));
}

/** Compiles with every verifier, runs on the chip, and returns chip, quantized-reference and fp32 outputs. */
function runBoth(graph: Graph, chipName: string, dtype: 'int8' | 'bf16') {
  const chip = getChipPreset(chipName)!;
  const inputs = inputsOf(graph);
  const { compiled, issues } = compileAndVerify(graph, chip, { dtype, calibration: inputs });
  for (const [pass, list] of Object.entries(issues)) expect(list, `verifier after ${pass}`).toEqual([]);
  const chipRun = runCompiledModel(compiled, chip, { inputs });
  const reference = evaluateQuantized(fuse(simplify(graph)), compiled.plan, inputs);
  return {
    chip: chipRun.outputs,
    reference: reference.outputs,
    fp32: evaluateGraph(graph, inputs),
    compiled,
    layers: chipRun.layers,
  };
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return d / (m || 1);
}

describe('views', () => {
  const base: View = { buffer: 0, offset: 0, shape: [2, 3, 4], strides: [12, 4, 1] };
  it('reshapes contiguous data without copying and refuses what strides cannot express', () => {
    expect(reshapeView(base, [6, 4])!.strides).toEqual([4, 1]);
    expect(reshapeView(base, [2, 12])!.strides).toEqual([12, 1]);
    expect(reshapeView(base, [2, 3, 2, 2])!.strides).toEqual([12, 4, 2, 1]);
    const t = transposeView(base, [0, 2, 1]);
    expect(t.strides).toEqual([12, 1, 4]);
    expect(reshapeView(t, [2, 12])).toBeUndefined();
    expect(reshapeView(t, [2, 2, 2, 3])!.strides).toEqual([12, 2, 1, 4]);
  });
});

describe('rowLevels', () => {
  it('merges rows that step evenly and splits the rest into jobs of two levels', () => {
    // 2 images of 3x4 outputs read from a padded 5x6 input (stride 1), written packed.
    const jobs = rowLevels(
      [2, 3, 4],
      [
        [30, 6, 1],
        [12, 4, 1],
        [0, 0, 0],
      ],
    );
    expect(jobs.length).toBe(2);
    expect(jobs[1]!.operand(0, 0, 7)).toEqual({ buffer: 0, offset: 37, rowStride: 1, groupRows: 4, groupStride: 6 });
    expect(jobs[1]!.operand(1, 1, 0)).toEqual({ buffer: 1, offset: 12, rowStride: 1, groupRows: 4, groupStride: 4 });
    // Unpadded: everything merges into one run of 24 rows.
    const merged = rowLevels(
      [2, 3, 4],
      [
        [12, 4, 1],
        [12, 4, 1],
        [0, 0, 0],
      ],
    );
    expect(merged.map((j) => j.rows)).toEqual([24]);
  });
});

describe('quantizeValue', () => {
  it('is toFormat(fp32(x / scale)) for int8, ties and saturation included', () => {
    const values = [
      0.5,
      1.5,
      2.5,
      -0.5,
      -1.5,
      -2.5,
      126.5,
      127.4,
      127.5,
      -127.5,
      -128.5,
      -200,
      200,
      0,
      -0,
      NaN,
      Infinity,
      -Infinity,
      ...randn(2000, 60),
    ];
    for (const v of values)
      for (const scale of [1, 0.5, 0.0371])
        expect(
          Object.is(quantizeValue(v, scale, 'int8'), toFormat(Math.fround(v / scale), 'int8')),
          `${v} / ${scale}`,
        ).toBe(true);
  });
});

describe('packConvWeights', () => {
  it('places each group on the diagonal of its block, zeros elsewhere', () => {
    // Depthwise: 3 channels, 1x1 kernel, 2 groups per block -> 2 blocks of 2x2.
    const packed = packConvWeights(Float64Array.from([5, 6, 7]), {
      outChannels: 3,
      perGroup: 1,
      kh: 1,
      kw: 1,
      groups: 3,
      pack: 2,
    });
    expect(Array.from(packed)).toEqual([5, 0, 0, 6, 7, 0, 0, 0]);
  });
});

function mlp(): Graph {
  const g = new GraphBuilder('mlp');
  const x = g.input('x', [4, 20]);
  const h = g.add('Relu', [
    g.add('Add', [
      g.add('MatMul', [x, g.weight('w1', [20, 16], randn(320, 0.3))]),
      g.weight('b1', [16], randn(16, 0.1)),
    ]),
  ]);
  return g.build([
    g.add('Gemm', [h, g.weight('w2', [10, 16], randn(160, 0.3)), g.weight('b2', [10], randn(10, 0.1))], { transB: 1 }),
  ]);
}

function cnn(): Graph {
  const g = new GraphBuilder('cnn');
  const x = g.input('x', [2, 3, 12, 12]);
  const c = g.add('Relu', [
    g.add('Conv', [x, g.weight('w', [8, 3, 3, 3], randn(216, 0.3)), g.weight('b', [8], randn(8, 0.1))], {
      pads: [1, 1, 1, 1],
    }),
  ]);
  const p = g.add('MaxPool', [c], { kernel_shape: [2, 2], strides: [2, 2] });
  const c2 = g.add('Conv', [p, g.weight('w2', [6, 8, 3, 3], randn(432, 0.2))], { pads: [1, 1, 1, 1], strides: [2, 2] });
  const s = g.add('Add', [c2, g.add('Conv', [p, g.weight('w3', [6, 8, 1, 1], randn(48, 0.3))], { strides: [2, 2] })]);
  const f = g.add('Flatten', [g.add('Relu', [s])]);
  return g.build([
    g.add('Gemm', [f, g.weight('fc', [5, 54], randn(270, 0.2)), g.weight('fcb', [5], randn(5, 0.1))], { transB: 1 }),
  ]);
}

/** Depthwise and grouped convolutions, a padded max pool, a global average pool. */
function grouped(): Graph {
  const g = new GraphBuilder('grouped');
  const x = g.input('x', [1, 6, 9, 9]);
  const dw = g.add('Clip', [
    g.add('Conv', [x, g.weight('dw', [6, 1, 3, 3], randn(54, 0.4))], { pads: [1, 1, 1, 1], group: 6 }),
    g.constant('lo', [0], 'fp32'),
    g.constant('hi', [6], 'fp32'),
  ]);
  const gc = g.add('Conv', [dw, g.weight('gw', [4, 3, 3, 3], randn(108, 0.3))], {
    pads: [0, 1, 2, 1],
    strides: [2, 1],
    group: 2,
  });
  const mp = g.add('MaxPool', [gc], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  return g.build([g.add('GlobalAveragePool', [mp])]);
}

/** Attention with grouped-query heads and a causal mask, LayerNorm and GELU (tanh) around it. */
function attention(): Graph {
  const g = new GraphBuilder('attn');
  const x = g.input('x', [2, 10, 16]);
  const ln = g.add(
    'LayerNormalization',
    [x, g.weight('g', [16], randn(16, 0.2)), g.weight('be', [16], randn(16, 0.1))],
    { axis: -1, epsilon: 1e-5 },
  );
  const q = g.add('MatMul', [ln, g.weight('wq', [16, 16], randn(256, 0.3))]);
  const k = g.add('MatMul', [ln, g.weight('wk', [16, 8], randn(128, 0.3))]);
  const v = g.add('MatMul', [ln, g.weight('wv', [16, 8], randn(128, 0.3))]);
  const a = g.add('Attention', [q, k, v], { num_heads: 4, kv_heads: 2, causal: 1 });
  const o = g.add('Add', [x, g.add('MatMul', [a, g.weight('wo', [16, 16], randn(256, 0.3))])]);
  return g.build([g.add('Gelu', [o], { approximate: 'tanh' })]);
}

describe('compiled models compute what the reference computes', () => {
  it.each([
    { name: 'an MLP', build: mlp },
    { name: 'a CNN with pooling, a residual add and a flatten', build: cnn },
    { name: 'grouped and depthwise convolutions with padded pooling', build: grouped },
    { name: 'grouped-query causal attention', build: attention },
  ])('$name: int8 on tpu-v1 bit for bit, bf16 on tpu-v4 within 2 percent of fp32', ({ build }) => {
    const graph = build();
    const out = graph.outputs[0]!;
    const int8 = runBoth(graph, 'tpu-v1', 'int8');
    expect(Array.from(int8.chip.get(out)!)).toEqual(Array.from(int8.reference.get(out)!));
    expect(relativeError(int8.chip.get(out)!, int8.fp32.get(out)!)).toBeLessThan(0.05);
    const bf16 = runBoth(graph, 'tpu-v4', 'bf16');
    expect(relativeError(bf16.chip.get(out)!, bf16.fp32.get(out)!)).toBeLessThan(0.02);
  });

  it('uses all four matrix units of a tpu-v4 core', () => {
    const { compiled } = runBoth(cnn(), 'tpu-v4', 'bf16');
    const units = new Set(compiled.program.instructions.flatMap((i) => (i.op === 'matmul' ? [i.mxu] : [])));
    expect([...units].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('verifiers', () => {
  it('catch a tile read out of order', () => {
    const chip = getChipPreset('tpu-v1')!;
    const graph = mlp();
    let tiled: ReturnType<typeof tile> | undefined;
    compileGraph(graph, chip, {
      dtype: 'int8',
      onStage: (pass, result) => void (pass === 'tile' && (tiled = result as ReturnType<typeof tile>)),
    });
    expect(verifyTiled(tiled!, chip)).toEqual([]);
    const instructions = [...tiled!.instructions];
    const first = instructions.findIndex((i) => i.op === 'read_weights');
    const rows = (i: (typeof instructions)[number]): number => (i.op === 'read_weights' ? i.rows : -1);
    const second = instructions.findIndex(
      (i, j) => j > first && i.op === 'read_weights' && rows(i) !== rows(instructions[first]!),
    );
    [instructions[first], instructions[second]] = [instructions[second]!, instructions[first]!];
    expect(verifyTiled({ ...tiled!, instructions }, chip).map((i) => i.code)).toContain('fifo_order');
    expect(verifyTiled(schedule(tiled!, chip), chip)).toEqual([]);
  });
});

describe('compile errors', () => {
  it('names the op it cannot lower', () => {
    const g = new GraphBuilder('topk');
    const x = g.input('x', [4, 8]);
    const graph = g.build([
      g.add('MoE', [x, g.weight('r', [8, 4]), g.weight('u', [4, 8, 32]), g.weight('d', [4, 16, 8])], {
        experts: 4,
        top_k: 2,
        ffn_hidden: 16,
      }),
    ]);
    expect(() => compileGraph(graph, getChipPreset('tpu-v4')!)).toThrow(
      /node 'moe_0' \(MoE\): the compiler does not lower MoE/,
    );
  });
  it('says when activations do not fit the unified buffer', () => {
    const g = new GraphBuilder('big');
    const x = g.input('x', [4096, 4096]);
    const graph = g.build([g.add('MatMul', [x, g.weight('w', [4096, 4096])])]);
    expect(() => compileGraph(graph, getChipPreset('tpu-v4')!)).toThrow(CompileError);
    expect(() => compileGraph(graph, getChipPreset('tpu-v4')!)).toThrow(
      /unified buffer of tpu-v4 \(16 MiB\) cannot hold/,
    );
  });
  it('refuses a format the chip does not multiply', () => {
    expect(() => compileGraph(mlp(), getChipPreset('tpu-v1')!, { dtype: 'bf16' })).toThrow(
      /tpu-v1's matrix units multiply .*, not bf16/,
    );
  });
});
