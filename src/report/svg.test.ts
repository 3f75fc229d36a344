import { describe, expect, it } from 'vitest';
import { barChartSvg, escapeXml, rooflineSvg, type RooflineInput } from './svg.js';
import { count, tagsBalance } from './test-support/svg-checks.js';

const tpuV4: RooflineInput = {
  title: 'TPU v4 <bf16> & friends',
  peaks: [
    { label: 'bf16', opsPerS: 275e12 },
    { label: 'vector', opsPerS: 8e12 },
  ],
  bandwidths: [
    { label: 'HBM2', bytesPerS: 1.2e12 },
    { label: 'CMEM', bytesPerS: 4e12 },
  ],
  points: Array.from({ length: 30 }, (_, i) => ({
    label: `layer${i}`,
    intensity: 2 ** (i / 3),
    opsPerS: Math.min(275e12, 1.2e12 * 2 ** (i / 3)) * 0.7,
    bound: ['compute', 'memory', 'vector', 'latency', 'weird'][i % 5]!,
  })),
};

describe('rooflineSvg', () => {
  const svg = rooflineSvg(tpuV4);

  it('is well-formed and accessible', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toMatch(/<title id="[^"]+-title">TPU v4 &lt;bf16&gt; &amp; friends<\/title>/);
    expect(svg).toMatch(/<desc id="[^"]+-desc">Roofline chart/);
    expect(svg).toContain('role="img"');
  });

  it('labels the axes with units, SI ticks and MAC = 2 ops', () => {
    expect(svg).toContain('operational intensity (ops/byte)');
    expect(svg).toContain('attainable performance (ops/s)');
    expect(svg).toContain('>1 T<');
    expect(svg).toContain('>100 T<');
    expect(svg).toContain('1 MAC = 2 ops');
    expect(svg).toContain('bf16 275 Tops/s');
    expect(svg).toContain('HBM2 1.2 TB/s');
  });

  it('draws points at the same spot and bound once, counting them in the tooltip', () => {
    const repeated = Array.from({ length: 80 }, (_, i) => ({
      label: `layers.${i}.mlp`,
      intensity: 300,
      opsPerS: 2e14,
      bound: 'compute',
    }));
    const other = { label: 'logits', intensity: 300, opsPerS: 2e14, bound: 'memory' };
    const many = rooflineSvg({ ...tpuV4, points: [...repeated, other] });
    expect(count(many, /<circle /g)).toBe(2);
    expect(many).toContain('layers.0.mlp (and 79 more at this point): 300 ops/byte');
    expect(many).toContain('<title>logits: 300 ops/byte');
  });

  it('draws one circle per point, at most 12 labels, and a legend per bound', () => {
    expect(count(svg, /<circle /g)).toBe(tpuV4.points.length);
    const labelled = tpuV4.points.filter((p) => svg.includes(`>${p.label}</text>`)).length;
    expect(labelled).toBeGreaterThan(0);
    expect(labelled).toBeLessThanOrEqual(10);
    expect(rooflineSvg({ ...tpuV4, maxLabels: 50 }).match(/>layer\d+<\/text>/g)!.length).toBeLessThanOrEqual(12);
    for (const bound of ['compute', 'memory', 'vector', 'latency', 'weird']) expect(svg).toContain(`${bound}-bound`);
    expect(svg).toContain('#0072B2');
    expect(svg).toContain('#E69F00');
  });

  it('marks every ridge point', () => {
    expect(count(svg, /<title>ridge point/g)).toBe(4);
    expect(svg).toContain('ridge point bf16 / HBM2: 229.2 ops/byte');
  });

  it('is byte-identical across calls and prints fixed-precision numbers', () => {
    expect(rooflineSvg(tpuV4)).toBe(svg);
    for (const [, value] of svg.matchAll(/ (?:x|y|x1|y1|x2|y2|cx|cy|width|height)="([^"]*)"/g))
      expect(value).toMatch(/^-?\d+\.\d$/);
  });

  it('handles a single point, empty input and NaN/zero values without crashing', () => {
    const one = rooflineSvg({
      title: 'one',
      peaks: [],
      bandwidths: [],
      points: [{ label: 'gemm', intensity: 100, opsPerS: 1e12 }],
    });
    expect(tagsBalance(one)).toBe(true);
    expect(count(one, /<circle /g)).toBe(1);
    const empty = rooflineSvg({ title: 'empty', peaks: [], bandwidths: [], points: [] });
    expect(tagsBalance(empty)).toBe(true);
    expect(empty).toContain('no data');
    const bad = rooflineSvg({
      title: 'bad',
      peaks: [
        { label: 'nan', opsPerS: Number.NaN },
        { label: 'p', opsPerS: 1e14 },
      ],
      bandwidths: [{ label: 'zero', bytesPerS: 0 }],
      points: [
        { label: 'a', intensity: 0, opsPerS: 1e12 },
        { label: 'b', intensity: Number.NaN, opsPerS: 1e12 },
        { label: 'c', intensity: 10, opsPerS: Number.POSITIVE_INFINITY },
        { label: 'd', intensity: 10, opsPerS: 1e12 },
      ],
    });
    expect(tagsBalance(bad)).toBe(true);
    expect(count(bad, /<circle /g)).toBe(1);
    expect(bad).toContain('3 skipped');
    expect(bad).not.toMatch(/NaN|Infinity/);
  });
});

describe('barChartSvg', () => {
  const input = {
    title: 'Step time breakdown',
    unit: 'ms',
    axisLabel: 'time',
    bars: [
      { label: 'matmul', value: 12.5, group: 'compute' },
      { label: 'attention softmax', value: 3.25, group: 'vector' },
      { label: 'all-reduce', value: 0, group: 'network' },
      { label: 'broken', value: Number.NaN },
      { label: 'a very long label that would otherwise run off the left edge of the chart', value: 1 },
    ],
  };
  const svg = barChartSvg(input);

  it('is well-formed, titled and labelled with its unit', () => {
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toContain('>Step time breakdown</title>');
    expect(svg).toContain('time (ms)');
    expect(svg).toContain('>12.5 ms<');
    expect(svg).toContain('>0 ms<');
    expect(svg).toContain('1 skipped');
    expect(svg).not.toMatch(/NaN/);
  });

  it('colours bars by group with a legend and keeps the full label in the tooltip', () => {
    for (const group of ['compute', 'vector', 'network']) expect(svg).toContain(`>${group}</text>`);
    expect(svg).toContain('\u2026</text>');
    expect(svg).toContain(
      '<title>a very long label that would otherwise run off the left edge of the chart: 1 ms</title>',
    );
  });

  it('is deterministic and copes with no bars and huge values', () => {
    expect(barChartSvg(input)).toBe(svg);
    const empty = barChartSvg({ title: 'none', unit: 'W', bars: [] });
    expect(tagsBalance(empty)).toBe(true);
    expect(empty).toContain('no data');
    const big = barChartSvg({
      title: 'chips',
      unit: 'ops/s',
      bars: [
        { label: 'tpu-v4', value: 275e12 },
        { label: 'h100', value: 989e12 },
      ],
    });
    expect(big).toContain('>989 T ops/s<');
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
