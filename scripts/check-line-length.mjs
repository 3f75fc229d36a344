#!/usr/bin/env node
// Lines of source at most 120 characters (issue 18). Biome's formatter wraps code at 120 but leaves long
// string literals, comments and regular expressions alone; scripts/wrap-long-lines.mjs splits the strings
// and comments it can. What is left must be listed in scripts/long-lines.txt as `path: the line's start`
// with a reason, so the list only shrinks: a new long line fails, and so does a listed one that is gone.
// Usage: node scripts/check-line-length.mjs [--list]   (--list prints every long line, for the allow-list)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIMIT = 120;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['src', 'test', 'web/src', 'bench', 'scripts', 'bin'];
const EXTENSIONS = /\.(ts|tsx|mjs|js)$/;
const SKIP = /(^|\/)(fixtures|golden|snapshots|node_modules|dist)(\/|$)/;

function* files(dir) {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    const rel = relative(ROOT, path).split('\\').join('/');
    if (SKIP.test(rel)) continue;
    if (statSync(path).isDirectory()) yield* files(path);
    else if (EXTENSIONS.test(entry)) yield rel;
  }
}

/** `path: first 60 characters of the trimmed line` — stable under edits elsewhere in the file. */
const keyOf = (path, line) => `${path}: ${line.trim().slice(0, 60)}`;

const long = [];
for (const folder of FOLDERS) {
  const dir = join(ROOT, folder);
  try {
    statSync(dir);
  } catch {
    continue;
  }
  for (const path of files(dir)) {
    const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.length > LIMIT) long.push({ path, line: i + 1, length: line.length, key: keyOf(path, line) });
    });
  }
}

if (process.argv.includes('--list')) {
  for (const l of long) console.log(l.key);
  process.exit(0);
}

const allowFile = join(ROOT, 'scripts', 'long-lines.txt');
const allowed = new Set(
  readFileSync(allowFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#')),
);
const unexpected = long.filter((l) => !allowed.has(l.key));
const seen = new Set(long.map((l) => l.key));
const stale = [...allowed].filter((k) => !seen.has(k));
for (const l of unexpected) {
  console.error(
    `${l.path}:${l.line}: ${l.length} characters, over the limit of ${LIMIT} (not in scripts/long-lines.txt)`,
  );
}
for (const k of stale)
  console.error(`scripts/long-lines.txt lists a line that is no longer long or no longer there: ${k}`);
if (unexpected.length > 0 || stale.length > 0) process.exit(1);
console.log(
  `line length: every line at most ${LIMIT} characters but the ${allowed.size} listed in scripts/long-lines.txt`,
);
