import { describe, expect, it } from 'vitest';
import { NUMBER_FORMAT_NAMES } from '../core/number-formats.js';
import { KIB, MIB } from '../core/units.js';
import {
  ENERGY_SOURCES,
  OFF_CHIP_MEMORY,
  STILLMAKER_ENERGY_COEFFICIENTS,
  energyScale,
  energyTable,
  resolveOffChipKind,
} from './energy.js';

const at45 = energyTable(45);

describe('45 nm table equals Horowitz, ISSCC 2014, Fig. 1.1.9', () => {
  it.each([
    ['int8', 0.2 + 0.1],
    ['int32', 3.1 + 0.1],
    ['fp16', 1.1 + 0.9],
    ['bf16', 1.1 + 0.9],
    ['fp32', 3.7 + 0.9],
  ])('%s MAC = mult + accumulator add', (format, pj) => {
    expect(at45.macPj(format)).toBeCloseTo(pj, 12);
  });

  it('vector op is an fp32 mult + add', () => {
    expect(at45.vectorOpPj).toBeCloseTo(3.7 + 0.9, 12);
  });

  it('SRAM hits the three published 64-bit access energies exactly', () => {
    expect(at45.sramPjPerByte(8 * KIB) * 8).toBeCloseTo(10, 12);
    expect(at45.sramPjPerByte(32 * KIB) * 8).toBeCloseTo(20, 12);
    expect(at45.sramPjPerByte(1 * MIB) * 8).toBeCloseTo(100, 12);
  });

  it('registers are priced as the smallest SRAM point', () => {
    expect(at45.registerPjPerByte).toBeCloseTo(10 / 8, 12);
  });

  it('DDR is the low end of 1.3-2.6 nJ per 64-bit access', () => {
    expect(at45.offChipPjPerByte('DDR3')).toBeCloseTo(1300 / 8, 12);
  });
});

describe('SRAM size curve', () => {
  it('grows with size between and beyond the points, and is flat below 8 KiB', () => {
    const sizes = [8 * KIB, 16 * KIB, 32 * KIB, 256 * KIB, 1 * MIB, 32 * MIB, 128 * MIB];
    const pj = sizes.map((s) => at45.sramPjPerByte(s));
    for (let i = 1; i < pj.length; i++) expect(pj[i]!).toBeGreaterThan(pj[i - 1]!);
    expect(at45.sramPjPerByte(1 * KIB)).toBe(at45.sramPjPerByte(8 * KIB));
  });

  it('prices nonsense sizes without throwing', () => {
    expect(Number.isFinite(at45.sramPjPerByte(0))).toBe(true);
    expect(Number.isFinite(at45.sramPjPerByte(Number.NaN))).toBe(true);
  });
});

describe('node scaling (Stillmaker & Baas 2017)', () => {
  it('is 1 at 45 nm and falls monotonically with the node', () => {
    expect(energyScale(45)).toBe(1);
    const nodes = [90, 65, 45, 32, 28, 22, 20, 16, 14, 12, 10, 7, 5, 4, 3];
    for (let i = 1; i < nodes.length; i++) expect(energyScale(nodes[i]!)).toBeLessThan(energyScale(nodes[i - 1]!));
    expect(energyTable(4).macPj('bf16')).toBeLessThan(energyTable(7).macPj('bf16'));
    expect(energyTable(3).sramPjPerByte(MIB)).toBeLessThan(energyTable(5).sramPjPerByte(MIB));
  });

  it('7 nm factor is Table 5 (HP) at 0.7 V over 45 nm at 1.0 V', () => {
    const e7 = 0.1776 * 0.7 ** 2 - 0.09097 * 0.7 + 0.02447;
    const e45 = 1.018 * 1.0 ** 2 - 0.3107 * 1.0 + 0.1539;
    expect(energyScale(7)).toBeCloseTo(e7 / e45, 12);
    expect(energyScale(7)).toBeCloseTo(0.0555, 4);
    expect(STILLMAKER_ENERGY_COEFFICIENTS.map((r) => r.nodeNm)).toEqual([45, 32, 20, 16, 14, 10, 7]);
  });

  it('32 nm factor reproduces the corrigendum example (0.4571 at 0.9 V)', () => {
    expect(energyScale(32) * (1.018 - 0.3107 + 0.1539)).toBeCloseTo(0.4571, 4);
  });

  it('rejects a node that is not a positive number', () => {
    expect(() => energyTable(0)).toThrow(/process node/);
    expect(() => energyTable(Number.NaN)).toThrow(/process node/);
  });
});

