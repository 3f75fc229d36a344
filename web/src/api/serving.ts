/**
 * Requests of the Serving page: a zoo transformer served on N chips of a chip's preset system, as
 * `tpusim infer MODEL --chip C --chips N [--weight-dtype W --activation-dtype A --kv-dtype K]
 * [--kv-block B --prefix-hit-rate H --draft-tokens K --acceptance A --scheduler S --chunk C
 * --prefill-chips P --decode-chips D] --json` computes it (the same library calls with the same defaults: tp the widest
 * power of two within the
 * scale-up domain, the engine for the chip, the chunked scheduler); the capacity under latency SLOs as
 * `tpusim infer ... --slo-ttft T --slo-tpot P --percentile Q --requests R --json` finds it; and dollars
 * per million tokens at that capacity from the chip-hour `tpusim tco` prices.
 *
 * The per-layer roofline is computed here: the library times a serving step as a whole and exposes no
 * per-layer breakdown, so each part of one layer (projections, attention, MLP) is placed on the chip's
 * roofline from its FLOPs and bytes per chip (LLM-Viewer's analysis), for a prefill pass and a decode step.
 */
import {
  csvSamples,
  disaggregatedPoint,
  expectedTokensPerStep,
  SCHEDULERS,
  defaultSchedule,
  defaultServingEngine,
  defaultServingSplit,
  evaluateRate,
  expandWorkloadValue,
  findCapacity,
  fixedWorkload,
  getZooEntry,
  KV_DTYPES,
  ACTIVATION_DTYPES,
  WEIGHT_DTYPES,
  batchSweep,
  maxBatch,
  meanLengths,
  parseServingWorkload,
  parseStructuredText,
  peakOpsPerS,
  scheduledPoint,
  servingContext,
  servingMemory,
  servingPoint,
  servingPointFields,
  servingProblems,
  SYSTEM_PRESETS,
  transformerModel,
  usdPerMillionTokens,
  zooModelNames,
  type ChipSpec,
  type MatrixInputFormat,
  type QuantizationOptions,
  type Scheduler,
  type ServingContext,
  type ServingSlo,
  type ServingWorkload,
  type SloPercentile,
  type SystemSpec,
  type TransformerModel,
  type LayerShape,
  CHIP_PRESETS,
} from '../../../src/web.js';
import arxiv from '../../../examples/serving/arxiv-summarization.json?raw';
import lmsys from '../../../examples/serving/lmsys-chat.csv?raw';
import sharegpt from '../../../examples/serving/sharegpt-chat.json?raw';
import { chipHourPrice } from './cluster.js';

/** The shipped request-length shapes (examples/serving/, each file states its source). */
const SHAPES: Readonly<Record<string, { readonly file: string; readonly text: string }>> = {
  'sharegpt-chat': { file: 'examples/serving/sharegpt-chat.json', text: sharegpt },
  'lmsys-chat': { file: 'examples/serving/lmsys-chat.csv', text: lmsys },
  'arxiv-summarization': { file: 'examples/serving/arxiv-summarization.json', text: arxiv },
};

export interface ServingArgs {
  readonly model: string;
  readonly chip: string;
  readonly chips: number;
  /** Each of the three, or none (the chip's first format, bf16 KV cache), as `infer`'s flags. */
  readonly quantization?: QuantizationOptions;
  readonly batch: number;
  /** Fixed lengths (`--prompt`/`--output`), or a shipped shape (`--workload examples/serving/...`). */
  readonly prompt: number;
  readonly output: number;
  readonly shape?: string;
  /**
   * The technique flags of `infer`: --kv-block, --prefix-hit-rate, --draft-tokens/--acceptance, --scheduler, --chunk,
   * --prefill-chips/--decode-chips.
   */
  readonly kvBlockTokens?: number;
  readonly prefixHitRate?: number;
  readonly speculative?: { readonly draftTokens: number; readonly acceptance: number };
  readonly scheduler?: Scheduler;
  readonly chunkTokens?: number;
  readonly disaggregation?: { readonly prefillChips: number; readonly decodeChips: number };
}

