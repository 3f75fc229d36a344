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
import type { Gemm } from '../graph/ops/op.js';
import { chipContext } from '../model/estimate.js';
import { gemmSeconds, streamSeconds } from '../model/kernels.js';
import { collectiveCost } from './collectives.js';
import { memoized, type Memo } from './memo.js';
import { attentionFlopsPerToken, trainingFlopsPerToken, type LayerShape, type TransformerModel } from './transformer.js';
import type { Collective, SystemSpec, TrainingPlan } from './types.js';

export interface TrainingOptions {
  /** Format of the GEMMs: the chip's default (bf16), or fp8 where the chip multiplies it. */
  readonly dtype?: string;
  /** Bytes per gradient element in the data-parallel reduction (fp32 main gradients: 4). */
  readonly gradientBytes?: number;
  /** Fused attention (FlashAttention): no sequence x sequence scores in memory; causal blocks skipped. */
  readonly flashAttention?: boolean;
  /** Dropout on attention probabilities and hidden states (Megatron-LM's GPT default 0.1; most LLM recipes now 0). Default false. */
  readonly dropout?: boolean;
  /**
   * Host time to issue one operator (eager frameworks: Python, dispatcher, autograd, kernel launch).
   * A stage's microbatch takes the longer of its device time and the host time to issue its
   * operators, as launches run ahead of the device asynchronously. Default: EAGER_OP_OVERHEAD_S on
   * tensor-core chips (PyTorch eager), 0 on systolic chips (XLA compiles the step into one program).
   */
  readonly opOverheadS?: number;
}

/**
 * Host time per eager operator: an estimate. PyTorch eager's CPU path per operator (Python binding,
 * dispatcher, autograd bookkeeping, cudaLaunchKernel) is reported at roughly 5 to 25 us; launch alone
 * is 2 to 5 us on recent drivers. 10 us is a middle value, not measured here and not fitted.
 */
export const EAGER_OP_OVERHEAD_S = 10e-6;

interface Env {
  readonly chip: ChipSpec;
  readonly system: SystemSpec;
  readonly dtype: string;
  readonly flash: boolean;
  readonly dropout: boolean;
}

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

const ZERO_BREAKDOWN: StepBreakdown = { computeS: 0, recomputeS: 0, tpCommS: 0, cpCommS: 0, epCommS: 0, ppCommS: 0, dpCommS: 0, bubbleS: 0, optimizerS: 0, hostS: 0 };

/** Plan problems that make it impossible, before any timing. */
export function planProblems(model: TransformerModel, chips: number, plan: TrainingPlan): string[] {
  const problems: string[] = [];
  const { tp, pp, dp, cp, ep } = plan;
  if ([tp, pp, dp, cp, ep, plan.microbatch, plan.globalBatch, plan.seq, plan.interleave].some((v) => !Number.isInteger(v) || v < 1)) problems.push('tp, pp, dp, cp, ep, microbatch, global batch, sequence and interleave must be whole numbers >= 1');
  if (tp * pp * dp * cp !== chips) problems.push(`tp x pp x dp x cp = ${tp} x ${pp} x ${dp} x ${cp} = ${tp * pp * dp * cp}, not the ${chips} chips`);
  const shape = model.groups[0]!.shape;
  if (shape.heads % tp !== 0) problems.push(`tp=${tp} does not divide the ${shape.heads} attention heads`);
  if (shape.kvHeads > 1 && shape.kvHeads % tp !== 0 && tp % shape.kvHeads !== 0) problems.push(`tp=${tp} and the ${shape.kvHeads} key/value heads do not divide one another`);
  if (pp > model.layers) problems.push(`pp=${pp} is more than the ${model.layers} layers`);
  if (plan.interleave > 1 && (pp * plan.interleave > model.layers || pp === 1)) problems.push(`interleave=${plan.interleave} needs pp > 1 and pp x interleave <= the ${model.layers} layers`);
  if (plan.seq % cp !== 0) problems.push(`cp=${cp} does not divide the sequence of ${plan.seq}`);
  if (plan.globalBatch % (plan.microbatch * dp) !== 0) problems.push(`the global batch of ${plan.globalBatch} is not a whole number of microbatches (${plan.microbatch}) per data-parallel rank (${dp})`);
  const experts = model.groups.find((g) => g.shape.mlp.kind === 'moe')?.shape.mlp;
  if (ep > 1 && !experts) problems.push(`ep=${ep} but the model has no experts`);
  if (experts && experts.kind === 'moe' && experts.experts % ep !== 0) problems.push(`ep=${ep} does not divide the ${experts.experts} experts`);
  if (ep > 1 && (dp * cp) % ep !== 0) problems.push(`ep=${ep} does not divide dp x cp = ${dp * cp} (experts are spread over the data-parallel ranks)`);
  if (plan.seq > model.maxPositions) problems.push(`the sequence of ${plan.seq} exceeds the model's ${model.maxPositions} positions`);
  return problems;
}

