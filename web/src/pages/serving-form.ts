/**
 * The Serving page's inputs as `tpusim infer` reads its flags: each field parsed with the problem that
 * names it, the value and the limit; the arguments of the two requests (a static batch, and the capacity
 * under the SLOs) built from them; no request is made while a problem stands.
 */
import type { CapacityArgs, ServingArgs, servingApi } from '../api/serving.js';

export const DEFAULTS = {
  model: 'llama3-8b',
  chip: 'h100-sxm',
  chips: '1',
  wdtype: 'default',
  adtype: 'default',
  kvdtype: 'default',
  workload: 'fixed',
  prompt: '1024',
  output: '256',
  batch: '1',
  ttft: '2000',
  tpot: '50',
  tbt: '',
  percentile: '99',
  requests: '1000',
  kvblock: '',
  prefixhit: '',
  draft: '',
  acceptance: '',
  scheduler: 'chunked',
  chunk: '',
  prefillchips: '',
  decodechips: '',
};
/**
 * Limits as the CLI's (`infer --chips/--batch/--prompt/--output`, SLOs up to a day); fewer requests per simulation in a
 * browser tab.
 */
export const LIMITS = {
  chips: 1 << 20,
  batch: 1 << 20,
  prompt: 1 << 24,
  output: 1 << 24,
  ttft: 86_400_000,
  tpot: 86_400_000,
  tbt: 86_400_000,
  requests: 20_000,
  kvblock: 4096,
  prefixhit: 0.99,
  draft: 64,
  chunk: 1 << 24,
  pool: 1 << 24,
};
export const PERCENTILES = ['50', '90', '99'] as const;
/** A quantization choice left to `tpusim infer`'s default (no --weight-dtype, --activation-dtype, --kv-dtype). */
export const DEFAULT_FORMAT = 'default';
/** The CLI's default seed (`--seed`). */
const SEED = 1;

export type ServingParams = typeof DEFAULTS;
type Choices = ReturnType<(typeof servingApi)['servingChoices']>;

/** A whole number from 1 to `max`, or the problem naming the field, the value and the limit. */
function whole(field: string, text: string, max: number): { value?: number; problem?: string } {
  const v = Number(text);
  return text.trim() !== '' && Number.isInteger(v) && v >= 1 && v <= max
    ? { value: v }
    : { problem: `${field} must be a whole number from 1 to ${max.toLocaleString('en-US')}, got '${text}'` };
}

/** A positive number of milliseconds up to `max`, or the problem. */
function millis(field: string, text: string, max: number): { value?: number; problem?: string } {
  const v = Number(text);
  return text.trim() !== '' && Number.isFinite(v) && v > 0 && v <= max
    ? { value: v / 1e3 }
    : {
        problem:
          `${field} must be a number of milliseconds above 0 and at most ${max.toLocaleString('en-US')}, got ` +
          `'${text}'`,
      };
}

/** An optional technique (left empty: off, as the flag left out): a whole number from 1 to `max`. */
function optionalWhole(field: string, text: string, max: number): { value?: number; problem?: string } {
  return text.trim() === '' ? {} : whole(field, text, max);
}

/** An optional fraction from 0 to `max`. */
function optionalFraction(field: string, text: string, max: number): { value?: number; problem?: string } {
  const v = Number(text);
  if (text.trim() === '') return {};
  return Number.isFinite(v) && v >= 0 && v <= max
    ? { value: v }
    : { problem: `${field} must be a number from 0 to ${max}, got '${text}'` };
}

/** Whether any technique is set in the address (then its controls open). */
export const techniqueSet = (p: typeof DEFAULTS): boolean =>
  ['kvblock', 'prefixhit', 'draft', 'acceptance', 'chunk', 'prefillchips', 'decodechips'].some(
    (k) => p[k as keyof typeof DEFAULTS] !== '',
  ) || p.scheduler !== DEFAULTS.scheduler;

/** Two fields given together or not at all (as `infer` asks for both flags). */
function both(a: { name: string; text: string }, b: { name: string; text: string }): string | undefined {
  return (a.text.trim() === '') === (b.text.trim() === '')
    ? undefined
    : `${a.name} and ${b.name} go together: give both or neither, got ${a.name} '${a.text}' and ${b.name} '${b.text}'`;
}

type Parsed = { value?: number; problem?: string };
type FieldName =
  | 'chips'
  | 'batch'
  | 'prompt'
  | 'output'
  | 'ttft'
  | 'tpot'
  | 'tbt'
  | 'requests'
  | 'kvblock'
  | 'prefixhit'
  | 'draft'
  | 'acceptance'
  | 'chunk'
  | 'prefillchips'
  | 'decodechips';

/** Each field parsed, with the problem that names it, the value and the limit. */
export function servingFields(params: ServingParams): Record<FieldName, Parsed> {
  const fixed = params.workload === 'fixed';
  return {
    chips: whole('chips', params.chips, LIMITS.chips),
    batch: whole('batch', params.batch, LIMITS.batch),
    prompt: fixed ? whole('prompt tokens', params.prompt, LIMITS.prompt) : {},
    output: fixed ? whole('output tokens', params.output, LIMITS.output) : {},
    ttft: millis('TTFT SLO', params.ttft, LIMITS.ttft),
    tpot: millis('TPOT SLO', params.tpot, LIMITS.tpot),
    tbt: params.tbt.trim() === '' ? {} : millis('TBT SLO', params.tbt, LIMITS.tbt),
    requests: whole('requests per simulation', params.requests, LIMITS.requests),
    kvblock: optionalWhole('KV block', params.kvblock, LIMITS.kvblock),
    prefixhit: optionalFraction('prefix hit rate', params.prefixhit, LIMITS.prefixhit),
    draft: optionalWhole('draft tokens', params.draft, LIMITS.draft),
    acceptance: optionalFraction('acceptance', params.acceptance, 1),
    chunk: optionalWhole('chunk', params.chunk, LIMITS.chunk),
    prefillchips: optionalWhole('prefill chips', params.prefillchips, LIMITS.pool),
    decodechips: optionalWhole('decode chips', params.decodechips, LIMITS.pool),
  };
}