/** `infer`'s default decode batch of a disaggregated decode pool (--decode-batch). */
const DECODE_BATCH = 64;

export interface CapacityArgs extends ServingArgs {
  readonly slo: ServingSlo;
  readonly requests: number;
  readonly seed: number;
}

const models = new Map<string, TransformerModel>();
function modelOf(name: string): TransformerModel {
  if (!getZooEntry(name)?.config)
    throw new Error(`'${name}' is not a zoo transformer; the serving page serves ${zooTransformers().join(', ')}`);
  const kept = models.get(name) ?? transformerModel({ zoo: name }, 1);
  models.set(name, kept);
  return kept;
}

const zooTransformers = (): string[] => zooModelNames().filter((n) => getZooEntry(n)?.config);

/** The chip and the preset system built from it, as `tpusim infer --chip C` picks it. */
function chipAndSystem(name: string): { chip: ChipSpec; system: SystemSpec } {
  const chip = CHIP_PRESETS[name];
  if (!chip) throw new Error(`unknown chip '${name}'`);
  const system = Object.values(SYSTEM_PRESETS).find((s) => s.chip === name);
  if (!system) throw new Error(`no preset system is built from ${name}`);
  return { chip, system };
}

const workloads = new Map<string, ServingWorkload>();
/** The request lengths: a shipped shape read as `infer --workload FILE` reads it, else the fixed pair. */
function workloadOf(args: ServingArgs): ServingWorkload {
  if (args.shape === undefined) return fixedWorkload(args.prompt, args.output);
  const kept = workloads.get(args.shape);
  if (kept) return kept;
  const shape = SHAPES[args.shape];
  if (!shape)
    throw new Error(`unknown workload '${args.shape}'; the shipped ones are ${Object.keys(SHAPES).join(', ')}`);
  const value = shape.file.endsWith('.csv') ? csvOf(shape.text) : parseStructuredText(shape.text, shape.file);
  const expanded = value.ok ? expandWorkloadValue(value.value) : value;
  const parsed = expanded.ok ? parseServingWorkload(expanded.value, shape.file) : expanded;
  if (!parsed.ok) throw new Error(`${shape.file}: ${parsed.issues.map((i) => i.message).join('; ')}`);
  workloads.set(args.shape, parsed.workload);
  return parsed.workload;
}

function csvOf(text: string): ReturnType<typeof parseStructuredText> {
  const csv = csvSamples(text);
  return csv.ok ? { ok: true, value: { samples: csv.samples } } : csv;
}

/** The replica as `tpusim infer` builds it; a plan the model cannot take is an error with every reason. */
function contextOf(args: ServingArgs): {
  model: TransformerModel;
  chip: ChipSpec;
  system: SystemSpec;
  ctx: ServingContext;
  workload: ServingWorkload;
} {
  const model = modelOf(args.model);
  const { chip, system } = chipAndSystem(args.chip);
  const workload = workloadOf(args);
  const longest = meanLengths(workload).longest;
  if (longest > model.maxPositions)
    throw new Error(
      `the longest request, ${longest} tokens (input + output), exceeds ${model.name}'s ${model.maxPositions} ` +
        `positions`,
    );
  const split = defaultServingSplit(model, args.chips, system);
  const problems = servingProblems(model, split, args.chips);
  if (problems.length > 0) throw new Error(`cannot serve ${model.name} on ${args.chips} chips: ${problems.join('; ')}`);
  const ctx = servingContext(model, chip, system, { ...split, ...techniquePlan(args, chip) });
  return { model, chip, system, ctx, workload };
}

/** The plan fields beyond tp and pp, as `infer`'s technique flags set them. */
function techniquePlan(args: ServingArgs, chip: ChipSpec) {
  const kvCache = {
    ...(args.kvBlockTokens !== undefined ? { blockTokens: args.kvBlockTokens } : {}),
    ...(args.prefixHitRate !== undefined ? { prefixHitRate: args.prefixHitRate } : {}),
  };
  return {
    engine: defaultServingEngine(chip),
    ...(args.quantization ? { quantization: args.quantization } : {}),
    ...(Object.keys(kvCache).length > 0 ? { kvCache } : {}),
    ...(args.speculative ? { speculative: args.speculative } : {}),
    ...(args.chunkTokens !== undefined ? { chunkTokens: args.chunkTokens } : {}),
  };
}

