/** tpusim estimate and compare as a user meets them. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

describe('tpusim estimate', () => {
  it('prints a per-layer table, totals, energy and power, and writes a roofline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const svg = join(dir, 'roofline.svg');
    const r = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v4', '--svg', svg);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/layer\s+op\s+output\s+FLOPs\s+off-chip bytes\s+time \(us\)\s+util %\s+bound/);
    expect(r.out).toMatch(/layer1\.0\.conv2\s+conv\s+1x64x56x56/);
    expect(r.out).toMatch(/resnet50 on tpu-v4 \(bf16, batch 1, spread over 2 cores\)/);
    expect(r.out).toMatch(/energy [\d.]+ mJ .* average power [\d.]+ W/);
    const content = readFileSync(svg, 'utf8');
    expect(content).toMatch(/^<svg/);
    expect(content).toMatch(/roofline/);
  });

  it('gives JSON with totalTimeS, energyJ and layers, the same for the same input', async () => {
    const a = await tpusim('estimate', 'bert-base', '--chip', 'h100-sxm', '--json');
    const b = await tpusim('estimate', 'bert-base', '--chip', 'h100-sxm', '--json');
    expect(a.out).toBe(b.out);
    const body = JSON.parse(a.out);
    expect(body.totalTimeS).toBeGreaterThan(0);
    expect(body.energyJ).toBeGreaterThan(0);
    expect(body.layers.length).toBeGreaterThan(50);
    expect(body.layers[0]).toHaveProperty('bound');
  });

  it('reports a model that does not fit as a result with its reason', async () => {
    const r = await tpusim('estimate', 'llama3-70b', '--chip', 'tpu-v4', '--seq', '128');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/DOES NOT FIT: the weights \(131.4 GiB\)/);
  });

  it('refuses unknown chips and formats clearly', async () => {
    const chip = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v9');
    expect(chip.code).toBe(1);
    expect(chip.err).toMatch(/unknown chip 'tpu-v9'/);
    const dtype = await tpusim('estimate', 'resnet50', '--chip', 'tpu-v1', '--dtype', 'bf16');
    expect(dtype.code).toBe(2);
    expect(dtype.err).toMatch(/--dtype must be one of int8, uint8, got 'bf16'/);
  });
});

describe('tpusim compare', () => {
  it('lists chips side by side and writes a bar chart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const svg = join(dir, 'compare.svg');
    const r = await tpusim('compare', 'resnet50', '--chips', 'tpu-v4,h100-sxm,mi300x', '--batch', '8', '--svg', svg);
    expect(r.code, r.err).toBe(0);
    for (const chip of ['tpu-v4', 'h100-sxm', 'mi300x']) expect(r.out).toContain(chip);
    expect(r.out).toMatch(/resnet50 at batch 8/);
    expect(existsSync(svg)).toBe(true);
    const json = JSON.parse((await tpusim('compare', 'resnet50', '--chips', 'tpu-v1,a100', '--json')).out);
    expect(json.chips.map((c: { chip: string }) => c.chip)).toEqual(['tpu-v1', 'a100']);
  });
});
