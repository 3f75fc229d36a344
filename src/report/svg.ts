/**
 * Small dependency-free SVG charts (a roofline and a horizontal bar chart) as plain text: the CLI writes
 * them to files and the web UI inlines them. Same input, same bytes: coordinates print with one decimal,
 * labels with `formatSI`/`trimNumber`, elements in input order. Values that a chart cannot place (NaN,
 * infinite, not positive on a log axis) are skipped and counted in the chart's <desc>.
 */
import { trimNumber } from '../core/units.js';
import {
  boundColours,
  chartId,
  CHAR_WIDTH_PX,
  element,
  fitText,
  GRID,
  GROUP_COLOURS,
  INK,
  MUTED,
  niceStep,
  OTHER_COLOUR,
  overlaps,
  px,
  siLabel,
  svgDocument,
  textAt,
  tip,
  valueLabel,
  type Box,
  type Plot,
} from './svg-kit.js';

export { BOUND_COLOURS, escapeXml } from './svg-kit.js';

export interface RooflinePoint {
  readonly label: string;
  /** Operational intensity, ops per byte (1 MAC = 2 ops). */
  readonly intensity: number;
  readonly opsPerS: number;
  /** Why the point sits where it does: compute, memory, vector, latency, ... */
  readonly bound?: string;
  /** Importance for labelling (e.g. share of time); points with the largest weight (else ops/s) get labels. */
  readonly weight?: number;
}

export interface RooflineInput {
  readonly title: string;
  readonly peaks: readonly { readonly label: string; readonly opsPerS: number }[];
  readonly bandwidths: readonly { readonly label: string; readonly bytesPerS: number }[];
  readonly points: readonly RooflinePoint[];
  readonly width?: number;
  readonly height?: number;
  /** Points that get a text label (default 10, at most 12). */
  readonly maxLabels?: number;
}

export interface BarChartInput {
  readonly title: string;
  readonly unit: string;
  readonly bars: readonly { readonly label: string; readonly value: number; readonly group?: string }[];
  /** What the value axis measures (default 'value'); the unit follows in parentheses. */
  readonly axisLabel?: string;
  readonly width?: number;
}

/** Legend key of points that give no bound. */
const NO_BOUND = '';
const MAX_LABELS = 12;

const positive = (x: number): boolean => Number.isFinite(x) && x > 0;

const inRange = (v: number, range: LogRange): boolean => v >= range.lo && v <= range.hi;

interface LogRange {
  readonly lo: number;
  readonly hi: number;
}

/** Whole decades around `values` (padded by `pad` each side), at least 2 and at most `maxDecades` wide. */
function decadeRange(values: readonly number[], fallback: LogRange, pad: number, maxDecades: number): LogRange {
  if (values.length === 0) return fallback;
  // reduce, not Math.min(...values): a chart of many thousand points must not overflow the call stack.
  let lo = 10 ** Math.floor(Math.log10(values.reduce((m, v) => Math.min(m, v)) / pad));
  let hi = 10 ** Math.ceil(Math.log10(values.reduce((m, v) => Math.max(m, v)) * pad));
  if (hi / lo < 100) [lo, hi] = [lo / 10, hi * 10];
  if (hi / lo > 10 ** maxDecades) lo = hi / 10 ** maxDecades;
  return { lo, hi };
}

function logScale(range: LogRange, fromPx: number, toPx: number): (v: number) => number {
  const span = Math.log10(range.hi / range.lo);
  return (v) => fromPx + ((toPx - fromPx) * Math.log10(v / range.lo)) / span;
}

function decades(range: LogRange): number[] {
  const first = Math.round(Math.log10(range.lo));
  const last = Math.round(Math.log10(range.hi));
  return Array.from({ length: last - first + 1 }, (_, i) => 10 ** (first + i));
}

/**
 * A log-log roofline: operational intensity (ops/byte) across, attainable ops/s up; a sloped roof per
 * bandwidth, a flat roof per peak, their ridge points, and the points coloured by their bound.
 */
