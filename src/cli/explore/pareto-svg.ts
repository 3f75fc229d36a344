/**
 * The Pareto scatter of a sweep: a sample of feasible points in grey, the front in colour with each
 * design in its tooltip. Two objectives: one against the other; one objective: it against the index.
 */
import { escapeXml, formatReadable } from '../../index.js';
import type { SweepReport } from './report.js';

const WIDTH = 640;
const HEIGHT = 420;
const PLOT = { left: 70, right: 620, top: 40, bottom: 360 };

interface Scale {
  readonly lo: number;
  readonly hi: number;
}

function scaleOf(values: readonly number[]): Scale {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(lo) * 0.05 || 1;
  return { lo: lo - pad, hi: hi + pad };
}

const at = (s: Scale, v: number, from: number, to: number): number => from + ((v - s.lo) / (s.hi - s.lo)) * (to - from);
const num = (v: number): string => String(Math.round(v * 10) / 10);

export function paretoSvg(report: SweepReport): string {
  const { meta } = report;
  const [first, second] = meta.objectiveNames;
  const pairOf = (objectives: ReadonlyArray<number | null>, index: number): [number, number] | undefined => {
    const y = objectives[0];
    const x = second === undefined ? index : objectives[1];
    return y === null || y === undefined || x === null || x === undefined ? undefined : [x, y];
  };
  const samplePoints = report.sample.flatMap((o, i) => {
    const p = pairOf(o, i);
    return p ? [p] : [];
  });
  const frontPoints = report.front.flatMap((r) => {
    const p = pairOf(
      meta.objectiveNames.map((n) => r.objectives[n] ?? null),
      r.index,
    );
    return p ? [{ p, row: r }] : [];
  });
  const all = [...samplePoints, ...frontPoints.map((f) => f.p)];
  const xs = scaleOf(all.length ? all.map((p) => p[0]) : [0]);
  const ys = scaleOf(all.length ? all.map((p) => p[1]) : [0]);
  const xOf = (v: number): string => num(at(xs, v, PLOT.left, PLOT.right));
  const yOf = (v: number): string => num(at(ys, v, PLOT.bottom, PLOT.top));
  const xName = second ?? 'index';
  const yName = first ?? '(no objectives)';
  const direction = (name: string | undefined): string =>
    name && meta.directions[name] ? ` (${meta.directions[name] === 'max' ? 'higher' : 'lower'} is better)` : '';
  const title =
    `Pareto front of sweep ${meta.hash}: ${report.front.length} designs of ${report.feasible} feasible, ` +
    `${report.rows} evaluated`;
  const body = [
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" ` +
      `fill="none" stroke="#cccccc"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 20}" text-anchor="middle">` +
      `${escapeXml(xName + direction(second))}</text>`,
    `<text x="18" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ` +
      `${(PLOT.top + PLOT.bottom) / 2})">${escapeXml(yName + direction(first))}</text>`,
    ...[0, 0.5, 1].flatMap((t) => {
      const xv = xs.lo + t * (xs.hi - xs.lo);
      const yv = ys.lo + t * (ys.hi - ys.lo);
      return [
        `<text x="${xOf(xv)}" y="${PLOT.bottom + 16}" text-anchor="middle" fill="#666666">` +
          `${escapeXml(formatReadable(xv))}</text>`,
        `<text x="${PLOT.left - 6}" y="${yOf(yv)}" text-anchor="end" dominant-baseline="middle" fill="#666666">` +
          `${escapeXml(formatReadable(yv))}</text>`,
      ];
    }),
    `<g fill="#bbbbbb" fill-opacity="0.6">` +
      `${samplePoints.map((p) => `<circle cx="${xOf(p[0])}" cy="${yOf(p[1])}" r="1.5"/>`).join('')}</g>`,
    `<g fill="#1f77b4">` +
      frontPoints
        .map(
          ({ p, row }) =>
            `<circle cx="${xOf(p[0])}" cy="` +
            `${yOf(p[1])}" ` +
            `r="3.5"><title>` +
            `${escapeXml(describe(row))}</title></circle>`,
        )
        .join('') +
      `</g>`,
  ];
  const open =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ` +
    `${HEIGHT}" role="img" font-family="sans-serif" font-size="11">`;
  return [
    open,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function describe(row: SweepReport['front'][number]): string {
  const pairs = [...Object.entries(row.knobs), ...Object.entries(row.objectives)].map(
    ([k, v]) => `${k}=${v === null ? '-' : typeof v === 'number' ? formatReadable(v) : v}`,
  );
  return `design #${row.index}: ${pairs.join(', ')}`;
}
