/**
 * What a serving engine adds to the accelerator's own time, per step and per request (docs/cluster.md,
 * "Serving engines"). Each engine declares its own answer; shared code never switches on its name.
 *
 * - Host work per scheduler step: scheduling, input preparation, sampling, output processing
 *   (detokenization, stop checks), growing with the sequences in the batch. Engines with an
 *   overlap/async scheduler prepare step n+1 while the device runs step n, so the step takes the
 *   longer of the two; the others add them.
 * - Kernel launches, on chips whose kernels a host launches one by one (GPUs): each kernel costs a
 *   gap on the device beyond its own roofline time, smaller when the step replays a captured CUDA
 *   graph, and an eager step cannot run faster than the host launches its kernels. Engines capture
 *   graphs for decode-only steps up to a batch size; prefill and mixed steps mostly run eagerly.
 *   Chips that run a step as one compiled program (XLA on TPU, Neuron) pay none of this per kernel.
 * - Per request, before its prefill: tokenization and admission (time to first token only).
 * - Memory: the share of HBM the engine gives to weights and KV cache, and the tokens per step
 *   (prefill longer than that is chunked).
 */
import type { ChipSpec, Citation } from '../arch/chip-spec.js';
import type { DecodeAttentionKernelName } from '../model/decode-attention.js';

export const SERVING_ENGINES = [
  'vllm',
  'trtllm',
  'sglang',
  'jetstream',
  'tgi',
  'deepspeed-mii',
  'other',
  'ideal',
] as const;
export type ServingEngineName = (typeof SERVING_ENGINES)[number];

/**
 * How much memory the engine lets weights and KV cache use: a share of the whole, or of what the weights leave free.
 */
export type MemoryShare = { readonly ofTotal: number } | { readonly ofFree: number };

export interface ServingEngine {
  readonly name: ServingEngineName;
  readonly description: string;
  /** Host seconds per scheduler step, whatever the batch. */
  readonly stepS: number;
  /** Host seconds per sequence in a step. */
  readonly perSequenceS: number;
  /** Host work of the next step runs while the device runs this one. */
  readonly overlapsHost: boolean;
  /** Host seconds to launch one kernel eagerly (an eager step takes at least kernels x this). */
  readonly launchS: number;
  /** Device seconds per kernel beyond its roofline time, launched eagerly or replayed from a graph. */
  readonly kernelGapS: { readonly eager: number; readonly graph: number };
  /** Least seconds of one tensor-parallel all-reduce between GPUs (synchronisation and protocol latency). */
  readonly allReduceFloorS: number;
  /** Tensor-parallel all-reduces hide behind the layer's GEMMs (collective matmul) but for one step. */
  readonly tpOverlap: boolean;
  /** Decode-only steps of up to this many sequences replay a CUDA graph (0: never). */
  readonly graphMaxBatch: number;
  /** Prefill and mixed steps of up to this many tokens replay graphs for all but attention (piecewise; 0: never). */
  readonly piecewiseGraphMaxTokens: number;
  /** Seconds per request before its prefill starts. */
  readonly requestS: number;
  /** Tokens per step: prefill beyond this is chunked over several steps. */
  readonly maxBatchTokens: number;
  readonly memory: MemoryShare;
  /**
   * The decode attention kernel on GPUs (model/decode-attention.ts); compiled programs (XLA) read each KV head once.
   */
  readonly decodeAttention: DecodeAttentionKernelName;
  /** fp8 GEMMs keep their partial sums in the tensor cores (cuBLASLt FAST_ACCUM, CUTLASS FP8FastAccum schedules). */
  readonly fp8FastAccumulation: boolean;
  /** What older releases did differently (`servingEngineProfile` applies those newer than the version asked for). */
  readonly releases: readonly EngineRelease[];
  readonly citations: Readonly<Record<string, Citation>>;
}

/** Releases of an engine before `before` (a version, e.g. '0.7') had `changes`. */
export interface EngineRelease {
  readonly before: string;
  readonly changes: Partial<Pick<ServingEngine, 'decodeAttention'>>;
  readonly citation: Citation;
}

/** tpusim's own figure, no source publishing it: `status` says whether derived or estimated, `note` how. */
function ours(status: 'estimate' | 'derived', note?: string): Citation {
  return note === undefined ? { source: 'tpusim', status } : { source: 'tpusim', status, note };
}

/** A figure `source` publishes at `where`. */
function published(source: string, where: string): Citation {
  return { source, where, status: 'published' };
}

/**
 * Device seconds between two kernels a host launches one by one, and between kernels of a replayed
 * CUDA graph, beyond each kernel's roofline time (launch latency, the ramp and tail of small kernels).
 */
