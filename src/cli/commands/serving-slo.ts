/**
 * The serving SLO options shared by `infer`, `tco` and `compare`: latency SLOs, the percentile they hold
 * at, and the request lengths (fixed, or a workload file).
 */
import {
  csvSamples,
  expandWorkloadValue,
  fixedWorkload,
  formatIssues,
  parseServingWorkload,
  parseStructuredText,
  SLO_PERCENTILES,
  TpusimError,
  type ServingSlo,
  type ServingWorkload,
  type SloPercentile,
  type Issue,
} from '../../index.js';
import { choice, positiveInteger, stringOption, UsageError, type ParsedArgs } from '../args.js';
import { readTextFile } from '../io.js';

export const SLO_OPTIONS = {
  'slo-ttft': { type: 'string' },
  'slo-tpot': { type: 'string' },
  'slo-tbt': { type: 'string' },
  percentile: { type: 'string' },
} as const;

/**
 * Defaults when a serving SLO is needed and not given: MLPerf Inference's Llama 2 70B server TTFT (2 s) and a 50 ms
 * TPOT (20 tokens/s per user).
 */
export const DEFAULT_SLO: ServingSlo = { ttftS: 2, tpotS: 0.05, percentile: 99 };

export const SLO_HELP =
  `--slo-ttft TIME, --slo-tpot TIME  latency SLOs for time to first token and time per output token
               ` +
  `        (units s, ms, us; default ${DEFAULT_SLO.ttftS} s and ${DEFAULT_SLO.tpotS * 1e3} ms); --percentile ` +
  `50|90|99 (default 99)
                       is the percentile of each that must meet its SLO; --slo-tbt TIME also limits every
                       ` +
  `gap between two tokens of a request (Sarathi-Serve's P99 TBT: the decode stalls that TPOT
                       ` +
  `averages away; default no limit)`;

const DURATION_UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, ms: 1e-3, us: 1e-6 };
/** One day: an SLO beyond it is a typo. */
const MAX_SLO_S = 86_400;

/** A duration like 2s, 50ms, 800us or a bare number of seconds. */
export function durationSeconds(option: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? DURATION_UNITS[m[2]!.toLowerCase()] : undefined;
  const value = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!(value > 0 && value <= MAX_SLO_S))
    throw new UsageError(
      `${option} must be a duration above 0 and at most ${MAX_SLO_S} s, like 2s or 50ms, got '${text}'`,
    );
  return value;
}

/** Whether any SLO flag was given. */
export function sloGiven(values: ParsedArgs['values']): boolean {
  return ['slo-ttft', 'slo-tpot', 'slo-tbt', 'percentile'].some((k) => values[k] !== undefined);
}

/** The SLOs from the flags, each defaulting to DEFAULT_SLO's. */
export function readSlo(values: ParsedArgs['values']): ServingSlo {
  const ttft = stringOption(values, 'slo-ttft');
  const tpot = stringOption(values, 'slo-tpot');
  const tbt = stringOption(values, 'slo-tbt');
  const percentile = Number(
    choice(
      '--percentile',
      stringOption(values, 'percentile') ?? String(DEFAULT_SLO.percentile),
      SLO_PERCENTILES.map(String),
    ),
  ) as SloPercentile;
  return {
    ttftS: ttft === undefined ? DEFAULT_SLO.ttftS : durationSeconds('--slo-ttft', ttft),
    tpotS: tpot === undefined ? DEFAULT_SLO.tpotS : durationSeconds('--slo-tpot', tpot),
    ...(tbt === undefined ? {} : { tbtS: durationSeconds('--slo-tbt', tbt) }),
    percentile,
  };
}

/**
 * Request lengths: the file at `path` ({ "inputTokens": N, "outputTokens": M } or { "samples": [[in, out], ...] },
 * JSON or YAML), else --prompt and --output (default 1024 and 256). Every length must fit the model's positions.
 */
export function readServingWorkload(
  path: string | undefined,
  values: ParsedArgs['values'],
  maxPositions: number,
  modelName: string,
): ServingWorkload {
  let workload: ServingWorkload;
  if (path !== undefined) {
    const parsed = readWorkloadValue(readTextFile(path, 'workload file'), path);
    if (!parsed.ok)
      throw new TpusimError('bad_workload', `${path}:\n${formatIssues(parsed.issues)}`, { issues: parsed.issues });
    const w = parseServingWorkload(parsed.value, path);
    if (!w.ok) throw new TpusimError('bad_workload', `${path}:\n${formatIssues(w.issues)}`, { issues: w.issues });
    workload = w.workload;
  } else {
    workload = fixedWorkload(
      positiveInteger('--prompt', stringOption(values, 'prompt') ?? '1024', 1 << 24),
      positiveInteger('--output', stringOption(values, 'output') ?? '256', 1 << 24),
    );
  }
  const longest = workload.samples.reduce((most, [i, o]) => Math.max(most, i + o), 0);
  if (longest > maxPositions)
    throw new UsageError(
      `the workload's longest request, ${longest} tokens (input + output), exceeds ${modelName}'s ` +
        `${maxPositions} positions`,
    );
  return workload;
}

/** A workload file's value: CSV samples, or JSON/YAML with any histogram expanded to samples (serve-workload.ts). */
function readWorkloadValue(
  text: string,
  path: string,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issues: readonly Issue[] } {
  if (path.toLowerCase().endsWith('.csv')) {
    const csv = csvSamples(text);
    return csv.ok ? { ok: true, value: { samples: csv.samples } } : csv;
  }
  const parsed = parseStructuredText(text, path);
  return parsed.ok ? expandWorkloadValue(parsed.value) : parsed;
}

export const sloText = (slo: ServingSlo): string =>
  `p${slo.percentile} TTFT <= ${seconds(slo.ttftS)}, p${slo.percentile} TPOT <= ${seconds(slo.tpotS)}` +
  (slo.tbtS === undefined ? '' : `, p${slo.percentile} TBT <= ${seconds(slo.tbtS)}`);

export function seconds(s: number): string {
  return s >= 1
    ? `${Number(s.toPrecision(4))} s`
    : s >= 1e-3
      ? `${Number((s * 1e3).toPrecision(4))} ms`
      : `${Number((s * 1e6).toPrecision(4))} us`;
}

export function workloadText(w: ServingWorkload): string {
  if (w.samples.length === 1) return `${w.samples[0]![0]} input -> ${w.samples[0]![1]} output tokens`;
  let i = 0;
  let o = 0;
  for (const [a, b] of w.samples) {
    i += a;
    o += b;
  }
  return (
    `${w.samples.length} length samples from ${w.source} (mean ${Math.round(i / w.samples.length)} input -> ` +
    `${Math.round(o / w.samples.length)} output tokens)`
  );
}
