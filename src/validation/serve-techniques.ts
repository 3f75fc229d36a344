/**
 * A serve row's serving techniques as the library models them: quantization (cluster/serve-quant.ts),
 * speculative decoding (serve-spec.ts), the scheduler and prefill chunk (serve-schedulers.ts), prefix
 * caching in HBM or restored from host memory (serve-kv.ts) and disaggregated prefill and decode pools
 * (serve-disagg.ts). Rows without them map exactly as before: `dtype` and `kvDtype` as formats, static or
 * steady-state points.
 */
import { disaggregatedAtRate, disaggregatedPoint } from '../cluster/serve-disagg.js';
import {
  ACTIVATION_DTYPES,
  KV_DTYPES,
  type ActivationDtype,
  type KvDtype,
  type QuantizationOptions,
} from '../cluster/serve-quant.js';
import { scheduledPoint } from '../cluster/serve-schedulers.js';
import type { ServingContext, ServingPlan, ServingPoint } from '../cluster/serve.js';
import type { Scheduler } from '../cluster/serving-sim.js';
import type { TransformerModel } from '../cluster/transformer.js';
import type { ServeWorkload } from './types.js';

/** A format as rows write it (a chip format such as fp8-e4m3, or a serve-quant dtype) in serve-quant's names. */
function quantName(format: string): string {
  return format.startsWith('fp8') ? 'fp8' : format;
}

function activationOf(w: ServeWorkload): ActivationDtype | undefined {
  if (w.activationDtype !== undefined) return w.activationDtype;
  if (w.dtype === undefined) return undefined;
  const name = quantName(w.dtype);
  if (!(ACTIVATION_DTYPES as readonly string[]).includes(name))
    throw new Error(
      `workload.dtype: ${w.dtype} is not an activation format (${ACTIVATION_DTYPES.join(', ')}) for a row with ` +
        `weightDtype`,
    );
  return name as ActivationDtype;
}

function kvOf(w: ServeWorkload): KvDtype | undefined {
  if (w.kvDtype === undefined) return undefined;
  const name = quantName(w.kvDtype);
  if (!(KV_DTYPES as readonly string[]).includes(name))
    throw new Error(`workload.kvDtype: ${w.kvDtype} is not a KV-cache format (${KV_DTYPES.join(', ')})`);
  return name as KvDtype;
}

/** The quantization a row states, when it names a weight or activation format apart from `dtype`. */
export function quantizationOf(w: ServeWorkload): QuantizationOptions | undefined {
  if (w.weightDtype === undefined && w.activationDtype === undefined && w.weightGroupSize === undefined)
    return undefined;
  const activationDtype = activationOf(w);
  const kvDtype = kvOf(w);
  return {
    ...(w.weightDtype !== undefined ? { weightDtype: w.weightDtype } : {}),
    ...(activationDtype !== undefined ? { activationDtype } : {}),
    ...(kvDtype !== undefined ? { kvDtype } : {}),
    ...(w.weightGroupSize !== undefined ? { weightGroupSize: w.weightGroupSize } : {}),
  };
}

/** The ServingPlan fields of a row's techniques (the draft model already built from `speculative.draft`). */
export function techniquePlan(w: ServeWorkload, draftModel: TransformerModel | undefined): Partial<ServingPlan> {
  const quantization = quantizationOf(w);
  const s = w.speculative;
  if (w.prefixSource !== undefined && w.prefixHitRate === undefined)
    throw new Error(`workload.prefixSource: ${w.prefixSource} needs prefixHitRate (the share of the prompt cached)`);
  return {
    ...(quantization ? { quantization } : {}),
    ...(s
      ? { speculative: { draftTokens: s.draftTokens, acceptance: s.acceptance, ...(draftModel ? { draftModel } : {}) } }
      : {}),
    ...(w.chunkTokens !== undefined ? { chunkTokens: w.chunkTokens } : {}),
    ...(w.prefixHitRate !== undefined
      ? {
          kvCache: {
            prefixHitRate: w.prefixHitRate,
            ...(w.prefixSource !== undefined ? { prefixSource: w.prefixSource } : {}),
            ...(w.blockTokens !== undefined ? { blockTokens: w.blockTokens } : {}),
          },
        }
      : {}),
  };
}

