/**
 * `tpusim infer` with latency SLOs: the capacity of the replica (the highest request rate meeting the
 * SLOs, found with the simulator), or with --search the serving configurations of the chips ranked by
 * output tokens per second per chip under the SLOs.
 */
import {
  defaultSchedule,
  findCapacity,
  formatSI,
  formatTable,
  meanLengths,
  searchServingConfigs,
  servingMemory,
  simulatedRequestsBound,
  trimNumber,
  inGib,
  type CapacityResult,
  type ReplicaSchedule,
  type ServingContext,
  type ServingPlan,
  type ServingSearchResult,
  type ServingSlo,
  type ServingWorkload,
  type TransformerModel,
  type ChipSpec,
  type SystemSpec,
  type Percentiles,
} from '../../index.js';
import { positiveInteger, seedArg, stringOption, UsageError, type ParsedArgs } from '../args.js';
import { printJson } from '../command.js';
import type { Io } from '../io.js';
import { checkWork, readLimits, servingWork } from '../limits.js';
import { createProgress } from '../progress.js';
import { schedulerOf } from './infer-techniques.js';
import { readServingWorkload, readSlo, seconds, sloGiven, sloText, workloadText } from './serving-slo.js';

export const CAPACITY_OPTIONS = {
  workload: { type: 'string' },
  search: { type: 'boolean' },
  slots: { type: 'string' },
  chunk: { type: 'string' },
  top: { type: 'string' },
} as const;

export const CAPACITY_HELP =
  `With --slo-ttft, --slo-tpot and/or --slo-tbt (or --search) it answers capacity instead: the highest
  Poisson request rate ` +
  `the replica serves while the --percentile of TTFT, of TPOT (and of TBT) meet the SLOs,
  found by simulating (bracket, ` +
  `then bisection to 2%; at most 24 simulations of --requests, default 2000
  (1000 with --search),
  all with ` +
  `--seed), with the slots and chunk size used (--slots, default as many as the KV cache
  holds up to 256; ` +
  `--chunk, default the engine's tokens per step), goodput and memory per chip.
  --scheduler chunked|continuous|static picks the
  simulated scheduler (default chunked; continuous: vLLM V0's whole-prompt prefills that pause the decodes).
  --workload FILE gives the ` +
  `request lengths: {"inputTokens": N, "outputTokens": M}, or
  {"samples": [[input, output], ...]} drawn ` +
  `uniformly (JSON or YAML); else --prompt/--output.
  --search ranks configurations of the N chips (tp x pp ` +
  `replicas, each matrix format, then slots and
  chunk sizes for the best) by output tokens/s per chip under the ` +
  `SLOs (--top, default 10), with
  the rejected ones and why (docs/cluster.md, "Capacity under SLOs and $/Mtok"); ` +
  `with N >= 2 it also
  ranks prefill : decode splits of the chips (disaggregation) by a closed-form estimate, ` +
  `since the
  simulator runs one pool. --prefill-chips/--decode-chips are refused with the SLO flags.`;

/**
 * An SLO or capacity flag was given: `infer` answers capacity. --chunk alone sets the engine's chunk
 * (a technique), and --workload with --rate sets the lengths of that one simulation.
 */
export function capacityAsked(values: ParsedArgs['values']): boolean {
  return (
    sloGiven(values) ||
    ['search', 'slots', 'top'].some((k) => values[k] !== undefined) ||
    (values['workload'] !== undefined && values['rate'] === undefined)
  );
}

/** What `infer` resolved before the SLO part: the replica and its plan. */
export interface CapacityRequest {
  readonly model: TransformerModel;
  readonly chip: ChipSpec;
  readonly system: SystemSpec;
  /** All the chips: `replicas` replicas of the context's tp x pp. */
  readonly chips: number;
  readonly replicas: number;
  readonly ctx: ServingContext;
  /** The plan's fields beyond tp and pp (engine, formats, techniques), kept by every configuration searched. */
  readonly basePlan: Omit<ServingPlan, 'tp' | 'pp'>;
  /** --dtype was given: the search keeps it. */
  readonly dtypeFixed: boolean;
}

const pcts = (p: Percentiles): string => `${seconds(p.p50)} / ${seconds(p.p90)} / ${seconds(p.p99)}`;

function readSchedule(values: ParsedArgs['values'], fallback: ReplicaSchedule): ReplicaSchedule {
  const slots = positiveInteger('--slots', stringOption(values, 'slots') ?? String(fallback.slots), 1 << 16);
  const chunkText = stringOption(values, 'chunk');
  const chunkTokens =
    chunkText !== undefined ? positiveInteger('--chunk', chunkText, 1 << 24) : Math.max(slots, fallback.chunkTokens);
  if (chunkTokens < slots)
    throw new UsageError(
      `--chunk ${chunkTokens} is below --slots ${slots}: every decoding slot needs a token of the step`,
    );
  return { slots, chunkTokens };
}

