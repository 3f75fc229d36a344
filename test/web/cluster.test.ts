/**
 * The Cluster page as a person uses it: a transformer on a system under a plan, the chips slider, typed
 * inputs, the plan search and a plan that cannot run; every number checked against `tpusim train`,
 * `tpusim tco` and `tpusim reliability` --json for the same inputs.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { browserAvailable, cliJson, noErrors, ready, shot, stat, useUi } from './harness.js';

const TRAIN = '[data-testid="train-status"] .status';
const SEARCH = '[data-testid="search-status"] .status';
const BASE = ['train', 'llama3-70b', '--system', 'dgx-h100'];

/** The CLI's exit code and output for arguments that may fail (cliJson expects success). */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

/** Numbers equal to a relative 1e-9 (they come from the same library calls, so in practice exactly). */
function same(shown: number, expected: number, what: string): void {
  expect(Math.abs(shown - expected) <= 1e-9 * Math.abs(expected), `${what}: page ${shown}, CLI ${expected}`).toBe(true);
}

/** The headline figures of one plan against `tpusim train --json`. */
async function expectStep(page: Page, c: Record<string, any>): Promise<void> {
  same(await stat(page, 'step-time'), c['stepTimeS'], 'step time');
  // The error bar beside the step time is the CLI's: the held-out error of its validation category.
  expect(await page.locator('[data-testid="step-time-validation"]').textContent()).toBe(c['validation'].text);
  same(await stat(page, 'tokens-per-s'), c['tokensPerS'], 'tokens/s');
  same(await stat(page, 'mfu'), c['mfu'], 'MFU');
  same(await stat(page, 'hfu'), c['hfu'], 'HFU');
  same(await stat(page, 'memory-per-chip'), c['memoryPerChipBytes'], 'memory per chip');
  same(await stat(page, 'energy-per-step'), c['energyPerStepJ'], 'energy per step');
  same(await stat(page, 'interruptions'), c['reliability'].interruptionsPerDay, 'interruptions/day');
  same(await stat(page, 'goodput'), c['reliability'].goodputExponential, 'goodput');
  same(await stat(page, 'checkpoint-interval'), c['reliability'].intervalS, 'checkpoint interval');
  if (c['training']) {
    same(await stat(page, 'train-wall'), c['training'].wallS, 'time to train');
    same(await stat(page, 'train-compute'), c['training'].computeS, 'time stepping');
    same(await stat(page, 'train-energy'), c['training'].energyJ, 'training energy');
  }
}

/** Waits until the page shows the run `tpusim train` would run for these flags (its command line says so). */
async function showing(page: Page, ...flags: string[]): Promise<number> {
  await page.waitForFunction((want) => {
    const line = document.querySelector('[data-testid="cli"]')?.textContent ?? '';
    return (
      want.every((f) => line.includes(f)) &&
      document.querySelector('[data-testid="train-status"] .status')?.getAttribute('data-state') === 'ready'
    );
  }, flags);
  return ready(page, TRAIN);
}

/** Clicks one of a figure's download buttons and returns what was saved. */
async function download(page: Page, testid: string, button: 'JSON' | 'CSV' | 'SVG'): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`[data-testid="${testid}"] figcaption button:text-is("${button}")`).click(),
  ]);
  return readFileSync((await file.path())!, 'utf8');
}

/** Types into a labelled number field and leaves it, as a person would. */
async function type(page: Page, name: string, value: string): Promise<void> {
  const field = page.locator(`input[name="${name}"]`);
  await field.fill(value);
  await field.press('Tab');
}

/**
 * Moves the chips slider one step with the keyboard; returns the time the page reports and the time until the new step
 * time shows.
 */
