/**
 * The UI's bundle (issue 18): each page is its own chunk, loaded on its first visit, so what the first
 * paint loads stays small, and the build prints no chunk-size warning under web/vite.config.ts's limit.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, createLogger } from 'vite';
import { describe, expect, it } from 'vitest';

const WEB = join(import.meta.dirname, '..', '..', 'web');
const ENTRY_LIMIT_BYTES = 200_000; // web/vite.config.ts, build.chunkSizeWarningLimit (kB)

/** The page modules: web/src/pages files that export a `...Page` component. */
const pageFiles = readdirSync(join(WEB, 'src', 'pages'))
  .filter(
    (f) => f.endsWith('.tsx') && /export function \w+Page\(/.test(readFileSync(join(WEB, 'src', 'pages', f), 'utf8')),
  )
  .map((f) => f.replace(/\.tsx$/, ''));

describe('web UI bundle', () => {
  it('splits every page into its own chunk, keeps the entry small and builds without a chunk-size ' +
    'warning', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'tpusim-web-bundle-'));
    const warnings: string[] = [];
    const logger = createLogger('warn');
    const customLogger = {
      ...logger,
      warn: (msg: string) => warnings.push(msg),
      warnOnce: (msg: string) => warnings.push(msg),
    };
    await build({
      configFile: join(WEB, 'vite.config.ts'),
      logLevel: 'warn',
      customLogger,
      build: { outDir, emptyOutDir: true },
    });

    expect(warnings.filter((w) => /larger than/i.test(w))).toEqual([]);
    const assets = readdirSync(join(outDir, 'assets'));
    expect(pageFiles.length).toBeGreaterThanOrEqual(6);
    for (const page of pageFiles)
      expect(
        assets.some((a) => a.startsWith(`${page}-`) && a.endsWith('.js')),
        `a chunk for page ${page}`,
      ).toBe(true);

    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const entry = /<script[^>]+src="\.\/(assets\/index-[^"]+\.js)"/.exec(html)?.[1];
    expect(entry, 'index.html names its entry script').toBeDefined();
    expect(statSync(join(outDir, entry!)).size).toBeLessThan(ENTRY_LIMIT_BYTES);
  }, 120_000);
});
