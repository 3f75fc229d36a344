/**
 * A tiny declarative validator in the spirit of zod: a schema walks plain JSON data and reports *every*
 * problem with its path, the value and the limit. Used for chip specs, cost books and other user files.
 *
 * Typed: `Schema<T>` says what a value that passes `check` is, each combinator returns a precisely typed
 * schema, and `Infer<typeof s>` names the type. Our own small layer rather than zod or valibot because
 * tpusim's messages are part of its interface (tests and golden outputs assert them byte for byte):
 * `path: value exceeds the maximum limit unit`, did-you-mean hints on enums and unknown fields, and every
 * issue of a document reported at once; matching those through another library's error map would cost
 * more code than this file, and a dependency besides.
 */
import { issue, nearestName, type Issue, type Result } from './errors.js';

export interface Schema<T = unknown> {
  /** Short description for messages, e.g. `an integer`. */
  readonly expected: string;
  /** Adds an issue for every problem with `value`; none means `value` is a `T`. */
  check(value: unknown, path: string, issues: Issue[]): void;
  /** Type-level only, never set: what a value that passes `check` is (read it with `Infer`). */
  readonly output?: T;
}

/** The type a schema accepts: `Infer<typeof chipSchema>`. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Compile-time checks that a declared type and a schema's type agree: `type _ = Assert<Equals<A, B>>`. */
export type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
export type Assert<T extends true> = T;

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return String(value);
  return `${typeof value} ${String(value)}`;
};

export const joinPath = (base: string, key: string | number): string =>
  typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key;

export interface NumberRules {
  readonly integer?: boolean;
  readonly min?: number;
  /** Strictly greater than. */
  readonly above?: number;
  readonly max?: number;
  /** Strictly less than. */
  readonly below?: number;
  /** Unit for messages, e.g. `Hz`. */
  readonly unit?: string;
}

export function number(rules: NumberRules = {}): Schema<number> {
  const unit = rules.unit ? ` ${rules.unit}` : '';
  return {
    expected: rules.integer ? 'an integer' : 'a number',
    check(value, path, issues) {
      if (typeof value !== 'number') {
        issues.push(issue('invalid_type', path, `expected ${this.expected}, got ${describe(value)}`));
        return;
      }
      if (!Number.isFinite(value)) {
        issues.push(issue('not_finite', path, `must be a finite number, got ${value}`));
        return;
      }
      if (rules.integer && !Number.isInteger(value)) {
        issues.push(issue('not_integer', path, `${value} is not an integer`));
      }
      if (rules.min !== undefined && value < rules.min) {
        issues.push(issue('too_small', path, `${value}${unit} is below the minimum ${rules.min}${unit}`));
      }
      if (rules.above !== undefined && value <= rules.above) {
        issues.push(issue('too_small', path, `${value}${unit} must be greater than ${rules.above}${unit}`));
      }
      if (rules.max !== undefined && value > rules.max) {
        issues.push(issue('too_big', path, `${value}${unit} exceeds the maximum ${rules.max}${unit}`));
      }
      if (rules.below !== undefined && value >= rules.below) {
        issues.push(issue('too_big', path, `${value}${unit} must be less than ${rules.below}${unit}`));
      }
    },
  };
}

