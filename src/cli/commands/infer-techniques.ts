/**
 * `tpusim infer`'s serving-technique flags (docs/cluster.md, "Serving techniques"): quantization,
 * the KV cache's paging, prefix caching and offload, the scheduler, speculative decoding and
 * disaggregated prefill and decode. Parsing only: the library does the work.
 */
import {
  ACTIVATION_DTYPES,
  disaggregatedPoint,
  expectedTokensPerStep,
  formatSI,
  KV_DTYPES,
  PREFIX_SOURCES,
  SCHEDULERS,
  servingContext,
  servingProblems,
  trimNumber,
  inGib,
  WEIGHT_DTYPES,
  TpusimError,
  type ChipSpec,
  type DisaggregatedPoint,
  type Scheduler,
  type ServingContext,
  type ServingPlan,
  type ServingPoint,
  type SystemSpec,
  type TransformerModel,
} from '../../index.js';
import { choice, positiveInteger, stringOption, UsageError, type ParsedArgs } from '../args.js';
import { nonNegativeNumber, positiveNumber, readTransformer } from '../cluster-arg.js';

export const TECHNIQUE_OPTIONS = {
  'weight-dtype': { type: 'string' },
  'weight-group-size': { type: 'string' },
  'activation-dtype': { type: 'string' },
  'kv-dtype': { type: 'string' },
  'kv-block': { type: 'string' },
  'prefix-hit-rate': { type: 'string' },
  'prefix-source': { type: 'string' },
  'kv-offload-gib': { type: 'string' },
  'host-link-gbps': { type: 'string' },
  scheduler: { type: 'string' },
  draft: { type: 'string' },
  'draft-tokens': { type: 'string' },
  acceptance: { type: 'string' },
  'prefill-chips': { type: 'string' },
  'decode-chips': { type: 'string' },
  'decode-batch': { type: 'string' },
  dp: { type: 'string' },
  'expert-parallel': { type: 'boolean' },
  'attention-dp': { type: 'boolean' },
} as const;

export const TECHNIQUE_HELP =
  `Serving techniques (docs/cluster.md, "Serving techniques"):
  --weight-dtype ${WEIGHT_DTYPES.join('|')} ` +
  `[--weight-group-size G]   --activation-dtype ${ACTIVATION_DTYPES.join('|')}
  --kv-dtype ` +
  `${KV_DTYPES.join('|')}: quantization, each separately; a format the chip's matrix units lack is
      ` +
  `emulated (weights narrower than activations: dequantised on the vector unit) or refused with the reason
  ` +
  `--kv-block TOKENS (paged KV, last-block waste)  --prefix-hit-rate F (prompt share found in the prefix cache)
  ` +
  `--prefix-source ${PREFIX_SOURCES.join('|')} (where the cached share is: hbm, a shared prefix; host, each ` +
  `request's own,
      copied over the host link before its prefill)
 ` +
  ` --kv-offload-gib G (host memory per chip the KV cache may spill into; --host-link-gbps B, default the chip's ` +
  `host link)
  --scheduler ${SCHEDULERS.join('|')} (the simulation's and the steady-state row's; --chunk TOKENS ` +
  `sets the chunk)
  --draft-tokens K --acceptance A [--draft MODEL]: speculative decoding with a draft model, ` +
  `or without
      --draft self-speculation heads (Medusa style); (1 - A^(K+1)) / (1 - A) tokens per step
  ` +
  `--prefill-chips P --decode-chips D [--decode-batch B]: disaggregated pools, KV sent over the network
  --dp ` +
  `R: R data-parallel replicas of N / R chips each   --expert-parallel: MoE tokens by all-to-all
  ` +
  `--attention-dp: attention data-parallel over the tp ranks (MLA/MQA: the KV cache split, not replicated)`;

