/**
 * A layer timeline as SVG text: the layers of a model one after another on a time axis, one row each
 * (a waterfall), coloured by what bounds them. Same input, same bytes, as report/svg.ts: coordinates
 * with one decimal, labels with `formatSI`/`trimNumber`, elements in input order. Layers whose time is
 * not a positive number are skipped and counted in the chart's <desc>.
 */
import { trimNumber } from '../core/units.js';
import {
  boundColours,
  CHAR_WIDTH_PX,
  element,
  fitText,
  GRID,
  INK,
  MUTED,
  niceStep,
  OTHER_COLOUR,
  overlaps,
  svgDocument,
  textAt,
  tip,
  valueLabel,
  type Box,
  type Plot,
} from './svg-kit.js';

export interface TimelineLayer {
  readonly label: string;
  readonly durationS: number;
  /** What bounds the layer: compute, memory, vector, latency, ... */
  readonly bound?: string;
}

export interface TimelineInput {
  readonly title: string;
  readonly layers: readonly TimelineLayer[];
  readonly width?: number;
  /** Height of the rows together; rows get at most 16 px each, so short models draw smaller. */
  readonly plotHeight?: number;
  /** Where rows are too thin to name each one, the longest layers get a label (default 8). */
  readonly maxLabels?: number;
  /**
   * At most this many rows (default: one per 4 px of plotHeight). Longer models draw consecutive layers
   * together, k to a row: the row spans their time, split by bound. Thinner rows could not be seen,
   * and a browser redraws a few hundred shapes far faster than thousands.
   */
  readonly maxRows?: number;
}

const MAX_ROW_PX = 16;
/** Rows at least this tall are each named on the left. */
const NAMED_ROW_PX = 11;
/** Thinner bars are drawn this wide so that every layer stays visible. */
const MIN_BAR_PX = 0.5;

/** The time unit the axis reads in: the largest of s, ms, us, ns that keeps the total at least 1. */
function timeUnit(totalS: number): { readonly name: string; readonly perS: number } {
  const units = [
    { name: 's', perS: 1 },
    { name: 'ms', perS: 1e3 },
    { name: 'us', perS: 1e6 },
    { name: 'ns', perS: 1e9 },
  ];
  return units.find((u) => totalS * u.perS >= 1) ?? units[units.length - 1]!;
}

interface Row {
  /** The layer's name, or for a row of several the longest one's (what a label on the chart shows). */
  readonly label: string;
  /** The tooltip's name: the layer, or the first and last of the row's layers. */
  readonly name: string;
  readonly bound: string;
  readonly startS: number;
  readonly durationS: number;
  /** Time by bound, in order of first appearance (one entry for a row of one layer). */
  readonly parts: ReadonlyArray<{ readonly bound: string; readonly durationS: number }>;
}

/** Consecutive layers k to a row, each row's time split by bound. */
function rowsOf(layers: readonly Row[], k: number): Row[] {
  if (k <= 1) return [...layers];
  const rows: Row[] = [];
  for (let i = 0; i < layers.length; i += k) {
    const group = layers.slice(i, i + k);
    const byBound = new Map<string, number>();
    for (const l of group) byBound.set(l.bound, (byBound.get(l.bound) ?? 0) + l.durationS);
    const parts = [...byBound].map(([bound, durationS]) => ({ bound, durationS }));
    const longest = group.reduce((a, b) => (b.durationS > a.durationS ? b : a));
    const main = parts.reduce((a, b) => (b.durationS > a.durationS ? b : a));
    const name =
      group.length === 1
        ? longest.name
        : `layers ${i + 1}-${i + group.length} (${group[0]!.name} to ${group[group.length - 1]!.name})`;
    rows.push({
      label: longest.label,
      name,
      bound: main.bound,
      startS: group[0]!.startS,
      durationS: parts.reduce((t, p) => t + p.durationS, 0),
      parts,
    });
  }
  return rows;
}

/**
 * The layers one after another, one row each, on a linear time axis; the legend gives each bound's share of the time.
 */
