/**
 * The error bars the CLI and UI quote (src/model/validation-data.ts) are the ones the suite gives today:
 * the committed summary equals a fresh summary of every row in validation/data, so a change to the
 * model or the data that moves an error cannot land without `npm run validate` rewriting it (and
 * docs/validation.md). Also: every row parses, ids are unique, and rows sit in their category's folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VALIDATION_SUMMARY } from '../model/validation-data.js';
import { predictRow } from './predict.js';
import { parseValidationFile } from './rows.js';
import { summarize } from './stats.js';
import type { ValidationRow } from './types.js';

const root = join(import.meta.dirname, '..', '..');
const walk = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : /\.ya?ml$/.test(name) ? [path] : [];
    });

/** Numbers as validate.mjs writes them: 4 significant digits. */
const rounded = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v,
    ),
  );

describe('the validation suite', () => {
  const rows: ValidationRow[] = [];
  const problems: string[] = [];
  for (const file of walk(join(root, 'validation', 'data'))) {
    const name = relative(root, file);
    const parsed = parseValidationFile(readFileSync(file, 'utf8'), name);
    if (!parsed.ok) problems.push(...parsed.issues.map((i) => `${i.path}: ${i.message}`));
    else
      for (const row of parsed.value.rows) {
        if (name.split('/')[2] !== row.category) problems.push(`${name}: ${row.id} is ${row.category}`);
        rows.push(row);
      }
  }

  it('parses, with unique ids, each row in its category folder, at least 200 rows', () => {
    expect(problems).toEqual([]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(200);
  });

  it('has the summary the error bars quote: npm run validate was run after the last change', () => {
    const fresh = rounded(summarize(rows.map(predictRow)));
    expect(rounded(VALIDATION_SUMMARY), 'src/model/validation-data.ts is stale: run npm run validate').toEqual(fresh);
  });
});
