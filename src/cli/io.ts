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
  // A folder in a file's place is the one failure the renames would meet after others were done.
  const folder = files.find((f) => isFolder(f.path));
  if (folder) throw new TpusimError('write_failed', `could not write output '${folder.path}': it is a folder`);
  const staged: Array<{ temp: string; path: string }> = [];
  let current = '';
  try {
    for (const file of files) {
      current = file.path;
      mkdirSync(dirname(file.path), { recursive: true });
      const temp = join(dirname(file.path), `.${process.pid}.${staged.length}.tpusim-tmp`);
      staged.push({ temp, path: file.path });
      writeFileSync(temp, file.content);
    }
    for (const { temp, path } of staged) {
      current = path;
      renameSync(temp, path);
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw new TpusimError('write_failed', `could not write output '${current}': ${writeProblem(error)}`);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Why a write failed, in words, for the usual causes; the system's message otherwise. */
function writeProblem(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EISDIR') return 'it is a folder';
  if (e.code === 'ENOTDIR' || (e.code === 'EEXIST' && e.syscall === 'mkdir')) return `'${e.path ?? 'a parent'}' is a file, not a folder`;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'ENOSPC') return 'no space left on the device';
  return error instanceof Error ? error.message : String(error);
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
