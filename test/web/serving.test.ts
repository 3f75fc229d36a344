/**
 * The Serving page against the CLI: its headline numbers equal `tpusim infer --json` (static batch,
 * quantized KV cache, capacity under SLOs, a shipped workload shape) and `tpusim tco --serve --json`
 * ($/Mtok) for the same inputs; bad address values are errors naming the field, the value and the
 * limit; and the page fits a 390 px phone.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, cliJson, noErrors, ready, shot, stat, useUi } from './harness.js';

const INFER = '[data-testid="infer-status"] .status';
const CAPACITY = '[data-testid="capacity-status"] .status';
const CURVE = '[data-testid="curve-status"] .status';
/**
 * One configuration: llama3-8b on one H100, 1024 in and 256 out, p99 TTFT <= 2 s and TPOT <= 50 ms, 500 requests per
 * simulation.
 */
const SLO = ['--slo-ttft', '2s', '--slo-tpot', '50ms', '--percentile', '99', '--requests', '500'];
const PAGE =
  '#/serving?model=llama3-8b&chip=h100-sxm&chips=1&batch=8&prompt=1024&output=256' +
  '&ttft=2000&tpot=50&percentile=99&requests=500';

async function alertOf(page: Page, selector: string): Promise<string> {
  await page.waitForSelector(`${selector}[data-state="error"]`, { timeout: 30_000 });
  return (await page.locator(`${selector} [role="alert"]`).textContent()) ?? '';
}

