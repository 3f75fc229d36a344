import { describe, expect, it } from 'vitest';
import { NUMBER_FORMATS, getNumberFormat, wrapSigned, addFp32 } from './number-formats.js';
import { createRng } from './rng.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const fromBits = (bits: number): number => {
  u32[0] = bits >>> 0;
  return f32[0]!;
};
const hex = (n: number): string => `0x${n.toString(16)}`;

describe('bf16', () => {
  const bf16 = NUMBER_FORMATS.bf16;
  it.each([
    [0x3f800000, 0x3f80, 'one'],
    [0x3f808000, 0x3f80, 'tie rounds to even (down)'],
    [0x3f818000, 0x3f82, 'tie rounds to even (up)'],
    [0x3f808001, 0x3f81, 'just above the tie'],
    [0x7f7fffff, 0x7f80, 'fp32 max overflows to +Inf'],
    [0x00010000, 0x0001, 'subnormal'],
    [0x00018000, 0x0002, 'subnormal tie to even'],
    [0x00008000, 0x0000, 'smallest subnormal tie to zero'],
    [0x80000000, 0x8000, 'negative zero'],
    [0x7f800000, 0x7f80, '+Inf'],
    [0xff800000, 0xff80, '-Inf'],
    [0x7fc00000, 0x7fc0, 'NaN'],
  ])('encodes fp32 %s as %s (%s)', (input, expected) => {
    expect(hex(bf16.encode(fromBits(input)))).toBe(hex(expected));
  });

  it('matches the bit-twiddling round-to-nearest-even on 100k random fp32 patterns', () => {
    const rng = createRng(7);
    for (let i = 0; i < 100_000; i++) {
      const bits = (rng.next() * 2 ** 32) >>> 0;
      const x = fromBits(bits);
      if (Number.isNaN(x)) continue;
      const expected = ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
      expect(bf16.encode(x)).toBe(expected);
    }
  });
});

describe('fp16', () => {
  const fp16 = NUMBER_FORMATS.fp16;
  it.each([
    [1, 0x3c00],
    [65504, 0x7bff],
    [65519, 0x7bff],
    [65520, 0x7c00],
    [2 ** -24, 0x0001],
    [2 ** -25, 0x0000],
    [3 * 2 ** -26, 0x0001],
    [0.1, 0x2e66],
    [-0, 0x8000],
    [-Infinity, 0xfc00],
    [NaN, 0x7e00],
  ])('encodes %s as %s', (x, expected) => {
    expect(hex(fp16.encode(x))).toBe(hex(expected));
  });
});

describe('fp8 e4m3 (OCP)', () => {
  const e4m3 = NUMBER_FORMATS['fp8-e4m3'];
  it('has the OCP range', () => {
    expect(e4m3.max).toBe(448);
    expect(e4m3.decode(0x01)).toBe(2 ** -9);
    expect(e4m3.decode(0x08)).toBe(2 ** -6);
  });
  it.each([
    [1, 0x38],
    [448, 0x7e],
    [464, 0x7e],
    [465, 0x7e],
    [-1e6, 0xfe],
    [Infinity, 0x7e],
    [2 ** -9, 0x01],
    [2 ** -10, 0x00],
    [-(2 ** -10), 0x80],
    [1.5 * 2 ** -9, 0x02],
    [NaN, 0x7f],
  ])('encodes %s as %s (saturating)', (x, expected) => {
    expect(hex(e4m3.encode(x))).toBe(hex(expected));
  });
  it('overflows to NaN without saturation', () => {
    expect(e4m3.encode(465, { saturate: false })).toBe(0x7f);
    expect(e4m3.encode(-Infinity, { saturate: false })).toBe(0xff);
    expect(e4m3.encode(464, { saturate: false })).toBe(0x7e);
  });
  it('decodes the two NaN patterns and negative zero', () => {
    expect(e4m3.decode(0x7f)).toBeNaN();
    expect(e4m3.decode(0xff)).toBeNaN();
    expect(Object.is(e4m3.decode(0x80), -0)).toBe(true);
    expect(e4m3.decode(0x78)).toBe(256);
  });
});

