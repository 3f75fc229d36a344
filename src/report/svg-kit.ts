/**
 * What every SVG chart of report/ draws with: escaped elements with one-decimal coordinates, the
 * document frame with its accessible title and description, Okabe & Ito's colours, label fitting and
 * collision boxes, and 1-2-5 linear axes. Same input, same bytes.
 */
import { formatSI, trimNumber } from '../core/units.js';

/** Okabe & Ito's colour-blind-safe palette, one colour per bound reason. */
export const BOUND_COLOURS: Readonly<Record<string, string>> = {
  compute: '#0072B2',
  memory: '#E69F00',
  vector: '#009E73',
  latency: '#CC79A7',
};
/** The rest of Okabe & Ito's palette, handed out in order to other bounds. */
const EXTRA_COLOURS = ['#56B4E9', '#D55E00', '#F0E442', '#000000'];
/** The whole palette in order, for bar groups. */
export const GROUP_COLOURS = [...Object.values(BOUND_COLOURS), ...EXTRA_COLOURS];
/** Whatever the palette has no colour left for. */
export const OTHER_COLOUR = '#999999';
/** The palette, grey and purple, handed out to a chart's parts and series in order. */
export const PART_COLOURS = [...GROUP_COLOURS, OTHER_COLOUR, '#6A3D9A'];
export const INK = '#333333';
export const GRID = '#e5e5e5';
export const MUTED = '#666666';
const FONT = 'font-family="system-ui, sans-serif"';
/** Rough advance width of an 11 px sans-serif character, for label widths and collision checks. */
export const CHAR_WIDTH_PX = 6.2;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Fixed one-decimal coordinates, never `-0.0`. */
export function px(value: number): string {
  const text = value.toFixed(1);
  return text === '-0.0' ? '0.0' : text;
}

export type Attrs = Readonly<Record<string, string | number>>;

/** An element whose number attributes print through `px` and string ones escaped. */
export function element(name: string, attrs: Attrs, children = ''): string {
  const list = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? px(v) : escapeXml(v)}"`)
    .join('');
  return children === '' ? `<${name}${list}/>` : `<${name}${list}>${children}</${name}>`;
}

export function textAt(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return element('text', { x, y, ...attrs }, escapeXml(content));
}

/** A title element for a tooltip. */
export const tip = (text: string): string => `<title>${escapeXml(text)}</title>`;

/** "1 T", "10 G", "0.1": a tick or value with an SI prefix and no unit. */
export function siLabel(value: number): string {
  return formatSI(value, '').trim();
}

/** Readable value: SI prefixes (4 significant digits) from 10^4 up, else up to `digits` significant digits. */
export function valueLabel(value: number, digits = 4): string {
  return Math.abs(value) >= 1e4 ? siLabel(value) : trimNumber(value, digits);
}

/** Stable short hash of the title, so ids stay unique among a page's charts and identical across runs. */
export function chartId(kind: string, title: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < title.length; i++) hash = Math.imul(hash ^ title.charCodeAt(i), 0x01000193) >>> 0;
  return `tpusim-${kind}-${hash.toString(16).padStart(8, '0')}`;
}

/** The whole document: the title and description the chart is labelled by, a white background, then `body`. */
export function svgDocument(
  kind: string,
  width: number,
  height: number,
  title: string,
  desc: string,
  body: readonly string[],
): string {
  const id = chartId(kind, title);
  const open =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ` +
    `${px(width)} ${px(height)}" role="img" aria-labelledby="${id}-title ${id}-desc" ${FONT} ` +
    `font-size="11">`;
  const head = [
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(desc)}</desc>`,
  ];
  return [open, ...head, element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }), ...body, '</svg>', ''].join(
    '\n',
  );
}

/** `text` cut to about `widthPx`, ending in an ellipsis when cut (the full text stays in a tooltip). */
export function fitText(text: string, widthPx: number): string {
  const chars = Math.max(4, Math.floor(widthPx / CHAR_WIDTH_PX));
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}\u2026`;
}

/** Known bounds in their fixed colours, other named bounds in the rest of the palette (sorted), none ('') in grey. */
export function boundColours(bounds: readonly string[]): Map<string, string> {
  const present = new Set(bounds);
  const colours = new Map(
    Object.keys(BOUND_COLOURS)
      .filter((b) => present.has(b))
      .map((b) => [b, BOUND_COLOURS[b]!]),
  );
  [...present]
    .filter((b) => !(b in BOUND_COLOURS) && b !== '')
    .sort()
    .forEach((b, i) => colours.set(b, EXTRA_COLOURS[i] ?? OTHER_COLOUR));
  if (present.has('')) colours.set('', OTHER_COLOUR);
  return colours;
}

export interface Plot {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** A label's extent, for collision checks. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** 1, 2 or 5 x 10^k at or above `raw`. */
export function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * (1 - 1e-12)) ?? 10 * magnitude;
}

export interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly step: number;
}

/** Whole ticks of a 1-2-5 step around [lo, hi], about five of them. */
export function linearAxis(lo: number, hi: number): Axis {
  if (!(hi > lo)) [lo, hi] = lo === 0 ? [0, 1] : [lo - Math.abs(lo) / 2, hi + Math.abs(hi) / 2];
  const step = niceStep((hi - lo) / 5);
  return { lo: Math.floor(lo / step + 1e-9) * step, hi: Math.ceil(hi / step - 1e-9) * step, step };
}

/** The axis's tick values, rounded to the step's precision so 0.1 + 0.2 prints as 0.3. */
export const ticksOf = (axis: Axis): number[] =>
  Array.from({ length: Math.round((axis.hi - axis.lo) / axis.step) + 1 }, (_, i) =>
    Number((axis.lo + i * axis.step).toPrecision(12)),
  );
