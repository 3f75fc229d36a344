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
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { attentionSeconds, type AttentionImplementation } from '../model/kernels.js';
import { collectiveSeconds as collective } from './collectives.js';
import type { SystemSpec } from './types.js';

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
  /** Key and value bytes per token on this rank. */
  readonly kvBytesPerToken: number;
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
  const send = collective(r.system, 'p2p', chunkBytes, 2, hopStride);
  // Backward: the key/value chunk and its gradient both travel.
  const sendBack = collective(r.system, 'p2p', 2 * chunkBytes, 2, hopStride);
  const steps = r.cp - 1;
  const forwardS = own.forwardS + steps * share * other.forwardS;
  const backwardS = own.backwardS + steps * share * other.backwardS;
  return {
    forwardS,
    backwardS,
    waitForwardS: steps * Math.max(0, send - share * other.forwardS),
    waitBackwardS: steps * Math.max(0, sendBack - share * other.backwardS),
  };
}
