/** tpusim cost, tco and fab as a user meets them. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

describe('tpusim cost', () => {
  it('prints area by component, wafer, yield, cost per chip, power against TDP, and the estimates used', async () => {
    const r = await tpusim('cost', '--chip', 'h100-sxm', '--volume', '1000000');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/h100-sxm: 4 nm, 1 die of [\d.]+ mm\^2 .*published die 814 mm\^2 \(model [+-][\d.]+%\)/);
    expect(r.out).toMatch(/matrix units \(270,336 float MACs\)/);
    expect(r.out).toMatch(/gross dies per 300 mm wafer, negative-binomial yield [\d.]+%/);
    expect(r.out).toMatch(/design \(NRE \$542,000,000 over 1,000,000\)\s+\$542/);
    expect(r.out).toMatch(/published TDP 700 W/);
    expect(r.out).toMatch(
      /not published: \d+ estimate \(.*\); 2 calibrated \(area\.overheadShare, area\.simtCoreLogicMTr\)/,
    );
  });
  it('JSON has dieAreaMm2, grossDiesPerWafer, dieYield, costPerChipUsd; same bytes each run', async () => {
    const a = await tpusim('cost', '--chip', 'tpu-v4', '--json');
    const b = await tpusim('cost', '--chip', 'tpu-v4', '--json');
    expect(a.out).toBe(b.out);
    const j = JSON.parse(a.out);
    for (const k of ['dieAreaMm2', 'grossDiesPerWafer', 'dieYield', 'costPerChipUsd'])
      expect(j[k], k).toBeGreaterThan(0);
    expect(j.estimates.find((e: { key: string }) => e.key === 'memory.hbmUsdPerGB').status).toBe('estimate');
  });
  it('a cost book overrides entries; a bad one is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpusim-'));
    const good = join(dir, 'book.yaml');
    writeFileSync(good, 'memory.hbmUsdPerGB: 0\nnre.usd.4: { value: 0, source: my design budget }\n');
    const r = JSON.parse((await tpusim('cost', '--chip', 'h100-sxm', '--costbook', good, '--json')).out);
    expect(r.costs.memoryUsd).toBe(0);
    expect(r.costs.nreUsd).toBe(0);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'wafer.pricUsd.4: 1\n');
    const e = await tpusim('cost', '--chip', 'h100-sxm', '--costbook', bad);
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/wafer\.pricUsd\.4: not a cost-book key/);
  });
  it('bad input: clear errors, non-zero exit', async () => {
    expect((await tpusim('cost')).err).toMatch(/cost needs --chip/);
    const v = await tpusim('cost', '--chip', 'tpu-v4', '--volume', '0');
    expect(v.code).toBe(2);
    expect(v.err).toMatch(/--volume must be a positive integer, got '0'/);
    expect((await tpusim('cost', '--chip', 'tpu-v4', '--yield', 'poison')).err).toMatch(/did you mean 'poisson'/);
  });
});

describe('tpusim tco', () => {
  it('prices a chip-hour, work per dollar, and builds vs buys with a tornado', async () => {
    const r = await tpusim('tco', '--chip', 'tpu-v4', '--workload', 'resnet50', '--vs', 'a100');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /per chip-hour; resnet50: [\d.]+ kinferences\/s per chip -> [\d.]+ [kMG]?inferences per dollar/,
    );
    expect(r.out).toMatch(
      new RegExp(
        'build tpu-v4 vs buy a100 \\(market price \\$12,000 \\(estimate\\)\\).* ratio [\\d.]+ ' +
          '\\((building|buying) is cheaper\\); break-even volume',
      ),
    );
    expect(r.out).toMatch(/assumption\s+low\s+high\s+ratio at low\s+ratio at high/);
    const j = JSON.parse(
      (await tpusim('tco', '--chip', 'tpu-v4', '--workload', 'resnet50', '--vs', 'a100', '--json')).out,
    );
    expect(j.usdPerChipHour).toBeGreaterThan(0);
    expect(j.tornado.length).toBeGreaterThan(5);
    for (let i = 1; i < j.tornado.length; i++) expect(j.tornado[i].swing).toBeLessThanOrEqual(j.tornado[i - 1].swing);
  });
  it('trains with --train: tokens per dollar from the best plan', async () => {
    const r = await tpusim('tco', '--chip', 'h100-sxm', '--workload', 'llama3-8b', '--train', '--chips', '64');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/h100-sxm: market price \$27,500/);
    expect(r.out).toMatch(/llama3-8b training: [\d.]+ ktokens\/s per chip/);
  });
});

describe('tpusim fab', () => {
  it('1M and 10M a year by default, with the binding resource', async () => {
    const r = await tpusim('fab', '--chip', 'h100-sxm');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/1,000,000 accelerators a year: .* binding: advanced packaging/);
    expect(r.out).toMatch(/10,000,000 accelerators a year: .* binding: advanced packaging/);
    const j = JSON.parse((await tpusim('fab', '--chip', 'tpu-v4', '--accelerators-per-year', '2e6', '--json')).out);
    expect(j.plans).toHaveLength(1);
    expect(j.plans[0].input.acceleratorsPerYear).toBe(2e6);
  });
});
