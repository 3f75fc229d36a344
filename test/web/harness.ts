/**
 * End-to-end harness for the web UI: builds the UI into a temporary folder, serves it with the same
 * server as `tpusim ui`, and drives Debian's chromium through playwright-core. Every page load fails
 * the test on a console error, an uncaught exception or a request to anywhere but the UI's own server;
 * screenshots go to test-results/screenshots/.
 * Without /usr/bin/chromium the browser tests are skipped locally and fail in CI (CI=true).
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startUiServer, type UiServer } from '../../src/cli/ui-server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const browserAvailable = existsSync(CHROMIUM) || process.env['CI'] === 'true';
const SHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

export interface Ui {
  browser: Browser;
  server: UiServer;
  /**
   * Opens `hash` (e.g. `#/model?model=resnet50`) in a fresh page that records console errors; 1400 x 1000 unless
   * `viewport` says otherwise.
   */
  open(hash: string, viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }>;
}

/** Builds, serves and launches once per test file; closes everything after it. */
export function useUi(): Ui {
  const ui = {} as Ui;
  beforeAll(async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'tpusim-web-'));
    await build({
      configFile: join(import.meta.dirname, '..', '..', 'web', 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir, emptyOutDir: true },
    });
    ui.server = await startUiServer({ port: 0, root: outDir });
    ui.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    ui.open = async (hash: string, viewport = { width: 1400, height: 1000 }) => {
      const page = await ui.browser.newPage({ viewport });
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      // Nothing may leave the machine: every request goes to the UI's own server (or stays in the page).
      page.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(ui.server.url) && !url.startsWith('data:') && !url.startsWith('blob:'))
          errors.push(`request to ${url}`);
      });
      await page.goto(`${ui.server.url}${hash}`);
      return { page, errors };
    };
  }, 120_000);
  afterAll(async () => {
    await ui.browser?.close();
    await ui.server?.close();
  });
  return ui;
}

/** Waits until the page's latest request has answered (its status says ready) and returns the time it reported. */
export async function ready(page: Page, selector = '.status'): Promise<number> {
  await page.waitForSelector(`${selector}[data-state="ready"]`, { timeout: 60_000 });
  return Number((await page.getAttribute(`${selector}[data-state="ready"]`, 'data-ms')) ?? NaN);
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** A headline number a page shows, from its `data-value`. */
export async function stat(page: Page, testid: string): Promise<number> {
  return Number(await page.getAttribute(`[data-testid="${testid}"]`, 'data-value'));
}

export function noErrors(errors: readonly string[]): void {
  expect(errors, errors.join('\n')).toEqual([]);
}

/** The CLI's JSON for the same inputs. */
export async function cliJson(...argv: string[]): Promise<Record<string, any>> {
  let out = '';
  let err = '';
  const code = await main([...argv, '--json'], { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  expect(code, err).toBe(0);
  return JSON.parse(out);
}
