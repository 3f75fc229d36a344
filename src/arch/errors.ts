import { TpusimError, type ErrorOptions } from '../core/errors.js';

/** A chip description that cannot be used: unknown preset, unparsable file, invalid fields. */
export class ArchError extends TpusimError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ArchError';
  }
}
