#!/usr/bin/env node
// Rewrites the golden CLI outputs under test/golden/ (npm run golden:update): runs test/golden.test.ts
// with TPUSIM_GOLDEN_UPDATE=1, which writes what each case prints and writes instead of comparing, and
// removes the folders of cases no longer listed. Review the result with `git diff test/golden` before
// committing it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', 'test/golden.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TPUSIM_GOLDEN_UPDATE: '1' },
});
if (result.status === 0)
  console.log('golden outputs rewritten under test/golden/; review them with: git diff --stat test/golden');
process.exit(result.status ?? 1);