async function stepChips(
  page: Page,
  key: 'ArrowRight' | 'ArrowLeft',
  to: number,
): Promise<{ reported: number; shown: number }> {
  const before = await stat(page, 'step-time');
  const slider = page.locator('input[type="range"][name="chips-log2"]');
  await slider.focus();
  const started = Date.now();
  await page.keyboard.press(key);
  await page.waitForFunction(
    (old) => Number(document.querySelector('[data-testid="step-time"]')?.getAttribute('data-value')) !== old,
    before,
  );
  const shown = Date.now() - started;
  expect(await page.evaluate(() => location.hash)).toContain(`chips=${to}`);
  return { reported: await ready(page, TRAIN), shown };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.runIf(browserAvailable)('web UI: Cluster', () => {
  const ui = useUi();

  it('trains llama3-70b on 1,024 H100s as tpusim train --json does, with cost, reliability and topology', async () => {
    const { page, errors } = await ui.open('#/cluster');
    const first = await ready(page, TRAIN);
    const c = await cliJson(...BASE, '--chips', '1024', '--tp', '8', '--pp', '4', '--dp', '32', '--tokens', '15e12');
    await expectStep(page, c);
    expect(JSON.parse(await download(page, 'breakdown-chart', 'JSON'))).toEqual(c['breakdown']);
    expect(JSON.parse(await download(page, 'memory-chart', 'JSON'))).toEqual(c['memory']);
    // The command line the page shows runs the same numbers.
    const line = ((await page.getByTestId('cli').textContent()) ?? '').split(' ').slice(1, -1);
    expect((await cliJson(...line))['stepTimeS']).toBe(c['stepTimeS']);
    // Cost: chip-hours with interruptions at tpusim tco's price per chip-hour.
    const tco = await cliJson('tco', '--chip', 'h100-sxm', '--workload', 'resnet50');
    same(await stat(page, 'usd-per-chip-hour'), tco['usdPerChipHour'], 'USD per chip-hour');
    same(
      await stat(page, 'train-cost'),
      (c['training'].wallS / 3600) * c['chipsUsed'] * tco['usdPerChipHour'],
      'cost to train',
    );
    expect(await page.getByTestId('cost-how').textContent()).toContain('market price $27,500 (estimate)');
    // Reliability against scale: the points of tpusim reliability for the same chip counts.
    const scale = JSON.parse(await download(page, 'reliability-chart', 'JSON')) as Array<{ chips: number }>;
    expect(scale.map((p) => p.chips)).toContain(1024);
    const points = (
      await cliJson(
        'reliability',
        '--chips',
        scale.map((p) => p.chips).join(','),
        '--checkpoint',
        '60',
        '--restart',
        '300',
      )
    )['points'] as Array<Record<string, number>>;
    expect(scale.length).toBe(points.length);
    // The browser's Math.exp may differ from Node's in the last bit: compare to a relative 1e-9.
    scale.forEach((p, i) =>
      Object.entries(points[i]!).forEach(([k, v]) =>
        typeof v === 'number'
          ? same((p as Record<string, any>)[k], v, `${p.chips} chips ${k}`)
          : expect((p as Record<string, any>)[k]).toBe(v),
      ),
    );
    expect(await page.locator('[data-testid="reliability-table"] tbody tr').count()).toBe(scale.length);
    // Charts: the step's parts, four memory parts and the capacity line, the topology of 128 nodes.
    expect(await page.locator('[data-testid="breakdown-chart"] svg rect title').count()).toBe(11);
    expect(await page.locator('[data-testid="memory-chart"] svg rect title').count()).toBe(4);
    expect(await page.locator('[data-testid="memory-chart"] svg').textContent()).toContain(
      'h100-sxm: 74.1 of 80 GiB usable',
    );
    const topology = (await page.locator('[data-testid="topology"] svg').textContent()) ?? '';
    expect(topology).toContain('1,024 chips: 128 nvlink domains of 8');
    expect(topology).toContain('infiniband (rail-optimised fat tree)');
    expect(await download(page, 'topology', 'SVG')).toMatch(/^<svg xmlns/);
    await shot(page, 'cluster-llama3-70b-h100');

    const steps = [
      await stepChips(page, 'ArrowRight', 2048),
      await stepChips(page, 'ArrowRight', 4096),
      await stepChips(page, 'ArrowRight', 8192),
      await stepChips(page, 'ArrowLeft', 4096),
    ];
    await expectStep(
      page,
      await cliJson(...BASE, '--chips', '4096', '--tp', '8', '--pp', '4', '--dp', '128', '--tokens', '15e12'),
    );
    const reported = steps.map((s) => s.reported);
    console.log(
      `cluster llama3-70b update times (ms): first ${first.toFixed(1)}; chips slider reported ` +
        `${reported.map((s) => s.toFixed(1)).join(', ')}; keypress to new numbers ` +
        `${steps.map((s) => s.shown).join(', ')}`,
    );
    expect(median(reported)).toBeLessThan(100);
    noErrors(errors);
    await page.close();
  });

  it('takes typed inputs: llama3-70b on a whole tpu-v5p pod, as docs/cluster.md runs it', async () => {
    const { page, errors } = await ui.open('#/cluster');
    await ready(page, TRAIN);
    await page.locator('select[name="system"]').selectOption('tpu-v5p-pod');
    await type(page, 'chips', '8960');
    await type(page, 'pp', '1');
    await type(page, 'batch', '1120');
    await type(page, 'tokens', '1e12');
    await showing(
      page,
      '--system tpu-v5p-pod',
      '--chips 8960',
      '--dp 1120',
      '--global-batch 1120',
      '--tokens 1000000000000',
    );
    const c = await cliJson(
      'train',
      'llama3-70b',
      '--system',
      'tpu-v5p-pod',
      '--chips',
      '8960',
      '--tp',
      '8',
      '--pp',
      '1',
      '--dp',
      '1120',
      '--global-batch',
      '1120',
      '--tokens',
      '1e12',
    );
    await expectStep(page, c);
    const tco = await cliJson('tco', '--chip', 'tpu-v5p', '--workload', 'resnet50');
    same(await stat(page, 'usd-per-chip-hour'), tco['usdPerChipHour'], 'USD per chip-hour (built at 100,000)');
    expect(await page.getByTestId('cost-how').textContent()).toContain('its cost to build');
    const topology = (await page.locator('[data-testid="topology"] svg').textContent()) ?? '';
    expect(topology).toContain('ici 1: 8,960 chips (slice 16x20x28)');
    expect(topology).toContain('x 16 (wraps)');
    const hash = await page.evaluate(() => location.hash);
    for (const kept of ['system=tpu-v5p-pod', 'chips=8960', 'pp=1', 'batch=1120', 'tokens=1e12'])
      expect(hash).toContain(kept);
    await shot(page, 'cluster-tpu-v5p-pod');
    noErrors(errors);
    await page.close();
  });

  it('trains a mixture of experts with expert parallelism, as tpusim train does', async () => {
    const { page, errors } = await ui.open(
      '#/cluster?model=gpt4-moe&chips=4096&tp=8&pp=8&ep=8&seq=8192&batch=2048&zero=3',
    );
    await showing(page, 'gpt4-moe', '--ep 8', '--zero 3');
    await expectStep(
      page,
      await cliJson(
        'train',
        'gpt4-moe',
        '--system',
        'dgx-h100',
        '--chips',
        '4096',
        '--tp',
        '8',
        '--pp',
        '8',
        '--dp',
        '64',
        '--ep',
        '8',
        '--zero',
        '3',
        '--seq',
        '8192',
        '--global-batch',
        '2048',
        '--tokens',
        '15e12',
      ),
    );
    noErrors(errors);
    await page.close();
  });

  it(
    'searches the best plans as tpusim train does without a plan, off the slider path, and takes one ' + 'over',
    async () => {
      const { page, errors } = await ui.open('#/cluster');
      await ready(page, TRAIN);
      await page.getByRole('button', { name: 'search best plans' }).click();
      const searchMs = await ready(page, SEARCH);
      const c = await cliJson(...BASE, '--chips', '1024', '--tokens', '15e12');
      const best = c['search'].best as Array<Record<string, any>>;
      expect(await page.getByTestId('search-summary').textContent()).toContain(
        `Searched ${c['search'].evaluated.toLocaleString('en-US')} plans`,
      );
      expect(await page.getByTestId('search-summary').textContent()).toContain(
        `${c['search'].valid.toLocaleString('en-US')} valid`,
      );
      const shown = JSON.parse(await download(page, 'search-chart', 'JSON')) as Array<Record<string, any>>;
      expect(shown.map((b) => b['plan'])).toEqual(best.map((b) => b['plan']));
      shown.forEach((b, i) => {
        same(b['stepTimeS'], best[i]!['stepTimeS'], `plan ${i + 1} step time`);
        same(b['tokensPerS'], best[i]!['tokensPerS'], `plan ${i + 1} tokens/s`);
        same(b['memoryPerChipBytes'], best[i]!['memoryPerChipBytes'], `plan ${i + 1} memory`);
      });
      const rows = page.locator('[data-testid="search-table"] tbody tr');
      expect(await rows.count()).toBe(10);
      expect(await rows.first().locator('td').allTextContents()).toEqual(
        expect.arrayContaining([String(best[0]!['plan'].recompute)]),
      );
      const csv = (await download(page, 'search-table', 'CSV')).trim().split('\n');
      expect(csv[0]).toBe(
        '#,tp,pp,dp,cp,ep,ZeRO,microbatch,recompute,interleave,global batch,chips used,step (ms),tokens/s,MFU ' +
          '%,HFU %,GiB/chip',
      );
      expect(csv[1]!.split(',').slice(1, 6).map(Number)).toEqual(
        ['tp', 'pp', 'dp', 'cp', 'ep'].map((k) => best[0]!['plan'][k]),
      );
      const rejected = page.locator('[data-testid="rejected-table"] tbody tr');
      expect(await rejected.locator('td:first-child').allTextContents()).toEqual(
        c['search'].rejected.map((g: { reason: string }) => g.reason),
      );
      expect(
        (await rejected.locator('td:nth-child(2)').allTextContents()).map((t) => Number(t.replace(/,/g, ''))),
      ).toEqual(c['search'].rejected.map((g: { count: number }) => g.count));
      await shot(page, 'cluster-search');

      // The slider does not search again: the list says it is for the old inputs.
      const slide = await stepChips(page, 'ArrowRight', 2048);
      await page.getByTestId('search-stale').waitFor();
      expect(await page.getAttribute(SEARCH, 'data-state')).toBe('ready');
      await stepChips(page, 'ArrowLeft', 1024);
      console.log(
        `cluster plan search: ${searchMs.toFixed(0)} ms for ${c['search'].evaluated} plans; a slider step after it ` +
          `${slide.reported.toFixed(1)} ms`,
      );

      const p = best[0]!['plan'];
      await page.getByRole('button', { name: /^use plan 1:/ }).click();
      await showing(
        page,
        `--tp ${p.tp} --pp ${p.pp} --dp ${p.dp} --cp ${p.cp}`,
        `--zero ${p.zero}`,
        `--recompute ${p.recompute}`,
        `--interleave ${p.interleave}`,
      );
      await expectStep(page, c);
      noErrors(errors);
      await page.close();
    },
  );

  it('says what is wrong with a plan that cannot run, as tpusim train does, and never crashes', async () => {
    const { page, errors } = await ui.open('#/cluster');
    await ready(page, TRAIN);
    await type(page, 'tp', '3');
    await page.getByTestId('plan-problems').waitFor();
    const listed = await page.locator('[data-testid="plan-problems"] li').allTextContents();
    expect(listed).toContain('tp=3 does not divide the 64 attention heads');
    const r = await cli(...BASE, '--chips', '1024', '--tp', '3', '--pp', '4', '--dp', '85', '--tokens', '15e12');
    expect(r.code).toBe(1);
    expect(
      r.err
        .split('\n')
        .filter((l) => l.startsWith('  '))
        .map((l) => l.trim()),
    ).toEqual(listed);
    expect(await page.getByTestId('step-time').count()).toBe(0);
    await shot(page, 'cluster-invalid-plan');

    await type(page, 'tp', '8');
    await type(page, 'chips', '1000');
    await page.waitForFunction(() =>
      (document.querySelector('[data-testid="plan-problems"]')?.textContent ?? '').includes('not the 1000 chips'),
    );
    expect(await page.locator('[data-testid="plan-problems"] li').first().textContent()).toBe(
      'tp x pp x dp x cp = 8 x 4 x 31 x 1 = 992, not the 1000 chips',
    );

    await type(page, 'tp', '0');
    await page.waitForSelector('[data-testid="train-status"] [role="alert"]');
    expect(
      await page
        .locator('label.field.invalid', { has: page.locator('input[name="tp"]') })
        .locator('small')
        .textContent(),
    ).toBe('a whole number from 1 to 100,000,000, not 0');

    // Out of memory is a result, not an error: the numbers are shown with the reason.
    await type(page, 'tp', '8');
    await type(page, 'pp', '1');
    await type(page, 'chips', '8');
    await page.getByTestId('does-not-fit').waitFor();
    await ready(page, TRAIN);
    const oom = await cli(
      ...BASE,
      '--chips',
      '8',
      '--tp',
      '8',
      '--pp',
      '1',
      '--dp',
      '1',
      '--tokens',
      '15e12',
      '--json',
    );
    expect(oom.code).toBe(1);
    const c = JSON.parse(oom.out);
    expect(c['valid']).toBe(false);
    expect(await page.getByTestId('does-not-fit').textContent()).toContain(c['reasons'][0]);
    same(await stat(page, 'step-time'), c['stepTimeS'], 'step time out of memory');
    same(await stat(page, 'memory-per-chip'), c['memoryPerChipBytes'], 'memory out of memory');
    expect(await page.getByTestId('train-wall').count()).toBe(0);
    await shot(page, 'cluster-out-of-memory');
    noErrors(errors);
    await page.close();
  });
});
