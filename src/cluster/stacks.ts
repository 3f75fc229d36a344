/**
 * The frameworks ("stacks") training runs on, and what each does that changes a step's time: which
 * communication it overlaps with which compute (cluster/overlap.ts) and the precision of its gradient
 * reduction. Each default cites the framework's behaviour.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { TE_P2P_RING, TORCH_CONTEXT_PARALLEL, type ContextParallelStyle } from './ring-attention.js';
import type { TrainingStack } from './types.js';

export interface OverlapPolicy {
  /** Tensor-parallel collectives hide behind the layer's GEMMs (collective matmul / userbuffers). */
  readonly tpOverlap: boolean;
  /** The post-optimizer parameter all-gather (ZeRO-1/2) hides behind the next forward. */
  readonly paramGatherOverlap: boolean;
  /** Gradients are reduced in bf16 (2 bytes) rather than fp32 (4). */
  readonly bf16GradientReduce: boolean;
  /**
   * ZeRO-3 / FSDP: the next layer's parameter gather is issued after the current layer's gradients are
   * computed (PyTorch FSDP's BackwardPrefetch.BACKWARD_POST), so it does not overlap them; false: before
   * (BACKWARD_PRE, PyTorch's default; FSDP2 and DeepSpeed prefetch ahead likewise).
   */
  readonly gatherAfterGradient: boolean;
  /**
   * Expert-parallel all-to-all hidden behind the paired microbatch's compute (Megatron-Core's 1F1B
   * all-to-all overlap, `--overlap-moe-expert-parallel-comm`, opt-in; train-pipeline.ts). DualPipe
   * overlaps it whatever the stack.
   */
  readonly epOverlap: boolean;
}

/** What each stack does by default. Rows and users override through TrainingOptions. */
export const STACK_OVERLAP: Readonly<Record<TrainingStack, OverlapPolicy>> = {
  // Megatron-LM: TP collectives exposed (--tp-comm-overlap is opt-in); distributed optimizer with
  // --overlap-param-gather in the published large-scale recipes; fp32 gradient reduction
  // (--accumulate-allreduce-grads-in-fp32 with bf16). Checked against Megatron-LM core_r0.8.0: arguments.py forces
  // accumulate_allreduce_grads_in_fp32 under --bf16; with the distributed optimizer each bucket is reduce-scattered
  // (param_and_grad_buffer.py), only during the last microbatch's backward (schedules.py runs the others under
  // no_sync), so train-dp.ts hides it behind one backward (train-dp.test.ts).
  megatron: {
    tpOverlap: false,
    paramGatherOverlap: true,
    bf16GradientReduce: false,
    gatherAfterGradient: false,
    epOverlap: false,
  },
  // NeMo's performance recipes turn on TP communication overlap (userbuffers) on Hopper.
  nemo: {
    tpOverlap: true,
    paramGatherOverlap: true,
    bf16GradientReduce: false,
    gatherAfterGradient: false,
    epOverlap: false,
  },
  // XLA on TPU: every collective asynchronous, TP as collective matmuls.
  maxtext: {
    tpOverlap: true,
    paramGatherOverlap: true,
    bf16GradientReduce: false,
    gatherAfterGradient: false,
    epOverlap: false,
  },
  jax: {
    tpOverlap: true,
    paramGatherOverlap: true,
    bf16GradientReduce: false,
    gatherAfterGradient: false,
    epOverlap: false,
  },
  paxml: {
    tpOverlap: true,
    paramGatherOverlap: true,
    bf16GradientReduce: false,
    gatherAfterGradient: false,
    epOverlap: false,
  },
  // PyTorch FSDP stacks: torchtitan reduces in fp32 by default (mixed_precision_reduce float32);
  // LLM Foundry's DEFAULT mixed precision keeps fp32 reduction; DeepSpeed communicates gradients in
  // the model's dtype (communication_data_type defaults to it). LLM Foundry trains through Composer,
  // whose FSDP backward_prefetch defaults to BACKWARD_POST (composer/trainer/dist_strategy.py, v0.13.4
  // to v0.16: fsdp_config.get('backward_prefetch', 'BACKWARD_POST'); the MPT yamls leave it unset).
  torchtitan: {
    tpOverlap: false,
    paramGatherOverlap: false,
    bf16GradientReduce: false,
    gatherAfterGradient: false,
    epOverlap: false,
  },
  'llm-foundry': {
    tpOverlap: false,
    paramGatherOverlap: false,
    bf16GradientReduce: false,
    gatherAfterGradient: true,
    epOverlap: false,
  },
  fsdp: {
    tpOverlap: false,
    paramGatherOverlap: false,
    bf16GradientReduce: false,
    gatherAfterGradient: false,
    epOverlap: false,
  },
  deepspeed: {
    tpOverlap: false,
    paramGatherOverlap: false,
    bf16GradientReduce: true,
    gatherAfterGradient: false,
    epOverlap: false,
  },
  pytorch: {
    tpOverlap: false,
    paramGatherOverlap: false,
    bf16GradientReduce: false,
    gatherAfterGradient: false,
    epOverlap: false,
  },
  other: {
    tpOverlap: false,
    paramGatherOverlap: false,
    bf16GradientReduce: false,
    gatherAfterGradient: false,
    epOverlap: false,
  },
};