interface LayerTimes {
  readonly forwardS: number;
  readonly backwardS: number;
  readonly recomputeS: number;
  readonly tpCommS: number;
  readonly cpCommS: number;
  readonly epCommS: number;
  /** Operators the host issues for the layer's forward. */
  readonly forwardOps: number;
}

/** Times already computed, per layer shape (or model, for the LM head), chip, system and `memoKey` (a plan search asks for each many times). */
const layerMemo: Memo<LayerTimes> = new WeakMap();
const headMemo: Memo<HeadTimes> = new WeakMap();

/** What a step's layer and head times depend on besides the shape, chip and system. */
function memoKey(env: Env, model: TransformerModel, plan: TrainingPlan): string {
  return `${env.dtype} ${env.flash} ${env.dropout} ${model.hidden} ${model.causal} ${plan.tp} ${plan.cp} ${plan.ep} ${plan.microbatch} ${plan.seq} ${plan.recompute} ${plan.sequenceParallel}`;
}

interface HeadTimes {
  readonly forwardS: number;
  readonly backwardS: number;
}

/** The LM head (and the loss) on the last stage, forward and both gradients, for one microbatch. */
function headTimes(env: Env, model: TransformerModel, plan: TrainingPlan): HeadTimes {
  const { chip, dtype } = env;
  const tokens = (plan.microbatch * plan.seq) / plan.cp;
  const vocab = model.vocab / plan.tp;
  const head: Gemm = { batch: 1, m: tokens, n: vocab, k: model.hidden, weightsAreParameters: true };
  return {
    forwardS: gemmSeconds(chip, dtype, head) + streamSeconds(chip, dtype, tokens * vocab * 4 * 2, tokens * vocab * 4),
    backwardS: gemmSeconds(chip, dtype, { ...head, n: model.hidden, k: vocab }) + gemmSeconds(chip, dtype, { batch: 1, m: model.hidden, n: vocab, k: tokens, weightsAreParameters: false }),
  };
}

