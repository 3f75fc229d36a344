#!/usr/bin/env node
// `npm run validate`: predicts every row of validation/data with the built library (dist/), prints the
// error per category and split and the worst held-out rows, and writes docs/validation.md (with a chart,
// docs/validation.svg) and
// src/model/validation-data.ts (the held-out errors the CLI and UI quote beside their predictions).
// A report like the benchmarks, not a test. Options: --check (only parse and map the rows; prints no
// errors), --json (every row's prediction as JSON on stdout), --no-write.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  formatIssues,
  formatValidationReport,
  parseValidationFile,
  predictRow,
  summarize,
  validationMarkdown,
  validationRatioSvg,
  worstRows,
  VALIDATION_CATEGORIES,
} from '../dist/index.js';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const dataDir = join(root, 'validation', 'data');
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--check', '--json', '--no-write'].includes(a)) {
    console.error(`validate: unknown option ${a} (options: --check, --json, --no-write)`);
    process.exit(2);
  }
}

function walk(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : /\.ya?ml$/.test(name) ? [path] : [];
    });
}

function writeAtomically(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const rows = [];
const problems = [];
const ids = new Map();
for (const file of walk(dataDir)) {
  const name = relative(root, file);
  const parsed = parseValidationFile(readFileSync(file, 'utf8'), name);
  if (!parsed.ok) {
    problems.push(formatIssues(parsed.issues));
    continue;
  }
  for (const row of parsed.value.rows) {
    if (ids.has(row.id)) problems.push(`${name}: row id '${row.id}' is also used in ${ids.get(row.id)}`);
    ids.set(row.id, name);
    const category = name.split('/')[2];
    if (row.category !== category)
      problems.push(`${name}: row '${row.id}' has category ${row.category} but sits in validation/data/${category}/`);
    rows.push(row);
  }
}
if (problems.length > 0) {
  console.error(`validate: ${problems.length} problem(s) in validation/data:\n${problems.join('\n')}`);
  process.exit(1);
}

const predictions = rows.map(predictRow);
const unmapped = predictions.filter((p) => !p.ok);
if (args.has('--check')) {
  console.log(`${rows.length} rows parsed; ${rows.length - unmapped.length} map to a prediction`);
  for (const p of unmapped) console.log(`  ${p.row.id}: ${p.reason}`);
  process.exitCode = unmapped.length > 0 ? 1 : 0;
} else if (args.has('--json')) {
  // Written without exiting: a pipe takes large output asynchronously.
  process.stdout.write(
    `${JSON.stringify(
      predictions.map((p) =>
        p.ok
          ? {
              id: p.row.id,
              category: p.row.category,
              split: p.row.split,
              metric: p.row.measured.metric,
              measured: p.row.measured.value,
              predicted: p.predicted,
              error: p.error,
              notes: p.notes,
            }
          : { id: p.row.id, unmapped: p.reason },
      ),
      null,
      2,
    )}\n`,
  );
} else {
  report();
}

function report() {
  const summary = summarize(predictions);
  const worst = Object.fromEntries(VALIDATION_CATEGORIES.map((c) => [c, worstRows(predictions, c, 5)]));
  console.log(formatValidationReport(summary, worst, unmapped));

  if (!args.has('--no-write')) {
    const method = `# Validation against published measurements

Written by \`npm run validate\` from the rows in \`validation/data/\` (how rows are written, sourced and
split: [validation/README.md](../validation/README.md)). Each row is a published measured result
mapped to the workload it ran; tpusim predicts the same metric with the same models the CLI uses. Rows
were split into calibration and held-out rows by a hash of their id when they were written, before
any prediction was looked at; constants may be fitted to calibration rows only, and the error to quote
is the held-out error. \`speed ratio\` is predicted speed over measured speed: above 1 the model is
optimistic (too fast), below 1 pessimistic. MAPE is the mean of |predicted / measured - 1|.

${rows.length} rows in ${VALIDATION_CATEGORIES.length} categories; ${unmapped.length} could not be predicted.

![Predicted over measured speed of every row, by category](validation.svg)
`;
    writeAtomically(join(root, 'docs', 'validation.md'), validationMarkdown(summary, predictions, method));
    writeAtomically(join(root, 'docs', 'validation.svg'), validationRatioSvg(predictions, VALIDATION_CATEGORIES));
    const round = (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v);
    const data =
      `/** Written by \`npm run validate\` (scripts/validate.mjs) from validation/data; do not edit by hand. ` +
      `*/
import type { ValidationSummary } from './validation.js';

export const VALIDATION_SUMMARY: ` +
      `ValidationSummary = ${JSON.stringify(summary, round, 2)};
`;
    writeAtomically(join(root, 'src', 'model', 'validation-data.ts'), data);
    console.log(
      '\nwrote docs/validation.md, docs/validation.svg and src/model/validation-data.ts (rebuild with npm run ' +
        'build to use them in dist/)',
    );
  }
}
