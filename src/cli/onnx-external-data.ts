/**
 * Reading an ONNX model's external data (weights in a side file) from disk: only the bytes of the tensor
 * asked for, from a file in the model's folder. The library has already refused absolute locations and
 * `..`; the resolved path is checked again here so no location can reach outside the folder.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { ExternalDataReader, ExternalDataRef, Result } from '../index.js';
import { noteInput } from './output-files.js';

const failure = (ref: ExternalDataRef, code: string, message: string): Result<Uint8Array> => ({
  ok: false,
  issues: [{ code, path: ref.tensor, message }],
});

function openReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'does not exist'
    : code === 'EACCES'
      ? 'cannot be read (permission denied)'
      : `cannot be read (${code ?? String(error)})`;
}

/** A reader of the external data files beside `modelPath`. */
export function externalDataReader(modelPath: string): ExternalDataReader {
  const folder = resolve(dirname(modelPath));
  return (ref) => {
    const path = resolve(folder, ref.location);
    const inside = relative(folder, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
      return failure(
        ref,
        'unsafe_location',
        `external data location '${ref.location}' lies outside the model's folder ${folder}`,
      );
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      return failure(ref, 'external_data', `external data file '${ref.location}' (${path}) ${openReason(error)}`);
    }
    try {
      return readRange(ref, path, fd);
    } finally {
      closeSync(fd);
    }
  };
}

function readRange(ref: ExternalDataRef, path: string, fd: number): Result<Uint8Array> {
  const stats = fstatSync(fd);
  if (!stats.isFile())
    return failure(ref, 'external_data', `external data file '${ref.location}' (${path}) is not a regular file`);
  const end = ref.offset + ref.length;
  if (end > stats.size)
    return failure(
      ref,
      'external_data',
      `external data file '${ref.location}' (${path}) holds ${stats.size} bytes; the tensor needs bytes ` +
        `${ref.offset} to ${end}`,
    );
  const bytes = new Uint8Array(ref.length);
  for (let done = 0; done < ref.length; ) {
    const n = readSync(fd, bytes, done, ref.length - done, ref.offset + done);
    if (n === 0)
      return failure(
        ref,
        'external_data',
        `external data file '${ref.location}' (${path}) ended at byte ${ref.offset + done} while reading`,
      );
    done += n;
  }
  noteInput(path);
  return { ok: true, value: bytes };
}
