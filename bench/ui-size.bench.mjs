// The web UI's download size (issue 18): every JS and CSS file of the built UI (dist-web, `npm run build`),
// raw and gzip-compressed (node:zlib, level 9), grouped as what the first paint loads (index.html's
// script and styles), what each page loads on its first visit, and the analysis worker. Goal: the first
// paint's JavaScript stays under web/vite.config.ts's chunk warning limit.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { line } from './harness.mjs';

const ENTRY_JS_LIMIT_KB = 200; // web/vite.config.ts, build.chunkSizeWarningLimit
const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist-web');
console.log('web UI bundle size (dist-web)');
if (!existsSync(join(root, 'index.html'))) {
  console.log('  skipped: needs the built UI (npm run build)');
  process.exit(0);
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const html = readFileSync(join(root, 'index.html'), 'utf8');
const linked = new Set([...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]));
const files = readdirSync(join(root, 'assets'))
  .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
  .sort()
  .map((f) => {
    const bytes = readFileSync(join(root, 'assets', f));
    const group = linked.has(`assets/${f}`)
      ? 'first paint'
      : f.startsWith('worker-')
        ? 'worker'
        : 'pages (on first visit)';
    return { name: f, group, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });

for (const group of ['first paint', 'pages (on first visit)', 'worker']) {
  const members = files.filter((f) => f.group === group);
  if (members.length === 0) continue;
  console.log(`  ${group}:`);
  for (const f of members) line(`  ${f.name}`, `${kb(f.raw).padStart(10)} raw  ${kb(f.gzip).padStart(9)} gzip`);
}
for (const ext of ['.js', '.css']) {
  const all = files.filter((f) => f.name.endsWith(ext));
  line(
    `all ${ext} files (${all.length})`,
    `${kb(all.reduce((s, f) => s + f.raw, 0)).padStart(10)} raw  ` +
      `${kb(all.reduce((s, f) => s + f.gzip, 0)).padStart(9)} gzip`,
  );
}
const entryJs = files.filter((f) => f.group === 'first paint' && f.name.endsWith('.js')).reduce((s, f) => s + f.raw, 0);
line('first paint JavaScript', kb(entryJs), {
  text: `< ${ENTRY_JS_LIMIT_KB} kB raw`,
  met: entryJs > 0 && entryJs < ENTRY_JS_LIMIT_KB * 1000,
});