/**
 * Disaggregated pools as `infer --prefill-chips P --decode-chips D` builds them: each pool one replica in its default
 * split.
 */
function disaggregationOf(
  args: ServingArgs,
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  prompt: number,
  output: number,
) {
  const d = args.disaggregation;
  if (!d) return undefined;
  const pool = (chips: number, role: string): ServingContext => {
    const split = defaultServingSplit(model, chips, system);
    const problems = servingProblems(model, split, chips);
    if (problems.length > 0)
      throw new Error(`the ${role} pool of ${chips} chips cannot serve ${model.name}: ${problems.join('; ')}`);
    return servingContext(model, chip, system, { ...split, ...techniquePlan(args, chip) });
  };
  const point = disaggregatedPoint(
    pool(d.prefillChips, 'prefill'),
    pool(d.decodeChips, 'decode'),
    { ...d, decodeBatch: DECODE_BATCH },
    prompt,
    output,
  );
  return { ...point, decode: undefined, ...d, decodeBatch: DECODE_BATCH };
}

/** Bytes of one activation element: the activation format when quantized, else 2 (bf16). */
const activationBytes = (ctx: ServingContext): number =>
  ctx.quantization && ctx.quantization.activationDtype !== 'bf16' ? 1 : 2;

interface LayerPart {
  readonly label: string;
  readonly flops: number;
  readonly bytes: number;
}

/** One layer's parts on one chip for `tokens` tokens through the projections (weights read once), and its attention. */
function layerParts(
  ctx: ServingContext,
  shape: LayerShape,
  tokens: number,
  attention: { flops: number; bytes: number },
): LayerPart[] {
  const h = ctx.model.hidden;
  const tp = ctx.tp;
  const a = activationBytes(ctx);
  const linear = (label: string, k: number, n: number, weightsRead = k * n): LayerPart => ({
    label,
    flops: (2 * tokens * k * n) / tp,
    bytes: (weightsRead * ctx.weightBytes + tokens * (k + n) * a) / tp,
  });
  const mlp = shape.mlp;
  const matrices = mlp.gated ? 3 : 2;
  let mlpPart: LayerPart;
  if (mlp.kind === 'dense') mlpPart = linear('MLP', h, matrices * mlp.ffn);
  else {
    // Experts the step's tokens touch, each token routed to topK of them uniformly.
    const touched = mlp.experts * (1 - (1 - mlp.topK / mlp.experts) ** tokens);
    const routed = linear('MLP (experts)', h, matrices * mlp.topK * mlp.ffn, h * matrices * mlp.ffn * touched);
    const shared =
      mlp.sharedExperts > 0 ? linear('', h, matrices * mlp.sharedExperts * mlp.sharedFfn) : { flops: 0, bytes: 0 };
    mlpPart = { label: 'MLP (experts)', flops: routed.flops + shared.flops, bytes: routed.bytes + shared.bytes };
  }
  return [
    linear('QKV projection', h, shape.projectionOut),
    { label: 'attention', ...attention },
    linear('output projection', shape.heads * shape.valueDim, h),
    mlpPart,
  ];
}

/** KV cache elements of one token of one layer on one chip (as serve.ts splits them over the tp ranks). */
const kvElementsPerChip = (ctx: ServingContext, shape: LayerShape): number =>
  shape.kvCacheElements / Math.min(ctx.tp, Math.max(1, shape.kvHeads));

