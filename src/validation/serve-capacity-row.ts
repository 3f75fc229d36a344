/**
 * A serve row's capacity under its SLO (metric `requests-per-s-at-slo`), found the way `tpusim infer
 * --slo-ttft/--slo-tpot` finds it: `findCapacity` (cluster/serve-capacity.ts) simulates one replica under
 * Poisson arrivals with the row's scheduler (default chunked: decodes first, then prompt chunks up to the
 * step's token budget, Sarathi-Serve's stall-free batching) and bisects the rate; data-parallel replicas add
 * up. A `capacity-ratio-at-slo` row divides that capacity by its `baseline`'s (`baselineWorkload`), found the same
 * way (validation/predict.ts).
 * Disaggregated rows take `disaggregatedCapacity` (cluster/serve-disagg-capacity.ts), a closed-form
 * estimate, since the simulator runs one pool of replicas.
 */
import {
  defaultSchedule,
  findCapacity,
  fixedWorkload,
  meanLengths,
  type ServingSlo,
  type ServingWorkload,
} from '../cluster/serve-capacity.js';
import { disaggregatedCapacity } from '../cluster/serve-disagg-capacity.js';
import { histogramSamples } from '../cluster/serve-workload.js';
import type { ServingContext } from '../cluster/serve.js';
import type { Percentiles } from '../cluster/serving-sim.js';
import type { ServeWorkload } from './types.js';

/**
 * Requests per simulation of a row's search, unless the row says (`simRequests`): four per batch slot,
 * from 1000 to 4000, each simulation adding its warm-up and drain (`steadyWindow`, cluster/serve-capacity.ts).
 * For Llama 2 70B with 896 slots on an H200 the capacity found is 115, 112 and 108 requests/s with 1000,
 * 4000 and 10000 requests (138, 114 and 108 when the percentiles counted the ramp-up; docs/serving.md,
 * "Validation of techniques").
 */
export function capacityRequests(w: ServeWorkload): number {
  return w.simRequests ?? Math.min(4000, Math.max(1000, 4 * w.batch));
}

/** The row's request lengths: its histogram, else `prompt` in and `output` out for every request. */
export function capacityWorkload(w: ServeWorkload): ServingWorkload {
  if (w.lengthHistogram === undefined) return fixedWorkload(w.prompt, w.output);
  const r = histogramSamples(w.lengthHistogram);
  if (!r.ok) throw new Error(`workload.lengthHistogram: ${r.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return { samples: r.samples, source: 'workload.lengthHistogram' };
}

/** The longest request the row sends (for the model's positions). */
export function longestRequest(w: ServeWorkload): number {
  return w.lengthHistogram === undefined ? w.prompt + w.output : meanLengths(capacityWorkload(w)).longest;
}

/** The row's SLO as the search takes it: a limit left out does not bind. */
export function capacitySlo(w: ServeWorkload): ServingSlo {
  const slo = w.slo;
  if (slo === undefined)
    throw new Error('workload.slo: requests-per-s-at-slo needs the SLO the rate was measured under');
  return {
    ttftS: slo.ttftS ?? Infinity,
    tpotS: slo.tpotS ?? Infinity,
    ...(slo.tbtS !== undefined ? { tbtS: slo.tbtS } : {}),
    percentile: slo.percentile,
  };
}

/**
 * The highest rate one replica serves within the row's SLO: `batch` slots, `chunkTokens` (else the engine's) tokens per
 * step, the row's scheduler (default chunked).
 */
export function replicaCapacity(ctx: ServingContext, w: ServeWorkload, notes: string[]): number {
  const workload = capacityWorkload(w);
  const chunkTokens = Math.max(w.batch, w.chunkTokens ?? defaultSchedule(ctx, workload).chunkTokens);
  const scheduler = w.scheduler ?? 'chunked';
  const c = findCapacity(
    ctx,
    workload,
    capacitySlo(w),
    { slots: w.batch, chunkTokens },
    { requests: capacityRequests(w), seed: 1, scheduler },
  );
  if (!c.feasible) throw new Error(`the model meets the SLO at no rate: ${c.reasons.join('; ')}`);
  const at = c.atCapacity!;
  const q = w.slo!.percentile;
  const pick = (p: Percentiles): string => (q === 50 ? p.p50 : q === 90 ? p.p90 : p.p99).toPrecision(3);
  notes.push(
    `capacity search (${scheduler}, ${w.batch} slots, ${chunkTokens} tokens per step): ${c.simulations} simulations ` +
      `of ${capacityRequests(w)} requests; at ${c.requestsPerS.toPrecision(3)} requests/s per replica: p${q} TTFT ` +
      `${pick(at.ttftS)} s, p${q} TPOT ${pick(at.tpotS)} s, p${q} TBT ${pick(at.tbtS)} s, mean batch ` +
      `${at.meanBatch.toFixed(1)}`,
  );
  return c.requestsPerS;
}

/**
 * The workload a `capacity-ratio-at-slo` row divides by: the row under its baseline's scheduler, batch slots and step
 * budget (the row's own where the baseline leaves them out; the engine's step budget when the row sets one and the
 * baseline does not).
 */
export function baselineWorkload(w: ServeWorkload): ServeWorkload {
  const b = w.baseline;
  if (b === undefined)
    throw new Error('workload.baseline: capacity-ratio-at-slo needs the configuration it divides by');
  const { chunkTokens: _chunk, baseline: _baseline, ...rest } = w;
  return {
    ...rest,
    scheduler: b.scheduler,
    batch: b.batch ?? w.batch,
    ...(b.chunkTokens !== undefined ? { chunkTokens: b.chunkTokens } : {}),
  };
}

/** The closed-form capacity of the row's disaggregated pools within its SLO. */
export function disaggregatedRowCapacity(
  prefill: ServingContext,
  decode: ServingContext,
  w: ServeWorkload,
  notes: string[],
): number {
  const pools = w.disaggregated!;
  const c = disaggregatedCapacity(
    prefill,
    decode,
    { prefillChips: pools.prefillChips, decodeChips: pools.decodeChips },
    capacityWorkload(w),
    capacitySlo(w),
  );
  if (!c.feasible) throw new Error(`the model meets the SLO at no rate: ${c.reasons.join('; ')}`);
  notes.push(
    `disaggregated capacity (closed-form estimate): ${c.bound}-bound, decode batch ${c.decodeBatch}, prefill ` +
      `utilisation ${c.prefillUtilisation.toFixed(2)}`,
  );
  return c.requestsPerS;
}
