/**
 * tpusim's public library API. Everything a CLI command or the web UI uses is exported here by name.
 */
import * as units from './core/units.js';

export { TpusimError, formatIssues, nearestName, unknownNameMessage, type Issue, type Result } from './core/errors.js';
export { createRng, type Rng } from './core/rng.js';
export { parseDecimal, whyNotDecimal, firstNonFinite, nonFiniteProblem } from './core/parse-number.js';
export {
  CITATION_STATUSES,
  SOURCES,
  STATUS_RANK,
  cite,
  formatCitation,
  formatSourceList,
  sourceText,
  type CitationStatus,
  type SourceKey,
} from './core/citations.js';
/** The unit constants and conversions of core/units, as one namespace (`units.GIB`, `units.cyclesToSeconds`). */
export { units };
export {
  formatBytes,
  formatSI,
  trimNumber,
  inGib,
  formatReadable,
  formatReadableSI,
  OPS_PER_MAC,
  SECONDS_PER_HOUR,
  SECONDS_PER_DAY,
} from './core/units.js';
export {
  NUMBER_FORMATS,
  NUMBER_FORMAT_NAMES,
  getNumberFormat,
  isNumberFormatName,
  type NumberFormat,
  type NumberFormatName,
} from './core/number-formats.js';

export {
  DATAFLOWS,
  DATAFLOW_NAMES,
  MATRIX_INPUT_FORMATS,
  CHIP_SCHEMA_VERSION,
  type ChipSpec,
  type CoreSpec,
  type MatrixUnitSpec,
  type MatrixFormatSpec,
  type MatrixInputFormat,
  type MemorySpec,
  type Dataflow,
  type Citation,
} from './arch/chip-spec.js';
export { ArchError } from './arch/errors.js';
export { validateChip, MAX_ARRAY_DIM } from './arch/validate.js';
export { parseChip, loadChip, parseStructuredText } from './arch/load.js';
export { CHIP_PRESETS, chipPresetNames, getChipPreset } from './arch/presets/index.js';
export {
  peakMacsPerCycle,
  peakOpsPerS,
  ridgePointOpsPerByte,
  vectorOpsPerS,
  onChipBytes,
  matrixUnitCount,
  matrixFormats,
  summarizeChip,
  type ChipSummary,
} from './arch/derive.js';
export {
  parseScaleSimConfig,
  SPARSE_REPRESENTATIONS,
  MAX_SRAM_BANKS,
  type ScaleSimConfig,
  type ScaleSimSparsity,
  type SparseRepresentation,
  type ScaleSimLayout,
  type ScaleSimOperandBanks,
} from './arch/scalesim-config.js';
export {
  sparseLayer,
  sparseFilter,
  layerWiseWindow,
  LegacyNumpyRandom,
  type SparseLayer,
  type SparseFilter,
  type SparseFilterStorage,
  type SparsityRatio,
} from './sim/sparsity/index.js';
export {
  parseLayoutCsv,
  ifmapLayoutOrder,
  filterLayoutOrder,
  simulateLayoutMemory,
  type LayerLayout,
  type OperandLayout,
  type LayoutMemoryConfig,
  type LayoutMemoryResult,
  type OperandBanks,
} from './sim/layout/index.js';
export {
  formatSparseBandwidthReport,
  formatSparseDetailedAccessReport,
  formatSparseReport,
  SPARSE_BANDWIDTH_REPORT_HEADER,
  SPARSE_REPORT_HEADER,
  type SparseMemoryRow,
  type SparseReportRow,
} from './report/scalesim-sparse-report.js';

export {
  parseScaleSimTopology,
  convOutputSize,
  type TopologyLayer,
  type TopologyForm,
} from './graph/scalesim-topology.js';

