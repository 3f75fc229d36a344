/**
 * The Protocol Buffers wire format (protobuf.dev/programming-guides/encoding), driven by a schema of field
 * numbers, with no Node.js API so a browser can read a model straight from a fetch or a file input.
 *
 * Decoding gives plain objects keyed by field name. Length-delimited bytes are views of the input, never
 * copies, so a model that is mostly tensor data decodes in the time it takes to walk its fields. int64
 * becomes a Number (exact up to 2^53, the nearest double beyond); repeated numbers are read packed or
 * unpacked alike. Unknown fields of every wire type, groups included, are skipped. A malformed input
 * becomes one issue that names the byte offset and the field being read; nothing throws.
 * The writer is protobuf-writer.ts.
 */
import { issue, type Result } from '../../core/errors.js';

export type ScalarKind = 'int32' | 'int64' | 'float' | 'double' | 'string' | 'bytes';

export interface FieldSpec {
  readonly name: string;
  /** A scalar kind, or the schema of a nested message (a thunk, since messages nest recursively). */
  readonly kind: ScalarKind | (() => MessageSchema);
  /** Repeated numbers are read packed or unpacked alike. */
  readonly repeated?: boolean;
  /**
   * Read repeated numbers as little-endian lanes of this many bytes (Uint8Array chunks) instead of Numbers,
   * so 64-bit values keep every bit. Read-only: the encoder writes repeated numbers from Numbers.
   */
  readonly lanes?: 4 | 8;
}

export interface MessageSchema {
  readonly name: string;
  /** Indexed by field number. */
  readonly byNumber: readonly (FieldSpec | undefined)[];
  /** In ascending field number, the order fields are written in. */
  readonly ordered: readonly (readonly [number, FieldSpec])[];
}

export type ProtoScalar = number | string | Uint8Array;
export type ProtoValue = ProtoScalar | ProtoMessage | readonly (ProtoScalar | ProtoMessage)[];
export interface ProtoMessage {
  readonly [field: string]: ProtoValue | undefined;
}

export function defineMessage(name: string, fields: Readonly<Record<number, FieldSpec>>): MessageSchema {
  const ordered = Object.entries(fields)
    .map(([n, spec]) => [Number(n), spec] as const)
    .sort((a, b) => a[0] - b[0]);
  const byNumber: (FieldSpec | undefined)[] = [];
  for (const [n, spec] of ordered) byNumber[n] = spec;
  return { name, byNumber, ordered };
}

// Reading a decoded message: the schema fixed each field's type, so these only narrow it.
export const fieldNumber = (m: ProtoMessage, name: string): number | undefined => m[name] as number | undefined;
export const fieldString = (m: ProtoMessage, name: string): string | undefined => m[name] as string | undefined;
export const fieldBytes = (m: ProtoMessage, name: string): Uint8Array | undefined => m[name] as Uint8Array | undefined;
export const fieldMessage = (m: ProtoMessage, name: string): ProtoMessage | undefined =>
  m[name] as ProtoMessage | undefined;
export const fieldList = <T extends ProtoScalar | ProtoMessage>(m: ProtoMessage, name: string): readonly T[] =>
  (m[name] as readonly T[] | undefined) ?? [];

