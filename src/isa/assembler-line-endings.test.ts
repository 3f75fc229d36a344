import { describe, expect, it } from 'vitest';
import { assemble } from './assembler.js';

const PROGRAM = ['.buffer dram w 0 shape=8x8 dtype=int8', '    read_weights w, 8, 8', '    halt'];

function messages(text: string): string[] {
  const r = assemble(text, 'p.s');
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('assembler line endings', () => {
  it('reads LF and CRLF files alike, and a CR before the end of the file', () => {
    const lf = assemble(PROGRAM.join('\n'), 'p.s');
    const crlf = assemble(`${PROGRAM.join('\r\n')}\r\n`, 'p.s');
    const lastCr = assemble(`${PROGRAM.join('\r\n')}\r`, 'p.s');
    expect(lf.ok && crlf.ok && lastCr.ok).toBe(true);
    if (lf.ok && crlf.ok && lastCr.ok) {
      expect(crlf.value.instructions).toEqual(lf.value.instructions);
      expect(lastCr.value.instructions).toEqual(lf.value.instructions);
    }
  });

  it('reports a lone carriage return inside a line at its line and column (it used to crash the parser)', () => {
    expect(messages(`${PROGRAM[0]}\n    read_weights w,\r 8, 8\n    halt\n`)).toEqual([
      'p.s:2:20: a carriage return (\\r) not followed by a newline inside the line; end lines with LF or CRLF',
    ]);
  });

  it('reports Unicode line separators the same way, and old Mac CR-only files line by line', () => {
    expect(messages('halt\u2028')).toEqual([
      'p.s:1:5: a line separator (U+2028) inside the line; end lines with LF or CRLF',
    ]);
    expect(messages('nop\rhalt\n')[0]).toMatch(/^p\.s:1:4: a carriage return/);
  });
});
