/** Reading a program file: binary (TPUP header) or assembly text. */
import { readFileSync } from 'node:fs';
import { assemble, decodeProgram, formatIssues, TpusimError, type Program } from '../index.js';
import { readTextFile } from './io.js';

export function readProgram(path: string): Program {
  readTextFile(path, 'program'); // existence and readability, with a friendly message
  const bytes = new Uint8Array(readFileSync(path));
  const isBinary = bytes[0] === 0x54 && bytes[1] === 0x50 && bytes[2] === 0x55 && bytes[3] === 0x50;
  const result = isBinary ? decodeProgram(bytes, path) : assemble(new TextDecoder().decode(bytes), path);
  if (!result.ok)
    throw new TpusimError(
      'bad_program',
      `${path}: ${result.issues.length} problem${result.issues.length > 1 ? 's' : ''}:\n${formatIssues(result.issues)}`,
      { issues: result.issues },
    );
  return result.value;
}
