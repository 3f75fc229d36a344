import { foldEngine } from './fold-engine.js';
import { registerEngine } from './register-engine.js';
import type { SystolicEngine } from './types.js';

/** Every systolic engine; each must pass the shared conformance suite. */
export const SYSTOLIC_ENGINES: Readonly<Record<SystolicEngine['name'], SystolicEngine>> = {
  register: registerEngine,
  fold: foldEngine,
};
