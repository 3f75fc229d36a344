import {
  batchSweep,
  DEFAULT_CHECKPOINT_S,
  DEFAULT_RESTART_S,
  formatSI,
  formatTable,
  hostRestore,
  iterationSeconds,
  scheduledPoint,
  maxBatch,
  goodputSvg,
  reliabilityAtScale,
  servingContext,
  servingPoint,
  servingPointFields,
  servingProblems,
  defaultServingEngine,
  SERVING_ENGINES,
  simulateServing,
  trimNumber,
  inGib,
  TpusimError,
  validationFor,
  type ReliabilityPoint,
  type ServingPoint,
  SECONDS_PER_DAY,
  SECONDS_PER_HOUR,
} from '../../index.js';
import { choice, outputPaths, parseCommandArgs, positiveInteger, seedArg, stringOption, UsageError } from '../args.js';
import {
  MAX_CHIPS,
  nonNegativeNumber,
  positiveNumber,
  readTransformer,
  resolveClusterChip,
  TRANSFORMER_HELP,
} from '../cluster-arg.js';
import { printJson, type Command } from '../command.js';
import { writeCharts, type Io } from '../io.js';
import { checkWork, LIMIT_HELP, LIMIT_OPTIONS, readLimits, servingWork } from '../limits.js';
import { createProgress } from '../progress.js';
import { CAPACITY_HELP, CAPACITY_OPTIONS, capacityAsked, runInferCapacity } from './infer-capacity.js';
import { SLO_HELP, SLO_OPTIONS } from './serving-slo.js';
import {
  disaggregation,
  schedulerOf,
  TECHNIQUE_HELP,
  TECHNIQUE_OPTIONS,
  techniqueJson,
  techniqueLines,
  techniquePlan,
} from './infer-techniques.js';

const ms = (s: number): string => trimNumber(s * 1e3, 4);

/**
 * The default split of a replica: the widest power-of-two tensor parallelism that divides the heads and the chips,
 * within the scale-up domain.
 */
function defaultTp(chips: number, heads: number, scaleUp: number): number {
  let tp = 1;
  while (tp * 2 <= Math.min(chips, scaleUp) && chips % (tp * 2) === 0 && heads % (tp * 2) === 0) tp *= 2;
  return tp;
}

