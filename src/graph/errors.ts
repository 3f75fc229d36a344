import { TpusimError, type ErrorOptions } from '../core/errors.js';

/** A model that cannot be read or understood: unsupported op, bad shape, malformed file. */
export class GraphError extends TpusimError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'GraphError';
  }
}
