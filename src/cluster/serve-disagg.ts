/**
 * Disaggregated prefill and decode (DistServe, Zhong et al., OSDI 2024; Splitwise, Patel et al., ISCA
 * 2024): prompts are prefilled on one pool of replicas, their KV cache sent over the system's network to
 * a replica of a second pool, which only decodes, so prefills never stall decode steps and each pool
 * takes its own parallelism.
 *
 * - Prefill pool: each replica prefills prompts in passes of up to the engine's tokens per step (and
 *   the prompts its memory holds); its capacity is prompts per second at that pass size.
 * - KV transfer: each prefill chip sends its shard of the prompt's KV cache to its decode peer, all in
 *   parallel, as a point-to-point transfer `prefillChips` chips away (so over whichever tier spans both
 *   pools: NVLink inside an NVL72, InfiniBand between DGX nodes; collectives.ts and transports.ts price it).
 *   Time to first token = request overhead + prefill + transfer.
 * - Decode pool: each replica decodes `decodeBatch` sequences, decode-only steps; capacity
 *   decodeBatch / ((output - 1) x TPOT) requests per second.
 * - The served rate is the lower capacity; the balanced split gives each pool the chips that make the two
 *   capacities equal (the ratio DistServe's placement search sets).
 */
import { collectiveCost } from './collectives.js';
import { prefillPromptTokens } from './serve-kv.js';
import { prefillSeconds } from './serve-step.js';
import { kvBytesPerTokenPerChip, maxBatch, servingPoint, type ServingContext, type ServingPoint } from './serve.js';

export interface DisaggregatedPoint {
  readonly ttftS: number;
  /** The KV cache's transfer from the prefill to the decode pool, inside ttftS. */
  readonly kvTransferS: number;
  /** Bytes of one request's KV cache sent between the pools (whole replica). */
  readonly kvTransferBytes: number;
  readonly tpotS: number;
  readonly prefillRequestsPerS: number;
  readonly decodeRequestsPerS: number;
  readonly requestsPerS: number;
  readonly tokensPerS: number;
  readonly tokensPerSPerChip: number;
  readonly bound: 'prefill' | 'decode';
  /** Chips of the prefill pool (of the two pools' total) at which the capacities match. */
  readonly balancedPrefillChips: number;
  /** The decode replica at its batch (memory, fits). */
  readonly decode: ServingPoint;
}

/**
 * Pools of `prefillChips` and `decodeChips`, replicas of `prefill` and `decode` (their tp x pp); each decode replica
 * runs `decodeBatch` sequences.
 */
export function disaggregatedPoint(
  prefill: ServingContext,
  decode: ServingContext,
  pools: { readonly prefillChips: number; readonly decodeChips: number; readonly decodeBatch: number },
  prompt: number,
  output: number,
): DisaggregatedPoint {
  const perPrefill = prefill.tp * prefill.pp;
  const perDecode = decode.tp * decode.pp;
  const fresh = prefillPromptTokens(prefill.kvCache, prompt);
  // A pass holds the prompts the engine's tokens per step allow, no more than the prefill replica's memory holds.
  const passPrompts = Math.max(
    1,
    Math.min(Math.floor(prefill.engine.maxBatchTokens / fresh), maxBatch(prefill, prompt, 1)),
  );
  const prefillS = prefillSeconds(prefill, 1, fresh).lastS;
  const prefillCapacity =
    (Math.floor(pools.prefillChips / perPrefill) * passPrompts) / prefillSeconds(prefill, passPrompts, fresh).lastS;
  const shardBytes = kvBytesPerTokenPerChip(prefill) * prompt;
  const kvTransferS = collectiveCost(prefill.system, 'p2p', shardBytes, {
    size: 2,
    stride: pools.prefillChips,
  }).seconds;
  const point = servingPoint(decode, pools.decodeBatch, prompt, output);
  const decodeCapacity =
    (Math.floor(pools.decodeChips / perDecode) * pools.decodeBatch) /
    (Math.max(1, output - 1) * Math.max(point.tpotS, 1e-12));
  const requestsPerS = Math.min(prefillCapacity, decodeCapacity);
  const chips = pools.prefillChips + pools.decodeChips;
  // Capacities per chip of each pool; the split that equalises them.
  const perChipPrefill = prefillCapacity / pools.prefillChips;
  const perChipDecode = decodeCapacity / pools.decodeChips;
  return {
    ttftS: prefill.engine.requestS + prefillS + kvTransferS,
    kvTransferS,
    kvTransferBytes: shardBytes * perPrefill,
    tpotS: point.tpotS,
    prefillRequestsPerS: prefillCapacity,
    decodeRequestsPerS: decodeCapacity,
    requestsPerS,
    tokensPerS: requestsPerS * output,
    tokensPerSPerChip: (requestsPerS * output) / chips,
    bound: prefillCapacity < decodeCapacity ? 'prefill' : 'decode',
    balancedPrefillChips: (chips * perChipDecode) / (perChipPrefill + perChipDecode),
    decode: point,
  };
}