/** Prefill of `batch` prompts of `prompt` tokens, and one decode step of `batch` sequences at the mean context. */
function rooflineParts(
  ctx: ServingContext,
  batch: number,
  prompt: number,
  output: number,
): { prefill: LayerPart[]; decode: LayerPart[] } {
  const shape = ctx.model.groups[0]!.shape;
  const heads = shape.heads / ctx.tp;
  const width = shape.qkDim + shape.valueDim;
  const a = activationBytes(ctx);
  const kv = kvElementsPerChip(ctx, shape);
  // Causal prefill attention, fused: prompt (prompt + 1) / 2 pairs per head; queries, keys, values and outputs through
  // memory once.
  const pairs = (batch * prompt * (prompt + 1)) / 2;
  const prefillAttention = { flops: 2 * pairs * heads * width, bytes: batch * prompt * (heads * width + kv) * a };
  // A decode step reads every sequence's cache at the mean context.
  const context = prompt + output / 2;
  const decodeAttention = {
    flops: 2 * batch * context * heads * width,
    bytes: batch * context * kv * ctx.kvBytes + batch * heads * width * a,
  };
  return {
    prefill: layerParts(ctx, shape, batch * prompt, prefillAttention),
    decode: layerParts(ctx, shape, batch, decodeAttention),
  };
}

/**
 * Each part where the roofline puts it: attainable ops/s = min(peak, intensity x bandwidth), and which roof bounds it.
 */
function onRoof(parts: readonly LayerPart[], peak: number, bandwidth: number) {
  return parts
    .filter((p) => p.flops > 0 && p.bytes > 0)
    .map((p) => {
      const intensity = p.flops / p.bytes;
      const memoryBound = intensity * bandwidth < peak;
      return {
        label: p.label,
        flops: p.flops,
        bytes: p.bytes,
        intensity,
        opsPerS: memoryBound ? intensity * bandwidth : peak,
        bound: memoryBound ? 'memory' : 'compute',
        timeS: Math.max(p.flops / peak, p.bytes / bandwidth),
      };
    });
}

