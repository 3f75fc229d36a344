/**
 * One transformer layer's forward, backward and tensor/context/expert-parallel communication for one
 * microbatch on one chip, and the LM head's: the pieces a training step is made of (cluster/train.ts).
 * GEMMs and attention are timed on the chip by the analytical model (model/kernels.ts).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import type { Gemm } from '../graph/ops/op.js';
import {
  attentionSeconds,
  fp8CastSeconds,
  gemmSeconds,
  streamSeconds,
  type AttentionImplementation,
  type Fp8Recipe,
  type GemmOptions,
} from '../model/kernels.js';
import { collectiveSeconds as collective } from './collectives.js';
import { ringAttention, TE_P2P_RING, type ContextParallelStyle, type RingAttentionTime } from './ring-attention.js';
import { isLegacyAttention, legacyAttentionSlowdown, type TrainingAttention } from './train-attention.js';
import { expectedHolders, expertParallelSeconds, type MoeDispatch, type MoeDispatcher } from './train-moe.js';
import { recomputedLinearShares, recomputesAttention, type SelectivePolicy } from './train-remat.js';
import type { LayerShape, TransformerModel } from './transformer.js';
import type { SystemSpec, TrainingPlan } from './types.js';

export interface LayerEnv {
  readonly chip: ChipSpec;
  readonly system: SystemSpec;
  /** Format of the projections' and MLP's GEMMs. */
  readonly dtype: string;
  /**
   * Format of the attention core and element-wise work (bf16 when the GEMMs are fp8: Transformer Engine and MaxText
   * keep attention in bf16).
   */
  readonly attentionDtype: string;
  /**
   * The fused attention kernel (an older one is timed as FlashAttention-2 times its measured slowdown,
   * train-attention.ts).
   */
  readonly attention: TrainingAttention;
  readonly flash: boolean;
  readonly dropout: boolean;
  /** Element-wise work as eager PyTorch runs it (one kernel per operator, norms in fp32), not fused. */
  readonly eager: boolean;
  /**
   * What selective recomputation recomputes: Megatron's attention core, torchtitan's every second matmul
   * (stacks.ts), or what a policy naming the kept tensors leaves out (MaxText's custom remat, train-remat.ts).
   */
  readonly selective: SelectivePolicy;
  /** How mixture-of-experts tokens reach their experts (train-moe.ts). */
  readonly moe: MoeDispatch;
  /** How fp8 GEMMs' operands are scaled and cast (train-fp8.ts); default Transformer Engine's delayed scaling. */
  readonly fp8Recipe?: Fp8Recipe;
  /** How context parallelism moves key/value chunks (ring-attention.ts; default TE_P2P_RING). */
  readonly contextParallel?: ContextParallelStyle;
}

/**
 * fp8 GEMMs in training cast their operands by the stack's recipe (train-fp8.ts): casts before the forward and
 * data-gradient GEMMs (model/gemm.ts).
 */
const roleOptions = (env: LayerEnv, fp8Role: 'forward' | 'dgrad' | 'wgrad'): GemmOptions =>
  env.dtype.startsWith('fp8') ? { fp8Recipe: env.fp8Recipe ?? 'transformer-engine', fp8Role } : {};

export interface LayerTimes {
  readonly forwardS: number;
  readonly backwardS: number;
  readonly recomputeS: number;
  /**
   * The layer's GEMMs of projections and MLP, forward and backward (what tensor-parallel collectives can hide behind).
   */
  readonly linearS: number;
  /**
   * fp8 only: the casts of the layer's weights to fp8, charged once per step (Transformer Engine casts
   * them on the first microbatch and keeps the copies, `is_first_microbatch`).
   */
  readonly weightCastS: number;
  /** Tensor-parallel collectives of the layer (forward, backward and recomputed forward), before any overlap. */
  readonly tpCommS: number;
  readonly cpCommS: number;
  /** Expert-parallel dispatch and combine (forward, backward and a recomputed forward), before any overlap. */
  readonly epCommS: number;
  /** The weight-gradient GEMMs of `backwardS` (DualPipe's W, train-pipeline.ts). */
  readonly weightGradS: number;
  /** Operators the host issues for the layer's forward. */
  readonly forwardOps: number;
}

export interface HeadTimes {
  readonly forwardS: number;
  readonly backwardS: number;
}