/**
 * The fused attention kernel each stack runs on a GPU today: Megatron-LM and NeMo call cuDNN's through
 * Transformer Engine (model/attention.ts: the chip's default kernel); PyTorch stacks call SDPA, whose
 * flash backend is FlashAttention-2; DeepSpeed's Megatron fork and LLM Foundry call flash-attn 2.
 * On TPU-style chips every stack runs XLA's. Runs that used an older kernel name it
 * (TrainingOptions.attention: FlashAttention 1, or the Triton port LLM Foundry's MPT ran in 2023;
 * train-attention.ts).
 */
export const STACK_ATTENTION: Readonly<Record<TrainingStack, 'chip-default' | 'flash2'>> = {
  megatron: 'chip-default',
  nemo: 'chip-default',
  maxtext: 'chip-default',
  jax: 'chip-default',
  paxml: 'chip-default',
  torchtitan: 'flash2',
  'llm-foundry': 'flash2',
  fsdp: 'flash2',
  deepspeed: 'flash2',
  pytorch: 'flash2',
  other: 'chip-default',
};

/**
 * Stacks whose models run their element-wise operators as eager PyTorch kernels (train-layer.ts counts
 * what that moves) unless fused (torch.compile, or the model's own fused kernels: TrainingOptions.fused): plain PyTorch
 * and Hugging Face models, FSDP scripts, torchtitan (compile off by default in its 2024 configs).
 * Megatron-LM, NeMo and DeepSpeed's Megatron fork call fused kernels (Apex/Transformer Engine norms,
 * fused rotary, bias-activation fusions); LLM Foundry's MPT uses low-precision LayerNorm and
 * FlashAttention; XLA fuses everything.
 */
export const STACK_EAGER: Readonly<Record<TrainingStack, boolean>> = {
  megatron: false,
  nemo: false,
  maxtext: false,
  jax: false,
  paxml: false,
  torchtitan: true,
  'llm-foundry': false,
  fsdp: true,
  deepspeed: false,
  pytorch: true,
  other: false,
};

/**
 * What `recompute: selective` recomputes on each stack: Megatron-LM's selective recomputation, the
 * attention core (Korthikanti et al. 2022, section 4.2: `--recompute-granularity selective`), which
 * NeMo and the XLA stacks' attention-only policies share; torchtitan's per-op selective checkpointing
 * (`selective_ac_option = "op"`, parallelize_llama.py at 9dec370: the outputs of matmuls and of the
 * attention kernel saved except every second matmul, everything else recomputed): every second matmul
 * and the element-wise work (train-layer.ts).
 */
export type SelectiveRecompute = 'attention-core' | 'every-other-matmul';
export const STACK_SELECTIVE: Readonly<Record<TrainingStack, SelectiveRecompute>> = {
  megatron: 'attention-core',
  nemo: 'attention-core',
  maxtext: 'attention-core',
  jax: 'attention-core',
  paxml: 'attention-core',
  torchtitan: 'every-other-matmul',
  'llm-foundry': 'attention-core',
  fsdp: 'attention-core',
  deepspeed: 'attention-core',
  pytorch: 'attention-core',
  other: 'attention-core',
};