/** Runs the SLO capacity or configuration search of `infer`; returns the exit code. */
export function runInferCapacity(io: Io, values: ParsedArgs['values'], req: CapacityRequest): number {
  if (values['rate'] !== undefined)
    throw new UsageError(
      '--rate simulates one arrival rate; --slo-ttft/--slo-tpot/--slo-tbt/--search find the highest rate: give one ' +
        'or the other',
    );
  const pools = ['prefill-chips', 'decode-chips', 'decode-batch'].filter((k) => values[k] !== undefined);
  if (pools.length > 0)
    throw new UsageError(
      `--${pools[0]} sets disaggregated pools, which the capacity simulation does not model (it runs one pool of ` +
        `replicas); drop it, or use --search, which ranks prefill : decode splits of --chips by a closed-form ` +
        `estimate`,
    );
  const slo = readSlo(values);
  const workload = readServingWorkload(
    stringOption(values, 'workload'),
    values,
    req.model.maxPositions,
    req.model.name,
  );
  const requests = positiveInteger(
    '--requests',
    stringOption(values, 'requests') ?? (values['search'] ? '1000' : '2000'),
    1_000_000,
  );
  const seed = seedArg('--seed', stringOption(values, 'seed'));
  const scheduler = schedulerOf(values);
  const m = meanLengths(workload);
  const base = defaultSchedule(req.ctx, workload);
  const one = req.ctx;
  const maxSimulations = values['search'] ? 800 : 24;
  // Most simulations of a search run near capacity, where about half the slots are busy.
  // Each simulation runs warm-up and drain requests around the measured ones (cluster/serve-capacity.ts).
  const perSim = servingWork({
    requests: simulatedRequestsBound(requests),
    rate: Infinity,
    outputTokens: Math.ceil(m.output),
    maxBatch: Math.max(1, Math.floor(base.slots / 2)),
    requestSeconds: 1,
  });
  checkWork(
    {
      what:
        `up to ${maxSimulations} simulations, each ${perSim.what} ` +
        `(${requests.toLocaleString('en-US')} measured, the rest warm-up and drain)`,
      bytes: perSim.bytes,
      seconds: perSim.seconds * maxSimulations,
    },
    readLimits(values),
  );
  const progress = createProgress(
    io,
    values['search'] ? 'serving configuration search (simulations)' : 'capacity search (simulations)',
    maxSimulations,
  );
  const onSimulation = (done: number): void => progress.update(done);
  if (values['search']) {
    const top = positiveInteger('--top', stringOption(values, 'top') ?? '10', 1000);
    const result = searchServingConfigs(req.model, req.chip, req.system, req.chips, workload, slo, {
      requests,
      seed,
      scheduler,
      basePlan: req.basePlan,
      ...(req.dtypeFixed ? { dtypes: [one.dtype] } : {}),
      onSimulation,
    });
    progress.finish();
    return printSearch(io, values, req, workload, slo, result, top);
  }
  const schedule = readSchedule(values, base);
  const capacity = findCapacity(one, workload, slo, schedule, { requests, seed, scheduler, onSimulation });
  progress.finish();
  return printCapacity(io, values, req, workload, slo, schedule, capacity, requests, seed);
}

