/**
 * Numbers with units in sweep specs: `1.2GHz`, `3TB/s`, `96GiB`, `858mm2`, `700W`. Decimal prefixes
 * (k, M, G, T, P) scale by 1e3 steps, binary ones (Ki, Mi, Gi, Ti) by 1024 (core/units), and the unit
 * must be one a ChipSpec field carries in its name; the value is returned in that base unit.
 */
import { GIB, KIB, MIB, TIB } from '../core/units.js';

const PREFIXES: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: KIB,
  Mi: MIB,
  Gi: GIB,
  Ti: TIB,
};
const UNITS = ['Hz', 'B/s', 'B', 'W', 'mm2', 'nm', 's', 'USD'] as const;

export const QUANTITY_PATTERN =
  /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*((?:[kMGTP]i?)?)(Hz|B\/s|B|W|mm2|nm|s|USD)$/;

/** The value of a plain number or a number with a unit, or undefined when the text is neither. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return Number(text);
  const match = QUANTITY_PATTERN.exec(text);
  if (!match) return undefined;
  const scale = PREFIXES[match[2]!];
  if (scale === undefined || (match[2]!.endsWith('i') && !match[3]!.startsWith('B'))) return undefined;
  return Number(match[1]) * scale;
}

export const QUANTITY_UNITS: readonly string[] = UNITS;
