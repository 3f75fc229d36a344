import { disassemble, encodeProgram, OPS } from '../../index.js';
import { outputPaths, parseCommandArgs, UsageError } from '../args.js';
import { printJson, type Command } from '../command.js';
import { writeFilesAtomically, type Io } from '../io.js';
import { readProgram } from '../program-arg.js';

export const asmCommand: Command = {
  name: 'asm',
  summary: 'assemble a program to its binary form (or check it)',
  usage: `tpusim asm FILE [-o OUT] [--json]

  Assembles FILE (see docs/chip.md for the assembly language). With -o, writes the binary program to
  OUT; without, checks the program and prints a summary. --json prints the program as JSON.
  Instructions: ${Object.values(OPS)
    .map((o) => o.mnemonic)
    .join(', ')} (and read_host, write_host, convolve).`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('asm', argv, {
      output: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('asm needs one program file; see tpusim asm --help');
    const { output: out } = outputPaths(values, ['output']);
    const program = readProgram(positionals[0]!);
    const bytes = encodeProgram(program);
    if (out) writeFilesAtomically([{ path: out, content: bytes, option: '-o' }]);
    if (values['json']) {
      const { source: _source, ...rest } = program;
      printJson(io, 'program', { program: rest, bytes: bytes.length });
    } else {
      io.out(
        `${positionals[0]}: ${program.instructions.length} instructions, ${program.buffers.length} buffers, ` +
          `${bytes.length} bytes${out ? `; wrote ${out}` : ''}`,
      );
      if (!out) io.out(disassemble(program));
    }
    return 0;
  },
};

export const disasmCommand: Command = {
  name: 'disasm',
  summary: 'print a program (binary or assembly) as canonical assembly',
  usage:
    'tpusim disasm FILE\n\n  Reads a binary program (from tpusim asm -o) or assembly and prints it as canonical ' +
    'assembly,\n  which assembles back to the same program.',
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('disasm', argv, {});
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('disasm needs one program file; see tpusim disasm --help');
    io.out(disassemble(readProgram(positionals[0]!)));
    return 0;
  },
};