function printCapacity(
  io: Io,
  values: ParsedArgs['values'],
  req: CapacityRequest,
  workload: ServingWorkload,
  slo: ServingSlo,
  schedule: ReplicaSchedule,
  c: CapacityResult,
  requests: number,
  seed: number,
): number {
  const { ctx, chips, replicas } = req;
  // Each replica sees its share of a Poisson stream: the rates add up.
  const all = {
    requestsPerS: c.requestsPerS * replicas,
    outputTokensPerS: c.outputTokensPerS * replicas,
    inputTokensPerS: c.inputTokensPerS * replicas,
  };
  const memory = servingMemory(ctx, workload, schedule);
  const m = meanLengths(workload);
  const at = c.atCapacity;
  const where =
    `${req.model.name} on ${chips} x ${req.chip.name} (${req.system.name}; ` +
    `${replicas > 1 ? `${replicas} replicas of ` : ''}tp ${ctx.tp} x pp ${ctx.pp}, ${ctx.dtype}, ` +
    `${ctx.engine.name} engine)`;
  if (!c.feasible) io.err(`tpusim: ${where} cannot meet ${sloText(slo)}: ${c.reasons.join('; ')}`);
  if (values['json']) {
    printJson(io, 'infer-capacity', {
      model: req.model.name,
      chip: req.chip.name,
      system: req.system.name,
      chips,
      tp: ctx.tp,
      pp: ctx.pp,
      dtype: ctx.dtype,
      engine: ctx.engine.name,
      workload: {
        source: workload.source,
        samples: workload.samples.length,
        meanInputTokens: m.input,
        meanOutputTokens: m.output,
      },
      slo,
      percentile: slo.percentile,
      scheduler: c.scheduler,
      slots: schedule.slots,
      chunkTokens: schedule.chunkTokens,
      feasible: c.feasible,
      reasons: c.reasons,
      replicas,
      requestsPerS: all.requestsPerS,
      goodputRequestsPerS: all.requestsPerS,
      tokensPerS: all.outputTokensPerS,
      inputTokensPerS: all.inputTokensPerS,
      tokensPerSPerChip: all.outputTokensPerS / chips,
      ...(at
        ? { ttftS: at.ttftS, tpotS: at.tpotS, tbtS: at.tbtS, meanBatch: at.meanBatch, saturated: at.saturated }
        : {}),
      ...(c.above ? { above: { requestsPerS: c.above.requestsPerS, reasons: c.above.reasons } } : {}),
      kvCacheBytes: memory.kv * ctx.tp * ctx.pp,
      memory,
      memoryCapacityBytes: ctx.chip.offChipMemory.capacityBytes,
      simulations: c.simulations,
      requests,
      seed,
    });
    return c.feasible ? 0 : 1;
  }
  io.out(`${where}; ${workloadText(workload)}; SLO ${sloText(slo)}`);
  if (c.feasible && at) {
    io.out(
      `capacity (goodput): ${trimNumber(all.requestsPerS, 4)} requests/s; ` +
        `${formatSI(all.outputTokensPerS, 'tokens/s')} output (` +
        `${formatSI(all.outputTokensPerS / chips, 'tokens/s')} per chip), ` +
        `${formatSI(all.inputTokensPerS, 'tokens/s')} input`,
    );
    io.out(
      `configuration: ${schedule.slots} batch slots, ` +
        `${c.scheduler === 'chunked' ? 'prefill chunk' : 'step budget'} ${schedule.chunkTokens} tokens, ` +
        `${c.scheduler} scheduler; mean batch at ` +
        `capacity ${trimNumber(at.meanBatch, 3)}`,
    );
    io.out(
      `at capacity: TTFT p50/p90/p99 ${pcts(at.ttftS)}; TPOT p50/p90/p99 ${pcts(at.tpotS)}; ` +
        `TBT p50/p90/p99 ${pcts(at.tbtS)}`,
    );
    if (c.above)
      io.out(
        `above it, at ${trimNumber(c.above.requestsPerS, 4)} requests/s (x${trimNumber(c.bracketRatio, 4)}): ` +
          `${c.above.reasons.join('; ')}`,
      );
  } else io.out(`no rate meets the SLOs: ${c.reasons.join('; ')}`);
  io.out(
    `memory per chip: weights ${inGib(memory.weights)} GiB, KV cache ${inGib(memory.kv)} GiB, activations ` +
      `${inGib(memory.activations)} GiB of ${inGib(ctx.chip.offChipMemory.capacityBytes)} GiB; KV cache over the ` +
      `replica ${inGib(memory.kv * ctx.tp * ctx.pp)} GiB`,
  );
  io.out(`(${c.simulations} simulations of ${requests} Poisson requests, seed ${seed})`);
  return c.feasible ? 0 : 1;
}