/**
 * Stacks that run routed experts as Transformer Engine's GroupedLinear, one cuBLAS GEMM per local expert
 * on several streams (Megatron-Core's TEGroupedMLP with --moe-grouped-gemm; NeMo and Megatron-Bridge
 * use it), whose per-expert host work train-moe.ts counts. Other stacks launch one grouped kernel
 * (torch._grouped_mm, XLA's ragged dot) or compile the step.
 */
export const STACK_PER_EXPERT_GEMMS: Readonly<Record<TrainingStack, boolean>> = {
  megatron: true,
  nemo: true,
  maxtext: false,
  jax: false,
  paxml: false,
  torchtitan: false,
  'llm-foundry': false,
  fsdp: false,
  deepspeed: false,
  pytorch: false,
  other: false,
};

/**
 * Stacks that keep fp32 weights and run the step under automatic mixed precision (torch.autocast with
 * bf16), casting each weight in every forward (train-layer.ts, autocastSeconds): plain PyTorch scripts,
 * Hugging Face Trainer and PyTorch Lightning's `bf16-mixed` (the FlashAttention repository's training
 * runs). FSDP stacks cast the shard once before gathering it (MixedPrecision's param_dtype), Megatron-LM,
 * NeMo and DeepSpeed keep bf16 weights beside an fp32 master copy, XLA casts inside the compiled step.
 */
export const STACK_AUTOCAST: Readonly<Record<TrainingStack, boolean>> = {
  megatron: false,
  nemo: false,
  maxtext: false,
  jax: false,
  paxml: false,
  torchtitan: false,
  'llm-foundry': false,
  fsdp: false,
  deepspeed: false,
  pytorch: true,
  other: false,
};

const isTensorCoreChip = (chip: ChipSpec): boolean => chip.cores[0]!.matrixUnits[0]!.kind === 'tensor-core';

/** The stack a chip's published large runs mostly use: Megatron-LM on GPUs, XLA (MaxText) on TPU-style chips. */
/**
 * Stacks that shard parameters through flat buffers and so copy each gathered parameter out of, and
 * each gradient into, the flat buffer around every collective (train-dp.ts prices the copies): PyTorch
 * FSDP (1 and 2, hence torchtitan, LLM Foundry and plain PyTorch scripts) and DeepSpeed ZeRO-3.
 * Megatron-LM, NeMo and XLA gather into persistent buffers in place.
 */
export const STACK_FLAT_COPIES: Readonly<Record<TrainingStack, boolean>> = {
  megatron: false,
  nemo: false,
  maxtext: false,
  jax: false,
  paxml: false,
  torchtitan: true,
  'llm-foundry': true,
  fsdp: true,
  deepspeed: true,
  pytorch: true,
  other: false,
};

/**
 * How each stack's context parallelism moves key/value chunks (ring-attention.ts). torchtitan runs PyTorch's
 * `context_parallel` (its `experimental.context_parallel_rotate_method` defaults to "allgather") on a Llama that
 * repeats grouped key/value heads before the kernel; Megatron-Core and NeMo run Transformer Engine's p2p ring.
 * The other stacks' context parallelism is not modelled apart and takes TE's ring.
 */
export const STACK_CONTEXT_PARALLEL: Readonly<Record<TrainingStack, ContextParallelStyle>> = {
  megatron: TE_P2P_RING,
  nemo: TE_P2P_RING,
  maxtext: TE_P2P_RING,
  jax: TE_P2P_RING,
  paxml: TE_P2P_RING,
  torchtitan: TORCH_CONTEXT_PARALLEL,
  'llm-foundry': TE_P2P_RING,
  fsdp: TE_P2P_RING,
  deepspeed: TE_P2P_RING,
  pytorch: TE_P2P_RING,
  other: TE_P2P_RING,
};

export const defaultStack = (chip: ChipSpec): TrainingStack => (isTensorCoreChip(chip) ? 'megatron' : 'maxtext');
