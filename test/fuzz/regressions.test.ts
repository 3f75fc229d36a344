/**
 * Crashes the fuzz suite found, each replayed through the CLI as the case that found it (the fixes are
 * in the library; unit tests beside them cover the rest).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from '../cli-helper.js';
import { encodeOnnx, type OnnxModel } from '../../src/index.js';
import { ONNX_FIXTURES } from '../../src/graph/onnx/test-support/onnx-models.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tpusim-fuzz-regression-'));

describe('fuzz regressions', () => {
  it('estimate: a BatchNormalization without its variance input is an error, not a crash in simplify', async () => {
    const model = ONNX_FIXTURES['resnet-block']!().model;
    const bnIndex = model.graph.nodes.findIndex((n) => n.opType === 'BatchNormalization');
    expect(bnIndex).toBeGreaterThanOrEqual(0);
    const nodes = model.graph.nodes.map((n, i) => (i === bnIndex ? { ...n, inputs: n.inputs.slice(0, 4) } : n));
    const broken: OnnxModel = { ...model, graph: { ...model.graph, nodes } };
    const file = join(tmp(), 'model.onnx');
    writeFileSync(file, encodeOnnx(broken));
    const r = await tpusim('estimate', file, '--chip', 'tpu-v4', '--json');
    expect(r.err).not.toMatch(/internal error/);
    expect([0, 1]).toContain(r.code);
  });

  it('chip show: a chip file nested thousands of levels deep is refused with exit 1', async () => {
    const file = join(tmp(), 'chip.json');
    writeFileSync(file, `{"base": "tpu-v1", "cores": [${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}]}`);
    const r = await tpusim('chip', 'show', file, '--json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nested more than 64 levels deep/);
  });

  it('estimate: a config.json with 2^31 layers is refused at once', async () => {
    const file = join(tmp(), 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        model_type: 'llama',
        hidden_size: 256,
        intermediate_size: 512,
        num_hidden_layers: 2147483647,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        vocab_size: 1000,
        max_position_embeddings: 512,
      }),
    );
    const r = await tpusim('estimate', file, '--chip', 'tpu-v4', '--seq', '128', '--json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/num_hidden_layers is 2147483647, above the limit 1024/);
  });
});
