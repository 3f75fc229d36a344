/**
 * Which communication overlaps which computation in a training step, by framework ("stack"), with the
 * limits that decide how much of it hides: one communication stream per process group, how far ahead
 * parameters are prefetched, and the compute a GPU loses to the communication kernels that run beside
 * it. docs/cluster.md, "Overlap", states the model; each default below cites the framework's behaviour.
 *
 * - Data-parallel gradient reduction (ZeRO 0-2): bucketed during the backward pass of the last
 *   microbatch (PyTorch DDP buckets; Megatron-LM `--overlap-grad-reduce`; XLA async collectives);
 *   the last bucket cannot hide.
 * - Parameter all-gather after the optimizer (ZeRO-1/2, Megatron's distributed optimizer): hidden
 *   behind the next forward pass where the stack overlaps it (`--overlap-param-gather`, XLA), else exposed.
 * - ZeRO-3 / FSDP: each layer's parameters gathered before its forward and again before its backward,
 *   gradients reduce-scattered after its backward, on ONE stream: in the backward pass a layer's
 *   gather and the next layer's reduce-scatter queue behind each other (Zhao et al. 2023, "PyTorch
 *   FSDP", VLDB, section 3.3.2: backward prefetching issues the next all-gather before the current
 *   reduce-scatter because both share a single NCCL stream); one layer of prefetch; the first gather
 *   and the last reduce-scatter of each microbatch are exposed.
 * - Tensor-parallel collectives: exposed in Megatron-LM and PyTorch stacks unless communication
 *   overlap is on (Transformer Engine userbuffers); on TPUs XLA decomposes them into collective
 *   matmuls that hide behind the GEMMs (Wang et al. 2023, "Overlap Communication with Dependent
 *   Computation via Decomposition in Large Deep Learning Models", ASPLOS), exposing one step of tp.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { coreCount } from '../arch/derive.js';
import type { Citation } from '../arch/chip-spec.js';
import type { TrainingStack } from './types.js';

export interface OverlapPolicy {
  /** Tensor-parallel collectives hide behind the layer's GEMMs (collective matmul / userbuffers). */
  readonly tpOverlap: boolean;
  /** The post-optimizer parameter all-gather (ZeRO-1/2) hides behind the next forward. */
  readonly paramGatherOverlap: boolean;
  /** Gradients are reduced in bf16 (2 bytes) rather than fp32 (4). */
  readonly bf16GradientReduce: boolean;
}

/** What each stack does by default. Rows and users override through TrainingOptions. */
export const STACK_OVERLAP: Readonly<Record<TrainingStack, OverlapPolicy>> = {
  // Megatron-LM: TP collectives exposed (--tp-comm-overlap is opt-in); distributed optimizer with
  // --overlap-param-gather in the published large-scale recipes; fp32 gradient reduction
  // (--accumulate-allreduce-grads-in-fp32 with bf16).
  megatron: { tpOverlap: false, paramGatherOverlap: true, bf16GradientReduce: false },
  // NeMo's performance recipes turn on TP communication overlap (userbuffers) on Hopper.
  nemo: { tpOverlap: true, paramGatherOverlap: true, bf16GradientReduce: false },
  // XLA on TPU: every collective asynchronous, TP as collective matmuls.
  maxtext: { tpOverlap: true, paramGatherOverlap: true, bf16GradientReduce: false },
  jax: { tpOverlap: true, paramGatherOverlap: true, bf16GradientReduce: false },
  paxml: { tpOverlap: true, paramGatherOverlap: true, bf16GradientReduce: false },
  // PyTorch FSDP stacks: torchtitan reduces in fp32 by default (mixed_precision_reduce float32);
  // LLM Foundry's DEFAULT mixed precision keeps fp32 reduction; DeepSpeed communicates gradients in
  // the model's dtype (communication_data_type defaults to it).
  torchtitan: { tpOverlap: false, paramGatherOverlap: false, bf16GradientReduce: false },
  'llm-foundry': { tpOverlap: false, paramGatherOverlap: false, bf16GradientReduce: false },
  fsdp: { tpOverlap: false, paramGatherOverlap: false, bf16GradientReduce: false },
  deepspeed: { tpOverlap: false, paramGatherOverlap: false, bf16GradientReduce: true },
  pytorch: { tpOverlap: false, paramGatherOverlap: false, bf16GradientReduce: false },
  other: { tpOverlap: false, paramGatherOverlap: false, bf16GradientReduce: false },
};

/**
 * SMs NCCL's kernels hold while a collective runs (its CTAs do not share an SM with compute kernels):
 * 16 on a DGX with 8 NICs. NVIDIA/nccl issue #689, S. Jeaugey (NCCL lead): "If you are on DGX with 8
 * NICs and a top speed of 190 GB/s, then it would use 16 SMs"; "NCCL CTAs won't share an SM with
 * compute kernels".
 */
export const NCCL_NETWORK_SMS = 16;
export const NCCL_NETWORK_SMS_CITATION: Citation = {
  source: 'NVIDIA/nccl issue #689',
  where: 'S. Jeaugey, 2023: DGX with 8 NICs uses 16 SMs; NCCL CTAs do not share an SM with compute',
  status: 'published',
};

/**
 * The share of compute a chip loses while a collective overlaps it: NCCL's SMs on GPU-style chips;
 * none on TPU-style chips, whose ICI and DCN transfers run on DMA engines beside the cores.
 */
export function overlapComputeLoss(chip: ChipSpec): number {
  const unit = chip.cores[0]!.matrixUnits[0]!;
  if (unit.kind !== 'tensor-core') return 0;
  return Math.min(0.5, NCCL_NETWORK_SMS / coreCount(chip));
}

/**
 * Time of `computeS` of work with `commS` of communication beside it on a chip that loses `loss` of
 * its compute while communicating: the communication that does not fit under the compute is exposed,
 * and the compute it overlaps runs slower.
 */
export function overlapped(computeS: number, commS: number, loss: number): { readonly totalS: number; readonly exposedS: number } {
  const covered = Math.min(commS, computeS / (1 - loss));
  // While `covered` seconds of communication run, compute proceeds at (1 - loss).
  const computeDone = covered * (1 - loss);
  const totalS = covered + (computeS - computeDone) + (commS - covered);
  return { totalS, exposedS: totalS - computeS };
}