export { SimError } from './sim/errors.js';
export {
  layerStreams,
  simulateLayerMemory,
  type AccessSpan,
  type LayerMemoryResult,
  type MemoryConfig,
  type LayerStreams,
  type ConvShape,
} from './sim/memory/index.js';
export { SYSTOLIC_ENGINES } from './sim/systolic/engines.js';
export { registerEngine, createRegisterEngine, MAX_RECORDED_CELLS } from './sim/systolic/register-engine.js';
export { wasmSpanMachineAvailable, type SpanMachineKind } from './sim/systolic/wasm/span-machine.js';
export { foldEngine } from './sim/systolic/fold-engine.js';
export { referenceGemm } from './sim/systolic/reference.js';
export { accumulationChunk } from './sim/systolic/operands.js';
export { gemmStats, gemmCycles, gemmAccesses } from './sim/systolic/closed-form.js';
export { DATAFLOW_MAPPINGS, foldGrid, listFolds, type FoldGrid, type Fold } from './sim/systolic/dataflows.js';
export {
  scaleSimUtilization,
  pythonSum,
  type ScaleSimUtilization,
  type PythonFloatSum,
} from './sim/systolic/scalesim-metrics.js';
export type {
  ArrayConfig,
  GemmShape,
  GemmOperands,
  GemmRequest,
  GemmResult,
  GemmStats,
  AccessCounts,
  CellSnapshot,
  SystolicEngine,
  TimingMode,
} from './sim/systolic/types.js';

export {
  runScaleSim,
  runLayerMemory,
  layerConv,
  configPrices,
  layerEvents,
  runEnergy,
  type ScaleSimRun,
  type ScaleSimLayerResult,
  type ScaleSimOptions,
  type ScaleSimRunEnergy,
} from './run/scalesim.js';
export {
  priceScaleSimEvents,
  scaleSimPrices,
  sumEnergy,
  validateScaleSimEnergyOptions,
  SCALESIM_DRAM_KINDS,
  SCALESIM_ENERGY_DEFAULTS,
  SCALESIM_NODE_RANGE_NM,
  type EnergyJoules,
  type ScaleSimEnergyOptions,
  type ScaleSimEvents,
  type ScaleSimPrices,
} from './model/scalesim-energy.js';

export { formatTable, formatPairs, type Cell } from './report/table.js';
export { formatCsv, csvField } from './report/csv.js';
export { chipArray, type ChipArray } from './sim/systolic/chip-array.js';
export { randomOperands, firstDifference } from './sim/systolic/random-operands.js';
export { formatGemmStats } from './report/gemm-report.js';
export { formatLayerTraces, type TraceFile } from './report/scalesim-trace.js';
export {
  formatComputeReport,
  formatBandwidthReport,
  formatDetailedAccessReport,
  formatEnergyPrices,
  pythonFloat,
  COMPUTE_REPORT_HEADER,
  BANDWIDTH_REPORT_HEADER,
  DETAILED_ACCESS_REPORT_HEADER,
} from './report/scalesim-report.js';

export { decodeNpy, encodeNpy, npyElementCount, type NpyArray, type NpyDtype } from './core/npy.js';
export {
  MEMORY_SPACES,
  type MemorySpace,
  type MemRef,
  type BufferDecl,
  ACTIVATION_FUNCTIONS,
  type ActivationFunction,
  POOL_KINDS,
  type PoolKind,
  VECTOR_OPS,
  type VectorOp,
  OUTPUT_FORMATS,
  type OutputFormat,
  type DmaInstruction,
  type ReadWeightsInstruction,
  type MatmulInstruction,
  type ActivateInstruction,
  type VectorInstruction,
  type FillInstruction,
  type PoolInstruction,
  type SyncInstruction,
  type NopInstruction,
  type HaltInstruction,
  type Instruction,
  type Opcode,
  type SourceLocation,
  type BufferInit,
  type Program,
} from './isa/types.js';
export { IsaError } from './isa/errors.js';
export {
  OPS,
  activateOutputRows,
  poolOutputShape,
  vectorOutputShape,
  type OpSpec,
  type FieldSpec,
  type Access,
} from './isa/ops.js';
export { assemble } from './isa/assembler.js';
export { disassemble, disassembleInstruction } from './isa/disassembler.js';
export { encodeProgram, decodeProgram } from './isa/encoding.js';
export { validateProgram, programFormat, instructionLocation } from './isa/validate.js';
export { ACTIVATIONS, VECTOR_SEMANTICS, toFormat, gelu, erf } from './isa/semantics.js';
export { coreAt, coreCount, matrixUnitAt, matrixUnitsPerCore, accumulatorRows } from './arch/derive.js';
export {
  runProgram,
  interpretProgram,
  checkProgram,
  type ProgramRun,
  type ProgramCounters,
  type ProgramOutput,
  type RunProgramOptions,
  type ProgramEngine,
} from './sim/chip/run.js';
export { runMachine, type TraceEvent, type InstructionTiming, type MachineRun } from './sim/chip/machine.js';
export type { MatrixUnitCounters } from './sim/chip/counters.js';
export {
  npyDtypeFor,
  valuesFromNpy,
  npyFromValues,
  loadProgramInit,
  initPath,
  type ReadFileBytes,
} from './sim/chip/tensors.js';
export { VECTOR_PIPELINE_CYCLES } from './sim/chip/timing.js';
export { chromeTrace, type ChromeTrace } from './report/trace.js';