/**
 * The first problem that stops the static batch (`inferProblem`), and the first that stops the capacity
 * search (`sloProblem`: the batch's, or an SLO field's).
 */
export function servingProblems(
  params: ServingParams,
  fields: ReturnType<typeof servingFields>,
  c: Choices | undefined,
): { readonly inferProblem?: string; readonly sloProblem?: string } {
  const listed = (
    name: string,
    value: string,
    options: readonly string[] | undefined,
    allowEmpty = false,
  ): string | undefined =>
    options === undefined || (allowEmpty && value === DEFAULT_FORMAT) || options.includes(value)
      ? undefined
      : `${name} must be one of ${options.join(', ')}, got '${value}'`;
  const inferProblem = [
    listed('model', params.model, c?.models),
    listed('chip', params.chip, c?.chips),
    listed('weight format', params.wdtype, c?.weightDtypes, true),
    listed('activation format', params.adtype, c?.activationDtypes, true),
    listed('KV cache format', params.kvdtype, c?.kvDtypes, true),
    listed('workload', params.workload, c ? ['fixed', ...c.shapes.map((s) => s.name)] : undefined),
    listed('scheduler', params.scheduler, c?.schedulers),
    fields.chips.problem,
    fields.batch.problem,
    fields.prompt.problem,
    fields.output.problem,
    fields.kvblock.problem,
    fields.prefixhit.problem,
    fields.draft.problem,
    fields.acceptance.problem,
    fields.chunk.problem,
    fields.prefillchips.problem,
    fields.decodechips.problem,
    both({ name: 'draft tokens', text: params.draft }, { name: 'acceptance', text: params.acceptance }),
    both({ name: 'prefill chips', text: params.prefillchips }, { name: 'decode chips', text: params.decodechips }),
  ].find((p) => p !== undefined);
  const percentileProblem = (PERCENTILES as readonly string[]).includes(params.percentile)
    ? undefined
    : `percentile must be one of ${PERCENTILES.join(', ')}, got '${params.percentile}'`;
  const sloProblem =
    inferProblem ??
    [fields.ttft.problem, fields.tpot.problem, fields.tbt.problem, percentileProblem, fields.requests.problem].find(
      (p) => p !== undefined,
    );
  return { ...(inferProblem ? { inferProblem } : {}), ...(sloProblem ? { sloProblem } : {}) };
}

/**
 * The static batch's request (`args`) and the capacity search's (`capacityArgs`); neither before the choices
 * load.
 */
export function servingRequests(
  params: ServingParams,
  fields: ReturnType<typeof servingFields>,
  loaded: boolean,
): { readonly args?: ServingArgs; readonly capacityArgs?: CapacityArgs } {
  if (!loaded) return {};
  const quantization = {
    ...(params.wdtype !== DEFAULT_FORMAT ? { weightDtype: params.wdtype } : {}),
    ...(params.adtype !== DEFAULT_FORMAT ? { activationDtype: params.adtype } : {}),
    ...(params.kvdtype !== DEFAULT_FORMAT ? { kvDtype: params.kvdtype } : {}),
  } as NonNullable<ServingArgs['quantization']>;
  const args: ServingArgs = {
    model: params.model,
    chip: params.chip,
    chips: fields.chips.value ?? 1,
    batch: fields.batch.value ?? 1,
    prompt: fields.prompt.value ?? 1,
    output: fields.output.value ?? 1,
    ...(params.workload === 'fixed' ? {} : { shape: params.workload }),
    ...(Object.keys(quantization).length > 0 ? { quantization } : {}),
    ...(fields.kvblock.value !== undefined ? { kvBlockTokens: fields.kvblock.value } : {}),
    ...(fields.prefixhit.value !== undefined ? { prefixHitRate: fields.prefixhit.value } : {}),
    ...(fields.draft.value !== undefined && fields.acceptance.value !== undefined
      ? { speculative: { draftTokens: fields.draft.value, acceptance: fields.acceptance.value } }
      : {}),
    scheduler: params.scheduler as NonNullable<ServingArgs['scheduler']>,
    ...(fields.chunk.value !== undefined ? { chunkTokens: fields.chunk.value } : {}),
    ...(fields.prefillchips.value !== undefined && fields.decodechips.value !== undefined
      ? { disaggregation: { prefillChips: fields.prefillchips.value, decodeChips: fields.decodechips.value } }
      : {}),
  };
  const capacityArgs: CapacityArgs = {
    ...args,
    batch: 1,
    slo: {
      ttftS: fields.ttft.value ?? 1,
      tpotS: fields.tpot.value ?? 1,
      ...(fields.tbt.value !== undefined ? { tbtS: fields.tbt.value } : {}),
      percentile: Number(params.percentile) as 50 | 90 | 99,
    },
    requests: fields.requests.value ?? 1,
    seed: SEED,
  };
  return { args, capacityArgs };
}
