/**
 * Cluster charts as plain SVG text, drawn like svg.ts's: stacked horizontal bars with an optional limit
 * line (memory per chip against the chip's capacity, step time by part), and lines over a log axis of
 * chip counts (goodput against scale). The system's topology is drawn by topology-svg.ts. Same input,
 * same bytes: one-decimal coordinates, labels with `formatSI`/`trimNumber`, Okabe & Ito's colours.
 * Values a chart cannot place (NaN, infinite, negative; not positive on a log axis) are skipped and
 * counted in the chart's <desc>.
 */
import { trimNumber } from '../core/units.js';
import {
  CHAR_WIDTH_PX,
  element,
  fitText,
  GRID,
  INK,
  linearAxis,
  MUTED,
  PART_COLOURS,
  px,
  siLabel,
  svgDocument,
  textAt,
  ticksOf,
  tip,
  valueLabel,
} from './svg-kit.js';

export interface StackedBarsInput {
  readonly title: string;
  readonly unit: string;
  /** What the value axis measures (default 'value'); the unit follows in parentheses. */
  readonly axisLabel?: string;
  /** The parts each bar stacks, in order; `values` of every bar follow this order. */
  readonly parts: readonly string[];
  readonly bars: readonly { readonly label: string; readonly values: readonly number[] }[];
  /** A line to read the bars against, e.g. the memory a chip has. */
  readonly limit?: { readonly value: number; readonly label: string };
  readonly width?: number;
}

export interface ScaleChartInput {
  readonly title: string;
  /** What the log axis across counts (e.g. 'chips'). */
  readonly xLabel: string;
  /** What the linear axis up measures, with its unit. */
  readonly yLabel: string;
  readonly series: readonly {
    readonly label: string;
    readonly points: readonly { readonly x: number; readonly y: number }[];
  }[];
  /** A vertical line at one x, e.g. this run's chip count. */
  readonly marker?: { readonly x: number; readonly label: string };
  /** Fixed range of the linear axis (default: around the values). */
  readonly yRange?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
}

const LIMIT_COLOUR = '#D55E00';
const ROW_PX = 26;

/** Colour keys in rows that wrap at `width`; returns the elements and the y below them. */
function legend(
  labels: readonly string[],
  colours: readonly string[],
  y: number,
  width: number,
): { parts: string[]; bottom: number } {
  const parts: string[] = [];
  let x = 12;
  labels.forEach((label, i) => {
    const w = 16 + label.length * CHAR_WIDTH_PX + 14;
    if (x > 12 && x + w > width - 12) {
      x = 12;
      y += 16;
    }
    parts.push(
      element('rect', { x, y, width: 10, height: 10, fill: colours[i % colours.length]! }),
      textAt(x + 14, y + 9, label, { fill: INK }),
    );
    x += w;
  });
  return { parts, bottom: y + 18 };
}

const placeable = (v: number): boolean => Number.isFinite(v) && v >= 0;

/**
 * Horizontal stacked bars: one row per bar, its parts side by side in the legend's colours, the total
 * at the end, and an optional dashed limit line (labelled above the plot) to read them against.
 */
