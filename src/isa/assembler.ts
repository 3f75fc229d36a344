/**
 * Text assembly -> `Program`. One instruction per line; `;` or `#` start a comment.
 *
 *   .dtype int8                                   matrix-unit input format (default: the chip's)
 *   .buffer host x 0 shape=8x256 dtype=int8       named buffer: space, name, address (or auto),
 *   .buffer ub   h auto bytes=2048 core=0           size as bytes= or shape= with dtype=, `output`
 *   .init x "data/x.npy"                          fill a typed buffer from a .npy file before the run
 *   loop:                                         a label names the next instruction (for sync)
 *     read_host   xin, x, 2048                    operands: buffer names with +offsets, space:address,
 *     matmul      acc:0, xin, 8, 256, pop         acc:row; parameters key=value; flags as bare words
 *
 * Every problem is reported with file, line and column; assembly goes on to find the rest.
 */
import { issue, type Issue, type Result } from '../core/errors.js';
import { NUMBER_FORMATS, isNumberFormatName, type NumberFormatName } from '../core/number-formats.js';
import { nearestName } from '../core/errors.js';
import { parseDecimal } from '../core/parse-number.js';
import { OPS, defaultFieldValue, type FieldSpec, type OpSpec } from './ops.js';
import { instructionFrom } from './instruction-record.js';
import {
  MEMORY_SPACES,
  type BufferDecl,
  type BufferInit,
  type Instruction,
  type MemRef,
  type MemorySpace,
  type Program,
  type SourceLocation,
} from './types.js';

interface Line {
  readonly number: number;
  readonly text: string;
  /** Column (1-based) where `text` starts in the raw line. */
  readonly column: number;
}

/** Mnemonics that are another opcode with fixed operand spaces. */
const ALIASES: Readonly<Record<string, { opcode: keyof typeof OPS; dst?: MemorySpace; src?: MemorySpace }>> = {
  read_host: { opcode: 'dma', dst: 'ub', src: 'host' },
  write_host: { opcode: 'dma', dst: 'host', src: 'ub' },
  convolve: { opcode: 'matmul' },
};

/**
 * Line endings are LF or CRLF. A carriage return anywhere else (or a Unicode line separator) is an error
 * at its line and column rather than whitespace: it usually means a mangled file, and old Mac-style
 * CR-only files would otherwise assemble as one long line.
 */
const STRAY_BREAK = /[\r\u2028\u2029]/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const RESERVED = new Set<string>([...MEMORY_SPACES, 'acc']);
export const BUFFER_ALIGN_BYTES = 64;

export function parseInteger(text: string): number | undefined {
  const t = text.replace(/_/g, '').trim();
  if (!/^(0x[0-9a-f]+|0b[01]+|\d+)$/i.test(t)) return undefined;
  const value = Number(t);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The line without its comment: `;` or `#` outside a quoted string. */
function stripComment(raw: string): string {
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '"') quoted = !quoted;
    else if (!quoted && (raw[i] === ';' || raw[i] === '#')) return raw.slice(0, i);
  }
  return raw;
}

/** Splits operands at top-level commas, keeping each one's column. */
function splitOperands(text: string, column: number): Array<{ text: string; column: number }> {
  const parts: Array<{ text: string; column: number }> = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (i === text.length || (c === ',' && depth === 0)) {
      const raw = text.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      if (raw.trim() !== '') parts.push({ text: raw.trim(), column: column + start + lead });
      start = i + 1;
    }
  }
  return parts;
}

class Assembler {
  readonly issues: Issue[] = [];
  readonly buffers: BufferDecl[] = [];
  readonly labels: Record<string, number> = {};
  readonly instructions: Instruction[] = [];
  readonly source: SourceLocation[] = [];
  readonly init: BufferInit[] = [];
  dtype: NumberFormatName | undefined;
  chip: string | undefined;
  private pendingAuto: Array<{ decl: Omit<BufferDecl, 'address'> }> = [];
  private labelUses: Array<{ label: string; at: string }> = [];
  private initUses: Array<{ init: BufferInit; line: Line; column: number }> = [];

  constructor(private readonly file: string) {}

  at(line: Line, column = line.column): string {
    return `${this.file}:${line.number}:${column}`;
  }

