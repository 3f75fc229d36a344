/**
 * One training step of a transformer on a system under a parallel plan, in closed form: per pipeline
 * stage the forward and backward time of its layers (GEMMs and element-wise work timed on the chip by
 * the analytical model, sharded by tensor, context and expert parallelism), the communication each
 * axis needs (costed on the network tier its group spans), the pipeline bubble, the data-parallel
 * gradient synchronization and the optimizer; and the memory each chip needs.
 *
 * Conventions (Megatron-LM, Narayanan et al. 2021; Korthikanti et al. 2022 "Reducing Activation
 * Recomputation in Large Transformer Models"): ranks are ordered tensor, context, data (experts inside
 * data x context), pipeline; backward GEMMs are the two of each forward GEMM (input and weight
 * gradients); full recomputation repeats each layer's forward in the backward pass, selective
 * recomputation only the attention core; 1F1B pipelines with `interleave` virtual stages have a bubble
 * of (pp - 1) / interleave microbatch times; mixed precision keeps bf16 weights, fp32 gradients and an
 * fp32 master copy with Adam's two moments (2 + 4 + 12 bytes per parameter).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { defaultMatrixFormat, peakOpsPerS } from '../arch/derive.js';
import { GIB, SECONDS_PER_DAY } from '../core/units.js';
import { chipContext, notComputableReasons } from '../model/estimate.js';
import { defaultAttentionKernel, streamSeconds } from '../model/kernels.js';
import { powerCappedChip } from '../model/power-cap.js';
import { memoized, type Memo } from './memo.js';
import { sliceForPlan } from './slices.js';
import { overlapComputeLoss, overlapped } from './overlap.js';
import {
  defaultStack,
  STACK_ATTENTION,
  STACK_CONTEXT_PARALLEL,
  STACK_AUTOCAST,
  STACK_EAGER,
  STACK_OVERLAP,
  STACK_PER_EXPERT_GEMMS,
  STACK_SELECTIVE,
  type OverlapPolicy,
} from './stacks.js';
import type { TrainingAttention } from './train-attention.js';
import { fp8RecipeOf, STACK_FP8_RECIPE, type Fp8Scaling } from './train-fp8.js';
import { selectiveRecomputeFlopsPerToken, type SavedTensorsPolicy } from './train-remat.js';
import { dataParallelTime } from './train-dp.js';
import {
  autocastSeconds,
  headTimes,
  layerTimes,
  type HeadTimes,
  type LayerEnv,
  type LayerTimes,
} from './train-layer.js';
import { activationBytesPerLayer, memoryParts, usableMemoryBytes } from './train-memory.js';
import { DEFAULT_MOE_DISPATCH, dispatcherSms, EXPERT_HOST_OP_S, expertHostOps, type MoeDispatch } from './train-moe.js';
import { exposedExpertParallelS, pipelineTime, scheduleProblem, type PipelineSchedule } from './train-pipeline.js';
import { trainingFlopsPerToken, type TransformerModel } from './transformer.js';
import type { SystemSpec, TrainingPlan, TrainingStack } from './types.js';

export interface TrainingOptions {
  /** Format of the GEMMs: the chip's default (bf16), or fp8 where the chip multiplies it. */
  readonly dtype?: string;
  /** Bytes per gradient element in the data-parallel reduction (fp32 main gradients: 4). */
  readonly gradientBytes?: number;
  /** Fused attention (FlashAttention): no sequence x sequence scores in memory; causal blocks skipped. */
  readonly flashAttention?: boolean;
  /**
   * Dropout on attention probabilities and hidden states (Megatron-LM's GPT default 0.1; most LLM recipes now 0).
   * Default false.
   */
  readonly dropout?: boolean;
  /**
   * Host time to issue one operator (eager frameworks: Python, dispatcher, autograd, kernel launch).
   * A stage's microbatch takes the longer of its device time and the host time to issue its
   * operators, as launches run ahead of the device asynchronously. Default: EAGER_OP_OVERHEAD_S on
   * tensor-core chips (PyTorch eager), 0 on systolic chips (XLA compiles the step into one program).
   */
  readonly opOverheadS?: number;
  /**
   * The framework: which communication overlaps which compute (cluster/overlap.ts). Default: megatron
   * on GPU-style chips, maxtext (XLA) on TPU-style chips.
   */
  readonly stack?: TrainingStack;
  /** Overrides of the stack's overlap policy. */
  readonly overlap?: Partial<OverlapPolicy>;
  /**
   * Element-wise operators fused on an eager stack (torch.compile, or the model's own fused kernels). Default false.
   */
  readonly fused?: boolean;
  /**
   * The fused attention kernel, where the run names one: a kernel the chip's stack times, or an older
   * one (FlashAttention 1, its Triton port: train-attention.ts). Default: the stack's (STACK_ATTENTION).
   */
  readonly attention?: TrainingAttention;
  /**
   * Mixture of experts: the token dispatcher, whether it dispatches in fp8, the busiest rank's load over the mean
   * (train-moe.ts). Default: Megatron-Core's NCCL all-to-all in bf16, balanced.
   */
  readonly moe?: Partial<MoeDispatch>;
  /** The pipeline schedule (train-pipeline.ts): 1F1B, interleaved by the plan's `interleave` (default), or DualPipe. */
  readonly pipelineSchedule?: PipelineSchedule;
  /**
   * What `recompute: selective` keeps, where the run names it (MaxText's `remat_policy: custom`,
   * train-remat.ts); default: the stack's policy (STACK_SELECTIVE).
   */
  readonly remat?: SavedTensorsPolicy;
  /**
   * Per-tensor fp8 scaling, where the run names it (Transformer Engine's Float8CurrentScaling: `current`);
   * default: the stack's (train-fp8.ts).
   */
  readonly fp8Scaling?: Fp8Scaling;
  /**
   * A board power limit below the chip's rated one (W): the step is timed at the clock the power model holds
   * there (model/power-cap.ts). Default: the rated limit.
   */
  readonly powerLimitW?: number;
}

