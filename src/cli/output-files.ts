/**
 * The one way the CLI writes files (docs/reliability.md, "Output files"). Everything is checked before
 * the first byte is written: no output onto an input of the run, onto anything but a regular file, onto
 * a kernel pseudo-filesystem, or onto another output's path. Files are staged under temporary names and
 * renamed into place only when all are written; a failure puts back what was replaced and removes what
 * was staged, including the folders made for it.
 */
import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeSync,
  type BigIntStats,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { TpusimError } from '../index.js';

export interface OutputFile {
  readonly path: string;
  readonly content: string | Uint8Array;
  /** The option that named it (`--trace`), for messages. */
  readonly option?: string;
}

/**
 * A folder the run rewrites as a whole (a program's weights, `prog.s.data/`): its new content is the
 * output files inside it, and the old folder is swapped out, so no stale file stays behind. It is
 * replaced only if it holds nothing but regular files whose names end in `holds` (what tpusim writes).
 */
export interface OwnedFolder {
  readonly path: string;
  readonly holds: string;
}

interface Input {
  readonly path: string;
  readonly real: string;
}

/** The files this run has read, by device and inode, so hard links and symlinks to them are caught too. */
const inputs = new Map<string, Input>();

/** Forgets the inputs of the previous run (main calls it before each command). */
export function startRun(): void {
  inputs.clear();
}

/** Records a file the run read; writing onto it later is refused. */
export function noteInput(path: string): void {
  try {
    inputs.set(fileKey(statSync(path, { bigint: true })), { path, real: realpathSync(path) });
  } catch {
    // A file that cannot be stat'ed was not read.
  }
}

const fileKey = (s: BigIntStats): string => `${s.dev}:${s.ino}`;

const fail = (path: string, reason: string): TpusimError =>
  new TpusimError('write_failed', `could not write output '${path}': ${reason}`);

/** Kernel filesystems whose files are not data (statfs f_type values, linux/magic.h). */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
]);

/** What is at a path, in words, when it is not a regular file. */
function kindOf(s: BigIntStats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isDirectory()) return 'a folder';
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'a special file';
}

/** Why tpusim will not replace what is at an output's path; undefined for a regular file. */
function targetProblem(s: BigIntStats): string | undefined {
  const kind = kindOf(s);
  if (kind === undefined) return undefined;
  if (s.isDirectory()) return 'it is a folder';
  if (s.isSymbolicLink())
    return 'it is a symbolic link (tpusim neither writes through links nor replaces them; name the file it points to)';
  return `it is ${kind}, not a regular file`;
}

function lstatOrUndefined(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fail(path, problem(error));
  }
}

/** Where an output lands: the folders to create (outermost first) and its real location, symlinks resolved. */
interface Location {
  readonly missing: readonly string[];
  readonly real: string;
  readonly existing: BigIntStats | undefined;
}

/**
 * The nearest existing folder above `path` must be a folder tpusim may write in, on a real filesystem;
 * the folders below it are made one at a time (a recursive mkdir spins forever under /proc).
 */
function locate(path: string, shown: string): Location {
  const missing: string[] = [];
  let dir = dirname(path);
  for (;;) {
    let s: ReturnType<typeof statSync>;
    try {
      s = statSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(dir) !== dir) {
        missing.unshift(dir);
        dir = dirname(dir);
        continue;
      }
      throw fail(shown, problem(error));
    }
    if (!s.isDirectory()) throw fail(shown, `'${dir}' is a file, not a folder`);
    break;
  }
  const pseudo = pseudoFilesystem(dir);
  if (pseudo) throw fail(shown, `'${dir}' is on the kernel's ${pseudo} filesystem, which holds no files to write`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw fail(shown, `cannot create files in '${dir}' (${problem(error)})`);
  }
  let real: string;
  try {
    real = join(realpathSync(dir), relative(dir, path));
  } catch (error) {
    throw fail(shown, problem(error));
  }
  return { missing, real, existing: missing.length > 0 ? undefined : lstatOrUndefined(path) };
}

function pseudoFilesystem(dir: string): string | undefined {
  try {
    return PSEUDO_FILESYSTEMS.get(statfsSync(dir).type);
  } catch {
    const real = resolve(dir);
    return ['/proc', '/sys'].find((p) => real === p || real.startsWith(`${p}/`))?.slice(1);
  }
}

