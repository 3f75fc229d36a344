/**
 * compileSweep: spec text -> a sweep that any worker can evaluate chunk by chunk (sweep-types.ts). The
 * hash covers the normalised spec (defaults filled in, units resolved), so two spellings of one sweep
 * share it; point i's knob values depend on (spec, seed, i) alone. An NSGA-II sweep's point
 * g x population + i is individual i of generation g's candidates; generations are computed in order
 * and kept, so its chunks too are the same however they are cut.
 */
import { formatIssues, issue, type Result } from '../core/errors.js';
import { ExploreError } from './errors.js';
import { checkChunk, columnEvaluator } from './columns.js';
import { createWorkloadCache, evaluateChip, type Evaluation } from './evaluate.js';
import { prepareSweep, type PreparedSweep } from './design.js';
import { designFactory } from './design-factory.js';
import { fnv1a64 } from './hash.js';
import { knobLevels, knobOrdinal, levelValue, unitValue, type KnobValue } from './knobs.js';
import {
  nsga2Advance,
  nsga2Initial,
  nsga2Offspring,
  nsga2Start,
  type Nsga2Fitness,
  type Nsga2Options,
  type Nsga2State,
} from './nsga2.js';
import { gridLevels, lhsPoint, randomPoint, sobolShifts, sobolVector } from './samplers.js';
import { SOBOL_MAX_DIMS } from './sobol.js';
import { parseSweepSpec, type SweepSpec } from './sweep-spec.js';
import type { CompiledSweep, DesignRow } from './sweep-types.js';

/** The runner's contract plus what the pure API adds: the spec, single designs, NSGA-II state. */
export interface ExploreSweep extends CompiledSweep {
  readonly spec: SweepSpec;
  readonly prepared: PreparedSweep;
  /** Knob values (in knobNames order) of point `index`. */
  pointValues(index: number): KnobValue[];
  /** Evaluates explicit knob values (tornado, re-checks); `index` is only copied into the row. */
  evaluateValues(values: readonly KnobValue[], index?: number): DesignRow;
  /** NSGA-II sweeps: the state after `generation` (0-based), computed on demand. */
  nsga2State?(generation: number): Nsga2State;
}

/** A point's violation for NSGA-II: constraint overshoots relative to their limits, 1e6 for a refused workload. */
function violationOf(spec: SweepSpec, row: DesignRow): number {
  if (row.feasible) return 0;
  return row.reasons.length * (spec.objectives.every((o) => row.objectives[o.name] !== undefined) ? 1 : 1e6);
}

function toRow(index: number, names: readonly string[], values: readonly KnobValue[], e: Evaluation): DesignRow {
  const knobs: Record<string, KnobValue> = {};
  names.forEach((n, i) => (knobs[n] = values[i]!));
  return { index, knobs, feasible: e.feasible, reasons: e.reasons, objectives: e.objectives };
}

interface NsgaGeneration {
  readonly state: Nsga2State;
  readonly candidates: readonly (readonly number[])[];
  readonly rows: readonly DesignRow[];
}

/** NSGA-II generations computed in order on demand and kept: generation g's rows are points g x population + i. */
function nsgaGenerations(
  spec: SweepSpec,
  options: Nsga2Options,
  evaluate: (u: readonly number[], index: number) => DesignRow,
): (g: number) => NsgaGeneration {
  const generations: NsgaGeneration[] = [];
  const fitness = (row: DesignRow): Nsga2Fitness => ({
    objectives: spec.objectives.map((o) => (o.direction === 'max' ? -1 : 1) * (row.objectives[o.name] ?? Infinity)),
    violation: violationOf(spec, row),
  });
  return (g) => {
    while (generations.length <= g) {
      const previous = generations[generations.length - 1];
      const candidates = previous ? nsga2Offspring(previous.state, options) : nsga2Initial(spec.knobs.length, options);
      const rows = candidates.map((u, i) => evaluate(u, generations.length * options.population + i));
      const state = previous
        ? nsga2Advance(previous.state, candidates, rows.map(fitness), options)
        : nsga2Start(candidates, rows.map(fitness));
      generations.push({ state, candidates, rows });
    }
    return generations[g]!;
  };
}

function samplerCount(spec: SweepSpec): number {
  if (spec.nsga2) return spec.nsga2.population * spec.nsga2.generations;
  if (spec.sampler.kind !== 'grid') return spec.sampler.points!;
  const all = spec.knobs.reduce((n, k) => n * knobLevels(k.range), 1);
  return Math.min(all, spec.sampler.points ?? all);
}

