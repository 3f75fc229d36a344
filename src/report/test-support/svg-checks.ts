/** What the chart tests of report/ read back out of an SVG string. */

/** Tags balance: a tiny stack check, enough for output with no comments, CDATA or processing instructions. */
export function tagsBalance(svg: string): boolean {
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

export const count = (svg: string, pattern: RegExp): number => svg.match(pattern)?.length ?? 0;

export interface TippedRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly fill: string;
  readonly tip: string;
}

/** The bars (rects with a tooltip; a background or legend swatch has none) in document order. */
export function tippedRects(svg: string): TippedRect[] {
  return [
    ...svg.matchAll(
      /<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="[\d.]+" fill="([^"]+)"><title>([^<]*)<\/title>/g,
    ),
  ].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    width: Number(m[3]),
    fill: m[4]!,
    tip: m[5]!,
  }));
}
