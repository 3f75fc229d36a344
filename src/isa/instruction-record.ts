/**
 * An instruction from a record of named fields, the inverse of fields.ts `fieldsOf`: for code that builds
 * one field by field from an op's field list (the assembler, the binary decoder, the compiler's emit
 * pass). The record is checked against the registry (ops.ts): a known opcode, every field the op requires,
 * each field of its kind (an enum one of its values), and no other key. Value rules (minimums, memories
 * an operand may name) are the validator's (validate.ts); this check is what makes the record the type.
 */
import { issue, type Issue, type Result } from '../core/errors.js';
import { OPS, type FieldKind, type FieldSpec } from './ops.js';
import { MEMORY_SPACES, type Instruction, type Opcode } from './types.js';

const isNumber = (v: unknown): boolean => typeof v === 'number';
const isMapping = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isSpace = (v: unknown): boolean => typeof v === 'string' && (MEMORY_SPACES as readonly string[]).includes(v);

/** What a field of each kind holds, and the words for a message. */
const KINDS: Readonly<
  Record<FieldKind, { readonly expected: string; readonly fits: (value: unknown, field: FieldSpec) => boolean }>
> = {
  mem: {
    expected: 'a memory reference { space, address }',
    fits: (v) => isMapping(v) && isSpace(v['space']) && isNumber(v['address']),
  },
  acc: { expected: 'an accumulator row', fits: isNumber },
  int: { expected: 'an integer', fits: isNumber },
  float: { expected: 'a number', fits: isNumber },
  enum: { expected: 'one of its values', fits: (v, f) => typeof v === 'string' && (f.values ?? []).includes(v) },
  flag: { expected: 'true or false', fits: (v) => typeof v === 'boolean' },
  label: { expected: 'a label name', fits: (v) => typeof v === 'string' },
};

const isOpcode = (v: unknown): v is Opcode => typeof v === 'string' && Object.hasOwn(OPS, v);

/** Every way `record` falls short of an instruction, each at its field's name. */
function instructionIssues(record: Readonly<Record<string, unknown>>): Issue[] {
  const op = record['op'];
  if (!isOpcode(op)) return [issue('invalid_enum', 'op', `${JSON.stringify(op)} is not an opcode`)];
  const fields = OPS[op].fields;
  const issues: Issue[] = [];
  for (const field of fields) {
    const value = record[field.name];
    if (value === undefined) {
      if (!field.optional) issues.push(issue('missing', field.name, `${op} needs its ${field.name} field`));
    } else if (!KINDS[field.kind].fits(value, field)) {
      issues.push(
        issue(
          'invalid_type',
          field.name,
          `${op} ${field.name} must be ${KINDS[field.kind].expected}, got ${JSON.stringify(value)}`,
        ),
      );
    }
  }
  for (const key of Object.keys(record)) {
    if (key !== 'op' && !fields.some((f) => f.name === key))
      issues.push(issue('unknown_field', key, `${op} has no field '${key}'`));
  }
  return issues;
}

/** Whether `value` is an instruction by the registry's fields (see instructionIssues). */
export function isInstruction(value: unknown): value is Instruction {
  return isMapping(value) && instructionIssues(value).length === 0;
}

/** The record as an instruction, or every problem with it. */
export function instructionFrom(record: Readonly<Record<string, unknown>>): Result<Instruction> {
  return isInstruction(record) ? { ok: true, value: record } : { ok: false, issues: instructionIssues(record) };
}