const isTensorCoreChip = (chip: ChipSpec): boolean => chip.cores[0]!.matrixUnits[0]!.kind === 'tensor-core';

/**
 * Host time per eager operator: an estimate. PyTorch eager's CPU path per operator (Python binding,
 * dispatcher, autograd bookkeeping, cudaLaunchKernel) is reported at roughly 5 to 25 us; launch alone
 * is 2 to 5 us on recent drivers. 10 us is a middle value, not measured here and not fitted.
 */
export const EAGER_OP_OVERHEAD_S = 10e-6;

export interface StepBreakdown {
  readonly computeS: number;
  readonly recomputeS: number;
  /** Exposed communication of each axis. */
  readonly tpCommS: number;
  readonly cpCommS: number;
  readonly epCommS: number;
  readonly ppCommS: number;
  readonly dpCommS: number;
  readonly bubbleS: number;
  readonly optimizerS: number;
  /** Device idle while the host issues operators (eager frameworks with small kernels). */
  readonly hostS: number;
}

export interface MemoryPerChip {
  readonly weightsBytes: number;
  readonly gradientBytes: number;
  readonly optimizerBytes: number;
  readonly activationBytes: number;
  readonly totalBytes: number;
  readonly capacityBytes: number;
  /**
   * What the step may fill: the capacity less the runtime's reserve and the allocator's fragmentation
   * (train-memory.ts).
   */
  readonly usableBytes: number;
}

export interface TrainingStep {
  readonly plan: TrainingPlan;
  readonly chips: number;
  readonly valid: boolean;
  /** Why the plan cannot run (indivisible, out of memory); empty when it can. */
  readonly reasons: readonly string[];
  readonly stepTimeS: number;
  readonly breakdown: StepBreakdown;
  readonly memory: MemoryPerChip;
  readonly microbatches: number;
  readonly tokensPerStep: number;
  readonly tokensPerS: number;
  readonly modelFlopsPerStep: number;
  readonly hardwareFlopsPerStep: number;
  readonly mfu: number;
  readonly hfu: number;
  readonly energyPerStepJ: number;
}

