import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const base = [
  'infer',
  'llama3-70b',
  '--chip',
  'h100-sxm',
  '--system',
  'dgx-h100',
  '--chips',
  '8',
  '--prompt',
  '2048',
  '--output',
  '256',
];
const json = async (...extra: string[]): Promise<Record<string, any>> => {
  const r = await tpusim(...base, ...extra, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
};

describe('tpusim infer: serving-technique flags', () => {
  it(
    '--kv-dtype fp8 halves kvCacheBytes and raises maxBatch; memory { weights, kv, activations } in ' + 'the JSON',
    async () => {
      const bf16 = await json('--batch', '16');
      const fp8 = await json('--batch', '16', '--kv-dtype', 'fp8');
      expect(fp8.kvCacheBytes).toBe(bf16.kvCacheBytes / 2);
      expect(fp8.maxBatch).toBeGreaterThanOrEqual(2 * bf16.maxBatch);
      expect(Object.keys(fp8.memory).sort()).toEqual(['activations', 'kv', 'weights']);
      expect(fp8.memory.kv).toBe(bf16.memory.kv / 2);
      expect(fp8.quantization).toMatchObject({ kvDtype: 'fp8', kvBytes: 1 });
    },
  );

  it(
    '--weight-dtype int4 stores weights at 0.5 + 2/128 bytes; a format the chip lacks in its matrix ' +
      'units is refused with the reason',
    async () => {
      const w4 = await json('--weight-dtype', 'int4', '--weight-group-size', '128');
      expect(w4.quantization).toMatchObject({ mode: 'weight-only', weightBytes: 0.515625, gemmFormat: 'bf16' });
      const r = await tpusim('infer', 'llama3-70b', '--chip', 'tpu-v4', '--chips', '8', '--activation-dtype', 'fp8');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/activation dtype fp8: tpu-v4's matrix units multiply bf16, int8, not fp8/);
      const bad = await tpusim(...base, '--kv-dtype', 'fp3');
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/--kv-dtype/);
    },
  );

  it('speculative decoding: 4 draft tokens at acceptance 0.8 give 3.3616 tokens per step', async () => {
    const spec = await json('--draft-tokens', '4', '--acceptance', '0.8', '--draft', 'llama3-8b');
    expect(spec.speculative.tokensPerStep).toBeCloseTo(3.3616, 12);
    expect(spec.speculative.draftModel).toBe('llama3-8b');
    const plain = await json();
    expect(spec.tpotS).toBeLessThan(plain.tpotS);
    const half = await tpusim(...base, '--draft-tokens', '4');
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/needs both --draft-tokens and --acceptance/);
  });

  it('paged KV, prefix caching and offload flags reach the JSON; bad values name the flag and the limit', async () => {
    const j = await json('--kv-block', '16', '--prefix-hit-rate', '0.5', '--kv-offload-gib', '64');
    expect(j.kvCache).toEqual({ blockTokens: 16, prefixHitRate: 0.5, hostBytesPerChip: 64 * 2 ** 30 });
    const plain = await json();
    expect(j.ttftS).toBeLessThan(plain.ttftS);
    const bad = await tpusim(...base, '--prefix-hit-rate', '1.5');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--prefix-hit-rate/);
  });

  it(
    '--scheduler and --chunk choose the steady state and the simulation; disaggregated pools report ' +
      'the KV transfer inside TTFT',
    async () => {
      const s = await json('--scheduler', 'static', '--batch', '8');
      expect(s.scheduler).toBe('static');
      expect(s.steadyState.tokensPerS).toBeCloseTo(s.tokensPerS, 9);
      const d = await json('--prefill-chips', '8', '--decode-chips', '8', '--decode-batch', '32');
      expect(d.disaggregated.kvTransferS).toBeGreaterThan(0);
      expect(d.disaggregated.ttftS).toBeGreaterThan(d.disaggregated.kvTransferS);
      expect(['prefill', 'decode']).toContain(d.disaggregated.bound);
      const text = await tpusim(...base, '--prefill-chips', '8', '--decode-chips', '8');
      expect(text.out).toMatch(/disaggregated: 8 prefill \+ 8 decode chips/);
      const one = await tpusim(...base, '--prefill-chips', '8');
      expect(one.code).toBe(2);
    },
  );

  it(
    '--dp replicas multiply the system rate; --attention-dp splits an MLA cache over the ranks; ' +
      '--expert-parallel is reported',
    async () => {
      const r = await tpusim(
        'infer',
        'llama3-70b',
        '--chip',
        'h100-sxm',
        '--system',
        'dgx-h100',
        '--chips',
        '16',
        '--dp',
        '2',
        '--json',
      );
      const j = JSON.parse(r.out);
      expect(j).toMatchObject({ tp: 8, pp: 1, replicas: 2 });
      expect(j.systemTokensPerS).toBeCloseTo(2 * j.tokensPerS, 9);
      const bad = await tpusim('infer', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '8', '--tp', '8', '--dp', '2');
      expect(bad.code).not.toBe(0);
      expect(bad.err).toMatch(/tp x pp x replicas = 8 x 1 x 2 = 16, not the 8 chips/);
      const ds = [
        'infer',
        'deepseek-v3',
        '--chip',
        'h200',
        '--system',
        'dgx-h100',
        '--chips',
        '8',
        '--weight-dtype',
        'fp8',
        '--prompt',
        '1024',
        '--output',
        '128',
        '--json',
      ];
      const tpAttention = JSON.parse((await tpusim(...ds)).out);
      const dpAttention = JSON.parse((await tpusim(...ds, '--attention-dp', '--expert-parallel')).out);
      expect(dpAttention).toMatchObject({ attentionDataParallel: true, expertParallel: true });
      expect(dpAttention.kvCacheBytes).toBeCloseTo(tpAttention.kvCacheBytes / 8, 0);
    },
  );

  it('a workload file (CSV or histogram) with a bad cell is refused naming its row and column', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-workload-'));
    writeFileSync(join(dir, 'bad.csv'), 'input,output\n5,x\n');
    const r = await tpusim(
      'infer',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '1',
      '--workload',
      join(dir, 'bad.csv'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/row 2\.output: "x" must be a whole number of tokens from 1 to 16777216/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ histogram: [{ input: 10, output: 5, count: 0 }] }));
    const h = await tpusim(
      'infer',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '1',
      '--workload',
      join(dir, 'bad.json'),
    );
    expect(h.code).toBe(1);
    expect(h.err).toMatch(/histogram\[0\]\.count: 0 must be a whole count/);
  });
});
