/**
 * Serving throughput at the SLOs for `tco` and `compare`: the smallest serving configuration of a chip
 * that holds the model and meets the SLOs (or the chips given), its output tokens per second per chip,
 * and dollars per million tokens from the cost of a chip-hour.
 */
import {
  formatSI,
  simulatedRequestsBound,
  smallestServingConfig,
  TpusimError,
  trimNumber,
  usdPerMillionTokens,
  type ChipSpec,
  type ServingSlo,
  type ServingWorkload,
  type SmallestServing,
  type SystemSpec,
  type TransformerModel,
} from '../../index.js';
import { positiveInteger, seedArg, stringOption, type ParsedArgs } from '../args.js';
import { readTransformer } from '../cluster-arg.js';
import type { Io } from '../io.js';
import { checkWork, LIMIT_OPTIONS, readLimits, servingWork } from '../limits.js';
import { createProgress } from '../progress.js';
import { readServingWorkload, readSlo, seconds, sloGiven, sloText, workloadText } from './serving-slo.js';

export const SERVE_OPTIONS = {
  serve: { type: 'boolean' },
  lengths: { type: 'string' },
  prompt: { type: 'string' },
  output: { type: 'string' },
  requests: { type: 'string' },
  seed: { type: 'string' },
  ...LIMIT_OPTIONS,
} as const;

/**
 * Simulations of one chip's capacity search (`findCapacity`'s budget); the chip counts passed over before it mostly
 * cost none.
 */
const SIMULATIONS_PER_CHIP = 24;

export const SERVE_HELP =
  `--serve prices LLM serving: the smallest serving configuration of the chip that holds MODEL and
  meets the ` +
  `latency SLOs (one replica, tp within the scale-up domain, powers of two up to 256 chips;
  or --chips), its ` +
  `output tokens/s per chip at the SLOs (tpusim infer --slo-*), and dollars per
  million tokens = cost of a ` +
  `chip-hour / tokens served per chip-hour. Request lengths: --lengths FILE
  (tpusim infer --workload's format) ` +
  `or --prompt/--output (default 1024/256); --requests (default
  1000) and --seed set the simulations.`;

/** What a chip achieves serving at the SLOs. */
export interface ServingRate {
  readonly serving: SmallestServing;
  readonly tokensPerSPerChip: number;
  readonly inputTokensPerSPerChip: number;
}

/** The serving question as the flags ask it. */
export interface ServingAsk {
  readonly model: TransformerModel;
  readonly workload: ServingWorkload;
  readonly slo: ServingSlo;
  readonly requests: number;
  readonly seed: number;
  readonly chips?: number;
}

/** Whether the flags ask for serving explicitly. */
export function serveAsked(values: ParsedArgs['values']): boolean {
  return values['serve'] === true || sloGiven(values) || values['lengths'] !== undefined;
}

/** The model as a transformer to serve, or undefined when it is not one (a CNN, an ONNX file). */
export function servableModel(name: string): TransformerModel | undefined {
  try {
    return readTransformer(name, 1);
  } catch (e) {
    if (e instanceof TpusimError) return undefined;
    throw e;
  }
}

/**
 * The serving question from the flags; refused before it starts when `chipKinds` capacity searches would run past the
 * work limits.
 */
export function readServingAsk(
  values: ParsedArgs['values'],
  model: TransformerModel,
  chips: number | undefined,
  chipKinds: number,
): ServingAsk {
  const workload = readServingWorkload(stringOption(values, 'lengths'), values, model.maxPositions, model.name);
  const requests = positiveInteger('--requests', stringOption(values, 'requests') ?? '1000', 1_000_000);
  const output = Math.ceil(workload.samples.reduce((sum, [, o]) => sum + o, 0) / workload.samples.length);
  // Near capacity a replica runs about half of its (at most 256) slots.
  // Each simulation runs warm-up and drain requests around the measured ones (cluster/serve-capacity.ts).
  const simulated = simulatedRequestsBound(requests);
  const one = servingWork({
    requests: simulated,
    rate: Infinity,
    outputTokens: output,
    maxBatch: 128,
    requestSeconds: 1,
  });
  const sims = SIMULATIONS_PER_CHIP * chipKinds;
  checkWork(
    {
      what:
        `up to ${sims} simulations, each ${one.what} ` +
        `(${requests.toLocaleString('en-US')} measured, the rest warm-up and drain)`,
      bytes: one.bytes,
      seconds: one.seconds * sims,
    },
    readLimits(values),
  );
  return {
    model,
    workload,
    slo: readSlo(values),
    requests,
    seed: seedArg('--seed', stringOption(values, 'seed')),
    ...(chips !== undefined ? { chips } : {}),
  };
}

