/** A systolic unit's `productsPerAdder` (issue 19): validated with its path, value and limit, and priced in area. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../src/arch/presets/index.js';
import { validateChip } from '../src/arch/validate.js';
import type { ChipSpec } from '../src/arch/chip-spec.js';
import { tpusim } from './cli-helper.js';

const withProducts = (name: string, productsPerAdder: unknown): ChipSpec => {
  const chip = getChipPreset(name);
  return {
    ...chip,
    cores: chip.cores.map((c) => ({
      ...c,
      matrixUnits: c.matrixUnits.map((u) => ({ ...u, productsPerAdder }) as typeof u),
    })),
  };
};

const messages = (chip: unknown): string[] => validateChip(chip).map((i) => `${i.path}: ${i.message}`);

describe('matrixUnits[].productsPerAdder', () => {
  it('the presets that set it are valid', () => {
    expect(messages(getChipPreset('tpu-v4'))).toEqual([]);
    expect(messages(getChipPreset('tpu-v4i'))).toEqual([]);
  });

  it('bad values are named with the field, the value and the limit', () => {
    const path = 'cores[0].matrixUnits[0].productsPerAdder';
    expect(messages(withProducts('tpu-v4i', 100))).toEqual([`${path}: 100 exceeds the maximum 64`]);
    expect(messages(withProducts('tpu-v4i', 0))).toEqual([`${path}: 0 is below the minimum 1`]);
    expect(messages(withProducts('tpu-v4i', 2.5))).toEqual([`${path}: 2.5 is not an integer`]);
  });

  it("a tensor-core unit may not set it: its dot-product width is the cost book's", () => {
    expect(messages(withProducts('h100-sxm', 4))).toEqual([
      "cores[0].matrixUnits[0].productsPerAdder: 4 is given for a 'tensor-core' unit: only systolic units take it " +
        "(a tensor core's dot-product width is the cost book entry area.dotProductWidth)",
    ]);
  });

  it('tpusim cost: a bad value exits 1 naming it; a good one moves the matrix area only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-ppa-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(withProducts('tpu-v4i', 100)));
    const r = await tpusim('cost', '--chip', bad);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/cores\[0\]\.matrixUnits\[0\]\.productsPerAdder: 100 exceeds the maximum 64/);

    const own = join(dir, 'own.json');
    writeFileSync(own, JSON.stringify(withProducts('tpu-v4i', 1)));
    const a = JSON.parse((await tpusim('cost', '--chip', own, '--json')).out).area;
    const b = JSON.parse((await tpusim('cost', '--chip', 'tpu-v4i', '--json')).out).area;
    expect(b.matrixMm2 / a.matrixMm2).toBeCloseTo(0.7925, 9);
    expect(b.sramMm2).toBe(a.sramMm2);
    expect(b.vectorMm2).toBe(a.vectorMm2);
  });
});
