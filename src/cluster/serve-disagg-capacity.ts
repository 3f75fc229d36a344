/**
 * Capacity of disaggregated prefill and decode pools (serve-disagg.ts) under latency SLOs, as a closed-form
 * estimate: the discrete-event simulator (serving-sim.ts) runs one pool of replicas, not two, so these
 * rates are not simulated.
 *
 * - Decode pool: the largest batch per replica (up to 256 and what its memory holds at the mean request)
 *   whose decode-only TPOT at the mean lengths meets the TPOT SLO; the pool runs at that full batch.
 * - Prefill pool: a request alone must reach its first token (admission + prefill of the prompt at the
 *   SLO's percentile of the inputs + the hand-off and the KV transfer) within the TTFT SLO; under load it
 *   also waits for the passes ahead of it, estimated as an M/M/1 queue whose service is one full prefill
 *   pass: the wait at percentile q is ln(1 / (1 - q)) x rho / (1 - rho) x pass seconds (the exponential tail of M/M/1's
 *   waiting time). The prefill pool serves up to the utilisation rho that keeps TTFT within the SLO.
 * - The rate is the lower of the two; waits for a decode slot are not modelled.
 */
import { inputAtPercentile, meanLengths, type ServingSlo, type ServingWorkload } from './serve-capacity.js';
import { disaggregatedPoint } from './serve-disagg.js';
import { prefillPromptTokens } from './serve-kv.js';
import { prefillSeconds } from './serve-step.js';
import { maxBatch, servingPoint, type ServingContext } from './serve.js';

export interface DisaggregatedCapacity {
  readonly prefillChips: number;
  readonly decodeChips: number;
  readonly feasible: boolean;
  readonly reasons: readonly string[];
  /** Sequences each decode replica runs (0 when none meets the TPOT SLO). */
  readonly decodeBatch: number;
  readonly requestsPerS: number;
  /** Output tokens per second per chip of both pools. */
  readonly tokensPerSPerChip: number;
  /** Estimated TTFT at the SLO's percentile at that rate, and the decode pool's TPOT. */
  readonly ttftS: number;
  readonly tpotS: number;
  readonly kvTransferS: number;
  /** Which pool limits the rate. */
  readonly bound: 'prefill' | 'decode';
  /** The prefill pool's utilisation at that rate. */
  readonly prefillUtilisation: number;
  /** The prefill chips (of both pools') at which the pools' unqueued capacities match. */
  readonly balancedPrefillChips: number;
}

const MAX_SLOTS = 256;
const fmtS = (s: number): string => (s >= 1 ? `${s.toPrecision(3)} s` : `${(s * 1e3).toPrecision(3)} ms`);

/** The largest decode batch up to `most` whose TPOT meets `tpotS` (TPOT grows with the batch), or 0. */
function decodeBatchFor(decode: ServingContext, prompt: number, output: number, tpotS: number, most: number): number {
  const meets = (b: number): boolean => servingPoint(decode, b, prompt, output).tpotS <= tpotS;
  if (most < 1 || !meets(1)) return 0;
  let lo = 1;
  let hi = most;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (meets(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The closed-form capacity of `prefillChips` + `decodeChips` chips in replicas of `prefill` and `decode` under the SLOs
 * (file comment).
 */
export function disaggregatedCapacity(
  prefill: ServingContext,
  decode: ServingContext,
  pools: { readonly prefillChips: number; readonly decodeChips: number },
  workload: ServingWorkload,
  slo: ServingSlo,
): DisaggregatedCapacity {
  const m = meanLengths(workload);
  const prompt = Math.max(1, Math.round(m.input));
  const output = Math.max(2, Math.round(m.output));
  const chips = pools.prefillChips + pools.decodeChips;
  const most = Math.min(MAX_SLOTS, maxBatch(decode, prompt, output));
  const batch = decodeBatchFor(decode, prompt, output, slo.tpotS, most);
  const none = (reasons: string[], tpotS = 0): DisaggregatedCapacity => ({
    ...pools,
    feasible: false,
    reasons,
    decodeBatch: batch,
    requestsPerS: 0,
    tokensPerSPerChip: 0,
    ttftS: 0,
    tpotS,
    kvTransferS: 0,
    bound: 'decode',
    prefillUtilisation: 0,
    balancedPrefillChips: 0,
  });
  if (most < 1)
    return none([
      `a decode replica (tp ${decode.tp} x pp ${decode.pp}) holds no request of ${prompt} + ${output} tokens`,
    ]);
  if (batch < 1)
    return none([
      `a decode replica's TPOT alone ${fmtS(servingPoint(decode, 1, prompt, output).tpotS)} exceeds the TPOT SLO ` +
        `${fmtS(slo.tpotS)}`,
    ]);
  const tail = inputAtPercentile(workload, slo.percentile);
  if (maxBatch(prefill, tail, 1) < 1)
    return none([`a prefill replica (tp ${prefill.tp} x pp ${prefill.pp}) holds no prompt of ${tail} tokens`]);
  const point = disaggregatedPoint(prefill, decode, { ...pools, decodeBatch: batch }, prompt, output);
  const alone = disaggregatedPoint(prefill, decode, { ...pools, decodeBatch: batch }, tail, output).ttftS;
  if (alone > slo.ttftS)
    return none(
      [
        `a request alone takes ${fmtS(alone)} to its first token (prefill, hand-off and KV transfer), beyond the ` +
          `TTFT SLO ${fmtS(slo.ttftS)}`,
      ],
      point.tpotS,
    );
  // One full prefill pass, as disaggregatedPoint sizes it.
  const fresh = prefillPromptTokens(prefill.kvCache, prompt);
  const passPrompts = Math.max(
    1,
    Math.min(Math.floor(prefill.engine.maxBatchTokens / fresh), maxBatch(prefill, prompt, 1)),
  );
  const passS = prefillSeconds(prefill, passPrompts, fresh).lastS;
  const headroom = (slo.ttftS - alone) / (Math.log(100 / (100 - slo.percentile)) * passS);
  const rho = headroom / (1 + headroom);
  const prefillRate = rho * point.prefillRequestsPerS;
  const requestsPerS = Math.min(prefillRate, point.decodeRequestsPerS);
  const utilisation = requestsPerS / point.prefillRequestsPerS;
  const waitS = Math.log(100 / (100 - slo.percentile)) * (utilisation / (1 - utilisation)) * passS;
  return {
    ...pools,
    feasible: true,
    reasons: [],
    decodeBatch: batch,
    requestsPerS,
    tokensPerSPerChip: (requestsPerS * m.output) / chips,
    ttftS: alone + waitS,
    tpotS: point.tpotS,
    kvTransferS: point.kvTransferS,
    bound: prefillRate < point.decodeRequestsPerS ? 'prefill' : 'decode',
    prefillUtilisation: utilisation,
    balancedPrefillChips: point.balancedPrefillChips,
  };
}
