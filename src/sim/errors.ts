import { TpusimError, type ErrorOptions } from '../core/errors.js';

/** A request the simulator cannot run (bad shape, operand sizes, unsupported format) or an internal hazard. */
export class SimError extends TpusimError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'SimError';
  }
}
