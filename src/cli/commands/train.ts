import {
  DEFAULT_CHECKPOINT_S,
  DEFAULT_RESTART_S,
  DEFAULT_TOKENS_PER_STEP,
  DEFAULT_TOP,
  defaultGlobalBatch,
  defaultSeq,
  formatSI,
  formatTable,
  parseStructuredText,
  planTrainingRun,
  RECOMPUTE,
  trimNumber,
  inGib,
  TpusimError,
  formatIssues,
  parsePlanFile,
  memoryPerChipSvg,
  stepTimeSvg,
  type ChipSpec,
  type PlanAxes,
  type PlanFile,
  type SearchResult,
  type SystemSpec,
  type TrainingOptions,
  type TrainingPlan,
  type TrainingStep,
  type TransformerModel,
  SECONDS_PER_DAY,
  TRAINING_STACKS,
  MOE_DISPATCHERS,
  PIPELINE_SCHEDULES,
} from '../../index.js';
import {
  choice,
  outputPaths,
  parseCommandArgs,
  positiveInteger,
  stringOption,
  UsageError,
  type ParsedArgs,
} from '../args.js';
import {
  MAX_CHIPS,
  nonNegativeNumber,
  positiveNumber,
  readTransformer,
  resolveClusterChip,
  TRANSFORMER_HELP,
} from '../cluster-arg.js';
import { printJson, type Command } from '../command.js';
import { readTextFile, writeCharts, type Io } from '../io.js';

const AXES = ['tp', 'pp', 'dp', 'cp', 'ep', 'zero', 'microbatch', 'interleave'] as const;

