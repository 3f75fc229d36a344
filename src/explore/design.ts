/**
 * From a validated sweep spec to designs: the base chip, where each knob and derived rule writes, and the
 * checks that need the chip (paths that exist, expressions over known knobs, a valid chip at the knobs'
 * extremes). A design is the base with the knobs' values written in, named `<sweep>-design`; its
 * published TDP, idle power and die area are the base silicon's, not the design's, so a design's TDP is
 * its modelled peak power (cost/chip-power.ts chipPower) with static power at STATIC_SHARE_OF_TDP of it.
 * A base's sustained clock keeps its ratio to the clock (it folds in the base's power capping and kernel losses).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { CHIP_PRESETS } from '../arch/presets/index.js';
import { validateChip } from '../arch/validate.js';
import { issue, type Issue, type Result } from '../core/errors.js';
import { STATIC_SHARE_OF_TDP } from '../model/estimate.js';
import { chipPower } from '../cost/chip-power.js';
import { compileExpression, type Evaluator } from './expression.js';
import { knobExtremes, knobOrdinal, parseFieldPath, pathExists, pathWriter, type KnobValue } from './knobs.js';
import type { SweepSpec } from './sweep-spec.js';

type PathKeys = readonly (string | number)[];

export interface PreparedSweep {
  readonly spec: SweepSpec;
  readonly base: ChipSpec;
  /** Per knob: the parsed chip path it writes, if it is a chip knob. */
  readonly knobPaths: readonly (PathKeys | undefined)[];
  readonly derived: ReadonlyArray<{ readonly keys: PathKeys; readonly evaluate: Evaluator }>;
  /** Whether a knob or rule sets technology.tdpW itself. */
  readonly setsTdp: boolean;
  /** Writes the chip knobs' values, then the derived rules', into a chip. */
  readonly write: (base: ChipSpec, values: readonly KnobValue[]) => ChipSpec;
}

const TECHNOLOGY_OF_BASE = ['tdpW', 'idleW', 'dieAreaMm2'] as const;

/** The values the chip knobs, then the derived rules, write (in prepared.write's path order). */
export function writtenValues(prepared: PreparedSweep, values: readonly KnobValue[]): KnobValue[] {
  const written: KnobValue[] = [];
  prepared.knobPaths.forEach((keys, i) => {
    if (keys) written.push(values[i]!);
  });
  if (prepared.derived.length > 0) {
    const numbers = values.map((v, i) => knobOrdinal(prepared.spec.knobs[i]!.range, v));
    for (const rule of prepared.derived) written.push(rule.evaluate(numbers));
  }
  return written;
}

/** A design's sustained clock: the base's ratio of sustained to nominal clock, at the design's clock. */
export const scaledSustainedClockHz = (prepared: PreparedSweep, sustainedHz: number, clockHz: number): number =>
  (sustainedHz / prepared.base.clockHz) * clockHz;

/** The design chip for written values (see writtenValues). */
export function designFromWritten(prepared: PreparedSweep, written: readonly KnobValue[]): ChipSpec {
  const chip = prepared.write(prepared.base, written);
  // Built without `delete`, which would turn the object into a slow dictionary in V8.
  const technology: Record<string, number> = {};
  for (const [key, value] of Object.entries(chip.technology ?? {})) {
    if (!(TECHNOLOGY_OF_BASE as readonly string[]).includes(key) || (key === 'tdpW' && prepared.setsTdp))
      technology[key] = value;
  }
  const sustained = prepared.base.technology?.sustainedClockHz;
  if (sustained !== undefined && technology['sustainedClockHz'] === sustained)
    technology['sustainedClockHz'] = scaledSustainedClockHz(prepared, sustained, chip.clockHz);
  return { ...chip, name: `${prepared.spec.name}-design`, technology, citations: {} };
}

/** The design chip for knob values (in knob order), without a TDP unless a knob sets one (see withModelledTdp). */
export function designChip(prepared: PreparedSweep, values: readonly KnobValue[]): ChipSpec {
  return designFromWritten(prepared, writtenValues(prepared, values));
}

