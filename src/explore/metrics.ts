/**
 * What a sweep can measure of a design. Chip metrics belong to the chip alone; workload metrics to one
 * workload (or, named without a workload, their weighted mean over the workloads that have them).
 *
 * - siliconAreaMm2: all logic silicon of the design (cost/area.ts); the area model splits a design over the
 *   reticle into equal dies, so dieAreaMm2 (one die) never exceeds it: "fits one reticle" is
 *   siliconAreaMm2 <= 858 (or dies <= 1); powerW: the design's modelled peak power (a preset's
 *   TDP for a real chip); costPerChipUsd: built cost at the spec's volume (a real chip: its market price);
 *   usdPerChipHour: TCO per chip-hour (cost/tco.ts); peakOpsPerS: dense matrix ops/s (a MAC is 2 ops).
 * - throughputPerChip: work per second per chip (GEMMs, inferences, or tokens for serving and training);
 *   latencyS: one GEMM, one forward pass, or one serving request; ttftS, tpotS: serving;
 *   timeToTrainS: training; energyPerUnitJ: joules per unit of work; usdPerMUnits: TCO dollars per
 *   million units ($/Mtok for tokens); perfPerTco: units per TCO dollar.
 */
export const CHIP_METRICS = [
  'dieAreaMm2',
  'siliconAreaMm2',
  'dies',
  'powerW',
  'costPerChipUsd',
  'usdPerChipHour',
  'peakOpsPerS',
] as const;
export type ChipMetric = (typeof CHIP_METRICS)[number];

export const WORKLOAD_METRICS = [
  'throughputPerChip',
  'latencyS',
  'ttftS',
  'tpotS',
  'timeToTrainS',
  'energyPerUnitJ',
  'usdPerMUnits',
  'perfPerTco',
] as const;
export type WorkloadMetric = (typeof WORKLOAD_METRICS)[number];

/**
 * Model hyperparameters a knob may set, as the Hugging Face config keys they write (the zoo's models are
 * configs). `experts` writes the key the config already has (num_local_experts or n_routed_experts);
 * `seq` is the workload's sequence (serving: the prompt).
 */
export const MODEL_FIELDS = [
  'hidden',
  'layers',
  'heads',
  'kvHeads',
  'headDim',
  'ffn',
  'experts',
  'topK',
  'seq',
] as const;
export type ModelField = (typeof MODEL_FIELDS)[number];

export const MODEL_CONFIG_KEYS: Readonly<Record<Exclude<ModelField, 'seq' | 'experts'>, string>> = {
  hidden: 'hidden_size',
  layers: 'num_hidden_layers',
  heads: 'num_attention_heads',
  kvHeads: 'num_key_value_heads',
  headDim: 'head_dim',
  ffn: 'intermediate_size',
  topK: 'num_experts_per_tok',
};
export const EXPERT_CONFIG_KEYS = ['num_local_experts', 'n_routed_experts', 'num_experts'] as const;