  fail(line: Line, column: number, message: string): void {
    this.issues.push(issue('asm', this.at(line, column), message));
  }

  /** Two passes: directives first (so buffers can be used before their line and auto buffers are
   * placed), then labels and instructions. */
  run(text: string): void {
    const lines: Line[] = [];
    text.split(/\r?\n|\r$/).forEach((raw, index) => {
      const stray = raw.search(STRAY_BREAK);
      if (stray >= 0) {
        const what =
          raw[stray] === '\r'
            ? 'a carriage return (\\r) not followed by a newline'
            : `a line separator (U+${raw.charCodeAt(stray).toString(16).toUpperCase()})`;
        this.fail(
          { number: index + 1, text: raw, column: 1 },
          stray + 1,
          `${what} inside the line; end lines with LF or CRLF`,
        );
        return;
      }
      const code = stripComment(raw);
      const lead = code.length - code.trimStart().length;
      if (code.trim() !== '') lines.push({ number: index + 1, text: code.trim(), column: lead + 1 });
    });
    for (const line of lines) if (line.text.startsWith('.')) this.directive(line);
    this.placeAutoBuffers();
    this.checkInits();
    for (const line of lines) if (!line.text.startsWith('.')) this.statement(line);
    for (const use of this.labelUses) {
      if (!(use.label in this.labels)) this.issues.push(issue('asm', use.at, `unknown label '${use.label}'`));
    }
  }

  private statement(line: Line): void {
    const label = /^([A-Za-z_][A-Za-z0-9_.]*):(?!\S*:)\s*(.*)$/.exec(line.text);
    if (label && !label[1]!.includes('.') && !RESERVED.has(label[1]!)) {
      if (label[1]! in this.labels) this.fail(line, line.column, `label '${label[1]}' is defined twice`);
      this.labels[label[1]!] = this.instructions.length;
      const rest = label[2]!;
      if (rest !== '')
        this.statement({ number: line.number, text: rest, column: line.column + line.text.length - rest.length });
      return;
    }
    this.instruction(line);
  }

  private directive(line: Line): void {
    const [name, ...args] = line.text.split(/\s+/);
    if (name === '.dtype') {
      const format = args[0] ?? '';
      if (args.length !== 1 || !isNumberFormatName(format))
        this.fail(line, line.column, `.dtype needs one number format, got '${args.join(' ')}'`);
      else this.dtype = format;
    } else if (name === '.buffer') this.bufferDirective(line, args);
    else if (name === '.chip') {
      if (args.length !== 1) this.fail(line, line.column, `.chip needs one chip name, got '${args.join(' ')}'`);
      else this.chip = args[0]!;
    } else if (name === '.init') this.initDirective(line);
    else this.fail(line, line.column, `unknown directive '${name}' (known: .dtype, .buffer, .chip, .init)`);
  }

