/** The Economics page as a person uses it: cost per chip at a volume, TCO and build vs buy, fab supply. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, cliJson, noErrors, ready, shot, stat, useUi } from './harness.js';

const section = (name: string): string => `[data-testid="${name}-section"] .status`;

/** Waits until a stat's `data-value` differs from `before`. */
async function changed(page: Page, testid: string, before: number): Promise<number> {
  await page.waitForFunction(
    ([id, old]) => {
      const v = document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-value');
      return v !== null && v !== undefined && Number(v) !== old;
    },
    [testid, before] as const,
  );
  return stat(page, testid);
}

describe.runIf(browserAvailable)('web UI: Economics', () => {
  const ui = useUi();

  it('prices h100-sxm at 1,000,000 units as tpusim cost does, with the wafer figures and estimates', async () => {
    const { page, errors } = await ui.open('#/economics?chip=h100-sxm&volume=1000000');
    await ready(page, section('cost'));
    const cli = await cliJson('cost', '--chip', 'h100-sxm', '--volume', '1000000');
    expect(await stat(page, 'cost-per-chip')).toBeCloseTo(cli['costPerChipUsd'], 6);
    expect(await stat(page, 'gross-dies')).toBe(cli['grossDiesPerWafer']);
    expect(await stat(page, 'die-yield')).toBeCloseTo(cli['dieYield'], 9);
    expect(await stat(page, 'good-dies')).toBeCloseTo(cli['goodDiesPerWafer'], 9);
    const svg = page.locator('[data-testid="cost-waterfall"] svg');
    expect(await svg.count()).toBe(1);
    expect(await svg.locator('rect title').count()).toBe(7);
    const estimates = page.getByTestId('estimates');
    for (const e of cli['estimates'] as Array<{ key: string; status: string }>) {
      const row = estimates.locator('tr', { has: page.locator(`td:text-is("${e.key}")`) });
      expect(await row.locator('td').nth(3).textContent()).toBe(e.status);
    }
    expect(await estimates.textContent()).toContain('CSET');
    await ready(page, section('tco'));
    await ready(page, section('fab'));
    await shot(page, 'economics-h100');
    noErrors(errors);
    await page.close();
  });

  it('moves the volume slider and the cost follows, in the URL too', async () => {
    const { page, errors } = await ui.open('#/economics?chip=h100-sxm&volume=1000000');
    await ready(page, section('cost'));
    const before = await stat(page, 'cost-per-chip');
    const slider = page.locator('input[name="volume-log"]');
    await slider.focus();
    await slider.press('Home');
    await page.waitForFunction(() => /volume=1000(&|$)/.test(location.hash));
    const after = await changed(page, 'cost-per-chip', before);
    const cli = await cliJson('cost', '--chip', 'h100-sxm', '--volume', '1000');
    expect(after).toBeCloseTo(cli['costPerChipUsd'], 6);
    expect(after).toBeGreaterThan(before);
    await slider.press('ArrowRight');
    await changed(page, 'cost-per-chip', after);
    expect(await page.inputValue('input[name="volume"]')).toBe('1100');
    noErrors(errors);
    await page.close();
  });

  it('gives tpu-v4 on resnet50 against a100 the ratio and $/chip-hour of tpusim tco', async () => {
    const { page, errors } = await ui.open('#/economics?chip=tpu-v4&workload=resnet50&vs=a100');
    await ready(page, section('tco'));
    const cli = await cliJson('tco', '--chip', 'tpu-v4', '--workload', 'resnet50', '--vs', 'a100');
    expect(await stat(page, 'ratio')).toBeCloseTo(cli['buildVsBuy'].ratio, 9);
    expect(await stat(page, 'usd-per-chip-hour')).toBeCloseTo(cli['usdPerChipHour'], 9);
    expect(await stat(page, 'work-per-usd')).toBeCloseTo(cli['workPerUsd'], 3);
    expect(await stat(page, 'break-even-volume')).toBeCloseTo(cli['buildVsBuy'].breakEvenVolume, 6);
    const tornado = page.locator('[data-testid="tornado-chart"] svg');
    expect(await tornado.locator('rect title').count()).toBe(2 * cli['tornado'].length);
    expect(await page.locator('[data-testid="tornado-table"] tbody tr td:first-child').allTextContents()).toEqual(
      cli['tornado'].map((b: { name: string }) => b.name),
    );
    await shot(page, 'economics-tco-tpu-v4');
    noErrors(errors);
    await page.close();
  });

  it('shows a workload that does not fit as an error in its section only', async () => {
    const { page, errors } = await ui.open('#/economics?chip=tpu-v4&workload=deepseek-v3');
    await page.waitForSelector(`${section('tco')}[data-state="error"]`, { timeout: 60_000 });
    expect(await page.locator(`${section('tco')} [role="alert"]`).textContent()).toContain(
      'deepseek-v3 cannot run on tpu-v4',
    );
    await ready(page, section('cost'));
    noErrors(errors);
    await page.close();
  });

  it('finds advanced packaging binding first at 10M h100-sxm a year, as tpusim fab does', async () => {
    const { page, errors } = await ui.open('#/economics?chip=h100-sxm&perYear=10000000');
    await ready(page, section('fab'));
    const cli = await cliJson('fab', '--chip', 'h100-sxm', '--accelerators-per-year', '10000000');
    const plan = cli['plans'][0];
    expect(plan.binding).toBe('advanced packaging');
    expect(await page.locator('[data-testid="fab-binding"] .value').textContent()).toBe(plan.binding);
    expect(await stat(page, 'fab-binding-share')).toBeCloseTo(plan.resources[0].share, 9);
    expect((await stat(page, 'fab-capital')) / plan.newCapitalUsd).toBeCloseTo(1, 12);
    expect(await page.locator('[data-testid="fab-resources"] tbody tr td:first-child').allTextContents()).toEqual(
      plan.resources.map((r: { resource: string }) => r.resource),
    );
    expect(await page.locator('[data-testid="fab-scenarios"] tbody tr').count()).toBe(2);
    await shot(page, 'economics-fab-10m');
    const slider = page.locator('input[name="per-year-log"]');
    await slider.focus();
    await slider.press('Home');
    await page.waitForFunction(() => /perYear=100000(&|$)/.test(location.hash));
    await changed(page, 'fab-binding-share', plan.resources[0].share);
    expect(await page.locator('[data-testid="fab-scenarios"] tbody tr').count()).toBe(3);
    noErrors(errors);
    await page.close();
  });
});