const TRAIN_OPTIONS = {
  chip: { type: 'string' },
  system: { type: 'string' },
  chips: { type: 'string' },
  plan: { type: 'string' },
  tokens: { type: 'string' },
  seq: { type: 'string' },
  'global-batch': { type: 'string' },
  tp: { type: 'string' },
  pp: { type: 'string' },
  dp: { type: 'string' },
  cp: { type: 'string' },
  ep: { type: 'string' },
  zero: { type: 'string' },
  microbatch: { type: 'string' },
  interleave: { type: 'string' },
  recompute: { type: 'string' },
  'sequence-parallel': { type: 'boolean' },
  'no-overlap': { type: 'boolean' },
  dtype: { type: 'string' },
  flash: { type: 'string' },
  'op-overhead': { type: 'string' },
  'power-limit': { type: 'string' },
  stack: { type: 'string' },
  'moe-dispatcher': { type: 'string' },
  schedule: { type: 'string' },
  checkpoint: { type: 'string' },
  restart: { type: 'string' },
  top: { type: 'string' },
  svg: { type: 'string' },
  'memory-svg': { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Axis = (typeof AXES)[number];

const ZERO_STAGES = { '0': 0, '1': 1, '2': 2, '3': 3 } as const;

function axisFlags(values: ParsedArgs['values']): Partial<Pick<TrainingPlan, Axis>> {
  const out: { -readonly [A in Axis]?: TrainingPlan[A] } = {};
  for (const axis of AXES) {
    const text = stringOption(values, axis);
    if (text === undefined) continue;
    if (axis === 'zero') {
      out.zero = ZERO_STAGES[choice('--zero', text, ['0', '1', '2', '3'] as const)];
      continue;
    }
    out[axis] = positiveInteger(`--${axis}`, text, MAX_CHIPS);
  }
  return out;
}

/** A plan file's fields (JSON/YAML): any of the plan's fields; the rest take the command's defaults. */
function readPlanFile(path: string): PlanFile {
  const parsed = parseStructuredText(readTextFile(path, 'plan file'), path);
  if (!parsed.ok) throw new TpusimError('bad_plan', formatIssues(parsed.issues), { issues: parsed.issues });
  const plan = parsePlanFile(parsed.value, path);
  // Each message names the file and the field.
  if (!plan.ok)
    throw new TpusimError('bad_plan', plan.issues.map((i) => i.message).join('\n'), { issues: plan.issues });
  return plan.value;
}

function planLine(p: TrainingPlan): string {
  return (
    `tp ${p.tp} x pp ${p.pp} x dp ${p.dp} x cp ${p.cp}, ep ${p.ep}, ZeRO-${p.zero}, microbatch ` +
    `${p.microbatch}, recompute ${p.recompute}${p.sequenceParallel ? ', sequence parallel' : ''}` +
    `${p.interleave > 1 ? `, interleave ${p.interleave}` : ''}` +
    `${p.overlapGradients ? '' : ', gradients not overlapped'}`
  );
}

const seconds = (s: number): string =>
  s >= 1 ? `${trimNumber(s, 4)} s` : s >= 1e-3 ? `${trimNumber(s * 1e3, 4)} ms` : `${trimNumber(s * 1e6, 4)} us`;

function stepReport(
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  s: TrainingStep,
  dtype: string,
): string[] {
  const b = s.breakdown;
  const m = s.memory;
  return [
    `${model.name} (${formatSI(model.params, '')} parameters, ${formatSI(model.activeParams, '')} active) on ` +
      `${s.chips.toLocaleString('en-US')} x ${chip.name} (${system.name}), ${dtype}, seq ${s.plan.seq}, global ` +
      `batch ${s.plan.globalBatch} (${formatSI(s.tokensPerStep, '')} tokens per step, ${s.microbatches} ` +
      `microbatches per pipeline)`,
    `plan: ${planLine(s.plan)}`,
    `step ${seconds(s.stepTimeS)}: compute ${seconds(b.computeS)}, recompute ${seconds(b.recomputeS)}, exposed ` +
      `communication tp ${seconds(b.tpCommS)} / cp ${seconds(b.cpCommS)} / ep ${seconds(b.epCommS)} / pp ` +
      `${seconds(b.ppCommS)} / dp ${seconds(b.dpCommS)}, pipeline bubble ${seconds(b.bubbleS)}, optimizer ` +
      `${seconds(b.optimizerS)}, host-bound ${seconds(b.hostS)}`,
    `${formatSI(s.tokensPerS, 'tokens/s')}; MFU ${trimNumber(s.mfu * 100, 3)}%, HFU ` +
      `${trimNumber(s.hfu * 100, 3)}% (1 MAC = 2 FLOPs; causal attention counts the scores on and below the ` +
      `diagonal); energy ${formatSI(s.energyPerStepJ, 'J')} per step`,
    ...(system.chip !== chip.name
      ? [
          `note: ${system.name} is built from ${system.chip}; its network is used with ${chip.name}'s compute ` +
            `and memory`,
        ]
      : []),
    `memory per chip ${inGib(m.totalBytes)} GiB of ${inGib(m.capacityBytes)} GiB: weights ` +
      `${inGib(m.weightsBytes)}, gradients ${inGib(m.gradientBytes)}, optimizer ${inGib(m.optimizerBytes)}, ` +
      `activations ${inGib(m.activationBytes)}`,
    ...s.reasons.map((r) => `DOES NOT FIT: ${r}`),
  ];
}

function searchReport(r: SearchResult, top: number): string[] {
  const rows = r.best
    .slice(0, top)
    .map((s, i) => [
      String(i + 1),
      String(s.plan.tp),
      String(s.plan.pp),
      String(s.plan.dp),
      String(s.plan.cp),
      String(s.plan.ep),
      String(s.plan.zero),
      String(s.plan.microbatch),
      s.plan.recompute,
      String(s.plan.interleave),
      String(s.plan.globalBatch),
      seconds(s.stepTimeS),
      formatSI(s.tokensPerS, ''),
      trimNumber(s.mfu * 100, 3),
      inGib(s.memory.totalBytes),
    ]);
  return [
    `searched ${r.evaluated.toLocaleString('en-US')} plans on ${r.chips.toLocaleString('en-US')} chips: ` +
      `${r.valid.toLocaleString('en-US')} valid` +
      `${r.valid > 0 ? `, best ${Math.min(top, r.best.length)} by tokens/s:` : ''}`,
    ...(rows.length > 0
      ? [
          formatTable(
            [
              '#',
              'tp',
              'pp',
              'dp',
              'cp',
              'ep',
              'zero',
              'mb',
              'recompute',
              'vpp',
              'batch',
              'step',
              'tokens/s',
              'MFU %',
              'GiB/chip',
            ],
            rows,
          ),
        ]
      : []),
    ...(r.rejected.length > 0
      ? [
          'rejected:',
          ...r.rejected.map((g) => `  ${g.count.toLocaleString('en-US')} x ${g.reason} (e.g. ${g.message})`),
        ]
      : []),
  ];
}

/** Why no plan runs, for stderr: the evaluated plan's reasons, or the search's most common rejections. */
function trainingMisfit(
  model: string,
  chips: number,
  chip: string,
  step: TrainingStep | undefined,
  search: SearchResult | undefined,
): string {
  const where = `${model} on ${chips.toLocaleString('en-US')} x ${chip}`;
  if (step) return `the plan does not fit ${where}: ${step.reasons.join('; ')}`;
  const rejected = (search?.rejected ?? []).slice(0, 3).map((g) => `${g.count.toLocaleString('en-US')} x ${g.message}`);
  return `no plan fits ${where}${rejected.length > 0 ? `: ${rejected.join('; ')}` : ''}`;
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'a training step of a transformer on a system of chips: time, memory, MFU; or the best plans',
  usage:
    `tpusim train MODEL --chip NAME|FILE [--system NAME|FILE] --chips N [--plan auto|FILE] [--tokens ` +
    `T]
             [--seq S] [--global-batch B] [--tp T] [--pp P] [--dp D] [--cp C] [--ep E] [--zero ` +
    `0..3]
             [--microbatch M] [--interleave V] [--recompute none|selective|full] ` +
    `[--sequence-parallel]
             [--no-overlap] [--dtype FORMAT] [--flash on|off] [--op-overhead ` +
    `S] [--stack NAME]
             [--moe-dispatcher alltoall|deepep|hybridep] [--schedule ` +
    `1f1b|dualpipe] [--checkpoint S] [--restart S] [--top K] [--svg step.svg] [--memory-svg memory.svg] ` +
    `[--power-limit W] [--json]

  The cluster model (docs/cluster.md), in closed form: step time with its breakdown ` +
    `(compute,
  recomputation, exposed communication per parallel axis, pipeline bubble, optimizer), ` +
    `memory per
  chip against capacity, tokens/s, MFU and HFU. --system defaults to the preset built ` +
    `from the chip.

  --plan auto (the default) searches every plan the flags leave open and lists the ` +
    `best (--top, 10)
  with why the others were rejected; with --tp, --pp and --dp all given, or ` +
    `--plan FILE (JSON/YAML
  plan fields, flags override them), the one plan is evaluated. Defaults: ` +
    `cp 1, ep 1, ZeRO-1,
  microbatch 1, interleave 1, recompute selective, sequence parallelism when ` +
    `tp > 1, seq 4096 (or
  the model's maximum), global batch of ${DEFAULT_TOKENS_PER_STEP / 2 ** 20}M ` +
    `tokens.
  --tokens T adds the time and energy to train on T tokens, the interruptions to expect at ` +
    `this chip
  count (Llama 3's published failure rate) and the goodput with checkpoints every Daly ` +
    `interval
  (--checkpoint write time, default ${DEFAULT_CHECKPOINT_S} s; --restart time, default ` +
    `${DEFAULT_RESTART_S} s).
  --flash off times attention without a fused kernel; --op-overhead sets ` +
    `the host time per operator
  of an eager framework (default 10 us on GPU-style chips, 0 on ` +
    `TPU-style chips).
  --power-limit W runs each board under a power limit below its rated one (e.g. 500 on an H100): ` +
    `the
  clock the power model holds there (docs/cluster.md, "Power-limited boards").
  --stack names the framework, which decides what communication overlaps what ` +
    `compute
  (${TRAINING_STACKS.join(', ')}; default megatron on GPU-style chips, maxtext on ` +
    `TPU-style
  chips; docs/cluster.md, "Overlap"). --moe-dispatcher names how a mixture of experts ` +
    `moves its
  tokens (default alltoall, Megatron-Core's NCCL dispatcher; deepep and hybridep send a ` +
    `token once
  per rank and node), --schedule the pipeline schedule (1f1b, interleaved by ` +
    `--interleave, or
  DeepSeek's dualpipe, which hides the all-to-all and pipeline transfers; ` +
    `docs/cluster.md, "Mixture of experts").
  The step time is printed with the held-out error of its ` +
    `category in the validation suite
  (docs/validation.md), and says so when the run lies outside ` +
    `every validated regime.
  --svg writes the step time by part of the plan evaluated (or of the best ` +
    `plan found), --memory-svg
  its memory per chip against the chip's: the charts of the UI's Cluster ` +
    `page.
  ${TRANSFORMER_HELP}`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('train', argv, TRAIN_OPTIONS);
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('train needs one MODEL; see tpusim train --help');
    const charts = outputPaths(values, ['svg', 'memory-svg']);
    const chips = positiveInteger(
      '--chips',
      stringOption(values, 'chips') ??
        (() => {
          throw new UsageError('train needs --chips N');
        })(),
      MAX_CHIPS,
    );
    const { chip, system } = resolveClusterChip(values);
    const formats = chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input as string);
    const dtypeText = stringOption(values, 'dtype');
    const dtype = dtypeText === undefined ? formats[0]! : choice('--dtype', dtypeText, formats);
    const seqText = stringOption(values, 'seq');
    const planText = stringOption(values, 'plan') ?? 'auto';
    const file: PlanFile = planText === 'auto' ? {} : readPlanFile(planText);
    const seqWanted = seqText !== undefined ? positiveInteger('--seq', seqText, 1 << 24) : file.seq;
    const model = readTransformer(positionals[0]!, 1);
    if (seqWanted !== undefined && seqWanted > model.maxPositions)
      throw new UsageError(`--seq ${seqWanted} exceeds ${model.name}'s ${model.maxPositions} positions`);
    const seq = seqWanted ?? defaultSeq(model);
    const batchText = stringOption(values, 'global-batch');
    const globalBatch =
      batchText !== undefined
        ? positiveInteger('--global-batch', batchText, 1 << 30)
        : (file.globalBatch ?? defaultGlobalBatch(seq));
    const recomputeText = stringOption(values, 'recompute');
    const recompute = recomputeText !== undefined ? choice('--recompute', recomputeText, RECOMPUTE) : undefined;
    const flags = axisFlags(values);
    const flash = choice('--flash', stringOption(values, 'flash') ?? 'on', ['on', 'off']) === 'on';
    const opOverheadS = nonNegativeNumber('--op-overhead', stringOption(values, 'op-overhead'), 1);
    const stackText = stringOption(values, 'stack');
    const dispatcherText = stringOption(values, 'moe-dispatcher');
    const scheduleText = stringOption(values, 'schedule');
    const options: TrainingOptions = {
      dtype,
      flashAttention: flash,
      ...(opOverheadS !== undefined ? { opOverheadS } : {}),
      ...(stackText !== undefined ? { stack: choice('--stack', stackText, TRAINING_STACKS) } : {}),
      ...(dispatcherText !== undefined
        ? { moe: { dispatcher: choice('--moe-dispatcher', dispatcherText, MOE_DISPATCHERS) } }
        : {}),
      ...(scheduleText !== undefined
        ? { pipelineSchedule: choice('--schedule', scheduleText, PIPELINE_SCHEDULES) }
        : {}),
    };
    const top = positiveInteger('--top', stringOption(values, 'top') ?? String(DEFAULT_TOP), 1000);
    const single = planText !== 'auto' || (flags.tp !== undefined && flags.pp !== undefined && flags.dp !== undefined);
    // The file's sequence and global batch are the run's, taken above; the rest are plan axes.
    const { seq: _fileSeq, globalBatch: _fileBatch, ...fileAxes } = file;
    const axes: PlanAxes = {
      ...fileAxes,
      ...flags,
      ...(recompute ? { recompute } : {}),
      ...(values['sequence-parallel'] === true ? { sequenceParallel: true } : {}),
      ...(values['no-overlap'] ? { overlapGradients: false } : {}),
    };
    const tokens = positiveNumber('--tokens', stringOption(values, 'tokens'), 1e18);
    const checkpointS = positiveNumber('--checkpoint', stringOption(values, 'checkpoint'), 1e7) ?? DEFAULT_CHECKPOINT_S;
    const restartS = nonNegativeNumber('--restart', stringOption(values, 'restart'), 1e7) ?? DEFAULT_RESTART_S;
    const result = planTrainingRun(model, chip, system, {
      chips,
      seq,
      globalBatch,
      mode: single ? 'plan' : 'search',
      axes,
      options,
      top,
      checkpointS,
      restartS,
      ...(tokens !== undefined ? { tokens } : {}),
    });
    if (result.problems.length > 0)
      throw new TpusimError('bad_plan', `the plan cannot run:\n${result.problems.map((p) => `  ${p}`).join('\n')}`);
    const { step, search, reliability, validation, training: run } = result;
    const goodput = reliability?.goodputExponential ?? 1;
    const context = { model: model.name, chip: chip.name, chips };
    if (step)
      writeCharts([
        { path: charts.svg, draw: () => stepTimeSvg(context, step) },
        { path: charts['memory-svg'], draw: () => memoryPerChipSvg(context, step) },
      ]);
    const written = step
      ? {
          ...(charts.svg ? { svg: charts.svg } : {}),
          ...(charts['memory-svg'] ? { memorySvg: charts['memory-svg'] } : {}),
        }
      : {};
    if (!step?.valid) io.err(`tpusim: ${trainingMisfit(model.name, chips, chip.name, step, search)}`);
    if (values['json']) {
      printJson(io, 'train', {
        model: model.name,
        chip: chip.name,
        system: system.name,
        chips,
        dtype,
        ...(step
          ? {
              plan: step.plan,
              chipsUsed: step.chips,
              valid: step.valid,
              reasons: step.reasons,
              stepTimeS: step.stepTimeS,
              mfu: step.mfu,
              hfu: step.hfu,
              tokensPerS: step.tokensPerS,
              tokensPerStep: step.tokensPerStep,
              memoryPerChipBytes: step.memory.totalBytes,
              memory: step.memory,
              breakdown: step.breakdown,
              energyPerStepJ: step.energyPerStepJ,
            }
          : { valid: false }),
        ...(search
          ? {
              search: {
                evaluated: search.evaluated,
                valid: search.valid,
                best: search.best.map((s) => ({
                  plan: s.plan,
                  chipsUsed: s.chips,
                  stepTimeS: s.stepTimeS,
                  tokensPerS: s.tokensPerS,
                  mfu: s.mfu,
                  hfu: s.hfu,
                  memoryPerChipBytes: s.memory.totalBytes,
                })),
                rejected: search.rejected,
              },
            }
          : {}),
        ...(validation ? { validation } : {}),
        ...(reliability ? { reliability } : {}),
        ...(run ? { training: run } : {}),
        ...written,
      });
      return step?.valid ? 0 : 1;
    }
    if (search) io.out([...searchReport(search, top), ''].join('\n'));
    if (!step) {
      io.out(`no plan fits ${model.name} on ${chips.toLocaleString('en-US')} x ${chip.name}; see the reasons above`);
      if (charts.svg || charts['memory-svg']) io.out('no chart written: there is no plan to draw');
      return 1;
    }
    io.out(stepReport(model, chip, system, step, dtype).join('\n'));
    if (validation) io.out(`step time ${seconds(step.stepTimeS)}, ${validation.text}`);
    if (step.chips < chips)
      io.out(
        `note: the plan uses ${step.chips.toLocaleString('en-US')} of the ${chips.toLocaleString('en-US')} chips ` +
          `(whole replicas only)`,
      );
    if (reliability) {
      io.out(
        `reliability at ${step.chips.toLocaleString('en-US')} chips: ` +
          `${trimNumber(reliability.interruptionsPerDay, 3)} interruptions/day (Llama 3's rate), MTBF ` +
          `${seconds(reliability.mtbfS)}; checkpoint every ${seconds(reliability.intervalS)} (Daly, ${checkpointS} ` +
          `s write, ${restartS} s restart): goodput ${trimNumber(goodput * 100, 3)}%`,
      );
    }
    if (run) {
      io.out(
        `training on ${formatSI(run.tokens, 'tokens')}: ${run.steps.toLocaleString('en-US')} steps, ` +
          `${trimNumber(run.computeS / SECONDS_PER_DAY, 4)} days of steps, ` +
          `${trimNumber(run.wallS / SECONDS_PER_DAY, 4)} days with interruptions; ` +
          `${trimNumber(run.energyJ / 3.6e9, 4)} MWh of chip energy`,
      );
    }
    for (const path of Object.values(written)) io.out(`wrote ${path}`);
    return step.valid ? 0 : 1;
  },
};
