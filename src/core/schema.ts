/**
 * A tiny declarative validator in the spirit of zod: a schema walks plain JSON data and reports *every*
 * problem with its path, the value and the limit. Used for chip specs, cost books and other user files.
 */
import { issue, nearestName, type Issue } from './errors.js';

export interface Schema {
  /** Short description for messages, e.g. `an integer`. */
  readonly expected: string;
  check(value: unknown, path: string, issues: Issue[]): void;
}

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

export function number(rules: NumberRules = {}): Schema {
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

export function string(rules: { readonly minLength?: number } = {}): Schema {
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

export function boolean(): Schema {
  return {
    expected: 'true or false',
    check(value, path, issues) {
      if (typeof value !== 'boolean') {
        issues.push(issue('invalid_type', path, `expected true or false, got ${describe(value)}`));
      }
    },
  };
}

export function oneOf(values: readonly string[]): Schema {
  return {
    expected: `one of ${values.join(', ')}`,
    check(value, path, issues) {
      if (typeof value !== 'string' || !values.includes(value)) {
        const near = typeof value === 'string' ? nearestName(value, values) : undefined;
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

export function array(item: Schema, rules: ArrayRules = {}): Schema {
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

export interface Field {
  readonly schema: Schema;
  readonly optional?: boolean;
}

export const optional = (schema: Schema): Field => ({ schema, optional: true });

/** An object with known fields; unknown fields are reported (they are usually typos). */
export function object(fields: Readonly<Record<string, Schema | Field>>, extraCheck?: ObjectCheck): Schema {
  const known = Object.keys(fields);
  return {
    expected: 'an object',
    check(value, path, issues) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push(issue('invalid_type', path, `expected an object, got ${describe(value)}`));
        return;
      }
      const record = value as Record<string, unknown>;
      for (const [key, spec] of Object.entries(fields)) {
        const field: Field = 'check' in spec ? { schema: spec } : spec;
        if (record[key] === undefined) {
          if (!field.optional) issues.push(issue('missing', joinPath(path, key), `is required (${field.schema.expected})`));
          continue;
        }
        field.schema.check(record[key], joinPath(path, key), issues);
      }
      for (const key of Object.keys(record)) {
        if (known.includes(key)) continue;
        const near = nearestName(key, known);
        const hint = near ? `; did you mean '${near}'?` : '';
        issues.push(issue('unknown_field', joinPath(path, key), `unknown field '${key}'${hint}`));
      }
      extraCheck?.(record, path, issues);
    },
  };
}

export type ObjectCheck = (value: Readonly<Record<string, unknown>>, path: string, issues: Issue[]) => void;

/** A record with free-form keys and values of one schema. */
export function record(valueSchema: Schema): Schema {
  return {
    expected: `an object of ${valueSchema.expected}`,
    check(value, path, issues) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push(issue('invalid_type', path, `expected an object, got ${describe(value)}`));
        return;
      }
      for (const [key, element] of Object.entries(value)) valueSchema.check(element, joinPath(path, key), issues);
    },
  };
}

export function validate(schema: Schema, value: unknown, path = ''): Issue[] {
  const issues: Issue[] = [];
  schema.check(value, path, issues);
  return issues;
}
