import { describe, expect, it } from 'vitest';
import { CHIP_PRESETS } from '../arch/presets/index.js';
import { validateChip } from '../arch/validate.js';
import { STATIC_SHARE_OF_TDP } from '../model/estimate.js';
import { compileSweep } from './compile-sweep.js';
import { designChip, withModelledTdp } from './design.js';
import { chipPower } from '../cost/chip-power.js';
import { fnv1a64 } from './hash.js';

const SPEC = `
name: d
base: tpu-v5p
knobs:
  clockHz: { path: clockHz, values: [1GHz, 1.75GHz] }
  stacks: { int: [4, 6], step: 2 }
derived:
  offChipMemory.bandwidthBytesPerS: stacks * 819GB/s
  offChipMemory.capacityBytes: stacks * 16GiB
workloads:
  - { name: mm, kind: gemm, m: 1024, n: 1024, k: 1024 }
objectives:
  - { name: power, metric: powerW, direction: min }
sampler: { kind: grid }
`;

describe('design chips', () => {
  const sweep = compileSweep(SPEC);
  const base = CHIP_PRESETS['tpu-v5p']!;

  it('write knobs and derived rules, are valid chips, and drop what described the base silicon', () => {
    const chip = designChip(sweep.prepared, [1e9, 6]);
    expect(validateChip(chip)).toEqual([]);
    expect(chip.name).toBe('d-design');
    expect(chip.clockHz).toBe(1e9);
    expect(chip.offChipMemory.bandwidthBytesPerS).toBeCloseTo(6 * 819e9);
    expect(chip.offChipMemory.capacityBytes).toBe(6 * 16 * 2 ** 30);
    expect(chip.citations).toEqual({});
    expect(chip.technology?.tdpW).toBeUndefined();
    // The base's sustained clock keeps its ratio to the clock.
    expect(chip.technology!.sustainedClockHz! / chip.clockHz).toBeCloseTo(
      base.technology!.sustainedClockHz! / base.clockHz,
      12,
    );
  });

  it('get a TDP of their modelled peak power with static power at STATIC_SHARE_OF_TDP of it', () => {
    const chip = designChip(sweep.prepared, [1.75e9, 4]);
    const powered = withModelledTdp(chip);
    const dynamic = chipPower(chip).peakW;
    expect(powered.technology!.tdpW!).toBeCloseTo(dynamic / (1 - STATIC_SHARE_OF_TDP), 9);
    expect(chipPower(powered).staticW).toBeCloseTo(STATIC_SHARE_OF_TDP * powered.technology!.tdpW!, 9);
    const rows = sweep.evaluateChunk(0, sweep.count);
    expect(rows[0]!.objectives['power']!).toBeLessThan(rows[2]!.objectives['power']!);
  });
});

describe('fnv1a64', () => {
  it('is FNV-1a 64 over the UTF-16LE bytes of the text (values from an independent implementation)', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('089be207b544f1e4');
    expect(fnv1a64('sweep')).toBe('b6d34afcb9e77a39');
  });
});
