/** Every chart on every page downloads as SVG and PNG with its data as JSON; every table as CSV and JSON. */
import { describe, expect, it } from 'vitest';
import { browserAvailable, noErrors, ready, useUi } from './harness.js';

const PAGES = [
  '#/chip?chip=h100-sxm',
  '#/systolic',
  '#/model?model=resnet50&chip=tpu-v4&compare=tpu-v4,a100',
  '#/cluster?model=llama3-70b&chip=h100-sxm&chips=1024',
  '#/economics?chip=h100-sxm',
] as const;

describe.skipIf(!browserAvailable)('web UI: downloads', () => {
  const ui = useUi();

  for (const hash of PAGES) {
    it(`${hash}: every chart offers SVG, PNG and JSON, every table CSV and JSON`, async () => {
      const { page, errors } = await ui.open(hash);
      await ready(page);
      await page.waitForFunction(() => document.querySelectorAll('.status[data-state="busy"]').length === 0);
      const figures = await page.evaluate(() =>
        [...document.querySelectorAll('figure')].map((f) => ({
          kind: f.classList.contains('table') ? 'table' : 'chart',
          caption: f.querySelector('figcaption')?.firstChild?.textContent?.trim() ?? '',
          buttons: [...f.querySelectorAll('figcaption button')].map((b) => b.textContent?.trim() ?? ''),
        })),
      );
      expect(figures.length).toBeGreaterThan(0);
      for (const f of figures) {
        const wanted = f.kind === 'table' ? ['CSV', 'JSON'] : ['SVG', 'PNG', 'JSON'];
        for (const b of wanted)
          expect(
            f.buttons.some((x) => x.startsWith(b)),
            `${f.kind} '${f.caption}': ${f.buttons.join(', ')}`,
          ).toBe(true);
      }
      noErrors(errors);
      await page.close();
    });
  }
});
