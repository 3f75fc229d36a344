/**
 * tpusim models, compile and run MODEL as a user meets them: zoo names, ONNX files, Hugging Face
 * configs and SCALE-Sim topologies in; a program, outputs and per-layer tables out; and bad models
 * answered with what and where, a non-zero exit and no partial output.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';
import { ONNX_FIXTURES } from '../src/graph/onnx/test-support/onnx-models.js';
import {
  decodeNpy,
  encodeNpy,
  evaluateQuantized,
  fuse,
  getChipPreset,
  importOnnx,
  compileGraph,
  simplify,
  createRng,
} from '../src/index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tpusim-'));
const root = join(import.meta.dirname, '..');

function writeFixture(
  dir: string,
  name: string,
): { model: string; input: string; values: Float32Array; shape: readonly number[] } {
  const fixture = ONNX_FIXTURES[name]!();
  const model = join(dir, `${name}.onnx`);
  writeFileSync(model, fixture.bytes);
  const shape = fixture.inputs[0]!.shape;
  const rng = createRng(11);
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
  const input = join(dir, 'x.npy');
  writeFileSync(input, encodeNpy({ dtype: 'float32', shape, data: values }));
  return { model, input, values, shape };
}

describe('tpusim models', () => {
  it('lists the zoo with published parameter counts and sources', async () => {
    const r = await tpusim('models');
    expect(r.code).toBe(0);
    for (const name of [
      'mlp',
      'lenet',
      'resnet18',
      'resnet50',
      'mobilenet-v2',
      'bert-base',
      'bert-large',
      'gpt2',
      'gpt3-175b',
      'llama3-8b',
      'llama3-70b',
      'llama3-405b',
      'mixtral-8x7b',
      'gpt4-moe',
      'deepseek-v3',
    ])
      expect(r.out).toContain(name);
    expect(r.out).toMatch(/resnet50\s+cnn\s+25\.56 M/);
  });
  it('describes one model', async () => {
    const r = await tpusim('models', 'resnet50', '--json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out);
    expect(body.parameters).toBe(25_557_032);
    expect(body.macs).toBeGreaterThan(4.08e9);
  });
});

describe('tpusim compile', () => {
  it('compiles a zoo model for timing and writes nothing without -o', async () => {
    const r = await tpusim('compile', 'resnet50', '--chip', 'tpu-v1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/resnet50 for tpu-v1 \(int8\): \d+ layers, [\d,]+ instructions/);
    expect(r.out).toMatch(/for timing/);
  });

  it('writes assembly and weights that tpusim run loads, and the program computes what the model does', async () => {
    const dir = tmp();
    const { model, values, shape } = writeFixture(dir, 'mlp');
    const out = join(dir, 'prog', 'mlp.s');
    const r = await tpusim('compile', model, '--chip', 'tpu-v1', '-o', out, '--calibrate', join(dir, 'x.npy'));
    expect(r.code, r.err).toBe(0);
    // Weights, int32 biases and per-channel scales of three layers.
    expect(readdirSync(join(dir, 'prog', 'mlp.s.data')).length).toBe(9);
    expect(readFileSync(out, 'utf8')).toMatch(/\.init \S+ "mlp\.s\.data\//);
    // The host's part by hand: quantize the input with the printed scale into the host buffer.
    const json = JSON.parse(
      (await tpusim('compile', model, '--chip', 'tpu-v1', '--calibrate', join(dir, 'x.npy'), '--json')).out,
    );
    const binding = json.inputs[0];
    const quantized = Int8Array.from(values, (v) =>
      Math.max(-128, Math.min(127, Math.round(Math.fround(v / binding.scale)))),
    );
    writeFileSync(join(dir, 'xq.npy'), encodeNpy({ dtype: 'int8', shape, data: quantized }));
    const ran = await tpusim('run', out, '--input', `${binding.buffer}=${join(dir, 'xq.npy')}`, '-o', join(dir, 'y'));
    expect(ran.code, ran.err).toBe(0);
    const y = decodeNpy(new Uint8Array(readFileSync(join(dir, 'y', `${json.outputs[0].buffer}.npy`))));
    // Against the quantized reference on the same input.
    const graph = importOnnx(new Uint8Array(readFileSync(model)));
    if (!graph.ok || !y.ok) throw new Error('setup');
    const compiled = compileGraph(graph.value, getChipPreset('tpu-v1')!, {
      calibration: { [graph.value.inputs[0]!]: values },
    });
    const reference = evaluateQuantized(fuse(simplify(graph.value)), compiled.plan, {
      [graph.value.inputs[0]!]: values,
    });
    const expected = reference.stored.get(graph.value.outputs[0]!)!;
    expect(Array.from(y.value.data as Int8Array)).toEqual(Array.from(expected));
  });

  it('compiles a Hugging Face config and a SCALE-Sim topology', async () => {
    const dir = tmp();
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        model_type: 'llama',
        hidden_size: 256,
        intermediate_size: 512,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        vocab_size: 1000,
        max_position_embeddings: 512,
        rms_norm_eps: 1e-5,
      }),
    );
    const hf = await tpusim('compile', config, '--chip', 'tpu-v4', '--seq', '64');
    expect(hf.code, hf.err).toBe(0);
    expect(hf.out).toMatch(/llama for tpu-v4 \(bf16\)/);
    expect(hf.out).toMatch(/on the host/);
    const topo = await tpusim('compile', join(root, 'data', 'scalesim', 'mlperf-Resnet50.csv'), '--chip', 'tpu-v1');
    expect(topo.code, topo.err).toBe(0);
    expect(topo.out).toMatch(/mlperf-Resnet50 for tpu-v1 \(int8\): 54 layers/);
  });
});

describe('tpusim run MODEL', () => {
  it("runs an ONNX model on its input and writes outputs in the model's layout", async () => {
    const dir = tmp();
    const { model, input } = writeFixture(dir, 'lenet');
    const r = await tpusim('run', model, '--chip', 'tpu-v4', '--input', input, '-o', join(dir, 'out'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\/conv1\/Conv\s+conv\s+2x6x14x14/);
    expect(r.out).toMatch(/core0\.mxu3/);
    const y = decodeNpy(new Uint8Array(readFileSync(join(dir, 'out', 'output.npy'))));
    expect(y.ok && y.value.shape).toEqual([2, 10]);
  });

  it('times a zoo model with a per-layer table in JSON', async () => {
    const r = await tpusim('run', 'resnet18', '--chip', 'tpu-v4', '--json');
    expect(r.code, r.err).toBe(0);
    const body = JSON.parse(r.out);
    expect(body.timingOnly).toBe(true);
    const convs = body.layers.filter((l: { kind: string }) => l.kind === 'conv');
    expect(convs.length).toBe(20);
    expect(body.layers.reduce((s: number, l: { macs: number }) => s + l.macs, 0)).toBeGreaterThanOrEqual(1.81e9);
  });
});

describe('bad models', () => {
  it('a truncated ONNX file', async () => {
    const dir = tmp();
    const { model } = writeFixture(dir, 'mlp');
    writeFileSync(model, readFileSync(model).subarray(0, 200));
    const r = await tpusim('compile', model, '--chip', 'tpu-v1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/mlp\.onnx.*truncated/s);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
  it('an unknown model name', async () => {
    const r = await tpusim('run', 'resnet5', '--chip', 'tpu-v1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown model 'resnet5'.*resnet50/);
  });
  it('a config.json missing a field', async () => {
    const dir = tmp();
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        model_type: 'llama',
        hidden_size: 256,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        vocab_size: 1000,
        max_position_embeddings: 512,
      }),
    );
    const r = await tpusim('compile', config, '--chip', 'tpu-v4');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/intermediate_size/);
  });
  it('a model that does not fit the chip, with nothing written', async () => {
    const dir = tmp();
    const out = join(dir, 'gpt2.s');
    const r = await tpusim('compile', 'gpt2', '--chip', 'tpu-v4', '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unified buffer of tpu-v4 \(16 MiB\) cannot hold/);
    expect(existsSync(out)).toBe(false);
  });
  it('an input of the wrong shape', async () => {
    const dir = tmp();
    const { model } = writeFixture(dir, 'mlp');
    writeFileSync(join(dir, 'bad.npy'), encodeNpy({ dtype: 'float32', shape: [3, 64], data: new Float32Array(192) }));
    const r = await tpusim('run', model, '--chip', 'tpu-v1', '--input', join(dir, 'bad.npy'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/has shape \(3, 64\); the model needs \(4, 64\)/);
  });
});
