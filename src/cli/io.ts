/**
 * The CLI's contact with the machine: reading inputs, writing outputs without leaving half-written
 * files, and the text streams. Commands receive an `Io` so tests can capture what they print.
 */
import { readFileSync, statSync } from 'node:fs';
import { TpusimError } from '../index.js';
import { noteInput, writeOutputs, type OutputFile, type OwnedFolder } from './output-files.js';

export { startRun, type OutputFile, type OwnedFolder } from './output-files.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export function readTextFile(path: string, what: string): string {
  try {
    if (statSync(path).isDirectory()) throw new TpusimError('bad_file', `${what} '${path}' is a directory, not a file`);
    const text = readFileSync(path, 'utf8');
    noteInput(path);
    return text;
  } catch (error) {
    if (error instanceof TpusimError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${code ?? String(error)})`;
    throw new TpusimError('bad_file', `${what} '${path}' ${reason}`);
  }
}

export function fileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Writes all files or none, through the CLI's one output path (output-files.ts): never onto an input of
 * the run or anything but a regular file, never two outputs on one path; `owned` folders (a program's
 * weights) are replaced as a whole.
 */
export function writeFilesAtomically(files: readonly OutputFile[], owned: readonly OwnedFolder[] = []): void {
  writeOutputs(files, owned);
}

/** A chart an option asked for: where it goes (absent: not asked for) and how to draw it. */
export interface ChartFile {
  readonly path: string | undefined;
  draw(): string;
}

/** Draws the charts asked for and writes them all or none (writeFilesAtomically). */
export function writeCharts(charts: readonly ChartFile[]): void {
  writeFilesAtomically(charts.flatMap((c) => (c.path === undefined ? [] : [{ path: c.path, content: c.draw() }])));
}