/** Refuses what is at an output's path unless it is a regular file that is not an input of this run. */
function checkTarget(shown: string, existing: BigIntStats | undefined): void {
  if (!existing) return;
  const kind = targetProblem(existing);
  if (kind) throw fail(shown, kind);
  const input = inputs.get(fileKey(existing));
  if (input)
    throw fail(
      shown,
      `it is ${input.path === shown ? 'an input' : `the input '${input.path}'`} of this run; writing it would ` +
        `destroy the input`,
    );
}

/** Early check of an output option's path, before the run computes anything. */
export function checkOutputPath(path: string, kind: 'file' | 'folder'): void {
  if (kind === 'file') {
    checkTarget(path, locate(path, path).existing);
    return;
  }
  const existing = lstatOrUndefined(path);
  if (existing && !existing.isDirectory() && !(existing.isSymbolicLink() && isDirectory(path))) {
    throw fail(
      path,
      existing.isFile() || existing.isSymbolicLink()
        ? `'${path}' is a file, not a folder`
        : `it is ${kindOf(existing)}, not a folder`,
    );
  }
  locate(join(path, 'x'), path);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Why a file operation failed, in words, for the usual causes; the system's message otherwise. */
function problem(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EISDIR') return 'it is a folder';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EROFS') return 'read-only file system';
  if (e.code === 'ENOSPC') return 'no space left on the device';
  if (e.code === 'EDQUOT') return 'disk quota exceeded';
  if (e.code === 'ENAMETOOLONG') return 'the name is too long for the file system';
  return error instanceof Error ? error.message : String(error);
}

const label = (f: OutputFile): string => (f.option ? `${f.option} '${f.path}'` : `'${f.path}'`);

/** No two outputs on one file, and no output where another needs a folder. */
function checkDistinct(planned: ReadonlyArray<{ file: OutputFile; at: Location }>): void {
  const byReal = new Map<string, OutputFile>();
  const byInode = new Map<string, OutputFile>();
  for (const { file, at } of planned) {
    const same = byReal.get(at.real) ?? (at.existing ? byInode.get(fileKey(at.existing)) : undefined);
    if (same) throw fail(file.path, `${label(same)} and ${label(file)} are the same file; give each its own path`);
    byReal.set(at.real, file);
    if (at.existing) byInode.set(fileKey(at.existing), file);
  }
  for (const { file, at } of planned) {
    for (const [real, other] of byReal) {
      if (at.real.startsWith(`${real}${sep}`))
        throw fail(
          file.path,
          `${label(other)} is written as a file, so it cannot also be the folder of ${label(file)}`,
        );
    }
  }
}

/** An owned folder may be swapped out only if tpusim could have written everything in it. */
function checkOwnedFolder(folder: OwnedFolder): BigIntStats | undefined {
  const existing = lstatOrUndefined(folder.path);
  if (!existing) return undefined;
  if (!existing.isDirectory())
    throw fail(folder.path, targetProblem(existing) ?? `'${folder.path}' is a file, not a folder`);
  const real = realpathSync(folder.path);
  for (const input of inputs.values()) {
    if (input.real.startsWith(`${real}${sep}`))
      throw fail(folder.path, `it holds the input '${input.path}' of this run, and tpusim replaces the whole folder`);
  }
  for (const name of readdirSync(folder.path)) {
    const s = lstatSync(join(folder.path, name));
    if (!s.isFile() || !name.endsWith(folder.holds))
      throw fail(
        folder.path,
        `it holds '${join(folder.path, name)}', which tpusim did not write; tpusim replaces the whole folder, so ` +
          `move that away first`,
      );
  }
  return existing;
}

/** What the commit did, undone in reverse order if a later step fails. */
type Undo = () => void;

