import { describe, expect, it } from 'vitest';
import { BOUND_COLOURS } from './svg.js';
import { timelineSvg, type TimelineInput } from './timeline-svg.js';
import { count, tagsBalance, tippedRects } from './test-support/svg-checks.js';

const small: TimelineInput = {
  title: 'conv <net> & co',
  layers: [
    { label: 'conv1', durationS: 30e-6, bound: 'compute' },
    { label: 'pool', durationS: 10e-6, bound: 'memory' },
    { label: 'view', durationS: 0, bound: 'latency' },
    { label: 'fc', durationS: 20e-6, bound: 'weird' },
    { label: 'softmax', durationS: 5e-6 },
  ],
};

describe('timelineSvg', () => {
  const svg = timelineSvg(small);

  it('is well-formed, accessible and escapes text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(tagsBalance(svg)).toBe(true);
    expect(svg).toMatch(/<title id="tpusim-timeline-[0-9a-f]{8}-title">conv &lt;net&gt; &amp; co<\/title>/);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('1 skipped (time not a positive number)');
  });

  it('draws one bar per layer in order, each starting where the one before ends', () => {
    const drawn = tippedRects(svg);
    expect(drawn.map((b) => b.tip.split(':')[0])).toEqual(['conv1', 'pool', 'fc', 'softmax']);
    for (let i = 1; i < drawn.length; i++) {
      expect(drawn[i]!.x).toBeCloseTo(drawn[i - 1]!.x + drawn[i - 1]!.width, 0);
      expect(drawn[i]!.y).toBeGreaterThan(drawn[i - 1]!.y);
    }
    expect(drawn[0]!.width / drawn[1]!.width).toBeCloseTo(3, 1);
  });

  it('colours bars by bound and gives each bound its share of the time', () => {
    const drawn = tippedRects(svg);
    expect(drawn[0]!.fill).toBe(BOUND_COLOURS['compute']);
    expect(drawn[1]!.fill).toBe(BOUND_COLOURS['memory']);
    expect(drawn[2]!.fill).toBe('#56B4E9');
    expect(drawn[3]!.fill).toBe('#999999');
    expect(svg).toContain('compute-bound 46.2%');
    expect(svg).toContain('weird-bound 30.8%');
    expect(svg).toContain('bound not given 7.69%');
    expect(drawn[0]!.tip).toBe('conv1: 30 us (compute-bound)');
  });

  it('reads time in a unit that suits the total, with a named axis', () => {
    expect(svg).toContain('time (us)');
    expect(svg).toContain('65 us in all');
    expect(timelineSvg({ title: 't', layers: [{ label: 'a', durationS: 2.5 }] })).toContain('time (s)');
  });

  it('names every row when rows are tall enough, else only the longest layers', () => {
    expect(count(svg, />conv1<\/text>/g)).toBe(1);
    const many = timelineSvg({
      title: 'many',
      layers: Array.from({ length: 500 }, (_, i) => ({
        label: `l${i}`,
        durationS: (1 + (i % 7)) * 1e-6,
        bound: 'memory',
      })),
      maxLabels: 5,
      plotHeight: 2000,
    });
    expect(tippedRects(many)).toHaveLength(500);
    const labelled = Array.from({ length: 500 }, (_, i) => `>l${i}</text>`).filter((t) => many.includes(t));
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.length).toBeLessThanOrEqual(5);
    expect(many).toContain('>layer 1</text>');
  });

  it(
    'draws consecutive layers together when there are more than the rows can show, keeping every layer and ' +
      'the time',
    () => {
      // 1,000 layers on 400 px: at most 100 rows (4 px each) of 10 layers, each row split by bound.
      const layers = Array.from({ length: 1000 }, (_, i) => ({
        label: `l${i}`,
        durationS: 1e-6,
        bound: i % 3 === 0 ? 'compute' : 'vector',
      }));
      const svg = timelineSvg({ title: 'long', layers, plotHeight: 400 });
      expect(svg).toContain('1000 layers one after another, 10 to a row, 1 ms in all');
      const drawn = tippedRects(svg);
      expect(drawn).toHaveLength(200);
      expect(drawn[0]!.tip).toContain('layers 1-10 (l0 to l9)');
      expect(drawn.filter((b) => b.fill === '#0072B2')).toHaveLength(100);
      // The last row ends where the axis does (1 ms), as if drawn one layer to a row.
      const one = timelineSvg({ title: 'long', layers, plotHeight: 400, maxRows: 1000 });
      const end = (bs: typeof drawn): number => Math.max(...bs.map((b) => b.x + b.width));
      expect(end(drawn)).toBeCloseTo(end(tippedRects(one)), 0);
      expect(svg).toContain('>1000</text>');
    },
  );

  it('is deterministic and says when there is nothing to draw', () => {
    expect(timelineSvg(small)).toBe(svg);
    expect(timelineSvg({ title: 'empty', layers: [] })).toContain('>no data</text>');
  });
});