/** One layer's forward, backward and communication for one microbatch on one chip. */
function layerTimes(env: Env, shape: LayerShape, model: TransformerModel, plan: TrainingPlan): LayerTimes {
  const { chip, system, dtype, flash } = env;
  const { tp, cp, ep } = plan;
  const h = model.hidden;
  const tokens = (plan.microbatch * plan.seq) / cp;
  const act = 2; // bf16 activations
  const gemm = (m: number, k: number, n: number, batch = 1, parameters = true): Gemm => ({ batch, m, n, k, weightsAreParameters: parameters });
  const linear: Gemm[] = [gemm(tokens, h, shape.projectionOut / tp), gemm(tokens, (shape.heads * shape.valueDim) / tp, h)];
  const mlp = shape.mlp;
  if (mlp.kind === 'dense') {
    linear.push(gemm(tokens, h, (mlp.ffn * (mlp.gated ? 2 : 1)) / tp), gemm(tokens, mlp.ffn / tp, h));
  } else {
    const local = mlp.experts / ep;
    const perExpert = (tokens * mlp.topK * ep) / mlp.experts;
    linear.push(gemm(tokens, h, mlp.experts), gemm(perExpert, h, (mlp.ffn * 2) / tp, local), gemm(perExpert, mlp.ffn / tp, h, local));
    if (mlp.sharedExperts > 0) linear.push(gemm(tokens, h, (mlp.sharedExperts * mlp.sharedFfn * 2) / tp), gemm(tokens, (mlp.sharedExperts * mlp.sharedFfn) / tp, h));
  }
  // Attention core: queries of this rank against every key of the sequence; causal fused kernels skip half.
  const keys = plan.seq * (flash && model.causal ? 0.5 : 1);
  const heads = (plan.microbatch * shape.heads) / tp;
  const core: Gemm[] = [gemm(plan.seq / cp, shape.qkDim, keys, heads, false), gemm(plan.seq / cp, keys, shape.valueDim, heads, false)];
  const time = (g: Gemm): number => gemmSeconds(chip, dtype, g);
  let linearF = 0;
  let linearB = 0;
  for (const g of linear) {
    linearF += time(g);
    // Input gradient (m x n by n x k) and weight gradient (k x m by m x n).
    linearB += time({ batch: g.batch, m: g.m, n: g.k, k: g.n, weightsAreParameters: true }) + time({ batch: g.batch, m: g.k, n: g.n, k: g.m, weightsAreParameters: false });
  }
  const coreF = core.reduce((s, g) => s + time(g), 0);
  // FlashAttention's backward recomputes the scores and forms three gradients: about 2.5 forward times.
  const coreB = coreF * (flash ? 2.5 : 2);
  // Element-wise work in bf16, in values through memory per token: norms, residuals, the activation
  // function, dropout (values and 1-byte masks); the backward reads and writes about twice as much.
  const ffnLocal = mlp.kind === 'dense' ? mlp.ffn / tp : (mlp.topK * mlp.ffn) / tp + (mlp.sharedExperts * mlp.sharedFfn) / tp;
  const dropout = env.dropout;
  const tokenValues = tokens * (14 * h + 3 * ffnLocal + (dropout ? 3 * h : 0));
  // Without a fused kernel the scores go through memory: written, softmaxed (read, written), dropped
  // out (read, written, mask) and read by the second GEMM; backward: the probabilities and their
  // gradient read and written through dropout and softmax, then read by the two GEMMs.
  const scoreValues = flash ? 0 : heads * (plan.seq / cp) * plan.seq;
  const valuesF = tokenValues + scoreValues * (dropout ? 6.5 : 4);
  const valuesB = 2 * tokenValues + scoreValues * (dropout ? 9.5 : 7);
  const elementF = streamSeconds(chip, dtype, valuesF * act, valuesF);
  const elementB = streamSeconds(chip, dtype, valuesB * act, valuesB);
  const forwardS = linearF + coreF + elementF;
  const backwardS = linearB + coreB + elementB;
  const recomputeS = plan.recompute === 'full' ? forwardS : plan.recompute === 'selective' ? coreF + (flash ? 0 : elementF * 0.5) : 0;
  // Tensor parallelism: two all-reduces (or reduce-scatter + all-gather with sequence parallelism) of the
  // layer's activations forward, two backward, two more when the forward is recomputed.
  let tpCommS = 0;
  if (tp > 1) {
    const bytes = tokens * h * act;
    const one = plan.sequenceParallel ? collective(system, 'reduce-scatter', bytes, tp, 1) + collective(system, 'all-gather', bytes, tp, 1) : collective(system, 'all-reduce', bytes, tp, 1);
    tpCommS = one * (4 + (plan.recompute === 'full' ? 2 : 0));
  }
  // Context parallelism: keys and values gathered from the other ranks (ring attention), overlapped with the attention core.
  let cpCommS = 0;
  if (cp > 1) {
    const kvBytes = cp * tokens * (shape.kvCacheElements / Math.min(tp, Math.max(1, shape.kvHeads))) * act;
    const gather = collective(system, 'all-gather', kvBytes, cp, tp);
    cpCommS = Math.max(0, gather - coreF) + Math.max(0, collective(system, 'reduce-scatter', kvBytes, cp, tp) - coreB);
  }
  // Expert parallelism: tokens to their experts and back, forward and backward.
  let epCommS = 0;
  if (mlp.kind === 'moe' && ep > 1) epCommS = 4 * collective(system, 'all-to-all', tokens * mlp.topK * h * act, ep, tp);
  // Operators of the forward: the GEMMs, the attention core (one fused kernel, or scores, softmax,
  // dropout and context), two norms, three layout copies, the activation, two residual adds, dropouts
  // and the tensor-parallel collectives.
  const forwardOps = linear.length + (flash ? 1 : 3 + (dropout ? 2 : 0)) + 8 + (dropout ? 2 : 0) + (tp > 1 ? 2 : 0) + (mlp.kind === 'moe' ? 4 : 0);
  return { forwardS, backwardS, recomputeS, tpCommS, cpCommS, epCommS, forwardOps };
}

