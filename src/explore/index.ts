/**
 * The design-space exploration API (pure, browser-safe): specs, samplers, evaluation, Pareto sets,
 * sensitivity, NSGA-II and the report against real chips. Runners (worker pools, stores, queues) build
 * on `compileSweep` and the contract in sweep-types.ts.
 */
export type { CompiledSweep, DesignRow, DesignColumns, ReasonCode } from './sweep-types.js';
export { columnRow, columnReasons } from './columns.js';
export {
  parseSweepSpec,
  validateSweepSpec,
  type SweepSpec,
  type KnobSpec,
  type KnobRange,
  type KnobTarget,
  type DerivedRule,
  type WorkloadSpec,
  type ObjectiveSpec,
  type ConstraintSpec,
  type SamplerKind,
  type MetricName,
} from './sweep-spec.js';
export {
  CHIP_METRICS,
  WORKLOAD_METRICS,
  MODEL_FIELDS,
  type ChipMetric,
  type WorkloadMetric,
  type ModelField,
} from './metrics.js';
export { compileSweep, parseSweep, knobNumbers, type ExploreSweep } from './compile-sweep.js';
export { ExploreError } from './errors.js';
export { designChip, prepareSweep, type PreparedSweep } from './design.js';
export { evaluateChip, createWorkloadCache, type Evaluation, type ChipRole, type WorkloadCache } from './evaluate.js';
export { knobLevels, levelValue, unitValue, knobOrdinal, type KnobValue } from './knobs.js';
export { gridLevels, randomPoint, lhsPoint, sobolVector, sobolShifts, permuteIndex } from './samplers.js';
export { sobolPoint, sobolInteger, SOBOL_MAX_DIMS } from './sobol.js';
export { parseQuantity } from './quantity.js';
export { compileExpression } from './expression.js';
export { fnv1a64 } from './hash.js';
export {
  paretoFront,
  hypervolume,
  kneePoint,
  nonDominatedSort,
  dominates,
  toMinimised,
  type Direction,
} from './pareto.js';
export { knobTornado, spearman, ranks, rankCorrelations, type KnobTornadoBar } from './sensitivity.js';
export {
  nsga2Initial,
  nsga2Start,
  nsga2Offspring,
  nsga2Advance,
  runNsga2,
  crowdingDistance,
  type Nsga2Options,
  type Nsga2State,
  type Nsga2Fitness,
  type Nsga2Individual,
} from './nsga2.js';
export { compareDesign, DEFAULT_REFERENCE_CHIPS, type DesignReport, type ChipComparison } from './best-design.js';
export { simulatorCheck, type SimulatorCheck, type SimulatorGap } from './sim-check.js';
