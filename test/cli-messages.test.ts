/**
 * The CLI's small lies and messages (issue 13): inputs it used to accept silently, failures that said
 * nothing on stderr, and Node's own wording where tpusim's belongs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, loadSystem, nearestName, SYSTEM_PRESETS } from '../src/index.js';
import { tpusim } from './cli-helper.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tpusim-messages-'));
const write = (dir: string, name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('numbers on the command line', () => {
  it('takes a negative value after an option as its value, so the option says what is wrong', async () => {
    const r = await tpusim('infer', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '-5');
    expect(r.code).toBe(2);
    expect(r.err).toContain("--chips must be a positive integer, got '-5'");
    expect(r.err).not.toMatch(/ambiguous|unknown option/);
    const years = await tpusim('tco', '--chip', 'tpu-v4', '--workload', 'bert-base', '--years', '-.5');
    expect(years.err).toContain("--years must be a positive number, got '-.5'");
  });

  it('refuses values that overflow to Infinity, as it refuses NaN', async () => {
    for (const text of ['1e999', 'NaN', 'Infinity']) {
      const r = await tpusim('tco', '--chip', 'tpu-v4', '--workload', 'bert-base', '--years', text);
      expect(r.code, text).toBe(2);
      expect(r.err, text).toContain(`--years must be a positive number, got '${text}'`);
    }
    const dir = tmp();
    const program = readFileSync('examples/mlp-int8.s', 'utf8').replace('scale=0.0009765625', 'scale=1e999');
    const r = await tpusim('asm', write(dir, 'p.s', program));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/p\.s:\d+:\d+: activate scale must be a finite number, got '1e999'/);
  });

  it('does not read an empty string as 0', async () => {
    const r = await tpusim('fab', '--chip', 'tpu-v4', '--harvest', '');
    expect(r.code).toBe(2);
    expect(r.err).toContain("--harvest must be a share in [0, 1), got '' (an empty string is not a number)");
  });

  it('refuses a flag given twice', async () => {
    const r = await tpusim('infer', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '8', '--chips', '16');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--chips given twice');
    expect(r.out).toBe('');
  });

  it('parses seeds one way everywhere: whole numbers from 0', async () => {
    expect((await tpusim('gemm', '64', '64', '64', '--chip', 'tpu-v1', '--check', '--seed', '0')).code).toBe(0);
    const fraction = await tpusim(
      'infer',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--rate',
      '1',
      '--requests',
      '10',
      '--seed',
      '1.5',
    );
    expect(fraction.code).toBe(2);
    expect(fraction.err).toContain("--seed must be a whole number from 0 to 4294967295, got '1.5'");
    const negative = await tpusim('gemm', '64', '64', '64', '--chip', 'tpu-v1', '--seed', '-1');
    expect(negative.err).toContain("--seed must be a whole number from 0 to 4294967295, got '-1'");
  });
});

describe('names', () => {
  it('suggests the name a short form starts', async () => {
    expect(nearestName('h100', ['a100', 'h100-sxm', 'h100-pcie'])).toBe('h100-sxm');
    expect(nearestName('tpu-v9', ['tpu-v4', 'tpu-v5e'])).toBe('tpu-v4');
    const r = await tpusim('cost', '--chip', 'h100');
    expect(r.code).toBe(1);
    expect(r.err).toContain("did you mean 'h100-sxm'?");
  });
});

describe('failures say why on stderr', () => {
  it('infer: a model that fits no batch', async () => {
    const r = await tpusim('infer', 'llama3-405b', '--chip', 'h100-sxm', '--chips', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /llama3-405b on 1 x h100-sxm: [\d.]+ GiB per chip for batch 1 exceeds the chip's 80 GiB; no batch fits/,
    );
    expect(r.out).not.toMatch(/TTFT \(ms\)/);
  });

  it('train: no plan fits', async () => {
    const r = await tpusim('train', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '8', '--ep', '3');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no plan fits llama3-8b on 8 x h100-sxm: [\d,]+ x ep=3 but the model has no experts/);
  });
});

describe('inputs of a run', () => {
  it('warns on stderr about input buffers left at zero', async () => {
    const r = await tpusim('run', 'examples/mlp-int8.s');
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: no values for input buffers x, w1, w2');
  });

  it('refuses NaN and infinities in a program input, naming the tensor and the element', async () => {
    const dir = tmp();
    const data = new Float32Array(32 * 128).fill(0.5);
    data[130] = Number.NaN;
    const x = write(dir, 'x.npy', '');
    writeFileSync(x, encodeNpy({ dtype: 'float32', shape: [32, 128], data }));
    const r = await tpusim('run', 'examples/dense-bf16-v4.s', '--input', `x=${x}`, '--timing-only');
    expect(r.code).toBe(0); // a timing-only run reads no values
    const v = await tpusim('run', 'examples/dense-bf16-v4.s', '--input', `x=${x}`);
    expect(v.code).toBe(1);
    expect(v.err).toContain("input 'x': element 130 (at [1, 2]) is NaN; inputs must be finite numbers");
  });

  it('refuses NaN in a model input instead of computing on zeros', async () => {
    const dir = tmp();
    const data = new Float32Array(32 * 32).fill(0.25);
    data[5] = Number.POSITIVE_INFINITY;
    const x = join(dir, 'x.npy');
    writeFileSync(x, encodeNpy({ dtype: 'float32', shape: [1, 1, 32, 32], data }));
    const r = await tpusim('run', 'lenet', '--chip', 'tpu-v1', '--dtype', 'int8', '--input', x);
    expect(r.code).toBe(1);
    expect(r.err).toContain("input 'input': element 5 (at [0, 0, 0, 5]) is Infinity; inputs must be finite numbers");
  });

  it('refuses a conv topology read as GEMMs, naming the file and line', async () => {
    const file = 'test/fixtures/scalesim/alexnet.csv';
    const r = await tpusim('scalesim', '-c', 'test/fixtures/scalesim/scale-32x32-ws.cfg', '-t', file, '-i', 'gemm');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:1: the header names conv columns`);
    expect(r.err).toContain(`${file}:2: this row looks like a conv layer; a gemm topology row has 3 values (M, N, K)`);
    const dir = tmp();
    const gemm = write(dir, 'mnk.csv', 'Layer,M,N,K,\nfc,64,64,64,\n');
    const g = await tpusim('scalesim', '-c', 'test/fixtures/scalesim/scale-32x32-ws.cfg', '-t', gemm, '-i', 'conv');
    expect(g.code).toBe(1);
    expect(g.err).toContain(`${gemm}:2: this row looks like a gemm layer`);
  });
});

describe('cost books and chips', () => {
  const book = async (text: string): Promise<{ code: number; out: string; err: string }> =>
    tpusim('cost', '--chip', 'h100-sxm', '--costbook', write(tmp(), 'book.yaml', text));

  it("refuses values outside each key's range, naming the key, the value and the limit", async () => {
    const cases: Array<[string, string]> = [
      ['package.advancedYield: 5\n', 'package.advancedYield: 5 exceeds the maximum 1'],
      ['package.advancedYield: 0\n', 'package.advancedYield: 0 must be greater than 0'],
      ['memory.hbmStackYield: 0\n', 'memory.hbmStackYield: 0 must be greater than 0'],
      ['wafer.edgeExclusionMm: 1000\n', "wafer.edgeExclusionMm: 1000 mm must be less than the wafer's radius, 150 mm"],
      ['area.overheadShare: 1\n', 'area.overheadShare: 1 must be less than 1'],
    ];
    for (const [text, message] of cases) {
      const r = await book(text);
      expect(r.code, text).toBe(1);
      expect(r.err, text).toContain(message);
      expect(r.out, text).toBe('');
    }
  });

  it('accepts a plain number where a range is used (tco --vs swings it from itself to itself)', async () => {
    const dir = tmp();
    const r = await tpusim(
      'tco',
      '--chip',
      'tpu-v4',
      '--workload',
      'bert-base',
      '--vs',
      'a100',
      '--costbook',
      write(dir, 'pue.yaml', 'tco.pue: 1.3\n'),
      '--json',
    );
    expect(r.code).toBe(0);
    const bar = JSON.parse(r.out).tornado.find((b: { name: string }) => b.name === 'tco.pue');
    expect(bar).toMatchObject({ lowValue: 1.3, highValue: 1.3, swing: 0 });
  });

  it('reports a chip larger than a wafer as one that cannot be built, not as a price', async () => {
    const dir = tmp();
    const chip = write(dir, 'huge.yaml', 'base: tpu-v1\nname: huge\ncores: [{ count: 1000000 }]\n');
    const r = await tpusim('cost', '--chip', chip);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        'huge cannot be built, so it has no cost: [\\d,]+ mm\\^2 of logic silicon \\([\\d,]+ ' +
          "dies of 858 mm\\^2\\) is more than a whole 300 mm wafer's usable 67,887 mm\\^2",
      ),
    );
    expect(r.out).toBe('');
    const j = await tpusim('cost', '--chip', chip, '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ feasible: false, chip: 'huge' });
  });
});

describe('system files over a preset', () => {
  it('merges tiers by index and keeps the preset tiers the file does not list', () => {
    const system = loadSystem('base: dgx-h100\ntiers: [{ bandwidthBytesPerS: 900e9 }]\n', 'mine.yaml');
    const preset = SYSTEM_PRESETS['dgx-h100']!;
    expect(system.tiers).toHaveLength(preset.tiers.length);
    expect(system.tiers[0]).toMatchObject({ ...preset.tiers[0], bandwidthBytesPerS: 900e9 });
    expect(system.tiers[1]).toEqual(preset.tiers[1]);
  });
});
