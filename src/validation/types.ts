/**
 * The validation suite's rows as data: a published measurement, its source, and the workload it maps to
 * (validation/README.md describes the files).
 */
import type { CollectiveHarness } from '../cluster/collective-harness.js';
import type { TrainingAttention } from '../cluster/train-attention.js';
import type { MoeDispatcher } from '../cluster/train-moe.js';
import type { PipelineSchedule } from '../cluster/train-pipeline.js';
import type { Fp8Scaling } from '../cluster/train-fp8.js';
import type { RematTensor } from '../cluster/train-remat.js';
import type { ActivationDtype, WeightDtype } from '../cluster/serve-quant.js';
import type { PrefixSource } from '../cluster/serve-kv.js';
import type { SloPercentile } from '../cluster/serve-capacity.js';
import type { Scheduler } from '../cluster/serving-sim.js';
import type { TrainingStack } from '../cluster/types.js';

import type { ValidationCategory } from '../model/validation.js';

export const SPLITS = ['calibration', 'held-out'] as const;
export type Split = (typeof SPLITS)[number];

/** Each metric, and whether a larger value means faster (a rate) or slower (a time). */
export const METRICS = {
  tflops: 'rate',
  seconds: 'time',
  'step-s': 'time',
  'tokens-per-s': 'rate',
  'tokens-per-s-per-chip': 'rate',
  mfu: 'rate',
  'tflops-per-chip': 'rate',
  'ttft-s': 'time',
  'tpot-s': 'time',
  'output-tokens-per-s': 'rate',
  'total-tokens-per-s': 'rate',
  'request-latency-s': 'time',
  /** Disaggregated rows: one request's KV cache sent from the prefill to the decode pool (serve-disagg.ts). */
  'kv-transfer-s': 'time',
  /**
   * Serving capacity: the highest request rate (requests/s over all the row's chips) whose latency percentiles meet the
   * row's `slo`.
   */
  'requests-per-s-at-slo': 'rate',
  /**
   * Capacity under the row's `slo` over the capacity of its `baseline` configuration on the same chips (a source's
   * "N x higher serving capacity").
   */
  'capacity-ratio-at-slo': 'rate',
  'busbw-GBps': 'rate',
  'algbw-GBps': 'rate',
  /** Power and area rows: predicted / measured, reported like a rate (above 1: the model says more). */
  watts: 'rate',
  'clock-mhz': 'rate',
  mm2: 'rate',
} as const;
export type Metric = keyof typeof METRICS;

/** How a source counts the FLOPs behind a TFLOP/s-per-chip figure. */
export const FLOP_CONVENTIONS = ['6n', '6n-attn', 'megatron-recompute'] as const;
export type FlopConvention = (typeof FLOP_CONVENTIONS)[number];

/** A zoo transformer or a Hugging Face config.json's fields. */
export type ModelRef =
  | { readonly zoo: string }
  | { readonly config: Readonly<Record<string, unknown>>; readonly name?: string };

/** A preset name, or an inline system starting from a preset (`base:`). */
export type SystemRef = string | Readonly<Record<string, unknown>>;

export interface GemmWorkload {
  readonly kind: 'gemm';
  readonly chip: string;
  readonly dtype: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch?: number;
}

export const ATTENTION_PASSES = ['forward', 'backward', 'forward-backward'] as const;
export const ATTENTION_IMPLEMENTATIONS = ['flash2', 'flash3', 'cudnn', 'unfused', 'xla', 'other'] as const;

export interface AttentionWorkload {
  readonly kind: 'attention';
  readonly chip: string;
  readonly dtype: string;
  readonly batch: number;
  readonly heads: number;
  readonly kvHeads?: number;
  readonly seqQ: number;
  readonly seqK?: number;
  readonly headDim: number;
  readonly causal: boolean;
  readonly pass: (typeof ATTENTION_PASSES)[number];
  readonly implementation: (typeof ATTENTION_IMPLEMENTATIONS)[number];
}