/** GiB with one decimal, as the out-of-memory reason prints them. */
const gib = (bytes: number): string => (bytes / GIB).toFixed(1);

const ZERO_BREAKDOWN: StepBreakdown = {
  computeS: 0,
  recomputeS: 0,
  tpCommS: 0,
  cpCommS: 0,
  epCommS: 0,
  ppCommS: 0,
  dpCommS: 0,
  bubbleS: 0,
  optimizerS: 0,
  hostS: 0,
};

/** Plan problems that make it impossible, before any timing. */
export function planProblems(model: TransformerModel, chips: number, plan: TrainingPlan): string[] {
  const problems: string[] = [];
  const { tp, pp, dp, cp, ep } = plan;
  if (
    [tp, pp, dp, cp, ep, plan.microbatch, plan.globalBatch, plan.seq, plan.interleave].some(
      (v) => !Number.isInteger(v) || v < 1,
    )
  )
    problems.push('tp, pp, dp, cp, ep, microbatch, global batch, sequence and interleave must be whole numbers >= 1');
  if (tp * pp * dp * cp !== chips)
    problems.push(`tp x pp x dp x cp = ${tp} x ${pp} x ${dp} x ${cp} = ${tp * pp * dp * cp}, not the ${chips} chips`);
  const shape = model.groups[0]!.shape;
  if (shape.heads % tp !== 0) problems.push(`tp=${tp} does not divide the ${shape.heads} attention heads`);
  if (shape.kvHeads > 1 && shape.kvHeads % tp !== 0 && tp % shape.kvHeads !== 0)
    problems.push(`tp=${tp} and the ${shape.kvHeads} key/value heads do not divide one another`);
  if (pp > model.layers) problems.push(`pp=${pp} is more than the ${model.layers} layers`);
  // Each model chunk holds a layer, but the first and the last may hold only the embedding and only the output
  // layer and loss (Llama 3 405B: 126 layers in 16 x 8 chunks; Llama Team 2024, section 3.3.2).
  if (plan.interleave > 1 && (pp * plan.interleave > model.layers + 2 || pp === 1))
    problems.push(
      `interleave=${plan.interleave} needs pp > 1 and pp x interleave <= the ${model.layers} layers + 2 ` +
        `(chunks of the embedding and of the output layer alone)`,
    );
  if (plan.seq % cp !== 0) problems.push(`cp=${cp} does not divide the sequence of ${plan.seq}`);
  if (plan.globalBatch % (plan.microbatch * dp) !== 0)
    problems.push(
      `the global batch of ${plan.globalBatch} is not a whole number of microbatches (${plan.microbatch}) per ` +
        `data-parallel rank (${dp})`,
    );
  const experts = model.groups.find((g) => g.shape.mlp.kind === 'moe')?.shape.mlp;
  if (ep > 1 && !experts) problems.push(`ep=${ep} but the model has no experts`);
  if (experts && experts.kind === 'moe' && experts.experts % ep !== 0)
    problems.push(`ep=${ep} does not divide the ${experts.experts} experts`);
  if (ep > 1 && (dp * cp) % ep !== 0)
    problems.push(`ep=${ep} does not divide dp x cp = ${dp * cp} (experts are spread over the data-parallel ranks)`);
  if (plan.seq > model.maxPositions)
    problems.push(`the sequence of ${plan.seq} exceeds the model's ${model.maxPositions} positions`);
  return problems;
}

/**
 * Times already computed, per layer shape (or model, for the LM head), chip, system and `memoKey` (a plan search asks
 * for each many times).
 */
const layerMemo: Memo<LayerTimes> = new WeakMap();
const headMemo: Memo<HeadTimes> = new WeakMap();

