/**
 * The attention core of one layer under context parallelism, as ring attention runs it (Liu et al.
 * 2023, "Ring Attention with Blockwise Transformers"; Megatron-Core's context parallelism through
 * Transformer Engine's `AttnFuncWithCPAndKVP2P`): each of the cp ranks holds 1/cp of the sequence's
 * queries, keys and values; in cp steps it attends its queries to one key/value chunk while the next
 * chunk arrives from its ring neighbour. A step takes the longer of the chunk's kernel and the chunk's
 * transfer; the backward pass sends the key/value chunk and its gradient around the ring likewise.
 *
 * Causal masking is balanced over the ranks (each holds two half-chunks, one from each end of the
 * sequence, as Megatron-Core's and TE's load balancing does): every step but the first computes half of
 * a full chunk-by-chunk block, the first (the rank's own chunk) is causal.
 *
 * How the chunks travel is the stack's (ContextParallelStyle): TE's ring sends one chunk a step, its
 * gradient back likewise in bf16. PyTorch's `context_parallel` (torch.distributed.tensor.experimental.
 * _attention, which torchtitan runs) gathers every rank's keys and values at once by default
 * (`_cp_options.rotate_method = ALL_GATHER`: issued before the first step, waited for at the second, so
 * only the own chunk's kernel hides it), in the forward, the recomputed forward and again in the
 * backward; the backward passes the key/value gradients one step at a time in fp32
 * (`convert_to_f32 = True`, an all-to-all rotation each step, waited for after the next step's kernel
 * and, for the last, after the loop).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { attentionSeconds, type AttentionImplementation } from '../model/kernels.js';
import { collectiveSeconds as collective } from './collectives.js';
import type { SystemSpec } from './types.js';

/** How a stack's context parallelism moves key/value chunks (see the file comment). */
export interface ContextParallelStyle {
  /** One chunk a step around the ring, or all chunks gathered at the first step. */
  readonly rotation: 'ring' | 'all-gather';
  /**
   * Grouped key/value heads repeated to the query heads before the kernel, so the chunks carry every query
   * head's keys and values (torchtitan's Llama: `repeat_kv` before `scaled_dot_product_attention`).
   */
  readonly repeatedKv: boolean;
  /** Bytes per key/value gradient element passed back around the ring. */
  readonly gradientBytes: number;
}

/** Transformer Engine's `AttnFuncWithCPAndKVP2P` (Megatron-Core, NeMo): a p2p ring of grouped heads in bf16. */
export const TE_P2P_RING: ContextParallelStyle = { rotation: 'ring', repeatedKv: false, gradientBytes: 2 };
/** PyTorch's `context_parallel` defaults (all-gather rotation, fp32 gradients) under torchtitan's repeated heads. */
export const TORCH_CONTEXT_PARALLEL: ContextParallelStyle = {
  rotation: 'all-gather',
  repeatedKv: true,
  gradientBytes: 4,
};

export interface RingAttentionInput {
  readonly chip: ChipSpec;
  readonly system: SystemSpec;
  readonly dtype: string;
  readonly implementation: AttentionImplementation;
  readonly batch: number;
  /** Query heads on this rank (after tensor parallelism). */
  readonly heads: number;
  readonly seq: number;
  readonly cp: number;
  /** Ring neighbours are `stride` chips apart (the tensor-parallel ranks inside). */
  readonly stride: number;
  readonly qkDim: number;
  readonly valueDim: number;
  readonly causal: boolean;
  /** Key and value bytes per token on this rank, as the chunks carry them (bf16). */
  readonly kvBytesPerToken: number;
  /** How the chunks travel (default TE_P2P_RING). */
  readonly style?: ContextParallelStyle;
}

export interface RingAttentionTime {
  /** The forward and backward kernels' own time. */
  readonly forwardS: number;
  readonly backwardS: number;
  /** Time the kernels wait for chunks, forward and backward (the ring's exposed communication). */
  readonly waitForwardS: number;
  readonly waitBackwardS: number;
}

export function ringAttention(r: RingAttentionInput): RingAttentionTime {
  const chunk = r.seq / r.cp;
  const kernel = (causal: boolean) =>
    attentionSeconds(r.chip, r.dtype, {
      batch: r.batch,
      heads: r.heads,
      seqQ: chunk,
      seqK: chunk,
      qkDim: r.qkDim,
      valueDim: r.valueDim,
      causal,
      implementation: r.implementation,
    });
  const own = kernel(r.causal);
  const other = kernel(false);
  // Balanced causal masking: the blocks off the diagonal are half computed.
  const share = r.causal ? 0.5 : 1;
  const chunkBytes = r.batch * chunk * r.kvBytesPerToken;
  // Each step every rank sends to its neighbour at once; the ring runs at its slowest hop, which
  // leaves the scale-up domain when the cp ranks span more than one.
  const domain = r.system.tiers[0]!.domainChips;
  const hopStride = r.cp * r.stride > domain ? Math.max(r.stride, domain) : r.stride;
  const style = r.style ?? TE_P2P_RING;
  // The gradient of a chunk: its keys and values in the style's gradient format.
  const gradBytes = (chunkBytes * style.gradientBytes) / 2;
  const steps = r.cp - 1;
  const forwardS = own.forwardS + steps * share * other.forwardS;
  const backwardS = own.backwardS + steps * share * other.backwardS;
  if (style.rotation === 'all-gather') {
    const gather = collective(r.system, 'all-gather', r.cp * chunkBytes, r.cp, r.stride);
    const sendGrad = collective(r.system, 'p2p', gradBytes, 2, hopStride);
    return {
      forwardS,
      backwardS,
      waitForwardS: Math.max(0, gather - own.forwardS),
      // The gather again behind the own chunk; each gradient behind the next step's kernel, the last behind none.
      waitBackwardS:
        Math.max(0, gather - own.backwardS) + steps * Math.max(0, sendGrad - share * other.backwardS) + sendGrad,
    };
  }
  const send = collective(r.system, 'p2p', chunkBytes, 2, hopStride);
  // Backward: the key/value chunk and its gradient both travel.
  const sendBack = collective(r.system, 'p2p', chunkBytes + gradBytes, 2, hopStride);
  return {
    forwardS,
    backwardS,
    waitForwardS: steps * Math.max(0, send - share * other.forwardS),
    waitBackwardS: steps * Math.max(0, sendBack - share * other.backwardS),
  };
}
