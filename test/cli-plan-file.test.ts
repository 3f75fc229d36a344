import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

describe('tpusim train --plan FILE', () => {
  it('names every problem of a bad plan file at once, exit 1, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-plan-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'tp: 0\nzero: 5\nrecompute: ful\nsequenceParallel: 1\ntpp: 2\n');
    const r = await tpusim('train', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '64', '--plan', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}: tp must be a whole number from 1 to 102400000000, got 0`);
    expect(r.err).toContain(`${bad}: zero must be a whole number from 0 to 3, got 5`);
    expect(r.err).toContain(`${bad}: recompute must be one of none, selective, full, got "ful"; did you mean 'full'?`);
    expect(r.err).toContain(`${bad}: sequenceParallel must be true or false, got 1`);
    expect(r.err).toContain(`${bad}: unknown plan field 'tpp'; did you mean 'tp'?`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('a plan file sets the sequence length and global batch of the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-plan-'));
    const good = join(dir, 'plan.json');
    writeFileSync(good, JSON.stringify({ tp: 8, pp: 2, dp: 4, zero: 1, seq: 2048, globalBatch: 64 }));
    const r = await tpusim('train', 'llama3-70b', '--chip', 'h100-sxm', '--chips', '64', '--plan', good, '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.plan).toMatchObject({ tp: 8, pp: 2, dp: 4, zero: 1, seq: 2048, globalBatch: 64 });
  });
});
