/**
 * The binary form of a program: a small header, the buffer, label and (from version 2) `.init` tables
 * (so a disassembly keeps its names), then each instruction as its opcode byte and its fields in the
 * registry's order. Integers are unsigned LEB128, floats little-endian float64, enums one byte,
 * strings a length and Latin-1 bytes (init file paths: UTF-8). Deterministic: the same program always
 * encodes to the same bytes.
 *
 * Version 2 added fields (each marked `since: 2` in the registry) and the init table; a version 1
 * binary still decodes, its instructions taking those fields' defaults.
 */
import { issue, type Result } from '../core/errors.js';
import { NUMBER_FORMAT_NAMES } from '../core/number-formats.js';
import { OPS, defaultFieldValue, opByCode } from './ops.js';
import { MEMORY_SPACES, type BufferDecl, type BufferInit, type Instruction, type Program } from './types.js';
import { fieldsOf } from './fields.js';
import { instructionFrom } from './instruction-record.js';

const MAGIC = [0x54, 0x50, 0x55, 0x50]; // "TPUP"
const VERSION = 2;
const OLDEST_VERSION = 1;

class Writer {
  private readonly bytes: number[] = [];
  u8(v: number): void {
    this.bytes.push(v & 0xff);
  }
  uint(v: number): void {
    let n = v;
    do {
      let b = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      this.bytes.push(b);
    } while (n > 0);
  }
  f64(v: number): void {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, v, true);
    for (let i = 0; i < 8; i++) this.bytes.push(view.getUint8(i));
  }
  str(s: string): void {
    this.uint(s.length);
    for (const c of s) this.bytes.push(c.charCodeAt(0) & 0xff);
  }
  utf8(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.uint(bytes.length);
    this.bytes.push(...bytes);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  private need(n: number): void {
    if (this.offset + n > this.bytes.length) throw new RangeError(`unexpected end of data at byte ${this.offset}`);
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }
  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
      if (scale > 2 ** 56) throw new RangeError(`integer too long at byte ${this.offset}`);
    }
  }
  f64(): number {
    this.need(8);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 8).getFloat64(0, true);
    this.offset += 8;
    return v;
  }
  str(): string {
    const n = this.uint();
    this.need(n);
    const s = String.fromCharCode(...this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return s;
  }
  utf8(): string {
    const n = this.uint();
    this.need(n);
    const s = new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return s;
  }
  get done(): boolean {
    return this.offset === this.bytes.length;
  }
}

const enumIndex = (values: readonly string[], value: string): number => values.indexOf(value);

export function encodeProgram(program: Program): Uint8Array {
  const w = new Writer();
  MAGIC.forEach((b) => w.u8(b));
  w.u8(VERSION);
  w.uint(program.dtype ? NUMBER_FORMAT_NAMES.indexOf(program.dtype) + 1 : 0);
  w.str(program.chip ?? '');
  w.uint(program.buffers.length);
  for (const b of program.buffers) {
    w.str(b.name);
    w.u8(MEMORY_SPACES.indexOf(b.space));
    w.uint(b.address);
    w.uint(b.bytes);
    w.u8((b.output ? 1 : 0) | (b.core !== undefined ? 2 : 0) | (b.dtype ? 4 : 0) | (b.shape ? 8 : 0));
    if (b.core !== undefined) w.uint(b.core);
    if (b.dtype) w.u8(NUMBER_FORMAT_NAMES.indexOf(b.dtype));
    if (b.shape) {
      w.uint(b.shape.length);
      b.shape.forEach((d) => w.uint(d));
    }
  }
  const labelNames = Object.keys(program.labels).sort();
  w.uint(labelNames.length);
  for (const name of labelNames) {
    w.str(name);
    w.uint(program.labels[name]!);
  }
  const init = program.init ?? [];
  w.uint(init.length);
  for (const entry of init) {
    w.str(entry.buffer);
    w.utf8(entry.file);
  }
  w.uint(program.instructions.length);
  for (const instruction of program.instructions) {
    const spec = OPS[instruction.op];
    const record = fieldsOf(instruction);
    w.u8(spec.code);
    for (const field of spec.fields) {
      const value = record[field.name];
      switch (field.kind) {
        case 'mem':
          if (value === undefined) w.u8(255);
          else {
            w.u8(MEMORY_SPACES.indexOf((value as { space: (typeof MEMORY_SPACES)[number] }).space));
            w.uint((value as { address: number }).address);
          }
          break;
        case 'acc':
        case 'int':
          w.uint(value as number);
          break;
        case 'float':
          w.f64(value as number);
          break;
        case 'enum':
          w.u8(enumIndex(field.values!, value as string));
          break;
        case 'flag':
          w.u8(value ? 1 : 0);
          break;
        case 'label':
          w.uint(value === undefined ? 0 : labelNames.indexOf(value as string) + 1);
          break;
      }
    }
  }
  return w.done();
}

