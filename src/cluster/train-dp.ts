/**
 * Data-parallel communication of a training step and how much of it the step exposes, by ZeRO stage
 * (Rajbhandari et al. 2020, "ZeRO", section 5; Zhao et al. 2023, "PyTorch FSDP"), with the overlap
 * limits of cluster/overlap.ts:
 *
 * - ZeRO 0: gradients all-reduced once per step, bucketed during the last microbatch's backward.
 * - ZeRO 1/2 (Megatron's distributed optimizer): gradients reduce-scattered once per step during the
 *   last backward, parameters all-gathered after the optimizer (hidden behind the next forward where
 *   the stack overlaps it). DeepSpeed's ZeRO-2 keeps only its gradient shard, so it reduce-scatters
 *   every microbatch.
 * - ZeRO 3 / FSDP full sharding: per microbatch, each layer's parameters gathered for its forward and
 *   again for its backward and its gradients reduce-scattered, on one stream with one layer of
 *   prefetch: forward L x max(f, g) + g, backward L x max(b, g + r) + g + r (f, b: a layer's compute;
 *   g, r: its gather and reduce-scatter); with the gather issued after the gradients (FSDP's
 *   BACKWARD_POST), backward L x (g + max(b, r)) + r.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { collectiveSeconds as collective } from './collectives.js';
import { streamSeconds } from '../model/kernels.js';
import { collectiveSms, overlapComputeLoss, overlapped } from './overlap.js';
import { STACK_FLAT_COPIES } from './stacks.js';
import type { SystemSpec, TrainingPlan, TrainingStack } from './types.js';

export interface DpInput {
  readonly chip: ChipSpec;
  readonly system: SystemSpec;
  readonly plan: TrainingPlan;
  readonly stack: TrainingStack;
  readonly microbatches: number;
  /** Layers on the busiest stage (a fraction when layers do not split evenly is rounded up by the caller). */
  readonly stageLayers: number;
  /** Parameters on one chip before ZeRO sharding: dense and expert. */
  readonly denseParams: number;
  readonly expertParams: number;
  readonly gradientBytes: number;
  /** One microbatch's forward and backward on the stage. */
  readonly forwardS: number;
  readonly backwardS: number;
  readonly paramGatherOverlap: boolean;
  /**
   * ZeRO-3: the next layer's gather is issued after the current layer's gradients (FSDP's BACKWARD_POST), not before.
   */
  readonly gatherAfterGradient: boolean;
  /** Format of element-wise work (for the flat-buffer copies). */
  readonly dtype: string;
}

export interface DpTime {
  /** Communication the step exposes (including the compute it slows while overlapped). */
  readonly exposedS: number;
  /** All data-parallel communication of the step, before overlap. */
  readonly totalS: number;
}

/**
 * Bytes per parameter that PyTorch FSDP moves through memory around each collective besides the
 * collective itself: an all-gather's output is copied out of the flat buffer into the layer's
 * parameters (FSDP2's `split_with_sizes_copy`, FSDP1's unflatten views of a padded flat parameter):
 * 2 bytes read and 2 written per bf16 parameter; a reduce-scatter's input is copied into the flat
 * buffer in the reduce dtype (`foreach_reduce`: bf16 gradients read, fp32 written): 2 + 4 bytes
 * (Zhao et al. 2023, "PyTorch FSDP", section 3.2, FlatParameter; PyTorch's FSDP2 design notes on
 * copy-in and copy-out). DeepSpeed's ZeRO-3 likewise flattens partitions into contiguous buffers.
 * Megatron-LM and XLA gather into persistent buffers in place.
 */
const FSDP_GATHER_COPY_BYTES = 4;
const FSDP_REDUCE_COPY_BYTES = 6;

/** Bucket of the last gradients reduced after the backward ends (PyTorch DDP's default bucket: 25 MiB). */
const LAST_BUCKET_BYTES = 25 * 2 ** 20;

