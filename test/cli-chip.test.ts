/**
 * tpusim asm, disasm and run as a user meets them: the examples from their .npy inputs, and bad
 * programs and tensors answered with file, line and column, a non-zero exit and no partial output.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';
import { decodeNpy, encodeNpy } from '../src/index.js';

const root = join(import.meta.dirname, '..');
const ex = (f: string): string => join(root, 'examples', f);
const data = (f: string): string => join(root, 'examples', 'data', f);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tpusim-'));

describe('tpusim run', () => {
  it('runs the MLP example from .npy inputs and writes its output and trace', async () => {
    const dir = tmp();
    const r = await tpusim(
      'run',
      ex('mlp-int8.s'),
      '--input',
      `x=${data('mlp-x.npy')}`,
      '--input',
      `w1=${data('mlp-w1.npy')}`,
      '--input',
      `w2=${data('mlp-w2.npy')}`,
      '-o',
      dir,
      '--trace',
      join(dir, 'trace.json'),
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/on tpu-v1: [\d,]+ cycles/);
    expect(r.out).toMatch(/core0\.mxu0/);
    const y = decodeNpy(new Uint8Array(readFileSync(join(dir, 'y.npy'))));
    expect(y.ok && y.value.dtype).toBe('int8');
    expect(y.ok && y.value.shape).toEqual([8, 128]);
    expect(JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')).traceEvents.length).toBeGreaterThan(10);
  });

  it('gives the same outputs with the reference engine, and JSON with counters that add up', async () => {
    const common = [
      ex('conv-int8.s'),
      '--input',
      `image=${data('conv-image.npy')}`,
      '--input',
      `w=${data('conv-w.npy')}`,
    ];
    const [a, b] = [tmp(), tmp()];
    expect((await tpusim('run', ...common, '-o', a)).code).toBe(0);
    expect((await tpusim('run', ...common, '-o', b, '--engine', 'reference')).code).toBe(0);
    expect(readFileSync(join(a, 'out.npy'))).toEqual(readFileSync(join(b, 'out.npy')));
    const json = JSON.parse((await tpusim('run', ...common, '--json')).out);
    expect(json.schemaVersion).toBe(1);
    const m = json.counters.matrixUnits[0];
    expect(
      m.activeCycles +
        m.weightStallCycles +
        m.weightShiftCycles +
        m.rawStallCycles +
        m.inputStallCycles +
        m.nonMatrixCycles,
    ).toBe(json.totalCycles);
  });

  it('takes bf16 tensors as float32 arrays on tpu-v4', async () => {
    const dir = tmp();
    const r = await tpusim(
      'run',
      ex('dense-bf16-v4.s'),
      '--input',
      `x=${data('dense-x.npy')}`,
      '--input',
      `w=${data('dense-w.npy')}`,
      '--input',
      `b=${data('dense-b.npy')}`,
      '-o',
      dir,
    );
    expect(r.code).toBe(0);
    const y = decodeNpy(new Uint8Array(readFileSync(join(dir, 'y.npy'))));
    expect(y.ok && y.value.dtype).toBe('float32');
  });

  it('rejects tensors of the wrong dtype or shape, listing each, and writes nothing', async () => {
    const dir = tmp();
    const wrongType = join(dir, 'x16.npy');
    writeFileSync(wrongType, encodeNpy({ dtype: 'int16', shape: [8, 256], data: new Int16Array(2048) }));
    const wrongShape = join(dir, 'w1.npy');
    writeFileSync(wrongShape, encodeNpy({ dtype: 'int8', shape: [256, 255], data: new Int8Array(256 * 255) }));
    const out = join(dir, 'out');
    const r = await tpusim(
      'run',
      ex('mlp-int8.s'),
      '--input',
      `x=${wrongType}`,
      '--input',
      `w1=${wrongShape}`,
      '--input',
      `nope=${wrongType}`,
      '-o',
      out,
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/x16\.npy: dtype int16 does not fit buffer 'x' \(int8\); give int8/);
    expect(r.err).toMatch(/w1\.npy: shape \(256, 255\) does not match buffer 'w1' \(256, 256\)/);
    expect(r.err).toMatch(/the program has no buffer 'nope'/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('answers a program with errors by file, line and column', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.s');
    writeFileSync(file, '.buffer ub a 0 bytes=64\nmatmul acc:0, a, 1\nactivate a, acc:0, 1, 1, relu, scale=x\n');
    const r = await tpusim('run', file, '--chip', 'tpu-v1');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:2:1: matmul is missing its depth operand`);
    expect(r.err).toContain(`${file}:3:32: activate scale must be a number, got 'x'`);
  });

  it('answers a program that does not fit the chip with its lines', async () => {
    const dir = tmp();
    const file = join(dir, 'big.s');
    writeFileSync(file, 'read_weights dram:0, 512, 256\nmatmul acc:0, ub:0, 1, 512, pop\nhalt\n');
    const r = await tpusim('run', file, '--chip', 'tpu-v1');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:1: the tile has 512 rows, but the 256x256 matrix unit holds at most 256`);
  });

  it('needs a chip when the program names none', async () => {
    const dir = tmp();
    const file = join(dir, 'p.s');
    writeFileSync(file, 'halt\n');
    const r = await tpusim('run', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/name a chip with --chip/);
  });
});

describe('tpusim run with .init', () => {
  /** y = x + w (int8), with x and w filled from .npy files named in the program. */
  function initProgram(): { dir: string; file: string } {
    const dir = tmp();
    mkdirSync(join(dir, 'data'));
    writeFileSync(
      join(dir, 'x.npy'),
      encodeNpy({ dtype: 'int8', shape: [2, 4], data: Int8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }),
    );
    writeFileSync(
      join(dir, 'data', 'w.npy'),
      encodeNpy({ dtype: 'int8', shape: [2, 4], data: Int8Array.from([10, 20, 30, 40, 50, 60, 70, 80]) }),
    );
    const file = join(dir, 'add.s');
    const text = [
      '.chip tpu-v1',
      '.buffer host x 0 shape=2x4 dtype=int8',
      '.buffer host w auto shape=2x4 dtype=int8',
      '.buffer host y auto shape=2x4 dtype=int8 output',
      '.init x "x.npy"',
      '.init w "data/w.npy"',
      '.buffer ub a 0 bytes=32',
      'read_host a, x, 8',
      'read_host a+8, w, 8',
      'vector add, a+16, a, 2, 4, src2=a+8, dtype=int8',
      'write_host y, a+16, 8',
      'halt',
    ].join('\n');
    writeFileSync(file, text);
    return { dir, file };
  }
  const values = (path: string): number[] => {
    const y = decodeNpy(new Uint8Array(readFileSync(path)));
    return y.ok ? Array.from(y.value.data) : [];
  };

  it('fills .init buffers from files beside the program, and --input wins', async () => {
    const { dir, file } = initProgram();
    const out = join(dir, 'out');
    const r = await tpusim('run', file, '-o', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(values(join(out, 'y.npy'))).toEqual([11, 22, 33, 44, 55, 66, 77, 88]);
    const other = join(tmp(), 'x2.npy');
    writeFileSync(other, encodeNpy({ dtype: 'int8', shape: [2, 4], data: Int8Array.from([0, 0, 0, 0, 1, 1, 1, 1]) }));
    expect((await tpusim('run', file, '--input', `x=${other}`, '-o', out)).code).toBe(0);
    expect(values(join(out, 'y.npy'))).toEqual([10, 20, 30, 40, 51, 61, 71, 81]);
  });

  it('keeps .init in the binary form, relative to the binary', async () => {
    const { dir, file } = initProgram();
    const bin = join(dir, 'add.tpub');
    expect((await tpusim('asm', file, '-o', bin)).code).toBe(0);
    expect((await tpusim('disasm', bin)).out).toContain('.init x "x.npy"\n.init w "data/w.npy"\n');
    const json = JSON.parse((await tpusim('asm', file, '--json')).out);
    expect(json.program.init).toEqual([
      { buffer: 'x', file: 'x.npy' },
      { buffer: 'w', file: 'data/w.npy' },
    ]);
    const out = join(dir, 'out-bin');
    expect((await tpusim('run', bin, '-o', out)).code).toBe(0);
    expect(values(join(out, 'y.npy'))).toEqual([11, 22, 33, 44, 55, 66, 77, 88]);
  });

  it('names the buffer and the path of a missing .init file, without a stack trace', async () => {
    const { dir, file } = initProgram();
    const missing = join(dir, 'data', 'w.npy');
    writeFileSync(missing, 'not an npy file');
    const bad = await tpusim('run', file);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/w\.npy: .*(magic|npy)/i);
    rmSync(missing);
    const r = await tpusim('run', file, '-o', join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `tpusim: the program's .init files cannot be loaded:\n${missing}: the .init file of buffer 'w' does not ` +
        `exist ('data/w.npy', relative to the program)`,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect((await tpusim('run', file, '--input', `w=${join(dir, 'x.npy')}`)).code).toBe(0);
  });
});

describe('tpusim asm and disasm', () => {
  it('assembles to a binary that disassembles to canonical text and runs the same', async () => {
    const dir = tmp();
    const bin = join(dir, 'mlp.tpub');
    expect((await tpusim('asm', ex('mlp-int8.s'), '-o', bin)).code).toBe(0);
    const text = (await tpusim('disasm', bin)).out;
    expect(text).toMatch(/read_weights w1, 256, 256/);
    const canonical = join(dir, 'canonical.s');
    writeFileSync(canonical, text);
    expect((await tpusim('disasm', canonical)).out).toBe(text);
    const inputs = [
      '--input',
      `x=${data('mlp-x.npy')}`,
      '--input',
      `w1=${data('mlp-w1.npy')}`,
      '--input',
      `w2=${data('mlp-w2.npy')}`,
    ];
    const a = JSON.parse((await tpusim('run', bin, ...inputs, '--json')).out);
    const b = JSON.parse((await tpusim('run', ex('mlp-int8.s'), ...inputs, '--json')).out);
    expect(a.totalCycles).toBe(b.totalCycles);
  });

  it('reports a file that is neither', async () => {
    const r = await tpusim('disasm', join(root, 'README.md'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/README\.md:\d+:1: unknown instruction/);
  });
});