export const KERNEL_GAP_S = { eager: 6e-6, graph: 3e-6 } as const;
const KERNEL_GAP_CITATION: Citation = {
  source: 'tpusim',
  where: 'serving calibration rows (validation/data/serving, split: calibration)',
  status: 'estimate',
  note:
    'chosen on calibration rows (short-prompt TTFT and small-batch decode of TensorRT-LLM and vLLM, several rows); ' +
    ('the order of the published launch figures: Gray, "Getting Started with CUDA Graphs" (NVIDIA blog, 2019): a ' +
      '2.9 us kernel ') +
    'takes 3.8 us back to back on a stream and 3.4 us in a graph (V100); small kernels add their ramp and tail on top',
};

/**
 * NCCL's own latency model puts 6.6 us under every ring all-reduce with the LL protocol (baseLat, Ring/LL,
 * src/graph/tuning.cc), before the per-hop latencies; the engines' custom all-reduce kernels for small
 * messages also synchronise every GPU through memory flags. A floor, so that a collective model with its
 * own base latency is not charged twice.
 */
export const ALL_REDUCE_FLOOR_S = 6.6e-6;

/** No limit (a finite number, so that profiles stay plain JSON). */
const UNLIMITED = Number.MAX_SAFE_INTEGER;
const ALL_REDUCE_FLOOR_CITATION: Citation = {
  source: 'NVIDIA NCCL, src/graph/tuning.cc',
  where: 'baseLat[Ring][LL] = 6.6 us',
  status: 'published',
  note:
    "measured custom all-reduce kernels on H100 agree: 3.7-5.9 us (tp 2-8, 512 B) for TensorRT-LLM's kernels, " +
    "9-10 us for vLLM's, without CUDA graphs (sgl-project/sglang pull request #2904)",
};

const GPU_LAUNCHES = { kernelGapS: KERNEL_GAP_S, allReduceFloorS: ALL_REDUCE_FLOOR_S } as const;
/**
 * No engine, or one running each step as one compiled program: nothing launched per kernel, no gaps, no all-reduce
 * floor of its own...
 */
const NO_LAUNCHES = { launchS: 0, kernelGapS: { eager: 0, graph: 0 }, allReduceFloorS: 0 } as const;
/** ...and no step size beyond which it falls back to launching kernels eagerly. */
const NO_EAGER_STEPS = { graphMaxBatch: UNLIMITED, piecewiseGraphMaxTokens: UNLIMITED } as const;

/**
 * Releases before `before` ran decode attention one block per query head, reading shared KV heads once per query head.
 */
function perQueryHeadDecodeBefore(before: string, citation: Citation): EngineRelease {
  return { before, changes: { decodeAttention: 'per-query-head' }, citation };
}

const XQA_RELEASE = perQueryHeadDecodeBefore('0.7', {
  source:
    'TensorRT-LLM blogs "New XQA-kernel provides 2.4x more Llama-70B throughput within the same latency budget" ' +
    '(2024-01-30) and "Falcon-180B on a single H200 GPU" (v0.7a, 2023-12-04)',
  where: 'Llama-70B, 1 H200, 128/2048: 1,227 tok/s/GPU without XQA, 2,941 with it; the v0.7a blog reports the 2,941',
  status: 'derived',
  note: 'releases before XQA ran generation attention as masked multi-head attention, one block per query head',
});

const VLLM_FLASH_DECODE_RELEASE = perQueryHeadDecodeBefore('0.4.1', {
  source: 'vLLM pull request #3648, "[Kernel] Use flash-attn for decoding" (merged 2024-03-27); vLLM issue #1880',
  where: "decode moves from PagedAttention V1/V2 (no MQA/GQA sharing) to FlashAttention's paged KV kernel",
  status: 'estimate',
  note: 'the first release that made the FlashAttention backend the default on NVIDIA GPUs is taken to be 0.4.1',
});

const FAST_ACCUMULATION: Record<'vllm' | 'trtllm', Citation> = {
  vllm: published(
    'vLLM csrc/quantization/cutlass_w8a8 (scaled_mm_c3x, sm90_fp8_config_default)',
    'KernelTmaWarpSpecializedPingpongFP8FastAccum',
  ),
  trtllm: published(
    'TensorRT-LLM cpp/tensorrt_llm/common/cublasMMWrapper.cpp (Fp8Gemm)',
    'CUBLASLT_MATMUL_DESC_FAST_ACCUM set for fp8 GEMMs',
  ),
};
const GROUPED_DECODE: Citation = published(
  'see model/decode-attention.ts',
  'FlashAttention paged KV (vLLM backend FLASH_ATTN), XQA (TensorRT-LLM), FlashInfer (SGLang)',
);
const GPU_LAUNCH_CITATIONS = { kernelGapS: KERNEL_GAP_CITATION, allReduceFloorS: ALL_REDUCE_FLOOR_CITATION } as const;

