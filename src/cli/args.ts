/**
 * Argument parsing on Node's `util.parseArgs`, with messages that name the option, the value and what
 * was expected. Every usage problem is a `UsageError` (exit code 2).
 */
import { resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { checkOutputPath } from './output-files.js';
import { TpusimError, nearestName, parseDecimal } from '../index.js';

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

/**
 * `--chips -5` and `-o -1`: a value that starts with '-' and a digit, after an option that takes a
 * value, is that option's value (Node's parser would call it ambiguous or an unknown option), so the
 * option's own check can say what is wrong with it. Written `--name=value` for the parser.
 */
function attachNegativeValues(argv: readonly string[], options: Readonly<Record<string, OptionSpec>>): string[] {
  const out: string[] = [];
  const byShort = new Map(
    Object.entries(options).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const name = arg.startsWith('--') ? arg.slice(2) : /^-[^-]$/.test(arg) ? byShort.get(arg.slice(1)) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
): ParsedArgs {
  const all: Record<string, OptionSpec> = { ...options, help: { type: 'boolean', short: 'h' } };
  let parsed: { values: unknown; positionals: string[]; tokens: ReadonlyArray<{ kind: string; name?: string }> };
  try {
    parsed = parseArgs({
      args: attachNegativeValues(argv, all),
      options: all,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (unknown) {
      const near = nearestName(unknown[1]!.replace(/^-+/, ''), Object.keys(all));
      throw new UsageError(
        `${command}: unknown option ${unknown[1]}${near ? ` (did you mean --${near}?)` : ''}; see 'tpusim ` +
          `${command} --help'`,
      );
    }
    throw new UsageError(`${command}: ${message.replace(/\. To specify a positional.*$/s, '')}`);
  }
  // The parser keeps the last of a repeated option; a second value is more likely a mistake than a wish.
  const counts = new Map<string, number>();
  for (const token of parsed.tokens)
    if (token.kind === 'option' && token.name !== undefined) counts.set(token.name, (counts.get(token.name) ?? 0) + 1);
  for (const [name, count] of counts) {
    if (count > 1 && !all[name]?.multiple)
      throw new UsageError(`${command}: --${name} given ${count === 2 ? 'twice' : `${count} times`}; give it once`);
  }
  return {
    values: parsed.values as Record<string, string | boolean | string[] | undefined>,
    positionals: parsed.positionals,
  };
}

export function positiveInteger(name: string, text: string | undefined, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) throw new UsageError(`missing ${name}`);
  const value = parseDecimal(text);
  if (value === undefined || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`${name} must be a positive integer, got '${text}'`);
  }
  if (value > max) throw new UsageError(`${name} = ${value} exceeds the limit ${max}`);
  return value;
}

/** Seeds: whole numbers from 0 to 2^32 - 1, the RNG's state width (core/rng.ts), for every command. */
export const MAX_SEED = 2 ** 32 - 1;

export function seedArg(name: string, text: string | undefined, fallback = 1): number {
  if (text === undefined) return fallback;
  const value = parseDecimal(text);
  if (value === undefined || !Number.isInteger(value) || value < 0)
    throw new UsageError(`${name} must be a whole number from 0 to ${MAX_SEED}, got '${text}'`);
  if (value > MAX_SEED) throw new UsageError(`${name} = ${value} exceeds the limit ${MAX_SEED}`);
  return value;
}

export function choice<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  const near = nearestName(text, choices);
  throw new UsageError(
    `${name} must be one of ${choices.join(', ')}, got '${text}'${near ? ` (did you mean '${near}'?)` : ''}`,
  );
}

export function stringOption(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The paths that output options name (`--svg FILE`, `--output DIR`, ...), by option, checked before the
 * run computes anything: each must be a path, no two options may name one file, no file option may sit
 * where another option needs a folder, and what is already at each path must be something tpusim may
 * replace (output-files.ts). `folders` lists the options that name a folder to write files into.
 */
export function outputPaths<K extends string>(
  values: ParsedArgs['values'],
  options: readonly K[],
  folders: readonly K[] = [],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  const seen = new Map<string, K>();
  const what = (option: K): string => (folders.includes(option) ? 'folder' : 'file');
  for (const option of options) {
    const path = stringOption(values, option);
    if (path === undefined) continue;
    if (path.trim() === '') throw new UsageError(`--${option} needs a ${what(option)} path`);
    const at = resolve(path);
    const earlier = seen.get(at);
    if (earlier !== undefined)
      throw new UsageError(`--${earlier} and --${option} both name '${path}'; give each its own ${what(option)}`);
    for (const [other, name] of seen) {
      const outer = at.startsWith(`${other}${sep}`) ? name : other.startsWith(`${at}${sep}`) ? option : undefined;
      if (outer !== undefined && !folders.includes(outer)) {
        throw new UsageError(
          `--${outer} names a file, so --${outer === option ? name : option} cannot write inside it ('` +
            `${out[outer] ?? path}'); give each its own path`,
        );
      }
    }
    seen.set(at, option);
    out[option] = path;
  }
  for (const option of options) {
    const path = out[option];
    if (path !== undefined) checkOutputPath(path, folders.includes(option) ? 'folder' : 'file');
  }
  return out;
}