describe('off-chip memory and links', () => {
  it('are node-independent', () => {
    expect(energyTable(7).offChipPjPerByte('HBM2')).toBe(at45.offChipPjPerByte('HBM2'));
    expect(energyTable(3).linkPjPerByte('pcie')).toBe(at45.linkPjPerByte('pcie'));
  });

  it('HBM2 is 3.9 pJ/bit and cheaper than GDDR6, which is cheaper than DDR', () => {
    expect(at45.offChipPjPerByte('HBM2')).toBeCloseTo(3.9 * 8, 12);
    expect(at45.offChipPjPerByte('HBM2')).toBeLessThan(at45.offChipPjPerByte('GDDR6'));
    expect(at45.offChipPjPerByte('GDDR6')).toBeLessThan(at45.offChipPjPerByte('DDR4'));
  });

  it('matches kinds case- and punctuation-insensitively', () => {
    expect(resolveOffChipKind('hbm-2e')).toBe('HBM2e');
    expect(resolveOffChipKind('HBM3E')).toBe('HBM3');
    expect(resolveOffChipKind('LPDDR5X')).toBe('LPDDR5');
  });

  it('prices unknown kinds with the documented default instead of throwing', () => {
    expect(resolveOffChipKind('MRAM')).toBe('default');
    expect(resolveOffChipKind('constructor')).toBe('default');
    expect(at45.offChipPjPerByte('MRAM')).toBe(at45.offChipPjPerByte('DDR3'));
    expect(at45.macPj('int4')).toBe(at45.macPj('fp32'));
    expect(at45.macPj('toString')).toBe(at45.macPj('fp32'));
    const fallback = at45.citations.find((c) => c.item === 'offChip.default');
    expect(fallback?.status).toBe('estimate');
  });

  it('links: PCIe Gen 5 ~6.5 pJ/bit (5x NVLink-C2C), chip-to-chip ~5 pJ/bit', () => {
    expect(at45.linkPjPerByte('pcie')).toBeCloseTo(6.5 * 8, 12);
    expect(at45.linkPjPerByte('chip')).toBeCloseTo(5 * 8, 12);
  });
});

describe('citations', () => {
  const items = (nodeNm: number): Set<string> => new Set(energyTable(nodeNm).citations.map((c) => c.item));

  it('every priced item has one, with a known source', () => {
    const expected = [
      'scale',
      'vectorOp',
      'sram',
      'register',
      'mac.default',
      'offChip.default',
      'link.pcie',
      'link.chip',
      ...NUMBER_FORMAT_NAMES.map((f) => `mac.${f}`),
      ...OFF_CHIP_MEMORY.map((m) => `offChip.${m.kind}`),
    ];
    for (const nodeNm of [45, 7, 4]) {
      const have = items(nodeNm);
      for (const item of expected) expect(have, item).toContain(item);
      for (const c of energyTable(nodeNm).citations) expect(Object.keys(ENERGY_SOURCES)).toContain(c.source);
    }
  });

  it('statuses follow the scale: published numbers become derived off 45 nm, estimates below 7 nm', () => {
    const status = (nodeNm: number, item: string): string | undefined =>
      energyTable(nodeNm).citations.find((c) => c.item === item)?.status;
    expect(status(45, 'scale')).toBe('published');
    expect(status(7, 'scale')).toBe('derived');
    expect(status(28, 'scale')).toBe('derived');
    expect(status(4, 'scale')).toBe('estimate');
    expect(status(45, 'mac.int8')).toBe('derived');
    expect(status(4, 'mac.int8')).toBe('estimate');
    expect(status(45, 'register')).toBe('estimate');
  });

  it('is deterministic plain data', () => {
    expect(JSON.stringify(energyTable(5).citations)).toBe(JSON.stringify(energyTable(5).citations));
  });
});