/** Writes all files or none (see the file comment); folders in `owned` are replaced as a whole. */
export function writeOutputs(files: readonly OutputFile[], owned: readonly OwnedFolder[] = []): void {
  if (files.length === 0 && owned.length === 0) return;
  const inFolder = (f: OutputFile): OwnedFolder | undefined =>
    owned.find((o) => within(f.path, o.path) && resolve(f.path) !== resolve(o.path));
  const planned = files.map((file) => ({ file, at: locate(file.path, file.path) }));
  for (const { file, at } of planned) if (!inFolder(file)) checkTarget(file.path, at.existing);
  checkDistinct(planned);
  const folders = owned.map((o) => {
    const old = guarded(o.path, () => checkOwnedFolder(o));
    return {
      o,
      old: old !== undefined,
      staged: join(dirname(o.path), `.tpusim-${process.pid}-${basename(o.path)}.new`),
      backup: join(dirname(o.path), `.tpusim-${process.pid}-${basename(o.path)}.old`),
    };
  });
  const created: string[] = [];
  const temps = new Map<OutputFile, string>();
  const undo: Undo[] = [];
  const makeFolder = (dir: string): void => {
    try {
      mkdirSync(dir);
      created.push(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isDirectory(dir)) throw error;
    }
  };
  let current = '';
  try {
    for (const { file, at } of planned) {
      current = file.path;
      const folder = folders.find((f) => f.o === inFolder(file));
      // Folders inside an owned folder are made in its staged copy, never in place.
      for (const dir of at.missing) if (!folder || !within(dir, folder.o.path)) makeFolder(dir);
      const temp = folder
        ? join(folder.staged, relative(folder.o.path, file.path))
        : join(dirname(file.path), `.tpusim-${process.pid}-${temps.size}.tmp`);
      if (folder) for (const dir of foldersBetween(folder.staged, dirname(temp))) makeFolder(dir);
      else temps.set(file, temp);
      writeNewFile(temp, file.content);
    }
    for (const { file, at } of planned) {
      const temp = temps.get(file);
      if (temp === undefined) continue;
      current = file.path;
      undo.push(replaceFile(temp, file.path, at.existing !== undefined));
    }
    for (const f of folders) {
      current = f.o.path;
      undo.push(replaceFolder(f.staged, f.o.path, f.old, isDirectory(f.staged), f.backup));
    }
  } catch (error) {
    for (const step of undo.reverse()) attempt(step);
    for (const temp of temps.values()) attempt(() => rmSync(temp, { force: true }));
    for (const f of folders) attempt(() => rmSync(f.staged, { recursive: true, force: true }));
    for (const dir of created.reverse()) attempt(() => rmdirSync(dir));
    throw fail(current, problem(error));
  }
  for (const file of temps.keys()) attempt(() => rmSync(backupOf(file.path), { force: true }));
  for (const f of folders) attempt(() => rmSync(f.backup, { recursive: true, force: true }));
}

const within = (path: string, folder: string): boolean =>
  resolve(path) === resolve(folder) || resolve(path).startsWith(`${resolve(folder)}${sep}`);

/** The folders from `top` (exclusive of its parent) down to `dir`, outermost first. */
function foldersBetween(top: string, dir: string): string[] {
  const chain: string[] = [];
  for (let d = dir; d.startsWith(top); d = dirname(d)) chain.unshift(d);
  return chain;
}

const backupOf = (path: string): string => join(dirname(path), `.tpusim-${process.pid}-${basename(path)}.old`);

/** A new file (never an existing one: O_EXCL), flushed to disk before it is renamed into place. */
function writeNewFile(path: string, content: string | Uint8Array): void {
  const fd = openSync(path, 'wx', 0o666);
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Renames the staged file into place, keeping a hard link (or copy) of the old one until all are done. */
function replaceFile(temp: string, path: string, existed: boolean): Undo {
  if (!existed) {
    renameSync(temp, path);
    return () => unlinkSync(path);
  }
  const backup = backupOf(path);
  try {
    linkSync(path, backup);
  } catch {
    copyFileSync(path, backup, constants.COPYFILE_EXCL);
  }
  renameSync(temp, path);
  return () => renameSync(backup, path);
}

function replaceFolder(staged: string, path: string, old: boolean, fresh: boolean, backup: string): Undo {
  if (old) renameSync(path, backup);
  try {
    if (fresh) renameSync(staged, path);
  } catch (error) {
    if (old) renameSync(backup, path);
    throw error;
  }
  return () => {
    if (fresh) renameSync(path, staged);
    if (old) renameSync(backup, path);
  };
}

/** A check's own file-system errors (permission denied on a folder it lists) as a clear refusal. */
function guarded<T>(path: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw error instanceof TpusimError ? error : fail(path, problem(error));
  }
}

/** Cleanup after a failure must not hide the failure. */
function attempt(step: () => void): void {
  try {
    step();
  } catch {
    // Best effort: the error being reported is the one that matters.
  }
}
