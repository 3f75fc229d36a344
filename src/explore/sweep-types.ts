/**
 * The contract between a design-space sweep (explore/: spec, samplers, evaluation; pure and
 * browser-safe) and what runs it (the CLI's Node-only corner: worker pool, SQLite store, BullMQ queue).
 * A runner only needs this: a sweep rebuilt from its spec text is the same everywhere (same hash, same
 * points at the same indices), so any chunk [start, end) can be evaluated on any worker or machine.
 */

/** One evaluated design point: its knob values, whether it is feasible (with reasons if not) and its objectives. */
export interface DesignRow {
  /** Position in the sweep's sequence (sampler index; for NSGA-II: generation * population + i). */
  readonly index: number;
  /** Knob values by knob name (numbers, or strings for enumerated knobs). */
  readonly knobs: Readonly<Record<string, number | string>>;
  readonly feasible: boolean;
  /** Why the point is infeasible (empty when feasible). */
  readonly reasons: readonly string[];
  /** Objective values by objective name (NaN never; absent when infeasible before evaluation). */
  readonly objectives: Readonly<Record<string, number>>;
}

/** A sweep ready to evaluate: deterministic in (spec, seed, index). */
export interface CompiledSweep {
  /** Stable hash of the normalised spec (hex); job ids and resume checks use it. */
  readonly hash: string;
  /** Number of points an enumerating sampler yields (grid, random, lhs, sobol: the spec's `points`). */
  readonly count: number;
  readonly knobNames: readonly string[];
  readonly objectiveNames: readonly string[];
  /** Evaluate points start..end-1 (end exclusive), in index order. */
  evaluateChunk(start: number, end: number): DesignRow[];
  /**
   * The same points as columns, without an object per point; offered only by sweeps that can (GEMM
   * workloads, objectives and constraints from GEMM time and the chip's peak). Point start + i of the
   * columns is evaluateChunk's row i exactly (explore/columns.ts columnRow rebuilds it).
   */
  evaluateColumns?(start: number, end: number): DesignColumns;
}

/** Why a point is infeasible, as a code: a constraint's limit broken, or an objective without a value. */
export type ReasonCode =
  | { readonly kind: 'above-max' | 'below-min'; readonly constraint: number }
  | { readonly kind: 'no-objective'; readonly objective: number };

/** Points start..end-1 evaluated into typed arrays: entry i of every column is point start + i. */
export interface DesignColumns {
  readonly start: number;
  readonly end: number;
  /** Per knob (knobNames order): the value, or for a knob in `knobValues` the value's position there. */
  readonly knobs: readonly Float64Array[];
  /** Per knob: its list of values where the column holds positions (enumerated knobs with strings), else undefined. */
  readonly knobValues: readonly (readonly (number | string)[] | undefined)[];
  /** Per objective (objectiveNames order); NaN where the row has no value. */
  readonly objectives: readonly Float64Array[];
  /**
   * Per constraint (the spec's order): the value of its metric; NaN where it has none or the point's reasons are in
   * otherReasons.
   */
  readonly constraints: readonly Float64Array[];
  /** 1 where the point is feasible. */
  readonly feasible: Uint8Array;
  /** Bit b set where reasonCodes[b] applies; the row's reasons are the set bits' in bit order. */
  readonly reasonBits: Uint32Array;
  readonly reasonCodes: readonly ReasonCode[];
  /**
   * Points (by offset from start) whose reasons are not codes (a model's refusal): all of their reasons; no bits set.
   */
  readonly otherReasons: ReadonlyMap<number, readonly string[]>;
}
