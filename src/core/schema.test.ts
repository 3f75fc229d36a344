import { describe, expect, expectTypeOf, it } from 'vitest';
import { formatIssues } from './errors.js';
import {
  array,
  boolean,
  literal,
  number,
  object,
  oneOf,
  optional,
  parse,
  record,
  string,
  union,
  validate,
  type Infer,
  type Schema,
} from './schema.js';

const messages = (schema: Schema, value: unknown): string => formatIssues(validate(schema, value));

describe('typed schemas', () => {
  const unit = object({
    rows: number({ integer: true, min: 1, max: 256 }),
    name: optional(string({ minLength: 1 })),
    dataflows: array(oneOf(['ws', 'os', 'is'] as const), { minLength: 1, unique: true }),
    tags: optional(record(boolean())),
  });

  it('infers the type of what passes', () => {
    expectTypeOf<Infer<typeof unit>>().toEqualTypeOf<{
      readonly rows: number;
      readonly name?: string;
      readonly dataflows: readonly ('ws' | 'os' | 'is')[];
      readonly tags?: Readonly<Record<string, boolean>>;
    }>();
    expectTypeOf<Infer<ReturnType<typeof literal<3>>>>().toEqualTypeOf<3>();
    expectTypeOf<Infer<ReturnType<typeof union<[Schema<number>, Schema<string>]>>>>().toEqualTypeOf<number | string>();
  });

  it('parse returns the value typed, or every issue at once', () => {
    const good = parse(unit, { rows: 128, dataflows: ['ws'] });
    expect(good).toEqual({ ok: true, value: { rows: 128, dataflows: ['ws'] } });
    const bad = parse(unit, { rows: 300.5, dataflows: ['ws', 'wss', 'ws'], nmae: 'x' });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : formatIssues(bad.issues)).toBe(
      [
        'rows: 300.5 is not an integer',
        'rows: 300.5 exceeds the maximum 256',
        'dataflows[1]: the string "wss" is not one of ws, os, is; did you mean \'ws\'?',
        'dataflows[2]: "ws" is listed twice',
        "nmae: unknown field 'nmae'; did you mean 'name'?",
      ].join('\n'),
    );
  });

  it('keeps the messages of the untyped schemas', () => {
    expect(messages(number({ above: 0, unit: 'Hz' }), 0)).toBe('0 Hz must be greater than 0 Hz');
    expect(messages(object({ a: number() }), {})).toBe('a: is required (a number)');
    expect(messages(object({ a: number() }), [1])).toBe('expected an object, got an array');
    expect(messages(array(number(), { maxLength: 1 }), [1, 2])).toBe('has 2 entries, at most 1 allowed');
    expect(messages(record(number()), { x: 'y' })).toBe('x: expected a number, got the string "y"');
  });

  it('literal and union report what they expected', () => {
    expect(messages(literal(1), 2)).toBe('expected 1, got 2');
    const entry = union([number({ min: 0 }), object({ value: number({ min: 0 }), note: optional(string()) })]);
    expect(validate(entry, 3)).toEqual([]);
    expect(validate(entry, { value: 2 })).toEqual([]);
    expect(messages(entry, 'x')).toBe('expected a number or an object, got the string "x"');
    // The option that comes closest says what is wrong.
    expect(messages(entry, { value: -1 })).toBe('value: -1 is below the minimum 0');
    expect(messages(entry, -1)).toBe('-1 is below the minimum 0');
  });
});
