/**
 * Golden outputs (issue 18): each CLI run in test/golden/cases.ts, run in-process in a fresh folder,
 * must print and write exactly the bytes committed under test/golden/<case>/. A difference fails with
 * a unified-style diff of the first differing lines. After an intended change, `npm run golden:update`
 * (TPUSIM_GOLDEN_UPDATE=1) rewrites the files; review them as a diff before committing.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';
import { GOLDEN_CASES, type GoldenCase } from './golden/cases.js';
import { goldenDiff, isTextFile } from './golden/diff.js';

const ROOT = join(import.meta.dirname, '..');
const GOLDEN = join(ROOT, 'test', 'golden');
const UPDATE = process.env['TPUSIM_GOLDEN_UPDATE'] === '1';
/** Files in test/golden/ itself that are not a case's outputs. */
const HARNESS_ENTRIES = new Set(['cases.ts', 'diff.ts', '.gitattributes']);

/** Every file under `dir`, by path relative to `base` with '/' separators, in sorted order. */
function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [relative(base, dir).split(sep).join('/')];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => listFiles(join(dir, entry), base));
}

/** Runs one case; returns its outputs by golden path (stdout first, then the files it wrote). */
async function runCase(c: GoldenCase): Promise<Map<string, Buffer>> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tpusim-golden-')));
  for (const [name, from] of Object.entries(c.inputs ?? {})) {
    writeFileSync(join(dir, name), typeof from === 'string' ? readFileSync(join(ROOT, from)) : from());
  }
  const cwd = process.cwd();
  process.chdir(dir);
  let result: Awaited<ReturnType<typeof tpusim>>;
  try {
    result = await tpusim(...c.argv);
  } finally {
    process.chdir(cwd);
  }
  try {
    if (result.code !== 0) throw new Error(`tpusim ${c.argv.join(' ')} exited ${result.code}:\n${result.err}`);
    // No absolute path of the run's folder may reach a golden file.
    const normalise = (path: string, bytes: Buffer): Buffer =>
      isTextFile(path) ? Buffer.from(bytes.toString('utf8').replaceAll(dir, '<run>')) : bytes;
    const stdout = c.stdout ?? 'stdout.json';
    const files = new Map([[stdout, normalise(stdout, Buffer.from(result.out))]]);
    for (const output of c.outputs ?? []) {
      const written = listFiles(join(dir, output), dir);
      if (written.length === 0) throw new Error(`tpusim ${c.argv.join(' ')} wrote nothing at ${output}`);
      for (const path of written) files.set(path, normalise(path, readFileSync(join(dir, path))));
    }
    return files;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeGolden(c: GoldenCase, files: ReadonlyMap<string, Buffer>): void {
  const folder = join(GOLDEN, c.name);
  rmSync(folder, { recursive: true, force: true });
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), bytes);
  }
}

/** Every way this run's outputs differ from the committed ones, or [] when they are the same bytes. */
function compareGolden(c: GoldenCase, files: ReadonlyMap<string, Buffer>): string[] {
  const folder = join(GOLDEN, c.name);
  const committed = listFiles(folder);
  const problems: string[] = [];
  for (const path of committed)
    if (!files.has(path)) problems.push(`test/golden/${c.name}/${path}: committed, but this run did not write it`);
  for (const [path, bytes] of files) {
    if (!committed.includes(path)) {
      problems.push(`test/golden/${c.name}/${path}: written by this run, but not committed`);
      continue;
    }
    const diff = goldenDiff(`${c.name}/${path}`, readFileSync(join(folder, path)), bytes);
    if (diff !== undefined) problems.push(diff);
  }
  return problems;
}

describe('golden CLI outputs', () => {
  it('has one folder per case and no folders of removed cases', () => {
    const names = GOLDEN_CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const stale = readdirSync(GOLDEN).filter((e) => !HARNESS_ENTRIES.has(e) && !names.includes(e));
    if (UPDATE) for (const entry of stale) rmSync(join(GOLDEN, entry), { recursive: true, force: true });
    else
      expect(stale, 'folders of cases no longer in test/golden/cases.ts (npm run golden:update removes them)').toEqual(
        [],
      );
  });

  it.each(GOLDEN_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const files = await runCase(c);
    if (UPDATE) return writeGolden(c, files);
    const problems = compareGolden(c, files);
    if (problems.length > 0)
      throw new Error(
        `tpusim ${c.argv.join(' ')}: output differs from test/golden/${c.name}/ (npm run golden:update after an ` +
          `intended change)\n${problems.join('\n')}`,
      );
  });
});

describe('golden diff', () => {
  it('shows the first differing lines with context, as a unified hunk', () => {
    const committed = Buffer.from('a\nb\nc\nd\ne\nf\n');
    const actual = Buffer.from('a\nb\nc\nd\nE\nf\n');
    expect(goldenDiff('x/stdout.json', committed, actual)).toBe(
      [
        '--- test/golden/x/stdout.json (committed)',
        '+++ test/golden/x/stdout.json (this run)',
        '@@ -2,4 +2,4 @@',
        ' b',
        ' c',
        ' d',
        '-e',
        '+E',
      ].join('\n'),
    );
  });

  it('shows lines a run added at the end', () => {
    expect(goldenDiff('x/a.svg', Buffer.from('<svg>\n</svg>\n'), Buffer.from('<svg>\n</svg>\n<extra/>\n'))).toContain(
      '@@ -1,2 +1,3 @@\n <svg>\n </svg>\n+<extra/>',
    );
  });

  it('gives the offset of the first differing byte of a binary file', () => {
    expect(goldenDiff('x/w.npy', Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4, 5))).toBe(
      'test/golden/x/w.npy: bytes differ first at offset 2 (committed 0x03, this run 0x04); sizes 3 and 4 bytes',
    );
  });

  it('says nothing when the bytes are equal', () => {
    expect(goldenDiff('x/stdout.json', Buffer.from('same\n'), Buffer.from('same\n'))).toBeUndefined();
  });
});
