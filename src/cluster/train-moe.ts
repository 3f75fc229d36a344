/**
 * Expert parallelism in a training step: how a mixture-of-experts layer's tokens reach their experts
 * and come back (dispatch and combine, forward and backward), by token dispatcher, and what that costs
 * on the tiers the expert-parallel group spans. docs/cluster.md, "Mixture of experts", states the model.
 *
 * - `alltoall`: Megatron-Core's NCCL all-to-all dispatcher. The tokens are permuted top-k times before
 *   the exchange ("The AlltoAll dispatcher using the NCCL backend requires one global and one local
 *   permute ... the Flex Dispatcher of DeepEP or HybridEP fuses the global permute into the
 *   communication kernel, eliminating the need to explicitly copy the tokens top-k times": Megatron-LM
 *   docs/discussions/deepseek-v3-gb200-optimization, 2.1.1), so each rank sends top-k copies of each
 *   token, priced by NCCL's all-to-all (collectives.ts).
 * - `deepep`, `hybridep`: Megatron-Core's flex dispatcher over DeepEP or HybridEP ("Removes redundant
 *   tokens during cross-node communication": Megatron-Core MoE README, token dispatching). A token
 *   goes once to each rank holding one of its experts; across nodes once to each node, then forwarded
 *   over NVLink (DeepEP's "asymmetric-domain bandwidth forwarding", after DeepSeek-V3 section 3.2.2:
 *   "each token ... IB-transmitted to the GPUs with the same in-node index on its target nodes ...
 *   instantly forwarded via NVLink"). These kernels run at the links' rates (DEEPEP_* below).
 *
 * With sequence parallelism each tensor-parallel rank dispatches its 1/tp of the tokens (Megatron-Core
 * requires it with expert and tensor parallelism: "When using expert parallelism and tensor parallelism
 * for training, sequence parallelism must be used", model_parallel_config.py).
 */
import { collectiveSeconds as collective } from './collectives.js';
import { collectiveSms } from './overlap.js';
import type { LayerShape } from './transformer.js';
import type { SystemSpec, TrainingPlan } from './types.js';

export const MOE_DISPATCHERS = ['alltoall', 'deepep', 'hybridep'] as const;
export type MoeDispatcher = (typeof MOE_DISPATCHERS)[number];

/** How a run moves its tokens to the experts: the dispatcher, and whether the dispatch is in fp8. */
export interface MoeDispatch {
  readonly dispatcher: MoeDispatcher;
  /**
   * fp8 for the two transfers that feed the experts' up projections (forward dispatch) and down
   * projections (the backward's gradient dispatch); the combines stay in bf16. DeepSeek-V3 section
   * 3.3.3: "we quantize the activation before MoE up-projections into FP8 and then apply dispatch
   * components ... A similar strategy is applied to the activation gradient before MoE
   * down-projections. For both the forward and backward combine components, we retain them in BF16".
   * Megatron-Core's flex dispatcher does not ("Currently, we do not support fp8 dispatch",
   * fused_a2a.py).
   */
  readonly fp8Dispatch: boolean;
  /**
   * The busiest expert-parallel rank's tokens over the mean (>= 1). Dropless routing waits for the
   * busiest rank: its experts' GEMMs and the tokens it receives set the layer's pace. 1 where routing
   * is balanced (the benchmarks force it: "we force-balance the token distribution among experts",
   * Megatron-Bridge performance summary); with token dropping and padding to capacity every expert runs
   * `capacity factor` x its fair share (Switch Transformer trains at 1.0-1.25, Fedus et al. 2022,
   * section 2.2; Megatron-Core's --moe-expert-capacity-factor with --moe-pad-expert-input-to-capacity).
   */
  readonly imbalance: number;
}

export const DEFAULT_MOE_DISPATCH: MoeDispatch = { dispatcher: 'alltoall', fp8Dispatch: false, imbalance: 1 };

/**
 * SMs a flex dispatcher's kernels hold while they run (what overlapped compute loses): DeepEP 20
 * (Megatron-Core transformer_config.py: "Number of SMs to use for DeepEP (historical default 20)";
 * DeepSeek-V3 section 3.2.2: "only 20 SMs are sufficient to fully utilize the bandwidths of IB and
 * NVLink"); HybridEP 32 (Megatron-Bridge performance recipes, _benchmark_common:
 * `moe_hybridep_num_sms = 32`). The NCCL dispatcher holds NCCL's channels (overlap.ts).
 */