export function timelineSvg(input: TimelineInput): string {
  const width = input.width ?? 760;
  const kept = input.layers.filter((l) => Number.isFinite(l.durationS) && l.durationS > 0);
  let clock = 0;
  const layers: Row[] = kept.map((l) => {
    const bound = l.bound ?? '';
    const row = {
      label: l.label,
      name: l.label,
      bound,
      startS: clock,
      durationS: l.durationS,
      parts: [{ bound, durationS: l.durationS }],
    };
    clock += l.durationS;
    return row;
  });
  const totalS = clock;
  const plotHeight = input.plotHeight ?? 560;
  const perRow = Math.ceil(layers.length / Math.max(1, Math.floor(input.maxRows ?? plotHeight / 4)));
  const rows = rowsOf(layers, perRow);
  const rowPx = Math.min(MAX_ROW_PX, plotHeight / Math.max(1, rows.length));
  const named = rowPx >= NAMED_ROW_PX;
  const labelWidth = named ? Math.min(220, Math.max(60, ...rows.map((r) => r.label.length * CHAR_WIDTH_PX)) + 12) : 56;
  const colours = boundColours(layers.map((r) => r.bound));
  const plot = { left: labelWidth, right: width - 24, top: 70, bottom: 70 + Math.max(1, rows.length) * rowPx };
  const height = plot.bottom + 48;
  const unit = timeUnit(totalS);
  const step = totalS > 0 ? niceStep((totalS * unit.perS) / 5) : 1;
  const tickCount = totalS > 0 ? Math.ceil((totalS * unit.perS) / step - 1e-9) : 1;
  const x = (s: number): number => plot.left + ((plot.right - plot.left) * s * unit.perS) / (tickCount * step);
  const y = (i: number): number => plot.top + i * rowPx;

  const shares = [...colours.keys()].map((b) => ({
    bound: b,
    share: layers.filter((r) => r.bound === b).reduce((s, r) => s + r.durationS, 0) / (totalS || 1),
  }));
  const body = [
    textAt(12, 22, input.title, { 'font-size': '15', 'font-weight': 'bold', fill: INK }),
    textAt(
      12,
      38,
      `${layers.length} layers one after another${perRow > 1 ? `, ${perRow} to a row` : ''}, ` +
        `${trimNumber(totalS * unit.perS, 4)} ${unit.name} in all`,
      { fill: MUTED },
    ),
    ...legend(shares, colours),
    ...timeAxis(tickCount, step, unit.name, x, plot),
    ...rows.map((r, i) => bar(r, i, x, y, rowPx, colours, unit)),
    ...(named
      ? rows.map((r, i) =>
          textAt(plot.left - 6, y(i) + rowPx / 2 + 4, fitText(r.label, plot.left - 12), {
            'text-anchor': 'end',
            fill: INK,
          }),
        )
      : rowEnds(rows.length, layers.length, y, rowPx, plot.left)),
    ...(named ? [] : longestLabels(rows, x, y, rowPx, plot, input.maxLabels ?? 8)),
  ];
  if (rows.length === 0)
    body.push(textAt((plot.left + plot.right) / 2, plot.top + 12, 'no data', { 'text-anchor': 'middle', fill: MUTED }));
  const skipped = input.layers.length - layers.length;
  const desc = [
    `Timeline of ${layers.length} layers run one after another, ` +
      `${perRow > 1 ? `${perRow} consecutive layers to a row (time split by bound within a row)` : 'one row each'}, ` +
      `on a linear time axis in ${unit.name}; total ${trimNumber(totalS * unit.perS, 4)} ${unit.name}.`,
    `Time by bound: ` +
      `${shares.map((s) => `${s.bound || 'not given'} ${trimNumber(s.share * 100, 3)}%`).join(', ') || 'none'}.`,
    ...(skipped > 0 ? [`${skipped} skipped (time not a positive number).`] : []),
  ].join(' ');
  return svgDocument('timeline', width, height, input.title, desc, body);
}

function legend(
  shares: ReadonlyArray<{ bound: string; share: number }>,
  colours: ReadonlyMap<string, string>,
): string[] {
  return shares.flatMap(({ bound, share }, i) => {
    const left = 12 + i * 150;
    return [
      element('rect', { x: left, y: 48, width: 10, height: 10, fill: colours.get(bound) ?? OTHER_COLOUR }),
      textAt(left + 16, 57, `${bound ? `${bound}-bound` : 'bound not given'} ${trimNumber(share * 100, 3)}%`, {
        fill: INK,
      }),
    ];
  });
}

