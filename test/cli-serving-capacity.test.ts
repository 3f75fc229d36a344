/** Capacity under SLOs and $/Mtok as a user meets them: infer --slo-*, --search, tco and compare --serve. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'tpusim-serving-'));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('tpusim infer --slo-ttft --slo-tpot', () => {
  it('finds the highest rate meeting the SLOs, with percentiles, goodput and memory in JSON', async () => {
    const r = await tpusim(
      'infer',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '1',
      '--slo-ttft',
      '2s',
      '--slo-tpot',
      '50ms',
      '--requests',
      '500',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.feasible).toBe(true);
    expect(j.percentile).toBe(99);
    expect(j.requestsPerS).toBeGreaterThan(0);
    expect(j.goodputRequestsPerS).toBe(j.requestsPerS);
    expect(j.ttftS.p99).toBeLessThanOrEqual(2);
    expect(j.tpotS.p99).toBeLessThanOrEqual(0.05);
    expect(j.tokensPerSPerChip).toBeCloseTo(j.requestsPerS * 256, 6);
    expect(j.above.reasons.length).toBeGreaterThan(0);
    expect(Object.keys(j.memory).sort()).toEqual(['activations', 'kv', 'weights']);
    expect(j.kvCacheBytes).toBe(j.memory.kv);
    expect(j.simulations).toBeLessThanOrEqual(24);
  });

  it('adds up the replicas of --dp, and --chunk alone stays a technique', async () => {
    const one = JSON.parse(
      (
        await tpusim(
          'infer',
          'llama3-8b',
          '--chip',
          'h100-sxm',
          '--chips',
          '1',
          '--slo-tpot',
          '50ms',
          '--requests',
          '300',
          '--json',
        )
      ).out,
    );
    const two = JSON.parse(
      (
        await tpusim(
          'infer',
          'llama3-8b',
          '--chip',
          'h100-sxm',
          '--chips',
          '2',
          '--dp',
          '2',
          '--slo-tpot',
          '50ms',
          '--requests',
          '300',
          '--json',
        )
      ).out,
    );
    expect(two.replicas).toBe(2);
    expect(two.requestsPerS).toBeCloseTo(2 * one.requestsPerS, 9);
    expect(two.tokensPerSPerChip).toBeCloseTo(one.tokensPerSPerChip, 9);
    const chunk = JSON.parse(
      (await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--chunk', '512', '--json')).out,
    );
    expect(chunk.feasible).toBeUndefined();
    const sloChunk = JSON.parse(
      (
        await tpusim(
          'infer',
          'llama3-8b',
          '--chip',
          'h100-sxm',
          '--chunk',
          '512',
          '--slo-tpot',
          '50ms',
          '--requests',
          '300',
          '--json',
        )
      ).out,
    );
    expect(sloChunk.chunkTokens).toBe(512);
  });

  it('prints the capacity, the configuration and the percentiles as text', async () => {
    const r = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--slo-tpot', '40ms', '--requests', '300');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/SLO p99 TTFT <= 2 s, p99 TPOT <= 40 ms/);
    expect(r.out).toMatch(/capacity \(goodput\): [\d.]+ requests\/s/);
    expect(r.out).toMatch(/configuration: \d+ batch slots, prefill chunk \d+ tokens/);
    expect(r.out).toMatch(/memory per chip: weights [\d.]+ GiB, KV cache [\d.]+ GiB, activations [\d.]+ GiB of 80 GiB/);
  });

  it('reads request lengths from a workload file (samples or fixed lengths)', async () => {
    const samples = write(
      'chat.json',
      JSON.stringify({
        samples: [
          [200, 100],
          [800, 300],
          [1500, 50],
        ],
      }),
    );
    const a = JSON.parse(
      (await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--workload', samples, '--requests', '300', '--json'))
        .out,
    );
    expect(a.workload).toMatchObject({ source: samples, samples: 3 });
    expect(a.workload.meanInputTokens).toBeCloseTo(2500 / 3, 9);
    const fixed = write('fixed.yaml', 'inputTokens: 512\noutputTokens: 128\n');
    const b = JSON.parse(
      (await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--workload', fixed, '--requests', '300', '--json'))
        .out,
    );
    expect(b.workload).toMatchObject({ samples: 1, meanInputTokens: 512, meanOutputTokens: 128 });
  });

  it('reads the shipped example workloads (histogram JSON and CSV samples)', async () => {
    for (const [file, n] of [
      ['examples/serving/sharegpt-chat.json', 1000],
      ['examples/serving/lmsys-chat.csv', 50],
    ] as const) {
      const r = await tpusim(
        'infer',
        'llama3-8b',
        '--chip',
        'h100-sxm',
        '--workload',
        file,
        '--requests',
        '300',
        '--json',
      );
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).workload).toMatchObject({ source: file, samples: n });
    }
  });

  it('refuses bad workload files and SLOs, naming the field, the value and the limit', async () => {
    const bad = write('bad.json', JSON.stringify({ samples: [[100, 0]] }));
    const a = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--workload', bad);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/samples\[0\]\[1\]: 0 must be a whole number of tokens from 1 to 16777216/);
    const long = write('long.json', JSON.stringify({ inputTokens: 9000, outputTokens: 1000 }));
    const b = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--workload', long);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/longest request, 10000 tokens .* exceeds llama3-8b's 8192 positions/);
    const c = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--slo-tpot', 'fast');
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/--slo-tpot must be a duration above 0 and at most 86400 s, like 2s or 50ms, got 'fast'/);
    const d = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--slo-ttft', '1s', '--percentile', '95');
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/--percentile/);
    const e = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--slo-ttft', '1s', '--rate', '3');
    expect(e.code).toBe(2);
  });

  it('refuses, before it starts, a search that would run past the work limits', async () => {
    const a = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--slo-ttft', '2s', '--requests', '1000000');
    expect(a.code).toBe(1);
    expect(a.err).toMatch(
      new RegExp(
        'this run would take about .* \\(up to 24 simulations, each 3,000,000 requests ' +
          '.*\\(1,000,000 measured, the rest warm-up and drain\\)\\), ' +
          'above the limit of 60 s; raise it with --max-time',
      ),
    );
    const b = await tpusim('tco', '--workload', 'llama3-70b', '--chip', 'tpu-v4', '--requests', '1000000');
    expect(b.code).toBe(1);
    expect(b.err).toMatch(
      /each 3,000,000 requests .*\(1,000,000 measured, the rest warm-up and drain\)\), above the limit of 60 s/,
    );
  });

  it('an SLO no rate meets exits 1 with the reason on stderr', async () => {
    const r = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--slo-tpot', '1ms', '--json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /cannot meet p99 TTFT <= 2 s, p99 TPOT <= 1 ms: a request alone takes [\d.]+ ms per output token/,
    );
    expect(JSON.parse(r.out)).toMatchObject({ feasible: false, requestsPerS: 0 });
  });
});

describe('tpusim infer --search', () => {
  it('ranks serving configurations by tokens/s per chip, with the rejected ones and why', async () => {
    const r = await tpusim(
      'infer',
      'llama3-70b',
      '--chip',
      'h100-sxm',
      '--chips',
      '4',
      '--search',
      '--requests',
      '300',
      '--json',
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out).search;
    expect(s.best.length).toBeGreaterThan(0);
    for (let i = 1; i < s.best.length; i++)
      expect(s.best[i - 1].tokensPerSPerChip).toBeGreaterThanOrEqual(s.best[i].tokensPerSPerChip);
    for (const b of s.best) expect(b.tp * b.pp * b.replicas).toBe(4);
    expect(s.rejected.map((g: { reason: string }) => g.reason)).toContain('memory');
    const t = await tpusim(
      'infer',
      'llama3-70b',
      '--chip',
      'h100-sxm',
      '--chips',
      '4',
      '--search',
      '--requests',
      '300',
      '--top',
      '3',
    );
    expect(t.out).toMatch(
      /searched \d+ serving configurations \(\d+ simulations\): \d+ meet the SLOs, best 3 by output tokens\/s per chip/,
    );
    expect(t.out).toMatch(/rejected:\n {2}\d+ x memory \(e\.g\. tp 1 x pp 1 x 4 replicas/);
  });
});

describe('tpusim infer --search: disaggregation ratios', () => {
  it(
    'ranks prefill : decode splits of the chips by a closed-form estimate, said so, with the ' +
      'rejected ones and why',
    async () => {
      const r = await tpusim(
        'infer',
        'llama3-8b',
        '--chip',
        'h100-sxm',
        '--chips',
        '4',
        '--dtype',
        'bf16',
        '--search',
        '--requests',
        '200',
        '--json',
      );
      expect(r.code, r.err).toBe(0);
      const d = JSON.parse(r.out).search.disaggregated;
      expect(d.method).toBe('closed-form estimate');
      expect(
        d.best.map((b: { prefillChips: number; decodeChips: number }) => `${b.prefillChips}:${b.decodeChips}`).sort(),
      ).toEqual(['1:3', '2:2', '3:1']);
      for (let i = 1; i < d.best.length; i++)
        expect(d.best[i - 1].tokensPerSPerChip).toBeGreaterThanOrEqual(d.best[i].tokensPerSPerChip);
      const t = await tpusim(
        'infer',
        'llama3-8b',
        '--chip',
        'h100-sxm',
        '--chips',
        '4',
        '--dtype',
        'bf16',
        '--search',
        '--requests',
        '200',
        '--slo-tpot',
        '0.1ms',
      );
      expect(t.out).toMatch(
        /disaggregated prefill : decode splits \(a closed-form estimate, not simulated: the simulator runs one pool/,
      );
      expect(t.out).toMatch(
        /rejected splits:\n {2}3 x slo \(e\.g\. 1 prefill \(tp 1 x pp 1 x 1\) : 3 decode .*TPOT alone/,
      );
    },
  );

  it('refuses disaggregated pools in capacity mode instead of ignoring them', async () => {
    for (const flags of [
      ['--prefill-chips', '1', '--decode-chips', '3'],
      ['--decode-chips', '3'],
      ['--decode-batch', '8'],
    ]) {
      const r = await tpusim('infer', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '4', '--slo-ttft', '2s', ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err).toMatch(
        new RegExp(
          `${flags[0]} sets disaggregated pools, which the capacity simulation does not model .* use --search`,
        ),
      );
      expect(r.out).toBe('');
    }
  });
});

describe('tpusim tco for LLM serving', () => {
  it(
    'serves llama3-70b on tpu-v4, which one chip cannot hold, on the fewest chips that do, and ' +
      'prices a million tokens',
    async () => {
      const r = await tpusim('tco', '--workload', 'llama3-70b', '--chip', 'tpu-v4', '--requests', '500', '--json');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      expect(j.serving.chips).toBe(8);
      expect(j.serving.passedOver[0]).toMatch(/^1 chips: weights/);
      // Dollars per million output tokens = chip-hour cost / output tokens per chip-hour.
      expect(j.usdPerMillionTokens.output).toBeCloseTo(
        (j.usdPerChipHour / (j.serving.tokensPerSPerChip * 3600)) * 1e6,
        9,
      );
      expect(j.usdPerMillionTokens.input).toBeCloseTo(
        (j.usdPerChipHour / (j.serving.inputTokensPerSPerChip * 3600)) * 1e6,
        9,
      );
      expect(j.throughputPerChip).toBe(j.serving.tokensPerSPerChip);
    },
  );

  it('takes --chips, and builds vs buys against a GPU serving the same workload', async () => {
    const r = await tpusim(
      'tco',
      '--workload',
      'llama3-70b',
      '--chip',
      'tpu-v4',
      '--chips',
      '16',
      '--vs',
      'h100-sxm',
      '--requests',
      '300',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.serving.chips).toBe(16);
    expect(j.vsServing.chips).toBe(16);
    expect(j.buildVsBuy.gpu.usdPerWorkUnit * 1e6).toBeCloseTo(j.vsServing.usdPerMillionTokens.output, 6);
    const t = await tpusim('tco', '--workload', 'llama3-70b', '--chip', 'tpu-v4', '--requests', '300');
    expect(t.out).toMatch(/\$\/Mtok at the SLO: \$[\d.]+ per million output tokens, \$[\d.]+ per million input tokens/);
  });

  it(
    'keeps pricing inferences for models one chip holds, and refuses --serve for a model that is not ' +
      'a transformer',
    async () => {
      const a = JSON.parse((await tpusim('tco', '--workload', 'resnet50', '--chip', 'tpu-v4', '--json')).out);
      expect(a.unit).toBe('inferences');
      expect(a.serving).toBeUndefined();
      const b = await tpusim('tco', '--workload', 'resnet50', '--chip', 'tpu-v4', '--serve');
      expect(b.code).toBe(2);
      expect(b.err).toMatch(/--serve prices serving a transformer; resnet50 is not one/);
    },
  );
});

describe('tpusim compare --serve', () => {
  it('lists tokens/s per chip and $/Mtok at the SLOs for each chip', async () => {
    const r = await tpusim(
      'compare',
      'llama3-8b',
      '--chips',
      'h100-sxm,tpu-v4',
      '--serve',
      '--requests',
      '300',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.chips.map((c: { chip: string }) => c.chip)).toEqual(['h100-sxm', 'tpu-v4']);
    for (const c of j.chips) {
      expect(c.feasible).toBe(true);
      expect(c.usdPerMillionTokens.output).toBeCloseTo((c.usdPerChipHour / (c.tokensPerSPerChip * 3600)) * 1e6, 9);
    }
    const t = await tpusim('compare', 'llama3-8b', '--chips', 'h100-sxm', '--serve', '--requests', '300');
    expect(t.out).toMatch(/tokens\/s\/chip .* \$\/M output/);
  });
});
