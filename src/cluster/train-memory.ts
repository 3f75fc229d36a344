/**
 * Memory per chip of a training step: bf16 weights, gradients and fp32 master weights with Adam's two
 * moments (sharded by the ZeRO stage), and the activations of the microbatches in flight
 * (Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models", section 4).
 */
import type { LayerShape, TransformerModel } from './transformer.js';
import type { TrainingPlan } from './types.js';

/**
 * The activation bytes one layer keeps per microbatch for its backward pass (Korthikanti et al. 2022,
 * eq. 1-2, generalized to any MLP width): per layer s b h (34 + 5 a s / h) bytes without parallelism,
 * that is 34 h + 5 a s bytes per token, the 5 a s being the attention scores, softmax and dropout mask.
 */
export function activationBytesPerLayer(
  shape: LayerShape,
  model: TransformerModel,
  plan: TrainingPlan,
  flash: boolean,
): number {
  const s = plan.seq / plan.cp;
  const b = plan.microbatch;
  const h = model.hidden;
  const t = plan.tp;
  if (plan.recompute === 'full') return (2 * s * b * h) / (plan.sequenceParallel ? t : 1);
  const mlp = shape.mlp;
  const ffn = mlp.kind === 'dense' ? mlp.ffn : mlp.topK * mlp.ffn + mlp.sharedExperts * mlp.sharedFfn;
  // Per token, in bytes: attention block 11h + 5as (scores, softmax, dropout mask; the scores are over
  // the full sequence of keys), MLP 3h + 4 ffn (19h at ffn = 4h), two norms 4h. Without sequence
  // parallelism the 10h of norm and dropout tensors are not split over the tensor-parallel ranks.
  const scoreBytesPerToken = flash || plan.recompute === 'selective' ? 0 : (5 * shape.heads * plan.seq) / t;
  const split = 11 + 3 + (4 * ffn) / h + 4 - 10;
  const perToken = plan.sequenceParallel ? ((split + 10) * h) / t : 10 * h + (split * h) / t;
  return s * b * (perToken + scoreBytesPerToken);
}

export interface MemoryInput {
  readonly localParams: number;
  /** Members of the data-parallel group (dp x cp) that ZeRO shards over. */
  readonly dpGroup: number;
  readonly gradientBytes: number;
  /** Activation bytes of all the stage's layers for one microbatch. */
  readonly activationBytes: number;
  readonly microbatches: number;
  readonly tokens: number;
  /** Layers on the chip's stage (ZeRO-3 gathers one at a time). */
  readonly stageLayers: number;
}

export interface MemoryParts {
  readonly weightsBytes: number;
  readonly gradientBytes: number;
  readonly optimizerBytes: number;
  readonly activationBytes: number;
  readonly totalBytes: number;
}

/** Weights, gradients, optimizer state and in-flight activations on one chip. */
export function memoryParts(model: TransformerModel, plan: TrainingPlan, m: MemoryInput): MemoryParts {
  const { pp } = plan;
  // ZeRO-3 holds a layer's gathered parameters while it runs and the next layer's prefetched, and the
  // layer's unsharded gradients until they are reduce-scattered (FSDP's unshard / reshard; Zhao et al. 2023).
  const layerParams = m.localParams / Math.max(1, m.stageLayers);
  const gathered = plan.zero === 3 && m.dpGroup > 1 ? 2 * layerParams * 2 : 0;
  const unsharded = plan.zero === 3 && m.dpGroup > 1 ? layerParams * m.gradientBytes : 0;
  const weightsBytes = (m.localParams * 2) / (plan.zero === 3 ? m.dpGroup : 1) + gathered;
  const gradientBytes = (m.localParams * m.gradientBytes) / (plan.zero >= 2 ? m.dpGroup : 1) + unsharded;
  const optimizerBytes = (m.localParams * 12) / (plan.zero >= 1 ? m.dpGroup : 1);
  // 1F1B keeps up to pp microbatches in flight on the first stage (interleaving adds a fraction).
  const inFlight = Math.min(pp * (plan.interleave > 1 ? 1 + (pp - 1) / (pp * plan.interleave) : 1), m.microbatches);
  // The last stage (the only one without pipelining) also holds the fp32 logits.
  const activationBytes = m.activationBytes * inFlight + (pp === 1 ? m.tokens * (model.vocab / plan.tp) * 4 : 0);
  return {
    weightsBytes,
    gradientBytes,
    optimizerBytes,
    activationBytes,
    totalBytes: weightsBytes + gradientBytes + optimizerBytes + activationBytes,
  };
}

/**
 * Memory a training process cannot give its tensors: the CUDA context and library workspaces (cuBLAS,
 * cuDNN), NCCL's communication buffers (NCCL_BUFFSIZE, 4 MiB per channel, peer and protocol, for each
 * communicator: data, tensor and pipeline groups) and, on GPU stacks, the caching allocator's
 * fragmentation (PyTorch's CUDA memory-management notes; `expandable_segments` exists to reduce it).
 * Both are estimates: 2 GiB reserved and 5% of the rest fragmented on GPU-style chips; on TPUs XLA
 * plans buffers statically, so only the reserve (runtime, program and collective buffers) applies.
 */
export const RUNTIME_RESERVE_BYTES = 2 * 2 ** 30;
export const GPU_FRAGMENTATION_SHARE = 0.05;

/** The bytes of a chip's memory a training step may fill. */
export function usableMemoryBytes(capacityBytes: number, gpu: boolean): number {
  return Math.max(0, (capacityBytes - RUNTIME_RESERVE_BYTES) * (gpu ? 1 - GPU_FRAGMENTATION_SHARE : 1));
}
