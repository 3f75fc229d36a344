/** `tpusim infer --slo-* --scheduler`: the capacity search simulates the scheduler asked for. */
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const base = ['infer', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '1', '--slo-tpot', '50ms', '--requests', '300'];

describe('tpusim infer --slo-tpot --scheduler', () => {
  it('defaults to chunked prefill and says so in JSON', async () => {
    const r = await tpusim(...base, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).scheduler).toBe('chunked');
  });

  it('simulates the continuous scheduler when asked, with another capacity', async () => {
    const chunked = JSON.parse((await tpusim(...base, '--json')).out);
    const r = await tpusim(...base, '--scheduler', 'continuous', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.scheduler).toBe('continuous');
    expect(j.feasible).toBe(true);
    expect(j.requestsPerS).not.toBe(chunked.requestsPerS);
    const text = await tpusim(...base, '--scheduler', 'static');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/batch slots, step budget \d+ tokens, static scheduler/);
  });

  it('passes the scheduler to --search', async () => {
    const r = await tpusim(...base, '--search', '--scheduler', 'continuous', '--top', '1', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).scheduler).toBe('continuous');
  });

  it('refuses an unknown scheduler with the choices, exit 2', async () => {
    const r = await tpusim(...base, '--scheduler', 'orca');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--scheduler/);
    expect(r.err).toMatch(/orca/);
    expect(r.err).toMatch(/chunked/);
  });
});
