/**
 * NumPy `.npy` files (numpy.lib.format, versions 1.0, 2.0 and 3.0) as bytes, with no Node.js API so a browser
 * can load weights and activations straight from a fetch or a file input.
 *
 * Decoding reports every problem as an issue whose path is the file name and never throws on bad input.
 * Big-endian ('>') dtypes are byte-swapped and `fortran_order: True` data is transposed, so a decoded array
 * is always native numbers in C (row-major) order. Encoding writes little-endian C-order data behind the
 * header NumPy 2.x's `np.save` writes, byte for byte: version 1.0, or 2.0 when the header exceeds 65535 bytes.
 * float16 elements are raw IEEE binary16 bit patterns: decoding gives a Uint16Array of bits, and encoding
 * stores a Uint16Array as bits but rounds any other numbers to fp16 (NUMBER_FORMATS.fp16.encode).
 */
import { issue, type Issue, type Result } from './errors.js';
import { NUMBER_FORMATS } from './number-formats.js';

export type NpyDtype = 'int8' | 'uint8' | 'int16' | 'int32' | 'float16' | 'float32' | 'float64';

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Elements in C order; float16 as raw bit patterns. */
  readonly data: Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array | Uint16Array;
}

type NpyData = NpyArray['data'];

interface DtypeInfo {
  /** Type letter and item size of the NumPy descr: 'f' and 4 for '<f4'. */
  readonly kind: 'i' | 'u' | 'f';
  readonly itemBytes: number;
  /** Holds the elements in host byte order; storing a number converts it as this typed array does. */
  readonly TypedArray: new (
    buffer: ArrayBuffer,
  ) => NpyData;
  /** The stored element of a number, where the typed array alone would not do (float16 stores bits). */
  readonly fromNumber?: (x: number) => number;
}

const NPY_DTYPES: Readonly<Record<NpyDtype, DtypeInfo>> = {
  int8: { kind: 'i', itemBytes: 1, TypedArray: Int8Array },
  uint8: { kind: 'u', itemBytes: 1, TypedArray: Uint8Array },
  int16: { kind: 'i', itemBytes: 2, TypedArray: Int16Array },
  int32: { kind: 'i', itemBytes: 4, TypedArray: Int32Array },
  float16: { kind: 'f', itemBytes: 2, TypedArray: Uint16Array, fromNumber: (x) => NUMBER_FORMATS.fp16.encode(x) },
  float32: { kind: 'f', itemBytes: 4, TypedArray: Float32Array },
  float64: { kind: 'f', itemBytes: 8, TypedArray: Float64Array },
};

const DTYPE_NAMES = Object.keys(NPY_DTYPES) as NpyDtype[];

/** The descr NumPy writes: '|' (no byte order) for one-byte types, little-endian '<' otherwise. */
function descrOf(info: DtypeInfo): string {
  return `${info.itemBytes === 1 ? '|' : '<'}${info.kind}${info.itemBytes}`;
}

const SUPPORTED_DTYPES = DTYPE_NAMES.map((name) => `${name} '${descrOf(NPY_DTYPES[name])}'`).join(', ');

/** '\x93NUMPY' */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const;
const PREAMBLE_BYTES = MAGIC.length + 2;

/** Per major version: the width of the header-length field and the header's text encoding (numpy.lib.format). */
const FORMAT_VERSIONS: Readonly<Record<number, { readonly lengthBytes: 2 | 4; readonly utf8: boolean }>> = {
  1: { lengthBytes: 2, utf8: false },
  2: { lengthBytes: 4, utf8: false },
  3: { lengthBytes: 4, utf8: true },
};

/** NumPy aligns the data to 64 bytes (ARRAY_ALIGN) so it can be memory-mapped; the padding is never empty. */
const ARRAY_ALIGN_BYTES = 64;
/** np.save leaves room for the first axis to grow to 21 digits in place (GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_AXIS_MAX_DIGITS = 21;
const HEADER_KEYS = ['descr', 'fortran_order', 'shape'] as const;
/** Bounds recursion on hostile headers such as '((((((...'. */
const MAX_NESTING = 32;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Number of elements of an array of this shape; 1 for a scalar `()`. */
export function npyElementCount(shape: readonly number[]): number {
  return shape.reduce((count, dim) => count * dim, 1);
}

