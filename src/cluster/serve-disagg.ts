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
 * - Hand-off (`handoffSeconds`): a proxy sends each request twice, as vLLM's disaggregated proxies do
 *   (tests/v1/kv_connector/nixl_integration/toy_proxy_server.py, disagg_proxy_demo.py): first to a prefill
 *   replica with max_tokens = 1, not streamed, which runs the request's whole lifecycle (admission, prefill,
 *   one sampled token, response); then, once that response is back, the same request to a decode replica,
 *   which admits it again. The decode replica's scheduler parks it (WAITING_FOR_REMOTE_KVS) in one step,
 *   starts the KV load, and learns the load finished from a later step's output (vllm/v1/core/sched/
 *   scheduler.py, _update_waiting_for_remote_kv: "populated on the previous steps()'s update_from_output");
 *   with the whole prompt received it recomputes the last prompt token ("num_computed_tokens -= 1"), so the
 *   first token comes from one more step of the decode batch.
 *   Time to first token = prefill request + prefill + hand-off + transfer.
 * - Decode pool: each replica decodes `decodeBatch` sequences, decode-only steps; capacity
 *   decodeBatch / ((output - 1) x TPOT) requests per second.
 * - The served rate is the lower capacity; the balanced split gives each pool the chips that make the two
 *   capacities equal (the ratio DistServe's placement search sets).
 */
import { collectiveCost } from './collectives.js';
import { prefillPromptTokens } from './serve-kv.js';
import { prefillSeconds } from './serve-step.js';
import { kvBytesPerTokenPerChip, maxBatch, servingPoint, type ServingContext, type ServingPoint } from './serve.js';
import { hostStepSeconds } from './serving-engines.js';

/**
 * Seconds a disaggregated request spends in the proxy and the HTTP hops it adds: two requests instead of one, the
 * prefill response read whole (JSON) before the decode request is sent, the decode request's dispatch. Not published:
 * tpusim's fit (status 'estimate'), the one constant fitted to validation/data/serving/mooncake-vllm-disagg.yaml: the
 * minimum of the mean relative error over its five calibration TTFT rows (H800 1P1D at 512, 1,024, 8,192 and 16,384
 * tokens, A10 4P2D tp 2), 38.6 ms, set by the short prompts, where the hand-off dominates (measured 59.9 and 67.3 ms,
 * the rest of the model 21.3 and 28.8 ms). Its order agrees with vLLM pull request #51919 (NixlConnector, 3P1D): the
 * decode-side hand-over costs ~197 ms p50 against a ~29 ms transfer, "recomputing a token the prefill already
 * sampled, waiting for engine-step boundaries, and serial router dispatch". Applies to engines with a request front
 * end (engine.requestS > 0); the 'ideal' engine has none.
 */
export const PROXY_HANDOFF_S = 38.6e-3;

/**
 * The decode side of the hand-off and the proxy: the decode replica's admission of the second request, one scheduler
 * step that parks it and starts the KV load, one step that reports the load finished (KV transfer between them, not
 * counted here) and the step that recomputes the last prompt token and samples the first (one TPOT of its batch).
 * Steps of an idle replica are its host work alone; a busy replica's steps are its decode steps.
 */
export function handoffSeconds(decode: ServingContext, decodeBatch: number, tpotS: number): number {
  const frontEnd = decode.engine.requestS > 0;
  const stepS = decodeBatch > 1 ? tpotS : hostStepSeconds(decode.engine, 1);
  return (frontEnd ? PROXY_HANDOFF_S : 0) + decode.engine.requestS + 2 * stepS + tpotS;
}

export interface DisaggregatedPoint {
  readonly ttftS: number;
  /** The KV cache's transfer from the prefill to the decode pool, inside ttftS. */
  readonly kvTransferS: number;
  /** Bytes of one request's KV cache sent between the pools (whole replica). */
  readonly kvTransferBytes: number;
  /** The proxy's and the decode replica's part of ttftS beside the transfer (handoffSeconds). */
  readonly handoffS: number;
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
  const handoffS = handoffSeconds(decode, pools.decodeBatch, point.tpotS);
  return {
    ttftS: prefill.engine.requestS + prefillS + handoffS + kvTransferS,
    kvTransferS,
    kvTransferBytes: shardBytes * perPrefill,
    handoffS,
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

/** Mean latencies of disaggregated pools under Poisson arrivals at `requestsPerS` (disaggregatedAtRate). */
export interface DisaggregatedLoad {
  readonly requestsPerS: number;
  /** Busy share of each prefill replica: its arrivals x one prompt's prefill. */
  readonly prefillUtilisation: number;
  /** Mean wait for a prefill replica (M/D/1), inside ttftS. */
  readonly prefillWaitS: number;
  /** Mean time to first token: prefill request + wait + prefill + hand-off + KV transfer. */
  readonly ttftS: number;
  /** Sequences each decode replica runs, by Little's law at the TPOT they run at. */
  readonly decodeBatch: number;
  readonly tpotS: number;
  readonly kvTransferS: number;
  /** The proxy's and the decode replica's part of ttftS beside the transfer (handoffSeconds). */
  readonly handoffS: number;
  /** False when the prefill pool's utilisation reaches 1 or the decode batch outgrows memory: no steady state. */
  readonly stable: boolean;
  readonly reasons: readonly string[];
}

/** The largest decode batch the fixed point is followed to (a stable decode pool settles far below). */
const MAX_DECODE_BATCH = 4096;

/**
 * Mean TTFT and TPOT of the pools when requests arrive as a Poisson stream at `requestsPerS`, split evenly over the
 * replicas (a round-robin proxy).
 *
 * - Prefill: each replica is an M/D/1 queue whose service is one prompt's prefill s (arrivals rarely find others
 *   waiting below saturation, so passes hold one prompt); at utilisation rho = lambda s the mean wait is
 *   rho s / (2 (1 - rho)) (Pollaczek-Khinchine with deterministic service). rho >= 1 has no steady state.
 * - Decode: a request holds a slot of its decode replica for output - 1 steps; by Little's law a replica runs
 *   L = lambda (output - 1) TPOT(L) sequences on average, the fixed point of TPOT's growth with the batch (at
 *   least 1: a step runs whenever any sequence decodes).
 */
export function disaggregatedAtRate(
  prefill: ServingContext,
  decode: ServingContext,
  pools: { readonly prefillChips: number; readonly decodeChips: number },
  prompt: number,
  output: number,
  requestsPerS: number,
): DisaggregatedLoad {
  const prefillReplicas = Math.floor(pools.prefillChips / (prefill.tp * prefill.pp));
  const decodeReplicas = Math.floor(pools.decodeChips / (decode.tp * decode.pp));
  const serviceS = prefillSeconds(prefill, 1, prefillPromptTokens(prefill.kvCache, prompt)).lastS;
  const rho = (requestsPerS / prefillReplicas) * serviceS;
  const perDecode = requestsPerS / decodeReplicas;
  const tpotAt = (b: number): number => servingPoint(decode, b, prompt, output).tpotS;
  let batch = 1;
  for (let i = 0; i < 64; i++) {
    const next = Math.min(
      MAX_DECODE_BATCH,
      Math.max(1, Math.round(perDecode * Math.max(0, output - 1) * tpotAt(batch))),
    );
    if (next === batch) break;
    batch = next;
  }
  const point = disaggregatedPoint(prefill, decode, { ...pools, decodeBatch: batch }, prompt, output);
  const reasons: string[] = [];
  if (rho >= 1)
    reasons.push(
      `the prefill pool's utilisation at ${requestsPerS} requests/s is ${rho.toFixed(2)} (${prefillReplicas} ` +
        `replicas, ${(serviceS * 1e3).toPrecision(3)} ms per prompt): at or above 1, no steady state`,
    );
  if (!point.decode.fits)
    reasons.push(`a decode replica's ${batch} sequences at ${requestsPerS} requests/s do not fit its memory`);
  const waitS = rho < 1 ? (rho * serviceS) / (2 * (1 - rho)) : Number.POSITIVE_INFINITY;
  return {
    requestsPerS,
    prefillUtilisation: rho,
    prefillWaitS: waitS,
    ttftS: point.ttftS + waitS,
    decodeBatch: batch,
    tpotS: point.tpotS,
    kvTransferS: point.kvTransferS,
    handoffS: point.handoffS,
    stable: reasons.length === 0,
    reasons,
  };
}
