/**
 * The UI under addresses and entries a tester typed wrong: a bad value is an error naming the field,
 * the value and the limit (never "computing..." forever, never the old result under the new label);
 * a value that cannot be used as given is said, with what is used instead; an unknown page says so;
 * and every page fits a 390 px wide phone without scrolling sideways.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, noErrors, ready, shot, stat, useUi } from './harness.js';

/** Waits until no status on the page is computing, and returns the states. */
async function settled(page: Page): Promise<string[]> {
  await page.waitForFunction(
    () => {
      const states = [...document.querySelectorAll('.status')].map((s) => s.getAttribute('data-state'));
      return states.length > 0 && !states.includes('busy');
    },
    undefined,
    { timeout: 60_000 },
  );
  return page.locator('.status').evaluateAll((all) => all.map((s) => s.getAttribute('data-state') ?? ''));
}

const section = (name: string): string => `[data-testid="${name}-section"] .status`;

describe.runIf(browserAvailable)('web UI: bad values and odd addresses', () => {
  const ui = useUi();

  it('shows a bad volume in the Chip address as an error naming the field, value and limit', async () => {
    const { page, errors } = await ui.open('#/chip?volume=-5');
    await page.waitForSelector('.status[data-state="error"]', { timeout: 10_000 });
    const alert = (await page.locator('.status [role="alert"]').textContent()) ?? '';
    expect(alert).toContain('volume');
    expect(alert).toContain("'-5'");
    expect(alert).toMatch(/from 1 to/);
    expect(await page.locator('text=computing...').count()).toBe(0);
    expect(await page.getByTestId('cost').count()).toBe(0);
    noErrors(errors);
    await page.close();
  });

  it('shows a bad volume in the Economics address as an error in the sections that use it', async () => {
    const { page, errors } = await ui.open('#/economics?volume=-5');
    for (const name of ['cost', 'tco']) {
      await page.waitForSelector(`${section(name)}[data-state="error"]`, { timeout: 10_000 });
      const alert = (await page.locator(`${section(name)} [role="alert"]`).textContent()) ?? '';
      expect(alert, name).toMatch(/volume must be a whole number from 1 to .*, got '-5'/);
    }
    await ready(page, section('fab'));
    expect(await settled(page)).not.toContain('busy');
    noErrors(errors);
    await page.close();
  });

  it('clears the result when a bad volume is entered, and labels a new result with its own volume', async () => {
    const { page, errors } = await ui.open('#/chip?chip=tpu-v4&volume=1000');
    await ready(page);
    expect(await page.getByTestId('cost').textContent()).toContain('cost per chip at 1,000');
    const field = page.getByLabel('volume (chips, for NRE)');
    await field.fill('2.5');
    await field.press('Enter');
    await page.waitForSelector('.status[data-state="error"]');
    expect(await page.getByTestId('cost').count()).toBe(0);
    expect(await page.locator('text=/cost per chip at 2.5/').count()).toBe(0);
    expect(await page.locator('.status [role="alert"]').textContent()).toContain("'2.5'");
    await field.fill('3');
    await field.press('Enter');
    await ready(page);
    expect(await page.getByTestId('cost').textContent()).toContain('cost per chip at 3');
    expect(await stat(page, 'cost')).toBeGreaterThan(0);
    noErrors(errors);
    await page.close();
  });

  it('clears the Economics results when a bad volume is entered', async () => {
    const { page, errors } = await ui.open('#/economics?volume=1000');
    await ready(page, section('cost'));
    await ready(page, section('tco'));
    const field = page.getByLabel('volume (exact)');
    await field.fill('-1');
    await field.press('Enter');
    await page.waitForSelector(`${section('cost')}[data-state="error"]`);
    expect(await page.getByTestId('cost-per-chip').count()).toBe(0);
    expect(await page.getByTestId('usd-per-chip-hour').count()).toBe(0);
    noErrors(errors);
    await page.close();
  });

  it("rejects a batch above the slider's limit instead of using another", async () => {
    const { page, errors } = await ui.open('#/model?model=resnet50&batch=5000');
    const status = '[data-testid="estimate-status"] .status';
    await page.waitForSelector(`${status}[data-state="error"]`, { timeout: 10_000 });
    expect(await page.locator(`${status} [role="alert"]`).textContent()).toBe(
      "batch must be a whole number from 1 to 1024, got '5000'",
    );
    expect(await page.getByTestId('per-second').count()).toBe(0);
    noErrors(errors);
    await page.close();
  });

  it("says when a format in the address is not the chip's, and which one it used", async () => {
    const { page, errors } = await ui.open('#/model?model=resnet50&chip=tpu-v4&dtype=fp4');
    await ready(page, '[data-testid="estimate-status"] .status');
    const notice = (await page.getByTestId('dtype-notice').textContent()) ?? '';
    expect(notice).toMatch(/^format 'fp4' is not one of tpu-v4's formats \(.+\); using (\S+)$/);
    const used = /using (\S+)$/.exec(notice)![1]!;
    expect(await page.getByLabel('format').inputValue()).toBe(used);
    noErrors(errors);
    await page.close();
  });

  it('says the same on the Cluster page', async () => {
    const { page, errors } = await ui.open('#/cluster?dtype=fp4&recompute=sometimes');
    await page.waitForSelector('[data-testid="param-notice"]');
    const notices = await page.getByTestId('param-notice').allTextContents();
    expect(
      notices.some((n) => /^format 'fp4' is not one of dgx-h100's formats \(.+\); using \S+$/.test(n)),
      notices.join('\n'),
    ).toBe(true);
    expect(notices).toContain("recompute 'sometimes' is not one of none, selective, full; using selective");
    noErrors(errors);
    await page.close();
  });

  it('says an unknown page does not exist and links to the pages there are', async () => {
    const { page, errors } = await ui.open('#/nosuchpage');
    await page.waitForSelector('[data-testid="no-such-page"]');
    expect(await page.getByTestId('no-such-page').textContent()).toContain("There is no page 'nosuchpage'");
    expect(await page.locator('#page-chip').count()).toBe(0);
    const links = await page
      .locator('[data-testid="no-such-page"] a')
      .evaluateAll((all) => all.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['#/chip', '#/systolic', '#/model', '#/cluster', '#/serving', '#/economics', '#/explore']);
    await page.locator('[data-testid="no-such-page"] a', { hasText: 'Economics' }).click();
    await page.waitForSelector('#page-economics');
    noErrors(errors);
    await page.close();
  });

  it('fits every page in a 390 px wide viewport, charts scaled to the width', async () => {
    const pages = [
      '#/chip',
      '#/systolic',
      '#/model',
      '#/cluster',
      '#/serving',
      '#/economics',
      '#/explore',
      '#/nosuchpage',
      '#/chip?volume=-5',
    ];
    for (const hash of pages) {
      const { page, errors } = await ui.open(hash, { width: 390, height: 844 });
      if (hash !== '#/nosuchpage') await settled(page);
      else await page.waitForSelector('[data-testid="no-such-page"]');
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      await shot(page, `narrow-${hash.replace(/[^a-z]+/g, '-')}`);
      expect(scrollWidth, hash).toBeLessThanOrEqual(390);
      const charts = await page
        .locator('.chart svg, .systolic-view svg')
        .evaluateAll((all) =>
          all.map((s) => ({ viewBox: s.getAttribute('viewBox'), right: s.getBoundingClientRect().right })),
        );
      for (const c of charts) {
        expect(c.viewBox, hash).toBeTruthy();
        expect(c.right, hash).toBeLessThanOrEqual(390);
      }
      noErrors(errors);
      await page.close();
    }
  });
});