/**
 * Bytes per logit the cross-entropy loss's backward moves: the softmax saved by the forward read and the
 * gradient (softmax minus the one-hot target) written in fp32, 4 + 4, then cast to bf16 for the output
 * layer's gradient GEMMs, 4 + 2 (Megatron-Core tensor_parallel/cross_entropy.py,
 * _VocabParallelCrossEntropy.backward: `grad_input = softmax`, the target's entry less 1, times the
 * output gradient; PyTorch's cross_entropy backward likewise writes a gradient the size of the logits).
 */
export const LOSS_BACKWARD_BYTES_PER_LOGIT = 14;

/** The LM head (and the loss) on the last stage, forward and both gradients, for one microbatch. */
export function headTimes(env: LayerEnv, model: TransformerModel, plan: TrainingPlan): HeadTimes {
  // The output layer stays in bf16 under fp8 training (Megatron-LM's output layer is not a Transformer Engine module).
  const { chip, attentionDtype: dtype } = env;
  const tokens = (plan.microbatch * plan.seq) / plan.cp;
  const vocab = model.vocab / plan.tp;
  const logits = tokens * vocab;
  const head: Gemm = { batch: 1, m: tokens, n: vocab, k: model.hidden, weightsAreParameters: true };
  return {
    forwardS: gemmSeconds(chip, dtype, head) + streamSeconds(chip, dtype, logits * 4 * 2, logits * 4),
    backwardS:
      gemmSeconds(chip, dtype, { ...head, n: model.hidden, k: vocab }) +
      gemmSeconds(chip, dtype, { batch: 1, m: model.hidden, n: vocab, k: tokens, weightsAreParameters: false }) +
      streamSeconds(chip, dtype, logits * LOSS_BACKWARD_BYTES_PER_LOGIT, logits * 2),
  };
}

/**
 * Automatic mixed precision over fp32 weights (stacks.ts, STACK_AUTOCAST), per microbatch on `params`
 * weights: torch.autocast casts each fp32 weight to bf16 as its layer runs (4 bytes read, 2 written;
 * the cast cache lives for one autocast region, one forward), and the backward sends the bf16 gradient
 * back through the cast to fp32 (2 + 4), which AccumulateGrad adds to the gradient of the earlier
 * microbatches (4 + 4 read, 4 written; the first microbatch's is stored as it is). PyTorch
 * documentation, "Automatic Mixed Precision package - torch.amp": in autocast-enabled regions ops run
 * in the lower precision "regardless of the input dtypes", the fp32 parameters staying as they are.
 */
export function autocastSeconds(
  chip: ChipSpec,
  dtype: string,
  params: number,
  microbatches: number,
): { readonly forwardS: number; readonly backwardS: number } {
  const accumulate = microbatches > 1 ? (12 * (microbatches - 1)) / microbatches : 0;
  return {
    forwardS: streamSeconds(chip, dtype, params * 6, params),
    backwardS: streamSeconds(chip, dtype, params * (6 + accumulate), params * (1 + accumulate / 12)),
  };
}

/** The projections' and MLP's GEMMs of one layer on one tensor-parallel rank. */
function linearGemms(
  shape: LayerShape,
  model: TransformerModel,
  plan: TrainingPlan,
  tokens: number,
  imbalance = 1,
): Gemm[] {
  const { tp, ep } = plan;
  const h = model.hidden;
  const gemm = (m: number, k: number, n: number, batch = 1): Gemm => ({ batch, m, n, k, weightsAreParameters: true });
  const linear: Gemm[] = [
    gemm(tokens, h, shape.projectionOut / tp),
    gemm(tokens, (shape.heads * shape.valueDim) / tp, h),
  ];
  const mlp = shape.mlp;
  if (mlp.kind === 'dense') {
    linear.push(gemm(tokens, h, (mlp.ffn * (mlp.gated ? 2 : 1)) / tp), gemm(tokens, mlp.ffn / tp, h));
  } else {
    const local = mlp.experts / ep;
    // The busiest rank's experts (train-moe.ts, `imbalance`) set the layer's pace.
    const perExpert = ((tokens * mlp.topK * ep) / mlp.experts) * Math.max(1, imbalance);
    linear.push(
      gemm(tokens, h, mlp.experts),
      gemm(perExpert, h, (mlp.ffn * 2) / tp, local),
      gemm(perExpert, mlp.ffn / tp, h, local),
    );
    if (mlp.sharedExperts > 0)
      linear.push(
        gemm(tokens, h, (mlp.sharedExperts * mlp.sharedFfn * 2) / tp),
        gemm(tokens, (mlp.sharedExperts * mlp.sharedFfn) / tp, h),
      );
  }
  // Multi-head latent attention: the latents' up-projections to the heads (column-parallel over tp).
  for (const up of shape.upProjections ?? []) linear.push(gemm(tokens, up.in, up.out / tp));
  return linear;
}

