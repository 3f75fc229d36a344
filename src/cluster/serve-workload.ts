/**
 * Request-length distributions for serving, as (input, output) token pairs that the simulator draws from
 * with its seeded generator (`lengthSamples` in serving-sim.ts), so the same seed gives the same requests.
 * Besides the fixed and `samples` forms that `parseServingWorkload` reads (serve-capacity.ts), two more:
 *
 * - a histogram, `{ "histogram": [{ "input": N, "output": M, "count": K }, ...] }`: K copies of each
 *   pair, so drawing uniformly from the copies draws each bin with its frequency;
 * - CSV with a header naming an input column (`input`, `input_tokens`, `prompt`), an output column
 *   (`output`, `output_tokens`) and optionally `count`: one sample (or `count` copies) per row.
 */
import { issue, type Issue } from '../core/errors.js';

export type LengthPair = readonly [number, number];
export type SamplesResult =
  | { readonly ok: true; readonly samples: readonly LengthPair[] }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** The most samples a histogram or CSV may expand to (as parseServingWorkload allows). */
export const MAX_WORKLOAD_SAMPLES = 1_000_000;
const MAX_TOKENS = 1 << 24;

function lengthIssues(value: unknown, path: string): Issue[] {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TOKENS
    ? []
    : [
        issue(
          'out_of_range',
          path,
          `${JSON.stringify(value)} must be a whole number of tokens from 1 to ${MAX_TOKENS}`,
        ),
      ];
}

function countIssues(value: unknown, path: string): Issue[] {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_WORKLOAD_SAMPLES
    ? []
    : [issue('out_of_range', path, `${JSON.stringify(value)} must be a whole count from 1 to ${MAX_WORKLOAD_SAMPLES}`)];
}

/** Pairs repeated by their counts, or the issues (a total above MAX_WORKLOAD_SAMPLES is one). */
function expand(
  rows: ReadonlyArray<{ readonly input: number; readonly output: number; readonly count: number }>,
  path: string,
): SamplesResult {
  const total = rows.reduce((n, r) => n + r.count, 0);
  if (rows.length === 0 || total > MAX_WORKLOAD_SAMPLES)
    return {
      ok: false,
      issues: [issue('out_of_range', path, `${total} samples; expected 1 to ${MAX_WORKLOAD_SAMPLES}`)],
    };
  const samples: LengthPair[] = [];
  for (const r of rows) for (let i = 0; i < r.count; i++) samples.push([r.input, r.output]);
  return { ok: true, samples };
}

/** The samples of a histogram value (`{ histogram: [...] }`). */
export function histogramSamples(histogram: unknown): SamplesResult {
  if (!Array.isArray(histogram))
    return {
      ok: false,
      issues: [issue('bad_type', 'histogram', 'expected an array of { input, output, count } bins')],
    };
  const issues: Issue[] = [];
  const rows = histogram.map((bin: unknown, i) => {
    const b = (typeof bin === 'object' && bin !== null ? bin : {}) as Record<string, unknown>;
    const at = `histogram[${i}]`;
    issues.push(
      ...lengthIssues(b['input'], `${at}.input`),
      ...lengthIssues(b['output'], `${at}.output`),
      ...countIssues(b['count'], `${at}.count`),
    );
    return { input: b['input'] as number, output: b['output'] as number, count: b['count'] as number };
  });
  return issues.length > 0 ? { ok: false, issues } : expand(rows, 'histogram');
}

const INPUT_COLUMNS = ['input', 'input_tokens', 'prompt', 'prompt_tokens'];
const OUTPUT_COLUMNS = ['output', 'output_tokens', 'completion_tokens'];

/** The samples of a CSV text (see the file comment); every bad cell is an issue with its line and column. */
export function csvSamples(text: string): SamplesResult {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const input = header.findIndex((h) => INPUT_COLUMNS.includes(h));
  const output = header.findIndex((h) => OUTPUT_COLUMNS.includes(h));
  const count = header.indexOf('count');
  if (input < 0 || output < 0)
    return {
      ok: false,
      issues: [
        issue(
          'bad_header',
          'header',
          `${JSON.stringify(lines[0] ?? '')} must name an input column (${INPUT_COLUMNS.join(', ')}) and an ` +
            `output column (${OUTPUT_COLUMNS.join(', ')})`,
        ),
      ],
    };
  const issues: Issue[] = [];
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    // A cell that is not a whole number stays text, so that its issue quotes it.
    const num = (j: number): number | string =>
      cells[j] !== undefined && /^\d+$/.test(cells[j]!) ? Number(cells[j]) : (cells[j] ?? '');
    const at = `row ${i + 2}`;
    const row = { input: num(input), output: num(output), count: count >= 0 ? num(count) : 1 };
    issues.push(
      ...lengthIssues(row.input, `${at}.${header[input]}`),
      ...lengthIssues(row.output, `${at}.${header[output]}`),
    );
    if (count >= 0) issues.push(...countIssues(row.count, `${at}.count`));
    return row;
  });
  if (issues.length > 0) return { ok: false, issues };
  // Every cell is a number here: a text cell has an issue above.
  const numeric = rows.flatMap(({ input, output, count }) =>
    typeof input === 'number' && typeof output === 'number' && typeof count === 'number'
      ? [{ input, output, count }]
      : [],
  );
  return expand(numeric, 'rows');
}

/**
 * A workload file's parsed value with any histogram turned into `samples` (other fields kept), ready
 * for `parseServingWorkload`; values without a histogram are returned as they are.
 */
export function expandWorkloadValue(
  value: unknown,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issues: readonly Issue[] } {
  if (typeof value !== 'object' || value === null || !('histogram' in value)) return { ok: true, value };
  const { histogram, ...rest } = value as Record<string, unknown>;
  const r = histogramSamples(histogram);
  return r.ok ? { ok: true, value: { ...rest, samples: r.samples } } : r;
}

/** Mean input and output lengths of samples. */
export function meanSampleLengths(samples: readonly LengthPair[]): { readonly input: number; readonly output: number } {
  let input = 0;
  let output = 0;
  for (const [i, o] of samples) {
    input += i;
    output += o;
  }
  return { input: input / Math.max(1, samples.length), output: output / Math.max(1, samples.length) };
}
