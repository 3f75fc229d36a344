/** The Chip page as a person uses it: pick a preset, read its figures, edit its spec. */
import { describe, expect, it } from 'vitest';
import { browserAvailable, cliJson, noErrors, ready, shot, stat, useUi } from './harness.js';

describe.runIf(browserAvailable)('web UI: Chip', () => {
  const ui = useUi();
  it("shows a preset's peaks, area and cost, equal to tpusim cost/chip --json", async () => {
    const { page, errors } = await ui.open('#/chip?chip=h100-sxm&volume=1000000');
    await ready(page);
    const cost = await cliJson('cost', '--chip', 'h100-sxm', '--volume', '1000000');
    expect(await stat(page, 'cost')).toBeCloseTo(cost['costPerChipUsd'], 6);
    expect(await stat(page, 'area')).toBeCloseTo(cost['area'].totalMm2, 6);
    expect(Math.abs((await stat(page, 'peak-bf16')) / 989.4e12 - 1)).toBeLessThan(1e-3);
    expect(await page.locator('[data-testid="area-chart"] svg').count()).toBe(1);
    await shot(page, 'chip-h100');
    noErrors(errors);
    await page.close();
  });
  it('switches presets with the keyboard and keeps the choice in the URL', async () => {
    const { page, errors } = await ui.open('#/chip');
    await ready(page);
    const select = page.getByLabel('chip preset');
    await select.focus();
    await select.selectOption('tpu-v1');
    await page.waitForFunction(() => location.hash.includes('chip=tpu-v1'));
    await ready(page);
    expect(await page.locator('h2').first().textContent()).toContain('tpu-v1');
    expect(Math.abs((await stat(page, 'peak-int8')) / 91.75e12 - 1)).toBeLessThan(1e-3);
    noErrors(errors);
    await page.close();
  });
  it('validates an edited spec with the path of each problem', async () => {
    const { page, errors } = await ui.open('#/chip?chip=tpu-v1');
    await ready(page);
    const area = page.getByLabel('chip spec (JSON)');
    const text = await area.inputValue();
    await area.fill(text.replace('"clockHz": 700000000', '"clockHz": -5'));
    await page.waitForSelector('[data-testid="spec-issues"]');
    expect(await page.getByTestId('spec-issues').textContent()).toContain('clockHz');
    await shot(page, 'chip-invalid-spec');
    await area.fill(text.replace('"clockHz": 700000000', '"clockHz": 1400000000'));
    await page.waitForSelector('[data-testid="spec-issues"]', { state: 'detached' });
    await page.waitForFunction(() => (document.querySelector('h2')?.textContent ?? '').includes('(edited)'));
    await ready(page);
    expect(Math.abs((await stat(page, 'peak-int8')) / (2 * 91.75e12) - 1)).toBeLessThan(1e-3);
    noErrors(errors);
    await page.close();
  });
  it('loads nothing from anywhere but its own server, and the harness would say so', async () => {
    const { page, errors } = await ui.open('#/chip?chip=tpu-v4');
    await ready(page);
    noErrors(errors);
    // The guard itself: a request elsewhere is reported (it fails at once: no network here).
    await page.evaluate(() => fetch('http://example.invalid/x').catch(() => undefined));
    expect(errors).toContain('request to http://example.invalid/x');
    await page.close();
  });
});
