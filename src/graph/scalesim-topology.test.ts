import { describe, expect, it } from 'vitest';
import { convOutputSize, parseScaleSimTopology } from './scalesim-topology.js';

describe('SCALE-Sim topologies', () => {
  it('lowers conv layers to GEMMs without padding (M = output pixels, N = filters, K = Fh Fw C)', () => {
    const r = parseScaleSimTopology(
      'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, ' +
        'Strides,\nConv1, 224, 224, 7, 7, 3, 64, 2,\n\n',
      'conv',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(convOutputSize(224, 7, 2)).toBe(110); // ceil((224 - 7 + 2) / 2) = ceil(109.5)
    expect(r.value).toEqual([expect.objectContaining({ name: 'Conv1', m: 110 * 110, n: 64, k: 7 * 7 * 3, line: 2 })]);
  });

  it('reads the optional stride in width from the ninth column', () => {
    const r = parseScaleSimTopology('h\nc, 96, 96, 3, 3, 3, 8, 2, 1\n', 'conv');
    expect(r.ok && r.value[0]!.m).toBe(48 * 94);
  });

  it('expands depthwise layers (names containing DP) one per channel', () => {
    const r = parseScaleSimTopology('h\nDP1, 10, 10, 3, 3, 4, 4, 1,\n', 'conv');
    expect(r.ok && r.value.map((l) => [l.name, l.m, l.n, l.k])).toEqual(
      [0, 1, 2, 3].map((c) => [`DP1_${c}`, 64, 1, 9]),
    );
  });

  it('reads GEMM topologies and ignores extra columns', () => {
    const r = parseScaleSimTopology('Layer Name, M, N, K,\nTest 1, 128, 64, 256,1\n', 'gemm');
    expect(r.ok && r.value).toEqual([{ name: 'Test 1', line: 2, m: 128, n: 64, k: 256 }]);
  });

  it('reports every bad field with line and column', () => {
    const r = parseScaleSimTopology('h\na, 0, 2, 3,\nb, 1, x, 3,\n, 1, 2, 3,\n', 'gemm', 't.csv');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "t.csv:2:2: M must be a positive integer, got '0'",
      "t.csv:3:3: N must be a positive integer, got 'x'",
      't.csv:4:1: the layer name is empty',
    ]);
  });

  it('rejects a filter larger than its input and an empty file', () => {
    const big = parseScaleSimTopology('h\nc, 2, 2, 3, 3, 1, 1, 1,\n', 'conv');
    expect(!big.ok && big.issues[0]!.message).toMatch(/larger than the 2x2 input/);
    const empty = parseScaleSimTopology('header only\n', 'gemm');
    expect(!empty.ok && empty.issues[0]!.message).toMatch(/no layers/);
  });
});

describe('SCALE-Sim v3 Sparsity column', () => {
  it('reads N:M after K (gemm) and after Strides (conv)', () => {
    const gemm = parseScaleSimTopology('Layer Name, M, N, K, Sparsity,\nG1, 3, 5, 16, 3:4,\nG2, 1, 5, 16,\n', 'gemm');
    expect(gemm.ok && gemm.value.map((l) => l.sparsity)).toEqual([{ nonzeros: 3, block: 4 }, undefined]);
    const conv = parseScaleSimTopology(
      'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides, ' +
        'Sparsity,\nC1, 5, 5, 3, 3, 2, 6, 2, 2:4,\n',
      'conv',
    );
    expect(conv.ok && conv.value[0]).toMatchObject({
      sparsity: { nonzeros: 2, block: 4 },
      conv: { strideHeight: 2, strideWidth: 2 },
    });
  });

  it('refuses a ratio with N > M, naming file, line, column and value', () => {
    const r = parseScaleSimTopology('Layer Name, M, N, K, Sparsity,\nG1, 3, 5, 16, 5:4,\n', 'gemm', 't.csv');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]!.path + ' ' + r.issues[0]!.message).toMatch(
        /t\.csv:2:5 Sparsity must be N:M with 1 <= N <= M .*'5:4'/,
      );
  });
});