/** The lanes of a `lanes` field as one array: the packed bytes themselves when they came in one piece. */
export function fieldLanes(m: ProtoMessage, name: string): Uint8Array | undefined {
  const chunks = m[name] as readonly Uint8Array[] | undefined;
  if (chunks === undefined || chunks.length === 1) return chunks?.[0];
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

const TWO_32 = 2 ** 32;
const TWO_63 = 2 ** 63;

/** The Number nearest a 64-bit integer given as unsigned 32-bit halves. */
export function int64FromHalves(lo: number, hi: number, signed: boolean): number {
  return (signed ? hi | 0 : hi >>> 0) * TWO_32 + (lo >>> 0);
}

/**
 * Two's-complement halves of an integer, saturating at the int64 range (so 2^63, read from INT64_MAX, writes it back).
 */
export function int64ToHalves(x: number): readonly [lo: number, hi: number] {
  if (!Number.isInteger(x)) throw new RangeError(`int64 value ${x} is not an integer`);
  if (x >= TWO_63) return [0xffffffff, 0x7fffffff];
  if (x < -TWO_63) return [0, 0x80000000];
  const hi = Math.floor(x / TWO_32);
  return [x - hi * TWO_32, hi >>> 0];
}

// ---- Decoding ----

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32', '6', '7'];
/** Bounds recursion on hostile input (a graph attribute holding a graph holding ...). */
const MAX_DEPTH = 100;

/** Stops decoding; decodeMessage turns it into an issue that names the field being read. */
class WireError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The message being read and its field being read, if any (none while reading a tag). */
interface Frame {
  readonly schema: MessageSchema;
  field: FieldSpec | undefined;
  index: number;
}

interface Cursor {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos: number;
  /** The halves of the last varint read, unsigned. */
  lo: number;
  hi: number;
  /** Open messages, outermost first; left in place by an error so it can say where it happened. */
  readonly frames: Frame[];
}

export function decodeMessage(input: Uint8Array, schema: MessageSchema, path: string): Result<ProtoMessage> {
  // A plain Uint8Array over the same memory, so bytes fields are plain too when the input is, say, a Node Buffer.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c: Cursor = { bytes, view, pos: 0, lo: 0, hi: 0, frames: [] };
  try {
    return { ok: true, value: readMessage(c, schema, bytes.length, bytes.length) };
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return { ok: false, issues: [issue(e.code, path, `${e.message} while reading ${describeFrames(c.frames)}`)] };
  }
}

/** "GraphProto.node[17] (NodeProto), inside ModelProto.graph": the innermost field, then the path to it. */
function describeFrames(frames: readonly Frame[]): string {
  let i = frames.length - 1;
  if (frames[i]?.field === undefined) i--;
  const frame = frames[i];
  if (frame?.field === undefined) return frames[0]?.schema.name ?? 'message';
  const kind = frame.field.kind;
  const reading = `${frame.schema.name}.${fieldLabel(frame)} (${typeof kind === 'function' ? kind().name : kind})`;
  if (i === 0) return reading;
  return `${reading}, inside ${frames[0]!.schema.name}${frames
    .slice(0, i)
    .map((f) => `.${fieldLabel(f)}`)
    .join('')}`;
}

function fieldLabel(frame: Frame): string {
  return frame.field?.repeated ? `${frame.field.name}[${frame.index}]` : (frame.field?.name ?? '');
}

/** Reads fields up to `end`; `declaredEnd` lies beyond it when the file stops inside the message. */
function readMessage(c: Cursor, schema: MessageSchema, end: number, declaredEnd: number): ProtoMessage {
  if (c.frames.length >= MAX_DEPTH)
    throw new WireError('too_deep', `messages nested deeper than ${MAX_DEPTH} levels at byte ${c.pos}`);
  const frame: Frame = { schema, field: undefined, index: 0 };
  c.frames.push(frame);
  const message: Record<string, ProtoValue> = {};
  while (c.pos < end) {
    frame.field = undefined;
    const at = c.pos;
    const tag = readTag(c, end, at);
    const number = tag >>> 3;
    const wire = tag & 7;
    const spec = schema.byNumber[number];
    if (spec === undefined) {
      skipField(c, number, wire, end, at, 0);
      continue;
    }
    frame.field = spec;
    frame.index = spec.repeated ? ((message[spec.name] as readonly unknown[] | undefined)?.length ?? 0) : 0;
    readField(c, spec, wire, end, at, message);
  }
  c.frames.pop();
  if (declaredEnd > end) throw new WireError('truncated', `truncated at byte ${c.bytes.length}`);
  return message;
}

/** A tag: field number << 3 | wire type. */
function readTag(c: Cursor, end: number, at: number): number {
  readVarint(c, end);
  if (c.lo >>> 3 !== 0 && c.hi === 0) return c.lo;
  throw new WireError(
    'bad_field_number',
    `invalid field number ${Math.floor(int64FromHalves(c.lo, c.hi, false) / 8)} at byte ${at}`,
  );
}

/** The wire type of one value of each scalar kind. */
export const WIRE_TYPE_OF: Readonly<Record<ScalarKind, number>> = {
  int32: 0,
  int64: 0,
  float: 5,
  double: 1,
  string: 2,
  bytes: 2,
};

/** Per scalar kind: how to read one value, and its size when fixed. */
interface ScalarCodec {
  readonly fixedBytes?: number;
  read(c: Cursor, end: number): ProtoScalar;
}

const SCALARS: Readonly<Record<ScalarKind, ScalarCodec>> = {
  int32: {
    read: (c, end) => {
      readVarint(c, end);
      return c.lo | 0;
    },
  },
  int64: {
    read: (c, end) => {
      readVarint(c, end);
      return int64FromHalves(c.lo, c.hi, true);
    },
  },
  float: { fixedBytes: 4, read: (c, end) => c.view.getFloat32(advance(c, 4, end), true) },
  double: { fixedBytes: 8, read: (c, end) => c.view.getFloat64(advance(c, 8, end), true) },
  string: { read: (c, end) => decodeUtf8(c.bytes, readDelimited(c, end), c.pos) },
  bytes: { read: (c, end) => c.bytes.subarray(readDelimited(c, end), c.pos) },
};

function readField(
  c: Cursor,
  spec: FieldSpec,
  wire: number,
  end: number,
  at: number,
  message: Record<string, ProtoValue>,
): void {
  const { kind, name } = spec;
  const codec = typeof kind === 'function' ? undefined : SCALARS[kind];
  const expected = typeof kind === 'function' ? 2 : WIRE_TYPE_OF[kind];
  const packed = spec.repeated === true && expected !== 2 && wire === 2;
  if (wire !== expected && !packed) {
    throw new WireError(
      'wrong_wire_type',
      `wire type ${wire} (${WIRE_NAMES[wire]}) instead of ${expected} (${WIRE_NAMES[expected]}) at byte ${at}`,
    );
  }
  if (codec === undefined) {
    const start = readDelimited(c, end, true);
    const declaredEnd = c.pos;
    c.pos = start;
    store(message, spec, readMessage(c, (kind as () => MessageSchema)(), Math.min(declaredEnd, end), declaredEnd));
  } else if (spec.lanes !== undefined) {
    store(message, spec, readLanes(c, codec, spec.lanes, packed, end));
  } else if (!packed) {
    store(message, spec, codec.read(c, end));
  } else {
    const start = readDelimited(c, end);
    const stop = c.pos;
    c.pos = start;
    const values = (message[name] ??= []) as ProtoScalar[];
    while (c.pos < stop) values.push(codec.read(c, stop));
  }
}

function store(message: Record<string, ProtoValue>, spec: FieldSpec, value: ProtoScalar | ProtoMessage): void {
  if (spec.repeated) ((message[spec.name] ??= []) as (ProtoScalar | ProtoMessage)[]).push(value);
  else message[spec.name] = value;
}

/** One chunk of lanes: a view of fixed-width values as they lie in the input, else varints re-laid in lanes. */
function readLanes(c: Cursor, codec: ScalarCodec, width: number, packed: boolean, end: number): Uint8Array {
  const { bytes } = c;
  if (!packed)
    return codec.fixedBytes === undefined
      ? varintLanes(c, 1, width, end)
      : bytes.subarray(advance(c, codec.fixedBytes, end), c.pos);
  const start = readDelimited(c, end);
  const stop = c.pos;
  if (codec.fixedBytes !== undefined) {
    if ((stop - start) % codec.fixedBytes === 0) return bytes.subarray(start, stop);
    throw new WireError(
      'bad_length',
      `packed run of ${stop - start} bytes at byte ${start} is not a whole number of ${codec.fixedBytes}-byte values`,
    );
  }
  let count = 0;
  for (let i = start; i < stop; i++) if (bytes[i]! < 0x80) count++;
  c.pos = start;
  const out = varintLanes(c, count, width, stop);
  if (c.pos !== stop)
    throw new WireError('bad_length', `packed run of ${stop - start} bytes at byte ${start} ends inside a varint`);
  return out;
}

/** `count` varints as little-endian lanes of `width` bytes: the low 32 bits, then the high 32 when 8 wide. */
function varintLanes(c: Cursor, count: number, width: number, end: number): Uint8Array {
  const out = new Uint8Array(count * width);
  const lanes = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    readVarint(c, end);
    lanes.setUint32(i * width, c.lo, true);
    if (width === 8) lanes.setUint32(i * width + 4, c.hi, true);
  }
  return out;
}