/** The plan fields the technique flags ask for (empty when none is given). */
export function techniquePlan(values: ParsedArgs['values'], maxPositions: number): Partial<ServingPlan> {
  const text = (name: string): string | undefined => stringOption(values, name);
  const weight = text('weight-dtype');
  const activation = text('activation-dtype');
  const kv = text('kv-dtype');
  const group = text('weight-group-size');
  const quantization = {
    ...(weight !== undefined ? { weightDtype: choice('--weight-dtype', weight, WEIGHT_DTYPES) } : {}),
    ...(activation !== undefined
      ? { activationDtype: choice('--activation-dtype', activation, ACTIVATION_DTYPES) }
      : {}),
    ...(kv !== undefined ? { kvDtype: choice('--kv-dtype', kv, KV_DTYPES) } : {}),
    ...(group !== undefined ? { weightGroupSize: positiveInteger('--weight-group-size', group, 4096) } : {}),
  };
  const block = text('kv-block');
  const hit = nonNegativeNumber('--prefix-hit-rate', text('prefix-hit-rate'), 0.99);
  const sourceText = text('prefix-source');
  const source = sourceText !== undefined ? choice('--prefix-source', sourceText, PREFIX_SOURCES) : undefined;
  if (source !== undefined && hit === undefined)
    throw new UsageError(`--prefix-source ${source} needs --prefix-hit-rate (the share of each prompt that is cached)`);
  const offloadGib = nonNegativeNumber('--kv-offload-gib', text('kv-offload-gib'), 1 << 20);
  const linkGbps = positiveNumber('--host-link-gbps', text('host-link-gbps'), 1e5);
  const kvCache = {
    ...(block !== undefined ? { blockTokens: positiveInteger('--kv-block', block, 4096) } : {}),
    ...(hit !== undefined ? { prefixHitRate: hit } : {}),
    ...(source !== undefined ? { prefixSource: source } : {}),
    ...(offloadGib !== undefined ? { hostBytesPerChip: offloadGib * 2 ** 30 } : {}),
    ...(linkGbps !== undefined ? { hostLinkBytesPerS: linkGbps * 1e9 } : {}),
  };
  const k = text('draft-tokens');
  const acceptance = text('acceptance');
  const draft = text('draft');
  if ((k === undefined) !== (acceptance === undefined))
    throw new UsageError('speculative decoding needs both --draft-tokens and --acceptance');
  if (draft !== undefined && k === undefined) throw new UsageError('--draft needs --draft-tokens and --acceptance');
  const accepted = acceptance !== undefined ? nonNegativeNumber('--acceptance', acceptance, 1)! : 0;
  const draftModel = draft !== undefined ? readTransformer(draft, 1) : undefined;
  if (draftModel && draftModel.maxPositions < maxPositions)
    throw new UsageError(
      `--draft ${draftModel.name} holds ${draftModel.maxPositions} positions, fewer than the target's ${maxPositions}`,
    );
  const chunk = text('chunk');
  return {
    ...(Object.keys(quantization).length > 0 ? { quantization } : {}),
    ...(Object.keys(kvCache).length > 0 ? { kvCache } : {}),
    ...(k !== undefined
      ? {
          speculative: {
            draftTokens: positiveInteger('--draft-tokens', k, 64),
            acceptance: accepted,
            ...(draftModel ? { draftModel } : {}),
          },
        }
      : {}),
    ...(chunk !== undefined ? { chunkTokens: positiveInteger('--chunk', chunk, 1 << 24) } : {}),
    ...(values['expert-parallel'] ? { expertParallel: true } : {}),
    ...(values['attention-dp'] ? { attentionDataParallel: true } : {}),
  };
}

export function schedulerOf(values: ParsedArgs['values']): Scheduler {
  return choice('--scheduler', stringOption(values, 'scheduler') ?? 'chunked', SCHEDULERS);
}

/**
 * Disaggregated pools when --prefill-chips and --decode-chips are given: each pool's widest tensor parallelism that
 * divides its chips and the heads, within the scale-up domain.
 */
export function disaggregation(
  values: ParsedArgs['values'],
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  plan: ServingPlan,
  prompt: number,
  output: number,
  defaultTp: (chips: number) => number,
):
  | (DisaggregatedPoint & { readonly prefillChips: number; readonly decodeChips: number; readonly decodeBatch: number })
  | undefined {
  const p = stringOption(values, 'prefill-chips');
  const d = stringOption(values, 'decode-chips');
  if (p === undefined && d === undefined) return undefined;
  if (p === undefined || d === undefined)
    throw new UsageError('disaggregated serving needs both --prefill-chips and --decode-chips');
  const prefillChips = positiveInteger('--prefill-chips', p, 1 << 24);
  const decodeChips = positiveInteger('--decode-chips', d, 1 << 24);
  const context = (chips: number, role: string): ServingContext => {
    const tp = defaultTp(chips);
    const pool = { ...plan, tp, pp: chips / tp };
    const problems = servingProblems(model, pool, chips);
    if (problems.length > 0)
      throw new TpusimError(
        'bad_plan',
        `the ${role} pool of ${chips} chips cannot serve ${model.name}:\n${problems.map((x) => `  ${x}`).join('\n')}`,
      );
    return servingContext(model, chip, system, pool);
  };
  const prefill = context(prefillChips, 'prefill');
  const decode = context(decodeChips, 'decode');
  const decodeBatch = positiveInteger('--decode-batch', stringOption(values, 'decode-batch') ?? '64', 1 << 20);
  return {
    ...disaggregatedPoint(prefill, decode, { prefillChips, decodeChips, decodeBatch }, prompt, output),
    prefillChips,
    decodeChips,
    decodeBatch,
  };
}

type Disaggregation = ReturnType<typeof disaggregation>;

