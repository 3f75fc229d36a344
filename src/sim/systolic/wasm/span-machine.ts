/**
 * The register-level engines' inner loop as a "span machine": a table of spans, each telling a row of
 * cells to take `in[j] + ring[j] * weight[j]` into `out[j]` (or to copy `in[j]`, for cells that pass
 * partial sums through). Integer registers are int32 and wrap; float registers are fp32 and every
 * product and sum rounds to nearest even, so both machines compute the same bits as the reference.
 *
 * Two implementations run the same table: WebAssembly with 128-bit SIMD (four cells per instruction;
 * the default wherever WebAssembly SIMD exists, Node.js 20 and current browsers) and plain JavaScript
 * (the fallback, and a check on the first: the conformance suite runs both).
 */
import {
  assembleModule,
  i32Const,
  localGet,
  localSet,
  memarg,
  MEMORY_COPY,
  OP,
  SIMD,
  simd,
  uleb,
  type WasmFunction,
} from './assembler.js';

export type SpanMachineKind = 'wasm' | 'js';

/** Fields of one table entry: byte offsets into the machine's memory, then a cell count. */
export const SPAN_FIELDS = 5;
export const SPAN_OUT = 0;
export const SPAN_IN = 1;
export const SPAN_RING = 2;
/** Negative: the span copies `in` to `out`. */
export const SPAN_WEIGHT = 3;
export const SPAN_COUNT = 4;

export interface SpanMachine {
  readonly kind: SpanMachineKind;
  /** The registers, by name, as views of the machine's memory (Int32Array or Float32Array). */
  readonly registers: Readonly<Record<string, Int32Array | Float32Array>>;
  /** Byte offset of each register array in the machine's memory. */
  readonly byteOffset: Readonly<Record<string, number>>;
  readonly table: Int32Array;
  /** Runs the first `count` table entries in order. */
  run(count: number): void;
}

// Parameters: 0 table, 1 count. Locals: 2 entry, 3 out, 4 in, 5 ring, 6 weight, 7 bytes, 8 j, 9 vectorEnd.
function spanFunction(
  exportName: string,
  vectorAdd: number,
  vectorMul: number,
  load: number,
  store: number,
  add: number,
  mul: number,
): WasmFunction {
  const field = (k: number): number[] => [
    ...localGet(0),
    ...localGet(2),
    ...i32Const(SPAN_FIELDS * 4),
    OP.i32Mul,
    OP.i32Add,
    OP.i32Load,
    ...memarg(2, k * 4),
  ];
  const at = (base: number): number[] => [...localGet(base), ...localGet(8), OP.i32Add];
  // while (j < end) { body; j += step }
  const loopTo = (end: number, step: number, body: number[]): number[] => [
    OP.block,
    OP.voidType,
    OP.loop,
    OP.voidType,
    ...localGet(8),
    ...localGet(end),
    OP.i32GeS,
    OP.brIf,
    ...uleb(1),
    ...body,
    ...localGet(8),
    ...i32Const(step),
    OP.i32Add,
    ...localSet(8),
    OP.br,
    ...uleb(0),
    OP.end,
    OP.end,
  ];
  const vectorBody = [
    ...at(3),
    ...at(4),
    ...simd(SIMD.v128Load),
    ...memarg(0),
    ...at(5),
    ...simd(SIMD.v128Load),
    ...memarg(0),
    ...at(6),
    ...simd(SIMD.v128Load),
    ...memarg(0),
    ...simd(vectorMul),
    ...simd(vectorAdd),
    ...simd(SIMD.v128Store),
    ...memarg(0),
  ];
  const scalarBody = [
    ...at(3),
    ...at(4),
    load,
    ...memarg(2),
    ...at(5),
    load,
    ...memarg(2),
    ...at(6),
    load,
    ...memarg(2),
    mul,
    add,
    store,
    ...memarg(2),
  ];
  const code = [
    ...i32Const(0),
    ...localSet(2),
    OP.block,
    OP.voidType,
    OP.loop,
    OP.voidType,
    ...localGet(2),
    ...localGet(1),
    OP.i32GeS,
    OP.brIf,
    ...uleb(1),
    ...field(SPAN_OUT),
    ...localSet(3),
    ...field(SPAN_IN),
    ...localSet(4),
    ...field(SPAN_RING),
    ...localSet(5),
    ...field(SPAN_WEIGHT),
    ...localSet(6),
    ...field(SPAN_COUNT),
    ...i32Const(2),
    OP.i32Shl,
    ...localSet(7),
    ...localGet(6),
    ...i32Const(0),
    OP.i32LtS,
    OP.if,
    OP.voidType,
    ...localGet(3),
    ...localGet(4),
    ...localGet(7),
    ...MEMORY_COPY,
    OP.else,
    ...i32Const(0),
    ...localSet(8),
    ...localGet(7),
    ...i32Const(-16),
    OP.i32And,
    ...localSet(9),
    ...loopTo(9, 16, vectorBody),
    ...loopTo(7, 4, scalarBody),
    OP.end,
    ...localGet(2),
    ...i32Const(1),
    OP.i32Add,
    ...localSet(2),
    OP.br,
    ...uleb(0),
    OP.end,
    OP.end,
  ];
  return { exportName, params: 2, locals: 8, code };
}

