import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { assemble } from './assembler.js';
import { disassemble } from './disassembler.js';
import { decodeProgram, encodeProgram } from './encoding.js';
import { erf, VECTOR_SEMANTICS } from './semantics.js';
import type { Instruction, Program, VectorOp } from './types.js';
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
    const program = ok(
      assemble(
        '.buffer host x 0 bytes=64\n.buffer ub a 0 bytes=64\nread_host a+16, x+8, 8\nwrite_host x, a, 4\ndma ' +
          'ub:100, ub:0, 4\nhalt\n',
      ),
    );
    expect(disassemble(program)).toContain('read_host    a+16, x+8, 8');
    expect(disassemble(program)).toContain('write_host   x, a, 4');
    expect(disassemble(program)).toContain('dma          ub:100, a, 4');
  });

  it('places auto buffers after the explicit ones, 64-byte aligned', () => {
    const program = ok(
      assemble('.buffer ub a 0 bytes=10\n.buffer ub b auto bytes=8\n.buffer ub c auto bytes=8 core=1\nhalt\n'),
    );
    expect(program.buffers.map((b) => [b.name, b.address])).toEqual([
      ['a', 0],
      ['b', 64],
      ['c', 0],
    ]);
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
      "p.s:5:28: activate fn must be one of identity, relu, relu6, sigmoid, tanh, gelu, gelu_tanh, got 'rellu'; " +
        "did you mean 'relu'?",
      'p.s:6:1: dma is missing its bytes operand (operands: dst, src, bytes)',
      "p.s:7:24: matmul has no parameter 'popp'; did you mean 'pop'? (parameters: stride, group, gstride, acc, " +
        'pop, core, mxu)',
      'p.s:9:11: read_host reads host, not ub',
      "p.s:8:6: unknown label 'nowhere'",
    ]);
  });

  it('rejects malformed buffers and directives', () => {
    expect(errors('.buffer rom x 0 bytes=4\n.buffer ub y 0\n.buffer ub z 0 shape=2x2\n.dtype int7\n.macro\n')).toEqual([
      "p.s:1:1: unknown memory 'rom' (known: host, dram, ub, cmem)",
      "p.s:2:1: buffer 'y' needs a size: bytes=N, or shape= with dtype=",
      "p.s:3:1: buffer 'z' has a shape but no dtype",
      ".dtype needs one number format, got 'int7'".replace(/^/, 'p.s:4:1: '),
      "p.s:5:1: unknown directive '.macro' (known: .dtype, .buffer, .chip, .init)",
    ]);
  });

  it('rejects a binary that is not a program, or is cut short', () => {
    expect(decodeProgram(new Uint8Array([1, 2, 3]), 'x.bin')).toMatchObject({
      ok: false,
      issues: [{ message: 'not a tpusim program (missing the TPUP header)' }],
    });
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

/**
 * One of each new field and opcode: strided DMAs, activate with bias, column scale and groups, scaled vector ops, fill,
 * pool, .init.
 */
const EXTENDED = [
  '.dtype int8',
  '.buffer host x 0 shape=4x16 dtype=int8',
  '.buffer dram bias 0 shape=16 dtype=int32',
  '.buffer dram cs 64 shape=16 dtype=fp32',
  '.buffer ub a 0 bytes=4096',
  '.init x "data/x #1.npy"   ; a path may hold ; and # inside its quotes',
  '.init bias "bias.npy"',
  'read_host a, x, 16, rows=4, sstride=16, dstride=32',
  'activate a+512, acc:0, 4, 16, relu, scale=0.5, bias=bias, cscale=cs, stride=32, group=2, gstride=256',
  'vector add, a+1024, a, 4, 16, src2=a+64, dtype=int8, out=fp32, iscale=0.5, iscale2=0.25, oscale=2',
  'vector div, a+1024, a+1024, 1, 16, src2=a+1088, bcast',
  'vector reduce_mean, a+1536, a+1024, 4, 16',
  'vector silu, a+1600, a+1600, 1, 8, dtype=bf16',
  'fill a+2048, 4, 16, -1.5, dtype=bf16, stride=64',
  'pool a+3072, a, max, 2, 4, 4, 2, 2, 2, dstride=8',
  'pool a+3200, a, avg, 2, 4, 4, 3, 3, 1, dtype=int16',
  'halt',
].join('\n');

describe('ISA extensions: assembly and encoding', () => {
  it('round-trips the new fields, opcodes and .init through text and binary', () => {
    const program = ok(assemble(EXTENDED, 'ext.s'));
    const text = disassemble(program);
    expect(text).toContain('.init x "data/x #1.npy"\n.init bias "bias.npy"\n');
    expect(text).toContain('read_host    a, x, 16, rows=4, sstride=16, dstride=32');
    expect(text).toContain(
      'activate     a+512, acc:0, 4, 16, relu, scale=0.5, bias=bias, cscale=cs, stride=32, group=2, gstride=256',
    );
    expect(text).toContain(
      'vector       add, a+1024, a, 4, 16, src2=a+64, dtype=int8, out=fp32, iscale=0.5, iscale2=0.25, oscale=2',
    );
    expect(text).toContain('vector       div, a+1024, a+1024, 1, 16, src2=a+1088, bcast\n');
    expect(text).toContain('fill         a+2048, 4, 16, -1.5, dtype=bf16, stride=64');
    expect(text).toContain('pool         a+3072, a, max, 2, 4, 4, 2, 2, 2, dstride=8');
    const again = ok(assemble(text, 'disassembled.s'));
    expect(withoutSource(again)).toEqual(withoutSource(program));
    expect(disassemble(again)).toBe(text);
    const bytes = encodeProgram(program);
    const decoded = ok(decodeProgram(bytes));
    expect(decoded).toEqual(withoutSource(program));
    expect(encodeProgram(decoded)).toEqual(bytes);
    expect(disassemble(decoded)).toBe(text);
  });

  it('assembles the new fields into the documented instruction objects, with defaults', () => {
    const program = ok(assemble(EXTENDED, 'ext.s'));
    expect(program.init).toEqual([
      { buffer: 'x', file: 'data/x #1.npy' },
      { buffer: 'bias', file: 'bias.npy' },
    ]);
    const [dma, activate, add, div, , silu, fill, pool] = program.instructions;
    expect(dma).toEqual({
      op: 'dma',
      dst: { space: 'ub', address: 0 },
      src: { space: 'host', address: 0 },
      bytes: 16,
      rows: 4,
      srcStrideBytes: 16,
      dstStrideBytes: 32,
      core: 0,
    });
    expect(activate).toMatchObject({
      bias: { space: 'dram', address: 0 },
      columnScale: { space: 'dram', address: 64 },
      groupRows: 2,
      groupStrideBytes: 256,
      rowStrideBytes: 32,
    });
    expect(add).toMatchObject({ dtype: 'int8', outFormat: 'fp32', srcScale: 0.5, src2Scale: 0.25, outScale: 2 });
    // `out` follows dtype when not written; scales default to 1.
    expect(div).toMatchObject({ vop: 'div', dtype: 'fp32', outFormat: 'fp32', srcScale: 1, src2Scale: 1, outScale: 1 });
    expect(silu).toMatchObject({ dtype: 'bf16', outFormat: 'bf16' });
    expect(fill).toEqual({
      op: 'fill',
      dst: { space: 'ub', address: 2048 },
      rows: 4,
      cols: 16,
      value: -1.5,
      dtype: 'bf16',
      rowStrideBytes: 64,
      core: 0,
    });
    expect(pool).toEqual({
      op: 'pool',
      dst: { space: 'ub', address: 3072 },
      src: { space: 'ub', address: 0 },
      kind: 'max',
      channels: 2,
      height: 4,
      width: 4,
      kernelHeight: 2,
      kernelWidth: 2,
      stride: 2,
      dtype: 'int8',
      rowStrideBytes: 8,
      core: 0,
    });
    expect(ok(assemble('dma ub:0, ub:64, 8\nhalt')).instructions[0]).toMatchObject({
      rows: 1,
      srcStrideBytes: 0,
      dstStrideBytes: 0,
    });
  });

  it('still decodes format version 1 binaries, giving the new fields their defaults', () => {
    const v1 = [0x54, 0x50, 0x55, 0x50, 1, 0, 0, 0, 0, 3];
    v1.push(1, 2, 0, 0, 0, 16, 0); // dma ub:0, host:0, 16
    // vector copy ub:64, ub:0, 1, 16, dtype=int8
    v1.push(5, 5, 2, 64, 2, 0, 1, 16, 255, 0, 0, ...new Array(8).fill(0), 0);
    v1.push(8); // halt
    const program = ok(decodeProgram(Uint8Array.from(v1), 'old.bin'));
    expect(program.instructions[0]).toEqual({
      op: 'dma',
      dst: { space: 'ub', address: 0 },
      src: { space: 'host', address: 0 },
      bytes: 16,
      rows: 1,
      srcStrideBytes: 0,
      dstStrideBytes: 0,
      core: 0,
    });
    expect(program.instructions[1]).toMatchObject({
      vop: 'copy',
      dtype: 'int8',
      outFormat: 'int8',
      srcScale: 1,
      src2Scale: 1,
      outScale: 1,
      imm: 0,
    });
    expect(program.init).toBeUndefined();
    const fillInV1 = decodeProgram(Uint8Array.from([0x54, 0x50, 0x55, 0x50, 1, 0, 0, 0, 0, 1, 9]), 'old.bin');
    expect(fillInV1).toMatchObject({ ok: false, issues: [{ message: 'unknown opcode 9 for format version 1' }] });
    expect(decodeProgram(Uint8Array.from([0x54, 0x50, 0x55, 0x50, 3]), 'new.bin')).toMatchObject({
      ok: false,
      issues: [{ message: 'program format version 3 is not supported (expected 1 to 2)' }],
    });
  });

  it('reports bad .init lines with line, column and a suggestion', () => {
    expect(
      errors(
        [
          '.buffer ub w 0 shape=4 dtype=int8',
          '.buffer ub raw 64 bytes=4',
          '.init  wq "w.npy"',
          '.init w w.npy',
          '.init raw "raw.npy"',
          '.init w "a.npy"',
          '.init w "b.npy"',
        ].join('\n'),
      ),
    ).toEqual([
      'p.s:4:1: usage: .init NAME "FILE" (a declared buffer and a quoted .npy path, relative to the program), ' +
        "got '.init w w.npy'",
      "p.s:7:7: buffer 'w' has two .init lines",
      "p.s:3:8: .init: unknown buffer 'wq'; did you mean 'w'?",
      "p.s:5:7: .init: buffer 'raw' needs shape= and dtype= to be filled from a .npy file",
    ]);
  });

  it('reports bad new operands as the assembler reports any operand', () => {
    expect(
      errors(
        '.buffer ub a 0 bytes=64\npool a, a, min, 1, 2, 2, 1, 1, 0\nvector add, a, a, 1, 1, src2=a, ' +
          'out=int4\nfill a, 1, 1, x',
      ),
    ).toEqual([
      "p.s:2:12: pool kind must be one of max, avg, got 'min'; did you mean 'max'?",
      'p.s:2:32: pool stride = 0 is below the minimum 1',
      'p.s:3:33: vector out must be one of int8, uint8, int16, int32, bf16, fp16, fp8-e4m3, fp8-e5m2, fp32, got ' +
        "'int4'; did you mean 'int8'?",
      "p.s:4:15: fill value must be a number, got 'x'",
    ]);
  });
});

describe('ISA extensions: validation', () => {
  const v1 = getChipPreset('tpu-v1');

  it(
    'reports bias and column scales in host memory, grouped pooled output, operands outside ub and windows ' +
      'larger than the image',
    () => {
      const program = ok(
        assemble(
          [
            '.buffer host h 0 bytes=1024',
            'activate ub:0, acc:0, 4, 16, relu, bias=h, cscale=h+64',
            'activate ub:0, acc:0, 4, 16, relu, pool=max, ph=2, pw=2, ps=2, iw=2, group=2',
            'fill dram:0, 1, 1, 0',
            'vector copy, ub:0, cmem:0, 1, 1',
            'pool ub:0, ub:64, max, 3, 2, 4, 3, 2, 1',
            'halt',
          ].join('\n'),
          'bad.s',
        ),
      );
      expect(validateProgram(program, v1).map((i) => `${i.path}: ${i.message}`)).toEqual([
        'bad.s:2: activate bias is in host; it must be in ub, dram or cmem',
        'bad.s:2: activate cscale is in host; it must be in ub, dram or cmem',
        'bad.s:3: group=2 cannot be combined with pool=max: pooled rows are written with stride= only',
        'bad.s:4: fill dst is in dram; it must be in ub',
        'bad.s:5: vector src is in cmem; it must be in ub',
        'bad.s:5: vector reads cmem, which tpu-v1 does not have',
        'bad.s:6: the 3x2 pooling window (kh x kw) is larger than the 2x4 image',
      ]);
    },
  );

  it('checks field minimums and .init entries of programs built as JSON', () => {
    const base = ok(
      assemble('.buffer ub raw 0 bytes=64\npool ub:0, ub:64, avg, 2, 4, 4, 2, 2, 2\nfill ub:0, 2, 2, 1\nhalt', 'j.s'),
    );
    const [pool, fill, halt] = base.instructions as [Instruction, Instruction, Instruction];
    const program: Program = {
      ...base,
      instructions: [{ ...pool, channels: 0, stride: 0 } as Instruction, { ...fill, rows: 0 } as Instruction, halt],
      init: [
        { buffer: 'nope', file: 'n.npy' },
        { buffer: 'raw', file: 'r.npy' },
        { buffer: 'nope', file: 'a"b.npy' },
      ],
    };
    expect(validateProgram(program, v1).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'j.s:2: pool channels=0 is below the minimum 1',
      'j.s:2: pool stride=0 is below the minimum 1',
      'j.s:3: fill rows=0 is below the minimum 1',
      "init nope: 'n.npy' initializes buffer 'nope', which the program does not declare",
      "init raw: buffer 'raw' needs shape= and dtype= to be initialized from 'r.npy'",
      "init nope: 'a\"b.npy' initializes buffer 'nope', which the program does not declare",
      'init nope: the file name "a\\"b.npy" cannot hold a double quote or a line break',
      "init nope: buffer 'nope' is initialized twice",
    ]);
  });

  it('checks every access of the new instructions against its memory', () => {
    const program = ok(
      assemble('dma ub:25165800, dram:0, 16, rows=2, dstride=32\nfill ub:25165820, 1, 4, 0, dtype=fp32\nhalt', 'r.s'),
    );
    expect(validateProgram(program, v1).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'r.s:1: dma writes ub of core 0 25165800..25165847 bytes, beyond its 24 MiB',
      'r.s:2: fill writes ub of core 0 25165820..25165835 bytes, beyond its 24 MiB',
    ]);
  });
});

