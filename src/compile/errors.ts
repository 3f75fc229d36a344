import { TpusimError, type ErrorOptions } from '../core/errors.js';

/** A model the compiler cannot lower onto a chip: an unsupported op or layout, or too little memory. */
export class CompileError extends TpusimError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'CompileError';
  }
}