/** What a step's layer and head times depend on besides the shape, chip and system. */
function memoKey(env: LayerEnv, model: TransformerModel, plan: TrainingPlan): string {
  return (
    `${env.dtype} ${env.fp8Recipe} ${env.attention} ${env.eager} ${JSON.stringify(env.selective)} ${env.flash} ` +
    `${env.dropout} ` +
    `${model.expertParams > 0 ? `${env.moe.dispatcher}${env.moe.fp8Dispatch ? 8 : ''}${env.moe.imbalance}` : '-'} ` +
    `${model.hidden} ${model.causal} ${plan.tp} ${plan.cp} ${plan.ep} ${plan.microbatch} ${plan.seq} ` +
    `${plan.recompute} ${plan.sequenceParallel} ${JSON.stringify(env.contextParallel ?? '-')}`
  );
}

/**
 * The busiest stage's layers for one microbatch: each group's times (memoized per layer shape) times the stage's share
 * of the group.
 */
interface StageSums {
  forwardS: number;
  backwardS: number;
  recomputeS: number;
  weightCastS: number;
  linearS: number;
  tpRawS: number;
  cpCommS: number;
  epRawS: number;
  weightGradS: number;
  activationBytes: number;
  hostOps: number;
  expertOps: number;
}

function stageSums(
  env: LayerEnv,
  model: TransformerModel,
  plan: TrainingPlan,
  fullest: number,
  key: string,
  perExpertGemms: boolean,
): StageSums {
  const sums: StageSums = {
    forwardS: 0,
    backwardS: 0,
    recomputeS: 0,
    weightCastS: 0,
    linearS: 0,
    tpRawS: 0,
    cpCommS: 0,
    epRawS: 0,
    weightGradS: 0,
    activationBytes: 0,
    hostOps: 0,
    expertOps: 0,
  };
  const fp8 = env.dtype.startsWith('fp8');
  for (const g of model.groups) {
    const share = g.count * fullest;
    const t = memoized(layerMemo, g.shape, env, key, () => layerTimes(env, g.shape, model, plan));
    sums.forwardS += share * t.forwardS;
    sums.backwardS += share * t.backwardS;
    sums.recomputeS += share * t.recomputeS;
    sums.weightCastS += share * t.weightCastS;
    sums.linearS += share * t.linearS;
    sums.tpRawS += share * t.tpCommS;
    sums.cpCommS += share * t.cpCommS;
    sums.epRawS += share * t.epCommS;
    sums.weightGradS += share * t.weightGradS;
    sums.activationBytes += share * activationBytesPerLayer(g.shape, model, plan, env.flash);
    // Forward, backward (about two operators per forward one) and the recomputed forward.
    sums.hostOps += share * t.forwardOps * (3 + (plan.recompute === 'none' ? 0 : 1));
    if (perExpertGemms) sums.expertOps += share * expertHostOps(g.shape, plan, fp8);
  }
  return sums;
}

