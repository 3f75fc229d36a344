/**
 * A chunk's columns as one Buffer, for the Redis queue: a JSON header (the chunk's shape and its label
 * lists) followed by the typed arrays' bytes, each at an 8-byte boundary. Numbers cross as their own
 * bytes (no decimal text to print and parse), so a decoded chunk stores exactly what the worker computed.
 */
import { TpusimError } from '../../index.js';
import type { ChunkColumn, ChunkColumns } from './chunk-columns.js';

type ColumnHeader = { readonly kind: 'number' } | { readonly kind: 'label'; readonly labels: readonly WireLabel[] };

interface Header {
  readonly chunk: number;
  readonly start: number;
  readonly length: number;
  readonly knobs: ReadonlyArray<readonly [string, ColumnHeader]>;
  readonly reasons: readonly WireLabel[];
  readonly objectives: readonly string[];
}

const MAGIC = 0x74707863; // 'tpxc'
const FAILED_MAGIC = 0x74707866; // 'tpxf'
const align8 = (n: number): number => (n + 7) & ~7;

type Label = number | string | null;
/** JSON has no -0, Infinity or NaN: such labels travel as { f: String(value) }. */
type WireLabel = Label | { readonly f: string };
const toWire = (labels: readonly Label[]): WireLabel[] =>
  labels.map((v) =>
    Object.is(v, -0) ? { f: '-0' } : typeof v === 'number' && !Number.isFinite(v) ? { f: String(v) } : v,
  );
const fromWire = (labels: readonly WireLabel[]): Label[] =>
  labels.map((v) => (v !== null && typeof v === 'object' ? Number(v.f) : v));

const columnHeader = (c: ChunkColumn): ColumnHeader =>
  c.kind === 'number' ? { kind: 'number' } : { kind: 'label', labels: toWire(c.labels) };
const columnArray = (c: ChunkColumn): Float64Array | Uint32Array => (c.kind === 'number' ? c.values : c.codes);

export function encodeChunk(columns: ChunkColumns): Buffer {
  return encodeInto(columns, (size) => Buffer.alloc(size));
}

/**
 * An encoder that writes every chunk into one buffer it keeps (grown when a chunk needs more), for a
 * queue worker that sends one chunk at a time: a fresh 8-byte-aligned buffer per chunk made the worker's
 * garbage collector the largest cost after the evaluation itself. The bytes it returns stay valid until
 * its next call.
 */
export function createChunkEncoder(): (columns: ChunkColumns) => Buffer {
  let scratch = Buffer.alloc(0);
  return (columns) =>
    encodeInto(columns, (size) => {
      if (scratch.length < size) scratch = Buffer.alloc(Math.max(size, 2 * scratch.length));
      return scratch.subarray(0, size);
    });
}

function encodeInto(columns: ChunkColumns, allocate: (size: number) => Buffer): Buffer {
  const knobs = Object.entries(columns.knobs);
  const objectives = Object.entries(columns.objectives);
  const header: Header = {
    chunk: columns.chunk,
    start: columns.start,
    length: columns.length,
    knobs: knobs.map(([name, c]) => [name, columnHeader(c)]),
    reasons: toWire(columns.reasons.labels),
    objectives: objectives.map(([name]) => name),
  };
  const arrays = [
    ...knobs.map(([, c]) => columnArray(c)),
    columns.reasons.codes,
    columns.feasible,
    ...objectives.map(([, v]) => v),
  ];
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  let size = align8(8 + headerBytes.length);
  for (const a of arrays) size += align8(a.byteLength);
  const out = allocate(size);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(out, 8);
  let offset = 8 + headerBytes.length;
  for (const a of arrays) {
    // The padding is written too, so a reused buffer's old bytes never reach Redis.
    out.fill(0, offset, align8(offset));
    offset = align8(offset);
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  out.fill(0, offset);
  return out;
}

/** A chunk's last attempt failed: what a queue worker sends instead of the columns. */
export interface ChunkFailure {
  readonly chunk: number;
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

export function encodeChunkFailure(failure: ChunkFailure): Buffer {
  const body = Buffer.from(JSON.stringify(failure), 'utf8');
  const out = Buffer.alloc(4 + body.length);
  out.writeUInt32LE(FAILED_MAGIC, 0);
  body.copy(out, 4);
  return out;
}

/** A queue worker's reply: the chunk's columns, or the reason its last attempt failed. */
export type ChunkResult =
  | { readonly kind: 'columns'; readonly columns: ChunkColumns }
  | { readonly kind: 'failed'; readonly failure: ChunkFailure };

export function decodeChunkResult(bytes: Buffer): ChunkResult {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === FAILED_MAGIC)
    return { kind: 'failed', failure: JSON.parse(bytes.toString('utf8', 4)) as ChunkFailure };
  return { kind: 'columns', columns: decodeChunk(bytes) };
}

export function decodeChunk(bytes: Buffer): ChunkColumns {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== MAGIC)
    throw new TpusimError(
      'sweep_failed',
      'a chunk result from the queue is not a tpusim chunk (another tpusim version?)',
    );
  const headerLength = bytes.readUInt32LE(4);
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Header;
  const n = header.length;
  let offset = align8(8 + headerLength);
  // Views on the bytes where they start at an 8-byte boundary (a large reply from Redis is a fresh Buffer
  // of its own), else copies: a small Buffer may start anywhere in Node's pool.
  const aligned = bytes.byteOffset % 8 === 0;
  const take = <T>(make: (buffer: ArrayBuffer, byteOffset: number, length: number) => T, bytesPer: number): T => {
    const byteLength = n * bytesPer;
    if (offset + byteLength > bytes.length)
      throw new TpusimError('sweep_failed', `a chunk result from the queue is truncated (${bytes.length} bytes)`);
    const start = bytes.byteOffset + offset;
    offset += align8(byteLength);
    const buffer = bytes.buffer as ArrayBuffer;
    return aligned ? make(buffer, start, n) : make(buffer.slice(start, start + byteLength), 0, n);
  };
  const knobs: Record<string, ChunkColumn> = {};
  for (const [name, c] of header.knobs) {
    knobs[name] =
      c.kind === 'number'
        ? { kind: 'number', values: take((b, o, l) => new Float64Array(b, o, l), 8) }
        : { kind: 'label', codes: take((b, o, l) => new Uint32Array(b, o, l), 4), labels: fromWire(c.labels) };
  }
  const reasons = {
    kind: 'label' as const,
    codes: take((b, o, l) => new Uint32Array(b, o, l), 4),
    labels: fromWire(header.reasons),
  };
  const feasible = take((b, o, l) => new Uint8Array(b, o, l), 1);
  const objectives: Record<string, Float64Array> = {};
  for (const name of header.objectives) objectives[name] = take((b, o, l) => new Float64Array(b, o, l), 8);
  return { chunk: header.chunk, start: header.start, length: n, knobs, feasible, reasons, objectives };
}