function readVarint(c: Cursor, end: number): void {
  const { bytes } = c;
  const start = c.pos;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= end) outOfBytes(c, end, `varint at byte ${start}`);
    const b = bytes[c.pos++]!;
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x7f) << 28;
      hi = (b & 0x7f) >>> 4;
    } else hi |= (b & 0x7f) << (7 * i - 32);
    if (b < 0x80) {
      c.lo = lo >>> 0;
      c.hi = hi >>> 0;
      return;
    }
  }
  throw new WireError('bad_varint', `varint longer than 10 bytes at byte ${start}`);
}

/** Moves past `n` bytes and returns where they start. */
function advance(c: Cursor, n: number, end: number): number {
  const start = c.pos;
  if (start + n > end) outOfBytes(c, end, `${n}-byte value at byte ${start}`);
  c.pos += n;
  return start;
}

/** The end of the input is truncation; the end of an enclosing message is a bad length. */
function outOfBytes(c: Cursor, end: number, what: string): never {
  if (end >= c.bytes.length) throw new WireError('truncated', `truncated at byte ${c.bytes.length}`);
  throw new WireError('bad_length', `${what} runs past the end of its message at byte ${end}`);
}

/**
 * Reads a length prefix, leaves `pos` after the content and returns where the content starts. Content that
 * runs past the file is truncation, unless `clamp` (messages, whose reading then stops at the file's end and
 * names the innermost field that is cut off); past the enclosing message it is a bad length.
 */
