/**
 * A system of chips drawn as SVG text: the scale-out tiers as labelled network bars across the top,
 * the innermost domains (an NVLink node or rack, a TPU pod's torus) as boxes beneath them, the chips
 * of a switched domain as squares grouped by host, a torus as a box of its axes with the job's slice
 * shaded. Chips in the job are filled, idle ones hollow. Deterministic, like cluster-svg.ts's charts.
 */
import type { NetworkTier } from '../cluster/types.js';
import { formatSI, trimNumber } from '../core/units.js';
import { element, fitText, GRID, INK, MUTED, PART_COLOURS, svgDocument, textAt, tip, type Attrs } from './svg-kit.js';

export interface TopologyInput {
  readonly title: string;
  /** Chips in the job. */
  readonly chips: number;
  readonly chipsPerHost: number;
  /** Innermost first, as a SystemSpec lists them. */
  readonly tiers: readonly Pick<
    NetworkTier,
    'name' | 'kind' | 'domainChips' | 'bandwidthBytesPerS' | 'latencyS' | 'dims' | 'wraparound' | 'cube'
  >[];
  readonly width?: number;
}

type Tier = TopologyInput['tiers'][number];

const CHIP = PART_COLOURS[0]!;
const BAR_FILL = '#eef3fa';
/** Domain boxes drawn before the rest are elided: the first ones, a gap, the last. */
const MAX_DOMAINS = 6;
/** Switched domains with more chips than this are drawn as one block. */
const MAX_SQUARES = 256;
const SQUARE = 10;
const GAP = 3;

const KIND_LABEL: Readonly<Record<Tier['kind'], string>> = {
  switch: 'switched, all-to-all',
  'fat-tree': 'fat tree',
  rail: 'rail-optimised fat tree',
  torus: 'torus',
  dragonfly: 'dragonfly',
};

const count = (n: number): string => n.toLocaleString('en-US');
const latency = (s: number): string =>
  s >= 1e-3
    ? `${trimNumber(s * 1e3, 3)} ms`
    : s >= 1e-6
      ? `${trimNumber(s * 1e6, 3)} us`
      : `${trimNumber(s * 1e9, 3)} ns`;

function tierLine(t: Tier): string {
  const dims = t.dims ? ` ${t.dims.join('x')}` : '';
  return (
    `${t.name} (${KIND_LABEL[t.kind]}${dims}): ${formatSI(t.bandwidthBytesPerS, 'B/s')} per chip each way, ` +
    `${latency(t.latencyS)} per hop`
  );
}

/** The job's share of a torus: whole axes first, chips numbered along the first axis fastest. */
export function torusSlice(dims: readonly number[], chips: number): number[] {
  let left = chips;
  return dims.map((d) => {
    const take = Math.min(d, Math.max(1, left));
    left = Math.ceil(left / d);
    return take;
  });
}

/** A torus of 2 or 3 axes as a box (oblique projection) with the slice shaded; 1 axis as a row. */
function torusDrawing(
  dims: readonly number[],
  used: number,
  box: { x: number; y: number; w: number; h: number },
  wraps: readonly boolean[],
): string[] {
  // Two axes draw as the front face (across and up), three as a box with the second axis in depth.
  const three = dims.length >= 3;
  const d = [dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1];
  const s = torusSlice(d, used);
  const depth = three ? 0.5 : 0;
  const pick = (v: readonly number[]): [number, number, number] => (three ? [v[0]!, v[1]!, v[2]!] : [v[0]!, 1, v[1]!]);
  const [a, b, c] = pick(d);
  const [sa, sb, sc] = pick(s);
  const k = Math.min((box.w - 20) / (a + depth * b), (box.h - 40) / (c + depth * 0.7 * b));
  const ox = box.x + (box.w - k * (a + depth * b)) / 2;
  const oy = box.y + box.h - 28;
  const at = (x: number, y: number, z: number): [number, number] => [
    ox + k * (x + depth * y),
    oy - k * (z + depth * 0.7 * y),
  ];
  const p = (x: number, y: number, z: number): string =>
    at(x, y, z)
      .map((v) => v.toFixed(1))
      .join(',');
  const face = (pts: string[], attrs: Attrs): string => element('polygon', { points: pts.join(' '), ...attrs });
  const slice = { fill: CHIP, 'fill-opacity': '0.55', stroke: CHIP };
  const pod = { fill: 'none', stroke: INK };
  const parts = [
    face([p(0, 0, 0), p(sa, 0, 0), p(sa, 0, sc), p(0, 0, sc)], slice),
    face([p(0, 0, sc), p(sa, 0, sc), p(sa, sb, sc), p(0, sb, sc)], slice),
    face([p(sa, 0, 0), p(sa, sb, 0), p(sa, sb, sc), p(sa, 0, sc)], slice),
    face([p(0, 0, 0), p(a, 0, 0), p(a, 0, c), p(0, 0, c)], pod),
    face([p(0, 0, c), p(a, 0, c), p(a, b, c), p(0, b, c)], pod),
    face([p(a, 0, 0), p(a, b, 0), p(a, b, c), p(a, 0, c)], pod),
  ];
  const axis = (i: number): string => `${'xyz'[i]} ${dims[i]}${wraps[i] ? ' (wraps)' : ''}`;
  const [bx, by] = at(a / 2, 0, 0);
  parts.push(textAt(bx, by + 14, axis(0), { 'text-anchor': 'middle', fill: INK }));
  if (dims.length >= 2) {
    const [zx, zy] = at(0, 0, c / 2);
    parts.push(textAt(zx - 4, zy, axis(dims.length >= 3 ? 2 : 1), { 'text-anchor': 'end', fill: INK }));
  }
  if (dims.length >= 3) {
    const [yx, yy] = at(a, b / 2, 0);
    parts.push(textAt(yx + 4, yy + 4, axis(1), { fill: INK }));
  }
  return parts;
}