function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function encodeNpy(array: { dtype: NpyDtype; shape: readonly number[]; data: ArrayLike<number> }): Uint8Array {
  const { dtype, shape, data } = array;
  if (!Object.hasOwn(NPY_DTYPES, dtype))
    throw new RangeError(`dtype '${dtype}' is not supported (supported: ${SUPPORTED_DTYPES})`);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new RangeError(`shape ${shapeRepr(shape)} must hold non-negative integers`);
  const count = npyElementCount(shape);
  if (data.length !== count)
    throw new RangeError(`data has ${data.length} elements, but shape ${shapeRepr(shape)} needs ${count}`);
  const info = NPY_DTYPES[dtype];
  const values = new info.TypedArray(new ArrayBuffer(count * info.itemBytes));
  const convert = data instanceof Uint16Array ? undefined : info.fromNumber;
  if (convert === undefined) values.set(data);
  else for (let i = 0; i < count; i++) values[i] = convert(data[i]!);
  const header = wrapHeader(headerDict(descrOf(info), shape));
  const out = new Uint8Array(header.length + values.byteLength);
  out.set(header);
  copyElements(new Uint8Array(values.buffer), out.subarray(header.length), info.itemBytes, !HOST_LITTLE_ENDIAN);
  return out;
}

/** Copies whole elements, reversing the bytes of each when `swap` (to or from the other byte order). */
function copyElements(from: Uint8Array, to: Uint8Array, itemBytes: number, swap: boolean): void {
  if (!swap || itemBytes === 1) to.set(from);
  else
    for (let i = 0; i < from.length; i += itemBytes)
      for (let b = 0; b < itemBytes; b++) to[i + b] = from[i + itemBytes - 1 - b]!;
}

/** The dict as Python's repr writes it, keys sorted, as `np.save` builds it. */
function headerDict(descr: string, shape: readonly number[]): string {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  return shape.length === 0 ? dict : dict + ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
}

/** Magic, version, header length, then the (ASCII) dict padded with spaces and a '\n' to the alignment. */
function wrapHeader(dict: string): Uint8Array {
  const major = paddedHeaderBytes(dict, 2) <= 0xffff ? 1 : 2;
  const lengthBytes = FORMAT_VERSIONS[major]!.lengthBytes;
  const headerBytes = paddedHeaderBytes(dict, lengthBytes);
  const start = PREAMBLE_BYTES + lengthBytes;
  const out = new Uint8Array(start + headerBytes).fill(0x20);
  out.set(MAGIC);
  out[MAGIC.length] = major;
  out[MAGIC.length + 1] = 0;
  for (let i = 0; i < lengthBytes; i++) out[PREAMBLE_BYTES + i] = (headerBytes >>> (8 * i)) & 0xff;
  for (let i = 0; i < dict.length; i++) out[start + i] = dict.charCodeAt(i);
  out[out.length - 1] = 0x0a;
  return out;
}

function paddedHeaderBytes(dict: string, lengthBytes: number): number {
  const withNewline = dict.length + 1;
  return withNewline + ARRAY_ALIGN_BYTES - ((PREAMBLE_BYTES + lengthBytes + withNewline) % ARRAY_ALIGN_BYTES);
}

interface Header {
  readonly dtype: NpyDtype;
  readonly littleEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
}

const failure = (code: string, path: string, message: string): { ok: false; issues: Issue[] } => ({
  ok: false,
  issues: [issue(code, path, message)],
});

export function decodeNpy(bytes: Uint8Array, fileName = 'array.npy'): Result<NpyArray> {
  const preamble = readPreamble(bytes, fileName);
  if (!preamble.ok) return preamble;
  const header = readHeader(preamble.value.headerText, fileName);
  if (!header.ok) return header;
  return readData(bytes, preamble.value.dataOffset, header.value, fileName);
}

