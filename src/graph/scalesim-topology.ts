/**
 * SCALE-Sim topology CSVs: convolution layers (`Layer name, IFMAP Height, IFMAP Width, Filter Height,
 * Filter Width, Channels, Num Filter, Strides,` and an optional stride in width) or GEMMs
 * (`Layer, M, N, K,`). Each layer lowers to one GEMM the way SCALE-Sim does: M = output pixels,
 * N = filters, K = filter height x width x channels; there is no padding. A layer whose name contains
 * `DP` is depthwise and becomes one single-channel layer per channel.
 */
import type { ConvShape } from '../core/conv-shape.js';
import { issue, type Issue, type Result } from '../core/errors.js';

export type TopologyForm = 'conv' | 'gemm';

export interface TopologyLayer {
  readonly name: string;
  /** 1-based line in the file. */
  readonly line: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Convolution parameters, for conv-form layers. */
  readonly conv?: ConvShape;
  /** SCALE-Sim v3's Sparsity column (`N:M`: N non-zeros in every M filter values), when the row has one. */
  readonly sparsity?: { readonly nonzeros: number; readonly block: number };
}

/** v3's Sparsity column: `N:M` with 1 <= N <= M (v3 builds N ones then M - N zeros). */
function parseRatio(text: string, where: string, issues: Issue[]): { nonzeros: number; block: number } | undefined {
  const match = /^(\d+)\s*:\s*(\d+)$/.exec(text);
  const nonzeros = Number(match?.[1]);
  const block = Number(match?.[2]);
  if (!match || nonzeros < 1 || block < nonzeros || block > 2 ** 20) {
    issues.push(issue('bad_value', where, `Sparsity must be N:M with 1 <= N <= M <= ${2 ** 20}, got '${text}'`));
    return undefined;
  }
  return { nonzeros, block };
}

const CONV_COLUMNS = [
  'IFMAP Height',
  'IFMAP Width',
  'Filter Height',
  'Filter Width',
  'Channels',
  'Num Filter',
  'Strides',
];
const GEMM_COLUMNS = ['M', 'N', 'K'];

/** The form a header row's column names declare, when they name one. */
function formOfHeader(header: string): TopologyForm | undefined {
  const names = header.split(',').map((f) => f.trim().toLowerCase());
  if (names.some((n) => n.startsWith('ifmap') || n.startsWith('filter'))) return 'conv';
  if (GEMM_COLUMNS.every((c, i) => names[i + 1] === c.toLowerCase())) return 'gemm';
  return undefined;
}

/** Output size of a convolution without padding, as SCALE-Sim computes it. */
export function convOutputSize(input: number, filter: number, stride: number): number {
  return Math.ceil((input - filter + stride) / stride);
}