export function trainingStep(
  model: TransformerModel,
  board: ChipSpec,
  pods: SystemSpec,
  chips: number,
  plan: TrainingPlan,
  options: TrainingOptions = {},
): TrainingStep {
  const chip = options.powerLimitW === undefined ? board : powerCappedChip(board, options.powerLimitW);
  // On pods of optical-switch cubes the job runs on a slice shaped for its groups (tensor innermost).
  const system = sliceForPlan(pods, chips, [plan.tp, plan.cp, plan.dp, plan.pp]);
  const dtype = options.dtype ?? defaultMatrixFormat(chip);
  const flash = options.flashAttention ?? true;
  const stack = options.stack ?? defaultStack(chip);
  const policy = { ...STACK_OVERLAP[stack], ...options.overlap };
  const gradientBytes = options.gradientBytes ?? (policy.bf16GradientReduce ? 2 : 4);
  const opOverheadS = options.opOverheadS ?? (isTensorCoreChip(chip) ? EAGER_OP_OVERHEAD_S : 0);
  const attention =
    options.attention ??
    (isTensorCoreChip(chip) && STACK_ATTENTION[stack] === 'flash2' ? 'flash2' : defaultAttentionKernel(chip));
  const moe: MoeDispatch =
    options.moe === undefined ? DEFAULT_MOE_DISPATCH : { ...DEFAULT_MOE_DISPATCH, ...options.moe };
  const env: LayerEnv = {
    chip,
    system,
    dtype,
    attentionDtype: defaultMatrixFormat(chip),
    attention,
    flash,
    dropout: options.dropout ?? false,
    eager: STACK_EAGER[stack] && !(options.fused ?? false),
    selective: options.remat ?? STACK_SELECTIVE[stack],
    moe,
    fp8Recipe: options.fp8Scaling !== undefined ? fp8RecipeOf(options.fp8Scaling) : STACK_FP8_RECIPE[stack],
    contextParallel: STACK_CONTEXT_PARALLEL[stack],
  };
  const schedule = options.pipelineSchedule ?? '1f1b';
  const scheduleIssue = scheduleProblem(schedule, plan);
  const reasons = [...planProblems(model, chips, plan), ...notComputableReasons(chip)];
  if (scheduleIssue !== undefined) reasons.push(scheduleIssue);
  const tokensPerStep = plan.globalBatch * plan.seq;
  const capacity = chip.offChipMemory.capacityBytes;
  if (reasons.length > 0) return invalidStep(plan, chips, reasons, tokensPerStep, capacity);
  const microbatches = plan.globalBatch / (plan.microbatch * plan.dp);
  const { tp, pp, dp, cp, ep } = plan;
  // Per stage: its share of each group of layers. Layers that do not split evenly leave some stages
  // (virtual stages) one layer longer; the fullest stage sets the pipeline's pace (Llama 3 runs 126
  // layers on 16 stages so).
  const fullest = (Math.ceil(model.layers / (pp * plan.interleave)) * plan.interleave) / model.layers;
  const key = memoKey(env, model, plan);
  const {
    forwardS,
    backwardS,
    recomputeS,
    weightCastS,
    linearS,
    tpRawS,
    cpCommS,
    epRawS,
    weightGradS,
    activationBytes,
    hostOps,
    expertOps,
  } = stageSums(env, model, plan, fullest, key, STACK_PER_EXPERT_GEMMS[stack]);
  // Tensor-parallel collectives: exposed, or (collective matmul / userbuffers) hidden behind the GEMMs
  // but for one of tp steps and what does not fit under them.
  const tpCommS =
    policy.tpOverlap && tp > 1
      ? overlapped(linearS, tpRawS * (1 - 1 / tp), overlapComputeLoss(chip)).exposedS + tpRawS / tp
      : tpRawS;
  // The last stage also runs the LM head (and the loss).
  const { forwardS: headF, backwardS: headB } = memoized(headMemo, model, env, key, () => headTimes(env, model, plan));
  const tokens = (plan.microbatch * plan.seq) / cp;
  // Expert-parallel dispatch and combine: exposed, or hidden behind the paired microbatch's compute
  // (DualPipe; Megatron-Core's 1F1B all-to-all overlap) at the cost of the SMs the dispatcher holds.
  const epOverlap = policy.epOverlap || schedule === 'dualpipe';
  const epCommS = epOverlap
    ? exposedExpertParallelS(
        chip,
        epRawS,
        forwardS + backwardS + recomputeS,
        dispatcherSms(system, plan, moe.dispatcher),
      )
    : epRawS;
  // Parameters on a chip: shared layers split over tensor and pipeline ranks, experts also over expert
  // ranks; DualPipe keeps two stages' parameters on each chip.
  const copies = schedule === 'dualpipe' ? 2 : 1;
  const dense = (copies * (model.params - model.expertParams)) / (tp * pp);
  const experts = (copies * model.expertParams) / (tp * pp);
  const localParams = dense + experts / ep;
  // fp32 weights under autocast: their casts each microbatch (train-layer.ts).
  const cast = STACK_AUTOCAST[stack]
    ? autocastSeconds(chip, env.attentionDtype, localParams, microbatches)
    : { forwardS: 0, backwardS: 0 };
  const deviceS =
    forwardS + backwardS + recomputeS + tpCommS + cpCommS + epCommS + headF + headB + cast.forwardS + cast.backwardS;
  // The host issues the stage's operators while the device runs earlier ones; the slower of the two sets the pace.
  const hostS = hostOps * opOverheadS + (opOverheadS > 0 ? expertOps * EXPERT_HOST_OP_S : 0);
  const perMicrobatch = Math.max(deviceS, hostS);
  const hostWaitS = perMicrobatch - deviceS;
  // Pipeline: the schedule's bubble and its transfers between stages (train-pipeline.ts).
  const stage = {
    forwardS: forwardS + headF + cast.forwardS,
    backwardS: backwardS + recomputeS + headB + cast.backwardS,
    weightGradS,
    microbatchS: perMicrobatch,
  };
  const { p2pS: ppCommS, bubbleS } = pipelineTime(system, plan, schedule, stage, model);
  const dpGroup = dp * cp;
  const dpTime = dataParallelTime({
    chip,
    system,
    plan,
    stack,
    microbatches,
    stageLayers: Math.round(model.layers * fullest),
    denseParams: dense,
    expertParams: experts,
    gradientBytes,
    forwardS: forwardS + headF,
    backwardS: backwardS + recomputeS + headB,
    paramGatherOverlap: policy.paramGatherOverlap,
    gatherAfterGradient: policy.gatherAfterGradient,
    dtype: defaultMatrixFormat(chip),
  });
  const dpCommS = dpTime.exposedS;
  // Adam: master weights, two moments and the gradient read, all three written, bf16 weights written.
  const optimizerParams = plan.zero >= 1 ? localParams / dpGroup : localParams;
  const optimizerS = streamSeconds(chip, dtype, optimizerParams * 30, optimizerParams * 12);
  // fp8 weight casts run once per step, on the first microbatch.
  const stepTimeS = microbatches * (perMicrobatch + ppCommS) + weightCastS + bubbleS + dpCommS + optimizerS;
  const memory = memoryParts(model, plan, {
    localParams,
    dpGroup,
    gradientBytes,
    activationBytes,
    microbatches,
    tokens,
    stageLayers: Math.round(model.layers * fullest),
  });
  const usable = usableMemoryBytes(capacity, isTensorCoreChip(chip));
  const memoryReasons =
    memory.totalBytes > usable
      ? [
          `out of memory: ${gib(memory.totalBytes)} GiB per chip (weights ${gib(memory.weightsBytes)}, gradients ` +
            `${gib(memory.gradientBytes)}, optimizer ${gib(memory.optimizerBytes)}, activations ` +
            `${gib(memory.activationBytes)}) exceeds the ${gib(usable)} GiB usable of ${gib(capacity)} GiB`,
        ]
      : [];
  const flopsPerToken = trainingFlopsPerToken(model, plan.seq);
  const modelFlopsPerStep = flopsPerToken * tokensPerStep;
  // Hardware FLOPs (Korthikanti et al. 2022): the model FLOPs plus the recomputed forward, by the same
  // convention: all layers' forward (a third of their training FLOPs) or what the selective policy runs
  // again (train-remat.ts).
  const layerFlopsPerToken = flopsPerToken - 6 * model.hidden * model.vocab;
  const recomputedPerToken =
    plan.recompute === 'full'
      ? layerFlopsPerToken / 3
      : plan.recompute === 'selective'
        ? selectiveRecomputeFlopsPerToken(env.selective, model, plan.seq)
        : 0;
  const hardwareFlopsPerStep = modelFlopsPerStep + recomputedPerToken * tokensPerStep;
  const ctx = chipContext(chip, dtype);
  const peak = peakOpsPerS(chip, ctx.dtype);
  const energyPerStepJ =
    chips * (ctx.staticW * stepTimeS) +
    (hardwareFlopsPerStep / 2) * ctx.macPj * 1e-12 +
    chips * microbatches * 3 * localParams * 2 * ctx.offChipPjPerByte * 1e-12;
  const mfu = modelFlopsPerStep / (stepTimeS * chips * peak);
  const hfu = hardwareFlopsPerStep / (stepTimeS * chips * peak);
  const overflow = computableStep(stepTimeS, hfu);
  if (overflow !== undefined) return invalidStep(plan, chips, [overflow], tokensPerStep, capacity);
  if (mfu > 1 + PEAK_SLACK || hfu > 1 + PEAK_SLACK)
    throw new Error(
      `invariant violated: a training step of ${model.name} on ${chips} x ${chip.name} (tp ${tp}, pp ${pp}, dp ` +
        `${dp}, cp ${cp}, ep ${ep}, recompute ${plan.recompute}) reaches MFU ${mfu} and HFU ${hfu}, above 1`,
    );
  return {
    plan,
    chips,
    valid: memoryReasons.length === 0,
    reasons: memoryReasons,
    stepTimeS,
    breakdown: {
      computeS: microbatches * (forwardS + backwardS + headF + headB + cast.forwardS + cast.backwardS) + weightCastS,
      recomputeS: microbatches * recomputeS,
      tpCommS: microbatches * tpCommS,
      cpCommS: microbatches * cpCommS,
      epCommS: microbatches * epCommS,
      ppCommS: microbatches * ppCommS,
      dpCommS,
      bubbleS,
      optimizerS,
      hostS: microbatches * hostWaitS,
    },
    memory: { ...memory, capacityBytes: capacity, usableBytes: usable },
    microbatches,
    tokensPerStep,
    tokensPerS: tokensPerStep / stepTimeS,
    modelFlopsPerStep,
    hardwareFlopsPerStep,
    mfu,
    hfu,
    energyPerStepJ,
  };
}

