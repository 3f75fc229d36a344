/**
 * The writing half of protobuf.ts: a message of the shape decodeMessage gives, back to wire format. Fields
 * present go out in field-number order, as protobuf's own serializers write them, so equal messages give
 * equal bytes. Strings and bytes are length-delimited, int32 and enums are sign-extended to 64 bits (a
 * negative one takes 10 bytes), and repeated numbers are written unpacked, one tag per value, as proto2
 * writes a plain `repeated` field.
 */
import {
  int64ToHalves,
  WIRE_TYPE_OF,
  type FieldSpec,
  type MessageSchema,
  type ProtoMessage,
  type ProtoScalar,
  type ScalarKind,
} from './protobuf.js';

/**
 * Bytes go into chunks; a nested message leaves an empty slot for its length prefix, filled in when the
 * message ends, and long byte fields are referenced rather than copied, so each byte is copied once.
 */
interface Writer {
  readonly parts: Uint8Array[];
  buf: Uint8Array;
  view: DataView;
  pos: number;
  /** Start of the bytes in `buf` not yet in `parts`. */
  start: number;
  /** Bytes in `parts`. */
  flushed: number;
}

const CHUNK_BYTES = 64 * 1024;
const REFERENCE_BYTES = 1024;
const UTF8_ENCODER = new TextEncoder();

/** Writes one value of each scalar kind, without its tag. */
const WRITE_SCALAR: Readonly<Record<ScalarKind, (w: Writer, value: ProtoScalar) => void>> = {
  int32: (w, v) => writeInt64(w, v as number),
  int64: (w, v) => writeInt64(w, v as number),
  float: (w, v) => writeFixed(w, 4, v as number),
  double: (w, v) => writeFixed(w, 8, v as number),
  string: (w, v) => writeString(w, v as string),
  bytes: (w, v) => writeBytes(w, v as Uint8Array),
};

export function encodeMessage(message: ProtoMessage, schema: MessageSchema): Uint8Array {
  const buf = new Uint8Array(CHUNK_BYTES);
  const w: Writer = { parts: [], buf, view: new DataView(buf.buffer), pos: 0, start: 0, flushed: 0 };
  writeMessage(w, message, schema);
  flush(w);
  const out = new Uint8Array(w.flushed);
  let at = 0;
  for (const part of w.parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function writeMessage(w: Writer, message: ProtoMessage, schema: MessageSchema): void {
  for (const [number, spec] of schema.ordered) {
    const value = message[spec.name];
    if (value === undefined) continue;
    if (!spec.repeated) writeField(w, number, spec, value as ProtoScalar | ProtoMessage);
    else for (const item of value as readonly (ProtoScalar | ProtoMessage)[]) writeField(w, number, spec, item);
  }
}

function writeField(w: Writer, number: number, spec: FieldSpec, value: ProtoScalar | ProtoMessage): void {
  const { kind } = spec;
  if (typeof kind === 'function') {
    writeVarint(w, (number << 3) | 2, 0);
    const slot = beginDelimited(w);
    writeMessage(w, value as ProtoMessage, kind());
    endDelimited(w, slot);
    return;
  }
  writeVarint(w, (number << 3) | WIRE_TYPE_OF[kind], 0);
  WRITE_SCALAR[kind](w, value as ProtoScalar);
}

function flush(w: Writer): void {
  if (w.pos === w.start) return;
  w.parts.push(w.buf.subarray(w.start, w.pos));
  w.flushed += w.pos - w.start;
  w.start = w.pos;
}

function reserve(w: Writer, n: number): void {
  if (w.buf.length - w.pos >= n) return;
  flush(w);
  w.buf = new Uint8Array(Math.max(CHUNK_BYTES, n));
  w.view = new DataView(w.buf.buffer);
  w.pos = w.start = 0;
}

interface Slot {
  readonly index: number;
  readonly flushed: number;
}

function beginDelimited(w: Writer): Slot {
  flush(w);
  w.parts.push(new Uint8Array(0));
  return { index: w.parts.length - 1, flushed: w.flushed };
}

function endDelimited(w: Writer, slot: Slot): void {
  flush(w);
  const prefix = new Uint8Array(10);
  const [lo, hi] = int64ToHalves(w.flushed - slot.flushed);
  const length = putVarint(prefix, 0, lo, hi);
  w.parts[slot.index] = prefix.subarray(0, length);
  w.flushed += length;
}

/** Writes a varint at `pos` and returns the position after it. */
function putVarint(out: Uint8Array, pos: number, lo: number, hi: number): number {
  while (hi !== 0 || lo > 0x7f) {
    out[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  out[pos++] = lo;
  return pos;
}

function writeVarint(w: Writer, lo: number, hi: number): void {
  reserve(w, 10);
  w.pos = putVarint(w.buf, w.pos, lo >>> 0, hi >>> 0);
}

/** int32 and enums too: protobuf sign-extends them, so a negative value takes 10 bytes. */
function writeInt64(w: Writer, x: number): void {
  const [lo, hi] = int64ToHalves(x);
  writeVarint(w, lo, hi);
}

function writeFixed(w: Writer, bytes: 4 | 8, x: number): void {
  reserve(w, bytes);
  if (bytes === 4) w.view.setFloat32(w.pos, x, true);
  else w.view.setFloat64(w.pos, x, true);
  w.pos += bytes;
}

function writeBytes(w: Writer, bytes: Uint8Array): void {
  writeVarint(w, bytes.length, 0);
  if (bytes.length >= REFERENCE_BYTES) {
    flush(w);
    w.parts.push(bytes);
    w.flushed += bytes.length;
    return;
  }
  reserve(w, bytes.length);
  w.buf.set(bytes, w.pos);
  w.pos += bytes.length;
}

function writeString(w: Writer, s: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for 7-bit ASCII, control characters included
  if (s.length > 64 || !/^[\x00-\x7f]*$/.test(s)) return writeBytes(w, UTF8_ENCODER.encode(s));
  writeVarint(w, s.length, 0);
  reserve(w, s.length);
  for (let i = 0; i < s.length; i++) w.buf[w.pos++] = s.charCodeAt(i);
}