export interface TrainWorkload {
  readonly kind: 'train';
  readonly model: ModelRef;
  readonly chip: string;
  readonly system: SystemRef;
  readonly chips: number;
  readonly plan: {
    readonly tp: number;
    readonly pp: number;
    readonly dp: number;
    readonly cp?: number;
    readonly ep?: number;
    readonly zero?: 0 | 1 | 2 | 3;
    readonly microbatch: number;
    readonly globalBatch: number;
    readonly seq: number;
    readonly recompute?: 'none' | 'selective' | 'full';
    readonly sequenceParallel?: boolean;
    readonly interleave?: number;
    readonly overlapGradients?: boolean;
  };
  readonly dtype?: string;
  readonly stack: TrainingStack;
  readonly flashAttention?: boolean;
  /**
   * The fused attention kernel the source or its scripts name (FlashAttention 1, its Triton port, ...); default: the
   * stack's.
   */
  readonly attention?: TrainingAttention;
  /** Element-wise operators fused on an eager stack (torch.compile, or the model's own fused kernels). */
  readonly fused?: boolean;
  /** Dropout on (Megatron-LM's GPT default 0.1; off in most recent recipes). */
  readonly dropout?: boolean;
  /**
   * Tensor-parallel communication overlapped with GEMMs (Megatron's --tp-comm-overlap), where the source says so;
   * default: the stack's.
   */
  readonly tpCommOverlap?: boolean;
  /**
   * Mixture of experts: the token dispatcher the source names (Megatron-Core's alltoall, or its flex dispatcher over
   * DeepEP or HybridEP); default alltoall.
   */
  readonly moeDispatcher?: MoeDispatcher;
  /** The dispatch to the experts in fp8 (DeepSeek-V3's), where the source says so; default false. */
  readonly moeFp8Dispatch?: boolean;
  /**
   * Expert-parallel all-to-all overlapped with the paired microbatch's compute (Megatron-Core's
   * --overlap-moe-expert-parallel-comm), where the source says so; default false.
   */
  readonly epCommOverlap?: boolean;
  /** The pipeline schedule the source names: 1f1b (interleaved by `interleave`; default) or dualpipe. */
  readonly pipelineSchedule?: PipelineSchedule;
  /**
   * What `recompute: selective` keeps, where the run names it (MaxText's `remat_policy: custom`); default: the
   * stack's.
   */
  readonly remat?: { readonly saved: readonly RematTensor[] };
  /** Per-tensor fp8 scaling the source names (FP8-CS: current); default: the stack's. */
  readonly fp8Scaling?: Fp8Scaling;
  /** The board power limit the source states (W), where below the chip's rated one; default: the rated one. */
  readonly powerLimitW?: number;
}

export const SERVING_ENGINES = ['vllm', 'trtllm', 'sglang', 'jetstream', 'tgi', 'deepspeed-mii', 'other'] as const;

export interface ServeWorkload {
  readonly kind: 'serve';
  readonly model: ModelRef;
  readonly chip: string;
  readonly system?: SystemRef;
  readonly chips: number;
  readonly tp: number;
  readonly pp?: number;
  readonly batch: number;
  readonly prompt: number;
  readonly output: number;
  readonly dtype?: string;
  readonly kvDtype?: string;
  readonly engine: (typeof SERVING_ENGINES)[number];
  /**
   * The engine release the source ran (quoted in YAML: '0.5.0'); older releases differ where the engine profile says.
   */
  readonly engineVersion?: string;
  /**
   * static (default): one batch prefilled together, then decoded; offline: every request queued at once, as many
   * running as the KV cache holds, up to `batch`; concurrency: `batch` requests kept in flight, each replaced when it
   * ends (benchmark clients at fixed concurrency).
   */
  readonly mode?: 'static' | 'offline' | 'concurrency';
  /**
   * Weight storage format (serve-quant.ts); any of the quantization fields makes `dtype` the default activation format
   * and `kvDtype` the KV format.
   */
  readonly weightDtype?: WeightDtype;
  /** The GEMMs' input format (default: `dtype`, else the chip's). */
  readonly activationDtype?: ActivationDtype;
  /** Weights per fp16 scale of 4-bit weights (GPTQ/AWQ group size; default 128). */
  readonly weightGroupSize?: number;
  /**
   * Speculative decoding: `draftTokens` proposed per step, each accepted with probability `acceptance`; a draft model,
   * else self-speculation heads (Medusa/EAGLE-style).
   */
  readonly speculative?: { readonly draftTokens: number; readonly acceptance: number; readonly draft?: ModelRef };
  /**
   * The engine's scheduler (serve-schedulers.ts); default: static for static and offline runs, chunked for concurrency.
   */
  readonly scheduler?: Scheduler;
  /** The board power limit the source states (W), where below the chip's rated one; default: the rated one. */
  readonly powerLimitW?: number;
  /** Prefill chunk: tokens per engine step (vLLM max_num_batched_tokens, Sarathi-Serve's chunk size). */
  readonly chunkTokens?: number;
  /** Fraction of each prompt found in the prefix cache, in [0, 1). */
  readonly prefixHitRate?: number;
  /** Where the cached tokens are: 'hbm' (default, a shared prefix) or 'host' (restored over the host link). */
  readonly prefixSource?: PrefixSource;
  /** Tokens per KV block (vLLM --block-size, default 16): paging, and one host-link copy per block restored. */
  readonly blockTokens?: number;
  /** Disaggregated prefill and decode pools (serve-disagg.ts); `chips` is their sum, `tp` the decode replica's. */
  readonly disaggregated?: {
    readonly prefillChips: number;
    readonly decodeChips: number;
    readonly prefillTp?: number;
    readonly decodeBatch?: number;
    /** Poisson arrivals at this many requests per second over both pools (benchmark_serving's --request-rate). */
    readonly requestRate?: number;
  };
  /** The latency SLOs of a `requests-per-s-at-slo` row; an SLO left out does not bind. */
  readonly slo?: ServeSlo;
  /** What a `capacity-ratio-at-slo` row divides by: the same row under another scheduler, batch or step budget. */
  readonly baseline?: ServeBaseline;
  /**
   * Request lengths as (input, output) bins drawn with their counts (a capacity row's length distribution); default:
   * every request `prompt` in, `output` out.
   */
  readonly lengthHistogram?: readonly LengthBin[];
  /** Requests each simulation of the capacity search runs (default: `capacityRequests` in serve-capacity-row.ts). */
  readonly simRequests?: number;
}