export function decodeProgram(bytes: Uint8Array, file = 'program.bin'): Result<Program> {
  const r = new Reader(bytes);
  try {
    if (bytes.length < 5 || MAGIC.some((b, i) => bytes[i] !== b))
      return { ok: false, issues: [issue('bad_binary', file, 'not a tpusim program (missing the TPUP header)')] };
    r.offset = 4;
    const version = r.u8();
    if (version < OLDEST_VERSION || version > VERSION) {
      return {
        ok: false,
        issues: [
          issue(
            'bad_binary',
            file,
            `program format version ${version} is not supported (expected ${OLDEST_VERSION} to ${VERSION})`,
          ),
        ],
      };
    }
    const dtypeIndex = r.uint();
    const chip = r.str();
    const buffers: BufferDecl[] = [];
    for (let n = r.uint(), i = 0; i < n; i++) buffers.push(readBuffer(r));
    const labels: Record<string, number> = {};
    const labelNames: string[] = [];
    for (let n = r.uint(), i = 0; i < n; i++) {
      const name = r.str();
      labels[name] = r.uint();
      labelNames.push(name);
    }
    const init: BufferInit[] = [];
    if (version >= 2) for (let n = r.uint(), i = 0; i < n; i++) init.push({ buffer: r.str(), file: r.utf8() });
    const instructions: Instruction[] = [];
    for (let n = r.uint(), i = 0; i < n; i++) instructions.push(readInstruction(r, labelNames, version));
    if (!r.done) throw new RangeError(`${bytes.length - r.offset} bytes left after the last instruction`);
    const dtype = dtypeIndex > 0 ? NUMBER_FORMAT_NAMES[dtypeIndex - 1] : undefined;
    const program: Program = {
      schemaVersion: 1,
      ...(chip ? { chip } : {}),
      ...(dtype ? { dtype } : {}),
      buffers,
      labels,
      instructions,
      ...(init.length > 0 ? { init } : {}),
    };
    return { ok: true, value: program };
  } catch (error) {
    return {
      ok: false,
      issues: [issue('bad_binary', `${file}@${r.offset}`, error instanceof Error ? error.message : String(error))],
    };
  }
}

function readBuffer(r: Reader): BufferDecl {
  const name = r.str();
  const space = MEMORY_SPACES[r.u8()];
  if (!space) throw new RangeError(`bad memory space in buffer '${name}'`);
  const address = r.uint();
  const bytes = r.uint();
  const flags = r.u8();
  const core = flags & 2 ? r.uint() : undefined;
  const dtype = flags & 4 ? NUMBER_FORMAT_NAMES[r.u8()] : undefined;
  const shape = flags & 8 ? Array.from({ length: r.uint() }, () => r.uint()) : undefined;
  return {
    name,
    space,
    address,
    bytes,
    ...(dtype ? { dtype } : {}),
    ...(shape ? { shape } : {}),
    ...(flags & 1 ? { output: true } : {}),
    ...(core !== undefined ? { core } : {}),
  };
}

function readInstruction(r: Reader, labelNames: readonly string[], version: number): Instruction {
  const code = r.u8();
  const spec = opByCode(code);
  if (!spec || (spec.since ?? 1) > version)
    throw new RangeError(`unknown opcode ${code} for format version ${version}`);
  const record: Record<string, unknown> = { op: spec.opcode };
  for (const field of spec.fields) {
    if ((field.since ?? 1) > version) {
      const fallback = defaultFieldValue(field, record);
      if (fallback !== undefined) record[field.name] = fallback;
      continue;
    }
    switch (field.kind) {
      case 'mem': {
        const space = r.u8();
        if (space === 255) break;
        if (!MEMORY_SPACES[space]) throw new RangeError(`bad memory space ${space}`);
        record[field.name] = { space: MEMORY_SPACES[space], address: r.uint() };
        break;
      }
      case 'acc':
      case 'int':
        record[field.name] = r.uint();
        break;
      case 'float':
        record[field.name] = r.f64();
        break;
      case 'enum': {
        const value = field.values![r.u8()];
        if (value === undefined) throw new RangeError(`bad ${field.name} value`);
        record[field.name] = value;
        break;
      }
      case 'flag':
        record[field.name] = r.u8() !== 0;
        break;
      case 'label': {
        const index = r.uint();
        if (index > 0) record[field.name] = labelNames[index - 1];
        break;
      }
    }
  }
  const instruction = instructionFrom(record);
  if (!instruction.ok) throw new RangeError(instruction.issues.map((i) => i.message).join('; '));
  return instruction.value;
}
