import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { assemble } from './assembler.js';
import { disassemble } from './disassembler.js';
import { decodeProgram, encodeProgram } from './encoding.js';
import type { Program } from './types.js';
import { validateProgram } from './validate.js';

const EXAMPLES = ['mlp-int8.s', 'conv-int8.s', 'dense-bf16-v4.s'];
const example = (name: string): string => readFileSync(join(import.meta.dirname, '..', '..', 'examples', name), 'utf8');

function ok<T>(r: { ok: true; value: T } | { ok: false; issues: readonly { path: string; message: string }[] }): T {
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.value;
}

const withoutSource = ({ source: _source, ...rest }: Program): Omit<Program, 'source'> => rest;

function errors(text: string, file = 'p.s'): string[] {
  const r = assemble(text, file);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('assembly round trips', () => {
  it.each(EXAMPLES)('%s: text -> program -> text -> program, and -> binary -> program', (name) => {
    const program = ok(assemble(example(name), name));
    const text = disassemble(program);
    const again = ok(assemble(text, 'disassembled.s'));
    expect(withoutSource(again)).toEqual(withoutSource(program));
    expect(disassemble(again)).toBe(text);
    const bytes = encodeProgram(program);
    const decoded = ok(decodeProgram(bytes));
    expect(decoded).toEqual(withoutSource(program));
    expect(encodeProgram(decoded)).toEqual(bytes);
    expect(disassemble(decoded)).toBe(text);
  });

  it('writes host DMAs as read_host / write_host and restores buffer names with offsets', () => {
    const program = ok(assemble('.buffer host x 0 bytes=64\n.buffer ub a 0 bytes=64\nread_host a+16, x+8, 8\nwrite_host x, a, 4\ndma ub:100, ub:0, 4\nhalt\n'));
    expect(disassemble(program)).toContain('read_host    a+16, x+8, 8');
    expect(disassemble(program)).toContain('write_host   x, a, 4');
    expect(disassemble(program)).toContain('dma          ub:100, a, 4');
  });

  it('places auto buffers after the explicit ones, 64-byte aligned', () => {
    const program = ok(assemble('.buffer ub a 0 bytes=10\n.buffer ub b auto bytes=8\n.buffer ub c auto bytes=8 core=1\nhalt\n'));
    expect(program.buffers.map((b) => [b.name, b.address])).toEqual([['a', 0], ['b', 64], ['c', 0]]);
  });
});

describe('assembly errors', () => {
  it('names file, line and column, and reports every problem', () => {
    expect(
      errors(
        [
          '.buffer ub a 0 bytes=64',
          'matmull acc:0, a, 1, 1',
          'matmul acc:0, b, 1, 1',
          'matmul acc:0, a, 0, 1',
          '  activate a, acc:0, 1, 1, rellu',
          'dma a, a',
          'matmul acc:0, a, 1, 1, popp',
          'sync nowhere',
          'read_host a, a, 4',
        ].join('\n'),
      ),
    ).toEqual([
      "p.s:2:1: unknown instruction 'matmull'; did you mean 'matmul'?",
      "p.s:3:15: matmul src: unknown buffer 'b'; did you mean 'a'? (or write space:address)",
      'p.s:4:18: matmul rows = 0 is below the minimum 1',
      "p.s:5:28: activate fn must be one of identity, relu, relu6, sigmoid, tanh, gelu, got 'rellu'; did you mean 'relu'?",
      'p.s:6:1: dma is missing its bytes operand (operands: dst, src, bytes)',
      "p.s:7:24: matmul has no parameter 'popp'; did you mean 'pop'? (parameters: stride, group, gstride, acc, pop, core, mxu)",
      "p.s:9:11: read_host reads host, not ub",
      "p.s:8:6: unknown label 'nowhere'",
    ]);
  });

  it('rejects malformed buffers and directives', () => {
    expect(errors('.buffer rom x 0 bytes=4\n.buffer ub y 0\n.buffer ub z 0 shape=2x2\n.dtype int7\n.macro\n')).toEqual([
      "p.s:1:1: unknown memory 'rom' (known: host, dram, ub, cmem)",
      "p.s:2:1: buffer 'y' needs a size: bytes=N, or shape= with dtype=",
      "p.s:3:1: buffer 'z' has a shape but no dtype",
      ".dtype needs one number format, got 'int7'".replace(/^/, 'p.s:4:1: '),
      "p.s:5:1: unknown directive '.macro' (known: .dtype, .buffer, .chip)",
    ]);
  });

  it('rejects a binary that is not a program, or is cut short', () => {
    expect(decodeProgram(new Uint8Array([1, 2, 3]), 'x.bin')).toMatchObject({ ok: false, issues: [{ message: 'not a tpusim program (missing the TPUP header)' }] });
    const bytes = encodeProgram(ok(assemble(example('mlp-int8.s'))));
    const cut = decodeProgram(bytes.subarray(0, bytes.length - 3), 'cut.bin');
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.issues[0]!.message).toMatch(/unexpected end of data/);
  });
});

describe('validation against a chip', () => {
  const v1 = getChipPreset('tpu-v1');
  const v4 = getChipPreset('tpu-v4');

  it.each(EXAMPLES)('%s is valid on its chip', (name) => {
    const program = ok(assemble(example(name), name));
    expect(validateProgram(program, program.chip === 'tpu-v4' ? v4 : v1)).toEqual([]);
  });

  it('reports every problem with the instruction line', () => {
    const program = ok(
      assemble(
        [
          '.buffer host x 0 bytes=64',
          'read_weights dram:0, 300, 256',
          'matmul acc:4095, ub:0, 8, 256, pop',
          'read_host ub:25165820, x, 64',
          'activate ub:0, acc:0, 1, 300, relu',
          'read_weights dram:0, 256, 256, mxu=1',
          'dma cmem:0, ub:0, 16',
          'write_host x+60, ub:0, 8',
          'read_weights dram:0, 128, 128',
          'matmul acc:0, ub:0, 4, 64, pop',
          'halt',
        ].join('\n'),
        'bad.s',
      ),
    );
    const messages = validateProgram(program, v1).map((i) => `${i.path}: ${i.message}`);
    expect(messages).toEqual([
      'bad.s:2: the tile has 300 rows, but the 256x256 matrix unit holds at most 256',
      'bad.s:3: matmul writes acc of core 0 4095..4102 rows, beyond its 4096 rows',
      'bad.s:4: dma writes ub of core 0 25165820..25165883 bytes, beyond its 24 MiB',
      'bad.s:5: cols=300 exceeds the accumulator row width 256',
      'bad.s:6: mxu=1, but core 0 has 1 matrix unit',
      'bad.s:7: dma writes cmem, which tpu-v1 does not have',
      'bad.s:8: dma writes host bytes 60..67, outside every declared host buffer',
      'bad.s:3: matmul depth=256 does not match the 300-row tile read at bad.s:2',
      'bad.s:10: matmul depth=64 does not match the 128-row tile read at bad.s:9',
    ]);
  });

  it('rejects a format the matrix unit lacks, and a program without halt', () => {
    const program = ok(assemble('.dtype bf16\nread_weights dram:0, 16, 16\nmatmul acc:0, ub:0, 1, 16, pop\n'));
    expect(validateProgram(program, v1).map((i) => i.message)).toEqual([
      'the matrix unit multiplies int8/uint8, not bf16',
      'the matrix unit multiplies int8/uint8, not bf16',
      'a program ends with halt',
    ]);
  });
});