/** The SLO a capacity row was measured under: the `percentile` of each stated latency within its limit (seconds). */
export interface ServeSlo {
  readonly ttftS?: number;
  /** Time per output token after the first (a source's TPOT, or its time between tokens). */
  readonly tpotS?: number;
  /** Every gap between two tokens of a request (Sarathi-Serve's TBT), not averaged over the request. */
  readonly tbtS?: number;
  readonly percentile: SloPercentile;
}

/** The baseline of a capacity ratio: its scheduler, and batch slots and step budget where they differ. */
export interface ServeBaseline {
  readonly scheduler: Scheduler;
  readonly batch?: number;
  readonly chunkTokens?: number;
}

export interface LengthBin {
  readonly input: number;
  readonly output: number;
  readonly count: number;
}

export const COLLECTIVE_KINDS = ['all-reduce', 'all-gather', 'reduce-scatter', 'all-to-all'] as const;

export interface CollectiveWorkload {
  readonly kind: 'collective';
  readonly chip: string;
  readonly system: SystemRef;
  readonly collective: (typeof COLLECTIVE_KINDS)[number];
  readonly ranks: number;
  readonly ranksPerNode?: number;
  readonly bytes: number;
  /** How the source timed the calls (cluster/collective-harness.ts); nccl-tests unless stated. */
  readonly harness?: CollectiveHarness;
}

export const POWER_LOADS = ['gemm', 'idle'] as const;
export const POWER_SCOPES = ['board', 'package'] as const;

/**
 * A chip's power or sustained clock: idle, or running a dense GEMM back to back (m, n, k, dtype).
 * board: what the board draws from its supply (GPU power readings); package: chip and DRAM (the TPU
 * papers' "ASIC + HBM").
 */
export interface PowerWorkload {
  readonly kind: 'power';
  readonly chip: string;
  readonly load: (typeof POWER_LOADS)[number];
  readonly scope: (typeof POWER_SCOPES)[number];
  readonly dtype?: string;
  readonly m?: number;
  readonly n?: number;
  readonly k?: number;
}

/** A chip's die area (all logic silicon in the package). */
export interface AreaWorkload {
  readonly kind: 'area';
  readonly chip: string;
  /** What the die holds beyond the product (cost/area.ts DieLayout): cores and memory PHYs on the die, chiplets. */
  readonly physicalCores?: number;
  readonly memoryPhys?: number;
  readonly dies?: number;
}

export type Workload =
  | GemmWorkload
  | AttentionWorkload
  | TrainWorkload
  | ServeWorkload
  | CollectiveWorkload
  | PowerWorkload
  | AreaWorkload;

export interface SourceEntry {
  readonly title: string;
  readonly url: string;
  readonly notes?: string;
}

export interface ValidationRow {
  readonly id: string;
  readonly category: ValidationCategory;
  readonly split: Split;
  /** Key into the file's sources. */
  readonly source: string;
  readonly where: string;
  readonly quote: string;
  readonly measured: { readonly metric: Metric; readonly value: number; readonly flops?: FlopConvention };
  readonly derivation?: string;
  readonly assumed?: string;
  readonly notes?: string;
  readonly workload: Workload;
}

export interface ValidationFile {
  readonly sources: Readonly<Record<string, SourceEntry>>;
  readonly rows: readonly ValidationRow[];
}
