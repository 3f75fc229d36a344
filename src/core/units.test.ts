import { describe, expect, it } from 'vitest';
import { formatReadable, formatReadableSI, formatSI, GIB, inGib } from './units.js';

describe('readable numbers', () => {
  it('give four significant digits with thousands separated, exponents at the extremes', () => {
    expect(formatReadable(1234567)).toBe('1,235,000');
    expect(formatReadable(0.012345)).toBe('0.01235');
    expect(formatReadable(97.345, 3)).toBe('97.3');
    expect(formatReadable(0)).toBe('0');
    expect(formatReadable(2e-5)).toBe('2.000e-5');
    expect(formatReadable(3e15)).toBe('3.000e+15');
    expect(formatReadable(NaN)).toBe('NaN');
  });

  it('take SI prefixes from k to P', () => {
    expect(formatReadableSI(1.2e12, 'B/s')).toBe('1.2 TB/s');
    expect(formatReadableSI(999)).toBe('999');
    expect(formatReadableSI(12, 'W')).toBe('12 W');
    expect(formatReadableSI(2e18, 'B')).toBe('2,000 PB');
    expect(formatSI(2e18, 'B')).toBe('2 EB');
  });
});

describe('inGib', () => {
  it("is the CLI commands' GiB figure: bytes / 2^30 with four significant digits, no unit", () => {
    expect(inGib(80 * GIB)).toBe('80');
    expect(inGib(1.5 * 2 ** 30)).toBe('1.5');
    expect(inGib(123_456_789_012)).toBe('115');
    expect(inGib(2 ** 29, 2)).toBe('0.5');
    expect(inGib(0)).toBe('0');
  });
});