function printSearch(
  io: Io,
  values: ParsedArgs['values'],
  req: CapacityRequest,
  workload: ServingWorkload,
  slo: ServingSlo,
  r: ServingSearchResult,
  top: number,
): number {
  const where = `${req.model.name} on ${req.chips} x ${req.chip.name} (${req.system.name})`;
  if (r.best.length === 0)
    io.err(
      `tpusim: no serving configuration of ${where} meets ${sloText(slo)}` +
        `${r.rejected.length > 0 ? `: ${r.rejected.map((g) => `${g.count} x ${g.message}`).join('; ')}` : ''}`,
    );
  const best = r.best.slice(0, top);
  if (values['json']) {
    printJson(io, 'infer-search', {
      model: req.model.name,
      chip: req.chip.name,
      system: req.system.name,
      chips: req.chips,
      workload: { source: workload.source, samples: workload.samples.length },
      slo,
      percentile: slo.percentile,
      scheduler: schedulerOf(values),
      search: {
        evaluated: r.evaluated,
        valid: r.valid,
        simulations: r.simulations,
        best: best.map((b) => ({
          tp: b.config.plan.tp,
          pp: b.config.plan.pp,
          replicas: b.config.replicas,
          dtype: b.dtype,
          slots: b.config.schedule.slots,
          chunkTokens: b.config.schedule.chunkTokens,
          requestsPerS: b.requestsPerS,
          tokensPerSPerChip: b.tokensPerSPerChip,
          ttftS: b.capacity.atCapacity!.ttftS,
          tpotS: b.capacity.atCapacity!.tpotS,
          tbtS: b.capacity.atCapacity!.tbtS,
          kvCacheBytes: b.memory.kv * b.config.plan.tp * b.config.plan.pp,
          memory: b.memory,
        })),
        rejected: r.rejected,
        ...(r.disaggregated ? { disaggregated: { ...r.disaggregated, best: r.disaggregated.best.slice(0, top) } } : {}),
      },
    });
    return r.best.length > 0 ? 0 : 1;
  }
  io.out(`${where}; ${workloadText(workload)}; SLO ${sloText(slo)}`);
  io.out(
    `searched ${r.evaluated} serving configurations (${r.simulations} simulations): ${r.valid} meet the SLOs` +
      `${r.valid > 0 ? `, best ${best.length} by output tokens/s per chip:` : ''}`,
  );
  if (best.length > 0) {
    const rows = best.map((b, i) => {
      const at = b.capacity.atCapacity!;
      return [
        String(i + 1),
        String(b.config.plan.tp),
        String(b.config.plan.pp),
        String(b.config.replicas),
        b.dtype,
        String(b.config.schedule.slots),
        String(b.config.schedule.chunkTokens),
        trimNumber(b.requestsPerS, 4),
        trimNumber(b.tokensPerSPerChip, 4),
        seconds(pickP(at.ttftS, slo)),
        seconds(pickP(at.tpotS, slo)),
        inGib(b.memory.weights + b.memory.kv + b.memory.activations),
      ];
    });
    io.out(
      formatTable(
        [
          '#',
          'tp',
          'pp',
          'replicas',
          'format',
          'slots',
          'chunk',
          'requests/s',
          'tokens/s/chip',
          `p${slo.percentile} TTFT`,
          `p${slo.percentile} TPOT`,
          'GiB/chip',
        ],
        rows,
      ),
    );
  }
  if (r.rejected.length > 0)
    io.out(['rejected:', ...r.rejected.map((g) => `  ${g.count} x ${g.reason} (e.g. ${g.message})`)].join('\n'));
  if (r.disaggregated) printDisaggregated(io, r.disaggregated, slo, top);
  return r.best.length > 0 ? 0 : 1;
}

function printDisaggregated(
  io: Io,
  d: NonNullable<ServingSearchResult['disaggregated']>,
  slo: ServingSlo,
  top: number,
): void {
  const best = d.best.slice(0, top);
  io.out('');
  io.out(
    `disaggregated prefill : decode splits (a closed-form estimate, not simulated: the simulator runs one pool; ` +
      `prefill queueing as M/M/1): ${d.evaluated} tried, ${d.best.length} meet the SLOs` +
      `${best.length > 0 ? `, best ${best.length}:` : ''}`,
  );
  if (best.length > 0) {
    const pool = (p: { tp: number; pp: number; replicas: number }): string => `${p.tp}x${p.pp} x${p.replicas}`;
    const rows = best.map((b, i) => [
      String(i + 1),
      `${b.prefillChips}:${b.decodeChips}`,
      pool(b.prefill),
      pool(b.decode),
      b.dtype,
      String(b.decodeBatch),
      trimNumber(b.requestsPerS, 4),
      trimNumber(b.tokensPerSPerChip, 4),
      seconds(b.ttftS),
      seconds(b.tpotS),
      b.bound,
    ]);
    io.out(
      formatTable(
        [
          '#',
          'prefill:decode',
          'prefill tp x pp x replicas',
          'decode tp x pp x replicas',
          'format',
          'decode batch',
          'requests/s',
          'tokens/s/chip',
          `p${slo.percentile} TTFT (est.)`,
          'TPOT',
          'bound',
        ],
        rows,
      ),
    );
  }
  if (d.rejected.length > 0)
    io.out(['rejected splits:', ...d.rejected.map((g) => `  ${g.count} x ${g.reason} (e.g. ${g.message})`)].join('\n'));
}

const pickP = (p: Percentiles, slo: ServingSlo): number =>
  slo.percentile === 50 ? p.p50 : slo.percentile === 90 ? p.p90 : p.p99;
