/**
 * Typed reads of a parsed config.json that record an issue for every missing or ill-typed field
 * instead of stopping at the first, so a user sees every problem at once.
 *
 * A failed numeric read returns NaN: relations between fields are written as comparisons that are
 * false for NaN (`hidden % heads > 0`), so one bad field never causes a second, misleading issue.
 */
import { issue, type Issue } from '../../core/errors.js';

export type ConfigObject = Readonly<Record<string, unknown>>;

export function isConfigObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a message shows it: numbers and booleans plainly, strings quoted. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/**
 * The largest size or count a config may give: above every published config (vocabularies of ~256k,
 * contexts of ~10M tokens), so a larger one is a typo, and building it would not finish.
 */
export const MAX_CONFIG_SIZE = 2 ** 24;
/** Layers: the deepest published decoders have about 130; each layer is built as its own ops. */
export const MAX_CONFIG_LAYERS = 1024;
const FIELD_MAX: Readonly<Record<string, number>> = {
  num_hidden_layers: MAX_CONFIG_LAYERS,
  n_layer: MAX_CONFIG_LAYERS,
};

export interface ConfigReader {
  readonly modelType: string;
  has(field: string): boolean;
  /** A required integer >= min: a size or a count, which a default would silently change. */
  size(field: string, min?: number): number;
  /** An integer >= min, or `fallback` when the field is absent or null (the caller cites HF's default). */
  sizeOr(field: string, fallback: number, min?: number): number;
  /** A required integer >= min that may be null (a block the model leaves out): null gives undefined. */
  sizeOrNull(field: string, min?: number): number | undefined;
  flag(field: string, fallback: boolean): boolean;
  /** A number > 0 (epsilons). */
  positive(field: string, fallback: number): number;
  /** A number > 0, `fallback` when absent, or undefined when null (a feature the model turns off). */
  positiveOrNull(field: string, fallback: number): number | undefined;
  /** A number from 0 to 1. */
  fraction(field: string, fallback: number): number;
  /** One of `choices`' keys, mapped to its value. */
  choice<T>(field: string, choices: Readonly<Record<string, T>>, fallback: T): T;
  /** An array of strings, or undefined when the field is absent or null. */
  strings(field: string): readonly string[] | undefined;
  /** An array of integers >= 0, or `fallback` when the field is absent or null. */
  integers(field: string, fallback: readonly number[]): readonly number[];
  /** A problem with a relation between fields, reported at `field`. */
  fail(field: string, message: string): void;
  /** The sequence length asked for must fit the context that `field` gives. */
  context(field: string): number;
}

export function createReader(
  config: ConfigObject,
  modelType: string,
  fileName: string,
  seq: number,
  issues: Issue[],
): ConfigReader {
  const path = (field: string): string => `${fileName}: ${field}`;
  const report = (code: string, field: string, needs: string): void => {
    const what = config[field] === undefined ? 'is missing' : `is ${describeValue(config[field])}`;
    issues.push(issue(code, path(field), `${field} ${what} (${modelType} needs ${needs})`));
  };
  const integer = (field: string, min: number, needs: string): number => {
    const v = config[field];
    const max = FIELD_MAX[field] ?? MAX_CONFIG_SIZE;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    if (typeof v === 'number' && v > max) {
      issues.push(
        issue(
          'too_big',
          path(field),
          `${field} is ${v}, above the limit ${max} (${modelType} needs an integer from ${min} to ${max})`,
        ),
      );
      return NaN;
    }
    report(v === undefined ? 'missing' : typeof v === 'number' ? 'bad_value' : 'invalid_type', field, needs);
    return NaN;
  };
  const absent = (field: string): boolean => config[field] === undefined || config[field] === null;
  const reader: ConfigReader = {
    modelType,
    has: (field) => !absent(field),
    size: (field, min = 1) => integer(field, min, `an integer >= ${min}`),
    sizeOr: (field, fallback, min = 1) => (absent(field) ? fallback : integer(field, min, `an integer >= ${min}`)),
    sizeOrNull: (field, min = 1) =>
      config[field] === null ? undefined : integer(field, min, `an integer >= ${min} or null`),
    flag: (field, fallback) => {
      const v = config[field];
      if (absent(field)) return fallback;
      if (typeof v === 'boolean') return v;
      report('invalid_type', field, 'true or false');
      return fallback;
    },
    positive: (field, fallback) => {
      const v = config[field];
      if (absent(field)) return fallback;
      if (typeof v === 'number' && v > 0 && Number.isFinite(v)) return v;
      report(typeof v === 'number' ? 'bad_value' : 'invalid_type', field, 'a number > 0');
      return fallback;
    },
    positiveOrNull: (field, fallback) => (config[field] === null ? undefined : reader.positive(field, fallback)),
    fraction: (field, fallback) => {
      const v = config[field];
      if (absent(field)) return fallback;
      if (typeof v === 'number' && v >= 0 && v <= 1) return v;
      report(typeof v === 'number' ? 'bad_value' : 'invalid_type', field, 'a number from 0 to 1');
      return fallback;
    },
    choice: (field, choices, fallback) => {
      const v = config[field];
      if (absent(field)) return fallback;
      if (typeof v === 'string' && Object.hasOwn(choices, v)) return choices[v]!;
      report('invalid_enum', field, `one of ${Object.keys(choices).join(', ')}`);
      return fallback;
    },
    strings: (field) => {
      const v = config[field];
      if (absent(field)) return undefined;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
      report('invalid_type', field, 'an array of strings');
      return undefined;
    },
    integers: (field, fallback) => {
      const v = config[field];
      if (absent(field)) return fallback;
      if (Array.isArray(v) && v.every((x) => Number.isInteger(x) && (x as number) >= 0)) return v as number[];
      report('invalid_type', field, 'an array of integers >= 0');
      return fallback;
    },
    fail: (field, message) => issues.push(issue('bad_value', path(field), message)),
    context: (field) => {
      const positions = reader.size(field);
      if (Number.isInteger(seq) && seq > positions)
        issues.push(issue('too_big', 'seq', `seq ${seq} exceeds ${field} ${positions} in ${fileName}`));
      return positions;
    },
  };
  return reader;
}
