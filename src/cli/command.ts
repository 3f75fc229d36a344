import type { Io } from './io.js';

/** A CLI command: parses its own arguments, prints, returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** The exit code; a command that waits on threads, sockets or a queue returns a promise of it. */
  run(argv: readonly string[], io: Io): number | Promise<number>;
}

/** One JSON document per `--json` run, always with a schema version. */
export function printJson(io: Io, kind: string, body: Record<string, unknown>): void {
  io.out(JSON.stringify({ schemaVersion: 1, kind, ...body }, jsonReplacer, 2));
}

/**
 * Typed arrays as arrays. A quantity with no finite value (a break-even volume that never comes, an MTBF
 * with no failures) is null, its reason beside it in the document; NaN is a bug, written as the string
 * "NaN" so that the fuzz suite and property tests see it (docs/reliability.md).
 */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array)
    return Array.from(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : null;
  return value;
}
