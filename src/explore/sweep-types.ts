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
}