export {
  elementCount,
  tensorBytes,
  TENSOR_DTYPES,
  type TensorDType,
  DTYPE_BYTES,
  type TensorKind,
  type GraphTensor,
  type AttrValue,
  type GraphNode,
  type GraphSource,
  type Graph,
} from './graph/types.js';
export { GraphError } from './graph/errors.js';
export { GraphBuilder, inferGraph } from './graph/build.js';
export { OP_REGISTRY, supportedOps, opDef } from './graph/ops/registry.js';
export type { OpDef, Gemm, OpKind } from './graph/ops/op.js';
export { nodeCost, parameterCount, summarizeGraph, type NodeCost, type GraphSummary } from './graph/analysis.js';
export { evaluateGraph } from './graph/evaluate.js';
export {
  MODEL_ZOO,
  zooModelNames,
  getZooEntry,
  buildZooModel,
  type ZooEntry,
  type ZooOptions,
} from './graph/zoo/index.js';
export { importHfConfig, HF_MODEL_TYPES, type HfImportOptions } from './graph/hf/index.js';
export { importOnnx, onnxToGraph, MIN_ONNX_OPSET, type ImportOnnxOptions } from './graph/onnx/import.js';
export { externalLocationProblem, type ExternalDataReader, type ExternalDataRef } from './graph/onnx/external-data.js';
export { graphToOnnx, type GraphToOnnxOptions } from './graph/onnx/export.js';
export {
  decodeOnnx,
  encodeOnnx,
  makeTensor,
  tensorValues,
  type OnnxModel,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
} from './graph/onnx/onnx-model.js';
export { topologyToGraph } from './graph/scalesim-graph.js';

export {
  compileGraph,
  compileAndVerify,
  defaultDType,
  hasWeightValues,
  PASSES,
  type CompileOptions,
  type PassName,
  type StageResults,
} from './compile/compile.js';
export { CompileError } from './compile/errors.js';
export {
  COMPILE_DTYPES,
  type CompileDType,
  type QuantPlan,
  type TensorPlan,
  type MatrixPlan,
} from './compile/quantize.js';
export type { CompiledModel, CompiledLayer } from './compile/emit.js';
export type { IoBinding } from './compile/kernels.js';
export { evaluateQuantized, hostQuantize, hostDequantize } from './compile/reference.js';
export { fuse, inputsOf, LAYER_ACTIVATIONS, type LogicalOp, type LogicalProgram } from './graph/layers/fuse.js';
export { simplify } from './graph/layers/simplify.js';
export {
  runCompiledModel,
  layerStats,
  permuteValues,
  type ModelRun,
  type ModelRunOptions,
  type LayerStats,
} from './run/compiled-model.js';
export { loadModel, modelKindOf, type ModelSource, type ModelOptions } from './explore/models.js';

