/**
 * The number formats a matrix unit reads and accumulates in, as a registry: each format declares its
 * width, range, rounding and how it accumulates, so no code switches on a format's name.
 *
 * Integers wrap in two's complement (an int32 accumulator overflows the way the hardware's adder does).
 * Floating formats are reached from fp32 with round-to-nearest-even; fp8 follows the OCP OFP8 v1.0 rules
 * (e4m3: no infinities, one NaN mantissa, max 448; e5m2: IEEE-style, max 57344).
 */
import { defineFloatFormat, roundHalfEven, type FloatConversionOptions, type FloatFormatMath } from './float-format.js';
import { unknownNameMessage } from './errors.js';

export const NUMBER_FORMAT_NAMES = [
  'int8',
  'uint8',
  'int16',
  'int32',
  'fp8-e4m3',
  'fp8-e5m2',
  'fp16',
  'bf16',
  'fp32',
] as const;
export type NumberFormatName = (typeof NUMBER_FORMAT_NAMES)[number];

export interface NumberFormat {
  readonly name: NumberFormatName;
  readonly kind: 'int' | 'float';
  readonly bits: number;
  readonly bytes: number;
  /** Smallest and largest finite values. */
  readonly min: number;
  readonly max: number;
  /** The accumulator format of a matrix unit reading this format; exact products, see README. */
  readonly accumulator: 'int32' | 'fp32';
  /** Nearest representable value: ints round half to even then wrap; floats round fp32(x) to nearest even. */
  quantize(x: number, options?: FloatConversionOptions): number;
  /** Bit pattern (as an unsigned integer) of quantize(x). */
  encode(x: number, options?: FloatConversionOptions): number;
  /** Value of a bit pattern. */
  decode(bits: number): number;
}

/** Two's-complement wrap of an integer to `bits` bits (bits <= 32). */
export function wrapSigned(x: number, bits: number): number {
  if (bits === 32) return x | 0;
  const shift = 32 - bits;
  return ((x | 0) << shift) >> shift;
}

/** Integer arithmetic wraps exactly for any safe integer, not only int32 inputs. */
function wrapSafeInteger(x: number, bits: number, signed: boolean): number {
  const modulus = 2 ** bits;
  let r = x % modulus;
  if (r < 0) r += modulus;
  if (signed && r >= modulus / 2) r -= modulus;
  return r === 0 ? 0 : r;
}

function defineInt(name: NumberFormatName, bits: number, signed: boolean): NumberFormat {
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const quantize = (x: number): number => {
    const r = roundHalfEven(x);
    // In range (the common case) nothing wraps; -0 becomes 0.
    if (r >= min && r <= max) return r === 0 ? 0 : r;
    return wrapSafeInteger(r, bits, signed);
  };
  return {
    name,
    kind: 'int',
    bits,
    bytes: bits / 8,
    min,
    max,
    accumulator: 'int32',
    quantize,
    encode: (x) => wrapSafeInteger(quantize(x), bits, false),
    decode: (b) => wrapSafeInteger(b, bits, signed),
  };
}

function defineFloat(name: NumberFormatName, bits: number, math: FloatFormatMath): NumberFormat {
  return {
    name,
    kind: 'float',
    bits,
    bytes: bits / 8,
    min: -math.maxFinite,
    max: math.maxFinite,
    accumulator: 'fp32',
    quantize: (x, options) => math.round(x, options),
    encode: (x, options) => math.encode(x, options),
    decode: (b) => math.decode(b),
  };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * bf16 is the top half of an fp32: for values that are already fp32 (nearly all, in practice), round
 * the dropped half to nearest even on the bits. Other values, NaN and explicit options take the
 * general path, which rounds from the exact value once.
 */
function withFastBf16(format: NumberFormat): NumberFormat {
  const general = format.quantize;
  return {
    ...format,
    quantize: (x, options) => {
      if (options !== undefined || Number.isNaN(x) || Math.fround(x) !== x) return general(x, options);
      f32[0] = x;
      const u = u32[0]!;
      u32[0] = (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
      return f32[0]!;
    },
  };
}

const fp32: NumberFormat = {
  name: 'fp32',
  kind: 'float',
  bits: 32,
  bytes: 4,
  min: -3.4028234663852886e38,
  max: 3.4028234663852886e38,
  accumulator: 'fp32',
  quantize: (x) => Math.fround(x),
  encode: (x) => {
    f32[0] = x;
    return u32[0]!;
  },
  decode: (b) => {
    u32[0] = b >>> 0;
    return f32[0]!;
  },
};

/** OCP fp8 converts saturating by default (as NVIDIA's and AMD's satfinite conversions do). */
export const FP8_E4M3 = defineFloatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'nan-only' }, true);
export const FP8_E5M2 = defineFloatFormat({ exponentBits: 5, mantissaBits: 2, specials: 'ieee' }, true);
export const FP16 = defineFloatFormat({ exponentBits: 5, mantissaBits: 10, specials: 'ieee' }, false);
export const BF16 = defineFloatFormat({ exponentBits: 8, mantissaBits: 7, specials: 'ieee' }, false);

export const NUMBER_FORMATS: Readonly<Record<NumberFormatName, NumberFormat>> = {
  int8: defineInt('int8', 8, true),
  uint8: defineInt('uint8', 8, false),
  int16: defineInt('int16', 16, true),
  int32: defineInt('int32', 32, true),
  'fp8-e4m3': defineFloat('fp8-e4m3', 8, FP8_E4M3),
  'fp8-e5m2': defineFloat('fp8-e5m2', 8, FP8_E5M2),
  fp16: defineFloat('fp16', 16, FP16),
  bf16: withFastBf16(defineFloat('bf16', 16, BF16)),
  fp32,
};

export function isNumberFormatName(name: string): name is NumberFormatName {
  return (NUMBER_FORMAT_NAMES as readonly string[]).includes(name);
}

export function getNumberFormat(name: string): NumberFormat {
  if (!isNumberFormatName(name)) throw new RangeError(unknownNameMessage('number format', name, NUMBER_FORMAT_NAMES));
  return NUMBER_FORMATS[name];
}

/** fp32 addition, exactly as an fp32 adder rounds (a double sum of two floats rounds correctly to fp32). */
export function addFp32(a: number, b: number): number {
  return Math.fround(a + b);
}

/** Wrapping int32 addition. */
export function addInt32(a: number, b: number): number {
  return (a + b) | 0;
}
