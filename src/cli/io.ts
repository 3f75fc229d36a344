/**
 * The CLI's contact with the machine: reading inputs, writing outputs without leaving half-written
 * files, and the text streams. Commands receive an `Io` so tests can capture what they print.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TpusimError } from '../index.js';

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
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof TpusimError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(error)})`;
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
 * Writes all files or none: each goes to a temporary name first and is renamed into place only after
 * every file has been written.
 */
export function writeFilesAtomically(files: ReadonlyArray<{ readonly path: string; readonly content: string | Uint8Array }>): void {
  const staged: Array<{ temp: string; path: string }> = [];
  try {
    for (const file of files) {
      mkdirSync(dirname(file.path), { recursive: true });
      const temp = join(dirname(file.path), `.${process.pid}.${staged.length}.tpusim-tmp`);
      writeFileSync(temp, file.content);
      staged.push({ temp, path: file.path });
    }
    for (const { temp, path } of staged) renameSync(temp, path);
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    const message = error instanceof Error ? error.message : String(error);
    throw new TpusimError('write_failed', `could not write output: ${message}`);
  }
}
