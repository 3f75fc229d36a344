/**
 * Numbers written as text (command-line flags, assembly operands, key=value lists): one parser, so every
 * surface accepts and refuses the same spellings. Decimal and exponent notation only; `NaN`, `Infinity`,
 * hex, empty strings and values that overflow a double (`1e999`) are not numbers.
 */

/** The number `text` spells, or undefined when it is not a finite decimal number. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return undefined;
  const x = Number(t);
  return Number.isFinite(x) ? x : undefined;
}

/** Why `text` is not a finite decimal number: empty, overflowing, or not a number at all. */
export function whyNotDecimal(text: string): string {
  const t = text.trim();
  if (t === '') return 'an empty string is not a number';
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return `'${text}' overflows: it is not a finite number`;
  return `'${text}' is not a number`;
}

/** The index of the first NaN or infinite value, or -1 when all are finite. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/**
 * Why a tensor's values cannot be used as an input: its first NaN or infinite element, by flat index and
 * by coordinates in `shape` (row-major); undefined when every value is finite.
 */
export function nonFiniteProblem(
  tensor: string,
  values: ArrayLike<number>,
  shape: readonly number[],
): string | undefined {
  const at = firstNonFinite(values);
  if (at < 0) return undefined;
  const coordinates: number[] = [];
  let rest = at;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    coordinates.unshift(size > 0 ? rest % size : 0);
    rest = size > 0 ? Math.floor(rest / size) : 0;
  }
  const where = shape.length > 1 ? ` (at [${coordinates.join(', ')}])` : '';
  return `input '${tensor}': element ${at}${where} is ${values[at]}; inputs must be finite numbers`;
}