/** Chips as squares, grouped in host outlines, filled while in the job. */
function switchDrawing(
  chipsInDomain: number,
  used: number,
  perHost: number,
  box: { x: number; y: number; w: number },
): { parts: string[]; height: number } {
  if (chipsInDomain > MAX_SQUARES)
    return {
      parts: [
        textAt(box.x + box.w / 2, box.y + 20, `${count(used)} of ${count(chipsInDomain)} chips`, {
          'text-anchor': 'middle',
          fill: INK,
        }),
      ],
      height: 30,
    };
  const host = Math.min(perHost, chipsInDomain);
  const across = Math.min(host, 8);
  const hostW = across * (SQUARE + GAP) + GAP;
  const hostH = Math.ceil(host / across) * (SQUARE + GAP) + GAP;
  const hostCols = Math.max(1, Math.floor((box.w + 6) / (hostW + 6)));
  const hosts = Math.ceil(chipsInDomain / host);
  const rows = Math.ceil(hosts / hostCols);
  const left = box.x + (box.w - (Math.min(hosts, hostCols) * (hostW + 6) - 6)) / 2;
  const parts: string[] = [];
  for (let h = 0; h < hosts; h++) {
    const hx = left + (h % hostCols) * (hostW + 6);
    const hy = box.y + Math.floor(h / hostCols) * (hostH + 6);
    parts.push(
      element('rect', {
        x: hx,
        y: hy,
        width: hostW,
        height: hostH,
        fill: 'none',
        stroke: MUTED,
        'stroke-dasharray': '2 2',
      }),
    );
    for (let c = 0; c < host && h * host + c < chipsInDomain; c++) {
      const i = h * host + c;
      parts.push(
        element('rect', {
          x: hx + GAP + (c % across) * (SQUARE + GAP),
          y: hy + GAP + Math.floor(c / across) * (SQUARE + GAP),
          width: SQUARE,
          height: SQUARE,
          fill: i < used ? CHIP : '#ffffff',
          stroke: CHIP,
        }),
      );
    }
  }
  return { parts, height: rows * (hostH + 6) };
}

/** Which domains get a box: all of them, or the first few, a gap, and the last. */
function shownDomains(domains: number): Array<number | 'gap'> {
  if (domains <= MAX_DOMAINS) return Array.from({ length: domains }, (_, i) => i);
  return [...Array.from({ length: MAX_DOMAINS - 2 }, (_, i) => i), 'gap', domains - 1];
}