describe.runIf(browserAvailable)('web UI: Serving', () => {
  const ui = useUi();

  it('shows tpusim infer --json for a static batch, its capacity under the SLOs, and tco $/Mtok', async () => {
    const { page, errors } = await ui.open(PAGE);
    await ready(page, INFER);
    const cli = await cliJson(
      'infer',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '1',
      '--batch',
      '8',
      '--prompt',
      '1024',
      '--output',
      '256',
    );
    expect(await stat(page, 'ttft')).toBe(cli['ttftS']);
    expect(await stat(page, 'tpot')).toBe(cli['tpotS']);
    expect(await stat(page, 'tokens-per-s')).toBe(cli['tokensPerS']);
    expect(await stat(page, 'decode-tokens-per-s')).toBe(cli['decodeTokensPerS']);
    expect(await stat(page, 'kv-cache')).toBe(cli['kvCacheBytes']);
    expect(await stat(page, 'memory-per-chip')).toBe(cli['memoryPerChipBytes']);
    expect(await stat(page, 'max-batch')).toBe(cli['maxBatch']);
    expect(await page.locator('[data-testid="sweep-table"] tbody tr').count()).toBe(cli['sweep'].length);
    for (const chart of ['throughput-batch', 'memory-chart', 'roofline-prefill', 'roofline-decode'])
      expect(await page.locator(`[data-testid="${chart}"] svg`).count(), chart).toBe(1);
    // Decode at batch 8 is memory-bound on an H100; a 8 x 1024-token prefill's MLP is compute-bound.
    const decode = await page.locator('[data-testid="roofline-decode"] svg').innerHTML();
    expect(decode).toContain('memory-bound');
    expect(decode).not.toContain('compute-bound');
    expect(await page.locator('[data-testid="roofline-prefill"] svg').innerHTML()).toContain('compute-bound');

    await ready(page, CAPACITY);
    const capacity = await cliJson('infer', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '1', ...SLO);
    expect(await stat(page, 'requests-per-s')).toBe(capacity['requestsPerS']);
    expect(await stat(page, 'tokens-per-s-per-chip')).toBe(capacity['tokensPerSPerChip']);
    expect(await stat(page, 'capacity-ttft')).toBe(capacity['ttftS'].p99);
    expect(await stat(page, 'capacity-tpot')).toBe(capacity['tpotS'].p99);
    const tco = await cliJson(
      'tco',
      '--workload',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '1',
      '--serve',
      ...SLO,
    );
    expect(await stat(page, 'usd-per-chip-hour')).toBe(tco['usdPerChipHour']);
    expect(await stat(page, 'usd-per-mtok')).toBe(tco['usdPerMillionTokens'].output);
    expect(await stat(page, 'usd-per-mtok-input')).toBe(tco['usdPerMillionTokens'].input);

    await ready(page, CURVE);
    const rows = await page.locator('[data-testid="curve-table"] tbody tr').count();
    expect(rows).toBe(8);
    // The SLO is drawn on both latency-throughput charts, and the simulated rate at capacity meets it.
    expect(await page.locator('[data-testid="curve-ttft"] svg').innerHTML()).toContain('SLO 2 s');
    expect(await page.locator('[data-testid="curve-tpot"] svg').innerHTML()).toContain('SLO 50 ms');
    expect(await page.locator('[data-testid="curve-table"] tbody tr', { hasText: 'yes' }).count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="curve-table"] tbody tr', { hasText: 'no' }).count()).toBeGreaterThan(0);
    await shot(page, 'serving-llama3-8b-h100');
    noErrors(errors);
    await page.close();
  });

  it(
    'follows the KV-cache format: fp8 halves the KV bytes and raises the batch that fits, as infer ' + '--kv-dtype fp8',
    async () => {
      const { page, errors } = await ui.open(`${PAGE}&kvdtype=fp8`);
      await ready(page, INFER);
      const cli = await cliJson(
        'infer',
        'llama3-8b',
        '--chip',
        'h100-sxm',
        '--chips',
        '1',
        '--batch',
        '8',
        '--prompt',
        '1024',
        '--output',
        '256',
        '--kv-dtype',
        'fp8',
      );
      const bf16 = await cliJson(
        'infer',
        'llama3-8b',
        '--chip',
        'h100-sxm',
        '--chips',
        '1',
        '--batch',
        '8',
        '--prompt',
        '1024',
        '--output',
        '256',
      );
      expect(await stat(page, 'kv-cache')).toBe(cli['kvCacheBytes']);
      expect(cli['kvCacheBytes']).toBe(bf16['kvCacheBytes'] / 2);
      expect(await stat(page, 'max-batch')).toBe(cli['maxBatch']);
      expect(cli['maxBatch']).toBeGreaterThan(bf16['maxBatch']);
      expect(await stat(page, 'tpot')).toBe(cli['tpotS']);
      expect(await page.getByTestId('quantization').textContent()).toContain('KV cache fp8');
      noErrors(errors);
      await page.close();
    },
  );

  it(
    'follows speculative decoding and fp8 weights as infer --draft-tokens/--acceptance and ' + '--weight-dtype fp8',
    async () => {
      const cases: Array<[string, string[]]> = [
        ['&draft=4&acceptance=0.8', ['--draft-tokens', '4', '--acceptance', '0.8']],
        ['&wdtype=fp8', ['--weight-dtype', 'fp8']],
      ];
      for (const [query, flags] of cases) {
        const { page, errors } = await ui.open(`${PAGE}${query}`);
        await ready(page, INFER);
        const cli = await cliJson(
          'infer',
          'llama3-8b',
          '--chip',
          'h100-sxm',
          '--chips',
          '1',
          '--batch',
          '8',
          '--prompt',
          '1024',
          '--output',
          '256',
          ...flags,
        );
        for (const [testid, key] of [
          ['ttft', 'ttftS'],
          ['tpot', 'tpotS'],
          ['tokens-per-s', 'tokensPerS'],
          ['decode-tokens-per-s', 'decodeTokensPerS'],
          ['kv-cache', 'kvCacheBytes'],
          ['memory-per-chip', 'memoryPerChipBytes'],
          ['max-batch', 'maxBatch'],
        ] as const)
          expect(await stat(page, testid), `${query} ${testid}`).toBe(cli[key]);
        await ready(page, CAPACITY);
        const capacity = await cliJson('infer', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '1', ...flags, ...SLO);
        expect(await stat(page, 'requests-per-s'), query).toBe(capacity['requestsPerS']);
        noErrors(errors);
        await page.close();
      }
      const { page } = await ui.open(`${PAGE}&draft=4&acceptance=0.8`);
      await ready(page, INFER);
      expect(await page.getByTestId('speculative').textContent()).toContain('3.362 tokens per step');
      await page.close();
    },
  );

  it('follows the KV block, prefix hits, scheduler, chunk and disaggregated pools as infer does', async () => {
    const { page, errors } = await ui.open(
      '#/serving?model=llama3-8b&chip=h100-sxm&chips=2&batch=8&kvblock=16&prefixhit=0.5' +
        '&scheduler=static&chunk=512&prefillchips=1&decodechips=1&requests=200',
    );
    await ready(page, INFER);
    const cli = await cliJson(
      'infer',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '2',
      '--batch',
      '8',
      '--kv-block',
      '16',
      '--prefix-hit-rate',
      '0.5',
      '--scheduler',
      'static',
      '--chunk',
      '512',
      '--prefill-chips',
      '1',
      '--decode-chips',
      '1',
    );
    for (const [testid, key] of [
      ['ttft', 'ttftS'],
      ['tpot', 'tpotS'],
      ['kv-cache', 'kvCacheBytes'],
      ['max-batch', 'maxBatch'],
    ] as const)
      expect(await stat(page, testid), testid).toBe(cli[key]);
    expect(await stat(page, 'disagg-ttft')).toBe(cli['disaggregated'].ttftS);
    expect(await stat(page, 'disagg-tpot')).toBe(cli['disaggregated'].tpotS);
    expect(await stat(page, 'disagg-requests-per-s')).toBe(cli['disaggregated'].requestsPerS);
    expect(await page.locator('.note', { hasText: 'static scheduler' }).count()).toBe(1);
    // Capacity refuses disaggregated pools, as infer --slo-* --prefill-chips does.
    expect(await alertOf(page, CAPACITY)).toMatch(/disaggregated pools .* not modelled by the capacity simulation/);
    noErrors(errors);
    await page.close();
  });

  it('reads a shipped workload shape as infer --workload does', async () => {
    const { page, errors } = await ui.open(
      '#/serving?model=llama3-8b&chip=h100-sxm&chips=1&workload=sharegpt-chat&requests=500',
    );
    await ready(page, CAPACITY);
    const cli = await cliJson(
      'infer',
      'llama3-8b',
      '--chip',
      'h100-sxm',
      '--chips',
      '1',
      '--workload',
      'examples/serving/sharegpt-chat.json',
      ...SLO,
    );
    expect(await stat(page, 'requests-per-s')).toBe(cli['requestsPerS']);
    expect(await stat(page, 'tokens-per-s-per-chip')).toBe(cli['tokensPerSPerChip']);
    noErrors(errors);
    await page.close();
  });

  it('holds a TBT SLO as infer --slo-tbt does, and shows the TBT at capacity', async () => {
    const { page, errors } = await ui.open(`${PAGE}&tbt=30`);
    await ready(page, CAPACITY);
    const cli = await cliJson('infer', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '1', ...SLO, '--slo-tbt', '30ms');
    expect(await stat(page, 'requests-per-s')).toBe(cli['requestsPerS']);
    expect(await stat(page, 'capacity-tbt')).toBe(cli['tbtS'].p99);
    noErrors(errors);
    await page.close();
  });

  it('says what is wrong with bad values in the address, and why a configuration cannot serve', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['chips=0', INFER, /chips must be a whole number from 1 to .*, got '0'/],
      ['batch=2.5', INFER, /batch must be a whole number from 1 to .*, got '2.5'/],
      ['ttft=-5', CAPACITY, /TTFT SLO must be a number of milliseconds above 0 and at most .*, got '-5'/],
      ['tbt=0', CAPACITY, /TBT SLO must be a number of milliseconds above 0 and at most .*, got '0'/],
      ['percentile=95', CAPACITY, /percentile must be one of 50, 90, 99, got '95'/],
      ['requests=1e9', CAPACITY, /requests per simulation must be a whole number from 1 to 20,000, got '1e9'/],
      ['model=resnet50', INFER, /model must be one of .*, got 'resnet50'/],
      ['kvdtype=fp3', INFER, /KV cache format must be one of .*, got 'fp3'/],
      ['kvblock=0', INFER, /KV block must be a whole number from 1 to 4,096, got '0'/],
      ['prefixhit=1.5', INFER, /prefix hit rate must be a number from 0 to 0.99, got '1.5'/],
      [
        'draft=4',
        INFER,
        /draft tokens and acceptance go together: give both or neither, got draft tokens '4' and acceptance ''/,
      ],
      ['scheduler=fifo', INFER, /scheduler must be one of .*, got 'fifo'/],
      ['prefillchips=2', INFER, /prefill chips and decode chips go together/],
      [
        'prompt=200000',
        INFER,
        /the longest request, 200256 tokens \(input \+ output\), exceeds llama3-8b's \d+ positions/,
      ],
    ];
    for (const [query, where, message] of cases) {
      const { page, errors } = await ui.open(`#/serving?${query}`);
      expect(await alertOf(page, where), query).toMatch(message);
      // Every status settles (the static batch answers or errs, the other sections too): none left computing.
      await page.waitForFunction(
        () => {
          const states = [...document.querySelectorAll('.status')].map((s) => s.getAttribute('data-state'));
          const infer = document.querySelector('[data-testid="infer-status"] .status')?.getAttribute('data-state');
          return (infer === 'ready' || infer === 'error') && !states.includes('busy');
        },
        undefined,
        { timeout: 30_000 },
      );
      expect(await page.locator('text=computing...').count(), query).toBe(0);
      noErrors(errors);
      await page.close();
    }
    // llama3-70b's weights do not fit one tpu-v4: said, with no capacity.
    const { page, errors } = await ui.open('#/serving?model=llama3-70b&chip=tpu-v4&chips=1&requests=200');
    await ready(page, INFER);
    expect(await page.getByTestId('does-not-fit').textContent()).toContain('no batch fits');
    await ready(page, CAPACITY);
    expect(await page.getByTestId('slo-infeasible').textContent()).toContain('leave no room for a KV cache');
    expect(await page.getByTestId('usd-per-mtok').count()).toBe(0);
    noErrors(errors);
    await page.close();
  });

  it('fits a 390 px wide viewport, charts scaled to the width, with the technique controls open', async () => {
    const { page, errors } = await ui.open(`${PAGE}&scheduler=continuous`, { width: 390, height: 844 });
    await ready(page, INFER);
    await ready(page, CURVE);
    expect(await page.locator('details.techniques[open] input[name="prefillchips"]').isVisible()).toBe(true);
    await shot(page, 'narrow-serving');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const charts = await page
      .locator('.chart svg')
      .evaluateAll((all) =>
        all.map((s) => ({ viewBox: s.getAttribute('viewBox'), right: s.getBoundingClientRect().right })),
      );
    expect(charts.length).toBeGreaterThanOrEqual(7);
    for (const c of charts) {
      expect(c.viewBox).toBeTruthy();
      expect(c.right).toBeLessThanOrEqual(390);
    }
    noErrors(errors);
    await page.close();
  });
});