function collective(system: SystemSpec, kind: Collective, bytes: number, size: number, stride: number): number {
  if (size <= 1 || bytes <= 0) return 0;
  return collectiveCost(system, kind, bytes, { size, stride }).seconds;
}

/** The activation bytes one layer keeps per microbatch for its backward pass (Korthikanti et al. 2022, generalized to any MLP width). */
function activationBytesPerLayer(shape: LayerShape, model: TransformerModel, plan: TrainingPlan, flash: boolean): number {
  const s = plan.seq / plan.cp;
  const b = plan.microbatch;
  const h = model.hidden;
  const t = plan.tp;
  if (plan.recompute === 'full') return (2 * s * b * h) / (plan.sequenceParallel ? t : 1);
  const mlp = shape.mlp;
  const ffn = mlp.kind === 'dense' ? mlp.ffn : mlp.topK * mlp.ffn + mlp.sharedExperts * mlp.sharedFfn;
  // Per token, in bytes: attention block 11h + 5 a s (scores, softmax, dropout mask), MLP 3h + 4 ffn
  // (19h at ffn = 4h), two norms 4h: 34h + 5as in all. Without sequence parallelism the 10h of norm and
  // dropout tensors are not split over the tensor-parallel ranks.
  const scores = flash || plan.recompute === 'selective' ? 0 : (5 * shape.heads * s) / t;
  const split = 11 + 3 + (4 * ffn) / h + 4 - 10;
  const perToken = plan.sequenceParallel ? ((split + 10) * h) / t : 10 * h + (split * h) / t;
  return s * b * (perToken + scores * h);
}