const FLEX_SMS: Readonly<Record<Exclude<MoeDispatcher, 'alltoall'>, number>> = { deepep: 20, hybridep: 32 };

/**
 * Share of a link's per-direction bandwidth DeepEP's normal kernels reach: over NVLink 153 GB/s of an
 * H800's 200 GB/s (400 GB/s bidirectional) for intranode dispatch at EP 8; over RDMA 51 GB/s of a
 * 400 Gb/s ConnectX-7's 50 GB/s at EP 64 (DeepEP docs/legacy.md, "Normal kernels with NVLink and RDMA
 * forwarding", DeepSeek-V3 setting: 4096 tokens, hidden 7168, top-8, FP8 dispatch, BF16 combine).
 */
export const DEEPEP_NVLINK_EFFICIENCY = 153 / 200;
export const DEEPEP_NETWORK_EFFICIENCY = 1;

/**
 * Bytes per value of an fp8 dispatch: one byte and a 4-byte scale per 128 values (DeepSeek-V3 section 3.3.2, 1 x 128
 * activation tiles).
 */
const FP8_DISPATCH_BYTES = 1 + 4 / 128;

/** The probability that none of `picks` items drawn without replacement from `total` falls among `marked`. */
function noneOf(total: number, marked: number, picks: number): number {
  let p = 1;
  for (let i = 0; i < picks && p > 0; i++) p *= Math.max(0, total - marked - i) / (total - i);
  return p;
}

/**
 * Expected number of distinct holders (ranks or nodes, each holding `perHolder` of the layer's experts,
 * consecutive) that one token's top-k experts fall on, with the experts drawn uniformly (routing that
 * is balanced, as the benchmarks force it) and, under group-limited routing, from the token's best
 * groups: holders inside a group are drawn within the chosen groups; a holder of several groups is
 * counted hit when one of its groups is chosen (DeepSeek scores a group by the sum of its best two
 * experts' scores, so a chosen group most likely holds one of the token's experts).
 */
export function expectedHolders(mlp: Extract<LayerShape['mlp'], { kind: 'moe' }>, perHolder: number): number {
  const e = mlp.experts;
  const groups = mlp.groups ?? { count: 1, topK: 1 };
  const perGroup = e / groups.count;
  if (perHolder >= e) return 1;
  if (perHolder <= perGroup) {
    const candidates = groups.topK * perGroup;
    return (candidates / perHolder) * (1 - noneOf(candidates, perHolder, Math.min(mlp.topK, candidates)));
  }
  const groupsPerHolder = perHolder / perGroup;
  return (groups.count / groupsPerHolder) * (1 - noneOf(groups.count, groupsPerHolder, groups.topK));
}

/** SMs the dispatcher holds while it runs (what compute overlapped with it loses). */
export function dispatcherSms(system: SystemSpec, plan: TrainingPlan, dispatcher: MoeDispatcher): number {
  return dispatcher === 'alltoall' ? collectiveSms(system, plan.ep, plan.tp) : FLEX_SMS[dispatcher];
}

/**
 * A flex dispatcher's transfer of `tokenBytes` (a rank's tokens, one copy each) to the ranks holding
 * their experts: inside the scale-up domain one exchange over NVLink, one copy per rank; across domains
 * a network exchange between nodes (one copy per node) and, at the same time, NVLink forwarding inside
 * each (one copy per rank), the slower of the two.
 */
function flexTransferS(
  system: SystemSpec,
  plan: TrainingPlan,
  mlp: Extract<LayerShape['mlp'], { kind: 'moe' }>,
  tokenBytes: number,
): number {
  const { ep, tp } = plan;
  const scaleUp = system.tiers[0]!;
  const latencyS = collective(system, 'all-to-all', 1, ep, tp);
  const perRank = mlp.experts / ep;
  const ranks = expectedHolders(mlp, perRank);
  const span = ep * tp;
  if (span <= scaleUp.domainChips || system.tiers.length < 2)
    return latencyS + (tokenBytes * ranks * (1 - 1 / ep)) / (DEEPEP_NVLINK_EFFICIENCY * scaleUp.bandwidthBytesPerS);
  const ranksPerNode = Math.max(1, Math.floor(scaleUp.domainChips / tp));
  const nodes = ep / ranksPerNode;
  const network = system.tiers.find((t, i) => i > 0 && span <= t.domainChips) ?? system.tiers[system.tiers.length - 1]!;
  const netS =
    (tokenBytes * expectedHolders(mlp, perRank * ranksPerNode) * (1 - 1 / nodes)) /
    (DEEPEP_NETWORK_EFFICIENCY * network.bandwidthBytesPerS);
  const nvlS = (tokenBytes * ranks * (1 - 1 / ranksPerNode)) / (DEEPEP_NVLINK_EFFICIENCY * scaleUp.bandwidthBytesPerS);
  return latencyS + Math.max(netS, nvlS);
}

