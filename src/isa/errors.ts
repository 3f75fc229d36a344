import { TpusimError, type ErrorOptions } from '../core/errors.js';

/** A program that cannot be assembled, decoded or run on a chip. */
export class IsaError extends TpusimError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'IsaError';
  }
}
