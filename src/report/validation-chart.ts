/**
 * The validation suite as a picture: each row's predicted speed over measured speed (log scale), one
 * column per category, held-out rows filled and calibration rows hollow, the +-15% and +-30% bands
 * shaded. Rows above 1 are predicted too fast. Same predictions, same bytes.
 */
import type { RowPrediction } from '../validation/predict.js';
import { element, GRID, INK, MUTED, PART_COLOURS, svgDocument, textAt, tip } from './svg-kit.js';

type Predicted = Extract<RowPrediction, { ok: true }>;

const WIDTH = 760;
const HEIGHT = 420;
const PLOT = { left: 70, right: WIDTH - 20, top: 30, bottom: HEIGHT - 60 };
/** Speed ratios drawn: 1/4 to 4 (beyond, pinned to the edge). */
const LOG_SPAN = Math.log(4);
const TICKS = [0.25, 0.5, 0.77, 1, 1.3, 2, 4];

const y = (ratio: number): number => {
  const t = Math.max(-LOG_SPAN, Math.min(LOG_SPAN, Math.log(ratio))) / LOG_SPAN;
  return (PLOT.top + PLOT.bottom) / 2 - (t * (PLOT.bottom - PLOT.top)) / 2;
};

/** Deterministic spread of a row's dot across its column, from its id. */
function jitter(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return (h % 1000) / 1000 - 0.5;
}

/** `categories` in the order drawn (the suite's VALIDATION_CATEGORIES). */
export function validationRatioSvg(predictions: readonly RowPrediction[], categories: readonly string[]): string {
  const rows = predictions.filter((p): p is Predicted => p.ok);
  const column = (PLOT.right - PLOT.left) / categories.length;
  const body: string[] = [];
  for (const [lo, hi, fill] of [
    [1 / 1.3, 1.3, '#f2f2f2'],
    [1 / 1.15, 1.15, '#e3e3e3'],
  ] as const) {
    body.push(element('rect', { x: PLOT.left, y: y(hi), width: PLOT.right - PLOT.left, height: y(lo) - y(hi), fill }));
  }
  for (const t of TICKS) {
    body.push(
      element('line', {
        x1: PLOT.left,
        x2: PLOT.right,
        y1: y(t),
        y2: y(t),
        stroke: t === 1 ? INK : GRID,
        'stroke-width': t === 1 ? 1 : 0.5,
      }),
    );
    body.push(textAt(PLOT.left - 6, y(t) + 4, `${t}x`, { 'text-anchor': 'end', fill: MUTED }));
  }
  categories.forEach((category, i) => {
    const cx = PLOT.left + column * (i + 0.5);
    const colour = PART_COLOURS[i % PART_COLOURS.length]!;
    const mine = rows.filter((p) => p.row.category === category);
    body.push(textAt(cx, PLOT.bottom + 18, category, { 'text-anchor': 'middle', fill: INK }));
    body.push(textAt(cx, PLOT.bottom + 32, `${mine.length} rows`, { 'text-anchor': 'middle', fill: MUTED }));
    for (const p of mine) {
      const heldOut = p.row.split === 'held-out';
      const attrs = heldOut ? { fill: colour, 'fill-opacity': 0.75 } : { fill: 'none', stroke: colour };
      body.push(
        element(
          'circle',
          { cx: cx + jitter(p.row.id) * column * 0.7, cy: y(p.speedRatio), r: 3, ...attrs },
          tip(`${p.row.id} (${p.row.split}): predicted / measured speed ${p.speedRatio.toFixed(2)}`),
        ),
      );
    }
  });
  body.push(
    textAt(14, (PLOT.top + PLOT.bottom) / 2, 'predicted / measured speed', {
      transform: `rotate(-90 14 ${(PLOT.top + PLOT.bottom) / 2})`,
      'text-anchor': 'middle',
      fill: INK,
    }),
  );
  body.push(
    textAt(
      PLOT.left,
      18,
      'Each row: filled held-out, hollow calibration; bands +-15% and +-30%; above 1 the model is too fast',
      { fill: INK },
    ),
  );
  const title = 'tpusim against published measurements';
  const desc =
    `Predicted over measured speed of ${rows.length} validation rows by category, log scale from 0.25x ` + `to 4x.`;
  return svgDocument('validation', WIDTH, HEIGHT, title, desc, body);
}
