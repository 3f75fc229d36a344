#!/usr/bin/env node
// Checks that imports follow the layer direction of DESIGN.md, that library code stays browser-safe and
// deterministic, and prints the line count per folder. Exits non-zero on any violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

const LIBRARY = ['core', 'arch', 'graph', 'isa', 'compile', 'sim', 'model', 'cluster', 'cost', 'validation', 'explore', 'report'];
/** Which layers each layer may import (besides itself), from DESIGN.md's table. */
const ALLOWED = {
  core: [],
  arch: ['core'],
  graph: ['core'],
  isa: ['core', 'arch'],
  compile: ['core', 'arch', 'graph', 'isa'],
  sim: ['core', 'arch', 'isa'],
  model: ['core', 'arch', 'graph'],
  cluster: ['core', 'arch', 'graph', 'model'],
  cost: ['core', 'arch'],
  validation: ['core', 'arch', 'graph', 'model', 'cluster', 'cost'],
  explore: LIBRARY.filter((l) => l !== 'explore'),
  report: ['core'],
  cli: ['index'],
};
/** `report` formats results of every layer: type-only imports of them are fine. */
const TYPE_ONLY_ALLOWED = { report: LIBRARY };
/** Line limits per source file (tests excluded): warn above the first, fail above the second. */
const SOFT_LIMIT = 400;
const HARD_LIMIT = 600;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const layerOf = (file) => {
  const rel = relative(src, file).split(sep);
  return rel.length === 1 ? rel[0].replace(/\.ts$/, '') : rel[0];
};

const problems = [];
const warnings = [];
const lines = new Map();
const importPattern = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm;

for (const file of walk(src).filter((f) => f.endsWith('.ts'))) {
  const text = readFileSync(file, 'utf8');
  const layer = layerOf(file);
  const rel = relative(root, file);
  const isTest = file.endsWith('.test.ts') || rel.includes(`${sep}test-support${sep}`);
  const count = text.split('\n').length;
  const entry = lines.get(layer) ?? { code: 0, test: 0, files: 0 };
  entry[isTest ? 'test' : 'code'] += count;
  entry.files += 1;
  lines.set(layer, entry);
  if (!isTest && count > HARD_LIMIT) problems.push(`${rel}: ${count} lines (limit ${HARD_LIMIT}); split it`);
  else if (!isTest && count > SOFT_LIMIT) warnings.push(`${rel}: ${count} lines (aim for under ${SOFT_LIMIT})`);

  for (const match of text.matchAll(importPattern)) {
    const typeOnly = Boolean(match[2]);
    const spec = match[3];
    if (spec.startsWith('node:')) {
      if (layer !== 'cli' && !isTest) problems.push(`${rel}: imports ${spec}; only cli/ may use Node.js modules`);
      continue;
    }
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(src)) continue;
    const targetLayer = layerOf(target.replace(/\.js$/, '.ts'));
    if (targetLayer === layer || layer === 'index' || isTest) continue;
    const allowed = ALLOWED[layer];
    if (!allowed) {
      problems.push(`${rel}: folder '${layer}' is not a layer of DESIGN.md`);
      continue;
    }
    if (allowed.includes(targetLayer)) continue;
    if (typeOnly && (TYPE_ONLY_ALLOWED[layer] ?? []).includes(targetLayer)) continue;
    problems.push(`${rel}: ${layer}/ must not import ${targetLayer}/ (${spec})`);
  }

  if (layer !== 'cli' && !isTest) {
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const banned = [
      [/\bMath\.random\s*\(/, 'Math.random (use core/rng)'],
      [/\bDate\.now\s*\(|\bnew Date\s*\(|\bperformance\.now\s*\(/, 'a clock (library code is deterministic)'],
      [/\bprocess\.|\bBuffer\.|\brequire\s*\(/, 'a Node.js global (library code must run in a browser)'],
      [/\bconsole\./, 'console output (only cli/ prints)'],
    ];
    for (const [pattern, what] of banned) if (pattern.test(code)) problems.push(`${rel}: uses ${what}`);
  }
}

const order = ['index', ...LIBRARY, 'cli'];
const rows = [...lines.entries()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
console.log('lines per folder (src/):');
console.log(`  ${'folder'.padEnd(10)} ${'files'.padStart(5)} ${'code'.padStart(7)} ${'tests'.padStart(7)}`);
let code = 0;
let tests = 0;
for (const [layer, entry] of rows) {
  console.log(`  ${layer.padEnd(10)} ${String(entry.files).padStart(5)} ${String(entry.code).padStart(7)} ${String(entry.test).padStart(7)}`);
  code += entry.code;
  tests += entry.test;
}
console.log(`  ${'total'.padEnd(10)} ${''.padStart(5)} ${String(code).padStart(7)} ${String(tests).padStart(7)}`);
for (const w of warnings) console.log(`warning: ${w}`);
if (problems.length > 0) {
  console.error(`\nlayer check failed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('layer check: imports follow DESIGN.md');
