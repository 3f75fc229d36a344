/**
 * What selective recomputation runs again in the backward pass: Megatron's attention core, torchtitan's
 * every second matmul (stacks.ts, STACK_SELECTIVE), or what a policy naming the layer tensors kept for
 * the backward leaves out (MaxText's `remat_policy: custom`). MaxText base.yml (tpu-recipes-v0.1.4 and
 * later): "If custom remat_policy is chosen, you can select tensors from the following list to offload
 * on host memory, rematerialize or save on device memory", with every named tensor 'remat' by default
 * but the decoder layer's input ('device'). A tensor kept on device or offloaded to host is not
 * recomputed; the rest that the backward needs is.
 */
import type { SelectiveRecompute } from './stacks.js';
import { attentionFlopsPerToken, type LayerShape, type TransformerModel } from './transformer.js';

/**
 * Tensors a policy may keep (MaxText's checkpoint names, decoders.py / attentions.py / linears.py):
 * the query, key, value and output projections' results, the attention core's output (`context`), the
 * MLP's input projections (`mlpwi`, gate and up: mlpwi_0 and mlpwi_1) and its output projection (`mlpwo`).
 */
export const REMAT_TENSORS = ['query_proj', 'key_proj', 'value_proj', 'out_proj', 'context', 'mlpwi', 'mlpwo'] as const;
export type RematTensor = (typeof REMAT_TENSORS)[number];

/** A policy that keeps the decoder layer's input and `saved`, recomputing every other tensor the backward needs. */
export interface SavedTensorsPolicy {
  readonly saved: readonly RematTensor[];
}

/** What `recompute: selective` recomputes: a stack's policy or one naming the kept tensors. */
export type SelectivePolicy = SelectiveRecompute | SavedTensorsPolicy;

export interface SavedTensorsRecompute {
  /** Share of each of the layer's linear GEMMs (train-layer.ts, `linearGemms` order) run again. */
  readonly linearShares: readonly number[];
  /** Whether the attention core's forward runs again. */
  readonly attentionCore: boolean;
}

/**
 * What the backward recomputes from the layer's input and the kept tensors. A GEMM's result is needed
 * when a backward reads it: the query, key and value (the attention kernel's backward), the output
 * projection's (the residual the second norm's backward reads), the MLP's input projections' (the
 * activation's backward); the MLP's output projection's result only meets the residual add, whose
 * backward does not read it, so it is never recomputed. The attention core runs again unless its
 * output is kept (the output projection's weight gradient and the kernel's backward read it).
 * Mixture of experts: the router's and the experts' input projections count as `mlpwi`, their output
 * projections as `mlpwo`. Element-wise work (norms, activation) is recomputed in every case.
 */
export function savedTensorsRecompute(shape: LayerShape, policy: SavedTensorsPolicy): SavedTensorsRecompute {
  const kept = new Set(policy.saved);
  const again = (t: RematTensor): number => (kept.has(t) ? 0 : 1);
  const query = shape.projectionOut - shape.kvCacheElements;
  const kv = shape.kvCacheElements / 2;
  const qkv = (again('query_proj') * query + (again('key_proj') + again('value_proj')) * kv) / shape.projectionOut;
  const shares = [qkv, again('out_proj')];
  const mlpIn = again('mlpwi');
  const mlp = shape.mlp;
  if (mlp.kind === 'dense') shares.push(mlpIn, 0);
  else {
    shares.push(mlpIn, mlpIn, 0);
    if (mlp.sharedExperts > 0) shares.push(mlpIn, 0);
  }
  // Multi-head latent attention's up-projections make the queries, keys and values: run again unless all are kept.
  shares.push(...(shape.upProjections ?? []).map(() => (qkv > 0 ? 1 : 0)));
  return { linearShares: shares, attentionCore: !kept.has('context') };
}

/**
 * The share of each of `linearGemms`' GEMMs (train-layer.ts) that torchtitan's per-op selective checkpointing
 * recomputes (torchtitan parallelize_llama.py at 9dec370, `_custom_policy`: "Saves output of all compute ops,
 * except every second mm"; the attention kernel's output is saved, every element-wise operator is
 * recomputed). Its Llama block runs wq, wk, wv, attention, wo, w1, w3, w2, so wk (of the fused query,
 * key and value GEMM), wo and w3 (half of the fused gate and up GEMM) are recomputed; a plain MLP's
 * second matmul. Mixture of experts (which torchtitan at 9dec370 does not have; the same rule, an
 * estimate): the router's matmul is saved, the experts' grouped GEMMs, not plain matmuls, recomputed,
 * a shared expert's gate and down projections recomputed.
 */
function everyOtherMatmulShares(shape: LayerShape): number[] {
  const shares = [shape.kvCacheElements / 2 / shape.projectionOut, 1];
  const mlp = shape.mlp;
  if (mlp.kind === 'dense') shares.push(mlp.gated ? 0.5 : 0, mlp.gated ? 0 : 1);
  else shares.push(0, 1, 1, 0.5, 1);
  return shares;
}

/** The share of each of `linearGemms`' GEMMs that selective recomputation runs again. */
export function recomputedLinearShares(
  selective: SelectivePolicy,
  shape: LayerShape,
  count: number,
): readonly number[] {
  if (selective === 'every-other-matmul') return everyOtherMatmulShares(shape);
  if (selective === 'attention-core') return new Array<number>(count).fill(0);
  return savedTensorsRecompute(shape, selective).linearShares;
}

/** Whether selective recomputation runs the attention core again. */
export const recomputesAttention = (selective: SelectivePolicy, shape: LayerShape): boolean =>
  selective === 'attention-core' ||
  (typeof selective === 'object' && savedTensorsRecompute(shape, selective).attentionCore);

/**
 * Multiply-accumulates per token of each of a layer's linear GEMMs over all tensor-parallel ranks, in
 * `linearGemms`' order (train-layer.ts): projections, MLP (or router, experts and shared experts), latent
 * up-projections.
 */
function linearMacsPerToken(shape: LayerShape, hidden: number): number[] {
  const macs = [hidden * shape.projectionOut, shape.heads * shape.valueDim * hidden];
  const mlp = shape.mlp;
  if (mlp.kind === 'dense') macs.push(hidden * mlp.ffn * (mlp.gated ? 2 : 1), mlp.ffn * hidden);
  else {
    macs.push(hidden * mlp.experts, mlp.topK * hidden * mlp.ffn * 2, mlp.topK * mlp.ffn * hidden);
    if (mlp.sharedExperts > 0)
      macs.push(hidden * mlp.sharedExperts * mlp.sharedFfn * 2, mlp.sharedExperts * mlp.sharedFfn * hidden);
  }
  for (const up of shape.upProjections ?? []) macs.push(up.in * up.out);
  return macs;
}

/**
 * FLOPs per token that selective recomputation adds to a step (for the hardware FLOPs, HFU): the
 * recomputed shares of the linear GEMMs' forward and, where the policy runs it again, the attention
 * core's forward (a third of its training FLOPs).
 */
export function selectiveRecomputeFlopsPerToken(policy: SelectivePolicy, model: TransformerModel, seq: number): number {
  let flops = 0;
  for (const g of model.groups) {
    const macs = linearMacsPerToken(g.shape, model.hidden);
    const shares = recomputedLinearShares(policy, g.shape, macs.length);
    flops += g.count * 2 * macs.reduce((s, m, i) => s + m * (shares[i] ?? 0.5), 0);
  }
  const attention = recomputesAttention(policy, model.groups[0]!.shape) ? attentionFlopsPerToken(model, seq) / 3 : 0;
  return flops + attention;
}
