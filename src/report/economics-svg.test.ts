import { describe, expect, it } from 'vitest';
import { tornadoSvg, waterfallSvg, type TornadoChartInput, type WaterfallInput } from './economics-svg.js';
import { tagsBalance, tippedRects } from './test-support/svg-checks.js';

const h100: WaterfallInput = {
  title: 'h100 <cost> & more',
  unit: 'USD',
  axisLabel: 'cost',
  totalLabel: 'cost per chip',
  steps: [
    { label: 'logic die', value: 514 },
    { label: 'memory', value: 1237 },
    { label: 'package', value: 1364 },
    { label: 'package yield loss', value: 164 },
    { label: 'board', value: 1000 },
    { label: 'NRE share', value: 542 },
  ],
};

describe('waterfallSvg', () => {
  const svg = waterfallSvg(h100);

  it('is well-formed, titled and escaped', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('<title id="tpusim-waterfall-');
    expect(svg).toContain('h100 &lt;cost&gt; &amp; more');
    expect(svg).not.toContain('<cost>');
  });

  it('steps each bar on from where the one before ended, and ends in the total from zero', () => {
    const drawn = tippedRects(svg);
    expect(drawn.map((b) => b.tip.split(':')[0])).toEqual([...h100.steps.map((s) => s.label), 'cost per chip']);
    for (let i = 1; i < h100.steps.length; i++)
      expect(drawn[i]!.x).toBeCloseTo(drawn[i - 1]!.x + drawn[i - 1]!.width, 0);
    const total = drawn.at(-1)!;
    const last = drawn.at(-2)!;
    expect(total.x).toBe(drawn[0]!.x);
    expect(total.x + total.width).toBeCloseTo(last.x + last.width, 0);
    expect(total.fill).not.toBe(drawn[0]!.fill);
    expect(total.tip).toBe('cost per chip: 4821 USD');
    expect(drawn[1]!.tip).toContain('(25.7%)');
  });

  it('skips values it cannot place and says so', () => {
    const odd = waterfallSvg({
      ...h100,
      steps: [...h100.steps, { label: 'nan', value: NaN }, { label: 'credit', value: -5 }],
    });
    expect(tippedRects(odd)).toHaveLength(h100.steps.length + 1);
    expect(odd).toContain('2 skipped');
    expect(waterfallSvg({ title: 'empty', unit: 'USD', steps: [] })).toContain('total 0 USD');
  });

  it('is deterministic', () => {
    expect(waterfallSvg(h100)).toBe(svg);
  });
});

const tpuV4: TornadoChartInput = {
  title: 'tpu-v4 vs a100',
  baseline: 2.26,
  baselineLabel: 'ratio 2.26',
  reference: { value: 1, label: 'tie (1)' },
  axisLabel: 'build-vs-buy ratio',
  bars: [
    { label: 'volume (/10, x10)', atLow: 0.794, atHigh: 2.78, lowLabel: '10000', highLabel: '1000000' },
    { label: 'tco.hostUsd', atLow: 2.55, atHigh: 1.99 },
    { label: 'tco.pue', atLow: 2.26, atHigh: 2.28 },
  ],
};

describe('tornadoSvg', () => {
  const svg = tornadoSvg(tpuV4);
  const drawn = tippedRects(svg);
  const baseX = Number(/<line x1="([\d.]+)"[^>]*stroke="#333333" stroke-width="1.5"\/>/.exec(svg)![1]);

  it('is well-formed, with a legend and both lines labelled', () => {
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('assumption at its low');
    expect(svg).toContain('>ratio 2.26</text>');
    expect(svg).toContain('>tie (1)</text>');
    expect(svg).toContain('stroke-dasharray="5 3"');
  });

  it('draws each row as a low and a high half-bar from the baseline, in the order given', () => {
    expect(drawn).toHaveLength(6);
    expect(drawn.map((b) => b.tip.split(' at its')[0])).toEqual([
      'volume (/10, x10)',
      'volume (/10, x10)',
      'tco.hostUsd',
      'tco.hostUsd',
      'tco.pue',
      'tco.pue',
    ]);
    expect(drawn[0]!.tip).toBe('volume (/10, x10) at its low (10000): 0.794');
    // Low below the baseline ends at it; high above it starts at it.
    expect(drawn[0]!.x + drawn[0]!.width).toBeCloseTo(baseX, 0);
    expect(drawn[1]!.x).toBeCloseTo(baseX, 0);
    expect(drawn[4]!.width).toBe(0);
    expect(drawn[0]!.fill).not.toBe(drawn[1]!.fill);
  });

  it('skips bars it cannot place, and draws none without a baseline', () => {
    const odd = tornadoSvg({ ...tpuV4, bars: [...tpuV4.bars, { label: 'bad', atLow: NaN, atHigh: 1 }] });
    expect(tippedRects(odd)).toHaveLength(6);
    expect(odd).toContain('1 skipped');
    const none = tornadoSvg({ ...tpuV4, baseline: NaN });
    expect(tippedRects(none)).toHaveLength(0);
    expect(none).toContain('no data');
    expect(none).not.toContain('NaN');
  });

  it('is deterministic', () => {
    expect(tornadoSvg(tpuV4)).toBe(svg);
  });
});
