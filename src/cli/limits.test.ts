import { describe, expect, it } from 'vitest';
import { checkWork, DEFAULT_LIMITS, readLimits, servingWork } from './limits.js';

describe('work limits', () => {
  it('reads --max-memory and --max-time with units, and defaults to 4 GB and 60 s', () => {
    expect(readLimits({})).toEqual(DEFAULT_LIMITS);
    expect(readLimits({ 'max-memory': '64GB', 'max-time': '10m' })).toEqual({ maxMemoryBytes: 64e9, maxSeconds: 600 });
    expect(readLimits({ 'max-memory': '1.5 GiB', 'max-time': '2h' })).toEqual({
      maxMemoryBytes: 1.5 * 2 ** 30,
      maxSeconds: 7200,
    });
    expect(readLimits({ 'max-memory': '1e12', 'max-time': '90' })).toEqual({ maxMemoryBytes: 1e12, maxSeconds: 90 });
    expect(() => readLimits({ 'max-memory': '0' })).toThrow("--max-memory must be a positive amount like 8GB, got '0'");
    expect(() => readLimits({ 'max-time': '5 days' })).toThrow(
      "--max-time must be a positive amount like 600 or 10m, got '5 days'",
    );
  });

  it('refuses an estimate above a limit, naming the estimate, the limit and a flag value that admits it', () => {
    const limits = { maxMemoryBytes: 4e9, maxSeconds: 60 };
    expect(() => checkWork({ what: '3 folds', bytes: 38e9, seconds: 1 }, limits)).toThrow(
      'this run would allocate about 38 GB (3 folds), above the limit of 4 GB; raise it with --max-memory 50GB ' +
        'if the machine has the memory',
    );
    expect(() => checkWork({ what: 'x', bytes: 1, seconds: 1260 }, limits)).toThrow(
      'this run would take about 21 min (x), above the limit of 60 s; raise it with --max-time 2000s',
    );
    expect(() => checkWork({ what: 'x', bytes: Infinity, seconds: 1 }, limits)).toThrow(
      'would allocate about unbounded memory (x), above the limit of 4 GB',
    );
    expect(() => checkWork({ what: 'x', bytes: NaN, seconds: 1 }, limits)).toThrow(/above the limit/);
    expect(() => checkWork({ what: 'x', bytes: 4e9, seconds: 60 }, limits)).not.toThrow();
  });

  it('counts the serving simulation in iterations of the batch it will hold', () => {
    const lowRate = servingWork({ requests: 1e6, rate: 0.5, outputTokens: 256, maxBatch: 256, requestSeconds: 2 });
    const highRate = servingWork({ requests: 1e6, rate: 1000, outputTokens: 256, maxBatch: 256, requestSeconds: 2 });
    expect(lowRate.what).toContain('about 1 at a time: 2.56e+8 iterations');
    expect(highRate.what).toContain('about 256 at a time: 1.00e+6 iterations');
    expect(lowRate.seconds).toBeGreaterThan(DEFAULT_LIMITS.maxSeconds);
    expect(highRate.seconds).toBeLessThan(DEFAULT_LIMITS.maxSeconds);
  });
});