export function rooflineSvg(input: RooflineInput): string {
  const width = input.width ?? 760;
  const height = input.height ?? 480;
  const plot = { left: 78, right: width - 150, top: 52, bottom: height - 52 };
  const points = input.points.filter((p) => positive(p.intensity) && positive(p.opsPerS));
  const peaks = input.peaks.filter((p) => positive(p.opsPerS));
  const bandwidths = input.bandwidths.filter((b) => positive(b.bytesPerS));
  const ridges = peaks.flatMap((p) =>
    bandwidths.map((b) => ({ peak: p, bandwidth: b, intensity: p.opsPerS / b.bytesPerS })),
  );

  const xRange = decadeRange(
    [...points.map((p) => p.intensity), ...ridges.map((r) => r.intensity)],
    { lo: 0.1, hi: 1e3 },
    4,
    9,
  );
  const yRange = decadeRange(
    [...points.map((p) => p.opsPerS), ...peaks.map((p) => p.opsPerS)],
    { lo: 1e9, hi: 1e15 },
    2,
    8,
  );
  const x = logScale(xRange, plot.left, plot.right);
  const y = logScale(yRange, plot.bottom, plot.top);
  const maxPeak = peaks.length > 0 ? Math.max(...peaks.map((p) => p.opsPerS)) : yRange.hi;
  const maxBandwidth = Math.max(0, ...bandwidths.map((b) => b.bytesPerS));
  const clip = chartId('roofline', input.title);

  const body = [
    `<clipPath id="${clip}-plot">` +
      element('rect', { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top }) +
      `</clipPath>`,
    textAt(plot.left, 22, input.title, { 'font-size': '15', 'font-weight': 'bold', fill: INK }),
    textAt(plot.left, 38, 'log-log; 1 MAC = 2 ops', { fill: MUTED }),
    ...logAxes(xRange, yRange, x, y, plot),
    ...bandwidths.flatMap((b) => bandwidthRoof(b, maxPeak, xRange, yRange, x, y)),
    ...peaks.flatMap((p) => peakRoof(p, maxBandwidth, xRange, yRange, x, y)),
    ...ridges
      .filter((r) => inRange(r.intensity, xRange) && inRange(r.peak.opsPerS, yRange))
      .map((r) => ridgeMarker(r, x, y)),
    `<g clip-path="url(#${clip}-plot)">`,
    ...pointMarks(points, x, y, plot, Math.min(input.maxLabels ?? 10, MAX_LABELS)),
    '</g>',
    ...rooflineLegend(points, peaks.length + bandwidths.length > 0, plot.right + 16, plot.top),
  ];
  if (points.length === 0 && peaks.length === 0 && bandwidths.length === 0) {
    body.push(
      textAt((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, 'no data', {
        'text-anchor': 'middle',
        fill: MUTED,
      }),
    );
  }
  const skipped = input.points.length - points.length;
  const desc = [
    'Roofline chart, log-log axes: operational intensity in ops/byte across, attainable performance in ops/s up; ' +
      '1 MAC = 2 ops.',
    `Peaks: ${peaks.map((p) => `${p.label} ${siLabel(p.opsPerS)}ops/s`).join(', ') || 'none'}.`,
    `Bandwidths: ${bandwidths.map((b) => `${b.label} ${siLabel(b.bytesPerS)}B/s`).join(', ') || 'none'}.`,
    `${points.length} points${skipped > 0 ? ` (${skipped} skipped: intensity or ops/s not a positive number)` : ''}.`,
  ].join(' ');
  return svgDocument('roofline', width, height, input.title, desc, body);
}

function logAxes(
  xRange: LogRange,
  yRange: LogRange,
  x: (v: number) => number,
  y: (v: number) => number,
  plot: Plot,
): string[] {
  const parts: string[] = [];
  for (const v of decades(xRange)) {
    parts.push(element('line', { x1: x(v), y1: plot.top, x2: x(v), y2: plot.bottom, stroke: GRID }));
    parts.push(textAt(x(v), plot.bottom + 16, siLabel(v), { 'text-anchor': 'middle', fill: INK }));
  }
  for (const v of decades(yRange)) {
    parts.push(element('line', { x1: plot.left, y1: y(v), x2: plot.right, y2: y(v), stroke: GRID }));
    parts.push(textAt(plot.left - 6, y(v) + 4, siLabel(v), { 'text-anchor': 'end', fill: INK }));
  }
  parts.push(
    element('rect', {
      x: plot.left,
      y: plot.top,
      width: plot.right - plot.left,
      height: plot.bottom - plot.top,
      fill: 'none',
      stroke: INK,
    }),
  );
  parts.push(
    textAt((plot.left + plot.right) / 2, plot.bottom + 38, 'operational intensity (ops/byte)', {
      'text-anchor': 'middle',
      fill: INK,
    }),
  );
  const yMid = (plot.top + plot.bottom) / 2;
  parts.push(
    textAt(18, yMid, 'attainable performance (ops/s)', {
      'text-anchor': 'middle',
      fill: INK,
      transform: `rotate(-90 18 ${px(yMid)})`,
    }),
  );
  return parts;
}

/** The sloped roof ops/s = bandwidth x intensity, from the left edge up to the lowest peak it meets. */
function bandwidthRoof(
  b: { readonly label: string; readonly bytesPerS: number },
  stopOpsPerS: number,
  xRange: LogRange,
  yRange: LogRange,
  x: (v: number) => number,
  y: (v: number) => number,
): string[] {
  const from = Math.max(xRange.lo, yRange.lo / b.bytesPerS);
  const to = Math.min(xRange.hi, Math.min(stopOpsPerS, yRange.hi) / b.bytesPerS);
  if (!(from < to)) return [];
  const [x1, y1, x2, y2] = [x(from), y(from * b.bytesPerS), x(to), y(to * b.bytesPerS)];
  const angle = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI;
  const lx = x1 + 10 * Math.cos((angle * Math.PI) / 180);
  const ly = y1 + 10 * Math.sin((angle * Math.PI) / 180) - 5;
  return [
    element('line', { x1, y1, x2, y2, stroke: INK, 'stroke-width': '2' }),
    textAt(lx, ly, `${b.label} ${siLabel(b.bytesPerS)}B/s`, {
      fill: INK,
      transform: `rotate(${px(angle)} ${px(lx)} ${px(ly)})`,
    }),
  ];
}

/** The flat roof at a peak, from where the fastest memory reaches it to the right edge. */
function peakRoof(
  p: { readonly label: string; readonly opsPerS: number },
  maxBandwidth: number,
  xRange: LogRange,
  yRange: LogRange,
  x: (v: number) => number,
  y: (v: number) => number,
): string[] {
  if (p.opsPerS < yRange.lo || p.opsPerS > yRange.hi) return [];
  const from = maxBandwidth > 0 ? Math.max(xRange.lo, p.opsPerS / maxBandwidth) : xRange.lo;
  if (from >= xRange.hi) return [];
  return [
    element('line', {
      x1: x(from),
      y1: y(p.opsPerS),
      x2: x(xRange.hi),
      y2: y(p.opsPerS),
      stroke: INK,
      'stroke-width': '2',
    }),
    textAt(x(xRange.hi) - 4, y(p.opsPerS) - 5, `${p.label} ${siLabel(p.opsPerS)}ops/s`, {
      'text-anchor': 'end',
      fill: INK,
    }),
  ];
}

function ridgeMarker(
  r: {
    readonly peak: { readonly label: string; readonly opsPerS: number };
    readonly bandwidth: { readonly label: string };
    readonly intensity: number;
  },
  x: (v: number) => number,
  y: (v: number) => number,
): string {
  const text = `ridge point ${r.peak.label} / ${r.bandwidth.label}: ${trimNumber(r.intensity, 4)} ops/byte`;
  return element(
    'rect',
    {
      x: x(r.intensity) - 3.5,
      y: y(r.peak.opsPerS) - 3.5,
      width: 7,
      height: 7,
      fill: '#ffffff',
      stroke: INK,
      'stroke-width': '1.5',
    },
    tip(text),
  );
}

function pointMarks(
  points: readonly RooflinePoint[],
  x: (v: number) => number,
  y: (v: number) => number,
  plot: Plot,
  maxLabels: number,
): string[] {
  const colours = boundColours(points.map((p) => p.bound ?? NO_BOUND));
  // Points drawn at the same spot in the same colour (a model's repeated blocks) become one circle whose
  // tooltip counts them: the picture is the same, and a browser draws tens of circles, not thousands.
  const spots = new Map<string, { p: RooflinePoint; fill: string; cx: number; cy: number; count: number }>();
  for (const p of points) {
    const fill = colours.get(p.bound ?? NO_BOUND) ?? OTHER_COLOUR;
    const cx = x(p.intensity);
    const cy = y(p.opsPerS);
    const key = `${px(cx)},${px(cy)},${fill}`;
    const spot = spots.get(key);
    if (spot) spot.count++;
    else spots.set(key, { p, fill, cx, cy, count: 1 });
  }
  const circles = [...spots.values()].map(({ p, fill, cx, cy, count }) => {
    const more = count > 1 ? ` (and ${count - 1} more at this point)` : '';
    const text =
      `${p.label}${more}: ${trimNumber(p.intensity, 4)} ops/byte, ${siLabel(p.opsPerS)}ops/s` +
      `${p.bound ? `, ${p.bound}-bound` : ''}`;
    return element(
      'circle',
      { cx, cy, r: 4.5, fill, 'fill-opacity': '0.85', stroke: '#ffffff', 'stroke-width': '0.8' },
      tip(text),
    );
  });
  const ranked = points
    .map((p, index) => ({ p, index, rank: p.weight !== undefined && Number.isFinite(p.weight) ? p.weight : p.opsPerS }))
    .sort((a, b) => b.rank - a.rank || a.index - b.index)
    .slice(0, Math.max(0, maxLabels));
  const placed: Box[] = [];
  const labels: string[] = [];
  for (const { p } of ranked) {
    const cx = x(p.intensity);
    const cy = y(p.opsPerS);
    const w = p.label.length * CHAR_WIDTH_PX;
    // Above-right, above-left, below-right, below-left: the first spot inside the plot that is still free.
    const spots = [
      { x0: cx + 7, y0: cy - 17 },
      { x0: cx - 7 - w, y0: cy - 17 },
      { x0: cx + 7, y0: cy + 5 },
      { x0: cx - 7 - w, y0: cy + 5 },
    ].map(({ x0, y0 }) => ({ x0, y0, x1: x0 + w, y1: y0 + 12 }));
    const box = spots.find(
      (b) =>
        b.x0 >= plot.left &&
        b.x1 <= plot.right &&
        b.y0 >= plot.top &&
        b.y1 <= plot.bottom &&
        !placed.some((o) => overlaps(o, b)),
    );
    if (box === undefined) continue;
    placed.push(box);
    labels.push(textAt(box.x0, box.y1 - 2, p.label, { fill: INK }));
  }
  return [...circles, ...labels];
}

function rooflineLegend(points: readonly RooflinePoint[], roofs: boolean, left: number, top: number): string[] {
  const colours = boundColours(points.map((p) => p.bound ?? NO_BOUND));
  const parts = [textAt(left, top + 4, 'legend', { 'font-weight': 'bold', fill: INK })];
  if (roofs) {
    parts.push(
      element('line', { x1: left, y1: top + 20, x2: left + 18, y2: top + 20, stroke: INK, 'stroke-width': '2' }),
      textAt(left + 24, top + 24, 'roof', { fill: INK }),
      element('rect', {
        x: left + 5.5,
        y: top + 36.5,
        width: 7,
        height: 7,
        fill: '#ffffff',
        stroke: INK,
        'stroke-width': '1.5',
      }),
      textAt(left + 24, top + 44, 'ridge point', { fill: INK }),
    );
  }
  const firstRow = top + (roofs ? 64 : 24);
  [...colours].forEach(([bound, colour], i) => {
    const rowY = firstRow + i * 18;
    parts.push(element('rect', { x: left + 4, y: rowY - 5, width: 10, height: 10, fill: colour }));
    parts.push(textAt(left + 24, rowY + 4, bound === NO_BOUND ? 'bound not given' : `${bound}-bound`, { fill: INK }));
  });
  return parts;
}

/** A horizontal bar chart: one bar per entry (NaN, infinite or negative values are skipped), colour by group. */
export function barChartSvg(input: BarChartInput): string {
  const width = input.width ?? 720;
  const bars = input.bars.filter((b) => Number.isFinite(b.value) && b.value >= 0);
  const groups = [...new Set(bars.flatMap((b) => (b.group === undefined ? [] : [b.group])))];
  const colourOf = (group: string | undefined): string =>
    group === undefined ? GROUP_COLOURS[0]! : (GROUP_COLOURS[groups.indexOf(group)] ?? OTHER_COLOUR);
  const labelWidth = Math.min(260, Math.max(60, ...bars.map((b) => b.label.length * CHAR_WIDTH_PX)) + 12);
  const rowPx = 22;
  const top = groups.length > 0 ? 62 : 44;
  const plot = { left: labelWidth, right: width - 90, top, bottom: top + Math.max(1, bars.length) * rowPx };
  const height = plot.bottom + 48;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const step = max > 0 ? niceStep(max / 5) : 1;
  const tickCount = max > 0 ? Math.ceil(max / step - 1e-9) : 1;
  const x = (v: number): number => plot.left + ((plot.right - plot.left) * v) / (tickCount * step);

  const body = [textAt(12, 24, input.title, { 'font-size': '15', 'font-weight': 'bold', fill: INK })];
  groups.forEach((g, i) => {
    const gx = 12 + i * 140;
    body.push(element('rect', { x: gx, y: 36, width: 10, height: 10, fill: colourOf(g) }));
    body.push(textAt(gx + 16, 45, g, { fill: INK }));
  });
  for (let i = 0; i <= tickCount; i++) {
    const v = i * step;
    body.push(element('line', { x1: x(v), y1: plot.top, x2: x(v), y2: plot.bottom, stroke: GRID }));
    body.push(textAt(x(v), plot.bottom + 16, valueLabel(v), { 'text-anchor': 'middle', fill: INK }));
  }
  bars.forEach((b, i) => {
    const rowY = plot.top + i * rowPx;
    const text = `${b.label}: ${valueLabel(b.value)} ${input.unit}${b.group === undefined ? '' : ` (${b.group})`}`;
    body.push(textAt(plot.left - 6, rowY + 15, fitText(b.label, plot.left - 12), { 'text-anchor': 'end', fill: INK }));
    body.push(
      element(
        'rect',
        { x: plot.left, y: rowY + 4, width: x(b.value) - plot.left, height: 14, fill: colourOf(b.group) },
        tip(text),
      ),
    );
    body.push(textAt(x(b.value) + 4, rowY + 15, `${valueLabel(b.value)} ${input.unit}`, { fill: INK }));
  });
  body.push(element('line', { x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: INK }));
  body.push(
    textAt((plot.left + plot.right) / 2, plot.bottom + 38, `${input.axisLabel ?? 'value'} (${input.unit})`, {
      'text-anchor': 'middle',
      fill: INK,
    }),
  );
  if (bars.length === 0)
    body.push(textAt((plot.left + plot.right) / 2, plot.top + 15, 'no data', { 'text-anchor': 'middle', fill: MUTED }));

  const skipped = input.bars.length - bars.length;
  const desc =
    `Horizontal bar chart of ${bars.length} values in ${input.unit}` +
    `${groups.length > 0 ? `, coloured by group (${groups.join(', ')})` : ''}` +
    `${skipped > 0 ? `; ${skipped} skipped (not a finite, non-negative number)` : ''}.`;
  return svgDocument('bars', width, height, input.title, desc, body);
}
