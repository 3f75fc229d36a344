/** A new design's estimate runs at the clock its power limit holds, and says so (model/power-clock.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

async function chipFile(technology: Record<string, number>): Promise<string> {
  const shown = JSON.parse((await tpusim('chip', 'show', 'h100-sxm', '--json')).out).chip;
  const file = join(mkdtempSync(join(tmpdir(), 'tpusim-clock-')), 'my.json');
  const { citations: _c, ...chip } = shown;
  writeFileSync(file, JSON.stringify({ ...chip, name: 'my-design', technology }));
  return file;
}

describe('tpusim estimate on a chip file with no sustained clock', () => {
  it('an aggressive clock under a TDP: a lower modelled clock, stated, and a longer time', async () => {
    const capped = await tpusim(
      'estimate',
      'bert-base',
      '--chip',
      await chipFile({ processNm: 4, dieAreaMm2: 814, tdpW: 700 }),
      '--json',
    );
    const free = await tpusim(
      'estimate',
      'bert-base',
      '--chip',
      await chipFile({ processNm: 4, dieAreaMm2: 814 }),
      '--json',
    );
    expect(capped.code, capped.err).toBe(0);
    expect(free.code, free.err).toBe(0);
    const a = JSON.parse(capped.out);
    const b = JSON.parse(free.out);
    expect(a.totalTimeS).toBeGreaterThan(b.totalTimeS);
    expect(a.warnings.join('\n')).toMatch(/sustained clock 1\.\d+ GHz \(modelled: power-limited at 700 W/);
    const text = await tpusim(
      'estimate',
      'bert-base',
      '--chip',
      await chipFile({ processNm: 4, dieAreaMm2: 814, tdpW: 700 }),
    );
    expect(text.out + text.err).toMatch(/sustained clock 1\.\d+ GHz \(modelled: power-limited at 700 W/);
  });

  it('a sourced sustained clock is kept: the preset times as it did', async () => {
    const preset = JSON.parse((await tpusim('estimate', 'bert-base', '--chip', 'h100-sxm', '--json')).out);
    expect(preset.warnings.join('\n')).not.toMatch(/modelled: power-limited/);
    expect(preset.warnings.join('\n')).toMatch(/sustained clock 1335 MHz \(measured\)/);
  });
});