export function stackedBarsSvg(input: StackedBarsInput): string {
  const width = input.width ?? 760;
  const totals = input.bars.map((b) => b.values.filter(placeable).reduce((s, v) => s + v, 0));
  const limit = input.limit && placeable(input.limit.value) ? input.limit : undefined;
  const labelWidth = Math.min(220, Math.max(60, ...input.bars.map((b) => b.label.length * CHAR_WIDTH_PX)) + 12);
  const key = legend(input.parts, PART_COLOURS, 36, width);
  const top = key.bottom + (limit ? 22 : 6);
  const plot = { left: labelWidth, right: width - 110, top, bottom: top + Math.max(1, input.bars.length) * ROW_PX };
  const axis = linearAxis(0, Math.max(0, ...totals, limit?.value ?? 0));
  const x = (v: number): number => plot.left + ((plot.right - plot.left) * (v - axis.lo)) / (axis.hi - axis.lo);
  const body = [textAt(12, 24, input.title, { 'font-size': '15', 'font-weight': 'bold', fill: INK }), ...key.parts];
  for (const v of ticksOf(axis)) {
    body.push(element('line', { x1: x(v), y1: plot.top, x2: x(v), y2: plot.bottom, stroke: GRID }));
    body.push(textAt(x(v), plot.bottom + 16, valueLabel(v), { 'text-anchor': 'middle', fill: INK }));
  }
  let skipped = 0;
  input.bars.forEach((bar, row) => {
    const y = plot.top + row * ROW_PX;
    const total = totals[row]!;
    body.push(textAt(plot.left - 6, y + 17, fitText(bar.label, plot.left - 12), { 'text-anchor': 'end', fill: INK }));
    let at = 0;
    input.parts.forEach((part, i) => {
      const v = bar.values[i] ?? 0;
      if (!placeable(v)) skipped++;
      if (!placeable(v) || v === 0) return;
      const share = total > 0 ? ` (${trimNumber((100 * v) / total, 3)}%)` : '';
      body.push(
        element(
          'rect',
          { x: x(at), y: y + 5, width: x(at + v) - x(at), height: 16, fill: PART_COLOURS[i % PART_COLOURS.length]! },
          tip(`${bar.label}, ${part}: ${valueLabel(v)} ${input.unit}${share}`),
        ),
      );
      at += v;
    });
    body.push(textAt(x(total) + 4, y + 17, `${valueLabel(total)} ${input.unit}`, { fill: INK }));
  });
  body.push(element('line', { x1: x(0), y1: plot.top, x2: x(0), y2: plot.bottom, stroke: INK }));
  body.push(
    textAt((plot.left + plot.right) / 2, plot.bottom + 38, `${input.axisLabel ?? 'value'} (${input.unit})`, {
      'text-anchor': 'middle',
      fill: INK,
    }),
  );
  if (limit) {
    body.push(
      element('line', {
        x1: x(limit.value),
        y1: plot.top - 12,
        x2: x(limit.value),
        y2: plot.bottom,
        stroke: LIMIT_COLOUR,
        'stroke-width': '2',
        'stroke-dasharray': '6 3',
      }),
    );
    body.push(textAt(x(limit.value), plot.top - 16, limit.label, { 'text-anchor': 'middle', fill: LIMIT_COLOUR }));
  }
  if (input.bars.length === 0)
    body.push(textAt((plot.left + plot.right) / 2, plot.top + 17, 'no data', { 'text-anchor': 'middle', fill: MUTED }));
  const desc =
    `Stacked bar chart of ${input.bars.length} bars in ${input.unit}, parts ${input.parts.join(', ')}` +
    `${limit ? `; limit line at ${valueLabel(limit.value)} ${input.unit} (${limit.label})` : ''}` +
    `${skipped > 0 ? `; ${skipped} values skipped (not a finite, non-negative number)` : ''}.`;
  return svgDocument('stacked', width, plot.bottom + 48, input.title, desc, body);
}

/** Whole decades around the positive values, at least one wide. */
function decadeSpan(values: readonly number[]): { lo: number; hi: number } {
  if (values.length === 0) return { lo: 1, hi: 10 };
  const lo = Math.floor(Math.log10(values.reduce((m, v) => Math.min(m, v))) + 1e-9);
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(values.reduce((m, v) => Math.max(m, v))) - 1e-9));
  return { lo, hi };
}