const VLLM: ServingEngine = {
  name: 'vllm',
  description:
    'vLLM (V1 defaults): full CUDA graphs for decode, piecewise graphs up to 512 tokens, no async scheduling by ' +
    'default',
  stepS: 1.5e-3,
  perSequenceS: 6e-6,
  overlapsHost: false,
  launchS: 8e-6,
  ...GPU_LAUNCHES,
  tpOverlap: false,
  graphMaxBatch: 512,
  piecewiseGraphMaxTokens: 512,
  requestS: 0.5e-3,
  maxBatchTokens: 8192,
  memory: { ofTotal: 0.9 },
  decodeAttention: 'grouped',
  fp8FastAccumulation: true,
  releases: [VLLM_FLASH_DECODE_RELEASE],
  citations: {
    ...GPU_LAUNCH_CITATIONS,
    decodeAttention: GROUPED_DECODE,
    fp8FastAccumulation: FAST_ACCUMULATION.vllm,
    stepS: {
      source:
        'vLLM blog, "vLLM V1: A Major Upgrade to vLLM\'s Core Architecture" (2025-01-27); "vLLM v0.6.0: 2.7x ' +
        'Throughput Improvement" (2024-09-05)',
      where:
        'V1: "GPU execution time as low as ~5ms" for Llama-8B on H100, CPU overhead the bottleneck; v0.6: ' +
        'scheduling 29% vs GPU 38% of the time (v0.5.3)',
      status: 'estimate',
      note:
        "between V0 (Vidur's profile: schedule + prepare inputs + sampler + output processing about 3 ms per " +
        'step at batch 8, vLLM 0.2-era, A100) ' +
        ("and V1 (persistent batch, numpy input preparation); chosen on the calibration rows of vLLM's CI latency " +
          'runs on H200 (Llama 3.1 8B, Mixtral 8x7B)'),
    },
    perSequenceS: {
      source:
        'Agrawal et al., "Vidur: A Large-Scale Simulation Framework for LLM Inference" (MLSys 2024), ' +
        'data/profiling/a100/cpu_overheads.csv',
      where: 'schedule + prepare inputs + sampler grow by ~0.03 ms per sequence (vLLM 0.2-era, Llama-2-7B, A100)',
      status: 'estimate',
      note: "a fifth of the Vidur figure for V1's persistent batch and numpy input preparation",
    },
    overlapsHost: published('vLLM docs, engine arguments', '--async-scheduling is opt-in'),
    tpOverlap: published(
      'vLLM docs, torch.compile passes',
      'async tensor parallelism (GEMM + collective fusion) is opt-in',
    ),
    launchS: ours(
      'estimate',
      'PyTorch eager op dispatch from Python, order 10 us per op; attention and custom ops outside the piecewise ' +
        'graphs',
    ),
    graphMaxBatch: published(
      'vLLM docs, CUDA Graphs design (v1)',
      'FULL_AND_PIECEWISE: full graphs for uniform decode batches; max_capture_size 512',
    ),
    piecewiseGraphMaxTokens: published(
      'vLLM docs, CUDA Graphs design (v1)',
      'piecewise graphs (attention outside) for mixed batches up to max_capture_size 512',
    ),
    requestS: ours('estimate', 'tokenization and admission in the engine-core process'),
    maxBatchTokens: published(
      'vLLM docs, engine arguments',
      'max_num_batched_tokens, 8192 by default for online serving on data-centre GPUs',
    ),
    memory: published('vLLM docs, engine arguments', 'gpu_memory_utilization 0.9 of total memory'),
  },
};