/**
 * Element-wise bytes per token that eager PyTorch moves beyond a fused implementation, in one layer's
 * forward (the backward moves about twice as many), counted from the operators of Hugging Face's
 * modeling_llama.py, which torchtitan's model mirrors:
 * - RMSNorm: cast to fp32 (2 + 4 bytes per value), square (4 + 4), mean (4), scale (4 + 4), cast back
 *   (4 + 2), weight (2 + 2): 36 bytes per value where a fused kernel reads 2 and writes 2; two per layer;
 * - rotary positions on queries and keys: multiply by cos (2 + 2), rotate half (negate half, concatenate:
 *   2 + 4), multiply by sin (2 + 2), add (4 + 2): 20 bytes per value against 4 fused;
 * - SwiGLU: SiLU (2 + 2) then the product with the up projection (4 + 2): 4 bytes per value more than a
 *   fused kernel reading both and writing the product.
 * With sequence parallelism each rank normalizes its 1/tp of the tokens.
 */
function eagerExtraBytesPerToken(shape: LayerShape, model: TransformerModel, plan: TrainingPlan): number {
  const h = plan.sequenceParallel ? model.hidden / plan.tp : model.hidden;
  const norms = 2 * (36 - 4) * h;
  const queriesAndKeys = (shape.projectionOut - shape.kvCacheElements / 2) / plan.tp;
  const rotary = model.rotary ? (20 - 4) * queriesAndKeys : 0;
  const mlp = shape.mlp;
  const gatedFfn =
    mlp.kind === 'dense'
      ? mlp.gated
        ? mlp.ffn / plan.tp
        : 0
      : (mlp.topK * mlp.ffn + mlp.sharedExperts * mlp.sharedFfn) / plan.tp;
  return norms + rotary + 4 * gatedFfn;
}

/**
 * Operators eager PyTorch runs beyond a fused layer: six more per RMSNorm, about ten for rotary positions, one for the
 * gated activation.
 */
const EAGER_EXTRA_OPS = (model: TransformerModel, gated: boolean): number =>
  2 * 6 + (model.rotary ? 10 : 0) + (gated ? 1 : 0);

interface LinearTimes {
  readonly forwardS: number;
  readonly backwardS: number;
  readonly weightCastS: number;
  /** Forward time of the GEMMs selective recomputation runs again (none under 'attention-core'). */
  readonly recomputedS: number;
  /** The weight-gradient GEMMs of `backwardS`. */
  readonly weightGradS: number;
}

/**
 * The layer's projection and MLP GEMMs, forward (with fp8 activation casts), both gradients, and the weights' fp8
 * casts.
 */
function linearTimes(env: LayerEnv, shape: LayerShape, linear: readonly Gemm[]): LinearTimes {
  const { chip, dtype } = env;
  const fp8 = dtype.startsWith('fp8');
  const shares = recomputedLinearShares(env.selective, shape, linear.length);
  let forwardS = 0;
  let backwardS = 0;
  let weightCastS = 0;
  let recomputedS = 0;
  let weightGradS = 0;
  linear.forEach((g, i) => {
    // The weight's cast is charged once per step (weightCastS), the activation's every microbatch.
    const f = gemmSeconds(
      chip,
      dtype,
      g.batch === 1 ? { ...g, weightsAreParameters: false } : g,
      roleOptions(env, 'forward'),
    );
    forwardS += f;
    recomputedS += (shares[i] ?? 0.5) * f;
    if (fp8 && g.batch === 1) weightCastS += fp8CastSeconds(chip, { ...g, m: 0, batch: 1 }, 'forward', env.fp8Recipe);
    // Input gradient (m x n by n x k) and weight gradient (k x m by m x n).
    backwardS += gemmSeconds(
      chip,
      dtype,
      { batch: g.batch, m: g.m, n: g.k, k: g.n, weightsAreParameters: true },
      roleOptions(env, 'dgrad'),
    );
    const wgrad = gemmSeconds(
      chip,
      dtype,
      { batch: g.batch, m: g.k, n: g.n, k: g.m, weightsAreParameters: false },
      roleOptions(env, 'wgrad'),
    );
    backwardS += wgrad;
    weightGradS += wgrad;
  });
  return { forwardS, backwardS, weightCastS, recomputedS, weightGradS };
}

