/**
 * Reading chip descriptions: a preset name, or JSON/YAML text. A file may start from a preset with
 * `base: tpu-v4` and override fields; objects merge key by key and arrays element by element.
 */
import { parseDocument } from 'yaml';
import { formatIssues, issue, type Result } from '../core/errors.js';
import { joinPath } from '../core/schema.js';
import type { ChipSpec } from './chip-spec.js';
import { ArchError } from './errors.js';
import { mergeInto } from './merge.js';
import { CHIP_PRESETS, chipPresetNames } from './presets/index.js';
import { parseChipSpec } from './validate.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Alias uses a YAML file may make (the yaml package's maxAliasCount): bounds what a few lines can expand to. */
export const MAX_YAML_ALIASES = 100;

/** Nesting a chip, system, cost book or config may have: far above any real one, far below the stack. */
export const MAX_NESTING_DEPTH = 64;

/**
 * Parses JSON (files named `.json`) or YAML and reports syntax errors with line and column. Documents
 * nested deeper than MAX_NESTING_DEPTH are refused, since every reader walks them recursively.
 */
export function parseStructuredText(text: string, fileName = 'input'): Result<unknown> {
  const parsed = parseText(text, fileName);
  if (!parsed.ok) return parsed;
  const depth = nestingDepth(parsed.value, MAX_NESTING_DEPTH);
  if (depth > MAX_NESTING_DEPTH)
    return {
      ok: false,
      issues: [
        issue(
          'too_deep',
          fileName,
          `values nested more than ${MAX_NESTING_DEPTH} levels deep; tpusim reads at most ${MAX_NESTING_DEPTH}`,
        ),
      ],
    };
  return parsed;
}

/** How deep arrays and objects nest in a parsed document, counted without recursion, up to limit + 1. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push({ value: child, depth: depth + 1 });
  }
  return deepest;
}

/**
 * The largest YAML text read (chip, system, cost-book and sweep files are a few kB; the yaml package takes
 * seconds on a few MB). JSON has no such limit beyond the work limits: it parses a hundred times faster.
 */
export const MAX_YAML_BYTES = 1 << 20;

function parseText(text: string, fileName: string): Result<unknown> {
  if (fileName.toLowerCase().endsWith('.json')) return parseJson(text, fileName);
  if (text.length > MAX_YAML_BYTES) {
    return {
      ok: false,
      issues: [
        issue(
          'too_big',
          fileName,
          `a YAML file of ${(text.length / 2 ** 20).toFixed(1)} MiB exceeds the ${MAX_YAML_BYTES / 2 ** 20} MiB ` +
            `limit for YAML; write it as JSON`,
        ),
      ],
    };
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `${fileName}:${pos.line}:${pos.col}` : fileName;
        return issue('syntax', where, e.message.split('\n')[0] ?? e.message);
      }),
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown };
  } catch (error) {
    // The yaml package throws a ReferenceError when aliases expand too far (a "billion laughs" file).
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      issues: [
        issue(
          'too_big',
          fileName,
          `YAML aliases expand too far (${message}); tpusim resolves at most ${MAX_YAML_ALIASES} alias uses per file`,
        ),
      ],
    };
  }
}

function parseJson(text: string, fileName: string): Result<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const where = `${fileName}:${before.length}:${before[before.length - 1]!.length + 1}`;
    return { ok: false, issues: [issue('syntax', where, message.replace(/ in JSON at position \d+.*$/, ''))] };
  }
}

export function isRecord(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function leafPaths(value: Json, path: string, out: string[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => leafPaths(v, joinPath(path, i), out));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) leafPaths(v, joinPath(path, k), out);
  else out.push(path);
}

/**
 * Applies a `base:` preset (chips here, systems in cluster/systems.ts): the preset with the file's fields
 * merged over it (objects key by key, arrays element by element); citations of overridden fields are
 * dropped since they no longer hold. `describe` words the error for an unknown base.
 */
export function applyPresetBase(
  raw: Record<string, Json>,
  presets: Readonly<Record<string, unknown>>,
  describe: (base: string) => string,
): Result<Record<string, Json>> {
  const { base, ...overrides } = raw;
  if (base === undefined) return { ok: true, value: raw };
  if (typeof base !== 'string' || !(base in presets)) {
    return {
      ok: false,
      issues: [issue('unknown_base', 'base', typeof base === 'string' ? describe(base) : 'expected a preset name')],
    };
  }
  const preset = presets[base] as Record<string, Json>;
  const merged = mergeInto(preset, { name: `${base}-custom`, ...overrides }) as Record<string, Json>;
  const changed: string[] = [];
  leafPaths(overrides, '', changed);
  const within = (inner: string, outer: string): boolean =>
    inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  const citations = preset['citations'];
  const kept = Object.entries(isRecord(citations) ? citations : {}).filter(
    ([p]) => !changed.some((c) => within(p, c) || within(c, p)),
  );
  if (overrides['citations'] === undefined) merged['citations'] = Object.fromEntries(kept);
  return { ok: true, value: merged };
}

const applyBase = (raw: Record<string, Json>): Result<Record<string, Json>> =>
  applyPresetBase(raw, CHIP_PRESETS, (base) => `unknown preset '${base}' (known: ${chipPresetNames().join(', ')})`);

/** A chip from JSON/YAML text: parse, apply `base`, validate. */
export function parseChip(text: string, fileName = 'chip'): Result<ChipSpec> {
  const parsed = parseStructuredText(text, fileName);
  if (!parsed.ok) return parsed;
  if (!isRecord(parsed.value))
    return { ok: false, issues: [issue('invalid_type', '', `${fileName}: expected a mapping of chip fields`)] };
  const based = applyBase(parsed.value);
  if (!based.ok) return based;
  const withVersion =
    isRecord(based.value) && based.value['schemaVersion'] === undefined
      ? { schemaVersion: 1, ...based.value }
      : based.value;
  return parseChipSpec(withVersion);
}

/** Throwing variant of `parseChip`. */
export function loadChip(text: string, fileName = 'chip'): ChipSpec {
  const result = parseChip(text, fileName);
  if (!result.ok)
    throw new ArchError('invalid_chip', `${fileName} is not a valid chip:\n${formatIssues(result.issues)}`, {
      issues: result.issues,
    });
  return result.value;
}