/** The system as the job sees it: outer network tiers, then its innermost domains with their chips. */
export function topologySvg(input: TopologyInput): string {
  const width = input.width ?? 900;
  const tiers = input.tiers;
  const inner = tiers[0];
  const chips = Math.max(0, Math.floor(input.chips));
  const body = [textAt(12, 24, input.title, { 'font-size': '15', 'font-weight': 'bold', fill: INK })];
  if (!inner || chips === 0) {
    body.push(textAt(12, 50, 'no chips to draw', { fill: MUTED }));
    return svgDocument('topology', width, 70, input.title, 'Topology: nothing to draw.', body);
  }
  const domainChips = inner.domainChips;
  const domains = Math.ceil(chips / domainChips);
  body.push(
    textAt(
      12,
      44,
      `${count(chips)} chips: ` +
        (domains > 1
          ? `${count(domains)} ` + `${inner.name} domains of ` + `${count(domainChips)}`
          : `${chips < domainChips ? 'part of ' : ''}one ` + `${inner.name} domain of ` + `${count(domainChips)}`) +
        `; ` +
        `${input.chipsPerHost} chips per host`,
      { fill: INK },
    ),
  );
  let y = 58;
  const bars: number[] = [];
  for (let t = tiers.length - 1; t >= 1; t--) {
    const tier = tiers[t]!;
    const below = tiers[t - 1]!.domainChips;
    const used = Math.ceil(chips / below);
    const holds = tier.domainChips / below;
    const note =
      used > holds
        ? `; ${count(used)} domains: beyond one system, the tier repeats`
        : `; ${count(used)} of its ${count(holds)} domains of ${count(below)} in use`;
    body.push(
      element(
        'rect',
        { x: 12, y, width: width - 24, height: 24, rx: 4, fill: BAR_FILL, stroke: INK },
        tip(tierLine(tier)),
      ),
    );
    body.push(textAt(20, y + 16, fitText(tierLine(tier) + note, width - 40), { fill: INK }));
    bars.push(y);
    y += 44;
  }
  const slots = shownDomains(domains);
  const boxW = Math.min(260, (width - 24 - (slots.length - 1) * 12) / slots.length);
  const isTorus = inner.kind === 'torus' && inner.dims !== undefined;
  const rowLeft = 12 + (width - 24 - (slots.length * boxW + (slots.length - 1) * 12)) / 2;
  let boxH = 0;
  const boxes: string[] = [];
  slots.forEach((slot, i) => {
    const bx = rowLeft + i * (boxW + 12);
    if (bars.length > 0)
      boxes.push(
        element('line', { x1: bx + boxW / 2, y1: bars[bars.length - 1]! + 24, x2: bx + boxW / 2, y2: y, stroke: INK }),
      );
    if (slot === 'gap') {
      boxes.push(
        textAt(bx + boxW / 2, y + 60, `\u2026 ${count(domains - slots.length + 1)} more \u2026`, {
          'text-anchor': 'middle',
          fill: MUTED,
        }),
      );
      return;
    }
    const used = Math.min(domainChips, chips - slot * domainChips);
    const content = isTorus
      ? {
          parts: torusDrawing(
            inner.dims!,
            used,
            { x: bx + 4, y: y + 22, w: boxW - 8, h: Math.min(220, boxW) },
            inner.wraparound ?? [],
          ),
          height: Math.min(220, boxW),
        }
      : switchDrawing(domainChips, used, input.chipsPerHost, { x: bx + 8, y: y + 26, w: boxW - 16 });
    boxH = Math.max(boxH, content.height + 40);
    const sliceNote = isTorus ? ` (slice ${torusSlice(inner.dims!, used).join('x')})` : '';
    boxes.push(
      textAt(
        bx + boxW / 2,
        y + 16,
        fitText(`${inner.name} ${count(slot + 1)}: ${count(used)} chips${sliceNote}`, boxW - 8),
        { 'text-anchor': 'middle', fill: INK },
      ),
    );
    boxes.push(...content.parts);
  });
  slots.forEach((slot, i) => {
    if (slot !== 'gap')
      body.push(
        element('rect', {
          x: rowLeft + i * (boxW + 12),
          y,
          width: boxW,
          height: boxH,
          rx: 6,
          fill: '#fafafa',
          stroke: GRID,
        }),
      );
  });
  body.push(...boxes);
  y += boxH + 20;
  body.push(
    textAt(
      12,
      y,
      `inner tier: ${tierLine(inner)}` +
        `${inner.cube ? `; ${inner.cube.join('x')} cubes joined by optical circuit switches` : ''}`,
      { fill: INK },
    ),
  );
  body.push(
    element('rect', { x: 12, y: y + 10, width: SQUARE, height: SQUARE, fill: CHIP }),
    textAt(26, y + 19, isTorus ? 'the job\u2019s slice' : 'chip in the job', { fill: INK }),
  );
  body.push(
    element('rect', { x: 132, y: y + 10, width: SQUARE, height: SQUARE, fill: '#ffffff', stroke: CHIP }),
    textAt(146, y + 19, isTorus ? 'the rest of the torus (outline)' : 'idle chip', { fill: INK }),
  );
  if (!isTorus)
    body.push(
      element('rect', {
        x: 332,
        y: y + 9,
        width: 22,
        height: 12,
        fill: 'none',
        stroke: MUTED,
        'stroke-dasharray': '2 2',
      }),
      textAt(360, y + 19, 'host', { fill: INK }),
    );
  const desc =
    `Topology of ${count(chips)} chips: ${tiers.map(tierLine).join('; ')}; ${count(domains)} ` +
    `${inner.name} domains in use, ${slots.filter((s) => s !== 'gap').length} drawn.`;
  return svgDocument('topology', width, y + 32, input.title, desc, body);
}