/**
 * The attention core: one kernel over the sequence, or with context parallelism a ring of cp chunk
 * kernels, each waiting for its key/value chunk (cluster/ring-attention.ts). An older kernel
 * (train-attention.ts) is FlashAttention-2's time at the same shape times its measured slowdown.
 */
function attentionCore(
  env: LayerEnv,
  shape: LayerShape,
  model: TransformerModel,
  plan: TrainingPlan,
): RingAttentionTime {
  const { chip, system, flash } = env;
  const { tp, cp } = plan;
  const attention = env.attention;
  const implementation: AttentionImplementation = !flash
    ? 'unfused'
    : isLegacyAttention(attention)
      ? 'flash2'
      : attention;
  const style = env.contextParallel ?? TE_P2P_RING;
  // Repeated to the query heads, the keys and values carry one head of each per query head on the rank.
  const kvBytesPerToken = style.repeatedKv
    ? (shape.heads / tp) * (shape.qkDim + shape.valueDim) * 2
    : (shape.kvCacheElements / Math.min(tp, Math.max(1, shape.kvHeads))) * 2;
  const timed =
    cp > 1
      ? ringAttention({
          chip,
          system,
          dtype: env.attentionDtype,
          implementation,
          batch: plan.microbatch,
          heads: shape.heads / tp,
          seq: plan.seq,
          cp,
          stride: tp,
          qkDim: shape.qkDim,
          valueDim: shape.valueDim,
          causal: model.causal,
          kvBytesPerToken,
          style,
        })
      : {
          ...attentionSeconds(chip, env.attentionDtype, {
            batch: plan.microbatch,
            heads: shape.heads / tp,
            seqQ: plan.seq,
            seqK: plan.seq,
            qkDim: shape.qkDim,
            valueDim: shape.valueDim,
            causal: model.causal,
            implementation,
          }),
          waitForwardS: 0,
          waitBackwardS: 0,
        };
  const slow =
    flash && isLegacyAttention(attention)
      ? legacyAttentionSlowdown(chip, attention, shape.qkDim, model.causal, plan.seq / cp)
      : 1;
  return { ...timed, forwardS: timed.forwardS * slow, backwardS: timed.backwardS * slow };
}

/**
 * Hidden-state copies per token the permutations read and write around the experts (forward): the NCCL
 * dispatcher copies each token top-k times before the exchange (1 read, k written), sorts the copies by
 * local expert after it (2k) and undoes both on the way back (2k, then k read and 1 written): "one
 * global and one local permute before and after EP communication"; DeepEP and HybridEP fuse the global
 * permute into the exchange (Megatron-LM's DeepSeek-V3-on-GB200 write-up, 2.1.1), so a rank expands its
 * d received copies of a token to its k expert rows and back (2k + 2d); without expert parallelism one
 * permute and its inverse (2k + 2).
 */
function routedCopiesPerToken(
  mlp: Extract<LayerShape['mlp'], { kind: 'moe' }>,
  ep: number,
  dispatcher: MoeDispatcher,
): number {
  if (ep <= 1) return 2 * mlp.topK + 2;
  if (dispatcher === 'alltoall') return 6 * mlp.topK + 2;
  return 2 * mlp.topK + 2 * expectedHolders(mlp, mlp.experts / ep);
}

/**
 * Element-wise work in bf16, in values through memory per token: norms, residuals, the activation
 * function, dropout (values and 1-byte masks); the backward reads and writes about twice as much.
 * Unfused attention's score traffic is part of attentionSeconds; dropout on the scores adds to it.
 * Mixture of experts: the routed copies' permutations (routedCopiesPerToken) and the router's scores
 * softmaxed.
 */
