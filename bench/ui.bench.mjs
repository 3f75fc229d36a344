// The web UI (issue 8). Goal: a slider on the Model or Cluster page updates the page in under 100 ms,
// for ResNet-50 and for a 70B-parameter transformer. Measured in the page from the slider's input event
// to the first frame after the page shows the new answer (the worker's request, the re-render and a
// paint), in Debian's chromium driven by playwright-core over the built UI (dist-web, `npm run build`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startUiServer } from '../dist/cli/ui-server.js';
import { fmt, line } from './harness.mjs';

const CHROMIUM = '/usr/bin/chromium';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist-web');
console.log('web UI (slider to painted page)');
if (!existsSync(CHROMIUM) || !existsSync(join(root, 'index.html'))) {
  console.log(`  skipped: needs ${CHROMIUM} (apt-get install chromium) and the built UI (npm run build)`);
  process.exit(0);
}

const server = await startUiServer({ port: 0, root });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

/**
 * Moves the range input `name` to each of `positions` in turn (skipping the first, where the page
 * starts) and returns the milliseconds from each input event to the frame after the status says ready.
 */
async function sliderTimes(hash, name, positions) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}${hash}`);
  await page.waitForSelector('.status[data-state="ready"]', { timeout: 120_000 });
  const times = [];
  for (const position of positions) {
    const ms = await page.evaluate(
      ({ name, position }) =>
        new Promise((resolve, reject) => {
          const input = document.querySelector(`input[type="range"][name="${name}"]`);
          if (!input) return reject(new Error(`no slider named ${name}`));
          const status = () => document.querySelector('.status');
          let sawBusy = false;
          const start = performance.now();
          const observer = new MutationObserver(() => {
            const state = status()?.getAttribute('data-state');
            if (state === 'busy') sawBusy = true;
            if (sawBusy && state === 'ready') {
              observer.disconnect();
              requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
            }
            if (state === 'error') reject(new Error(status()?.textContent ?? 'error'));
          });
          observer.observe(document.body, {
            subtree: true,
            attributes: true,
            attributeFilter: ['data-state'],
            childList: true,
          });
          input.value = String(position);
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }),
      { name, position },
    );
    times.push(ms);
  }
  await page.close();
  if (errors.length > 0) throw new Error(`console errors on ${hash}: ${errors.join('; ')}`);
  return times;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Ten positions each, none repeated and none where the page starts, so no answer is ever reused.
const cases = [
  [
    'Model page, resnet50 on tpu-v4 (batch 1..24), batch slider',
    '#/model?model=resnet50&chip=tpu-v4',
    'batch',
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  ],
  [
    'Model page, llama3-70b seq 2048 on tpu-v5p (batch 1..24), batch slider',
    '#/model?model=llama3-70b&chip=tpu-v5p&seq=2048',
    'batch',
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  ],
  [
    'Cluster page, llama3-70b on dgx-h100 (32..32,768 chips), chips slider',
    '#/cluster?model=llama3-70b&chip=h100-sxm&system=dgx-h100',
    'chips-log2',
    [5, 6, 7, 8, 9, 11, 12, 13, 14, 15],
  ],
];
let failed = false;
for (const [label, hash, name, positions] of cases) {
  try {
    const times = await sliderTimes(hash, name, positions);
    const med = median(times);
    const worst = Math.max(...times);
    line(`${label} (median of ${times.length}; worst ${fmt(worst)} ms)`, `${fmt(med)} ms`, {
      text: '< 100 ms',
      met: med < 100,
    });
  } catch (e) {
    failed = true;
    line(label, `failed: ${e.message}`);
  }
}
await browser.close();
await server.close();
process.exit(failed ? 1 : 0);