export const inferCommand: Command = {
  name: 'infer',
  summary: 'serving a transformer on chips: time to first token, time per token, KV cache, throughput vs batch',
  usage: `tpusim infer MODEL --chip NAME|FILE [--system NAME|FILE] --chips N [--tp T] [--pp P] [--batch B]
             [--prompt P] [--output O] [--engine NAME] [--engine-version V] [--rate R] [--requests N] [--max-batch B]
             [--seed S] [--dtype FORMAT] [--power-limit W] [--json]
             [--slo-ttft TIME] [--slo-tpot TIME] [--percentile 50|90|99] [--workload FILE] [--search]
             [--slots S] [--chunk TOKENS] [--top K]

  One model replica over N chips (tensor parallelism inside the scale-up domain, pipeline stages
  beyond it, with up to pp microbatches in flight; --tp/--pp choose), in closed form
  (docs/cluster.md): for a batch of B prompts of P tokens (default 1, 1024) decoding O tokens each
  (default 256), the time to first token (the batch's prefill), the time per output token,
  throughput, the KV cache and memory per chip; and throughput and latency for batches from 1 to the
  largest that fits. --engine adds what a serving engine costs beyond the chips: host work per
  step, kernel launches (CUDA graphs for decode), request admission, its share of memory
  (${SERVING_ENGINES.join(', ')}; default vllm on GPUs, jetstream on TPU-style chips; ideal: the
  chips alone); --engine-version names a release where older ones differ (TensorRT-LLM before 0.7
  reads each query head's KV cache separately, before its XQA kernel). With --rate R (requests per
  second) a discrete-event simulation of continuous batching under Poisson arrivals (--requests,
  default 2000; --max-batch, default the largest that fits up to 256; output lengths geometric with
  mean O) reports latency percentiles. The times are printed with the held-out error of serving
  predictions in the validation suite (docs/validation.md), or say when the chip, chip count or model
  lies outside every validated regime. --power-limit W runs each board under a power limit below its
  rated one, at the clock the power model holds there (docs/cluster.md). The simulation is refused
  before it starts when it would run too long, and shows progress on stderr when it takes more than a
  few seconds:
  ${LIMIT_HELP}
  ${TECHNIQUE_HELP}
  ${CAPACITY_HELP}
  ${SLO_HELP}
  ${TRANSFORMER_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('infer', argv, {
      chip: { type: 'string' },
      system: { type: 'string' },
      chips: { type: 'string' },
      tp: { type: 'string' },
      pp: { type: 'string' },
      batch: { type: 'string' },
      prompt: { type: 'string' },
      output: { type: 'string' },
      rate: { type: 'string' },
      requests: { type: 'string' },
      'max-batch': { type: 'string' },
      seed: { type: 'string' },
      dtype: { type: 'string' },
      engine: { type: 'string' },
      'engine-version': { type: 'string' },
      'power-limit': { type: 'string' },
      json: { type: 'boolean' },
      ...LIMIT_OPTIONS,
      ...SLO_OPTIONS,
      ...CAPACITY_OPTIONS,
      ...TECHNIQUE_OPTIONS,
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('infer needs one MODEL; see tpusim infer --help');
    const chips = positiveInteger('--chips', stringOption(values, 'chips') ?? '1', MAX_CHIPS);
    const { chip, system } = resolveClusterChip(values);
    const prompt = positiveInteger('--prompt', stringOption(values, 'prompt') ?? '1024', 1 << 24);
    const output = positiveInteger('--output', stringOption(values, 'output') ?? '256', 1 << 24);
    const model = readTransformer(positionals[0]!, 1);
    if (prompt + output > model.maxPositions)
      throw new UsageError(
        `--prompt ${prompt} + --output ${output} = ${prompt + output} tokens exceeds ${model.name}'s ` +
          `${model.maxPositions} positions`,
      );
    const heads = model.groups[0]!.shape.heads;
    const tpText = stringOption(values, 'tp');
    const ppText = stringOption(values, 'pp');
    // --dp R: R data-parallel replicas, each of chips / R chips.
    const replicas = positiveInteger('--dp', stringOption(values, 'dp') ?? '1', MAX_CHIPS);
    const replicaChips = Math.max(1, Math.floor(chips / replicas));
    const tp =
      tpText !== undefined
        ? positiveInteger('--tp', tpText, MAX_CHIPS)
        : ppText !== undefined
          ? Math.max(1, Math.floor(replicaChips / positiveInteger('--pp', ppText, MAX_CHIPS)))
          : defaultTp(replicaChips, heads, system.tiers[0]?.domainChips ?? 1);
    const pp =
      ppText !== undefined ? positiveInteger('--pp', ppText, MAX_CHIPS) : Math.max(1, Math.floor(replicaChips / tp));
    const problems = servingProblems(model, { tp, pp, replicas }, chips);
    if (problems.length > 0)
      throw new TpusimError('bad_plan', `cannot serve ${model.name} so:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    const formats = chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input as string);
    const dtypeText = stringOption(values, 'dtype');
    const engine = choice('--engine', stringOption(values, 'engine') ?? defaultServingEngine(chip), SERVING_ENGINES);
    const engineVersion = stringOption(values, 'engine-version');
    // Serving techniques (infer-techniques.ts): quantization, KV cache, speculative decoding, chunk size.
    const techniques = techniquePlan(values, model.maxPositions);
    if (dtypeText !== undefined && techniques.quantization)
      throw new UsageError(
        '--dtype sets weights and activations together; use --weight-dtype/--activation-dtype instead of it, not ' +
          'with it',
      );
    const ctx = servingContext(model, chip, system, {
      tp,
      pp,
      engine,
      ...(engineVersion !== undefined ? { engineVersion } : {}),
      ...(dtypeText !== undefined ? { dtype: choice('--dtype', dtypeText, formats) } : {}),
      ...techniques,
    });
    const scheduler = schedulerOf(values);
    if (capacityAsked(values)) {
      const dtypeFixed = dtypeText !== undefined || ctx.quantization !== undefined;
      const basePlan = {
        engine,
        ...(engineVersion !== undefined ? { engineVersion } : {}),
        ...(dtypeFixed ? { dtype: ctx.dtype } : {}),
        ...techniques,
      };
      return runInferCapacity(io, values, { model, chip, system, chips, replicas, ctx, basePlan, dtypeFixed });
    }
    const batch = positiveInteger('--batch', stringOption(values, 'batch') ?? '1', 1 << 20);
    const point = servingPoint(ctx, batch, prompt, output);
    const sweep = batchSweep(ctx, prompt, output);
    const most = maxBatch(ctx, prompt, output);
    const steady = scheduledPoint(ctx, scheduler, batch, prompt, output);
    const disagg = disaggregation(
      values,
      model,
      chip,
      system,
      { tp, pp, engine, ...(engineVersion !== undefined ? { engineVersion } : {}), ...techniques },
      prompt,
      output,
      (n) => defaultTp(n, heads, system.tiers[0]?.domainChips ?? 1),
    );
    const rate = positiveNumber('--rate', stringOption(values, 'rate'), 1e9);
    let simulation: ReturnType<typeof simulateServing> | undefined;
    let simBatch = 0;
    if (rate !== undefined) {
      if (most < 1)
        throw new TpusimError(
          'does_not_fit',
          `${model.name}'s weights do not fit ${chips} x ${chip.name}; no batch can be served`,
        );
      simBatch = positiveInteger(
        '--max-batch',
        stringOption(values, 'max-batch') ?? String(Math.min(256, most)),
        1 << 20,
      );
      const requests = positiveInteger('--requests', stringOption(values, 'requests') ?? '2000', 1_000_000);
      const seed = seedArg('--seed', stringOption(values, 'seed'));
      const one = servingPoint(ctx, 1, prompt, output);
      checkWork(
        servingWork({
          requests,
          rate,
          outputTokens: output,
          maxBatch: simBatch,
          requestSeconds: one.ttftS + output * one.tpotS,
        }),
        readLimits(values),
      );
      const progress = createProgress(io, 'serving simulation', requests);
      simulation = simulateServing({
        rate,
        requests,
        promptTokens: prompt,
        outputTokens: { mean: output },
        maxBatch: simBatch,
        maxBatchTokens: Math.max(simBatch, ctx.engine.maxBatchTokens),
        scheduler,
        kvCapacityTokens: Math.max(1, most) * (prompt + output),
        seed,
        iteration: (step) => iterationSeconds(ctx, step),
        ...hostRestore(ctx),
        onProgress: (finished) => progress.update(finished),
      });
      progress.finish();
    }
    const validation = validationFor('serving', { chip: chip.name, chips, params: model.params });
    const misfit = point.fits
      ? undefined
      : `${model.name} on ${chips} x ${chip.name}: ${inGib(point.memoryPerChipBytes)} GiB per chip for batch ` +
        `${batch} exceeds the chip's ${inGib(chip.offChipMemory.capacityBytes)} GiB; ` +
        (most < 1
          ? 'no batch fits (more chips, or a smaller ' + 'dtype, spread the weights further)'
          : `the largest batch that fits ` + `is ${most}`);
    if (misfit) io.err(`tpusim: ${misfit}`);
    if (values['json']) {
      printJson(io, 'infer', {
        model: model.name,
        chip: chip.name,
        system: system.name,
        chips,
        tp,
        pp,
        dtype: ctx.dtype,
        engine,
        ...(engineVersion !== undefined ? { engineVersion } : {}),
        batch,
        prompt,
        output,
        ...servingPointFields(point),
        kvOffloadBytes: point.kvOffloadBytes,
        maxBatch: most,
        ...techniqueJson(ctx, scheduler, steady, disagg, replicas, point),
        sweep,
        validation,
        ...(simulation ? { simulation: { rate, maxBatch: simBatch, ...simulation } } : {}),
      });
      return point.fits ? 0 : 1;
    }
    io.out(
      `${model.name} on ${chips} x ${chip.name} (${system.name}; tp ${tp} x pp ${pp}, ${ctx.dtype}, ${engine}` +
        `${engineVersion !== undefined ? ` ${engineVersion}` : ''} engine): batch ${batch}, prompt ${prompt}, ` +
        `output ${output}`,
    );
    io.out(
      `time to first token ${ms(point.ttftS)} ms; time per output token ${ms(point.tpotS)} ms; ` +
        `${formatSI(point.tokensPerS, 'tokens/s')} over the request (` +
        `${formatSI(point.decodeTokensPerS, 'tokens/s')} while decoding)`,
    );
    io.out(`serving predictions: ${validation.text}`);
    io.out(
      `KV cache ${inGib(point.kvCacheBytes)} GiB; memory per chip ${inGib(point.memoryPerChipBytes)} GiB of ` +
        `${inGib(chip.offChipMemory.capacityBytes)} GiB${point.fits ? '' : ' (DOES NOT FIT)'}; largest batch that ` +
        `fits: ${most}`,
    );
    for (const line of techniqueLines(ctx, point, scheduler, steady, disagg, replicas)) io.out(line);
    if (sweep.length > 0) io.out('');
    if (sweep.length > 0)
      io.out(
        formatTable(
          ['batch', 'TTFT (ms)', 'TPOT (ms)', 'tokens/s', 'decode tokens/s', 'KV cache (GiB)', 'GiB/chip'],
          sweep.map((p: ServingPoint) => [
            String(p.batch),
            ms(p.ttftS),
            ms(p.tpotS),
            formatSI(p.tokensPerS, ''),
            formatSI(p.decodeTokensPerS, ''),
            inGib(p.kvCacheBytes),
            inGib(p.memoryPerChipBytes),
          ]),
        ),
      );
    if (simulation && rate !== undefined) {
      const s = simulation;
      io.out('');
      io.out(
        `continuous batching, ${rate} requests/s (Poisson), up to ${simBatch} sequences: ${s.completed} ` +
          `requests, ${formatSI(s.throughputTokensPerS, 'tokens/s')}, mean batch ${trimNumber(s.meanBatch, 3)}` +
          `${s.saturated ? ' -- SATURATED: arrivals outpace service, the queue grows' : ''}`,
      );
      io.out(
        formatTable(
          ['', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'max (ms)'],
          (['ttft', 'tpot', 'latency', 'queueing'] as const).map((k) => [
            k,
            ms(s[k].p50),
            ms(s[k].p90),
            ms(s[k].p99),
            ms(s[k].max),
          ]),
        ),
      );
    }
    return point.fits ? 0 : 1;
  },
};

