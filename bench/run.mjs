#!/usr/bin/env node
// Runs every bench/*.bench.mjs in its own Node.js process (so one benchmark's JIT state does not
// colour another's) and prints their figures. Benchmarks print; they never fail the build.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
console.log(
  `tpusim benchmarks: node ${process.version}, ${new Date().toISOString().slice(0, 10)}; one process each, one ` +
    `core unless a line says threads; figures from this run only\n`,
);
let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, [join(here, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
  console.log('');
}
process.exit(failed > 0 ? 1 : 0);
