import { describe, expect, it } from 'vitest';
import { assembleModule, sleb, uleb } from './assembler.js';

describe('wasm assembler', () => {
  it('encodes LEB128 as the specification examples do', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
  });

  it('assembles a module WebAssembly accepts', () => {
    expect(WebAssembly.validate(assembleModule([{ exportName: 'noop', params: 2, locals: 1, code: [] }]))).toBe(true);
  });
});