describe('fp8 e5m2 (OCP)', () => {
  const e5m2 = NUMBER_FORMATS['fp8-e5m2'];
  it.each([
    [1, 0x3c],
    [57344, 0x7b],
    [61440, 0x7b],
    [Infinity, 0x7b],
    [2 ** -16, 0x01],
    [NaN, 0x7e],
  ])('encodes %s as %s (saturating)', (x, expected) => {
    expect(hex(e5m2.encode(x))).toBe(hex(expected));
  });
  it('keeps infinities without saturation', () => {
    expect(e5m2.encode(61440, { saturate: false })).toBe(0x7c);
    expect(e5m2.encode(Infinity, { saturate: false })).toBe(0x7c);
    expect(e5m2.encode(-Infinity, { saturate: false })).toBe(0xfc);
    expect(e5m2.decode(0x7c)).toBe(Infinity);
    expect(e5m2.decode(0x7d)).toBeNaN();
  });
});

describe('every bit pattern round-trips', () => {
  it.each(['fp8-e4m3', 'fp8-e5m2', 'bf16', 'fp16', 'int8', 'uint8', 'int16'] as const)('%s', (name) => {
    const format = getNumberFormat(name);
    for (let bits = 0; bits < 2 ** format.bits; bits++) {
      const value = format.decode(bits);
      if (Number.isNaN(value)) continue;
      expect(format.encode(value, { saturate: false })).toBe(bits);
      expect(Object.is(format.quantize(value, { saturate: false }), value)).toBe(true);
    }
  });
});

describe('integers', () => {
  it("wraps in two's complement", () => {
    expect(NUMBER_FORMATS.int8.quantize(128)).toBe(-128);
    expect(NUMBER_FORMATS.int8.quantize(-129)).toBe(127);
    expect(NUMBER_FORMATS.uint8.quantize(256)).toBe(0);
    expect(NUMBER_FORMATS.int16.quantize(40000)).toBe(40000 - 65536);
    expect(NUMBER_FORMATS.int32.quantize(2 ** 31)).toBe(-(2 ** 31));
    expect(NUMBER_FORMATS.int32.quantize(2 ** 40 + 5)).toBe(5);
    expect(wrapSigned(0x1ff, 8)).toBe(-1);
    expect(NUMBER_FORMATS.int8.encode(-1)).toBe(0xff);
  });
  it('rounds half to even before wrapping', () => {
    expect(NUMBER_FORMATS.int8.quantize(2.5)).toBe(2);
    expect(NUMBER_FORMATS.int8.quantize(3.5)).toBe(4);
    expect(NUMBER_FORMATS.int8.quantize(-2.5)).toBe(-2);
  });
});

describe('fp32 accumulation', () => {
  it('rounds each sum to fp32', () => {
    expect(addFp32(1, 2 ** -24)).toBe(1);
    expect(addFp32(1, 2 ** -23)).toBe(1 + 2 ** -23);
    expect(addFp32(1, 3 * 2 ** -25)).toBe(1 + 2 ** -23);
    expect(addFp32(3.4028234663852886e38, 3.4028234663852886e38)).toBe(Infinity);
  });
});

describe('bf16 fast path', () => {
  it('rounds fp32 values exactly as the general conversion does', () => {
    const bf16 = NUMBER_FORMATS.bf16;
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    const patterns = [
      0, 0x80000000, 0x00000001, 0x00008000, 0x00018000, 0x3f808000, 0x3f818000, 0x3f807fff, 0x7f7fffff, 0x7f7f8000,
      0xff7f8000, 0x7f800000, 0xff800000, 0x00ffffff, 0x3f800001,
    ];
    let state = 12345;
    for (let i = 0; i < 20000; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      patterns.push(state);
    }
    for (const p of patterns) {
      u32[0] = p;
      const x = f32[0]!;
      if (Number.isNaN(x)) continue;
      expect(Object.is(bf16.quantize(x), bf16.quantize(x, {})), `bits 0x${p.toString(16)}`).toBe(true);
    }
  });
});
