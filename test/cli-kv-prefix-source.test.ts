import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const base = ['infer', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '1', '--prompt', '8000', '--output', '1'];
const json = async (...extra: string[]): Promise<Record<string, any>> => {
  const r = await tpusim(...base, ...extra, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
};

describe('tpusim infer --prefix-source', () => {
  it('host: the cached share is copied over the host link inside TTFT (7,920 x 131,072 B at 52.5 GB/s)', async () => {
    const hbm = await json('--prefix-hit-rate', '0.99');
    const host = await json('--prefix-hit-rate', '0.99', '--prefix-source', 'host');
    expect(host.kvCache).toEqual({ prefixHitRate: 0.99, prefixSource: 'host' });
    // One copy (no --kv-block): the H100 preset's 3.5 us DMA setup plus the bytes at its sustained 52.5 GB/s.
    const restoreS = (7920 * 131072) / 52.5e9 + 3.5e-6;
    expect(host.prefixRestoreS).toBeCloseTo(restoreS, 12);
    expect(host.ttftS - hbm.ttftS).toBeCloseTo(restoreS, 12);
    expect(hbm.prefixRestoreS).toBeUndefined();
    const text = await tpusim(...base, '--prefix-hit-rate', '0.99', '--prefix-source', 'host');
    expect(text.out).toMatch(/prefix from host memory: .* copied over the host link in 19\.78 ms/);
  });

  it('a bad source, or a source without --prefix-hit-rate, is a usage error naming the flag', async () => {
    const bad = await tpusim(...base, '--prefix-hit-rate', '0.5', '--prefix-source', 'disk');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--prefix-source must be one of hbm, host, got 'disk'/);
    const alone = await tpusim(...base, '--prefix-source', 'host');
    expect(alone.code).toBe(2);
    expect(alone.err).toMatch(/--prefix-source host needs --prefix-hit-rate/);
  });
});
