/**
 * Units and conversions. Quantities carry their unit in their name (`clockHz`, `sizeBytes`,
 * `bandwidthBytesPerS`); these constants are the only place where scale factors live.
 */
export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;
export const TIB = 1024 * GIB;

export const KB = 1e3;
export const MB = 1e6;
export const GB = 1e9;
export const TB = 1e12;

export const KHZ = 1e3;
export const MHZ = 1e6;
export const GHZ = 1e9;

export const SECONDS_PER_HOUR = 3600;
export const HOURS_PER_DAY = 24;
export const SECONDS_PER_DAY = SECONDS_PER_HOUR * HOURS_PER_DAY;
/** A 365-day year, as TCO and fab planning count it. */
export const HOURS_PER_YEAR = 365 * HOURS_PER_DAY;

/** Operations per multiply-accumulate: a MAC is 2 ops (one multiply, one add) everywhere in tpusim. */
export const OPS_PER_MAC = 2;

export function cyclesToSeconds(cycles: number, clockHz: number): number {
  return cycles / clockHz;
}

export function secondsToCycles(seconds: number, clockHz: number): number {
  return seconds * clockHz;
}

/** Bytes per cycle that a link of `bandwidthBytesPerS` moves at `clockHz`. */
export function bytesPerCycle(bandwidthBytesPerS: number, clockHz: number): number {
  return bandwidthBytesPerS / clockHz;
}

const SI_PREFIXES: ReadonlyArray<readonly [number, string]> = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** `formatSI(91.75e12, 'OPS/s')` -> `91.75 TOPS/s`. Deterministic, 4 significant digits. */
export function formatSI(value: number, unit: string, digits = 4): string {
  const magnitude = Math.abs(value);
  for (const [scale, prefix] of SI_PREFIXES) {
    if (magnitude >= scale) return `${trimNumber(value / scale, digits)} ${prefix}${unit}`;
  }
  return `${trimNumber(value, digits)} ${unit}`;
}

const BINARY_PREFIXES: ReadonlyArray<readonly [number, string]> = [
  [TIB, 'TiB'],
  [GIB, 'GiB'],
  [MIB, 'MiB'],
  [KIB, 'KiB'],
];

/** `formatBytes(25165824)` -> `24 MiB`. */
export function formatBytes(bytes: number, digits = 4): string {
  for (const [scale, unit] of BINARY_PREFIXES) {
    if (Math.abs(bytes) >= scale) return `${trimNumber(bytes / scale, digits)} ${unit}`;
  }
  return `${trimNumber(bytes, digits)} B`;
}

/** A number with at most `digits` significant digits and no trailing zeros. */
export function trimNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 10 ** digits) return String(value);
  const text = Number(value.toPrecision(digits)).toString();
  return text;
}

/** Bytes in GiB, `trimNumber`ed, for text that names the unit itself: `inGib(1.5 * GIB)` -> `1.5`. */
export function inGib(bytes: number, digits = 4): string {
  return trimNumber(bytes / GIB, digits);
}

/** One formatter for every readable number: building one per call (toLocaleString) costs tens of microseconds. */
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });

/**
 * Numbers as a person reads them (the UI's and the charts' labels): `digits` significant digits, thousands separated.
 */
export function formatReadable(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15 || magnitude < 1e-4) return value.toExponential(digits - 1);
  return GROUPED.format(Number(value.toPrecision(digits)));
}

/** A person's prefixes stop at peta. */
const READABLE_PREFIXES = SI_PREFIXES.filter(([scale]) => scale <= 1e15);

/** `formatReadableSI(1.5e12, 'B/s')` -> `1.5 TB/s`: k to P prefixes over `formatReadable`. */
export function formatReadableSI(value: number, unit = ''): string {
  for (const [scale, prefix] of READABLE_PREFIXES)
    if (Math.abs(value) >= scale) return `${formatReadable(value / scale)} ${prefix}${unit}`;
  return `${formatReadable(value)} ${unit}`.trim();
}
