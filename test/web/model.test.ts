/** The Model page as a person uses it: pick a model and chip, move the batch slider, paste a config, compare chips. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildZooModel, encodeOnnx, graphToOnnx } from '../../src/index.js';
import { browserAvailable, cliJson, noErrors, ready, shot, stat, useUi } from './harness.js';

const ESTIMATE = '[data-testid="estimate-status"] .status';
const COMPARE = '[data-testid="compare-status"] .status';
const TINY_LLAMA = {
  model_type: 'llama',
  hidden_size: 256,
  intermediate_size: 512,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 1000,
  max_position_embeddings: 512,
  rms_norm_eps: 1e-5,
};

/**
 * Moves the batch slider one step with the keyboard and waits for the new estimate; returns the update time the page
 * reports.
 */
async function stepBatch(page: Page, to: number): Promise<number> {
  const before = await stat(page, 'total-time');
  const slider = page.locator('input[type="range"][name="batch"]');
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => location.hash.includes(`batch=${b}`), to);
  await page.waitForFunction(
    (old) => Number(document.querySelector('[data-testid="total-time"]')?.getAttribute('data-value')) !== old,
    before,
  );
  return ready(page, ESTIMATE);
}

const relative = (a: number, b: number): number => Math.abs(a / b - 1);

