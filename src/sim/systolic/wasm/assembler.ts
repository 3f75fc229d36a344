/**
 * Just enough of a WebAssembly binary writer to build tpusim's span kernels (span-module.ts) without a
 * toolchain: LEB128 numbers, sections, a function type, an imported memory, functions and exports.
 * Encodings follow the WebAssembly core specification 2.0 (binary format, section 5) and the fixed-width
 * SIMD proposal (opcodes prefixed 0xfd).
 */

export function uleb(value: number): number[] {
  const out: number[] = [];
  let n = value >>> 0;
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let n = value | 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

export const I32 = 0x7f;

/** Opcodes used by the kernels. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  voidType: 0x40,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  f32Load: 0x2a,
  i32Store: 0x36,
  f32Store: 0x38,
  i32Const: 0x41,
  i32LtS: 0x48,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  f32Add: 0x92,
  f32Mul: 0x94,
} as const;

/** SIMD opcodes (after the 0xfd prefix). */
export const SIMD = { v128Load: 0, v128Store: 11, i32x4Add: 174, i32x4Mul: 181, f32x4Add: 228, f32x4Mul: 230 } as const;

export const simd = (code: number): number[] => [0xfd, ...uleb(code)];
/** memory.copy (bulk memory, 0xfc 10) between the single memory and itself. */
export const MEMORY_COPY = [0xfc, ...uleb(10), 0x00, 0x00];
export const memarg = (alignLog2: number, offset = 0): number[] => [...uleb(alignLog2), ...uleb(offset)];
export const localGet = (index: number): number[] => [OP.localGet, ...uleb(index)];
export const localSet = (index: number): number[] => [OP.localSet, ...uleb(index)];
export const i32Const = (value: number): number[] => [OP.i32Const, ...sleb(value)];

export interface WasmFunction {
  readonly exportName: string;
  readonly params: number;
  /** Extra i32 locals after the parameters. */
  readonly locals: number;
  readonly code: number[];
}

/** A module of functions with all-i32 parameters and no results, importing `env.memory`. */
export function assembleModule(functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const arities = [...new Set(functions.map((f) => f.params))];
  const types = section(
    1,
    vector(arities.map((n) => [0x60, ...vector(Array.from({ length: n }, () => [I32])), ...vector([])])),
  );
  const imports = section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]));
  const declarations = section(3, vector(functions.map((f) => uleb(arities.indexOf(f.params)))));
  const exports = section(7, vector(functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)])));
  const bodies = section(
    10,
    vector(
      functions.map((f) => {
        const body = [...vector(f.locals > 0 ? [[...uleb(f.locals), I32]] : []), ...f.code, OP.end];
        return [...uleb(body.length), ...body];
      }),
    ),
  );
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...types,
    ...imports,
    ...declarations,
    ...exports,
    ...bodies,
  ]);
}