  /** `.init NAME "FILE"`: checked once every buffer is known (they may be declared later). */
  private initDirective(line: Line): void {
    const m = /^\.init(\s+)(\S+)\s+"([^"]+)"$/.exec(line.text);
    if (!m)
      return this.fail(
        line,
        line.column,
        `usage: .init NAME "FILE" (a declared buffer and a quoted .npy path, relative to the program), got '` +
          `${line.text}'`,
      );
    const init = { buffer: m[2]!, file: m[3]! };
    const column = line.column + '.init'.length + m[1]!.length;
    if (this.initUses.some((u) => u.init.buffer === init.buffer))
      return this.fail(line, column, `buffer '${init.buffer}' has two .init lines`);
    this.initUses.push({ init, line, column });
  }

  private checkInits(): void {
    for (const { init, line, column } of this.initUses) {
      const buffer = this.buffer(init.buffer);
      if (!buffer) {
        const near = nearestName(
          init.buffer,
          this.buffers.map((b) => b.name),
        );
        this.fail(line, column, `.init: unknown buffer '${init.buffer}'${near ? `; did you mean '${near}'?` : ''}`);
      } else if (!buffer.dtype || !buffer.shape)
        this.fail(line, column, `.init: buffer '${init.buffer}' needs shape= and dtype= to be filled from a .npy file`);
      else this.init.push(init);
    }
  }

  private bufferDirective(line: Line, args: string[]): void {
    const [space, name, address, ...params] = args;
    const usage = 'usage: .buffer SPACE NAME ADDRESS|auto [bytes=N] [shape=AxB dtype=T] [core=N] [output]';
    if (!space || !name || !address) return this.fail(line, line.column, usage);
    if (!(MEMORY_SPACES as readonly string[]).includes(space))
      return this.fail(line, line.column, `unknown memory '${space}' (known: ${MEMORY_SPACES.join(', ')})`);
    if (!IDENT.test(name) || RESERVED.has(name)) return this.fail(line, line.column, `'${name}' cannot name a buffer`);
    if (this.buffers.some((b) => b.name === name) || this.pendingAuto.some((b) => b.decl.name === name))
      return this.fail(line, line.column, `buffer '${name}' is declared twice`);
    const decl: { -readonly [K in keyof BufferDecl]?: BufferDecl[K] } = { name, space: space as MemorySpace };
    for (const param of params) {
      const [key, value = ''] = param.split('=');
      if (key === 'output' && value === '') decl.output = true;
      else if (key === 'bytes' && parseInteger(value) !== undefined) decl.bytes = parseInteger(value)!;
      else if (key === 'core' && parseInteger(value) !== undefined) decl.core = parseInteger(value)!;
      else if (key === 'dtype' && isNumberFormatName(value)) decl.dtype = value;
      else if (key === 'shape' && /^\d+(x\d+)*$/.test(value)) decl.shape = value.split('x').map(Number);
      else return this.fail(line, line.column, `bad buffer parameter '${param}'; ${usage}`);
    }
    if (decl.shape && !decl.dtype) return this.fail(line, line.column, `buffer '${name}' has a shape but no dtype`);
    const typedBytes =
      decl.shape && decl.dtype ? decl.shape.reduce((a, b) => a * b, 1) * NUMBER_FORMATS[decl.dtype].bytes : undefined;
    if (decl.bytes === undefined && typedBytes !== undefined) decl.bytes = typedBytes;
    if (decl.bytes === undefined || decl.bytes < 1)
      return this.fail(line, line.column, `buffer '${name}' needs a size: bytes=N, or shape= with dtype=`);
    if (typedBytes !== undefined && decl.bytes < typedBytes)
      return this.fail(
        line,
        line.column,
        `buffer '${name}': bytes=${decl.bytes} is smaller than its shape needs (${typedBytes})`,
      );
    if (space !== 'ub' && decl.core !== undefined)
      return this.fail(line, line.column, `only ub buffers belong to a core`);
    if (address === 'auto') this.pendingAuto.push({ decl: decl as BufferDecl });
    else if (parseInteger(address) === undefined)
      this.fail(line, line.column, `buffer address must be a non-negative integer or auto, got '${address}'`);
    else this.buffers.push({ ...(decl as BufferDecl), address: parseInteger(address)! });
  }

  /** Auto buffers go after the last explicit one in their memory (and core), 64-byte aligned. */
  private placeAutoBuffers(): void {
    const pending = this.pendingAuto;
    this.pendingAuto = [];
    for (const { decl } of pending) {
      const sameMemory = this.buffers.filter((b) => b.space === decl.space && (b.core ?? 0) === (decl.core ?? 0));
      const end = Math.max(0, ...sameMemory.map((b) => b.address + b.bytes));
      this.buffers.push({ ...decl, address: Math.ceil(end / BUFFER_ALIGN_BYTES) * BUFFER_ALIGN_BYTES });
    }
  }

  private buffer(name: string): BufferDecl | undefined {
    return this.buffers.find((b) => b.name === name);
  }

  private instruction(line: Line): void {
    const match = /^(\S+)\s*(.*)$/s.exec(line.text)!;
    const mnemonic = match[1]!.toLowerCase();
    const alias = ALIASES[mnemonic];
    const spec = alias ? OPS[alias.opcode] : Object.values(OPS).find((op) => op.mnemonic === mnemonic);
    if (!spec) {
      const known = [...Object.values(OPS).map((op) => op.mnemonic), ...Object.keys(ALIASES)];
      const near = nearestName(mnemonic, known);
      return this.fail(
        line,
        line.column,
        `unknown instruction '${match[1]}'${near ? `; did you mean '${near}'?` : ''}`,
      );
    }
    const operandColumn = line.column + line.text.length - match[2]!.length;
    const values = this.operands(line, spec, splitOperands(match[2]!, operandColumn));
    if (!values) return;
    if (alias?.dst && (values['dst'] as MemRef).space !== alias.dst)
      return this.fail(line, operandColumn, `${mnemonic} writes ${alias.dst}, not ${(values['dst'] as MemRef).space}`);
    if (alias?.src && (values['src'] as MemRef).space !== alias.src)
      return this.fail(line, operandColumn, `${mnemonic} reads ${alias.src}, not ${(values['src'] as MemRef).space}`);
    // Fields in registry order, so the same program always serializes to the same JSON.
    const ordered: Record<string, unknown> = { op: spec.opcode };
    for (const field of spec.fields) if (values[field.name] !== undefined) ordered[field.name] = values[field.name];
    const instruction = instructionFrom(ordered);
    if (!instruction.ok) return this.fail(line, operandColumn, instruction.issues.map((i) => i.message).join('; '));
    this.instructions.push(instruction.value);
    this.source.push({ file: this.file, line: line.number, column: line.column });
  }

  private operands(
    line: Line,
    spec: OpSpec,
    parts: Array<{ text: string; column: number }>,
  ): Record<string, unknown> | undefined {
    const values: Record<string, unknown> = {};
    const failed = new Set<string>();
    const positional = spec.fields.filter((f) => f.positional);
    const named = spec.fields.filter((f) => !f.positional);
    let ok = true;
    let index = 0;
    for (const part of parts) {
      const eq = part.text.indexOf('=');
      const field =
        eq > 0
          ? named.find((f) => (f.key ?? f.name) === part.text.slice(0, eq).trim())
          : named.find((f) => f.kind === 'flag' && (f.key ?? f.name) === part.text);
      if (eq > 0 || field) {
        if (!field) {
          const keys = named.map((f) => f.key ?? f.name);
          const key = part.text.slice(0, eq > 0 ? eq : undefined).trim();
          const near = nearestName(key, keys);
          this.fail(
            line,
            part.column,
            `${spec.mnemonic} has no parameter '${key}'${near ? `; did you mean '${near}'?` : ''} (parameters: ` +
              `${keys.join(', ')})`,
          );
          ok = false;
          continue;
        }
        const value =
          field.kind === 'flag' && eq < 0
            ? true
            : this.value(line, part.column, field, part.text.slice(eq + 1).trim(), spec);
        if (value === undefined) {
          ok = false;
          failed.add(field.name);
        } else values[field.name] = value;
        continue;
      }
      const pos = positional[index++];
      if (!pos) {
        const keys = named.map((f) => f.key ?? f.name);
        const near = IDENT.test(part.text) ? nearestName(part.text, keys) : undefined;
        const message = near
          ? `${spec.mnemonic} has no parameter '${part.text}'; did you mean '${near}'? (parameters: ${keys.join(', ')})`
          : `${spec.mnemonic} takes ${positional.length} operands (${positional.map((f) => f.name).join(', ')}), ` +
            `got more`;
        this.fail(line, part.column, message);
        return undefined;
      }
      const value = this.value(line, part.column, pos, part.text, spec);
      if (value === undefined) {
        ok = false;
        failed.add(pos.name);
      } else values[pos.name] = value;
    }
    for (const field of spec.fields) {
      if (values[field.name] !== undefined || failed.has(field.name) || failed.has(field.defaultFrom ?? '')) continue;
      const fallback = defaultFieldValue(field, values);
      if (fallback !== undefined) values[field.name] = fallback;
      else if (!field.optional) {
        this.fail(
          line,
          line.column,
          `${spec.mnemonic} is missing its ${field.name} operand (operands: ` +
            `${positional.map((f) => f.name).join(', ')})`,
        );
        ok = false;
      }
    }
    return ok ? values : undefined;
  }

  private value(line: Line, column: number, field: FieldSpec, text: string, spec: OpSpec): unknown {
    const where = `${spec.mnemonic} ${field.key ?? field.name}`;
    switch (field.kind) {
      case 'mem':
        return this.memRef(line, column, text, where);
      case 'acc': {
        const m = /^acc(?::|\[)\s*([^\]]+?)\s*\]?$/.exec(text);
        const row = m ? this.integerExpression(m[1]!) : undefined;
        if (row === undefined) this.fail(line, column, `${where} must be an accumulator row like acc:0, got '${text}'`);
        return row;
      }
      case 'int': {
        const n = this.integerExpression(text);
        if (n === undefined) this.fail(line, column, `${where} must be a non-negative integer, got '${text}'`);
        else if (n < (field.min ?? 0)) this.fail(line, column, `${where} = ${n} is below the minimum ${field.min}`);
        return n;
      }
      case 'float': {
        const x = parseDecimal(text);
        if (x === undefined)
          this.fail(
            line,
            column,
            `${where} must be a ${/^[+-]?[\d.]+e/i.test(text.trim()) ? 'finite ' : ''}number, got '${text}'`,
          );
        return x;
      }
      case 'enum': {
        if (field.values!.includes(text)) return text;
        const near = nearestName(text, field.values!);
        this.fail(
          line,
          column,
          `${where} must be one of ${field.values!.join(', ')}, got '${text}'` +
            `${near ? `; did you mean '${near}'?` : ''}`,
        );
        return undefined;
      }
      case 'flag':
        if (text === 'true' || text === '1') return true;
        if (text === 'false' || text === '0') return false;
        this.fail(line, column, `${where} is a flag: write it alone, or =true/=false, got '${text}'`);
        return undefined;
      case 'label':
        if (!IDENT.test(text)) {
          this.fail(line, column, `${where} must be a label name, got '${text}'`);
          return undefined;
        }
        this.labelUses.push({ label: text, at: this.at(line, column) });
        return text;
    }
  }

  /** `space:expr`, or `buffer`, `buffer+expr`; expr is integers joined by +. */
  private memRef(line: Line, column: number, text: string, where: string): MemRef | undefined {
    const spaced = /^([a-z]+):(.+)$/.exec(text);
    if (spaced) {
      const space = spaced[1]!;
      const address = this.integerExpression(spaced[2]!);
      if (!(MEMORY_SPACES as readonly string[]).includes(space))
        this.fail(line, column, `${where}: unknown memory '${space}' (known: ${MEMORY_SPACES.join(', ')})`);
      else if (address === undefined) this.fail(line, column, `${where}: bad address '${spaced[2]}'`);
      else return { space: space as MemorySpace, address };
      return undefined;
    }
    const [head, ...rest] = text.split('+').map((t) => t.trim());
    const buffer = head ? this.buffer(head) : undefined;
    const offset = rest.length === 0 ? 0 : this.integerExpression(rest.join('+'));
    if (!buffer) {
      const near = head
        ? nearestName(
            head,
            this.buffers.map((b) => b.name),
          )
        : undefined;
      this.fail(
        line,
        column,
        `${where}: unknown buffer '${head}'${near ? `; did you mean '${near}'?` : ''} (or write space:address)`,
      );
      return undefined;
    }
    if (offset === undefined) {
      this.fail(line, column, `${where}: bad offset in '${text}'`);
      return undefined;
    }
    return { space: buffer.space, address: buffer.address + offset };
  }

  private integerExpression(text: string): number | undefined {
    let total = 0;
    for (const term of text.split('+')) {
      const n = parseInteger(term);
      if (n === undefined) return undefined;
      total += n;
    }
    return total;
  }
}

export function assemble(text: string, file = 'program.s'): Result<Program> {
  const asm = new Assembler(file);
  asm.run(text);
  if (asm.issues.length > 0) return { ok: false, issues: asm.issues };
  const program: Program = {
    schemaVersion: 1,
    ...(asm.chip ? { chip: asm.chip } : {}),
    ...(asm.dtype ? { dtype: asm.dtype } : {}),
    buffers: asm.buffers,
    labels: asm.labels,
    instructions: asm.instructions,
    ...(asm.init.length > 0 ? { init: asm.init } : {}),
    source: asm.source,
  };
  return { ok: true, value: program };
}