export {
  estimateGraph,
  criticalPathCycles,
  staticPowerW,
  DEFAULT_NODE_NM,
  STATIC_SHARE_OF_TDP,
  type EstimateOptions,
} from './model/estimate.js';
export type { GraphEstimate, LayerEstimate, LayerTime, Bound, EnergyBreakdown } from './model/types.js';
export { energyTable, ENERGY_SOURCES, energyScale, type EnergyTable } from './model/energy.js';
export {
  powerAt,
  sustainedClock,
  macEnergy,
  powerCitations,
  logicScaleFrom7nm,
  leakageWPerMm2,
  voltageShareAt,
  clockShareAt,
  type PowerActivity,
  type PowerBreakdown,
  type PowerOptions,
  type SustainedClock,
  type MacEnergy,
  type PowerCitation,
} from './model/power.js';
export { POWER_CONSTANTS, POWER_SOURCES, MAC_7NM_PJ } from './model/power-constants.js';
export { powerCappedChip, powerLimitProblems } from './model/power-cap.js';
export {
  estimatePower,
  estimateActivity,
  type EstimatePower,
  type EnergyPerInference,
} from './model/power-estimate.js';
export { GPU_KERNEL_LAUNCH_S } from './model/gpu.js';
export {
  attentionKernelsOf,
  attentionSeconds,
  defaultAttentionKernel,
  fp8CastSeconds,
  gemmSeconds,
  streamSeconds,
  ATTENTION_KERNELS,
  type AttentionImplementation,
  type AttentionKernel,
  type AttentionTime,
  type Fp8Recipe,
  type Fp8Role,
  type GemmOptions,
} from './model/kernels.js';
export {
  decodeAttentionSeconds,
  DECODE_ATTENTION_KERNELS,
  DECODE_ATTENTION_KERNEL_SPECS,
  type DecodeAttention,
  type DecodeAttentionTime,
  type DecodeAttentionKernelName,
  type DecodeAttentionKernelSpec,
} from './model/decode-attention.js';
export { prepareGraph, type PreparedGraph, type PreparedLayer } from './model/plan.js';
export { isolatedLayerCycles } from './run/compiled-model.js';
export {
  rooflineSvg,
  barChartSvg,
  escapeXml,
  BOUND_COLOURS,
  type RooflineInput,
  type RooflinePoint,
  type BarChartInput,
} from './report/svg.js';
export { scaleChartSvg, stackedBarsSvg, type ScaleChartInput, type StackedBarsInput } from './report/cluster-svg.js';
export { chipPowerSvg, powerBars } from './report/power-charts.js';
export {
  estimateRooflineSvg,
  estimateTimelineSvg,
  estimateEnergySvg,
  compareSvg,
  rooflinePoints,
  timedLayers,
  type MemoryRoof,
  type CompareRow,
} from './report/model-charts.js';
export { chipAreaSvg, chipCostBarsSvg } from './report/chip-charts.js';
export {
  costWaterfallSvg,
  chipHourSvg,
  buildVsBuyTornadoSvg,
  supplySharesSvg,
  type ChipHourChartInput,
  type TornadoChartSource,
} from './report/economics-charts.js';
export {
  stepTimeSvg,
  memoryPerChipSvg,
  goodputSvg,
  jobTopologySvg,
  STEP_PARTS,
  type TrainingChartContext,
  type GoodputChartInput,
  type TopologyChartInput,
} from './report/cluster-charts.js';
export { VECTOR_OP_COST, ports, passLatencyCycles, foldPeriodCycles } from './arch/timing.js';
export { arrayShape, accumulatorChunkRows, rowChunks, rowLevels } from './arch/mapping.js';

