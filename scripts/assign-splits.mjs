#!/usr/bin/env node
// Fills in the calibration / held-out split of validation rows that have none, from a hash of the row's
// id (FNV-1a, 32 bits): about 40% calibration. Run it when a row is written, before its prediction is
// looked at; a split already in the file is never changed. Usage: node scripts/assign-splits.mjs FILE...
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

/** FNV-1a over the id's UTF-16 code units (ids are ASCII). */
export function splitOf(id) {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 10 < 4 ? 'calibration' : 'held-out';
}

function assign(file) {
  const text = readFileSync(file, 'utf8');
  const doc = parse(text);
  const rows = Array.isArray(doc?.rows) ? doc.rows : [];
  const missing = new Set(rows.filter((r) => r && typeof r.id === 'string' && r.split === undefined).map((r) => r.id));
  if (missing.size === 0) return 0;
  const lines = text.split('\n');
  const out = [];
  let added = 0;
  for (const line of lines) {
    out.push(line);
    const m = /^(\s*)- id:\s*['"]?([A-Za-z0-9._-]+)['"]?\s*$/.exec(line);
    if (m && missing.has(m[2])) {
      out.push(`${m[1]}  split: ${splitOf(m[2])}`);
      missing.delete(m[2]);
      added++;
    }
  }
  if (missing.size > 0)
    throw new Error(
      `${file}: could not find the '- id:' line of ${[...missing].join(', ')} (write each row as '- id: NAME' on ` +
        `its own line)`,
    );
  writeFileSync(`${file}.tmp`, out.join('\n'));
  renameSync(`${file}.tmp`, file);
  return added;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/assign-splits.mjs validation/data/CATEGORY/FILE.yaml ...');
  process.exit(2);
}
for (const f of files) console.log(`${f}: ${assign(f)} split(s) assigned`);
