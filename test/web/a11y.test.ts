/**
 * Accessibility of every page, checked by axe-core (Deque's rules engine, run inside the page) against
 * WCAG 2 A and AA: labels on every input, names on buttons, colour contrast of text, ARIA used as the
 * spec says, landmarks. Plus the keyboard: Tab reaches every page's inputs in order, with no trap.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { browserAvailable, noErrors, ready, useUi } from './harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const PAGES = [
  ['chip', '#/chip?chip=h100-sxm'],
  ['systolic array', '#/systolic'],
  ['model', '#/model?model=resnet50&chip=tpu-v4&compare=tpu-v4,a100'],
  ['cluster', '#/cluster?model=llama3-70b&chip=h100-sxm&chips=1024'],
  ['economics', '#/economics?chip=h100-sxm'],
  ['serving', '#/serving?model=llama3-8b&chip=h100-sxm&requests=200'],
] as const;

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

describe.skipIf(!browserAvailable)('web UI: accessibility', () => {
  const ui = useUi();

  for (const [name, hash] of PAGES) {
    it(`${name}: no WCAG 2 A/AA violations that axe-core finds`, async () => {
      const { page, errors } = await ui.open(hash);
      await ready(page);
      await page.addScriptTag({ path: AXE });
      const violations = (await page.evaluate(async () => {
        const axe = (
          window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }
        ).axe;
        const result = await axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
          resultTypes: ['violations'],
        });
        return result.violations;
      })) as Violation[];
      const report = violations.map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} at ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join('; ')}`,
      );
      expect(report, report.join('\n')).toEqual([]);
      noErrors(errors);
      await page.close();
    });
  }

  it('moves through the Model page with Tab alone, each stop a labelled control', async () => {
    const { page, errors } = await ui.open('#/model?model=resnet50&chip=tpu-v4');
    await ready(page);
    const stops: string[] = [];
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      stops.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return '';
          const labelled =
            (el as HTMLInputElement).labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '';
          return `${el.tagName.toLowerCase()}:${labelled.trim().slice(0, 30)}`;
        }),
      );
    }
    // The navigation's five links, then the page's own controls, every one named.
    expect(stops.slice(0, 5).every((s) => s.startsWith('a:'))).toBe(true);
    expect(stops.some((s) => s.startsWith('select:zoo model'))).toBe(true);
    expect(stops.some((s) => s.startsWith('input:batch'))).toBe(true);
    for (const s of stops) expect(s.split(':')[1]!.length, s).toBeGreaterThan(0);
    noErrors(errors);
    await page.close();
  });
});
