/**
 * SCALE-Sim v3's layout CSV (layouts/*.csv, read by layout_utils.py): one row per layer naming how each
 * read operand is tiled into SRAM lines. Per row, after the layer name, 20 integers:
 *   1-6   intraline factors: IFMAP height, IFMAP width, filter height, filter width, channels, filters
 *   7-9   IFMAP intraline order,  10-12 IFMAP interline order   (axes 0-5 of the tiled IFMAP)
 *   13-16 filter intraline order, 17-20 filter interline order  (axes 0-7 of the tiled filter)
 * The IFMAP tile is (x, y, c) = (height, width, channel) factors; the filter tile (k, c, r, s) =
 * (filters, channels, height, width). The orders are an axis permutation (see layout-order.ts).
 */
import { issue, type Issue, type Result } from '../../core/errors.js';

export interface OperandLayout {
  /** Tile size per dimension (IFMAP: x, y, c; filter: k, c, r, s). */
  readonly intralineFactors: readonly number[];
  /** Axis order of the tiled operand, interline axes first: a permutation of 0 .. 2 x dims - 1. */
  readonly axes: readonly number[];
}

export interface LayerLayout {
  readonly name: string;
  /** 1-based line in the CSV, for messages. */
  readonly line: number;
  readonly ifmap: OperandLayout;
  readonly filter: OperandLayout;
}

const VALUES_PER_ROW = 20;
/** Factors above this are refused: a tile larger than any SRAM line tpusim accepts. */
export const MAX_INTRALINE_FACTOR = 2 ** 20;

export function parseLayoutCsv(text: string, fileName = 'layout.csv'): Result<readonly LayerLayout[]> {
  const issues: Issue[] = [];
  const layouts: LayerLayout[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const row = raw.trim();
    if (index === 0 || row === '') return; // header
    const where = `${fileName}:${index + 1}`;
    const cells = row.split(',').map((c) => c.trim());
    if (cells[cells.length - 1] === '') cells.pop();
    const name = cells[0] ?? '';
    if (/DP/.test(name)) {
      issues.push(issue('unsupported', where, `layer '${name}': depthwise (DP) layout rows are not supported`));
      return;
    }
    const values = cells.slice(1);
    if (values.length !== VALUES_PER_ROW) {
      issues.push(
        issue(
          'bad_row',
          where,
          `layer '${name}' has ${values.length} values, expected ${VALUES_PER_ROW} (6 intraline factors, then ` +
            `IFMAP intra/interline orders 3 + 3, filter 4 + 4)`,
        ),
      );
      return;
    }
    const numbers = values.map(Number);
    const bad = values.findIndex((v, i) => v === '' || !Number.isInteger(numbers[i]));
    if (bad >= 0) {
      issues.push(
        issue('bad_value', where, `value ${bad + 1} of layer '${name}' must be an integer, got '${values[bad]}'`),
      );
      return;
    }
    const factors = numbers.slice(0, 6);
    const badFactor = factors.findIndex((f) => f < 1 || f > MAX_INTRALINE_FACTOR);
    if (badFactor >= 0) {
      issues.push(
        issue(
          'bad_value',
          where,
          `intraline factor ${badFactor + 1} of layer '${name}' must be from 1 to ${MAX_INTRALINE_FACTOR}, got ` +
            `${factors[badFactor]}`,
        ),
      );
      return;
    }
    const [h, w, r, s, c, k] = factors as [number, number, number, number, number, number];
    const ifmapAxes = [...numbers.slice(9, 12), ...numbers.slice(6, 9)];
    const filterAxes = [...numbers.slice(16, 20), ...numbers.slice(12, 16)];
    checkPermutation(ifmapAxes, 6, `${where}: layer '${name}' IFMAP interline + intraline order`, issues);
    checkPermutation(filterAxes, 8, `${where}: layer '${name}' filter interline + intraline order`, issues);
    layouts.push({
      name,
      line: index + 1,
      ifmap: { intralineFactors: [h, w, c], axes: ifmapAxes },
      filter: { intralineFactors: [k, c, r, s], axes: filterAxes },
    });
  });
  if (layouts.length === 0 && issues.length === 0)
    issues.push(issue('empty', fileName, 'the layout CSV has no layer rows'));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: layouts };
}

function checkPermutation(axes: readonly number[], n: number, what: string, issues: Issue[]): void {
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.some((a, i) => a !== i))
    issues.push(issue('bad_value', '', `${what} must be a permutation of 0..${n - 1}, got ${axes.join(',')}`));
}
