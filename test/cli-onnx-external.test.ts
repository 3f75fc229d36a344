/**
 * ONNX files with external data (weights in a side file beside the model, as exporters write models over
 * 2 GB): timing commands read no weights and need no side file; compile and run read it and compute what
 * the inline model computes; a missing side file or a location outside the model's folder is an error
 * that names it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { externalizeModel } from '../src/graph/onnx/test-support/external.js';
import { mlpModel } from '../src/graph/onnx/test-support/onnx-models.js';
import { createRng, decodeNpy, encodeNpy, encodeOnnx, type OnnxModel } from '../src/index.js';
import { tpusim } from './cli-helper.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tpusim-external-'));

const inline = mlpModel();
const external = externalizeModel(inline.model, 'mlp.onnx.data');

/** Writes `model` as DIR/mlp.onnx, with the side file unless `data` is left out. */
function writeModel(model: OnnxModel, data?: Uint8Array): string {
  const dir = tmp();
  writeFileSync(join(dir, 'mlp.onnx'), encodeOnnx(model));
  if (data) writeFileSync(join(dir, 'mlp.onnx.data'), data);
  return join(dir, 'mlp.onnx');
}

function writeInput(): string {
  const rng = createRng(5);
  const file = join(tmp(), 'x.npy');
  writeFileSync(
    file,
    encodeNpy({ dtype: 'float32', shape: [4, 64], data: Float32Array.from({ length: 256 }, () => rng.normal()) }),
  );
  return file;
}

async function json(...argv: string[]): Promise<Record<string, unknown>> {
  const r = await tpusim(...argv);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
}

async function runOutput(model: string, input: string): Promise<readonly number[]> {
  const out = join(tmp(), 'out');
  const r = await tpusim('run', model, '--chip', 'tpu-v4', '--input', input, '-o', out);
  expect(r.code, r.err).toBe(0);
  const y = decodeNpy(new Uint8Array(readFileSync(join(out, 'output.npy'))));
  if (!y.ok) throw new Error('output.npy does not decode');
  return Array.from(y.value.data as ArrayLike<number>);
}

describe('ONNX external data from the command line', () => {
  const inlineFile = writeModel(inline.model);

  it('estimate and models time the model without its side file', async () => {
    const noSide = writeModel(external.model);
    for (const command of [['estimate', '--chip', 'tpu-v4'], ['models']]) {
      const [name, ...rest] = command as [string, ...string[]];
      expect(await json(name, noSide, ...rest, '--json')).toEqual(await json(name, inlineFile, ...rest, '--json'));
    }
  });

  it('compile and run read the side file and compute what the inline model computes', async () => {
    const withSide = writeModel(external.model, external.data);
    expect(await json('compile', withSide, '--chip', 'tpu-v4', '--json')).toEqual(
      await json('compile', inlineFile, '--chip', 'tpu-v4', '--json'),
    );
    const input = writeInput();
    const [a, b] = [await runOutput(withSide, input), await runOutput(inlineFile, input)];
    expect(a).toHaveLength(40);
    expect(a).toEqual(b);
  });

  it('compile without the side file names the missing file', async () => {
    const noSide = writeModel(external.model);
    const r = await tpusim('compile', noSide, '--chip', 'tpu-v4');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      new RegExp(
        "mlp\\.onnx:graph\\.initializer\\[0\\]: tensor 'fc1\\.weight': external data file " +
          "'mlp\\.onnx\\.data' \\(.*mlp\\.onnx\\.data\\) does not exist",
      ),
    );
  });

  it('compile with a side file too short says how many bytes it holds and which it needs', async () => {
    const short = writeModel(external.model, external.data.subarray(0, 1000));
    const r = await tpusim('compile', short, '--chip', 'tpu-v4');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/'mlp\.onnx\.data' \(.*\) holds 1000 bytes; the tensor needs bytes 0 to 32768/);
  });

  it("refuses a location outside the model's folder, for timing too", async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'mlp.onnx.data'), external.data);
    const escaping = externalizeModel(inline.model, '../mlp.onnx.data');
    writeFileSync(join(dir, 'model', 'mlp.onnx'), encodeOnnx(escaping.model));
    for (const command of [
      ['compile', '--chip', 'tpu-v4'],
      ['estimate', '--chip', 'tpu-v4'],
    ]) {
      const r = await tpusim(command[0]!, join(dir, 'model', 'mlp.onnx'), ...command.slice(1));
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        "tensor 'fc1.weight': external data location '../mlp.onnx.data': paths with '..' are refused",
      );
    }
  });
});

const haveOnnx = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
if (!haveOnnx) console.warn('external data written by onnx itself: skipped, /usr/bin/python3 cannot import onnx');

describe.skipIf(!haveOnnx)('external data as onnx.save_model writes it (python3-onnx)', () => {
  it("runs the model onnx split into a side file, with the inline model's outputs", async () => {
    const dir = tmp();
    const inlineFile = join(dir, 'inline.onnx');
    writeFileSync(inlineFile, encodeOnnx(inline.model));
    const script = [
      'import onnx, sys',
      'm = onnx.load(sys.argv[1])',
      'onnx.save_model(m, sys.argv[2], save_as_external_data=True, all_tensors_to_one_file=True, ' +
        "location='split.onnx.data', size_threshold=1024)",
    ].join('\n');
    const saved = spawnSync('/usr/bin/python3', ['-c', script, inlineFile, join(dir, 'split.onnx')], {
      encoding: 'utf8',
    });
    expect(saved.status, saved.stderr).toBe(0);
    const input = writeInput();
    expect(await runOutput(join(dir, 'split.onnx'), input)).toEqual(await runOutput(inlineFile, input));
  });
});