const TRTLLM: ServingEngine = {
  name: 'trtllm',
  description:
    'TensorRT-LLM: C++ runtime or PyTorch backend with the overlap scheduler, CUDA graphs for generation steps',
  stepS: 0.3e-3,
  perSequenceS: 2e-6,
  overlapsHost: true,
  launchS: 3e-6,
  ...GPU_LAUNCHES,
  tpOverlap: false,
  graphMaxBatch: 128,
  piecewiseGraphMaxTokens: 0,
  requestS: 0.3e-3,
  maxBatchTokens: 8192,
  memory: { ofFree: 0.9 },
  decodeAttention: 'grouped',
  fp8FastAccumulation: true,
  releases: [XQA_RELEASE],
  citations: {
    ...GPU_LAUNCH_CITATIONS,
    decodeAttention: GROUPED_DECODE,
    fp8FastAccumulation: FAST_ACCUMULATION.trtllm,
    stepS: ours('estimate', 'C++ batch manager / executor loop; hidden behind the device by the overlap scheduler'),
    perSequenceS: ours('estimate', 'per-request bookkeeping in C++'),
    overlapsHost: published(
      'TensorRT-LLM docs, "Overlap Scheduler"',
      'launches step n+1 before the CPU work of step n; enabled by default',
    ),
    tpOverlap: published(
      'TensorRT-LLM docs, build options',
      'GEMM + all-reduce fusion (user buffers) is opt-in; all-reduce plugins run after the GEMM',
    ),
    launchS: ours('estimate', 'TensorRT engine enqueue from C++, a few us per kernel'),
    graphMaxBatch: published(
      'TensorRT-LLM docs, cuda_graph_config',
      'CUDA graphs for generation-only batches; max_batch_size 128 by default',
    ),
    piecewiseGraphMaxTokens: published(
      'TensorRT-LLM docs, cuda_graph_config',
      'context (prefill) steps are not captured',
    ),
    requestS: ours(
      'estimate',
      'request enqueue and tokenization outside the timed loop of trtllm-bench / gptSessionBenchmark',
    ),
    maxBatchTokens: published(
      'TensorRT-LLM docs, "Tuning Max Batch Size and Max Num Tokens"',
      'max_num_tokens 8192 by default',
    ),
    memory: published(
      'TensorRT-LLM docs, KvCacheConfig',
      'free_gpu_memory_fraction 0.9 of the memory left after the weights',
    ),
  },
};

const SGLANG: ServingEngine = {
  ...VLLM,
  name: 'sglang',
  description: 'SGLang (v0.4 and later): overlap ("zero-overhead") scheduler, CUDA graphs for decode',
  stepS: 0.5e-3,
  overlapsHost: true,
  graphMaxBatch: 160,
  piecewiseGraphMaxTokens: 0,
  memory: { ofTotal: 0.88 },
  releases: [],
  citations: {
    ...VLLM.citations,
    stepS: ours('estimate', 'radix-cache matching and scheduling; hidden by the overlap scheduler'),
    overlapsHost: published(
      'LMSYS blog, "SGLang v0.4" (2024-12-04)',
      'zero-overhead batch scheduler: the CPU runs one batch ahead; no GPU idle time between 5 decode batches',
    ),
    graphMaxBatch: published('SGLang docs, server arguments', 'cuda_graph_max_bs (160 on H100-class GPUs at small tp)'),
    piecewiseGraphMaxTokens: published('SGLang docs, server arguments', 'prefill runs eagerly by default'),
    memory: published('SGLang docs, server arguments', 'mem_fraction_static, about 0.88 on 80 GB GPUs'),
  },
};

const TGI: ServingEngine = {
  ...VLLM,
  name: 'tgi',
  description: 'Hugging Face TGI: Rust router, Python model server, CUDA graphs for decode, synchronous steps',
  stepS: 1e-3,
  releases: [],
  graphMaxBatch: 128,
  piecewiseGraphMaxTokens: 0,
  citations: {
    ...VLLM.citations,
    stepS: ours('estimate', 'router round trip (gRPC) and Python batch bookkeeping per step'),
    graphMaxBatch: published(
      'TGI docs, launcher arguments',
      '--cuda-graphs 1,2,4,8,16,32 by default (up to 128 configurable)',
    ),
  },
};

const MII: ServingEngine = {
  ...TGI,
  name: 'deepspeed-mii',
  description: 'DeepSpeed-MII / FastGen: Python scheduler (Dynamic SplitFuse), synchronous steps',
  stepS: 1.5e-3,
  graphMaxBatch: 0,
  citations: {
    ...TGI.citations,
    stepS: ours('estimate', 'Python scheduling and ragged batch preparation per step'),
    graphMaxBatch: ours('estimate', 'no CUDA graphs assumed'),
  },
};

