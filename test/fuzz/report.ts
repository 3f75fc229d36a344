/**
 * Turns fuzz results into what a person reads: counts per format and command with an exit-code
 * histogram, and the distinct failures (one per command and normalized message or top frame) with the
 * first case that shows each.
 */
import type { CaseResult } from './child.js';
import type { FuzzCase } from './corpus.js';

export interface Failure {
  readonly key: string;
  readonly command: string;
  readonly problem: string;
  readonly message: string;
  readonly frame: string;
  readonly count: number;
  readonly example: FuzzCase;
}

/** Digits, quoted values and paths vary from case to case; the shape of the message does not. */
export function normalizeMessage(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N')
    .slice(0, 160);
}

export function distinctFailures(cases: readonly FuzzCase[], results: readonly CaseResult[]): Failure[] {
  const byKey = new Map<string, Failure>();
  for (const r of results) {
    if (r.problems.length === 0) continue;
    const c = cases[r.id]!;
    const problem = r.problems[0]!.replace(/:.*$/, '');
    const what =
      r.code === 70 || r.code === 'threw' ? r.frame || normalizeMessage(r.message) : normalizeMessage(r.message);
    const key = `${c.command} | ${problem} | ${what}`;
    const known = byKey.get(key);
    byKey.set(
      key,
      known
        ? { ...known, count: known.count + 1 }
        : {
            key,
            command: c.command,
            problem: r.problems.join('; '),
            message: r.message,
            frame: r.frame,
            count: 1,
            example: c,
          },
    );
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count);
}

/** One line per format and command: cases, and how many ended with each exit code. */
export function countsTable(cases: readonly FuzzCase[], results: readonly CaseResult[]): string {
  const rows = new Map<string, Map<string, number>>();
  for (const r of results) {
    const c = cases[r.id]!;
    const key = `${c.format} / ${c.command}`;
    const h = rows.get(key) ?? new Map<string, number>();
    h.set(String(r.code), (h.get(String(r.code)) ?? 0) + 1);
    rows.set(key, h);
  }
  const total = new Map<string, number>();
  const lines = [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, h]) => {
      for (const [code, n] of h) total.set(code, (total.get(code) ?? 0) + n);
      const n = [...h.values()].reduce((a, b) => a + b, 0);
      return `${key.padEnd(28)} ${String(n).padStart(5)}   ${[...h.entries()]
        .sort()
        .map(([code, k]) => `exit ${code}: ${k}`)
        .join(', ')}`;
    });
  lines.push(
    `${'all'.padEnd(28)} ${String(results.length).padStart(5)}   ${[...total.entries()]
      .sort()
      .map(([code, k]) => `exit ${code}: ${k}`)
      .join(', ')}`,
  );
  return lines.join('\n');
}

/** A failure as a reproducible command: the argv and what was done to which seed file. */
export function describeFailure(f: Failure): string {
  const argv = f.example.argv
    .map((a) =>
      a.length > 60 ? `${a.slice(0, 20)}…(${a.length} chars)` : /^[\w.,=/:+-]+$/.test(a) ? a : JSON.stringify(a),
    )
    .join(' ');
  return (
    `[${f.count}x] ${f.command}: ${f.problem}\n    message: ${f.message}` +
    `${f.frame ? `\n    at: ${f.frame}` : ''}\n    case ${f.example.id} (${f.example.format}): tpusim ` +
    `${argv}\n    input: ${f.example.mutation.slice(0, 200)}`
  );
}
