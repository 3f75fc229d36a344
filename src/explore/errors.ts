import { TpusimError, type ErrorOptions } from '../core/errors.js';

/** A sweep that cannot be compiled: unparsable or invalid spec, unknown knob paths, bad expressions. */
export class ExploreError extends TpusimError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ExploreError';
  }
}