export function string(rules: { readonly minLength?: number } = {}): Schema<string> {
  return {
    expected: 'a string',
    check(value, path, issues) {
      if (typeof value !== 'string') {
        issues.push(issue('invalid_type', path, `expected a string, got ${describe(value)}`));
      } else if (rules.minLength !== undefined && value.length < rules.minLength) {
        issues.push(issue('too_small', path, `must not be empty`));
      }
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    expected: 'true or false',
    check(value, path, issues) {
      if (typeof value !== 'boolean') {
        issues.push(issue('invalid_type', path, `expected true or false, got ${describe(value)}`));
      }
    },
  };
}

/** One of a list of strings (an enum): `oneOf(['ws', 'os'] as const)` is a `Schema<'ws' | 'os'>`. */
export function oneOf<const V extends string>(values: readonly V[]): Schema<V> {
  const names: readonly string[] = values;
  return {
    expected: `one of ${values.join(', ')}`,
    check(value, path, issues) {
      if (typeof value !== 'string' || !names.includes(value)) {
        const near = typeof value === 'string' ? nearestName(value, names) : undefined;
        const hint = near ? `; did you mean '${near}'?` : '';
        issues.push(issue('invalid_enum', path, `${describe(value)} is not one of ${values.join(', ')}${hint}`));
      }
    },
  };
}

export interface ArrayRules {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly unique?: boolean;
}

export function array<T>(item: Schema<T>, rules: ArrayRules = {}): Schema<readonly T[]> {
  return {
    expected: `an array of ${item.expected}`,
    check(value, path, issues) {
      if (!Array.isArray(value)) {
        issues.push(issue('invalid_type', path, `expected ${this.expected}, got ${describe(value)}`));
        return;
      }
      if (rules.minLength !== undefined && value.length < rules.minLength) {
        issues.push(issue('too_small', path, `has ${value.length} entries, needs at least ${rules.minLength}`));
      }
      if (rules.maxLength !== undefined && value.length > rules.maxLength) {
        issues.push(issue('too_big', path, `has ${value.length} entries, at most ${rules.maxLength} allowed`));
      }
      value.forEach((element, index) => item.check(element, joinPath(path, index), issues));
      if (rules.unique) {
        const seen = new Set<string>();
        value.forEach((element, index) => {
          const key = JSON.stringify(element);
          if (seen.has(key)) issues.push(issue('duplicate', joinPath(path, index), `${key} is listed twice`));
          seen.add(key);
        });
      }
    },
  };
}

/** A field of an object schema; `optional` fields may be absent (or undefined). */
export interface Field<T = unknown> {
  readonly schema: Schema<T>;
  readonly optional?: boolean;
}

export interface OptionalField<T> extends Field<T> {
  readonly optional: true;
}

export const optional = <T>(schema: Schema<T>): OptionalField<T> => ({ schema, optional: true });

type Fields = Readonly<Record<string, Schema<unknown> | Field<unknown>>>;
type FieldType<F> = F extends Field<infer T> ? T : Infer<F>;
type RequiredKeys<F> = { [K in keyof F]: F[K] extends OptionalField<unknown> ? never : K }[keyof F];
type OptionalKeys<F> = { [K in keyof F]: F[K] extends OptionalField<unknown> ? K : never }[keyof F];
/** Flattens an intersection into one object type, so that `Equals` compares it with an interface. */
type Flatten<T> = { [K in keyof T]: T[K] };
export type ObjectOf<F extends Fields> = Flatten<
  { readonly [K in RequiredKeys<F>]: FieldType<F[K]> } & { readonly [K in OptionalKeys<F>]?: FieldType<F[K]> }
>;

const isField = (spec: Schema<unknown> | Field<unknown>): spec is Field<unknown> => 'schema' in spec;
const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object with known fields; unknown fields are reported (they are usually typos). */
export function object<const F extends Fields>(fields: F, extraCheck?: ObjectCheck): Schema<ObjectOf<F>> {
  const known = Object.keys(fields);
  return {
    expected: 'an object',
    check(value, path, issues) {
      if (!isObject(value)) {
        issues.push(issue('invalid_type', path, `expected an object, got ${describe(value)}`));
        return;
      }
      for (const [key, spec] of Object.entries(fields)) {
        const field: Field<unknown> = isField(spec) ? spec : { schema: spec };
        if (value[key] === undefined) {
          if (!field.optional)
            issues.push(issue('missing', joinPath(path, key), `is required (${field.schema.expected})`));
          continue;
        }
        field.schema.check(value[key], joinPath(path, key), issues);
      }
      for (const key of Object.keys(value)) {
        if (known.includes(key)) continue;
        const near = nearestName(key, known);
        const hint = near ? `; did you mean '${near}'?` : '';
        issues.push(issue('unknown_field', joinPath(path, key), `unknown field '${key}'${hint}`));
      }
      extraCheck?.(value, path, issues);
    },
  };
}

export type ObjectCheck = (value: Readonly<Record<string, unknown>>, path: string, issues: Issue[]) => void;

/** A record with free-form keys and values of one schema. */
export function record<T>(valueSchema: Schema<T>): Schema<Readonly<Record<string, T>>> {
  return {
    expected: `an object of ${valueSchema.expected}`,
    check(value, path, issues) {
      if (!isObject(value)) {
        issues.push(issue('invalid_type', path, `expected an object, got ${describe(value)}`));
        return;
      }
      for (const [key, element] of Object.entries(value)) valueSchema.check(element, joinPath(path, key), issues);
    },
  };
}

/** A value equal to `expected` (a tag of a discriminated union, a fixed version number). */
export function literal<const L extends string | number | boolean>(expected: L): Schema<L> {
  return {
    expected: JSON.stringify(expected),
    check(value, path, issues) {
      if (value !== expected)
        issues.push(issue('invalid_literal', path, `expected ${JSON.stringify(expected)}, got ${describe(value)}`));
    },
  };
}

/**
 * A value of one of several schemas. When none accepts it, the issues of the option of the right shape
 * that found the fewest are reported (the one the author most likely meant), or one summary when every
 * option rejects the value's type outright.
 */
export function union<const S extends readonly Schema<unknown>[]>(options: S): Schema<Infer<S[number]>> {
  const expected = options.map((o) => o.expected).join(' or ');
  return {
    expected,
    check(value, path, issues) {
      let best: Issue[] | undefined;
      for (const option of options) {
        const found: Issue[] = [];
        option.check(value, path, found);
        if (found.length === 0) return;
        const wrongType = found.every((i) => i.path === path && i.code === 'invalid_type');
        if (!wrongType && (best === undefined || found.length < best.length)) best = found;
      }
      if (best) issues.push(...best);
      else issues.push(issue('invalid_type', path, `expected ${expected}, got ${describe(value)}`));
    },
  };
}

export function validate(schema: Schema<unknown>, value: unknown, path = ''): Issue[] {
  const issues: Issue[] = [];
  schema.check(value, path, issues);
  return issues;
}

/**
 * `value` as a `T` when the schema finds no problem, else every issue. The one place a checked value
 * takes its schema's type: `check` reporting nothing is what `Schema<T>` promises means "is a T".
 */
export function parse<T>(schema: Schema<T>, value: unknown, path = ''): Result<T> {
  const issues = validate(schema, value, path);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: value as T };
}
