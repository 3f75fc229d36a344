/**
 * The `tpusim/web` entry: the part of the public API (src/index.ts) that the browser UI (web/src) uses, and
 * nothing else; web/src imports only from here (test/public-api.test.ts checks both). Each name is
 * re-exported from the module that defines it, not through index.ts, so that a page's chunk holds only the
 * charts it draws and the analysis stays in the Web Worker's bundle.
 */
export { formatReadable, formatReadableSI, HOURS_PER_YEAR } from './core/units.js';
export { type ChipSpec, type Dataflow, DATAFLOWS, type MatrixInputFormat } from './arch/chip-spec.js';
export { peakOpsPerS, ridgePointOpsPerByte } from './arch/derive.js';
export { parseStructuredText } from './arch/load.js';
export { CHIP_PRESETS, chipPresetNames, getChipPreset } from './arch/presets/index.js';
export { validateChip } from './arch/validate.js';
export type { Graph } from './graph/types.js';
export { getZooEntry, MODEL_ZOO, zooModelNames } from './graph/zoo/index.js';
export { accumulationChunk } from './sim/systolic/operands.js';
export { firstDifference, randomOperands } from './sim/systolic/random-operands.js';
export { referenceGemm } from './sim/systolic/reference.js';
export { registerEngine } from './sim/systolic/register-engine.js';
export type { ArrayConfig, GemmStats } from './sim/systolic/types.js';
export { criticalPathCycles, estimateGraph } from './model/estimate.js';
export { validationFor } from './model/validation.js';
export { inferenceRate, type WorkloadRate } from './model/workload-rate.js';
export { reliabilityAtScale } from './cluster/reliability.js';
export { defaultServingSplit } from './cluster/serve-capacity-search.js';
export {
  defaultSchedule,
  evaluateRate,
  findCapacity,
  fixedWorkload,
  meanLengths,
  parseServingWorkload,
  servingMemory,
  type ServingSlo,
  type ServingWorkload,
  type SloPercentile,
} from './cluster/serve-capacity.js';
export { disaggregatedPoint } from './cluster/serve-disagg.js';
export { ACTIVATION_DTYPES, KV_DTYPES, type QuantizationOptions, WEIGHT_DTYPES } from './cluster/serve-quant.js';
export { scheduledPoint } from './cluster/serve-schedulers.js';
export { expectedTokensPerStep } from './cluster/serve-spec.js';
export { csvSamples, expandWorkloadValue } from './cluster/serve-workload.js';
export {
  batchSweep,
  maxBatch,
  servingContext,
  type ServingContext,
  servingPoint,
  servingPointFields,
  servingProblems,
} from './cluster/serve.js';
export { defaultServingEngine } from './cluster/serving-engines.js';
export { type Scheduler, SCHEDULERS } from './cluster/serving-sim.js';
export { getSystemPreset, SYSTEM_PRESETS, systemPresetNames } from './cluster/systems.js';
export { defaultGlobalBatch, defaultSeq, type PlanAxes, planTrainingRun } from './cluster/train-run.js';
export { chipsPerHost } from './cluster/training-rate.js';
export { type LayerShape, transformerModel, type TransformerModel } from './cluster/transformer.js';
export type { SystemSpec } from './cluster/types.js';
export { type AreaBreakdown, chipArea } from './cost/area.js';
export { buildVsBuy, type BuildVsBuyInput, type InputSwing, tornado } from './cost/build-vs-buy.js';
export { chipCost } from './cost/chip-cost.js';
export { chipPower, type ChipPowerModel, chipPowerModel, provisionedPowerW } from './cost/chip-power.js';
export { COST_SOURCES, type CostBook, CostTrace, DEFAULT_COST_BOOK } from './cost/costbook.js';
export { planSupply, SUPPLY_SCENARIOS } from './cost/fab.js';
export { DEFAULT_BUILD_VOLUME, ownerPrice } from './cost/owner-price.js';
export { splitChipHour, tcoPerChip, usdPerMillionTokens } from './cost/tco.js';
export { type ExploreSweep, parseSweep } from './explore/compile-sweep.js';
export { designChip } from './explore/design.js';
export { loadModel, type ModelSource } from './explore/models.js';
export { kneePoint, paretoFront } from './explore/pareto.js';
export { knobTornado, type KnobTornadoBar } from './explore/sensitivity.js';
export type { DesignRow } from './explore/sweep-types.js';
export { chipAreaSvg, chipCostBarsSvg } from './report/chip-charts.js';
export { goodputSvg, jobTopologySvg, memoryPerChipSvg, STEP_PARTS, stepTimeSvg } from './report/cluster-charts.js';
export { scaleChartSvg, stackedBarsSvg } from './report/cluster-svg.js';
export { buildVsBuyTornadoSvg, chipHourSvg, costWaterfallSvg, supplySharesSvg } from './report/economics-charts.js';
export {
  compareSvg,
  estimateEnergySvg,
  estimateRooflineSvg,
  estimateTimelineSvg,
  rooflinePoints,
  timedLayers,
} from './report/model-charts.js';
export { chipPowerSvg, powerBars } from './report/power-charts.js';
export { rooflineSvg } from './report/svg.js';
