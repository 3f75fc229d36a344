/**
 * An ONNX file with symbolic batch and sequence dimensions (as torch.onnx.export writes with
 * dynamic_axes), sized on the command line by --batch and --seq.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeOnnx, makeTensor, type OnnxModel } from '../src/index.js';
import { tpusim } from './cli-helper.js';

/** x (batch, sequence, 8) -> MatMul (8, 4) -> Relu -> y (batch, sequence, 4). */
function dynamicModel(): Uint8Array {
  const w = makeTensor(
    'w',
    'float',
    [8, 4],
    Array.from({ length: 32 }, (_, i) => (i % 5) - 2),
  );
  const model: OnnxModel = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'tpusim test',
    graph: {
      name: 'dynamic',
      nodes: [
        { name: 'proj', opType: 'MatMul', domain: '', inputs: ['x', 'w'], outputs: ['h'], attributes: [] },
        { name: 'act', opType: 'Relu', domain: '', inputs: ['h'], outputs: ['y'], attributes: [] },
      ],
      initializers: [w],
      inputs: [{ name: 'x', elemType: 'float', shape: ['batch', 'sequence', 8] }],
      outputs: [{ name: 'y', elemType: 'float', shape: ['batch', 'sequence', 4] }],
      valueInfo: [],
    },
  };
  return encodeOnnx(model);
}

describe('ONNX symbolic dimensions bound by --batch and --seq', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tpusim-dynamic-'));
  const file = join(dir, 'dynamic.onnx');
  writeFileSync(file, dynamicModel());

  it('sizes the batch and sequence dimensions from --batch and --seq', async () => {
    const r = await tpusim('estimate', file, '--chip', 'tpu-v4', '--batch', '3', '--seq', '5', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as { macs: number; layers: Array<{ name: string; shape: number[] }> };
    // 3 x 5 tokens through an 8 x 4 projection: 480 MACs.
    expect(body.macs).toBe(480);
    expect(body.layers[0]).toMatchObject({ name: 'proj', shape: [3, 5, 4] });
  });

  it('names the symbolic sequence dimension and --seq when it is not given', async () => {
    const r = await tpusim('estimate', file, '--chip', 'tpu-v4', '--batch', '3');
    expect(r.code).toBe(1);
    expect(r.err).toContain("input 'x' dimension 1 is symbolic ('sequence'); set it with --seq");
  });
});