describe('ISA extensions: vector semantics', () => {
  const row = (op: VectorOp, a: number[], b?: number[]): number[] => {
    const out = new Float64Array(a.length);
    VECTOR_SEMANTICS[op].row(Float64Array.from(a), b && Float64Array.from(b), 0, out, 0);
    return Array.from(out);
  };
  const f = Math.fround;

  it('computes each new op in fp32', () => {
    expect(row('div', [1, 3, -2, 1], [4, 3, 0.5, 0])).toEqual([0.25, 1, -4, Infinity]);
    expect(row('sqrt', [4, 2, 0])).toEqual([2, f(Math.SQRT2), 0]);
    expect(row('reciprocal', [4, 3])).toEqual([0.25, f(1 / 3)]);
    expect(row('neg', [1.5, -2])).toEqual([-1.5, 2]);
    expect(row('abs', [1.5, -2])).toEqual([1.5, 2]);
    expect(row('silu', [1, -2])).toEqual([f(1 * f(1 / (1 + Math.exp(-1)))), f(-2 * f(1 / (1 + Math.exp(2))))]);
    expect(row('erf', [0.5])).toEqual([f(erf(0.5))]);
    expect(row('erf', [0.5])[0]).toBeCloseTo(0.5204998778, 6);
    expect(row('reduce_mean', [1, 2, 3, 4.5])[0]).toBe(2.625);
    expect(row('reduce_mean', [0.1, 0.2, 0.3])[0]).toBe(f(f(f(f(0.1) + f(0.2)) + f(0.3)) / 3));
  });

  it('gives the documented work per element', () => {
    const ops = ['div', 'silu', 'erf', 'sqrt', 'reciprocal', 'neg', 'abs', 'reduce_mean'] as const;
    expect(ops.map((op) => VECTOR_SEMANTICS[op].opsPerElement)).toEqual([4, 7, 6, 4, 4, 1, 1, 1]);
  });
});