export {
  type NetworkTier,
  TRANSPORTS,
  type Transport,
  type SystemSpec,
  COLLECTIVES,
  type Collective,
  COLLECTIVE_ALGORITHMS,
  type CollectiveAlgorithm,
  NCCL_PROTOCOLS,
  type NcclProtocol,
  type GroupPlacement,
  type CollectiveCost,
  TRAINING_STACKS,
  type TrainingStack,
  RECOMPUTE,
  type Recompute,
  type TrainingPlan,
} from './cluster/types.js';
export {
  SYSTEM_PRESETS,
  systemPresetNames,
  getSystemPreset,
  validateSystem,
  parseSystem,
  loadSystem,
  TIER_KINDS,
} from './cluster/systems.js';
export { collectiveCost, tierOf, type CollectiveOptions } from './cluster/collectives.js';
export {
  TRANSPORT_PROFILES,
  NCCL_NETWORK_STEPS,
  transportOf,
  type TransportProfile,
  type TransportLayer,
  type NetworkSteps,
} from './cluster/transports.js';
export {
  COLLECTIVE_HARNESSES,
  HARNESS_PROFILES,
  harnessSeconds,
  type CollectiveHarness,
  type HarnessProfile,
} from './cluster/collective-harness.js';
export { sliceForPlan } from './cluster/slices.js';
export {
  transformerModel,
  transformerFromSpec,
  trainingFlopsPerToken,
  type TransformerModel,
  type LayerShape,
} from './cluster/transformer.js';
export {
  trainingStep,
  planProblems,
  trainingDays,
  timeToTrain,
  EAGER_OP_OVERHEAD_S,
  type TrainingOptions,
  type TrainingStep,
  type StepBreakdown,
  type MemoryPerChip,
} from './cluster/train.js';
export {
  expectedHolders,
  expertParallelSeconds,
  MOE_DISPATCHERS,
  DEFAULT_MOE_DISPATCH,
  EXPERT_HOST_OP_S,
  type MoeDispatch,
  type MoeDispatcher,
} from './cluster/train-moe.js';
export { PIPELINE_SCHEDULES, type PipelineSchedule } from './cluster/train-pipeline.js';
export { searchPlans, type SearchOptions, type SearchResult, type RejectedGroup } from './cluster/search.js';
export {
  planTrainingRun,
  resolvePlan,
  defaultSeq,
  defaultGlobalBatch,
  DEFAULT_TOKENS_PER_STEP,
  DEFAULT_SEQ,
  DEFAULT_CHECKPOINT_S,
  DEFAULT_RESTART_S,
  DEFAULT_TOP,
  type PlanAxes,
  type TrainingRunInput,
  type TrainingRun,
} from './cluster/train-run.js';
export { parsePlanFile, planFileSchema, PLAN_FILE_FIELDS, MAX_PLAN_VALUE, type PlanFile } from './cluster/plan-file.js';
export {
  servingContext,
  servingProblems,
  servingPoint,
  servingPointFields,
  steadyStatePoint,
  prefillWaitSeconds,
  batchSweep,
  maxBatch,
  iterationSeconds,
  kvBytesPerTokenPerChip,
  hostPrefixRestoreSeconds,
  weightBytesPerChip,
  type ServingPlan,
  type ServingContext,
  type ServingPoint,
} from './cluster/serve.js';
export {
  SERVING_ENGINES,
  SERVING_ENGINE_PROFILES,
  KERNEL_GAP_S,
  defaultServingEngine,
  kvBudgetBytes,
  launchesKernels,
  servingEngineProfile,
  compareVersions,
  type ServingEngine,
  type ServingEngineName,
  type MemoryShare,
  type EngineRelease,
} from './cluster/serving-engines.js';
export {
  passSeconds,
  prefillSeconds,
  microbatches,
  layerKernels,
  type PassTime,
  type PrefillTime,
} from './cluster/serve-step.js';
export {
  resolveQuantization,
  weightOnlyGemmSeconds,
  WEIGHT_DTYPES,
  ACTIVATION_DTYPES,
  KV_DTYPES,
  type Quantization,
  type QuantizationOptions,
  type WeightDtype,
  type ActivationDtype,
  type KvDtype,
} from './cluster/serve-quant.js';
export {
  validateKvCache,
  pagedTokens,
  kvTokensHeld,
  pagingWaste,
  cachedPromptTokens,
  prefillPromptTokens,
  sharedPromptTokens,
  prefixRestoreSeconds,
  kvOffload,
  PREFIX_SOURCES,
  type KvCacheOptions,
  type KvOffload,
  type PrefixSource,
} from './cluster/serve-kv.js';
export {
  expectedTokensPerStep,
  speculativeStepSeconds,
  speculativeHeadParams,
  type SpeculativeOptions,
  type SpeculativeStep,
} from './cluster/serve-spec.js';
export { scheduledPoint, continuousPoint, simIterationSeconds } from './cluster/serve-schedulers.js';
export { disaggregatedPoint, type DisaggregatedPoint } from './cluster/serve-disagg.js';
export {
  csvSamples,
  histogramSamples,
  expandWorkloadValue,
  meanSampleLengths,
  type LengthPair,
} from './cluster/serve-workload.js';
export { activationBytesPerChip, type ServingMemory } from './cluster/serve.js';
export {
  simulateServing,
  validateServingInput,
  percentiles,
  SCHEDULERS,
  type Scheduler,
  type ServingSimInput,
  type ServingSimResult,
  type IterationShape,
  type TokenCount,
  type Percentiles,
} from './cluster/serving-sim.js';
export {
  SLO_PERCENTILES,
  fixedWorkload,
  meanLengths,
  parseServingWorkload,
  kvCapacityTokens,
  defaultSchedule,
  capacityProblems,
  evaluateRate,
  findCapacity,
  servingMemory,
  simulatedRequestsBound,
  hostRestore,
  type ServingWorkload,
  type SloPercentile,
  type ServingSlo,
  type ReplicaSchedule,
  type CapacityOptions,
  type RateEvaluation,
  type CapacityResult,
} from './cluster/serve-capacity.js';
export {
  searchServingConfigs,
  servingDtypes,
  defaultServingSplit,
  smallestServingConfig,
  type ServingConfig,
  type RankedServingConfig,
  type ServingRejection,
  type ServingSearchResult,
  type ServingSearchOptions,
  type SmallestServing,
} from './cluster/serve-capacity-search.js';
export {
  reliabilityAtScale,
  goodput,
  goodputExponential,
  youngInterval,
  dalyInterval,
  systemMtbfS,
  interruptionsPerDay,
  checkpointSeconds,
  FAILURE_RATES,
  LLAMA3_UNEXPECTED_PER_CHIP_HOUR,
  type ReliabilityInput,
  type ReliabilityPoint,
  type FailureRate,
} from './cluster/reliability.js';

