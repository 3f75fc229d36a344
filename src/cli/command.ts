import type { Io } from './io.js';

/** A CLI command: parses its own arguments, prints, returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: readonly string[], io: Io): number;
}

/** One JSON document per `--json` run, always with a schema version. */
export function printJson(io: Io, kind: string, body: Record<string, unknown>): void {
  io.out(JSON.stringify({ schemaVersion: 1, kind, ...body }, jsonReplacer, 2));
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array) return Array.from(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