export function parseScaleSimTopology(
  text: string,
  form: TopologyForm,
  fileName = 'topology.csv',
): Result<TopologyLayer[]> {
  const issues: Issue[] = [];
  const layers: TopologyLayer[] = [];
  const columns = form === 'conv' ? CONV_COLUMNS : GEMM_COLUMNS;
  const lines = text.split(/\r?\n/);
  const headerForm = formOfHeader(lines[0] ?? '');
  if (headerForm !== undefined && headerForm !== form)
    issues.push(
      issue(
        'wrong_form',
        `${fileName}:1`,
        `the header names ${headerForm} columns (` +
          `${headerForm === 'conv' ? CONV_COLUMNS.join(', ') : GEMM_COLUMNS.join(', ')}), but the topology was ` +
          `declared ${form}`,
      ),
    );
  lines.forEach((raw, index) => {
    if (index === 0) return; // header
    const fields = raw.split(',').map((f) => f.trim());
    if (fields.every((f) => f === '')) return;
    const lineNo = index + 1;
    const name = fields[0]!;
    if (name === '') {
      issues.push(issue('syntax', `${fileName}:${lineNo}:1`, 'the layer name is empty'));
      return;
    }
    // A conv row fills columns 1-7, a gemm row 1-3 (later columns may hold notes): a row of the other kind is refused.
    const filled = (from: number, to: number): boolean =>
      fields.slice(from, to + 1).length === to - from + 1 && fields.slice(from, to + 1).every((f) => f !== '');
    const emptyAfterK = fields.slice(4, 8).every((f) => f === '');
    if (form === 'gemm' ? filled(1, 7) : filled(1, 3) && emptyAfterK) {
      const [mine, other] =
        form === 'gemm'
          ? [`3 values (${GEMM_COLUMNS.join(', ')})`, 'conv']
          : [`7 values (${CONV_COLUMNS.join(', ')})`, 'gemm'];
      issues.push(
        issue(
          'wrong_form',
          `${fileName}:${lineNo}`,
          `this row looks like a ${other} layer; a ${form} topology row has ${mine}`,
        ),
      );
      return;
    }
    const numbers: number[] = [];
    let bad = false;
    columns.forEach((column, c) => {
      const text = fields[c + 1] ?? '';
      const value = Number(text);
      if (text === '' || !Number.isInteger(value) || value < 1) {
        issues.push(
          issue('bad_value', `${fileName}:${lineNo}:${c + 2}`, `${column} must be a positive integer, got '${text}'`),
        );
        bad = true;
      }
      numbers.push(value);
    });
    if (bad) return;
    // v3 appends a Sparsity column (N:M) after K, or after Strides in conv form (then the stride in width is the
    // stride).
    const ratioColumn = form === 'gemm' ? 4 : 8;
    const ratioText = fields[ratioColumn] ?? '';
    const sparsity = ratioText.includes(':')
      ? parseRatio(ratioText, `${fileName}:${lineNo}:${ratioColumn + 1}`, issues)
      : undefined;
    if (ratioText.includes(':') && !sparsity) return;
    const ratio = sparsity ? { sparsity } : {};
    if (form === 'gemm') {
      layers.push({ name, line: lineNo, m: numbers[0]!, n: numbers[1]!, k: numbers[2]!, ...ratio });
      return;
    }
    const [ifmapHeight, ifmapWidth, filterHeight, filterWidth, channels, filters, strideHeight] = numbers as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const strideText = sparsity ? '' : (fields[8] ?? '');
    const strideWidth = strideText === '' ? strideHeight : Number(strideText);
    if (!Number.isInteger(strideWidth) || strideWidth < 1) {
      issues.push(
        issue(
          'bad_value',
          `${fileName}:${lineNo}:9`,
          `the stride in width must be a positive integer, got '${strideText}'`,
        ),
      );
      return;
    }
    if (filterHeight > ifmapHeight || filterWidth > ifmapWidth) {
      issues.push(
        issue(
          'bad_value',
          `${fileName}:${lineNo}`,
          `the ${filterHeight}x${filterWidth} filter is larger than the ${ifmapHeight}x${ifmapWidth} input ` +
            `(SCALE-Sim has no padding)`,
        ),
      );
      return;
    }
    const pixels =
      convOutputSize(ifmapHeight, filterHeight, strideHeight) * convOutputSize(ifmapWidth, filterWidth, strideWidth);
    const conv = { ifmapHeight, ifmapWidth, filterHeight, filterWidth, channels, filters, strideHeight, strideWidth };
    if (name.includes('DP')) {
      for (let c = 0; c < channels; c++) {
        layers.push({
          name: `${name}_${c}`,
          line: lineNo,
          m: pixels,
          n: 1,
          k: filterHeight * filterWidth,
          conv: { ...conv, channels: 1, filters: 1 },
          ...ratio,
        });
      }
      return;
    }
    layers.push({
      name,
      line: lineNo,
      m: pixels,
      n: filters,
      k: filterHeight * filterWidth * channels,
      conv,
      ...ratio,
    });
  });
  if (layers.length === 0 && issues.length === 0)
    issues.push(issue('empty', fileName, 'no layers found below the header row'));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: layers };
}