export {
  DEFAULT_COST_BOOK,
  COST_SOURCES,
  COST_STATUSES,
  CostTrace,
  entry as costEntry,
  atNode as costAtNode,
  withOverrides as costBookWithOverrides,
  loadCostOverrides,
  validateCostOverrides,
  type CostBook,
  type CostEntry,
  type CostStatus,
} from './cost/costbook.js';
export {
  chipArea,
  calibrateArea,
  memoryDevices,
  type AreaBreakdown,
  type AreaParameters,
  type DieReference,
  type CalibrationResult,
} from './cost/area.js';
export {
  grossDiesPerWafer,
  usableWaferMm2,
  dieYield,
  YIELD_MODELS,
  type YieldModel,
  type YieldOptions,
  type WaferGeometry,
} from './cost/wafer.js';
export {
  chipCost,
  estimateChipCost,
  type ChipCost,
  type ChipCostEstimate,
  type ChipCostOptions,
} from './cost/chip-cost.js';
export { COST_LIMITS, costLimit, validateCostValues, rangeOf } from './cost/cost-limits.js';
export {
  chipPower,
  chipPowerModel,
  powerDieArea,
  DENSE_GEMM_SIDE,
  provisionedPowerW,
  type ChipPower,
  type ChipPowerModel,
} from './cost/chip-power.js';
export { inferenceRate, type WorkloadRate } from './model/workload-rate.js';
export { chipsPerHost, trainingRate } from './cluster/training-rate.js';
export { ownerPrice, DEFAULT_BUILD_VOLUME, type OwnerPrice } from './cost/owner-price.js';
export {
  tcoPerChip,
  performancePerTco,
  usdPerMillionTokens,
  splitChipHour,
  validateTcoBook,
  HOURS_PER_YEAR,
  type TcoInput,
  type TcoBreakdown,
  type ChipHourParts,
} from './cost/tco.js';
export {
  buildVsBuy,
  tornado,
  validateBuildVsBuyInput,
  TORNADO_KEYS,
  type BuildVsBuyInput,
  type BuildVsBuyResult,
  type BuildVsBuySide,
  type TornadoBar,
  type InputSwing,
  type CustomChipInput,
  type MarketChipInput,
} from './cost/build-vs-buy.js';
export {
  planSupply,
  validateSupplyInput,
  SUPPLY_SCENARIOS,
  type SupplyInput,
  type SupplyPlan,
  type SupplyResource,
  type LogicDieDemand,
} from './cost/fab.js';