describe.runIf(browserAvailable)('web UI: Model', () => {
  const ui = useUi();
  const dir = mkdtempSync(join(tmpdir(), 'tpusim-model-page-'));

  it('estimates resnet50 on tpu-v4 as tpusim estimate --json does, and follows the batch slider', async () => {
    const { page, errors } = await ui.open('#/model?model=resnet50&chip=tpu-v4');
    const first = await ready(page, ESTIMATE);
    const cli = await cliJson('estimate', 'resnet50', '--chip', 'tpu-v4');
    expect(await stat(page, 'total-time')).toBe(cli['totalTimeS']);
    // Beside the time, the CLI's validation of kernel predictions (held-out error, or outside the validated regime).
    expect(await page.locator('[data-testid="total-time-validation"]').textContent()).toContain(cli['validation'].text);
    expect(await stat(page, 'energy')).toBe(cli['energyJ']);
    expect(await stat(page, 'layers')).toBe(cli['layers'].length);
    expect(await stat(page, 'fits')).toBe(1);
    expect(await page.locator('[data-testid="roofline"] svg').count()).toBe(1);
    expect(await page.locator('[data-testid="timeline"] svg rect title').count()).toBe(
      cli['layers'].filter((l: { cycles: number }) => l.cycles > 0).length,
    );
    expect(await page.locator('[data-testid="energy-chart"] svg').count()).toBe(1);
    expect(await page.locator('[data-testid="layer-table"] tbody tr').count()).toBeGreaterThan(50);
    await shot(page, 'model-resnet50-tpu-v4');

    const steps = [await stepBatch(page, 2), await stepBatch(page, 3)];
    expect(await stat(page, 'total-time')).toBe(
      (await cliJson('estimate', 'resnet50', '--chip', 'tpu-v4', '--batch', '3'))['totalTimeS'],
    );
    await page.locator('select[name="chip"]').selectOption('h100-sxm');
    await page.waitForFunction(() => (document.querySelector('h2')?.textContent ?? '').includes('h100-sxm'));
    const chipChange = await ready(page, ESTIMATE);
    expect(await stat(page, 'total-time')).toBe(
      (await cliJson('estimate', 'resnet50', '--chip', 'h100-sxm', '--batch', '3'))['totalTimeS'],
    );
    console.log(
      `resnet50 update times (ms): first ${first.toFixed(1)}, batch slider ` +
        `${steps.map((s) => s.toFixed(1)).join(', ')}, chip change ${chipChange.toFixed(1)}`,
    );
    noErrors(errors);
    await page.close();
  });

  it('follows the batch slider for llama3-70b at seq 128 and says it does not fit one tpu-v4', async () => {
    const { page, errors } = await ui.open('#/model?model=llama3-70b&seq=128&chip=tpu-v4');
    const first = await ready(page, ESTIMATE);
    expect(await stat(page, 'total-time')).toBe(
      (await cliJson('estimate', 'llama3-70b', '--chip', 'tpu-v4', '--seq', '128'))['totalTimeS'],
    );
    expect(await stat(page, 'fits')).toBe(0);
    expect(await page.getByTestId('does-not-fit').textContent()).toContain('split the model over several chips');
    const steps = [await stepBatch(page, 2), await stepBatch(page, 3), await stepBatch(page, 4)];
    await page.locator('select[name="chip"]').selectOption('tpu-v5p');
    await page.waitForFunction(() => (document.querySelector('h2')?.textContent ?? '').includes('tpu-v5p'));
    const chipChange = await ready(page, ESTIMATE);
    console.log(
      `llama3-70b seq 128 update times (ms): first ${first.toFixed(1)}, batch slider ` +
        `${steps.map((s) => s.toFixed(1)).join(', ')}, chip change ${chipChange.toFixed(1)}`,
    );
    await shot(page, 'model-llama3-70b');
    noErrors(errors);
    await page.close();
  });

  it('estimates a pasted config.json and shows what is wrong with a bad one', async () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(TINY_LLAMA));
    const { page, errors } = await ui.open('#/model?source=config&chip=tpu-v4');
    const editor = page.getByLabel('config.json contents');
    await editor.fill(JSON.stringify(TINY_LLAMA, null, 2));
    await ready(page, ESTIMATE);
    expect(await stat(page, 'total-time')).toBe((await cliJson('estimate', file, '--chip', 'tpu-v4'))['totalTimeS']);
    await shot(page, 'model-config');

    await editor.fill(JSON.stringify({ model_type: 'llama', hidden_size: 256 }));
    await page.waitForSelector(`${ESTIMATE}[data-state="error"]`);
    const message = (await page.locator(`${ESTIMATE} [role="alert"]`).textContent()) ?? '';
    expect(message).toContain('config.json cannot be read');
    expect(message).toContain('num_hidden_layers');
    expect(await page.getByTestId('total-time').count()).toBe(0);
    await shot(page, 'model-config-invalid');
    await editor.fill('{ "model_type": ');
    await page.waitForFunction(() =>
      (document.querySelector('[data-testid="estimate-status"] [role="alert"]')?.textContent ?? '').includes(
        'not valid JSON',
      ),
    );
    noErrors(errors);
    await page.close();
  });

  it('estimates an uploaded .onnx file as tpusim estimate does', async () => {
    const file = join(dir, 'lenet.onnx');
    writeFileSync(file, encodeOnnx(graphToOnnx(buildZooModel('lenet'), { weights: 'random', seed: 1 })));
    const { page, errors } = await ui.open('#/model?source=onnx&chip=tpu-v4');
    await page.getByLabel('.onnx file').setInputFiles(file);
    await ready(page, ESTIMATE);
    const cli = await cliJson('estimate', file, '--chip', 'tpu-v4');
    expect(await stat(page, 'total-time')).toBe(cli['totalTimeS']);
    expect(await stat(page, 'layers')).toBe(cli['layers'].length);
    noErrors(errors);
    await page.close();
  });

  it('compares three chips side by side as tpusim compare does', async () => {
    const chips = ['tpu-v4', 'h100-sxm', 'tpu-v5e'];
    const { page, errors } = await ui.open('#/model?model=resnet50&batch=8');
    await ready(page, ESTIMATE);
    for (const chip of chips) await page.getByRole('checkbox', { name: chip, exact: true }).check();
    await page.waitForFunction(() => location.hash.includes('compare=tpu-v4%2Ctpu-v5e%2Ch100-sxm'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="compare-table"] tbody tr').length === 3);
    await ready(page, COMPARE);
    const cli = await cliJson('compare', 'resnet50', '--batch', '8', '--chips', chips.join(','));
    for (const row of cli['chips'] as Array<{ chip: string; totalTimeS: number }>) {
      const cells = page.locator('[data-testid="compare-table"] tbody tr', { hasText: row.chip }).locator('td');
      const shown = Number(((await cells.nth(2).textContent()) ?? '').replace(/,/g, ''));
      expect(relative(shown, row.totalTimeS * 1e6)).toBeLessThan(1e-3);
    }
    expect(await page.locator('[data-testid="compare-chart"] svg rect title').count()).toBe(3);
    await shot(page, 'model-compare');
    noErrors(errors);
    await page.close();
  });

  it('keeps two changes made before the page redraws (the address is read when a change is made)', async () => {
    const { page, errors } = await ui.open('#/model?model=llama3-8b&chip=tpu-v4');
    await ready(page, ESTIMATE);
    // Both in one task: the second change runs before Preact re-renders with the first.
    await page.evaluate(() => {
      const seq = document.querySelector<HTMLInputElement>('input[name="seq"]')!;
      seq.value = '512';
      seq.dispatchEvent(new Event('change', { bubbles: true }));
      const chip = document.querySelector<HTMLSelectElement>('select[name="chip"]')!;
      chip.value = 'tpu-v5e';
      chip.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.waitForFunction(() => location.hash.includes('chip=tpu-v5e'));
    expect(await page.evaluate(() => location.hash)).toContain('seq=512');
    noErrors(errors);
    await page.close();
  });

  it('keeps what is being typed in a number field when the page re-renders before it is committed', async () => {
    const { page, errors } = await ui.open('#/model?model=llama3-8b&chip=tpu-v4');
    await ready(page, ESTIMATE);
    const seq = page.locator('input[name="seq"]');
    await seq.fill('777');
    // A re-render from elsewhere (as when an answer arrives) while the value is still being typed.
    await page.evaluate(() => dispatchEvent(new HashChangeEvent('hashchange')));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    expect(await seq.inputValue()).toBe('777');
    await seq.press('Tab');
    await page.waitForFunction(() => location.hash.includes('seq=777'));
    noErrors(errors);
    await page.close();
  });
});