function readPreamble(bytes: Uint8Array, path: string): Result<{ headerText: string; dataOffset: number }> {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    const first = Array.from(bytes.subarray(0, MAGIC.length), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return failure(
      'bad_magic',
      path,
      `does not start with the .npy magic string \\x93NUMPY (first bytes: ${first || 'none'})`,
    );
  }
  if (bytes.length < PREAMBLE_BYTES)
    return failure('truncated', path, `file ends after ${bytes.length} bytes, before the format version`);
  const major = bytes[MAGIC.length]!;
  const minor = bytes[MAGIC.length + 1]!;
  const version = FORMAT_VERSIONS[major];
  if (version === undefined || minor !== 0) {
    return failure(
      'unsupported_version',
      path,
      `format version ${major}.${minor} is not supported (supported: 1.0, 2.0, 3.0)`,
    );
  }
  const start = PREAMBLE_BYTES + version.lengthBytes;
  if (bytes.length < start)
    return failure('truncated', path, `file ends after ${bytes.length} bytes, inside the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes =
    version.lengthBytes === 2 ? view.getUint16(PREAMBLE_BYTES, true) : view.getUint32(PREAMBLE_BYTES, true);
  const dataOffset = start + headerBytes;
  if (dataOffset > bytes.length) {
    const where = `header ends at byte ${dataOffset}, file has ${bytes.length} bytes`;
    return failure('truncated', path, `header length ${headerBytes} runs past the end of the file (${where})`);
  }
  const raw = bytes.subarray(start, dataOffset);
  // Versions 1.0 and 2.0 are latin-1, byte for character (TextDecoder's 'latin1' is really windows-1252).
  if (!version.utf8)
    return { ok: true, value: { headerText: Array.from(raw, (b) => String.fromCharCode(b)).join(''), dataOffset } };
  try {
    return { ok: true, value: { headerText: new TextDecoder('utf-8', { fatal: true }).decode(raw), dataOffset } };
  } catch {
    return failure('bad_header', path, 'header of a version 3.0 file is not valid UTF-8');
  }
}

function readHeader(text: string, path: string): Result<Header> {
  let dict: PyValue;
  try {
    dict = parsePyLiteral(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    return failure('bad_header', path, `header is not a Python dict literal (${e.message}): ${snippet(text)}`);
  }
  if (!(dict instanceof Map)) {
    return failure(
      'bad_header',
      path,
      `header is ${snippet(describePy(dict))}, not a dict with keys 'descr', 'fortran_order', 'shape'`,
    );
  }
  const issues: Issue[] = [];
  for (const key of HEADER_KEYS)
    if (!dict.has(key)) issues.push(issue('missing_key', path, `header has no '${key}' key`));
  for (const key of [...dict.keys()].filter((k) => !(HEADER_KEYS as readonly string[]).includes(k))) {
    issues.push(issue('unknown_key', path, `header key '${key}' is not one of 'descr', 'fortran_order', 'shape'`));
  }
  const descr = readDescr(dict.get('descr'), path, issues);
  const fortranOrder = dict.get('fortran_order');
  if (fortranOrder !== undefined && typeof fortranOrder !== 'boolean') {
    issues.push(issue('invalid_type', path, `'fortran_order' must be True or False, got ${describePy(fortranOrder)}`));
  }
  const shape = readShape(dict.get('shape'), path, issues);
  if (issues.length > 0 || descr === undefined || shape === undefined) return { ok: false, issues };
  return { ok: true, value: { ...descr, fortranOrder: fortranOrder === true, shape } };
}

function snippet(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= 80 ? trimmed : `${trimmed.slice(0, 77)}...`;
}

function readDescr(
  value: PyValue | undefined,
  path: string,
  issues: Issue[],
): { dtype: NpyDtype; littleEndian: boolean } | undefined {
  if (value === undefined) return undefined;
  const unsupported = (why: string): undefined => {
    issues.push(
      issue(
        'unsupported_dtype',
        path,
        `dtype ${snippet(describePy(value))} in 'descr' ${why} (supported: ${SUPPORTED_DTYPES})`,
      ),
    );
    return undefined;
  };
  if (isPyList(value)) return unsupported('is a structured dtype, which is not supported');
  if (isPyTuple(value)) return unsupported('is a subarray dtype, which is not supported');
  if (typeof value !== 'string') {
    issues.push(issue('invalid_type', path, `'descr' must be a dtype string such as '<f4', got ${describePy(value)}`));
    return undefined;
  }
  const match = /^([<>=|]?)([a-zA-Z])(\d*)$/.exec(value);
  if (match === null) return unsupported('is not supported');
  const [, order, kind, size] = match;
  if (kind === 'O') return unsupported('holds pickled Python objects, which are not supported');
  const dtype = DTYPE_NAMES.find(
    (name) => NPY_DTYPES[name].kind === kind && NPY_DTYPES[name].itemBytes === Number(size),
  );
  if (dtype === undefined) return unsupported('is not supported');
  // '=' and '|' (and no prefix) mean the writer's native order, which NumPy never writes for multi-byte
  // types; read them as little-endian, the order of every host JavaScript runs on in practice.
  return { dtype, littleEndian: order !== '>' };
}

function readShape(value: PyValue | undefined, path: string, issues: Issue[]): readonly number[] | undefined {
  if (value === undefined) return undefined;
  if (!isPyTuple(value)) {
    issues.push(
      issue(
        'invalid_type',
        path,
        `'shape' must be a tuple of integers such as (2, 3), got ${snippet(describePy(value))}`,
      ),
    );
    return undefined;
  }
  const shape: number[] = [];
  const where = `'shape' ${snippet(describePy(value))}`;
  for (const dim of value.tuple) {
    if (typeof dim !== 'number')
      issues.push(issue('invalid_type', path, `${where} must hold integers, got ${describePy(dim)}`));
    else if (dim < 0) issues.push(issue('too_small', path, `${where} has the negative dimension ${dim}`));
    else if (!Number.isSafeInteger(dim))
      issues.push(issue('too_big', path, `${where} has the dimension ${describePy(dim)}, above 2^53 - 1`));
    else shape.push(dim);
  }
  return shape.length === value.tuple.length ? shape : undefined;
}

function readData(bytes: Uint8Array, dataOffset: number, header: Header, path: string): Result<NpyArray> {
  const { dtype, littleEndian, fortranOrder, shape } = header;
  const info = NPY_DTYPES[dtype];
  const count = npyElementCount(shape);
  const expectedBytes = count * info.itemBytes;
  const actualBytes = bytes.length - dataOffset;
  if (actualBytes !== expectedBytes) {
    const needs = `${expectedBytes} bytes (${count} elements x ${info.itemBytes} bytes)`;
    return failure(
      'data_length',
      path,
      `data is ${actualBytes} bytes, but shape ${shapeRepr(shape)} of ${dtype} needs ${needs}`,
    );
  }
  const buffer = new ArrayBuffer(expectedBytes);
  copyElements(bytes.subarray(dataOffset), new Uint8Array(buffer), info.itemBytes, littleEndian !== HOST_LITTLE_ENDIAN);
  const fileOrder = new info.TypedArray(buffer);
  const data =
    fortranOrder && shape.length > 1
      ? fortranToCOrder(fileOrder, shape, new info.TypedArray(new ArrayBuffer(expectedBytes)))
      : fileOrder;
  return { ok: true, value: { dtype, shape, data } };
}

/** Fortran order varies the first axis fastest; walk the file in that order and place each element in C order. */
function fortranToCOrder(source: NpyData, shape: readonly number[], target: NpyData): NpyData {
  const cStrides = shape.map((_, axis) => npyElementCount(shape.slice(axis + 1)));
  const index = shape.map(() => 0);
  let c = 0;
  for (let f = 0; f < source.length; f++) {
    target[c] = source[f]!;
    for (let axis = 0; axis < shape.length; axis++) {
      index[axis] = index[axis]! + 1;
      c += cStrides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      c -= index[axis]! * cStrides[axis]!;
      index[axis] = 0;
    }
  }
  return target;
}

// The Python literals of a header: the subset of ast.literal_eval that .npy headers use.
/** Python's int, str, bool, None, tuple, list and dict; floats never occur in a valid header and fail to parse. */
type PyValue = string | number | boolean | null | PyTuple | PyList | PyDict;
interface PyTuple {
  readonly tuple: readonly PyValue[];
}
interface PyList {
  readonly list: readonly PyValue[];
}
type PyDict = ReadonlyMap<string, PyValue>;

const isPyTuple = (v: PyValue): v is PyTuple => typeof v === 'object' && v !== null && 'tuple' in v;
const isPyList = (v: PyValue): v is PyList => typeof v === 'object' && v !== null && 'list' in v;

/** Python's repr, for messages. */
function describePy(v: PyValue): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (typeof v === 'number') return String(v);
  if (isPyTuple(v))
    return v.tuple.length === 1 ? `(${describePy(v.tuple[0]!)},)` : `(${v.tuple.map(describePy).join(', ')})`;
  if (isPyList(v)) return `[${v.list.map(describePy).join(', ')}]`;
  return `{${[...v].map(([k, x]) => `'${k}': ${describePy(x)}`).join(', ')}}`;
}

interface Cursor {
  readonly text: string;
  pos: number;
}

/** Throws SyntaxError, which readHeader turns into an issue; a parser threading results would double in size. */
function parsePyLiteral(text: string): PyValue {
  const c: Cursor = { text, pos: 0 };
  const value = parseValue(c, 0);
  skipSpace(c);
  if (c.pos < text.length) fail(c, 'unexpected text after the dict');
  return value;
}

function fail(c: Cursor, what: string): never {
  throw new SyntaxError(`${what} at character ${c.pos}`);
}

function skipSpace(c: Cursor): void {
  while (c.pos < c.text.length && ' \t\r\n'.includes(c.text[c.pos]!)) c.pos++;
}

/** Integers may carry Python 2's 'L' suffix, as headers written by NumPy on Python 2 do. */
const ATOM = /True|False|None|-?\d+[lL]?/y;

function parseValue(c: Cursor, depth: number): PyValue {
  skipSpace(c);
  if (depth > MAX_NESTING) fail(c, `literal nested deeper than ${MAX_NESTING} levels`);
  const ch = c.text[c.pos];
  if (ch === '{') {
    const { items } = parseSequence(c, '}', depth + 1);
    const dict = new Map<string, PyValue>();
    for (let i = 0; i < items.length; i += 2) dict.set(items[i] as string, items[i + 1]!);
    return dict;
  }
  if (ch === '[') return { list: parseSequence(c, ']', depth + 1).items };
  if (ch === '(') {
    const { items, trailingComma } = parseSequence(c, ')', depth + 1);
    return items.length === 1 && !trailingComma ? items[0]! : { tuple: items };
  }
  if (ch === "'" || ch === '"') return parseString(c, ch);
  ATOM.lastIndex = c.pos;
  const atom = ATOM.exec(c.text)?.[0];
  if (atom === undefined) fail(c, 'expected a value');
  c.pos += atom.length;
  if (atom === 'True' || atom === 'False') return atom === 'True';
  return atom === 'None' ? null : Number(atom.replace(/[lL]$/, ''));
}

/** Items up to `close`; a dict's items alternate key, value. */
function parseSequence(c: Cursor, close: string, depth: number): { items: PyValue[]; trailingComma: boolean } {
  c.pos++;
  const items: PyValue[] = [];
  let trailingComma = false;
  for (;;) {
    skipSpace(c);
    if (c.text[c.pos] === close) {
      c.pos++;
      return { items, trailingComma };
    }
    items.push(parseValue(c, depth));
    skipSpace(c);
    if (close === '}') {
      if (typeof items.at(-1) !== 'string') fail(c, 'expected a string key');
      if (c.text[c.pos] !== ':') fail(c, "expected ':'");
      c.pos++;
      items.push(parseValue(c, depth));
      skipSpace(c);
    }
    trailingComma = c.text[c.pos] === ',';
    if (trailingComma) c.pos++;
    else if (c.text[c.pos] !== close) fail(c, `expected ',' or '${close}'`);
  }
}

function parseString(c: Cursor, quote: string): string {
  const start = ++c.pos;
  while (c.pos < c.text.length && c.text[c.pos] !== quote && c.text[c.pos] !== '\n')
    c.pos += c.text[c.pos] === '\\' ? 2 : 1;
  if (c.text[c.pos] !== quote) fail(c, 'unterminated string');
  // Escapes stay as written: no supported descr holds one, and messages then show the text of the file.
  return c.text.slice(start, c.pos++);
}