function readDelimited(c: Cursor, end: number, clamp = false): number {
  const at = c.pos;
  readVarint(c, end);
  const length = int64FromHalves(c.lo, c.hi, false);
  const start = c.pos;
  c.pos = start + length;
  if (c.pos > end && end < c.bytes.length) {
    throw new WireError('bad_length', `length ${length} at byte ${at} runs past the end of its message at byte ${end}`);
  }
  if (c.pos > end && !clamp) throw new WireError('truncated', `truncated at byte ${c.bytes.length}`);
  return start;
}

function skipField(c: Cursor, number: number, wire: number, end: number, at: number, depth: number): void {
  if (wire === 0) readVarint(c, end);
  else if (wire === 1) advance(c, 8, end);
  else if (wire === 5) advance(c, 4, end);
  else if (wire === 2) readDelimited(c, end);
  else if (wire === 3) skipGroup(c, number, end, depth + 1);
  else
    throw new WireError(
      'bad_wire_type',
      `${wire === 4 ? 'end-group without a start-group' : `invalid wire type ${wire}`} at byte ${at}`,
    );
}

function skipGroup(c: Cursor, number: number, end: number, depth: number): void {
  if (depth > MAX_DEPTH)
    throw new WireError('too_deep', `groups nested deeper than ${MAX_DEPTH} levels at byte ${c.pos}`);
  for (;;) {
    const at = c.pos;
    const tag = readTag(c, end, at);
    const inner = tag >>> 3;
    const wire = tag & 7;
    if (wire === 4 && inner === number) return;
    if (wire === 4)
      throw new WireError(
        'bad_wire_type',
        `end-group of field ${inner} at byte ${at} inside a group of field ${number}`,
      );
    skipField(c, inner, wire, end, at, depth);
  }
}

const UTF8_DECODER = new TextDecoder();

/** Short ASCII strings (most names in a model) skip TextDecoder's per-call cost. */
function decodeUtf8(bytes: Uint8Array, start: number, stop: number): string {
  if (stop - start > 32) return UTF8_DECODER.decode(bytes.subarray(start, stop));
  let s = '';
  for (let i = start; i < stop; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return UTF8_DECODER.decode(bytes.subarray(start, stop));
    s += String.fromCharCode(b);
  }
  return s;
}
