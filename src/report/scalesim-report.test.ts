import { describe, expect, it } from 'vitest';
import { pythonFloat } from './scalesim-report.js';

describe("Python's float formatting", () => {
  it.each([
    [100, '100.0'],
    [94.53125, '94.53125'],
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [123456789012345.6, '123456789012345.6'],
    [0, '0.0'],
    [NaN, 'nan'],
  ])('%s prints as %s', (x, text) => {
    expect(pythonFloat(x)).toBe(text);
  });
});