function zero3(d: DpInput, dpGroup: number, loss: number): DpTime {
  const { system, plan } = d;
  const layers = Math.max(1, d.stageLayers);
  const layerParams = (d.denseParams + d.expertParams / plan.ep) / layers;
  const g = collective(system, 'all-gather', layerParams * 2, dpGroup, plan.tp);
  const r = collective(system, 'reduce-scatter', layerParams * d.gradientBytes, dpGroup, plan.tp);
  const f = d.forwardS / layers;
  const b = d.backwardS / layers;
  const forward = overlapped(f, g, loss);
  // Issued before the layer's gradients, the next gather and this layer's reduce-scatter queue on the
  // one stream beside them; issued after (BACKWARD_POST: FSDP's post-backward hook reshards, prefetches,
  // then reduce-scatters), the gather waits alone and only the reduce-scatter overlaps the next layer.
  const backward = d.gatherAfterGradient ? g + overlapped(b, r, loss).exposedS : overlapped(b, g + r, loss).exposedS;
  // PyTorch FSDP and DeepSpeed gather into and reduce from flat buffers: copies on the compute stream.
  const copyS = STACK_FLAT_COPIES[d.stack]
    ? streamSeconds(d.chip, d.dtype, layers * layerParams * (FSDP_GATHER_COPY_BYTES * 2 + FSDP_REDUCE_COPY_BYTES), 0)
    : 0;
  // The first gather of each pass and the last reduce-scatter have nothing to hide behind (the
  // backward's first gather is already in `backward` when gathers follow the gradients).
  const perMicrobatch = layers * (forward.exposedS + backward) + (d.gatherAfterGradient ? g : 2 * g) + r + copyS;
  return { exposedS: d.microbatches * perMicrobatch, totalS: d.microbatches * (layers * (2 * g + r) + copyS) };
}

/** The step's exposed data-parallel communication. */
export function dataParallelTime(d: DpInput): DpTime {
  const { system, plan } = d;
  const dpGroup = plan.dp * plan.cp;
  if (dpGroup <= 1) return { exposedS: 0, totalS: 0 };
  const loss = overlapComputeLoss(d.chip, collectiveSms(system, dpGroup, plan.tp));
  if (plan.zero === 3) return zero3(d, dpGroup, loss);
  const gradBytes = d.denseParams * d.gradientBytes;
  const expertGradBytes = (d.expertParams / plan.ep) * d.gradientBytes;
  const reduce = plan.zero === 0 ? 'all-reduce' : 'reduce-scatter';
  let gradS = collective(system, reduce, gradBytes, dpGroup, plan.tp);
  if (dpGroup / plan.ep > 1 && expertGradBytes > 0)
    gradS += collective(system, reduce, expertGradBytes, dpGroup / plan.ep, plan.tp * plan.ep);
  // DeepSpeed's ZeRO-2 reduce-scatters each microbatch's gradients into the rank's shard.
  const reductions = plan.zero === 2 && d.stack === 'deepspeed' ? d.microbatches : 1;
  const lastBucket = Math.min(gradS, collective(system, reduce, LAST_BUCKET_BYTES, dpGroup, plan.tp));
  let exposedS: number;
  if (plan.overlapGradients) {
    // Every reduction but the last hides behind a backward pass; the last behind the last microbatch's backward, less
    // its final bucket.
    const hidden = overlapped(d.backwardS, gradS - lastBucket, loss);
    exposedS = reductions * hidden.exposedS + lastBucket;
  } else {
    exposedS = reductions * gradS;
  }
  let gatherS = 0;
  if (plan.zero >= 1) {
    gatherS = collective(system, 'all-gather', (d.denseParams + d.expertParams / plan.ep) * 2, dpGroup, plan.tp);
    exposedS += d.paramGatherOverlap ? overlapped(d.forwardS, gatherS, loss).exposedS : gatherS;
  }
  return { exposedS, totalS: reductions * gradS + gatherS };
}
