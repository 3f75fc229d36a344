/**
 * The validation suite's report: per category and split, the error of tpusim's predictions against
 * published measurements, as a terminal table and as Markdown (docs/validation.md).
 */
import type { RowPrediction } from '../validation/predict.js';
import type { CategorySummary, ErrorStats, ValidationCategory, ValidationSummary } from '../model/validation.js';
import { formatTable, type Cell } from './table.js';

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');
const HEADER = ['category', 'split', 'rows', 'MAPE', 'median pred/meas speed', 'within 15%', 'within 30%'];

function statsRow(category: string, split: string, s: ErrorStats): Cell[] {
  if (s.rows === 0) return [category, split, 0, '-', '-', '-', '-'];
  return [category, split, s.rows, pct(s.mape), ratio(s.medianSpeedRatio), pct(s.within15), pct(s.within30)];
}

function summaryRows(summary: ValidationSummary): Cell[][] {
  const rows: Cell[][] = [];
  for (const c of summary.categories) {
    rows.push(statsRow(c.category, 'held-out', c.heldOut), statsRow(c.category, 'calibration', c.calibration));
  }
  rows.push(statsRow('overall', 'held-out', summary.overall.heldOut), statsRow('overall', 'all', summary.overall.all));
  return rows;
}

type Predicted = Extract<RowPrediction, { ok: true }>;

const describeRow = (p: Predicted): Cell[] => [
  p.row.id,
  p.row.split,
  p.row.measured.metric,
  sig(p.row.measured.value),
  sig(p.predicted),
  ratio(p.speedRatio),
  pct(p.error),
];
const ROW_HEADER = ['row', 'split', 'metric', 'measured', 'predicted', 'speed ratio', 'error'];

/** Three significant digits, plain notation where it is short. */
function sig(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2);
  return Number(x.toPrecision(3)).toString();
}

/** The terminal report: the summary table, each category's worst held-out rows, the unmapped rows. */
export function formatValidationReport(
  summary: ValidationSummary,
  worst: Readonly<Partial<Record<ValidationCategory, readonly Predicted[]>>>,
  unmapped: readonly RowPrediction[],
): string {
  const parts = [formatTable(HEADER, summaryRows(summary))];
  for (const c of summary.categories) {
    const rows = worst[c.category] ?? [];
    if (rows.length === 0) continue;
    parts.push(`\nworst held-out ${c.category} rows:\n${formatTable(ROW_HEADER, rows.map(describeRow))}`);
  }
  if (unmapped.length > 0)
    parts.push(
      `\nrows not predicted (${unmapped.length}):\n` +
        `${unmapped.map((p) => `  ${p.row.id}: ${p.ok ? '' : p.reason}`).join('\n')}`,
    );
  return parts.join('\n');
}

const mdTable = (header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');

function regimeText(c: CategorySummary): string {
  const r = c.regime;
  const params = r.params
    ? `; models of ${(r.params[0] / 1e9).toPrecision(3)}B-${(r.params[1] / 1e9).toPrecision(3)}B parameters`
    : '';
  return `chips: ${r.chips.join(', ') || 'none'}; ${r.chipCount[0]}-${r.chipCount[1]} chips${params}`;
}

/** docs/validation.md: method, the summary, each category's regime and every row with its error. */
export function validationMarkdown(
  summary: ValidationSummary,
  predictions: readonly RowPrediction[],
  method: string,
): string {
  const out = [method, '## Summary', '', mdTable(HEADER, summaryRows(summary)), ''];
  for (const c of summary.categories) {
    const rows = predictions.filter((p): p is Predicted => p.ok && p.row.category === c.category);
    out.push(`## ${c.category}`, '', `Validated regime: ${regimeText(c)}.`, '');
    if (rows.length === 0) {
      out.push('No rows.', '');
      continue;
    }
    const sorted = [...rows].sort(
      (a, b) =>
        (a.row.split === b.row.split ? b.error - a.error : a.row.split === 'held-out' ? -1 : 1) ||
        a.row.id.localeCompare(b.row.id),
    );
    out.push(mdTable(ROW_HEADER, sorted.map(describeRow)), '');
  }
  const unmapped = predictions.filter((p) => !p.ok);
  if (unmapped.length > 0) {
    out.push(
      '## Rows not predicted',
      '',
      ...unmapped.map((p) => `- \`${p.row.id}\`: ${p.ok ? '' : p.reason.replace(/\n/g, ' ')}`),
      '',
    );
  }
  return out.join('\n');
}
