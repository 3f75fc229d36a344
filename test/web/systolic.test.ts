/** The Systolic array page as a person uses it: scrub through a small GEMM, read a cell, switch dataflows. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHIP_PRESETS, randomOperands, registerEngine, type ChipSpec, type Dataflow } from '../../src/index.js';
import { browserAvailable, cliJson, noErrors, ready, shot, stat, useUi } from './harness.js';

/** A chip file whose matrix unit is a rows x cols int8 array (tpu-v1's, resized), for `tpusim gemm --chip`. */
function chipFile(rows: number, cols: number): string {
  const base = CHIP_PRESETS['tpu-v1']!;
  const core = base.cores[0]!;
  const chip: ChipSpec = { ...base, cores: [{ ...core, matrixUnits: [{ ...core.matrixUnits[0]!, rows, cols }] }] };
  const path = join(mkdtempSync(join(tmpdir(), 'tpusim-systolic-')), `array-${rows}x${cols}.json`);
  writeFileSync(path, JSON.stringify(chip));
  return path;
}

async function cliCycles(dataflow: Dataflow): Promise<number> {
  const out = await cliJson(
    'gemm',
    '4',
    '4',
    '4',
    '--chip',
    chipFile(4, 4),
    '--dataflow',
    dataflow,
    '--engine',
    'register',
    '--check',
  );
  expect(out['check'].identical).toBe(true);
  expect(out['array']).toMatchObject({ rows: 4, cols: 4, format: 'int8', doubleBuffered: true });
  return out['totalCycles'];
}

async function showsDataflow(page: Page, dataflow: Dataflow): Promise<void> {
  await page.waitForSelector(`[data-testid="array"][data-dataflow="${dataflow}"]`);
  await ready(page);
}

describe.runIf(browserAvailable)('web UI: Systolic array', () => {
  const ui = useUi();
  it("animates a 4x4 ws GEMM with the CLI's cycles, per-cell values and the reference check", async () => {
    const { page, errors } = await ui.open('#/systolic?rows=4&cols=4&m=4&n=4&k=4&dataflow=ws');
    await showsDataflow(page, 'ws');
    const cycles = await stat(page, 'cycles');
    expect(cycles).toBe(await cliCycles('ws'));
    expect(await page.getByTestId('check').textContent()).toContain('output matches the reference');
    expect(await page.locator('rect[data-cell]').count()).toBe(16);
    await shot(page, 'systolic-ws-start');

    // The scrubber steps with the arrow keys, and the URL keeps the cycle.
    const middle = Math.floor(cycles / 2);
    const scrubber = page.locator('input[type="range"][name="cycle"]');
    await scrubber.focus();
    await page.keyboard.press('Home');
    for (let c = 0; c < middle; c++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction((c) => location.hash.includes(`cycle=${c}`), middle);

    // Cell (1, 1) shows the register engine's own snapshot of that cycle.
    const shape = { m: 4, n: 4, k: 4 };
    const run = registerEngine.run({
      shape,
      array: { rows: 4, cols: 4, dataflow: 'ws', format: 'int8', doubleBuffered: true },
      operands: randomOperands(shape, 'int8', 1),
      record: { maxCycles: 1000 },
    });
    const snap = run.snapshots![middle]!;
    const x = 1 * 4 + 1;
    expect(snap.tokens[x]).toBeGreaterThanOrEqual(0);
    await page.locator('rect[data-cell="1-1"]').hover();
    await page.waitForFunction(() =>
      (document.querySelector('[data-testid="cell-details"] h2')?.textContent ?? '').includes('(1, 1)'),
    );
    expect(await stat(page, 'cell-token')).toBe(snap.tokens[x]);
    expect(await stat(page, 'cell-left')).toBe(snap.fromLeft[x]);
    expect(await stat(page, 'cell-top')).toBe(snap.fromTop[x]);
    expect(await stat(page, 'cell-held')).toBe(snap.held[x]);
    expect(['fill', 'steady', 'drain']).toContain(await page.getByTestId('phase').locator('.value').textContent());
    await shot(page, 'systolic-ws-middle');

    // Keyboard: arrow keys move between cells, and the details follow the focus.
    await page.locator('rect[data-cell="1-1"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() =>
      (document.querySelector('[data-testid="cell-details"] h2')?.textContent ?? '').includes('(2, 1)'),
    );
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).toBe('2-1');

    // The frame downloads as SVG.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'SVG' }).click();
    const svg = readFileSync((await (await download).path())!, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain(`cycle ${middle} of ${cycles}`);

    for (const dataflow of ['os', 'is'] as const) {
      await page.getByLabel('dataflow').selectOption(dataflow);
      await page.waitForFunction((d) => location.hash.includes(`dataflow=${d}`), dataflow);
      await showsDataflow(page, dataflow);
      expect(await stat(page, 'cycles')).toBe(await cliCycles(dataflow));
      expect(await page.getByTestId('check').textContent()).toContain('output matches the reference');
      await shot(page, `systolic-${dataflow}`);
    }
    noErrors(errors);
    await page.close();
  });

  it('plays through to the last cycle', async () => {
    const { page, errors } = await ui.open('#/systolic?rows=3&cols=5&m=6&n=5&k=3&dataflow=os');
    await showsDataflow(page, 'os');
    const cycles = await stat(page, 'cycles');
    await page.getByLabel('speed (cycles/s)').selectOption('25');
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction((c) => location.hash.includes(`cycle=${c - 1}`), cycles, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Play' }).waitFor();
    expect(await page.getByTestId('phase').locator('.value').textContent()).toBe('drain');
    noErrors(errors);
    await page.close();
  });

  it('names the field and its limit for inputs out of range', async () => {
    const { page, errors } = await ui.open('#/systolic?rows=40&cols=4&m=4&n=4&k=0&dataflow=ws');
    await page.waitForSelector('[data-testid="input-issues"]');
    const text = await page.getByTestId('input-issues').textContent();
    expect(text).toContain('rows: 40 exceeds 32');
    expect(text).toContain('k: 0 is below 1');
    expect(await page.locator('rect[data-cell]').count()).toBe(0);
    await shot(page, 'systolic-invalid');
    await page.getByLabel('array rows (1-32)').fill('32');
    await page.getByLabel('K (1-64)').fill('64');
    await page.getByLabel('K (1-64)').press('Enter');
    await showsDataflow(page, 'ws');
    expect(await page.locator('rect[data-cell]').count()).toBe(32 * 4);
    noErrors(errors);
    await page.close();
  });
});