/** Parses, validates and resolves a sweep; every problem as an issue with its path. */
export function parseSweep(specText: string, fileName = 'sweep'): Result<ExploreSweep> {
  const parsed = parseSweepSpec(specText, fileName);
  if (!parsed.ok) return parsed;
  const spec = parsed.value;
  if (spec.sampler.kind === 'sobol' && spec.knobs.length > SOBOL_MAX_DIMS) {
    return {
      ok: false,
      issues: [
        issue(
          'too_big',
          'knobs',
          `the Sobol sampler has ${SOBOL_MAX_DIMS} dimensions, the sweep ${spec.knobs.length} knobs`,
        ),
      ],
    };
  }
  const prepared = prepareSweep(spec);
  if (!prepared.ok) return prepared;
  return { ok: true, value: buildSweep(spec, prepared.value) };
}

/** Throwing variant: the compiled sweep, or an ExploreError listing every issue. */
export function compileSweep(specText: string, fileName = 'sweep'): ExploreSweep {
  const result = parseSweep(specText, fileName);
  if (!result.ok)
    throw new ExploreError('invalid_sweep', `${fileName} is not a valid sweep:\n${formatIssues(result.issues)}`, {
      issues: result.issues,
    });
  return result.value;
}

function buildSweep(spec: SweepSpec, prepared: PreparedSweep): ExploreSweep {
  const knobNames = spec.knobs.map((k) => k.name);
  const levels = spec.knobs.map((k) => knobLevels(k.range));
  const count = samplerCount(spec);
  const cache = createWorkloadCache();
  const { seed } = spec.sampler;
  const shifts = spec.sampler.kind === 'sobol' ? sobolShifts(seed, spec.knobs.length) : [];
  const fromUnit = (u: readonly number[]): KnobValue[] => spec.knobs.map((k, d) => unitValue(k.range, u[d]!));
  const unitPoint = (index: number): readonly number[] => {
    switch (spec.sampler.kind) {
      case 'random':
        return randomPoint(seed, index, spec.knobs.length);
      case 'lhs':
        return lhsPoint(seed, index, count, spec.knobs.length);
      default:
        return sobolVector(seed, index, spec.knobs.length, shifts);
    }
  };
  const design = designFactory(prepared);
  const evaluateValues = (values: readonly KnobValue[], index = -1): DesignRow =>
    toRow(index, knobNames, values, evaluateChip(spec, design(values), 'design', values, cache));

  const nsga = spec.nsga2
    ? nsgaGenerations(spec, { population: spec.nsga2.population, seed: spec.nsga2.seed }, (u, index) =>
        evaluateValues(fromUnit(u), index),
      )
    : undefined;
  const generation = (g: number): NsgaGeneration => nsga!(g);
  const pointValues = (index: number): KnobValue[] => {
    if (spec.nsga2)
      return fromUnit(generation(Math.floor(index / spec.nsga2.population)).candidates[index % spec.nsga2.population]!);
    if (spec.sampler.kind === 'grid')
      return gridLevels(index, levels).map((l, d) => levelValue(spec.knobs[d]!.range, l));
    return fromUnit(unitPoint(index));
  };
  const evaluateChunk = (start: number, end: number): DesignRow[] => {
    checkChunk(start, end, count);
    const rows: DesignRow[] = [];
    for (let i = start; i < end; i++) {
      if (spec.nsga2) rows.push(generation(Math.floor(i / spec.nsga2.population)).rows[i % spec.nsga2.population]!);
      else rows.push(evaluateValues(pointValues(i), i));
    }
    return rows;
  };
  const evaluateColumns = columnEvaluator(prepared, count, evaluateValues);
  return {
    hash: fnv1a64(`tpusim-sweep-v1\n${JSON.stringify(spec)}`),
    count,
    knobNames,
    objectiveNames: spec.objectives.map((o) => o.name),
    evaluateChunk,
    ...(evaluateColumns ? { evaluateColumns } : {}),
    spec,
    prepared,
    pointValues,
    evaluateValues,
    ...(spec.nsga2 ? { nsga2State: (g: number) => generation(g).state } : {}),
  };
}

/** Knob values as numbers (enumerated strings: their position), for correlations. */
export function knobNumbers(sweep: ExploreSweep, row: DesignRow): number[] {
  return sweep.spec.knobs.map((k) => knobOrdinal(k.range, row.knobs[k.name]!));
}