/** Slack on the MFU and HFU <= 1 invariant for floating-point rounding. */
const PEAK_SLACK = 1e-9;

/**
 * Why a step's figures cannot be reported (undefined when they can): a step time that is not a
 * finite positive number, or a utilization that is not a number, comes from a value in the chip or
 * system spec that overflows the arithmetic (bandwidths near 0, ...).
 */
function computableStep(stepTimeS: number, hfu: number): string | undefined {
  if (stepTimeS > 0 && stepTimeS < Infinity && Number.isFinite(hfu)) return undefined;
  return (
    `not computable: the step time comes out as ${stepTimeS} s (a value in the chip or system spec overflows ` +
    `the arithmetic)`
  );
}

function invalidStep(
  plan: TrainingPlan,
  chips: number,
  reasons: string[],
  tokensPerStep: number,
  capacity: number,
): TrainingStep {
  return {
    plan,
    chips,
    valid: false,
    reasons,
    stepTimeS: Infinity,
    breakdown: ZERO_BREAKDOWN,
    memory: {
      weightsBytes: 0,
      gradientBytes: 0,
      optimizerBytes: 0,
      activationBytes: 0,
      totalBytes: 0,
      capacityBytes: capacity,
      usableBytes: capacity,
    },
    microbatches: 1,
    tokensPerStep,
    tokensPerS: 0,
    modelFlopsPerStep: 0,
    hardwareFlopsPerStep: 0,
    mfu: 0,
    hfu: 0,
    energyPerStepJ: 0,
  };
}

/** Days to perform `flops` on `chips` chips of `peakFlopsPerS` each at a model FLOPs utilization. */
export function trainingDays(flops: number, chips: number, peakFlopsPerS: number, mfu: number): number {
  return flops / (chips * peakFlopsPerS * mfu) / SECONDS_PER_DAY;
}

/** Wall time and energy to train on `tokens` tokens at a step's pace (whole steps). */
export function timeToTrain(
  step: TrainingStep,
  tokens: number,
): { readonly steps: number; readonly seconds: number; readonly energyJ: number } {
  const steps = Math.ceil(tokens / step.tokensPerStep);
  return { steps, seconds: steps * step.stepTimeS, energyJ: steps * step.energyPerStepJ };
}
