/**
 * Economics charts as plain SVG text, drawn like svg.ts's: a cost waterfall (each cost steps on from
 * where the one before ended, then the total as a full bar) and a tornado chart (each assumption's
 * low and high either side of a baseline). Same input, same bytes: one-decimal coordinates, labels with
 * `formatSI`/`trimNumber`, rows in input order, Okabe & Ito's colours. Values a chart cannot place
 * (NaN, infinite, a negative cost) are skipped and counted in the chart's <desc>.
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
  svgDocument,
  textAt,
  ticksOf,
  tip,
  valueLabel,
  type Axis,
  type Plot,
} from './svg-kit.js';

export interface WaterfallInput {
  readonly title: string;
  readonly unit: string;
  /** The parts of the total, in the order they stack. */
  readonly steps: readonly { readonly label: string; readonly value: number }[];
  /** The last bar's label (default 'total'). */
  readonly totalLabel?: string;
  /** What the value axis measures (default 'value'); the unit follows in parentheses. */
  readonly axisLabel?: string;
  readonly width?: number;
}

export interface TornadoChartInput {
  readonly title: string;
  /** The output with every assumption at its value: where the bars start. */
  readonly baseline: number;
  readonly baselineLabel?: string;
  /** A second line to read the bars against, e.g. the ratio 1 at which two options tie. */
  readonly reference?: { readonly value: number; readonly label: string };
  /** What the value axis measures (default 'output'). */
  readonly axisLabel?: string;
  /** One row per assumption, drawn in the order given (sort by swing first for a tornado's shape). */
  readonly bars: readonly {
    readonly label: string;
    readonly atLow: number;
    readonly atHigh: number;
    readonly lowLabel?: string;
    readonly highLabel?: string;
  }[];
  readonly width?: number;
}

/** Okabe & Ito: blue steps, vermillion total; sky blue and orange for a tornado's low and high. */
const STEP_COLOUR = '#0072B2';
const TOTAL_COLOUR = '#D55E00';
const LOW_COLOUR = '#56B4E9';
const HIGH_COLOUR = '#E69F00';
const ROW_PX = 24;

/** Vertical grid lines with tick labels under the plot, and the axis title below them. */
function xAxis(axis: Axis, x: (v: number) => number, plot: Plot, title: string): string[] {
  const parts: string[] = [];
  for (const v of ticksOf(axis)) {
    parts.push(element('line', { x1: x(v), y1: plot.top, x2: x(v), y2: plot.bottom, stroke: GRID }));
    parts.push(textAt(x(v), plot.bottom + 16, valueLabel(v), { 'text-anchor': 'middle', fill: INK }));
  }
  parts.push(textAt((plot.left + plot.right) / 2, plot.bottom + 38, title, { 'text-anchor': 'middle', fill: INK }));
  return parts;
}

const placeable = (v: number): boolean => Number.isFinite(v) && v >= 0;

/**
 * A horizontal cost waterfall: one row per step, each bar starting where the last ended, dashed
 * connectors between them, and the total as a full bar from zero. Labels give each value and its share.
 */
export function waterfallSvg(input: WaterfallInput): string {
  const width = input.width ?? 720;
  const steps = input.steps.filter((s) => placeable(s.value));
  let total = 0;
  const starts = steps.map((s) => {
    const start = total;
    total += s.value;
    return start;
  });
  const totalLabel = input.totalLabel ?? 'total';
  const labels = [...steps.map((s) => s.label), totalLabel];
  const labelWidth = Math.min(280, Math.max(60, ...labels.map((l) => l.length * CHAR_WIDTH_PX)) + 12);
  const plot = { left: labelWidth, right: width - 130, top: 44, bottom: 44 + labels.length * ROW_PX };
  const axis = linearAxis(0, total);
  const x = (v: number): number => plot.left + ((plot.right - plot.left) * (v - axis.lo)) / (axis.hi - axis.lo);
  const share = (v: number): string => (total > 0 ? ` (${trimNumber((100 * v) / total, 3)}%)` : '');

  const body = [
    textAt(12, 24, input.title, { 'font-size': '15', 'font-weight': 'bold', fill: INK }),
    ...xAxis(axis, x, plot, `${input.axisLabel ?? 'value'} (${input.unit})`),
  ];
  const row = (i: number, label: string, from: number, value: number, isTotal: boolean, text: string): void => {
    const y = plot.top + i * ROW_PX;
    body.push(textAt(plot.left - 6, y + 16, fitText(label, plot.left - 12), { 'text-anchor': 'end', fill: INK }));
    body.push(
      element(
        'rect',
        {
          x: x(from),
          y: y + 4,
          width: Math.max(0, x(from + value) - x(from)),
          height: 16,
          fill: isTotal ? TOTAL_COLOUR : STEP_COLOUR,
        },
        tip(text),
      ),
    );
    body.push(
      textAt(x(from + value) + 4, y + 16, `${valueLabel(value)} ${input.unit}${isTotal ? '' : share(value)}`, {
        fill: INK,
      }),
    );
  };
  steps.forEach((s, i) => {
    row(
      i,
      s.label,
      starts[i]!,
      s.value,
      false,
      `${s.label}: ${valueLabel(s.value)} ${input.unit}${share(s.value)}, ${valueLabel(starts[i]! + s.value)} ` +
        `${input.unit} so far`,
    );
    const end = x(starts[i]! + s.value);
    body.push(
      element('line', {
        x1: end,
        y1: plot.top + i * ROW_PX + 20,
        x2: end,
        y2: plot.top + (i + 1) * ROW_PX + 4,
        stroke: MUTED,
        'stroke-dasharray': '3 2',
      }),
    );
  });
  row(steps.length, totalLabel, 0, total, true, `${totalLabel}: ${valueLabel(total)} ${input.unit}`);
  body.push(element('line', { x1: x(0), y1: plot.top, x2: x(0), y2: plot.bottom, stroke: INK }));

  const skipped = input.steps.length - steps.length;
  const desc =
    `Cost waterfall of ${steps.length} parts in ${input.unit}, each bar starting where the one before ` +
    `ended; ${totalLabel} ${valueLabel(total)} ${input.unit}` +
    `${skipped > 0 ? `; ${skipped} skipped (not a finite, non-negative number)` : ''}.`;
  return svgDocument('waterfall', width, plot.bottom + 48, input.title, desc, body);
}