let compiled: WebAssembly.Module | null | undefined;

/** The span kernels' module, or null where WebAssembly SIMD is unavailable. */
function spanModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  const bytes = assembleModule([
    spanFunction('stepI32', SIMD.i32x4Add, SIMD.i32x4Mul, OP.i32Load, OP.i32Store, OP.i32Add, OP.i32Mul),
    spanFunction('stepF32', SIMD.f32x4Add, SIMD.f32x4Mul, OP.f32Load, OP.f32Store, OP.f32Add, OP.f32Mul),
  ]);
  compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  return compiled;
}

export function wasmSpanMachineAvailable(): boolean {
  return spanModule() !== null;
}

function runJs(all: Int32Array | Float32Array, table: Int32Array, count: number, isFloat: boolean): void {
  for (let e = 0; e < count; e++) {
    const base = e * SPAN_FIELDS;
    const out = table[base + SPAN_OUT]! >> 2;
    const inp = table[base + SPAN_IN]! >> 2;
    const ring = table[base + SPAN_RING]! >> 2;
    const weightByte = table[base + SPAN_WEIGHT]!;
    const n = table[base + SPAN_COUNT]!;
    if (weightByte < 0) all.copyWithin(out, inp, inp + n);
    else if (isFloat) {
      const w = weightByte >> 2;
      for (let j = 0; j < n; j++) all[out + j] = all[inp + j]! + Math.fround(all[ring + j]! * all[w + j]!);
    } else {
      const w = weightByte >> 2;
      for (let j = 0; j < n; j++) all[out + j] = all[inp + j]! + Math.imul(all[ring + j]!, all[w + j]!);
    }
  }
}

/**
 * A machine with register arrays of the given element counts (4 bytes each) and room for
 * `tableEntries` spans. `kind` 'auto' picks WebAssembly when available.
 */
export function createSpanMachine(
  kind: SpanMachineKind | 'auto',
  isFloat: boolean,
  sizes: Readonly<Record<string, number>>,
  tableEntries: number,
): SpanMachine {
  const module = kind === 'js' ? null : spanModule();
  if (kind === 'wasm' && !module) throw new Error('WebAssembly SIMD is not available here');
  const byteOffset: Record<string, number> = {};
  let bytes = 0;
  for (const [key, count] of Object.entries(sizes)) {
    byteOffset[key] = bytes;
    bytes += Math.ceil(count / 4) * 16; // 16-byte aligned arrays
  }
  const tableOffset = bytes;
  bytes += tableEntries * SPAN_FIELDS * 4;
  let buffer: ArrayBuffer;
  let run: (count: number) => void;
  const table = (b: ArrayBuffer): Int32Array => new Int32Array(b, tableOffset, tableEntries * SPAN_FIELDS);
  if (module) {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const step = instance.exports[isFloat ? 'stepF32' : 'stepI32'] as (table: number, count: number) => void;
    buffer = memory.buffer;
    run = (count) => step(tableOffset, count);
  } else {
    buffer = new ArrayBuffer(bytes);
    const all = isFloat ? new Float32Array(buffer) : new Int32Array(buffer);
    const t = table(buffer);
    run = (count) => runJs(all, t, count, isFloat);
  }
  const registers: Record<string, Int32Array | Float32Array> = {};
  for (const [key, count] of Object.entries(sizes)) {
    registers[key] = isFloat
      ? new Float32Array(buffer, byteOffset[key]!, count)
      : new Int32Array(buffer, byteOffset[key]!, count);
  }
  return { kind: module ? 'wasm' : 'js', registers, byteOffset, table: table(buffer), run };
}