export const servingApi = {
  /** The zoo's transformers, the chips with a preset system, the quantization formats and the shipped workloads. */
  servingChoices: (_args: object) => ({
    models: zooTransformers(),
    chips: Object.keys(CHIP_PRESETS).filter((c) => Object.values(SYSTEM_PRESETS).some((s) => s.chip === c)),
    weightDtypes: WEIGHT_DTYPES,
    activationDtypes: ACTIVATION_DTYPES,
    kvDtypes: KV_DTYPES,
    schedulers: SCHEDULERS,
    shapes: Object.entries(SHAPES).map(([name, s]) => ({ name, file: s.file })),
  }),
  /** `tpusim infer --json` (no SLO): the static batch, the batch sweep, memory per chip, and the per-layer roofline. */
  servingInfer: (args: ServingArgs) => {
    const { model, chip, system, ctx, workload } = contextOf(args);
    const m = meanLengths(workload);
    const prompt = Math.max(1, Math.round(m.input));
    const output = Math.max(1, Math.round(m.output));
    const point = servingPoint(ctx, args.batch, prompt, output);
    const scheduler = args.scheduler ?? 'chunked';
    const steady = scheduledPoint(ctx, scheduler, args.batch, prompt, output);
    const disaggregated = disaggregationOf(args, model, chip, system, prompt, output);
    const spec = ctx.speculative;
    const peak = peakOpsPerS(chip, ctx.dtype as MatrixInputFormat);
    const bandwidth = chip.offChipMemory.bandwidthBytesPerS;
    const parts = rooflineParts(ctx, args.batch, prompt, output);
    return {
      model: model.name,
      chip: chip.name,
      system: system.name,
      chips: args.chips,
      tp: ctx.tp,
      pp: ctx.pp,
      dtype: ctx.dtype,
      engine: ctx.engine.name,
      ...(ctx.quantization ? { quantization: ctx.quantization } : {}),
      batch: args.batch,
      prompt,
      output,
      ...servingPointFields(point),
      capacityBytes: chip.offChipMemory.capacityBytes,
      maxBatch: maxBatch(ctx, prompt, output),
      ...(ctx.kvCache ? { kvCache: ctx.kvCache } : {}),
      ...(spec
        ? {
            speculative: {
              ...spec.options,
              heads: true,
              tokensPerStep: expectedTokensPerStep(spec.options.acceptance, spec.options.draftTokens),
            },
          }
        : {}),
      scheduler,
      ...(disaggregated ? { disaggregated } : {}),
      steadyState: {
        ttftS: steady.ttftS,
        tpotS: steady.tpotS,
        tokensPerS: steady.tokensPerS,
        requestS: steady.requestS,
      },
      sweep: batchSweep(ctx, prompt, output),
      roofline: {
        peakOpsPerS: peak,
        bandwidthBytesPerS: bandwidth,
        memoryKind: chip.offChipMemory.kind,
        prefill: onRoof(parts.prefill, peak, bandwidth),
        decode: onRoof(parts.decode, peak, bandwidth),
      },
    };
  },
  /**
   * `tpusim infer --slo-ttft --slo-tpot --percentile --requests --json`: the capacity, memory at full load, and $/Mtok
   * at the chip-hour `tpusim tco` prices.
   */
  servingCapacity: (args: CapacityArgs) => {
    // As `infer --slo-* --prefill-chips/--decode-chips` refuses: the simulation runs one pool.
    if (args.disaggregation)
      throw new Error(
        'disaggregated pools (prefill/decode chips) are not modelled by the capacity simulation, which runs one ' +
          'pool of replicas; clear them for capacity, or see tpusim infer --search for a closed-form estimate of ' +
          'prefill : decode splits',
      );
    const { chip, ctx, workload } = contextOf(args);
    const schedule = defaultSchedule(ctx, workload);
    const c = findCapacity(ctx, workload, args.slo, schedule, { requests: args.requests, seed: args.seed });
    const price = chipHourPrice(chip);
    const perChip = c.outputTokensPerS / args.chips;
    const inputPerChip = c.inputTokensPerS / args.chips;
    const memory = servingMemory(ctx, workload, schedule);
    return {
      slo: args.slo,
      slots: schedule.slots,
      chunkTokens: schedule.chunkTokens,
      feasible: c.feasible,
      reasons: c.reasons,
      requestsPerS: c.requestsPerS,
      tokensPerS: c.outputTokensPerS,
      inputTokensPerS: c.inputTokensPerS,
      tokensPerSPerChip: perChip,
      ...(c.atCapacity
        ? {
            ttftS: c.atCapacity.ttftS,
            tpotS: c.atCapacity.tpotS,
            tbtS: c.atCapacity.tbtS,
            meanBatch: c.atCapacity.meanBatch,
          }
        : {}),
      memory,
      simulations: c.simulations,
      usdPerChipHour: price.usdPerChipHour,
      price,
      ...(c.feasible
        ? {
            usdPerMillionTokens: {
              output: usdPerMillionTokens(price.usdPerChipHour, perChip),
              input: usdPerMillionTokens(price.usdPerChipHour, inputPerChip),
              total: usdPerMillionTokens(price.usdPerChipHour, perChip + inputPerChip),
            },
          }
        : {}),
    };
  },
  /**
   * The latency-throughput curve: simulations at fractions and multiples of `around` requests/s, each with the SLO's
   * percentile.
   */
  servingCurve: (args: CapacityArgs & { readonly around: number }) => {
    const { ctx, workload } = contextOf(args);
    const schedule = defaultSchedule(ctx, workload);
    const m = meanLengths(workload);
    return [0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5].map((f) => {
      const e = evaluateRate(ctx, workload, schedule, args.slo, f * args.around, {
        requests: args.requests,
        seed: args.seed,
      });
      const p = (x: { p50: number; p90: number; p99: number }): number => pick(x, args.slo.percentile);
      return {
        requestsPerS: e.requestsPerS,
        tokensPerS: e.requestsPerS * m.output,
        ttftS: p(e.ttftS),
        tpotS: p(e.tpotS),
        meets: e.meets,
        saturated: e.saturated,
        reasons: e.reasons,
      };
    });
  },
};

const pick = (x: { p50: number; p90: number; p99: number }, percentile: SloPercentile): number =>
  percentile === 50 ? x.p50 : percentile === 90 ? x.p90 : x.p99;
