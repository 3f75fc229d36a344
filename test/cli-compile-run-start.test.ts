/** `tpusim compile MODEL` and `tpusim run MODEL` start the same way (cli/model-compile-arg.ts): pinned here. */
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

describe('compile and run MODEL: the shared start', () => {
  it('both need --chip, each saying who needs it (usage error, exit 2)', async () => {
    const compile = await tpusim('compile', 'resnet18');
    expect(compile.code).toBe(2);
    expect(compile.err).toContain('compile needs --chip NAME|FILE (tpusim chips lists the presets)');
    const run = await tpusim('run', 'resnet18');
    expect(run.code).toBe(2);
    expect(run.err).toContain('running a model needs --chip NAME|FILE (tpusim chips lists the presets)');
  });

  it(
    'both take the model, compiler and limit options, and refuse work over --max-memory before ' + 'compiling',
    async () => {
      for (const command of ['compile', 'run']) {
        const r = await tpusim(
          command,
          'resnet18',
          '--chip',
          'tpu-v4',
          '--batch',
          '2',
          '--dtype',
          'bf16',
          '--max-memory',
          '1KiB',
        );
        expect(r.code, `${command}: ${r.err}`).toBe(1);
        expect(r.err).toMatch(/max-memory/);
        expect(r.out).toBe('');
      }
    },
  );
});
