import { describe, expect, it } from 'vitest';
import { scaleChartSvg, stackedBarsSvg, type ScaleChartInput, type StackedBarsInput } from './cluster-svg.js';
import { tagsBalance, tippedRects } from './test-support/svg-checks.js';

const memory: StackedBarsInput = {
  title: 'llama3-70b <memory> & more',
  unit: 'GiB',
  axisLabel: 'memory per chip',
  parts: ['weights', 'gradients', 'optimizer state', 'activations'],
  bars: [
    { label: 'ZeRO-1', values: [4, 8, 0.75, 30] },
    { label: 'ZeRO-3', values: [0.125, 0.25, 0.75, 0] },
  ],
  limit: { value: 80, label: 'HBM 80 GiB' },
};

describe('stackedBarsSvg', () => {
  const svg = stackedBarsSvg(memory);

  it('is well-formed, titled, escaped and has a legend of the parts', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('<title id="tpusim-stacked-');
    expect(svg).toContain('llama3-70b &lt;memory&gt; &amp; more');
    for (const part of memory.parts) expect(svg).toContain(`>${part}</text>`);
  });

  it('stacks each bar part after part, skipping empty parts, with shares in the tooltips', () => {
    const drawn = tippedRects(svg);
    expect(drawn.map((s) => s.tip.split(':')[0])).toEqual([
      'ZeRO-1, weights',
      'ZeRO-1, gradients',
      'ZeRO-1, optimizer state',
      'ZeRO-1, activations',
      'ZeRO-3, weights',
      'ZeRO-3, gradients',
      'ZeRO-3, optimizer state',
    ]);
    for (let i = 1; i < 4; i++) expect(drawn[i]!.x).toBeCloseTo(drawn[i - 1]!.x + drawn[i - 1]!.width, 0);
    expect(drawn[4]!.x).toBe(drawn[0]!.x);
    expect(drawn[0]!.fill).not.toBe(drawn[1]!.fill);
    expect(drawn[4]!.fill).toBe(drawn[0]!.fill);
    expect(drawn[3]!.tip).toBe('ZeRO-1, activations: 30 GiB (70.2%)');
    expect(svg).toContain('>42.75 GiB</text>');
  });

  it('draws the limit line beyond the bars, labelled', () => {
    expect(svg).toContain('>HBM 80 GiB</text>');
    const limitX = Number(/<line x1="([\d.]+)"[^>]*stroke-dasharray="6 3"\/>/.exec(svg)![1]);
    const first = tippedRects(svg).slice(0, 4);
    const end = first.at(-1)!.x + first.at(-1)!.width;
    // 80 GiB against 42.75 GiB, from the same origin.
    expect((limitX - first[0]!.x) / (end - first[0]!.x)).toBeCloseTo(80 / 42.75, 2);
  });

  it('skips values it cannot place and says so; an empty chart says no data', () => {
    const odd = stackedBarsSvg({ ...memory, bars: [{ label: 'odd', values: [1, NaN, -2, 3] }] });
    expect(tippedRects(odd)).toHaveLength(2);
    expect(odd).toContain('2 values skipped');
    expect(odd).not.toContain('NaN');
    expect(stackedBarsSvg({ ...memory, bars: [] })).toContain('no data');
  });

  it('is deterministic', () => {
    expect(stackedBarsSvg(memory)).toBe(svg);
  });
});

const goodput: ScaleChartInput = {
  title: 'goodput against scale',
  xLabel: 'chips',
  yLabel: 'goodput (%)',
  yRange: [0, 100],
  series: [
    {
      label: 'exponential',
      points: [
        { x: 1e4, y: 91 },
        { x: 1e5, y: 65 },
        { x: 1e6, y: 8 },
      ],
    },
    {
      label: 'first-order',
      points: [
        { x: 1e4, y: 90 },
        { x: 1e5, y: 62 },
        { x: 1e6, y: 0 },
        { x: 0, y: 5 },
      ],
    },
  ],
  marker: { x: 2e4, label: 'this run: 20,000 chips' },
};

describe('scaleChartSvg', () => {
  const svg = scaleChartSvg(goodput);
  const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>([^<]*)<\/title>/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    tip: m[3]!,
  }));

  it('is well-formed, with decade ticks, both axes labelled and the marker', () => {
    expect(tagsBalance(svg)).toBe(true);
    for (const tick of ['10 k', '100 k', '1 M']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('>chips (log scale)</text>');
    expect(svg).toContain('>goodput (%)</text>');
    expect(svg).toContain('>this run: 20,000 chips</text>');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
  });

  it('places points on a log axis across and a linear one up', () => {
    const [a, b, c] = circles;
    expect(b!.x - a!.x).toBeCloseTo(c!.x - b!.x, 1);
    expect(a!.y).toBeLessThan(c!.y);
    expect(a!.tip).toBe('exponential at 10 k chips: 91');
  });

  it('skips points it cannot place and says so', () => {
    expect(circles).toHaveLength(6);
    expect(svg).toContain('1 points skipped');
  });

  it('is deterministic', () => {
    expect(scaleChartSvg(goodput)).toBe(svg);
  });
});