/** A dashed or solid vertical line across the plot with its label `lift` px above the plot. */
function marker(xv: number, plot: Plot, label: string, colour: string, dashed: boolean, lift: number): string[] {
  return [
    element('line', {
      x1: xv,
      y1: plot.top - lift + 4,
      x2: xv,
      y2: plot.bottom,
      stroke: colour,
      'stroke-width': '1.5',
      ...(dashed ? { 'stroke-dasharray': '5 3' } : {}),
    }),
    textAt(xv, plot.top - lift, label, { 'text-anchor': 'middle', fill: colour }),
  ];
}

/**
 * A tornado chart: per row, the output with the assumption at its low (upper half, sky blue) and at its
 * high (lower half, orange), each bar drawn from the baseline; the baseline and an optional reference line.
 */
export function tornadoSvg(input: TornadoChartInput): string {
  const width = input.width ?? 760;
  const base = input.baseline;
  // Bars start at the baseline: without one, none can be placed.
  const bars = Number.isFinite(base)
    ? input.bars.filter((b) => Number.isFinite(b.atLow) && Number.isFinite(b.atHigh))
    : [];
  const reference = input.reference && Number.isFinite(input.reference.value) ? input.reference : undefined;
  const values = [base, ...bars.flatMap((b) => [b.atLow, b.atHigh]), ...(reference ? [reference.value] : [])].filter(
    Number.isFinite,
  );
  const labelWidth = Math.min(260, Math.max(60, ...bars.map((b) => b.label.length * CHAR_WIDTH_PX)) + 12);
  const plot = { left: labelWidth, right: width - 110, top: 86, bottom: 86 + Math.max(1, bars.length) * ROW_PX };
  const axis = values.length > 0 ? linearAxis(Math.min(...values), Math.max(...values)) : linearAxis(0, 1);
  const x = (v: number): number => plot.left + ((plot.right - plot.left) * (v - axis.lo)) / (axis.hi - axis.lo);

  const body = [
    textAt(12, 24, input.title, { 'font-size': '15', 'font-weight': 'bold', fill: INK }),
    element('rect', { x: 12, y: 36, width: 10, height: 10, fill: LOW_COLOUR }),
    textAt(28, 45, 'assumption at its low', { fill: INK }),
    element('rect', { x: 172, y: 36, width: 10, height: 10, fill: HIGH_COLOUR }),
    textAt(188, 45, 'assumption at its high', { fill: INK }),
    ...xAxis(axis, x, plot, input.axisLabel ?? 'output'),
  ];
  const half = (label: string, y: number, value: number, at: string | undefined, end: 'low' | 'high'): string => {
    const text = `${label} at its ${end}${at === undefined ? '' : ` (${at})`}: ${valueLabel(value)}`;
    return element(
      'rect',
      {
        x: Math.min(x(base), x(value)),
        y,
        width: Math.abs(x(value) - x(base)),
        height: 8,
        fill: end === 'low' ? LOW_COLOUR : HIGH_COLOUR,
      },
      tip(text),
    );
  };
  bars.forEach((b, i) => {
    const y = plot.top + i * ROW_PX;
    body.push(textAt(plot.left - 6, y + 16, fitText(b.label, plot.left - 12), { 'text-anchor': 'end', fill: INK }));
    body.push(half(b.label, y + 4, b.atLow, b.lowLabel, 'low'), half(b.label, y + 12, b.atHigh, b.highLabel, 'high'));
    body.push(textAt(plot.right + 6, y + 16, `${valueLabel(b.atLow, 3)} / ${valueLabel(b.atHigh, 3)}`, { fill: INK }));
  });
  const baseLabel = input.baselineLabel ?? `baseline ${valueLabel(base)}`;
  // The two labels share a line unless they would overlap; then the reference's goes one line up.
  const crowded =
    reference !== undefined &&
    Math.abs(x(reference.value) - x(base)) < ((reference.label.length + baseLabel.length) * CHAR_WIDTH_PX) / 2 + 8;
  if (reference) body.push(...marker(x(reference.value), plot, reference.label, TOTAL_COLOUR, true, crowded ? 22 : 8));
  if (Number.isFinite(base)) body.push(...marker(x(base), plot, baseLabel, INK, false, 8));
  if (bars.length === 0)
    body.push(textAt((plot.left + plot.right) / 2, plot.top + 16, 'no data', { 'text-anchor': 'middle', fill: MUTED }));

  const skipped = input.bars.length - bars.length;
  const desc =
    `Tornado chart of ${bars.length} assumptions: the output at each one's low and high, drawn from the ` +
    `baseline ${Number.isFinite(base) ? valueLabel(base) : '(none: not a finite number)'}` +
    `${reference ? `; reference line at ${valueLabel(reference.value)} (${reference.label})` : ''}` +
    `${skipped > 0 ? `; ${skipped} skipped (not a finite number, or no baseline)` : ''}.`;
  return svgDocument('tornado', width, plot.bottom + 48, input.title, desc, body);
}