export {
  SPLITS,
  type Split,
  METRICS,
  type Metric,
  FLOP_CONVENTIONS,
  type FlopConvention,
  type ModelRef,
  type SystemRef,
  type GemmWorkload,
  ATTENTION_PASSES,
  ATTENTION_IMPLEMENTATIONS,
  type AttentionWorkload,
  type TrainWorkload,
  type ServeWorkload,
  COLLECTIVE_KINDS,
  type CollectiveWorkload,
  POWER_LOADS,
  POWER_SCOPES,
  type PowerWorkload,
  type AreaWorkload,
  type Workload,
  type SourceEntry,
  type ValidationRow,
  type ValidationFile,
} from './validation/types.js';
export { parseValidationFile } from './validation/rows.js';
export { predictRow, attentionFlops, type RowPrediction, type RowRegime } from './validation/predict.js';
export { summarize, errorStats, worstRows } from './validation/stats.js';
export {
  validationFor,
  VALIDATION_CATEGORIES,
  type ValidationCategory,
  type PredictionScope,
  type ValidationNote,
  type ErrorStats,
  type CategoryRegime,
  type CategorySummary,
  type ValidationSummary,
} from './model/validation.js';
export { VALIDATION_SUMMARY } from './model/validation-data.js';
export { formatValidationReport, validationMarkdown } from './report/validation-report.js';
export { validationRatioSvg } from './report/validation-chart.js';
export type { CompiledSweep, DesignRow, DesignColumns, ReasonCode } from './explore/sweep-types.js';
export { columnReasons } from './explore/columns.js';
export {
  parseSweepSpec,
  validateSweepSpec,
  compileSweep,
  parseSweep,
  knobNumbers,
  ExploreError,
  designChip,
  prepareSweep,
  evaluateChip,
  createWorkloadCache,
  CHIP_METRICS,
  WORKLOAD_METRICS,
  MODEL_FIELDS,
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
  type ChipMetric,
  type WorkloadMetric,
  type ModelField,
  type ExploreSweep,
  type PreparedSweep,
  type Evaluation,
  type ChipRole,
  type WorkloadCache,
} from './explore/index.js';
export {
  knobLevels,
  levelValue,
  unitValue,
  knobOrdinal,
  gridLevels,
  randomPoint,
  lhsPoint,
  sobolVector,
  sobolShifts,
  permuteIndex,
  sobolPoint,
  sobolInteger,
  SOBOL_MAX_DIMS,
  parseQuantity,
  compileExpression,
  fnv1a64,
  type KnobValue,
} from './explore/index.js';
export {
  paretoFront,
  hypervolume,
  kneePoint,
  nonDominatedSort,
  dominates,
  toMinimised,
  knobTornado,
  spearman,
  ranks,
  rankCorrelations,
  nsga2Initial,
  nsga2Start,
  nsga2Offspring,
  nsga2Advance,
  runNsga2,
  crowdingDistance,
  compareDesign,
  DEFAULT_REFERENCE_CHIPS,
  type Direction,
  type KnobTornadoBar,
  type Nsga2Options,
  type Nsga2State,
  type Nsga2Fitness,
  type Nsga2Individual,
  type DesignReport,
  type ChipComparison,
} from './explore/index.js';
export { simulatorCheck, type SimulatorCheck, type SimulatorGap } from './explore/index.js';
