/**
 * Tensors in and out of a program's buffers as NumPy arrays. Integer and fp16/fp32 buffers take the
 * matching NumPy dtype exactly; bf16 and fp8 (which NumPy lacks) take float32 arrays, rounded to
 * nearest even into the buffer's format, and come back as float32 (exactly).
 */
import { issue, type Issue, type Result } from '../../core/errors.js';
import { NUMBER_FORMATS, type NumberFormatName } from '../../core/number-formats.js';
import { decodeNpy, type NpyArray, type NpyDtype } from '../../core/npy.js';
import type { BufferDecl, Program } from '../../isa/types.js';

const NPY_OF: Readonly<Record<NumberFormatName, NpyDtype>> = {
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  int32: 'int32',
  fp16: 'float16',
  fp32: 'float32',
  bf16: 'float32',
  'fp8-e4m3': 'float32',
  'fp8-e5m2': 'float32',
};

/** The NumPy dtype a buffer of `format` is read from and written as. */
export function npyDtypeFor(format: NumberFormatName): NpyDtype {
  return NPY_OF[format];
}

/** Values for a buffer from an array, checking dtype and shape against the buffer's declaration. */
export function valuesFromNpy(array: NpyArray, buffer: BufferDecl, file: string): Result<Float64Array> {
  if (!buffer.dtype || !buffer.shape)
    return {
      ok: false,
      issues: [issue('untyped_buffer', file, `buffer '${buffer.name}' has no shape= and dtype=, so it takes no input`)],
    };
  const issues = [];
  const want = npyDtypeFor(buffer.dtype);
  if (array.dtype !== want)
    issues.push(
      issue(
        'bad_dtype',
        file,
        `dtype ${array.dtype} does not fit buffer '${buffer.name}' (${buffer.dtype}); give ${want}`,
      ),
    );
  if (array.shape.join('x') !== buffer.shape.join('x'))
    issues.push(
      issue(
        'bad_shape',
        file,
        `shape (${array.shape.join(', ')}) does not match buffer '${buffer.name}' (${buffer.shape.join(', ')})`,
      ),
    );
  if (issues.length > 0) return { ok: false, issues };
  const values =
    array.dtype === 'float16'
      ? Float64Array.from(array.data, (bits) => NUMBER_FORMATS.fp16.decode(bits))
      : Float64Array.from(array.data);
  return { ok: true, value: values };
}

/** A buffer's values as an array for saving. */
export function npyFromValues(
  values: ArrayLike<number>,
  format: NumberFormatName,
  shape: readonly number[],
): { dtype: NpyDtype; shape: readonly number[]; data: ArrayLike<number> } {
  return { dtype: npyDtypeFor(format), shape, data: values };
}

/**
 * Reads a file's bytes, or gives undefined when there is no such file. Library code has no file
 * system: the CLI passes Node's, a browser its fetched files, a test a map.
 */
export type ReadFileBytes = (path: string) => Uint8Array | undefined;

/** `file` relative to `baseDir` (an absolute path stays as it is). */
export function initPath(baseDir: string, file: string): string {
  if (/^([A-Za-z]:)?[\\/]/.test(file) || baseDir === '' || baseDir === '.') return file;
  return `${baseDir.replace(/[\\/]+$/, '')}/${file}`;
}

/**
 * The values of every `.init` buffer, read from its .npy file (relative to `baseDir`, the program
 * file's folder), keyed by buffer name as `runProgram`'s `inputs` take them; buffers named in `skip`
 * (given explicitly by the caller) are left out. Every problem is reported.
 */
export function loadProgramInit(
  program: Program,
  baseDir: string,
  readFile: ReadFileBytes,
  skip: readonly string[] = [],
): Result<Record<string, Float64Array>> {
  const values: Record<string, Float64Array> = {};
  const issues: Issue[] = [];
  for (const init of program.init ?? []) {
    if (skip.includes(init.buffer)) continue;
    const path = initPath(baseDir, init.file);
    const buffer = program.buffers.find((b) => b.name === init.buffer);
    if (!buffer) {
      issues.push(issue('no_buffer', path, `.init names buffer '${init.buffer}', which the program does not declare`));
      continue;
    }
    const bytes = readFile(path);
    if (!bytes) {
      issues.push(
        issue(
          'no_init_file',
          path,
          `the .init file of buffer '${init.buffer}' does not exist ('${init.file}', relative to the program)`,
        ),
      );
      continue;
    }
    const array = decodeNpy(bytes, path);
    const loaded = array.ok ? valuesFromNpy(array.value, buffer, path) : array;
    if (loaded.ok) values[init.buffer] = loaded.value;
    else issues.push(...loaded.issues);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: values };
}