/**
 * Dispatch and combine of one MoE layer for one microbatch, one pass: the forward's (dispatch, combine)
 * and the backward's (the gradients' dispatch to the experts and combine back) take the same time, in
 * bf16 but for an fp8 dispatch.
 */
export function expertParallelSeconds(
  system: SystemSpec,
  plan: TrainingPlan,
  shape: LayerShape,
  hidden: number,
  dispatch: MoeDispatch,
): number {
  const mlp = shape.mlp;
  if (mlp.kind !== 'moe' || plan.ep <= 1) return 0;
  const { ep, tp } = plan;
  // The busiest rank receives `imbalance` times the mean, and the exchange waits for it.
  const tokens =
    ((plan.microbatch * plan.seq) / plan.cp / (plan.sequenceParallel ? tp : 1)) * Math.max(1, dispatch.imbalance);
  const dispatchBytes = dispatch.fp8Dispatch ? FP8_DISPATCH_BYTES : 2;
  let dispatchS: number;
  let combineS: number;
  if (dispatch.dispatcher === 'alltoall' || system.tiers[0]!.kind !== 'switch') {
    const perValue =
      tokens * (dispatch.dispatcher === 'alltoall' ? mlp.topK : expectedHolders(mlp, mlp.experts / ep)) * hidden;
    combineS = collective(system, 'all-to-all', perValue * 2, ep, tp);
    dispatchS = dispatch.fp8Dispatch ? collective(system, 'all-to-all', perValue * dispatchBytes, ep, tp) : combineS;
  } else {
    combineS = flexTransferS(system, plan, mlp, tokens * hidden * 2);
    dispatchS = dispatch.fp8Dispatch ? flexTransferS(system, plan, mlp, tokens * hidden * dispatchBytes) : combineS;
  }
  return dispatchS + combineS;
}

/**
 * Host operators per local expert, per MoE layer and microbatch, where the stack runs the experts as
 * Transformer Engine's GroupedLinear: one GEMM launch per expert (the grouped GEMM is "implemented
 * using multi-stream + cuBLAS", Megatron-LM docs/discussions/deepseek-v3-gb200-optimization, section 1)
 * for fc1 and fc2 forward, their data and weight gradients backward (6), and in fp8 a quantization of
 * each GEMM's per-expert input forward and output gradient backward (4). The routed experts are the one
 * part CUDA graphs cannot capture ("routed experts are dynamic ... only the routed experts part still
 * has some CPU overhead", ibid., 2.3), so this work stays on the host whatever else is graphed.
 */
export function expertHostOps(shape: LayerShape, plan: TrainingPlan, fp8: boolean): number {
  const mlp = shape.mlp;
  if (mlp.kind !== 'moe') return 0;
  const perExpert = 6 + (fp8 ? 4 : 0) + (plan.recompute === 'full' ? 2 + (fp8 ? 2 : 0) : 0);
  return (mlp.experts / plan.ep) * perExpert;
}

/**
 * Host seconds per such operator: fitted (status: fitted) to the two calibration rows whose routed
 * experts run many to a GPU without CUDA graphs (Megatron-Bridge 26.02 on DGX B200: DeepSeek-V3 at
 * EP 8, 32 experts per GPU; Qwen3-235B at EP 8, 16 per GPU; both host-bound from about 55 us, the
 * geometric mean of their errors 1 at 65 us: +4% and -3%), which run 1.4-1.5x slower than the same
 * models on GB200 at EP 32-64 (4 experts per GPU, where it does not bind). Far above a bare kernel
 * launch (GPU_KERNEL_LAUNCH_S): each expert's GEMM carries TE's Python and PyTorch work around it
 * (quantizer and workspace set-up, four buffers allocated per MXFP8 quantization: "each PyTorch API
 * call introduces several microseconds of overhead on the host side", ibid., 2.1.2). That is 0.65 ms
 * of host time per fp8 expert per layer and microbatch.
 */
export const EXPERT_HOST_OP_S = 65e-6;
