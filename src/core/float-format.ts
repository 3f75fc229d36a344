/**
 * Binary floating-point formats narrower than fp32 (bf16, fp16, OCP fp8 e4m3/e5m2), described by their
 * field widths, converted from fp32 with round-to-nearest-even, and encoded to / decoded from bit patterns.
 */

export interface FloatLayout {
  readonly exponentBits: number;
  readonly mantissaBits: number;
  /** IEEE-style: the all-ones exponent holds Inf and NaN. OCP e4m3 has no Inf and one NaN mantissa. */
  readonly specials: 'ieee' | 'nan-only';
}

export interface FloatConversionOptions {
  /**
   * Overflow behaviour (OCP OFP8 v1.0 section 5): saturating mode clamps finite overflow and infinities to
   * the largest finite value; non-saturating mode gives Inf where the format has one, NaN otherwise.
   * bf16 and fp16 follow IEEE 754 and are never saturated unless asked.
   */
  readonly saturate?: boolean;
}

export interface FloatFormatMath {
  readonly layout: FloatLayout;
  readonly bias: number;
  readonly maxFinite: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  /** Rounds fp32(x) to the nearest representable value (ties to even) and returns it as a number. */
  round(x: number, options?: FloatConversionOptions): number;
  /** The bit pattern of round(x). NaN encodes as the format's canonical quiet NaN with x's sign. */
  encode(x: number, options?: FloatConversionOptions): number;
  /** The value of a bit pattern (all patterns are defined). */
  decode(bits: number): number;
}

const scratch = new DataView(new ArrayBuffer(8));

/** Unbiased binary exponent of a finite non-zero double: floor(log2(|x|)), exactly. */
function exponentOf(x: number): number {
  scratch.setFloat64(0, x);
  const biased = (scratch.getUint16(0) >> 4) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  return Math.floor(Math.log2(Math.abs(x))); // double subnormal: unreachable from fp32 inputs
}

/** Round to the nearest integer, ties to even. */
export function roundHalfEven(r: number): number {
  const f = Math.floor(r);
  const diff = r - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function defineFloatFormat(layout: FloatLayout, defaultSaturate: boolean): FloatFormatMath {
  const { exponentBits, mantissaBits, specials } = layout;
  const bias = 2 ** (exponentBits - 1) - 1;
  const maxBiased = 2 ** exponentBits - 1;
  // Largest finite: IEEE formats reserve the top exponent; nan-only formats reserve only mantissa all-ones.
  const maxFinite =
    specials === 'ieee'
      ? 2 ** (maxBiased - 1 - bias) * (2 - 2 ** -mantissaBits)
      : 2 ** (maxBiased - bias) * (2 - 2 * 2 ** -mantissaBits);
  const minExponent = 1 - bias;
  const minNormal = 2 ** minExponent;
  const minSubnormal = 2 ** (minExponent - mantissaBits);
  const signBit = 2 ** (exponentBits + mantissaBits);
  const nanBits = specials === 'ieee' ? (maxBiased << mantissaBits) | (1 << (mantissaBits - 1)) : signBit - 1;
  const infBits = maxBiased << mantissaBits;

  const overflow = (negative: boolean, saturate: boolean): number => {
    if (saturate) return negative ? -maxFinite : maxFinite;
    if (specials === 'ieee') return negative ? -Infinity : Infinity;
    return NaN;
  };

  const round = (x: number, options: FloatConversionOptions = {}): number => {
    const saturate = options.saturate ?? defaultSaturate;
    const v = Math.fround(x);
    if (Number.isNaN(v)) return NaN;
    if (v === 0) return v;
    const negative = v < 0;
    const magnitude = Math.abs(v);
    if (magnitude === Infinity) return overflow(negative, saturate);
    const exponent = Math.max(exponentOf(magnitude), minExponent);
    const quantum = 2 ** (exponent - mantissaBits);
    const rounded = roundHalfEven(magnitude / quantum) * quantum;
    if (rounded > maxFinite) return overflow(negative, saturate);
    return negative ? -rounded : rounded;
  };

  const encode = (x: number, options: FloatConversionOptions = {}): number => {
    const negative = x < 0 || Object.is(x, -0) || (Number.isNaN(x) && signOfNaN(x));
    const value = round(x, options);
    const sign = negative ? signBit : 0;
    if (Number.isNaN(value)) return sign | nanBits;
    const magnitude = Math.abs(value);
    if (magnitude === Infinity) return sign | infBits;
    if (magnitude === 0) return sign;
    if (magnitude < minNormal) return sign | Math.round(magnitude / minSubnormal);
    const exponent = exponentOf(magnitude);
    const mantissa = Math.round((magnitude / 2 ** exponent - 1) * 2 ** mantissaBits);
    return sign | ((exponent + bias) << mantissaBits) | mantissa;
  };

  const decode = (bits: number): number => {
    const negative = (bits & signBit) !== 0;
    const biased = (bits >> mantissaBits) & maxBiased;
    const mantissa = bits & ((1 << mantissaBits) - 1);
    let value: number;
    if (biased === maxBiased && specials === 'ieee') {
      value = mantissa === 0 ? Infinity : NaN;
    } else if (biased === maxBiased && mantissa === (1 << mantissaBits) - 1) {
      value = NaN;
    } else if (biased === 0) {
      value = mantissa * minSubnormal;
    } else {
      value = 2 ** (biased - bias) * (1 + mantissa / 2 ** mantissaBits);
    }
    return negative ? -value : value;
  };

  return { layout, bias, maxFinite, minNormal, minSubnormal, round, encode, decode };
}

/** JavaScript keeps a NaN's sign bit when it comes from a typed array; read it the same way. */
function signOfNaN(x: number): boolean {
  scratch.setFloat64(0, x);
  return (scratch.getUint8(0) & 0x80) !== 0;
}
