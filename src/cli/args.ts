/**
 * Argument parsing on Node's `util.parseArgs`, with messages that name the option, the value and what
 * was expected. Every usage problem is a `UsageError` (exit code 2).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TpusimError, nearestName } from '../index.js';

export class UsageError extends TpusimError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** May be given several times (values collect in an array). */
  readonly multiple?: boolean;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

export function parseCommandArgs(command: string, argv: readonly string[], options: Readonly<Record<string, OptionSpec>>): ParsedArgs {
  const all: Record<string, OptionSpec> = { ...options, help: { type: 'boolean', short: 'h' } };
  try {
    const parsed = parseArgs({ args: [...argv], options: all, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (unknown) {
      const near = nearestName(unknown[1]!.replace(/^-+/, ''), Object.keys(all));
      throw new UsageError(`${command}: unknown option ${unknown[1]}${near ? ` (did you mean --${near}?)` : ''}; see 'tpusim ${command} --help'`);
    }
    throw new UsageError(`${command}: ${message.replace(/\. To specify a positional.*$/s, '')}`);
  }
}

export function positiveInteger(name: string, text: string | undefined, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) throw new UsageError(`missing ${name}`);
  const value = Number(text);
  if (!/^\s*[+-]?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(text) || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`${name} must be a positive integer, got '${text}'`);
  }
  if (value > max) throw new UsageError(`${name} = ${value} exceeds the limit ${max}`);
  return value;
}

export function choice<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  const near = nearestName(text, choices);
  throw new UsageError(`${name} must be one of ${choices.join(', ')}, got '${text}'${near ? ` (did you mean '${near}'?)` : ''}`);
}

export function stringOption(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The files that output options name (`--svg FILE`, ...), by option: each must be a path, and no two
 * options may name the same file (the second would silently replace the first).
 */
export function outputPaths<K extends string>(values: ParsedArgs['values'], options: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  const seen = new Map<string, K>();
  for (const option of options) {
    const path = stringOption(values, option);
    if (path === undefined) continue;
    if (path.trim() === '') throw new UsageError(`--${option} needs a file path`);
    const earlier = seen.get(resolve(path));
    if (earlier !== undefined) throw new UsageError(`--${earlier} and --${option} both name '${path}'; give each its own file`);
    seen.set(resolve(path), option);
    out[option] = path;
  }
  return out;
}
