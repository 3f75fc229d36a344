/** The Chip page's area and power breakdowns: the charts' numbers are the CLI's, mechanism by mechanism. */
import { describe, expect, it } from 'vitest';
import { browserAvailable, cliJson, noErrors, ready, shot, stat, useUi } from './harness.js';

type Bar = { key: string; value: number };

async function bars(page: import('playwright-core').Page, testid: string): Promise<Bar[]> {
  return page.$$eval(`[data-testid="${testid}"] tr`, (rows) =>
    rows.map((r) => ({ key: r.getAttribute('data-key') ?? '', value: Number(r.getAttribute('data-value')) })),
  );
}

describe.runIf(browserAvailable)('web UI: Chip power and area charts', () => {
  const ui = useUi();
  it('draws area and board power by mechanism with the numbers of tpusim cost --chip h100-sxm --json', async () => {
    const { page, errors } = await ui.open('#/chip?chip=h100-sxm');
    await ready(page);
    const cost = await cliJson('cost', '--chip', 'h100-sxm');
    expect(await page.locator('[data-testid="area-chart"] svg').count()).toBe(1);
    expect(await page.locator('[data-testid="power-chart"] svg').count()).toBe(1);
    const area = await bars(page, 'area-numbers');
    const cliArea = (cost['area'].blocks as Array<{ name: string; mm2: number }>).filter((b) => b.mm2 > 0);
    expect(area.map((b) => b.key)).toEqual(cliArea.map((b) => b.name));
    area.forEach((b, i) => expect(b.value).toBeCloseTo(cliArea[i]!.mm2, 9));
    expect(area.reduce((s, b) => s + b.value, 0)).toBeCloseTo(cost['area'].totalMm2, 6);
    const power = await bars(page, 'power-numbers');
    const cliPower = cost['powerModel'].denseGemm.power as Record<string, number>;
    expect(power.length).toBeGreaterThanOrEqual(10);
    for (const b of power) expect(b.value, b.key).toBeCloseTo(cliPower[b.key]!, 9);
    expect(power.reduce((s, b) => s + b.value, 0)).toBeCloseTo(cliPower['boardW']!, 6);
    expect(await stat(page, 'power-gemm')).toBeCloseTo(cliPower['boardW']!, 9);
    await shot(page, 'chip-h100-power-area');
    noErrors(errors);
    await page.close();
  });
});
