import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { assemble } from './assembler.js';
import { decodeProgram, encodeProgram } from './encoding.js';
import { fieldsOf } from './fields.js';
import { instructionFrom, isInstruction } from './instruction-record.js';
import type { Instruction, Program } from './types.js';

const program = (name: string): Program => {
  const r = assemble(readFileSync(join(import.meta.dirname, '..', '..', 'examples', name), 'utf8'), name);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.value;
};

describe('instructions from records', () => {
  it('accepts every instruction the assembler and the decoder build, and types it', () => {
    for (const name of ['mlp-int8.s', 'conv-int8.s', 'dense-bf16-v4.s']) {
      const p = program(name);
      for (const instruction of p.instructions) {
        const r = instructionFrom(fieldsOf(instruction));
        expect(r).toEqual({ ok: true, value: instruction });
        if (r.ok) expectTypeOf(r.value).toEqualTypeOf<Instruction>();
      }
      const decoded = decodeProgram(encodeProgram(p));
      expect(decoded.ok && decoded.value.instructions.every(isInstruction)).toBe(true);
    }
  });

  it('names every field that keeps a record from being an instruction', () => {
    const r = instructionFrom({
      op: 'activate',
      dst: { space: 'vmem', address: 0 },
      accRow: 0,
      rows: 1,
      cols: '8',
      fn: 'gelu2',
      stride: 3,
    });
    expect(r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'dst: activate dst must be a memory reference { space, address }, got {"space":"vmem","address":0}',
      'cols: activate cols must be an integer, got "8"',
      'fn: activate fn must be one of its values, got "gelu2"',
      'scale: activate needs its scale field',
      'outScale: activate needs its outScale field',
      'outFormat: activate needs its outFormat field',
      'rowStrideBytes: activate needs its rowStrideBytes field',
      'groupRows: activate needs its groupRows field',
      'groupStrideBytes: activate needs its groupStrideBytes field',
      'pool: activate needs its pool field',
      'poolHeight: activate needs its poolHeight field',
      'poolWidth: activate needs its poolWidth field',
      'poolStride: activate needs its poolStride field',
      'poolInputWidth: activate needs its poolInputWidth field',
      'core: activate needs its core field',
      "stride: activate has no field 'stride'",
    ]);
    expect(instructionFrom({ op: 'jump' })).toEqual({
      ok: false,
      issues: [{ code: 'invalid_enum', path: 'op', message: '"jump" is not an opcode' }],
    });
    expect(isInstruction({ op: 'halt' })).toBe(true);
    expect(isInstruction({ op: 'halt', extra: 1 })).toBe(false);
    expect(isInstruction({ op: 'toString' })).toBe(false);
    expect(isInstruction(['halt'])).toBe(false);
  });
});