/** Lines over a log axis of counts (decade ticks), a linear axis up, points with tooltips, and a marker line. */
export function scaleChartSvg(input: ScaleChartInput): string {
  const width = input.width ?? 760;
  const height = input.height ?? 360;
  const series = input.series.map((s) => ({
    label: s.label,
    points: s.points.filter((p) => Number.isFinite(p.x) && p.x > 0 && Number.isFinite(p.y)),
  }));
  const skipped =
    input.series.reduce((n, s) => n + s.points.length, 0) - series.reduce((n, s) => n + s.points.length, 0);
  const marker = input.marker && Number.isFinite(input.marker.x) && input.marker.x > 0 ? input.marker : undefined;
  const xs = [...series.flatMap((s) => s.points.map((p) => p.x)), ...(marker ? [marker.x] : [])];
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const span = decadeSpan(xs);
  const axis = input.yRange
    ? linearAxis(input.yRange[0], input.yRange[1])
    : linearAxis(Math.min(0, ...ys), Math.max(0, ...ys));
  const key = legend(
    series.map((s) => s.label),
    PART_COLOURS,
    36,
    width,
  );
  const plot = { left: 64, right: width - 24, top: key.bottom + (marker ? 24 : 8), bottom: height - 52 };
  const x = (v: number): number =>
    plot.left + ((plot.right - plot.left) * (Math.log10(v) - span.lo)) / (span.hi - span.lo);
  const y = (v: number): number => plot.bottom - ((plot.bottom - plot.top) * (v - axis.lo)) / (axis.hi - axis.lo);
  const body = [textAt(12, 24, input.title, { 'font-size': '15', 'font-weight': 'bold', fill: INK }), ...key.parts];
  for (let d = span.lo; d <= span.hi; d++) {
    body.push(element('line', { x1: x(10 ** d), y1: plot.top, x2: x(10 ** d), y2: plot.bottom, stroke: GRID }));
    body.push(textAt(x(10 ** d), plot.bottom + 16, siLabel(10 ** d), { 'text-anchor': 'middle', fill: INK }));
  }
  for (const v of ticksOf(axis)) {
    body.push(element('line', { x1: plot.left, y1: y(v), x2: plot.right, y2: y(v), stroke: GRID }));
    body.push(textAt(plot.left - 6, y(v) + 4, valueLabel(v), { 'text-anchor': 'end', fill: INK }));
  }
  body.push(element('line', { x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, stroke: INK }));
  body.push(element('line', { x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: INK }));
  body.push(
    textAt((plot.left + plot.right) / 2, plot.bottom + 38, `${input.xLabel} (log scale)`, {
      'text-anchor': 'middle',
      fill: INK,
    }),
  );
  body.push(
    textAt(16, (plot.top + plot.bottom) / 2, input.yLabel, {
      'text-anchor': 'middle',
      fill: INK,
      transform: `rotate(-90 16 ${px((plot.top + plot.bottom) / 2)})`,
    }),
  );
  series.forEach((s, i) => {
    const colour = PART_COLOURS[i % PART_COLOURS.length]!;
    if (s.points.length > 1)
      body.push(
        element('polyline', {
          points: s.points.map((p) => `${px(x(p.x))},${px(y(p.y))}`).join(' '),
          fill: 'none',
          stroke: colour,
          'stroke-width': '2',
        }),
      );
    for (const p of s.points)
      body.push(
        element(
          'circle',
          { cx: x(p.x), cy: y(p.y), r: 3, fill: colour },
          tip(`${s.label} at ${valueLabel(p.x)} ${input.xLabel}: ${valueLabel(p.y)}`),
        ),
      );
  });
  if (marker) {
    body.push(
      element('line', {
        x1: x(marker.x),
        y1: plot.top - 10,
        x2: x(marker.x),
        y2: plot.bottom,
        stroke: LIMIT_COLOUR,
        'stroke-width': '1.5',
        'stroke-dasharray': '5 3',
      }),
    );
    const anchor = x(marker.x) > (plot.left + plot.right) / 2 ? 'end' : 'start';
    body.push(
      textAt(x(marker.x) + (anchor === 'end' ? -4 : 4), plot.top - 12, marker.label, {
        'text-anchor': anchor,
        fill: LIMIT_COLOUR,
      }),
    );
  }
  const desc =
    `Line chart of ${series.length} series against ${input.xLabel} on a log scale (10^${span.lo} to 10^` +
    `${span.hi}); ${input.yLabel} up` +
    `${marker ? `; marker at ${valueLabel(marker.x)} (${marker.label})` : ''}` +
    `${skipped > 0 ? `; ${skipped} points skipped (not placeable)` : ''}.`;
  return svgDocument('scale', width, height, input.title, desc, body);
}