function timeAxis(tickCount: number, step: number, unit: string, _x: (s: number) => number, plot: Plot): string[] {
  const parts: string[] = [];
  for (let i = 0; i <= tickCount; i++) {
    const at = plot.left + ((plot.right - plot.left) * i) / tickCount;
    const value = i * step;
    parts.push(element('line', { x1: at, y1: plot.top, x2: at, y2: plot.bottom, stroke: GRID }));
    parts.push(textAt(at, plot.bottom + 16, valueLabel(value), { 'text-anchor': 'middle', fill: INK }));
  }
  parts.push(element('line', { x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: INK }));
  parts.push(
    textAt((plot.left + plot.right) / 2, plot.bottom + 38, `time (${unit})`, { 'text-anchor': 'middle', fill: INK }),
  );
  return parts;
}

/** A row's bar: one rect per bound it holds, one after another from the row's start. */
function bar(
  r: Row,
  i: number,
  x: (s: number) => number,
  y: (i: number) => number,
  rowPx: number,
  colours: ReadonlyMap<string, string>,
  unit: { name: string; perS: number },
): string {
  const time = (s: number): string => `${trimNumber(s * unit.perS, 4)} ${unit.name}`;
  let at = r.startS;
  return r.parts
    .map((p) => {
      const x0 = x(at);
      at += p.durationS;
      const text =
        r.parts.length === 1 && r.name === r.label
          ? `${r.name}: ${time(p.durationS)}${p.bound ? ` (${p.bound}-bound)` : ''}`
          : `${r.name}: ${time(p.durationS)} of ${time(r.durationS)} ` +
            `${p.bound ? `${p.bound}-bound` : 'bound not given'}`;
      const attrs = {
        x: x0,
        y: y(i),
        width: Math.max(MIN_BAR_PX, x(at) - x0),
        height: rowPx >= 3 ? rowPx - 1 : rowPx,
        fill: colours.get(p.bound) ?? OTHER_COLOUR,
      };
      return element('rect', attrs, tip(text));
    })
    .join('');
}

/** Without a name per row: the first and last layer's number, so the rows read as layers in order. */
function rowEnds(count: number, layers: number, y: (i: number) => number, rowPx: number, left: number): string[] {
  if (count === 0) return [];
  const first = textAt(left - 6, y(0) + Math.max(rowPx, 8) / 2 + 4, 'layer 1', { 'text-anchor': 'end', fill: INK });
  return count === 1 ? [first] : [first, textAt(left - 6, y(count), `${layers}`, { 'text-anchor': 'end', fill: INK })];
}

/**
 * Names of the longest layers, never overlapping: after the bar's end at its bottom edge (the rows above
 * end before this one starts), else before its start at its top edge (the rows below start after it ends).
 */
function longestLabels(
  rows: readonly Row[],
  x: (s: number) => number,
  y: (i: number) => number,
  rowPx: number,
  plot: Plot,
  maxLabels: number,
): string[] {
  const order = rows.map((r, i) => ({ r, i })).sort((a, b) => b.r.durationS - a.r.durationS || a.i - b.i);
  const placed: Box[] = [];
  const labels: string[] = [];
  for (const { r, i } of order) {
    if (labels.length >= maxLabels) break;
    const w = r.label.length * CHAR_WIDTH_PX;
    const end = x(r.startS + r.durationS) + 4;
    const start = x(r.startS) - 4;
    const after = { x0: end, y0: y(i) + rowPx - 12, x1: end + w, y1: y(i) + rowPx };
    const before = { x0: start - w, y0: y(i), x1: start, y1: y(i) + 12 };
    const box = [after, before].find(
      (b) =>
        b.x0 >= plot.left &&
        b.x1 <= plot.right &&
        b.y0 >= plot.top - 12 &&
        b.y1 <= plot.bottom + 12 &&
        !placed.some((o) => overlaps(o, b)),
    );
    if (box === undefined) continue;
    placed.push(box);
    labels.push(textAt(box.x0, box.y1 - 2, r.label, { fill: INK }));
  }
  return labels;
}
