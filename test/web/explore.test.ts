/**
 * The Explore page: the example sweep run in the browser gives the CLI's Pareto front; a front design opens in the Chip
 * page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { browserAvailable, cliJson, noErrors, ready, shot, useUi } from './harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const dir = mkdtempSync(join(tmpdir(), 'tpusim-web-explore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(browserAvailable)('web UI: Explore', () => {
  const ui = useUi();
  it(
    'runs examples/explore/serve-70b.yaml with a progress bar and shows the front of tpusim explore ' + 'report --json',
    async () => {
      const { page, errors } = await ui.open('#/explore');
      await page.waitForSelector('[data-testid="explore-progress"]', { timeout: 60_000 });
      await ready(page);
      const db = join(dir, 'serve-70b.db');
      const run = await cliJson(
        'explore',
        join(import.meta.dirname, '..', '..', 'examples/explore/serve-70b.yaml'),
        '--db',
        db,
        '--workers',
        '1',
      );
      const report = await cliJson('explore', 'report', db);
      const summary = page.getByTestId('explore-summary');
      expect(Number(await summary.getAttribute('data-count'))).toBe(report['count']);
      expect(Number(await summary.getAttribute('data-feasible'))).toBe(report['feasible']);
      expect(Number(await summary.getAttribute('data-front'))).toBe(report['front'].length);
      expect(report['front'].length).toBeGreaterThan(0);
      expect(run['hash'] ?? report['hash']).toBe(report['hash']);
      // Every design is plotted: front points (the knee among them) and infeasible ones, each with its design on hover.
      const scatter = page.getByTestId('pareto-scatter');
      expect(await scatter.locator('circle[data-kind="front"], circle[data-kind="knee"]').count()).toBe(
        report['front'].length,
      );
      expect(await scatter.locator('circle[data-kind="knee"]').count()).toBe(1);
      expect(await scatter.locator('circle[data-kind="infeasible"]').count()).toBeGreaterThan(0);
      expect(await scatter.locator('circle title').first().textContent()).toMatch(/mxuRows = \d+/);
      expect(await page.getByTestId('parallel-coordinates').locator('polyline').count()).toBe(report['count']);
      expect(await page.getByTestId('tornado').locator('rect').count()).toBe(report['knobs'].length);
      const frontIndices = report['front'].map((r: { index: number }) => r.index).sort((a: number, b: number) => a - b);
      const shown = (await page.getByTestId('front-table').locator('tbody tr td:first-child').allTextContents())
        .map(Number)
        .sort((a, b) => a - b);
      expect(shown).toEqual(frontIndices);
      await shot(page, 'explore-serve-70b');
      noErrors(errors);
      await page.close();
    },
  );

  it("opens a front design in the Chip page with the design's chip", async () => {
    const { page, errors } = await ui.open('#/explore');
    await ready(page);
    const button = page.getByTestId('open-designs').getByRole('button').first();
    const index = Number(/#(\d+)/.exec((await button.textContent()) ?? '')![1]);
    await button.click();
    await page.waitForFunction(() => location.hash.startsWith('#/chip?design='));
    await ready(page);
    expect(await page.locator('h2').first().textContent()).toContain('serve-70b-design (edited)');
    const spec = JSON.parse(await page.getByLabel('chip spec (JSON)').inputValue());
    const report = await cliJson('explore', 'report', join(dir, 'serve-70b.db'));
    const row = report['front'].find((r: { index: number }) => r.index === index);
    expect(spec.cores[0].matrixUnits[0].rows).toBe(row.knobs.mxuRows);
    expect(spec.cores[0].matrixUnits[0].count).toBe(row.knobs.mxus);
    expect(spec.clockHz).toBe(row.knobs.clockHz);
    noErrors(errors);
    await page.close();
  });

  it('has no WCAG 2 A/AA violations that axe-core finds', async () => {
    const { page, errors } = await ui.open('#/explore');
    await ready(page);
    await page.addScriptTag({ path: AXE });
    const violations = (await page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }
      ).axe;
      return (
        await axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
          resultTypes: ['violations'],
        })
      ).violations;
    })) as Array<{ id: string; help: string; nodes: { target: string[] }[] }>;
    const report = violations.map(
      (v) =>
        `${v.id}: ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join('; ')}`,
    );
    expect(report, report.join('\n')).toEqual([]);
    noErrors(errors);
    await page.close();
  });

  it('says what is wrong with an invalid spec, with its path', async () => {
    const { page, errors } = await ui.open('#/explore');
    await ready(page);
    const area = page.getByLabel('sweep spec (YAML)');
    await area.fill((await area.inputValue()).replace('pow2: [128, 256] }', 'pow2: [128, 200] }'));
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.waitForSelector('[data-testid="sweep-issues"]');
    expect(await page.getByTestId('sweep-issues').textContent()).toContain('knobs.mxuRows');
    noErrors(errors);
    await page.close();
  });
});