/** The chip's smallest configuration meeting the SLOs, or the reasons none does. */
export function servingRate(
  io: Io,
  ask: ServingAsk,
  chip: ChipSpec,
  system: SystemSpec,
): ServingRate | { readonly reasons: readonly string[] } {
  const progress = createProgress(io, `serving ${ask.model.name} on ${chip.name} (simulations)`, 24 * 9);
  let total = 0;
  const found = smallestServingConfig(ask.model, chip, system, ask.workload, ask.slo, {
    requests: ask.requests,
    seed: ask.seed,
    onSimulation: () => progress.update(++total),
    ...(ask.chips !== undefined ? { chips: ask.chips } : {}),
  });
  progress.finish();
  if (found.chips === 0)
    return {
      reasons: found.passedOver.length > 0 ? found.passedOver : [`no chip count up to 256 serves ${ask.model.name}`],
    };
  const s = found as SmallestServing;
  return {
    serving: s,
    tokensPerSPerChip: s.capacity.outputTokensPerS / s.chips,
    inputTokensPerSPerChip: s.capacity.inputTokensPerS / s.chips,
  };
}

/**
 * Dollars per million tokens. Each figure charges the whole chip-hour to one kind of token, as price
 * lists quote them: output (the headline), input, and all tokens together (input + output).
 */
export function servingUsd(
  usdPerChipHour: number,
  r: ServingRate,
): { readonly output: number; readonly input: number; readonly total: number } {
  return {
    output: usdPerMillionTokens(usdPerChipHour, r.tokensPerSPerChip),
    input: usdPerMillionTokens(usdPerChipHour, r.inputTokensPerSPerChip),
    total: usdPerMillionTokens(usdPerChipHour, r.tokensPerSPerChip + r.inputTokensPerSPerChip),
  };
}

/** The serving part of a JSON document. */
export function servingJson(ask: ServingAsk, r: ServingRate, usdPerChipHour: number): Record<string, unknown> {
  const s = r.serving;
  const at = s.capacity.atCapacity!;
  return {
    model: ask.model.name,
    chips: s.chips,
    tp: s.plan.tp,
    pp: s.plan.pp,
    dtype: s.ctx.dtype,
    engine: s.ctx.engine.name,
    slots: s.schedule.slots,
    chunkTokens: s.schedule.chunkTokens,
    workload: { source: ask.workload.source, samples: ask.workload.samples.length },
    slo: ask.slo,
    percentile: ask.slo.percentile,
    requestsPerS: s.capacity.requestsPerS,
    tokensPerSPerChip: r.tokensPerSPerChip,
    inputTokensPerSPerChip: r.inputTokensPerSPerChip,
    ttftS: at.ttftS,
    tpotS: at.tpotS,
    kvCacheBytes: s.memory.kv * s.plan.tp * s.plan.pp,
    memory: s.memory,
    usdPerChipHour,
    usdPerMillionTokens: servingUsd(usdPerChipHour, r),
    passedOver: s.passedOver,
  };
}

/** One line on what was served and how fast. */
export function servingLine(ask: ServingAsk, chip: ChipSpec, r: ServingRate): string {
  const s = r.serving;
  const at = s.capacity.atCapacity!;
  const p = ask.slo.percentile === 50 ? 'p50' : ask.slo.percentile === 90 ? 'p90' : 'p99';
  return (
    `serving ${ask.model.name} on ${s.chips} x ${chip.name} (tp ${s.plan.tp} x pp ${s.plan.pp}, ` +
    `${s.ctx.dtype}, ${s.schedule.slots} slots), ${workloadText(ask.workload)}, SLO ${sloText(ask.slo)}: ` +
    `${trimNumber(s.capacity.requestsPerS, 4)} requests/s, ${formatSI(r.tokensPerSPerChip, 'tokens/s')} output ` +
    `per chip (${p} TTFT ${seconds(at.ttftS[p])}, TPOT ${seconds(at.tpotS[p])})`
  );
}
