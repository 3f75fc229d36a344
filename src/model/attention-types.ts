/** The attention core as one kernel call: what callers pass to `attentionSeconds` and what it returns. */

/**
 * Which kernel computes attention:
 * - `flash2`: FlashAttention-2 (Dao 2023): scores stay on chip, mma.sync tensor-core instructions, softmax
 *   between the two matmuls of each tile;
 * - `flash3`: FlashAttention-3 (Shah et al. 2024, Hopper): wgmma and TMA, softmax overlapped with the matmuls;
 * - `cudnn`: cuDNN's fused attention (what Transformer Engine runs): FlashAttention-3-like on Hopper and
 *   Blackwell, FlashAttention-2-like before;
 * - `xla`: the TPU compiler's fused attention (Pallas/splash): matmuls on the MXU, softmax on the vector unit;
 * - `fused-sdpa`: Habana's FusedSDPA on Intel Gaudi: matmuls on the MMEs, softmax on the TPCs, pipelined;
 * - `unfused`: two GEMMs with the scores written to memory, masked and softmaxed by separate kernels.
 */
export const ATTENTION_KERNELS = ['flash2', 'flash3', 'cudnn', 'xla', 'fused-sdpa', 'unfused'] as const;
export type AttentionImplementation = (typeof ATTENTION_KERNELS)[number];

/** One attention kernel: queries of `seqQ` positions against `seqK` keys, per head. */
export interface AttentionKernel {
  readonly batch: number;
  readonly heads: number;
  readonly seqQ: number;
  readonly seqK: number;
  readonly qkDim: number;
  readonly valueDim: number;
  /** Causal mask (queries aligned to the last keys when seqQ < seqK, as FlashAttention does). */
  readonly causal: boolean;
  /** The kernel (default: the chip's, `defaultAttentionKernel(chip)`). */
  readonly implementation?: AttentionImplementation;
  /**
   * Older shorthand, read only when `implementation` is absent: false means 'unfused', true
   * FlashAttention-2 where it runs (what the cluster model's `flashAttention` meant), else the chip's
   * default. New callers pass `implementation`.
   */
  readonly fused?: boolean;
}

export interface AttentionTime {
  readonly forwardS: number;
  /** Backward: recomputed scores, the four gradient matmuls, dQ accumulation, pre- and post-processing kernels. */
  readonly backwardS: number;
  /** The kernel that was timed (the default resolved). */
  readonly implementation: AttentionImplementation;
}