/**
 * The techniques' part of `infer --json`: the quantization as run, KV-cache options, speculation, the scheduler's
 * steady state, the disaggregated pools.
 */
export function techniqueJson(
  ctx: ServingContext,
  scheduler: Scheduler,
  steady: ServingPoint,
  disagg: Disaggregation,
  replicas: number,
  point: ServingPoint,
): Record<string, unknown> {
  const spec = ctx.speculative;
  return {
    replicas,
    systemTokensPerS: point.tokensPerS * replicas,
    ...(ctx.expertParallel ? { expertParallel: true } : {}),
    ...(ctx.attentionDataParallel ? { attentionDataParallel: true } : {}),
    ...(ctx.quantization ? { quantization: ctx.quantization } : {}),
    ...(ctx.kvCache ? { kvCache: ctx.kvCache } : {}),
    ...(point.prefixRestoreS !== undefined ? { prefixRestoreS: point.prefixRestoreS } : {}),
    ...(spec
      ? {
          speculative: {
            ...spec.options,
            ...(spec.draft ? { draftModel: spec.draft.model.name } : { heads: true }),
            tokensPerStep: expectedTokensPerStep(spec.options.acceptance, spec.options.draftTokens),
          },
        }
      : {}),
    scheduler,
    steadyState: { ttftS: steady.ttftS, tpotS: steady.tpotS, tokensPerS: steady.tokensPerS, requestS: steady.requestS },
    ...(disagg ? { disaggregated: { ...disagg, decode: undefined } } : {}),
  };
}

const ms = (s: number): string => trimNumber(s * 1e3, 4);

/** The techniques' lines in `infer`'s table output. */
export function techniqueLines(
  ctx: ServingContext,
  point: ServingPoint,
  scheduler: Scheduler,
  steady: ServingPoint,
  disagg: Disaggregation,
  replicas: number,
): string[] {
  const out = [
    ...(replicas > 1
      ? [`${replicas} data-parallel replicas: ${formatSI(point.tokensPerS * replicas, 'tokens/s')} over the system`]
      : []),
    `memory per chip: weights ${inGib(point.memory.weights)} GiB, KV cache ${inGib(point.memory.kv)} GiB, ` +
      `activations ${inGib(point.memory.activations)} GiB` +
      `${point.kvOffloadBytes > 0 ? `; ${inGib(point.kvOffloadBytes)} GiB of KV offloaded to host memory` : ''}`,
  ];
  if (point.prefixRestoreS !== undefined)
    out.push(
      `prefix from host memory: each request's cached KV copied over the host link in ${ms(point.prefixRestoreS)} ms ` +
        `before its prefill (inside TTFT)`,
    );
  const q = ctx.quantization;
  if (q)
    out.push(
      `quantization: weights ${q.weightDtype}, activations ${q.activationDtype}, KV ${q.kvDtype}; GEMMs in ` +
        `${q.gemmFormat} (${q.mode})${q.notes.length > 0 ? `; ${q.notes.join('; ')}` : ''}`,
    );
  const spec = ctx.speculative;
  if (spec)
    out.push(
      `speculative decoding: ${spec.options.draftTokens} draft tokens at acceptance ${spec.options.acceptance} (` +
        `${spec.draft ? `draft ${spec.draft.model.name}` : 'self-speculation heads'}): ` +
        `${trimNumber(expectedTokensPerStep(spec.options.acceptance, spec.options.draftTokens), 4)} tokens per step`,
    );
  out.push(
    `${scheduler} scheduler, steady state at ${point.batch} in flight: TTFT ${ms(steady.ttftS)} ms, TPOT ` +
      `${ms(steady.tpotS)} ms, ${formatSI(steady.tokensPerS, 'tokens/s')}`,
  );
  if (disagg) {
    out.push(
      `disaggregated: ${disagg.prefillChips} prefill + ${disagg.decodeChips} decode chips (decode batch ` +
        `${disagg.decodeBatch}): TTFT ${ms(disagg.ttftS)} ms (KV transfer ${ms(disagg.kvTransferS)} ms of ` +
        `${inGib(disagg.kvTransferBytes)} GiB), TPOT ${ms(disagg.tpotS)} ms`,
    );
    out.push(
      `  ${trimNumber(disagg.requestsPerS, 4)} requests/s (${disagg.bound}-bound; prefill pool ` +
        `${trimNumber(disagg.prefillRequestsPerS, 4)}/s, decode pool ` +
        `${trimNumber(disagg.decodeRequestsPerS, 4)}/s), ${formatSI(disagg.tokensPerSPerChip, 'tokens/s')} per ` +
        `chip; balanced split: ${trimNumber(disagg.balancedPrefillChips, 3)} prefill chips of ` +
        `${disagg.prefillChips + disagg.decodeChips}`,
    );
  }
  return out;
}