export const reliabilityCommand: Command = {
  name: 'reliability',
  summary: 'interruptions, checkpoint interval and goodput of synchronous training from 10k to 10M chips',
  usage:
    `tpusim reliability [--chips N,N,...] [--checkpoint S] [--restart S] [--rate PER_CHIP_HOUR]
                   ` +
    `[--svg goodput.svg] [--json]

  Failures as a Poisson process growing with the chip count (default rate: ` +
    `Llama 3's 419 unexpected
  interruptions in 54 days on 16,384 GPUs, arXiv:2407.21783 section 3.3.4), the ` +
    `system MTBF, Daly's
  optimal checkpoint interval and the goodput (useful fraction of wall time) for a ` +
    `checkpoint write
  of --checkpoint seconds (default ${DEFAULT_CHECKPOINT_S}) and a restart of --restart ` +
    `seconds (default ${DEFAULT_RESTART_S}).
  Default chip counts: 1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7. --svg ` +
    `writes the goodput against the chip
  count, as the UI's Cluster page draws it.`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('reliability', argv, {
      chips: { type: 'string' },
      checkpoint: { type: 'string' },
      restart: { type: 'string' },
      rate: { type: 'string' },
      svg: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`reliability takes no positional arguments, got '${positionals[0]}'`);
    const { svg } = outputPaths(values, ['svg']);
    const chips = (stringOption(values, 'chips') ?? '1e4,3e4,1e5,3e5,1e6,3e6,1e7')
      .split(',')
      .map((t) => positiveInteger('--chips', t.trim(), MAX_CHIPS));
    const checkpointS = positiveNumber('--checkpoint', stringOption(values, 'checkpoint'), 1e7) ?? DEFAULT_CHECKPOINT_S;
    const restartS = nonNegativeNumber('--restart', stringOption(values, 'restart'), 1e7) ?? DEFAULT_RESTART_S;
    const rate = positiveNumber('--rate', stringOption(values, 'rate'), 1);
    const points = reliabilityAtScale({
      chips,
      checkpointS,
      restartS,
      ...(rate !== undefined ? { ratePerChipHour: rate } : {}),
    });
    writeCharts([{ path: svg, draw: () => goodputSvg({ points, checkpointS, restartS }) }]);
    if (values['json']) {
      printJson(io, 'reliability', {
        checkpointS,
        restartS,
        ...(rate !== undefined ? { ratePerChipHour: rate } : {}),
        points,
        ...(svg ? { svg } : {}),
      });
      return 0;
    }
    const duration = (s: number): string =>
      s >= SECONDS_PER_DAY
        ? `${trimNumber(s / SECONDS_PER_DAY, 3)} d`
        : s >= SECONDS_PER_HOUR
          ? `${trimNumber(s / SECONDS_PER_HOUR, 3)} h`
          : s >= 60
            ? `${trimNumber(s / 60, 3)} min`
            : `${trimNumber(s, 3)} s`;
    io.out(
      formatTable(
        ['chips', 'interruptions/day', 'MTBF', 'checkpoint every', 'goodput %'],
        points.map((p: ReliabilityPoint) => [
          p.chips.toLocaleString('en-US'),
          trimNumber(p.interruptionsPerDay, 4),
          duration(p.mtbfS),
          duration(p.intervalS) + (p.dalyApplies ? '' : ' (C >= 2M)'),
          trimNumber(p.goodputExponential * 100, 3),
        ]),
      ),
    );
    io.out(
      `(checkpoint write ${checkpointS} s, restart ${restartS} s; goodput from the exponential failure model at ` +
        `Daly's interval; see docs/cluster.md)`,
    );
    if (svg) io.out(`wrote ${svg}`);
    return 0;
  },
};
