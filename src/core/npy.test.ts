import { describe, expect, it } from 'vitest';
import { formatIssues, type Result } from './errors.js';
import { decodeNpy, encodeNpy, npyElementCount, type NpyArray, type NpyDtype } from './npy.js';
import { NUMBER_FORMATS } from './number-formats.js';
import { createRng } from './rng.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const ascii = (text: string): number[] => Array.from(text, (ch) => ch.charCodeAt(0));

/** A .npy file around any header text, unpadded (readers must not require NumPy's alignment). */
function npyFile(header: string, data: ArrayLike<number> = [], major = 1): Uint8Array {
  const headerBytes = major === 3 ? new TextEncoder().encode(header) : Uint8Array.from(ascii(header));
  const lengthBytes = major === 1 ? 2 : 4;
  const length = Array.from({ length: lengthBytes }, (_, i) => (headerBytes.length >>> (8 * i)) & 0xff);
  return Uint8Array.from([...MAGIC, major, 0, ...length, ...headerBytes, ...Array.from(data)]);
}

const dict = (descr: string, shape: string, fortranOrder = 'False'): string =>
  `{'descr': '${descr}', 'fortran_order': ${fortranOrder}, 'shape': ${shape}, }`;

function decoded(result: Result<NpyArray>): NpyArray {
  if (!result.ok) throw new Error(formatIssues(result.issues));
  return result.value;
}

/** All issues of a failed decode, formatted `path: message`, one per line. */
function problems(result: Result<NpyArray>): string {
  if (result.ok) throw new Error('expected the decode to fail');
  return formatIssues(result.issues);
}

const codes = (result: Result<NpyArray>): string[] => (result.ok ? [] : result.issues.map((i) => i.code));

/** Deterministic sample values in range for each dtype (float16 as bit patterns). */
function sampleData(dtype: NpyDtype, count: number): number[] {
  const values: Record<NpyDtype, (i: number) => number> = {
    int8: (i) => ((i * 37) % 256) - 128,
    uint8: (i) => (i * 53) % 256,
    int16: (i) => ((i * 4099) % 65536) - 32768,
    int32: (i) => ((i * 2_654_435_761) % 2 ** 32) - 2 ** 31,
    float16: (i) => (i * 2_731) % 0x7c00,
    float32: (i) => Math.fround(i * 1.25 - 3.1),
    float64: (i) => i * -0.1 + 1e-300,
  };
  return Array.from({ length: count }, (_, i) => values[dtype](i));
}

const ARRAY_TYPES = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  int32: Int32Array,
  float16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;
const DTYPES: NpyDtype[] = ['int8', 'uint8', 'int16', 'int32', 'float16', 'float32', 'float64'];
const SHAPES: number[][] = [[], [5], [2, 3], [2, 0, 4]];

describe('npyElementCount', () => {
  it('multiplies the dimensions; a scalar has one element and a zero dimension none', () => {
    expect(npyElementCount([])).toBe(1);
    expect(npyElementCount([5])).toBe(5);
    expect(npyElementCount([2, 3])).toBe(6);
    expect(npyElementCount([2, 0, 4])).toBe(0);
  });
});

describe('encodeNpy and decodeNpy round trip', () => {
  const cases = DTYPES.flatMap((dtype) => SHAPES.map((shape) => [dtype, shape] as const));
  it.each(cases)('%s with shape %j', (dtype, shape) => {
    const values = sampleData(dtype, npyElementCount(shape));
    const data = dtype === 'float16' ? Uint16Array.from(values) : values;
    const array = decoded(decodeNpy(encodeNpy({ dtype, shape, data })));
    expect(array.dtype).toBe(dtype);
    expect(array.shape).toEqual(shape);
    expect(Array.from(array.data)).toEqual(values);
    expect(array.data).toBeInstanceOf(ARRAY_TYPES[dtype]);
  });

  it('writes the same bytes every time', () => {
    const array = { dtype: 'float32' as const, shape: [2, 3], data: [1, 2, 3, 4, 5, 6] };
    expect(encodeNpy(array)).toEqual(encodeNpy(array));
  });
});

/** Written by hand from the format spec and NumPy 2.x's np.save (numpy/lib/_format_impl.py). */
const INT8_FIXTURE = Uint8Array.from([
  ...MAGIC,
  0x01,
  0x00, // '\x93NUMPY', version 1.0
  0x76,
  0x00, // header length 118, little-endian uint16
  // The dict, 20 spaces of room to grow the first axis (21 digits - len('5')), 40 spaces so that
  // 10 + 57 + 60 + 1 = 128 is a multiple of 64, and '\n'.
  ...ascii("{'descr': '|i1', 'fortran_order': False, 'shape': (5,), }" + ' '.repeat(20 + 40) + '\n'),
  0x01,
  0xfe,
  0x03,
  0xfc,
  0x7f, // 1, -2, 3, -4, 127
]);

