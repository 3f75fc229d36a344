/**
 * `tpusim`: dispatches to a command, turns every error into a message and an exit code.
 * Exit codes: 0 success, 1 failure (bad input file, failed check), 2 usage error, 70 internal error.
 */
import { TpusimError, formatIssues, unknownNameMessage } from '../index.js';
import { UsageError } from './args.js';
import type { Command } from './command.js';
import { chipCommand, chipsCommand } from './commands/chips.js';
import { gemmCommand } from './commands/gemm.js';
import { scalesimCommand } from './commands/scalesim.js';
import { asmCommand, disasmCommand } from './commands/asm.js';
import { runCommand } from './commands/run.js';
import { compileCommand } from './commands/compile.js';
import { modelsCommand } from './commands/models.js';
import { compareCommand, estimateCommand } from './commands/estimate.js';
import { tourCommand } from './commands/tour.js';
import { trainCommand } from './commands/train.js';
import { inferCommand, reliabilityCommand } from './commands/infer.js';
import { costCommand } from './commands/cost.js';
import { tcoCommand } from './commands/tco.js';
import { fabCommand } from './commands/fab.js';
import { uiCommand } from './commands/ui.js';
import { exploreCommand } from './commands/explore.js';
import { processIo, startRun, type Io } from './io.js';

const COMMANDS: readonly Command[] = [
  tourCommand,
  chipsCommand,
  chipCommand,
  modelsCommand,
  gemmCommand,
  scalesimCommand,
  asmCommand,
  disasmCommand,
  compileCommand,
  runCommand,
  estimateCommand,
  compareCommand,
  trainCommand,
  inferCommand,
  reliabilityCommand,
  costCommand,
  tcoCommand,
  fabCommand,
  exploreCommand,
  uiCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `tpusim: a workbench for designing TPU-style AI accelerators

usage: tpusim <command> [options]     (tpusim <command> --help for details)

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Chips are named by a preset (tpusim chips) or a .json/.yaml file. 1 MAC = 2 ops in every report.`;
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out('tpusim 0.1.0');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command)
      throw new UsageError(
        `${unknownNameMessage(
          'command',
          name,
          COMMANDS.map((c) => c.name),
        )}; see tpusim --help`,
      );
    startRun();
    return await command.run(rest, io);
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.err(`tpusim: ${error.message}`);
    return 2;
  }
  if (error instanceof TpusimError) {
    const issues =
      error.issues.length > 0 && !error.message.includes(error.issues[0]!.message)
        ? `\n${formatIssues(error.issues)}`
        : '';
    io.err(`tpusim: ${error.message}${issues}`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`tpusim: internal error: ${message}\nThis is a bug in tpusim; please report it with the command you ran.`);
  if (process.env['TPUSIM_DEBUG'] && error instanceof Error && error.stack) io.err(error.stack);
  return 70;
}
