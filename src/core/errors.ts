/**
 * Problems are data first: every check returns `Issue`s (zod-style: code, path, message), and an error
 * class carries them when a caller wants to throw. Each layer subclasses `TpusimError` with its own name.
 */
export interface Issue {
  /** Machine-readable kind, e.g. `too_big`, `not_integer`, `unknown_name`. */
  readonly code: string;
  /** Where the bad value sits, e.g. `cores[0].matrixUnits[0].rows`. Empty for the whole input. */
  readonly path: string;
  /** One readable sentence that names the value and the limit. */
  readonly message: string;
}

export interface ErrorOptions {
  readonly issues?: readonly Issue[];
  readonly cause?: unknown;
}

export class TpusimError extends Error {
  readonly code: string;
  readonly issues: readonly Issue[];

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TpusimError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/** Formats issues one per line as `path: message`. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n');
}

/** A result-returning variant for operations that may fail with issues. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly Issue[] };

export function issue(code: string, path: string, message: string): Issue {
  return { code, path, message };
}

/** Edit distance, for "did you mean" suggestions on unknown names. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The closest of `names` to `name`, or undefined when none is close enough to be a likely typo. A name
 * that starts one of the names (`h100` for `h100-sxm`), or sits inside one, ranks before edit distance:
 * people shorten names far more often than they misspell them. Among those, the shortest wins.
 */
export function nearestName(name: string, names: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const shortest = (found: readonly string[]): string | undefined =>
    found.reduce<string | undefined>((best, c) => (best === undefined || c.length < best.length ? c : best), undefined);
  const exact = names.find((c) => c.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const prefixed = lower.length >= 2 ? shortest(names.filter((c) => c.toLowerCase().startsWith(lower))) : undefined;
  if (prefixed !== undefined) return prefixed;
  const inside = lower.length >= 3 ? shortest(names.filter((c) => c.toLowerCase().includes(lower))) : undefined;
  if (inside !== undefined) return inside;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of names) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** "unknown chip 'tpu-v9'; did you mean 'tpu-v4'? known: a, b, c" */
export function unknownNameMessage(kind: string, name: string, names: readonly string[]): string {
  const near = nearestName(name, names);
  const hint = near === undefined ? '' : `; did you mean '${near}'?`;
  return `unknown ${kind} '${name}'${hint} (known: ${names.join(', ')})`;
}
