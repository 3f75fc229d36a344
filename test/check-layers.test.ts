/** scripts/check-layers.mjs on small source trees: import cycles fail, type-only ones included (issue 18). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'check-layers.mjs');
const roots: string[] = [];

/** Runs the check on a tree of `files` (paths under src/, with their text). */
function checkTree(files: Record<string, string>): { code: number | null; out: string; err: string } {
  const root = mkdtempSync(join(tmpdir(), 'tpusim-layers-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'src', path)), { recursive: true });
    writeFileSync(join(root, 'src', path), text);
  }
  const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('check-layers: import cycles', () => {
  it('passes a tree whose imports point one way', () => {
    const r = checkTree({
      'core/a.ts': "import type { B } from './b.js';\nexport interface A { readonly b: B }\n",
      'core/b.ts': 'export interface B { readonly n: number }\n',
      'arch/c.ts': "import type { A } from '../core/a.js';\nexport type C = A;\n",
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('fails on two files that import each other, even for types only, and names the cycle', () => {
    const r = checkTree({
      'compile/lower.ts':
        "import { lowerMatrix } from './lower-matrix.js';\nexport class Lowering { run(): void { " +
        'lowerMatrix(this); } }\n',
      'compile/lower-matrix.ts':
        "import type { Lowering } from './lower.js';\nexport function lowerMatrix(ctx: Lowering): void { void ctx; }\n",
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'import cycle: src/compile/lower-matrix.ts -> src/compile/lower.ts -> src/compile/lower-matrix.ts',
    );
  });

  it('fails on a longer cycle through re-exports and multi-line imports, and ignores tests', () => {
    const r = checkTree({
      'cli/a.ts': "import {\n  b,\n} from './b.js';\nexport const a = (): number => b() + 1;\n",
      'cli/b.ts': "export { c as b } from './c.js';\n",
      'cli/c.ts': "import { a } from './a.js';\nexport const c = (): number => (a.length > 0 ? 1 : 0);\n",
      'cli/d.ts': 'export const d = 1;\n',
      'cli/d.test.ts': "import { d } from './d.js';\nimport { a } from './a.js';\nvoid d; void a;\n",
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain('import cycle: src/cli/a.ts -> src/cli/b.ts -> src/cli/c.ts -> src/cli/a.ts');
    expect(r.err.match(/import cycle/g)).toHaveLength(1);
  });
});