/** Version 1.0 padded to 16 bytes with no growth room, as NumPy < 1.16 wrote: 10 + 59 + 10 + 1 = 80. */
const FLOAT32_FIXTURE = Uint8Array.from([
  ...MAGIC,
  0x01,
  0x00,
  0x46,
  0x00, // header length 70
  ...ascii("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }" + ' '.repeat(10) + '\n'),
  0x00,
  0x00,
  0x80,
  0x3f, // 1
  0x00,
  0x00,
  0x00,
  0xc0, // -2
  0x00,
  0x00,
  0x00,
  0x3f, // 0.5
  0x00,
  0x00,
  0x50,
  0x40, // 3.25
]);

describe('decodeNpy on hand-made files', () => {
  it('reads an int8 vector', () => {
    expect(INT8_FIXTURE.length).toBe(128 + 5);
    const array = decoded(decodeNpy(INT8_FIXTURE));
    expect(array.dtype).toBe('int8');
    expect(array.shape).toEqual([5]);
    expect(array.data).toBeInstanceOf(Int8Array);
    expect(Array.from(array.data)).toEqual([1, -2, 3, -4, 127]);
  });

  it('writes the int8 vector byte for byte', () => {
    expect(encodeNpy({ dtype: 'int8', shape: [5], data: [1, -2, 3, -4, 127] })).toEqual(INT8_FIXTURE);
  });

  it('reads a float32 matrix with an older, 16-byte aligned header', () => {
    const array = decoded(decodeNpy(FLOAT32_FIXTURE));
    expect(array.dtype).toBe('float32');
    expect(array.shape).toEqual([2, 2]);
    expect(array.data).toBeInstanceOf(Float32Array);
    expect(Array.from(array.data)).toEqual([1, -2, 0.5, 3.25]);
  });

  it('reads the same header in versions 2.0 and 3.0 (uint32 header length; 3.0 is UTF-8)', () => {
    const data = FLOAT32_FIXTURE.subarray(80);
    for (const major of [2, 3]) {
      const array = decoded(decodeNpy(npyFile(dict('<f4', '(2, 2)'), data, major)));
      expect(Array.from(array.data)).toEqual([1, -2, 0.5, 3.25]);
    }
  });

  it('accepts the descr spellings NumPy accepts for the same dtype', () => {
    for (const descr of ['|i1', 'i1', '<i1', '=i1', '>i1'])
      expect(decoded(decodeNpy(npyFile(dict(descr, '(1,)'), [0xff]))).dtype).toBe('int8');
    for (const descr of ['|u1', 'u1', '=u1'])
      expect(decoded(decodeNpy(npyFile(dict(descr, '(1,)'), [0xff]))).data[0]).toBe(255);
    for (const descr of ['<f4', '=f4', 'f4'])
      expect(decoded(decodeNpy(npyFile(dict(descr, '(1,)'), [0, 0, 0x80, 0x3f]))).data[0]).toBe(1);
  });

  it.each([
    ['>i2', [0x01, 0x02, 0xff, 0xfe], [0x0102, -2]],
    ['>i4', [0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfe], [0x01020304, -2]],
    ['>f2', [0x3c, 0x00, 0xc0, 0x00], [0x3c00, 0xc000]],
    ['>f4', [0x3f, 0x80, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00], [1, -2]],
    ['>f8', [0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0], [1, -2]],
  ])('byte-swaps big-endian %s', (descr, bytes, values) => {
    expect(Array.from(decoded(decodeNpy(npyFile(dict(descr, '(2,)'), bytes))).data)).toEqual(values);
  });

  it('transposes fortran_order data to C order', () => {
    // [[0, 1, 2], [3, 4, 5]] column by column.
    const columns = [0, 3, 1, 4, 2, 5].flatMap((x) => [x, 0, 0, 0]);
    const array = decoded(decodeNpy(npyFile(dict('<i4', '(2, 3)', 'True'), columns)));
    expect(array.shape).toEqual([2, 3]);
    expect(Array.from(array.data)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('transposes a 3-D fortran_order array, whose first axis varies fastest in the file', () => {
    const [d0, d1, d2] = [2, 3, 4];
    const fileOrder = new Array<number>(d0 * d1 * d2);
    for (let i = 0; i < d0; i++)
      for (let j = 0; j < d1; j++) for (let k = 0; k < d2; k++) fileOrder[i + d0 * (j + d1 * k)] = i * 100 + j * 10 + k;
    const expected = [];
    for (let i = 0; i < d0; i++)
      for (let j = 0; j < d1; j++) for (let k = 0; k < d2; k++) expected.push(i * 100 + j * 10 + k);
    const array = decoded(
      decodeNpy(
        npyFile(
          dict('<i2', '(2, 3, 4)', 'True'),
          fileOrder.flatMap((x) => [x & 0xff, x >> 8]),
        ),
      ),
    );
    expect(Array.from(array.data)).toEqual(expected);
  });

  it('reads Python 2 long integers, double quotes and loose whitespace', () => {
    const header = `{"descr":"<i2","fortran_order":False,"shape":(1L, 2L)}`;
    expect(decoded(decodeNpy(npyFile(header, [1, 0, 2, 0]))).shape).toEqual([1, 2]);
    expect(
      decoded(decodeNpy(npyFile(`\n { 'shape' : ( 2 , ) ,'fortran_order':True,'descr':'|u1' }  \n`, [7, 8]))).shape,
    ).toEqual([2]);
  });
});

describe('encodeNpy header', () => {
  /** Offset of the data: magic 6 + version 2 + length field + the header length it holds. */
  const dataOffset = (bytes: Uint8Array): number =>
    bytes[6] === 1
      ? 10 + bytes[8]! + 256 * bytes[9]!
      : 12 + bytes[8]! + 256 * bytes[9]! + 65536 * bytes[10]! + 16777216 * bytes[11]!;

  it('pads a (2, 3) float32 header as NumPy does: data at byte 128', () => {
    const bytes = encodeNpy({ dtype: 'float32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
    const dictText = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    // 10 + 59 + 20 growth spaces (21 - len('2')) = 89; 38 more spaces and '\n' reach 128.
    expect(dataOffset(bytes)).toBe(128);
    expect(dataOffset(bytes) % 64).toBe(0);
    expect(String.fromCharCode(...bytes.subarray(0, 128))).toBe(
      `\x93NUMPY\x01\x00\x76\x00${dictText}${' '.repeat(20 + 38)}\n`,
    );
    expect(bytes.length).toBe(128 + 24);
  });

  it('aligns the data to 64 bytes for every dtype and shape', () => {
    for (const dtype of DTYPES) {
      for (const shape of [...SHAPES, [123_456_789_012, 0], new Array<number>(40).fill(1)]) {
        const bytes = encodeNpy({ dtype, shape, data: new Array<number>(npyElementCount(shape)).fill(0) });
        expect(dataOffset(bytes) % 64).toBe(0);
        expect(bytes[dataOffset(bytes) - 1]).toBe(0x0a);
      }
    }
  });

  it('writes a scalar with no growth room', () => {
    const bytes = encodeNpy({ dtype: 'float64', shape: [], data: [2.5] });
    expect(String.fromCharCode(...bytes.subarray(10, 70))).toBe(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (), }     ",
    );
  });

  it('writes version 2.0 only when the header is too long for a uint16 length', () => {
    const v1 = encodeNpy({ dtype: 'int8', shape: new Array<number>(21_000).fill(1), data: [7] });
    expect([v1[6], v1[7]]).toEqual([1, 0]);
    const v2 = encodeNpy({ dtype: 'int8', shape: new Array<number>(22_000).fill(1), data: [7] });
    expect([v2[6], v2[7]]).toEqual([2, 0]);
    expect(dataOffset(v2) % 64).toBe(0);
    expect(dataOffset(v2)).toBeGreaterThan(65_535);
    const array = decoded(decodeNpy(v2));
    expect(array.shape.length).toBe(22_000);
    expect(Array.from(array.data)).toEqual([7]);
  });

  it('stores a Uint16Array as float16 bits and rounds other numbers to fp16', () => {
    const bits = Uint16Array.from([0x3c00, 0x7e01, 0x8000]);
    expect(Array.from(decoded(decodeNpy(encodeNpy({ dtype: 'float16', shape: [3], data: bits }))).data)).toEqual([
      0x3c00, 0x7e01, 0x8000,
    ]);
    const numbers = [1, 0.1, 65520, -0];
    const stored = decoded(decodeNpy(encodeNpy({ dtype: 'float16', shape: [4], data: numbers }))).data;
    expect(Array.from(stored)).toEqual([0x3c00, 0x2e66, 0x7c00, 0x8000]);
    expect(Array.from(stored, (b) => NUMBER_FORMATS.fp16.decode(b))).toEqual(
      numbers.map((x) => NUMBER_FORMATS.fp16.quantize(x)),
    );
  });

  it('converts numbers as the typed array of the dtype does', () => {
    const array = decoded(decodeNpy(encodeNpy({ dtype: 'int8', shape: [3], data: [300, -129, 2.9] })));
    expect(Array.from(array.data)).toEqual([44, 127, 2]);
  });

  it('throws on arguments that cannot describe an array', () => {
    expect(() => encodeNpy({ dtype: 'float32', shape: [2, 3], data: [1, 2] })).toThrow(
      'data has 2 elements, but shape (2, 3) needs 6',
    );
    expect(() => encodeNpy({ dtype: 'float32', shape: [-1], data: [] })).toThrow(
      'shape (-1,) must hold non-negative integers',
    );
    expect(() => encodeNpy({ dtype: 'float32', shape: [1.5], data: [1] })).toThrow(RangeError);
    expect(() => encodeNpy({ dtype: 'complex64' as NpyDtype, shape: [], data: [1] })).toThrow(
      "dtype 'complex64' is not supported",
    );
  });
});

describe('decodeNpy problems', () => {
  const SUPPORTED =
    "(supported: int8 '|i1', uint8 '|u1', int16 '<i2', int32 '<i4', float16 '<f2', float32 '<f4', float64 '<f8')";

  it('names the file, and defaults to array.npy', () => {
    expect(problems(decodeNpy(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00]), 'weights.npy'))).toBe(
      'weights.npy: does not start with the .npy magic string \\x93NUMPY (first bytes: 50 4b 03 04 14 00)',
    );
    expect(problems(decodeNpy(new Uint8Array(0)))).toBe(
      'array.npy: does not start with the .npy magic string \\x93NUMPY (first bytes: none)',
    );
  });

  it('rejects files cut short before the version or inside the header length', () => {
    expect(problems(decodeNpy(Uint8Array.from([...MAGIC, 1]), 'x.npy'))).toBe(
      'x.npy: file ends after 7 bytes, before the format version',
    );
    expect(problems(decodeNpy(Uint8Array.from([...MAGIC, 2, 0, 10, 0, 0]), 'x.npy'))).toBe(
      'x.npy: file ends after 11 bytes, inside the header length',
    );
  });

  it('rejects unknown format versions', () => {
    expect(problems(decodeNpy(Uint8Array.from([...MAGIC, 4, 0, 0, 0]), 'x.npy'))).toBe(
      'x.npy: format version 4.0 is not supported (supported: 1.0, 2.0, 3.0)',
    );
    expect(codes(decodeNpy(Uint8Array.from([...MAGIC, 1, 1, 0, 0])))).toEqual(['unsupported_version']);
  });

  it('rejects a header length that runs past the end of the file', () => {
    expect(problems(decodeNpy(INT8_FIXTURE.subarray(0, 100), 'x.npy'))).toBe(
      'x.npy: header length 118 runs past the end of the file (header ends at byte 128, file has 100 bytes)',
    );
  });

  it('rejects a version 3.0 header that is not UTF-8', () => {
    const bytes = npyFile(dict('<f4', '()'), [0, 0, 0, 0], 3);
    bytes[13] = 0xff;
    expect(problems(decodeNpy(bytes, 'x.npy'))).toBe('x.npy: header of a version 3.0 file is not valid UTF-8');
  });

  it.each([
    ["{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }", "expected ',' or '}' at character 16"],
    ["{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }", "expected ',' or '}' at character 17"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }", "expected ',' or ')' at character 52"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x", 'unexpected text after the dict at character 58'],
    ["{'descr': '<f4', 'fortran_order': false, 'shape': (2,), }", 'expected a value at character 34'],
    ["{'descr': '<f4', 5: False}", 'expected a string key at character 18'],
    ["{'descr': 'unterminated}", 'unterminated string at character 24'],
    [`{'shape': ${'('.repeat(40)}`, 'literal nested deeper than 32 levels at character 42'],
  ])('reports a header that does not parse: %s', (header, why) => {
    expect(problems(decodeNpy(npyFile(header), 'x.npy'))).toBe(
      `x.npy: header is not a Python dict literal (${why}): ${header}`,
    );
  });

  it('rejects a header that is not a dict', () => {
    expect(problems(decodeNpy(npyFile("['<f4', (2,)]"), 'x.npy'))).toBe(
      "x.npy: header is ['<f4', (2,)], not a dict with keys 'descr', 'fortran_order', 'shape'",
    );
  });

  it('reports missing and unknown keys together', () => {
    expect(problems(decodeNpy(npyFile("{'descr': '<f4', 'shape': (), 'order': 'C'}"), 'x.npy'))).toBe(
      [
        "x.npy: header has no 'fortran_order' key",
        "x.npy: header key 'order' is not one of 'descr', 'fortran_order', 'shape'",
      ].join('\n'),
    );
  });

  it('rejects unsupported, object, structured and subarray dtypes', () => {
    const descrProblem = (descr: string): string =>
      problems(decodeNpy(npyFile(`{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`), 'x.npy'));
    expect(descrProblem("'<c8'")).toBe(`x.npy: dtype '<c8' in 'descr' is not supported ${SUPPORTED}`);
    expect(descrProblem("'<i8'")).toBe(`x.npy: dtype '<i8' in 'descr' is not supported ${SUPPORTED}`);
    expect(descrProblem("'|O'")).toBe(
      `x.npy: dtype '|O' in 'descr' holds pickled Python objects, which are not supported ${SUPPORTED}`,
    );
    expect(descrProblem("[('x', '<f4'), ('y', '<i4')]")).toBe(
      `x.npy: dtype [('x', '<f4'), ('y', '<i4')] in 'descr' is a structured dtype, which is not supported ${SUPPORTED}`,
    );
    expect(descrProblem("('<f4', (2,))")).toBe(
      `x.npy: dtype ('<f4', (2,)) in 'descr' is a subarray dtype, which is not supported ${SUPPORTED}`,
    );
    expect(descrProblem('4')).toBe("x.npy: 'descr' must be a dtype string such as '<f4', got 4");
  });

  it('rejects a fortran_order that is not a bool', () => {
    expect(problems(decodeNpy(npyFile(dict('<f4', '(1,)', '0'), [0, 0, 0, 0]), 'x.npy'))).toBe(
      "x.npy: 'fortran_order' must be True or False, got 0",
    );
  });

  it.each([
    ['[2, 3]', "x.npy: 'shape' must be a tuple of integers such as (2, 3), got [2, 3]"],
    ['(2, -3)', "x.npy: 'shape' (2, -3) has the negative dimension -3"],
    ["(2, '3')", "x.npy: 'shape' (2, '3') must hold integers, got '3'"],
    ['(True,)', "x.npy: 'shape' (True,) must hold integers, got True"],
    [
      '(99999999999999999999,)',
      "x.npy: 'shape' (100000000000000000000,) has the dimension 100000000000000000000, above 2^53 - 1",
    ],
    ['3', "x.npy: 'shape' must be a tuple of integers such as (2, 3), got 3"],
  ])('rejects the shape %s', (shape, message) => {
    expect(problems(decodeNpy(npyFile(dict('<f4', shape)), 'x.npy'))).toBe(message);
  });

  it('reports every field problem at once', () => {
    expect(codes(decodeNpy(npyFile(dict('<c8', '(-1,)', 'None'))))).toEqual([
      'unsupported_dtype',
      'invalid_type',
      'too_small',
    ]);
  });

  it('rejects data shorter or longer than the shape needs', () => {
    const header = dict('<f4', '(2, 3)');
    expect(problems(decodeNpy(npyFile(header, new Array<number>(20).fill(0)), 'x.npy'))).toBe(
      'x.npy: data is 20 bytes, but shape (2, 3) of float32 needs 24 bytes (6 elements x 4 bytes)',
    );
    expect(codes(decodeNpy(npyFile(header, new Array<number>(25).fill(0))))).toEqual(['data_length']);
  });

  it('never throws on cut or corrupted bytes', () => {
    const rng = createRng(11);
    const good = encodeNpy({ dtype: 'int16', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
    for (let length = 0; length < good.length; length++) expect(decodeNpy(good.subarray(0, length)).ok).toBe(false);
    for (let trial = 0; trial < 2_000; trial++) {
      const bytes = good.slice();
      for (let flips = 1 + Math.floor(rng.next() * 4); flips > 0; flips--)
        bytes[Math.floor(rng.next() * bytes.length)] = Math.floor(rng.next() * 256);
      expect(() => decodeNpy(bytes)).not.toThrow();
    }
  });
});
