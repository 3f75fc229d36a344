/** `infer --slo-tbt`: the limit on every gap between two tokens (Sarathi-Serve's P99 TBT) as a user meets it. */
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const base = ['infer', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '1', '--requests', '300'];

describe('tpusim infer --slo-tbt', () => {
  it('refuses a bad value with exit 2, naming the flag, the value and the limit', async () => {
    for (const bad of ['0', '-5ms', 'fast', '2days', '100000s']) {
      const r = await tpusim(...base, '--slo-tbt', bad);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--slo-tbt');
      expect(r.err).toContain(`'${bad}'`);
      expect(r.err).toContain('86400 s');
      expect(r.out).toBe('');
    }
  });

  it('answers capacity alone, with TBT percentiles beside TTFT and TPOT in JSON and the SLO echoed', async () => {
    const r = await tpusim(...base, '--slo-tbt', '100ms', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.slo.tbtS).toBeCloseTo(0.1, 12);
    expect(j.feasible).toBe(true);
    expect(Object.keys(j.tbtS).sort()).toEqual(Object.keys(j.tpotS).sort());
    expect(j.tbtS.p99).toBeLessThanOrEqual(0.1);
    expect(j.tbtS.max).toBeGreaterThanOrEqual(j.tbtS.p99);
    expect(j.tbtS.p99).toBeGreaterThanOrEqual(j.tbtS.p50);
    expect(j.tbtS.p50).toBeGreaterThan(0);
  });

  it('binds: a TBT SLO just below the unconstrained p99 TBT lowers the capacity, and the text names it', async () => {
    const free = JSON.parse((await tpusim(...base, '--slo-tpot', '50ms', '--json')).out);
    expect(free.slo.tbtS).toBeUndefined();
    const limit = `${(free.tbtS.p99 * 0.8 * 1e3).toFixed(3)}ms`;
    const held = await tpusim(...base, '--slo-tpot', '50ms', '--slo-tbt', limit, '--json');
    const j = JSON.parse(held.out);
    if (j.feasible) {
      expect(j.requestsPerS).toBeLessThan(free.requestsPerS);
      expect(j.tbtS.p99).toBeLessThanOrEqual(free.tbtS.p99 * 0.8);
    } else expect(j.reasons.join(' ')).toMatch(/TBT/);
    const text = await tpusim(...base, '--slo-tpot', '50ms', '--slo-tbt', limit);
    expect(text.out).toContain(`p99 TBT <= `);
    expect(text.out).toMatch(/TBT p50\/p90\/p99 /);
  });
});
