/**
 * An instruction read as a record of named fields, for code that walks an op's field list
 * (`OPS[op].fields`): the disassembler, the encoder, the validator and the compiler's passes.
 */
import type { Instruction } from './types.js';

/** The instruction's fields by name (a shallow copy: instructions are plain readonly data). */
export function fieldsOf(instruction: Instruction): Readonly<Record<string, unknown>> {
  return { ...instruction };
}
