/**
 * `Program` -> canonical text: the same assembly the assembler reads, with buffer names restored,
 * default parameters left out, DMAs with the host written as read_host / write_host.
 */
import { OPS, defaultFieldValue, textMnemonic, type FieldSpec } from './ops.js';
import type { BufferDecl, Instruction, MemRef, Program } from './types.js';
import { fieldsOf } from './fields.js';

function bufferLine(b: BufferDecl): string {
  const parts = [`.buffer ${b.space} ${b.name} ${b.address} bytes=${b.bytes}`];
  if (b.shape) parts.push(`shape=${b.shape.join('x')}`);
  if (b.dtype) parts.push(`dtype=${b.dtype}`);
  if (b.core !== undefined) parts.push(`core=${b.core}`);
  if (b.output) parts.push('output');
  return parts.join(' ');
}

/** A memory reference by buffer name where one covers it (preferring the instruction's core for ub). */
function memText(ref: MemRef, buffers: readonly BufferDecl[], core: number): string {
  const candidates = buffers.filter(
    (b) => b.space === ref.space && ref.address >= b.address && ref.address < b.address + b.bytes,
  );
  const best = candidates.find((b) => (b.core ?? 0) === core) ?? (ref.space === 'ub' ? undefined : candidates[0]);
  if (!best) return `${ref.space}:${ref.address}`;
  const offset = ref.address - best.address;
  return offset === 0 ? best.name : `${best.name}+${offset}`;
}

function fieldText(field: FieldSpec, value: unknown, buffers: readonly BufferDecl[], core: number): string {
  if (field.kind === 'mem') return memText(value as MemRef, buffers, core);
  if (field.kind === 'acc') return `acc:${value as number}`;
  return String(value);
}

export function disassembleInstruction(instruction: Instruction, buffers: readonly BufferDecl[] = []): string {
  const spec = OPS[instruction.op];
  const record = fieldsOf(instruction);
  const core = typeof record['core'] === 'number' ? (record['core'] as number) : 0;
  const parts: string[] = [];
  for (const field of spec.fields) {
    const value = record[field.name];
    if (value === undefined) continue;
    if (field.positional) parts.push(fieldText(field, value, buffers, core));
    else if (value === defaultFieldValue(field, record)) continue;
    else if (field.kind === 'flag') parts.push(value ? (field.key ?? field.name) : `${field.key ?? field.name}=false`);
    else parts.push(`${field.key ?? field.name}=${fieldText(field, value, buffers, core)}`);
  }
  const name = textMnemonic(instruction);
  return parts.length === 0 ? name : `${name.padEnd(12)} ${parts.join(', ')}`;
}

export function disassemble(program: Program): string {
  const lines: string[] = ['; tpusim program (disassembled)'];
  if (program.chip) lines.push(`.chip ${program.chip}`);
  if (program.dtype) lines.push(`.dtype ${program.dtype}`);
  for (const b of program.buffers) lines.push(bufferLine(b));
  for (const init of program.init ?? []) lines.push(`.init ${init.buffer} "${init.file}"`);
  const labelsAt = new Map<number, string[]>();
  for (const [name, index] of Object.entries(program.labels))
    labelsAt.set(index, [...(labelsAt.get(index) ?? []), name]);
  program.instructions.forEach((instruction, index) => {
    for (const label of labelsAt.get(index) ?? []) lines.push(`${label}:`);
    lines.push(`    ${disassembleInstruction(instruction, program.buffers)}`);
  });
  for (const label of labelsAt.get(program.instructions.length) ?? []) lines.push(`${label}:`);
  return `${lines.join('\n')}\n`;
}
