/** tpusim train, infer and reliability as a user meets them. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

describe('tpusim train', () => {
  it('evaluates one plan given by flags, with the breakdown, memory and MFU', async () => {
    const r = await tpusim(
      'train',
      'llama3-70b',
      '--chip',
      'h100-sxm',
      '--system',
      'dgx-h100',
      '--chips',
      '1024',
      '--tp',
      '8',
      '--pp',
      '4',
      '--dp',
      '32',
      '--global-batch',
      '512',
      '--seq',
      '4096',
      '--recompute',
      'full',
      '--tokens',
      '1e12',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /plan: tp 8 x pp 4 x dp 32 x cp 1, ep 1, ZeRO-1, microbatch 1, recompute full, sequence parallel/,
    );
    expect(r.out).toMatch(/step [\d.]+ m?s: compute .* pipeline bubble .* optimizer/);
    expect(r.out).toMatch(/MFU [\d.]+%, HFU [\d.]+%/);
    expect(r.out).toMatch(/memory per chip [\d.]+ GiB of 80 GiB: weights/);
    expect(r.out).toMatch(/interruptions\/day .* goodput [\d.]+%/);
    expect(r.out).toMatch(/training on 1 Ttokens: [\d,]+ steps, [\d.]+ days of steps/);
  });
  it('JSON carries stepTimeS, mfu, hfu, tokensPerS, memoryPerChipBytes; same bytes each run', async () => {
    const args = [
      'train',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '64',
      '--tp',
      '2',
      '--pp',
      '1',
      '--dp',
      '32',
      '--global-batch',
      '256',
      '--json',
    ];
    const a = await tpusim(...args);
    const b = await tpusim(...args);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toBe(b.out);
    const body = JSON.parse(a.out);
    for (const key of ['stepTimeS', 'mfu', 'hfu', 'tokensPerS', 'memoryPerChipBytes'])
      expect(body[key], key).toBeGreaterThan(0);
    expect(body.system).toBe('dgx-h100');
  });
  it('searches plans by default and lists why others were rejected', async () => {
    const r = await tpusim('train', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '256', '--top', '3');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/searched [\d,]+ plans on 256 chips: [\d,]+ valid, best 3 by tokens\/s:/);
    expect(r.out).toMatch(/rejected:\n\s+[\d,]+ x out of memory \(e\.g\. out of memory: [\d.]+ GiB per chip/);
  });
  it('reads a plan file, and names what is wrong with a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const good = join(dir, 'plan.yaml');
    writeFileSync(good, 'tp: 8\npp: 2\ndp: 4\nzero: 1\nrecompute: full\nglobalBatch: 64\n');
    const r = await tpusim('train', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '64', '--plan', good);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/plan: tp 8 x pp 2 x dp 4/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"tp": 8, "zero": 5}');
    const e = await tpusim('train', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '64', '--plan', bad);
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/zero must be a whole number from 0 to 3, got 5/);
  });
  it('bad input: clear errors, non-zero exit, no stack trace', async () => {
    const cases: Array<[string[], RegExp, number]> = [
      [['train', 'llama3-70b', '--chip', 'h100-sxm'], /train needs --chips N/, 2],
      [['train', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '0'], /--chips must be a positive integer, got '0'/, 2],
      [
        ['train', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '8', '--system', 'dgx-h10'],
        /unknown system 'dgx-h10'.*dgx-h100/,
        1,
      ],
      [['train', 'resnet50', '--chip', 'h100-sxm', '--chips', '8'], /resnet50 is not a transformer/, 1],
      [
        ['train', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '64', '--tp', '3', '--pp', '1', '--dp', '1'],
        /tp=3 does not divide the 64 attention heads/,
        1,
      ],
      [['train', 'llama3-70b', '--chip', 'tpu-v1', '--chips', '8'], /no preset system is built from tpu-v1/, 2],
      [
        ['infer', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '8', '--prompt', '9000'],
        /exceeds llama3-70b's 8192 positions/,
        2,
      ],
      [
        ['infer', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '8', '--engine', 'vlm'],
        /--engine must be one of vllm, trtllm.*did you mean 'vllm'/,
        2,
      ],
    ];
    for (const [argv, message, code] of cases) {
      const r = await tpusim(...argv);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(code);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});

describe('tpusim infer', () => {
  it('prints TTFT, TPOT, KV cache and the batch sweep; JSON has ttftS, tpotS, tokensPerS, kvCacheBytes', async () => {
    const r = await tpusim('infer', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '8', '--batch', '8');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/time to first token [\d.]+ ms; time per output token [\d.]+ ms/);
    expect(r.out).toMatch(/batch\s+TTFT \(ms\)\s+TPOT \(ms\)\s+tokens\/s/);
    const j = JSON.parse((await tpusim('infer', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '8', '--json')).out);
    for (const key of ['ttftS', 'tpotS', 'tokensPerS', 'kvCacheBytes']) expect(j[key], key).toBeGreaterThan(0);
    expect(j.tp).toBe(8);
  });
  it(
    '--engine: the serving engine adds its step overheads (vLLM by default on GPUs; ideal: the chips ' + 'alone)',
    async () => {
      const run = async (...extra: string[]) =>
        JSON.parse(
          (
            await tpusim(
              'infer',
              'llama3-8b',
              '--chip',
              'h100-sxm',
              '--chips',
              '1',
              '--prompt',
              '128',
              '--json',
              ...extra,
            )
          ).out,
        );
      const vllm = await run();
      const ideal = await run('--engine', 'ideal');
      expect(vllm.engine).toBe('vllm');
      expect(ideal.engine).toBe('ideal');
      expect(vllm.ttftS).toBeGreaterThan(1.3 * ideal.ttftS);
      expect(vllm.tpotS).toBeGreaterThan(ideal.tpotS);
    },
  );
  it('simulates continuous batching under Poisson arrivals with --rate', async () => {
    const r = await tpusim(
      'infer',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '1',
      '--rate',
      '4',
      '--requests',
      '300',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.simulation.completed).toBe(300);
    expect(j.simulation.ttft.p99).toBeGreaterThanOrEqual(j.simulation.ttft.p50);
  });
});

describe('tpusim reliability', () => {
  it('tabulates interruptions and goodput from 10k to 10M chips', async () => {
    const r = await tpusim('reliability');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/10,000\s+4\.736/);
    expect(r.out).toMatch(/10,000,000\s+4736/);
  });
});