function elementTimes(
  env: LayerEnv,
  shape: LayerShape,
  model: TransformerModel,
  plan: TrainingPlan,
): { readonly forwardS: number; readonly backwardS: number } {
  const { tp, cp } = plan;
  const h = model.hidden;
  const tokens = (plan.microbatch * plan.seq) / cp;
  const mlp = shape.mlp;
  const ffnLocal =
    mlp.kind === 'dense' ? mlp.ffn / tp : (mlp.topK * mlp.ffn) / tp + (mlp.sharedExperts * mlp.sharedFfn) / tp;
  const routing = mlp.kind === 'moe' ? routedCopiesPerToken(mlp, plan.ep, env.moe.dispatcher) * h + 2 * mlp.experts : 0;
  const tokenValues = tokens * (14 * h + 3 * ffnLocal + (env.dropout ? 3 * h : 0) + routing);
  const scoreValues =
    env.flash || !env.dropout ? 0 : ((plan.microbatch * shape.heads) / tp) * (plan.seq / cp) * plan.seq;
  const valuesF = tokenValues + scoreValues * 2.5;
  const valuesB = 2 * tokenValues + scoreValues * 2.5;
  const eagerBytes = env.eager ? tokens * eagerExtraBytesPerToken(shape, model, plan) : 0;
  return {
    forwardS: streamSeconds(env.chip, env.attentionDtype, valuesF * 2 + eagerBytes, valuesF),
    backwardS: streamSeconds(env.chip, env.attentionDtype, valuesB * 2 + 2 * eagerBytes, valuesB),
  };
}

/** One layer's forward, backward and communication for one microbatch on one chip. */
export function layerTimes(env: LayerEnv, shape: LayerShape, model: TransformerModel, plan: TrainingPlan): LayerTimes {
  const { system, flash } = env;
  const { tp, cp } = plan;
  const h = model.hidden;
  const tokens = (plan.microbatch * plan.seq) / cp;
  const linear = linearGemms(shape, model, plan, tokens, env.moe.imbalance);
  const lin = linearTimes(env, shape, linear);
  const core = attentionCore(env, shape, model, plan);
  const element = elementTimes(env, shape, model, plan);
  const forwardS = lin.forwardS + core.forwardS + element.forwardS;
  const backwardS = lin.backwardS + core.backwardS + element.backwardS;
  // Full: the forward again (under context parallelism the ring runs again). Selective, Megatron's
  // (Korthikanti et al. 2022): the attention core (and unfused attention's softmax and dropout);
  // torchtitan's per-op policy: every second matmul and all element-wise work, the attention kept; a
  // policy naming the kept tensors: the GEMMs it leaves out, the attention core unless its output is
  // kept, and all element-wise work.
  const attentionAgainS = recomputesAttention(env.selective, shape) ? core.forwardS + core.waitForwardS : 0;
  const selectiveS =
    env.selective === 'attention-core'
      ? attentionAgainS + (flash ? 0 : element.forwardS * 0.5)
      : lin.recomputedS + attentionAgainS + element.forwardS;
  const recomputeS =
    plan.recompute === 'full' ? forwardS + core.waitForwardS : plan.recompute === 'selective' ? selectiveS : 0;
  // Tensor parallelism: two all-reduces (or reduce-scatter + all-gather with sequence parallelism) of the
  // layer's activations forward, two backward, two more when the forward is recomputed.
  let tpCommS = 0;
  if (tp > 1) {
    const bytes = tokens * h * 2;
    const one = plan.sequenceParallel
      ? collective(system, 'reduce-scatter', bytes, tp, 1) + collective(system, 'all-gather', bytes, tp, 1)
      : collective(system, 'all-reduce', bytes, tp, 1);
    tpCommS = one * (4 + (plan.recompute === 'full' ? 2 : 0));
  }
  // Expert parallelism: tokens to their experts and back, forward and backward (and the recomputed forward).
  const mlp = shape.mlp;
  const epCommS = expertParallelSeconds(system, plan, shape, h, env.moe) * (plan.recompute === 'full' ? 3 : 2);
  // Operators of the forward: the GEMMs, the attention core (one fused kernel, or scores, softmax,
  // dropout and context), two norms, three layout copies, the activation, two residual adds, dropouts
  // and the tensor-parallel collectives.
  const dropout = env.dropout;
  const forwardOps =
    linear.length +
    (flash ? 1 : 3 + (dropout ? 2 : 0)) +
    8 +
    (dropout ? 2 : 0) +
    (tp > 1 ? 2 : 0) +
    (mlp.kind === 'moe' ? 4 : 0) +
    (env.eager ? EAGER_EXTRA_OPS(model, mlp.kind === 'dense' ? mlp.gated : true) : 0);
  // Context parallelism: the ring's waits for key/value chunks, reported apart from the compute.
  return {
    forwardS,
    backwardS,
    recomputeS,
    linearS: lin.forwardS + lin.backwardS,
    weightCastS: lin.weightCastS,
    tpCommS,
    cpCommS: core.waitForwardS + core.waitBackwardS,
    epCommS,
    weightGradS: lin.weightGradS,
    forwardOps,
  };
}