const JETSTREAM: ServingEngine = {
  name: 'jetstream',
  description:
    'JetStream (JAX/XLA on TPU): one compiled program per prefill or generate step, detokenization on host threads',
  stepS: 0.5e-3,
  perSequenceS: 1e-6,
  overlapsHost: true,
  ...NO_LAUNCHES,
  tpOverlap: true,
  ...NO_EAGER_STEPS,
  requestS: 0.5e-3,
  maxBatchTokens: 8192,
  memory: { ofTotal: 0.95 },
  decodeAttention: 'grouped',
  fp8FastAccumulation: false,
  releases: [],
  citations: {
    decodeAttention: ours('derived', 'XLA einsums over [KV heads, group] read each cached element once'),
    stepS: ours('estimate', 'program dispatch and result transfer per step'),
    perSequenceS: ours('estimate'),
    overlapsHost: published(
      'JetStream repository (AI-Hypercomputer/JetStream), orchestrator.py',
      'prefill, generate and detokenize run on separate threads',
    ),
    tpOverlap: {
      source:
        'Pope et al., "Efficiently Scaling Transformer Inference" (MLSys 2023), section 3.5; Wang et al., ' +
        '"Overlap Communication with Dependent Computation via Decomposition" (ASPLOS 2023)',
      where:
        'Looped CollectiveEinsum: XLA splits each all-reduce/all-gather into steps that hide behind the partial ' +
        'matmuls',
      status: 'published',
    },
    launchS: ours('derived', 'XLA runs the step as one program: nothing launched per kernel'),
    kernelGapS: ours('derived', 'fused ops of one XLA program, scheduled by the compiler: no launch gaps'),
    allReduceFloorS: ours('derived', "ICI collectives inside the program: their latency is the collective model's"),
    graphMaxBatch: ours('derived', 'every step is a compiled program'),
    piecewiseGraphMaxTokens: ours('derived', 'every step is a compiled program'),
    requestS: ours('estimate'),
    maxBatchTokens: ours('estimate', 'prefill length buckets; a long prompt runs as one program'),
    memory: ours('estimate', 'XLA preallocates most of HBM'),
  },
};

const OTHER: ServingEngine = {
  ...VLLM,
  name: 'other',
  description: 'an engine not described here: vLLM V1 figures',
  releases: [],
};

const IDEAL: ServingEngine = {
  name: 'ideal',
  description: 'no engine: the accelerator alone (no host work, no launch gaps, all memory)',
  stepS: 0,
  perSequenceS: 0,
  overlapsHost: true,
  ...NO_LAUNCHES,
  tpOverlap: false,
  ...NO_EAGER_STEPS,
  requestS: 0,
  maxBatchTokens: UNLIMITED,
  memory: { ofTotal: 1 },
  decodeAttention: 'grouped',
  fp8FastAccumulation: true,
  releases: [],
  citations: {},
};

export const SERVING_ENGINE_PROFILES: Readonly<Record<ServingEngineName, ServingEngine>> = {
  vllm: VLLM,
  trtllm: TRTLLM,
  sglang: SGLANG,
  jetstream: JETSTREAM,
  tgi: TGI,
  'deepspeed-mii': MII,
  other: OTHER,
  ideal: IDEAL,
};

/**
 * Whether a host launches the chip's kernels one by one (GPU-style tensor-core chips) rather than running a compiled
 * program per step.
 */
export function launchesKernels(chip: ChipSpec): boolean {
  return chip.cores.some((c) => c.matrixUnits.some((u) => u.kind === 'tensor-core'));
}

/** The engine people run on a chip: vLLM on GPUs, JetStream on TPU-style chips. */
export function defaultServingEngine(chip: ChipSpec): ServingEngineName {
  return launchesKernels(chip) ? 'vllm' : 'jetstream';
}

/** Bytes of each chip's memory the engine lets the KV cache use beside `weightBytes` of weights. */
export function kvBudgetBytes(engine: ServingEngine, capacityBytes: number, weightBytes: number): number {
  const m = engine.memory;
  return 'ofTotal' in m ? m.ofTotal * capacityBytes - weightBytes : m.ofFree * (capacityBytes - weightBytes);
}

/** Host seconds of one scheduler step over `sequences` sequences. */
export function hostStepSeconds(engine: ServingEngine, sequences: number): number {
  return engine.stepS + engine.perSequenceS * sequences;
}

/**
 * Numeric comparison of dotted versions ('0.6.1' < '0.7'); a non-numeric part (e.g. '7a') counts by its leading digits.
 */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] =>
    v
      .replace(/^v/, '')
      .split('.')
      .map((p) => parseInt(p, 10) || 0);
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * An engine's profile as of `version` (default: the current one): every release change newer than it applied, the
 * oldest last.
 */
export function servingEngineProfile(name: ServingEngineName, version?: string): ServingEngine {
  const base = SERVING_ENGINE_PROFILES[name];
  if (version === undefined) return base;
  const older = base.releases
    .filter((r) => compareVersions(version, r.before) < 0)
    .sort((p, q) => compareVersions(q.before, p.before));
  return Object.assign({}, base, ...older.map((r) => r.changes));
}
