/**
 * Fuzz failures already reported to the engineers who own the code (issue 13), so the suite stays green
 * while they are fixed and fails on anything new. Each entry matches a failure by command and a pattern
 * over its problem, message and top frame; remove an entry once its fix lands (the suite prints the
 * entries it no longer sees).
 */
import type { Failure } from './report.js';

export interface KnownFailure {
  readonly command: RegExp;
  readonly pattern: RegExp;
  readonly owner: string;
}

export const KNOWN_FAILURES: readonly KnownFailure[] = [];

export function matches(k: KnownFailure, f: Failure): boolean {
  return k.command.test(f.command) && k.pattern.test(`${f.problem}\n${f.message}\n${f.frame}`);
}

export function isKnown(f: Failure): boolean {
  return KNOWN_FAILURES.some((k) => matches(k, f));
}