/**
 * The design with its TDP set to its modelled peak power (static power at STATIC_SHARE_OF_TDP of it),
 * unless it has one. Only power and energy depend on it, so evaluation adds it when they are asked for
 * (it costs more than the rest of a GEMM design point).
 */
export function withModelledTdp(chip: ChipSpec): ChipSpec {
  if (chip.technology?.tdpW !== undefined) return chip;
  return { ...chip, technology: { ...chip.technology, tdpW: chipPower(chip).peakW / (1 - STATIC_SHARE_OF_TDP) } };
}

function checkPath(path: string, where: string, base: ChipSpec, issues: Issue[]): PathKeys | undefined {
  const keys = parseFieldPath(path);
  if (!keys) issues.push(issue('bad_path', where, `'${path}' is not a field path like cores[0].matrixUnits[0].rows`));
  else if (!pathExists(base, keys)) issues.push(issue('unknown_path', where, `${base.name} has no field '${path}'`));
  return keys;
}

/**
 * The chip at the knobs' lowest and at their highest values must be a valid chip, so that the ranges fit
 * the chip schema; a problem at a knob's or rule's own field is reported there (an unknown leaf field too).
 */
function checkCorners(prepared: PreparedSweep, issues: Issue[]): void {
  const owners = new Map<string, string>();
  for (const k of prepared.spec.knobs) if (k.target.kind === 'chip') owners.set(k.target.path, `knobs.${k.name}.path`);
  for (const r of prepared.spec.derived) owners.set(r.path, `derived.${r.path}`);
  const seen = new Set<string>();
  for (const [corner, pick] of [
    ['lowest', 0],
    ['highest', 1],
  ] as const) {
    const values = prepared.spec.knobs.map((k) => knobExtremes(k)[pick]);
    for (const i of validateChip(designChip(prepared, values))) {
      const owner = owners.get(i.path);
      const found = owner
        ? issue(i.code, owner, `${i.message} (at the knobs' ${corner} values)`)
        : issue(i.code, `knobs (${corner} values) -> ${i.path}`, i.message);
      const key = `${found.path}|${i.message}`;
      if (!seen.has(key)) issues.push(found);
      seen.add(key);
    }
  }
}

/** Resolves the spec against its base chip: every issue with its path, or the prepared sweep. */
export function prepareSweep(spec: SweepSpec): Result<PreparedSweep> {
  const issues: Issue[] = [];
  const base = CHIP_PRESETS[spec.base]!;
  const names = spec.knobs.map((k) => k.name);
  const knobPaths = spec.knobs.map((k) =>
    k.target.kind === 'chip' ? checkPath(k.target.path, `knobs.${k.name}.path`, base, issues) : undefined,
  );
  const derived: Array<{ keys: PathKeys; evaluate: Evaluator }> = [];
  for (const rule of spec.derived) {
    const keys = checkPath(rule.path, `derived.${rule.path}`, base, issues);
    const evaluate = compileExpression(rule.expr, names);
    if (typeof evaluate === 'string') issues.push(issue('bad_expression', `derived.${rule.path}`, evaluate));
    else if (keys) derived.push({ keys, evaluate });
  }
  const stringKnobs = spec.knobs
    .filter((k) => k.range.kind === 'values' && k.range.values.some((v) => typeof v === 'string'))
    .map((k) => k.name);
  for (const rule of spec.derived) {
    const used = stringKnobs.filter((n) => new RegExp(`\\b${n}\\b`).test(rule.expr));
    if (used.length > 0)
      issues.push(issue('bad_expression', `derived.${rule.path}`, `uses ${used.join(', ')}, whose values are strings`));
  }
  const tdp = (p: string): boolean => p === 'technology.tdpW';
  const setsTdp =
    spec.knobs.some((k) => k.target.kind === 'chip' && tdp(k.target.path)) || spec.derived.some((r) => tdp(r.path));
  if (issues.length > 0) return { ok: false, issues };
  const write = pathWriter([...knobPaths.filter((k): k is PathKeys => k !== undefined), ...derived.map((r) => r.keys)]);
  const prepared: PreparedSweep = { spec, base, knobPaths, derived, setsTdp, write };
  checkCorners(prepared, issues);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: prepared };
}