export function trainingStep(model: TransformerModel, chip: ChipSpec, system: SystemSpec, chips: number, plan: TrainingPlan, options: TrainingOptions = {}): TrainingStep {
  const dtype = options.dtype ?? defaultMatrixFormat(chip);
  const flash = options.flashAttention ?? true;
  const gradientBytes = options.gradientBytes ?? 4;
  const opOverheadS = options.opOverheadS ?? (chip.cores[0]!.matrixUnits[0]!.kind === 'tensor-core' ? EAGER_OP_OVERHEAD_S : 0);
  const env: Env = { chip, system, dtype, flash, dropout: options.dropout ?? false };
  const reasons = planProblems(model, chips, plan);
  const tokensPerStep = plan.globalBatch * plan.seq;
  const capacity = chip.offChipMemory.capacityBytes;
  if (reasons.length > 0) {
    return {
      plan,
      chips,
      valid: false,
      reasons,
      stepTimeS: Infinity,
      breakdown: ZERO_BREAKDOWN,
      memory: { weightsBytes: 0, gradientBytes: 0, optimizerBytes: 0, activationBytes: 0, totalBytes: 0, capacityBytes: capacity },
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
  const microbatches = plan.globalBatch / (plan.microbatch * plan.dp);
  const { tp, pp, dp, cp, ep } = plan;
  // Per stage: its share of each group of layers. Layers that do not split evenly leave some stages
  // (virtual stages) one layer longer; the fullest stage sets the pipeline's pace (Llama 3 runs 126
  // layers on 16 stages so).
  const fullest = (Math.ceil(model.layers / (pp * plan.interleave)) * plan.interleave) / model.layers;
  let forwardS = 0;
  let backwardS = 0;
  let recomputeS = 0;
  let tpCommS = 0;
  let cpCommS = 0;
  let epCommS = 0;
  let activationBytes = 0;
  let hostOps = 0;
  const key = memoKey(env, model, plan);
  for (const g of model.groups) {
    const share = g.count * fullest;
    const t = memoized(layerMemo, g.shape, env, key, () => layerTimes(env, g.shape, model, plan));
    forwardS += share * t.forwardS;
    backwardS += share * t.backwardS;
    recomputeS += share * t.recomputeS;
    tpCommS += share * t.tpCommS;
    cpCommS += share * t.cpCommS;
    epCommS += share * t.epCommS;
    activationBytes += share * activationBytesPerLayer(g.shape, model, plan, flash);
    // Forward, backward (about two operators per forward one) and the recomputed forward.
    hostOps += share * t.forwardOps * (3 + (plan.recompute === 'none' ? 0 : 1));
  }
  // The last stage also runs the LM head (and the loss).
  const { forwardS: headF, backwardS: headB } = memoized(headMemo, model, env, key, () => headTimes(env, model, plan));
  const tokens = (plan.microbatch * plan.seq) / cp;
  const deviceS = forwardS + backwardS + recomputeS + tpCommS + cpCommS + epCommS + headF + headB;
  // The host issues the stage's operators while the device runs earlier ones; the slower of the two sets the pace.
  const hostS = hostOps * opOverheadS;
  const perMicrobatch = Math.max(deviceS, hostS);
  const hostWaitS = perMicrobatch - deviceS;
  // Pipeline: activations to the next stage forward and their gradients back, per microbatch and virtual stage.
  const p2pBytes = (tokens * model.hidden * 2) / (plan.sequenceParallel ? tp : 1);
  const ppCommS = pp > 1 ? 2 * plan.interleave * collective(system, 'p2p', p2pBytes, 2, tp * cp * dp) : 0;
  const bubbleS = ((pp - 1) / plan.interleave) * perMicrobatch;
  // Parameters on a chip: shared layers split over tensor and pipeline ranks, experts also over expert ranks.
  const dense = model.params - model.expertParams;
  const localParams = dense / (tp * pp) + model.expertParams / (tp * pp * ep);
  // Data parallelism: gradients reduced over the data x context ranks (experts' over fewer), then parameters gathered (ZeRO).
  const dpGroup = dp * cp;
  const gradBytes = (dense / (tp * pp)) * gradientBytes;
  const expertGradBytes = (model.expertParams / (tp * pp * ep)) * gradientBytes;
  let dpS = 0;
  if (dpGroup > 1) {
    if (plan.zero === 0) dpS = collective(system, 'all-reduce', gradBytes, dpGroup, tp);
    else dpS = collective(system, 'reduce-scatter', gradBytes, dpGroup, tp) + collective(system, 'all-gather', (gradBytes / gradientBytes) * 2, dpGroup, tp);
  }
  if (dpGroup / ep > 1 && expertGradBytes > 0) dpS += collective(system, plan.zero === 0 ? 'all-reduce' : 'reduce-scatter', expertGradBytes, dpGroup / ep, tp * ep);
  // ZeRO-3 gathers each layer's parameters before its forward and backward, for every microbatch.
  let zero3S = 0;
  if (plan.zero === 3 && dpGroup > 1) zero3S = 2 * microbatches * Math.max(0, collective(system, 'all-gather', localParams * 2, dpGroup, tp) - (forwardS + backwardS) / 2);
  const dpCommS = (plan.overlapGradients ? Math.max(0, dpS - backwardS) : dpS) + zero3S;
  // Adam: master weights, two moments and the gradient read, all three written, bf16 weights written.
  const optimizerParams = plan.zero >= 1 ? localParams / dpGroup : localParams;
  const optimizerS = streamSeconds(chip, dtype, optimizerParams * 30, optimizerParams * 12);
  const stepTimeS = microbatches * (perMicrobatch + ppCommS) + bubbleS + dpCommS + optimizerS;
  // Memory: bf16 weights, fp32 gradients and fp32 master + moments, sharded by the ZeRO stage; activations of the microbatches in flight.
  const weightsBytes = (localParams * 2) / (plan.zero === 3 ? dpGroup : 1);
  const gradientMemory = (localParams * gradientBytes) / (plan.zero >= 2 ? dpGroup : 1);
  const optimizerBytes = (localParams * 12) / (plan.zero >= 1 ? dpGroup : 1);
  const inFlight = Math.min(pp * (plan.interleave > 1 ? 1 + (pp - 1) / (pp * plan.interleave) : 1), microbatches);
  const activationMemory = activationBytes * inFlight + (pp === 1 ? tokens * (model.vocab / tp) * 4 : 0);
  const totalBytes = weightsBytes + gradientMemory + optimizerBytes + activationMemory;
  const memoryReasons = totalBytes > capacity ? [`out of memory: ${gib(totalBytes)} GiB per chip (weights ${gib(weightsBytes)}, gradients ${gib(gradientMemory)}, optimizer ${gib(optimizerBytes)}, activations ${gib(activationMemory)}) exceeds ${gib(capacity)} GiB`] : [];
  const flopsPerToken = trainingFlopsPerToken(model, plan.seq);
  const modelFlopsPerStep = flopsPerToken * tokensPerStep;
  // Hardware FLOPs (Korthikanti et al. 2022): the model FLOPs plus the recomputed forward, by the same
  // convention: all layers' forward (a third of their training FLOPs) or the attention core's.
  const layerFlopsPerToken = flopsPerToken - 6 * model.hidden * model.vocab;
  const recomputedPerToken = plan.recompute === 'full' ? layerFlopsPerToken / 3 : plan.recompute === 'selective' ? attentionFlopsPerToken(model, plan.seq) / 3 : 0;
  const hardwareFlopsPerStep = modelFlopsPerStep + recomputedPerToken * tokensPerStep;
  const peak = peakOpsPerS(chip, dtype as never);
  const ctx = chipContext(chip, dtype);
  const energyPerStepJ = chips * (ctx.staticW * stepTimeS) + (hardwareFlopsPerStep / 2) * ctx.macPj * 1e-12 + chips * microbatches * 3 * localParams * 2 * ctx.offChipPjPerByte * 1e-12;
  return {
    plan,
    chips,
    valid: memoryReasons.length === 0,
    reasons: memoryReasons,
    stepTimeS,
    breakdown: {
      computeS: microbatches * (forwardS + backwardS + headF + headB),
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
    memory: { weightsBytes, gradientBytes: gradientMemory, optimizerBytes, activationBytes: activationMemory, totalBytes, capacityBytes: capacity },
    microbatches,
    tokensPerStep,
    tokensPerS: tokensPerStep / stepTimeS,
    modelFlopsPerStep,
    hardwareFlopsPerStep,
    mfu: modelFlopsPerStep / (stepTimeS * chips * peak),
    hfu: hardwareFlopsPerStep / (stepTimeS * chips * peak),
    energyPerStepJ,
  };
}

/** Days to perform `flops` on `chips` chips of `peakFlopsPerS` each at a model FLOPs utilization. */
export function trainingDays(flops: number, chips: number, peakFlopsPerS: number, mfu: number): number {
  return flops / (chips * peakFlopsPerS * mfu) / SECONDS_PER_DAY;
}

/** Wall time and energy to train on `tokens` tokens at a step's pace (whole steps). */
export function timeToTrain(step: TrainingStep, tokens: number): { readonly steps: number; readonly seconds: number; readonly energyJ: number } {
  const steps = Math.ceil(tokens / step.tokensPerStep);
  return { steps, seconds: steps * step.stepTimeS, energyJ: steps * step.energyPerStepJ };
}
