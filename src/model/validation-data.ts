/** Written by `npm run validate` (scripts/validate.mjs) from validation/data; do not edit by hand. */
import type { ValidationSummary } from './validation.js';

export const VALIDATION_SUMMARY: ValidationSummary = { categories: [], overall: { all: { rows: 0, mape: 0, medianSpeedRatio: 0, within15: 0, within30: 0 }, heldOut: { rows: 0, mape: 0, medianSpeedRatio: 0, within15: 0, within30: 0 } } };