/**
 * The scheduler a row runs under: as stated, else static for static and offline runs, chunked (steady state) at a fixed
 * concurrency.
 */
export function schedulerOf(w: ServeWorkload): Scheduler {
  return w.scheduler ?? (w.mode === 'concurrency' ? 'chunked' : 'static');
}

/** A row's point under its scheduler. */
export function scheduledServePoint(ctx: ServingContext, w: ServeWorkload, batch: number): ServingPoint {
  return scheduledPoint(ctx, schedulerOf(w), batch, w.prompt, w.output);
}

/**
 * Mean TTFT, TPOT and latency of disaggregated pools under Poisson arrivals at the row's `requestRate`
 * (serve-disagg.ts, disaggregatedAtRate); a rate the pools cannot sustain is a reason, not a number.
 */
function valueAtRate(
  prefill: ServingContext,
  decode: ServingContext,
  w: ServeWorkload,
  metric: string,
  notes: string[],
): number {
  const pools = w.disaggregated!;
  const rate = pools.requestRate!;
  const load = disaggregatedAtRate(prefill, decode, pools, w.prompt, w.output, rate);
  if (!load.stable) throw new Error(`disaggregated.requestRate: ${load.reasons.join('; ')}`);
  notes.push(
    `disaggregated at ${rate} requests/s: prefill utilisation ${load.prefillUtilisation.toFixed(2)}, mean wait ` +
      `${(load.prefillWaitS * 1e3).toPrecision(3)} ms, KV transfer ${(load.kvTransferS * 1e3).toPrecision(3)} ms, ` +
      `hand-off ${(load.handoffS * 1e3).toPrecision(3)} ms, ` +
      `decode batch ${load.decodeBatch}`,
  );
  if (metric === 'ttft-s') return load.ttftS;
  if (metric === 'tpot-s') return load.tpotS;
  if (metric === 'kv-transfer-s') return load.kvTransferS;
  if (metric === 'request-latency-s') return load.ttftS + Math.max(0, w.output - 1) * load.tpotS;
  if (metric === 'output-tokens-per-s') return rate * w.output;
  return rate * (w.prompt + w.output);
}

/**
 * The metric of disaggregated pools: prefill replicas of `prefill`, decode replicas of `decode`, each decoding
 * `decodeBatch` (default the row's batch).
 */
export function disaggregatedValue(
  prefill: ServingContext,
  decode: ServingContext,
  w: ServeWorkload,
  metric: string,
  notes: string[],
): number {
  const pools = w.disaggregated!;
  if (pools.requestRate !== undefined) return valueAtRate(prefill, decode, w, metric, notes);
  const p = disaggregatedPoint(
    prefill,
    decode,
    { prefillChips: pools.prefillChips, decodeChips: pools.decodeChips, decodeBatch: pools.decodeBatch ?? w.batch },
    w.prompt,
    w.output,
  );
  if (!p.decode.fits)
    notes.push(`the decode batch of ${pools.decodeBatch ?? w.batch} does not fit memory in the model`);
  notes.push(
    `disaggregated: ${p.bound}-bound; balanced prefill pool ${p.balancedPrefillChips.toFixed(1)} chips; KV transfer ` +
      `${(p.kvTransferS * 1e3).toPrecision(3)} ms and hand-off ${(p.handoffS * 1e3).toPrecision(3)} ms of the TTFT`,
  );
  if (metric === 'ttft-s') return p.ttftS;
  if (metric === 'tpot-s') return p.tpotS;
  if (metric === 'kv-transfer-s') return p.kvTransferS;
  if (metric === 'request-latency-s') return p.ttftS + Math.max(0, w.output - 1) * p.tpotS;
  if (metric === 'output-tokens-per-s') return p.tokensPerS;
  return p.requestsPerS * (w.prompt + w.output);
}
