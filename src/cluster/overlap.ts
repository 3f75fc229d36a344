/**
 * How communication overlaps computation in a training step, with the limits that decide how much of
 * it hides: one communication stream per process group, how far ahead parameters are prefetched, and
 * the compute a GPU loses to the communication kernels that run beside it. Which collectives overlap
 * is the framework's choice (cluster/stacks.ts); docs/cluster.md, "Overlap", states the model.
 *
 * - Data-parallel gradient reduction (ZeRO 0-2): bucketed during the backward pass of the last
 *   microbatch (PyTorch DDP buckets; Megatron-LM `--overlap-grad-reduce`; XLA async collectives);
 *   the last bucket cannot hide.
 * - Parameter all-gather after the optimizer (ZeRO-1/2, Megatron's distributed optimizer): hidden
 *   behind the next forward pass where the stack overlaps it (`--overlap-param-gather`, XLA), else exposed.
 * - ZeRO-3 / FSDP: each layer's parameters gathered before its forward and again before its backward,
 *   gradients reduce-scattered after its backward, on ONE stream: in the backward pass a layer's
 *   gather and the next layer's reduce-scatter queue behind each other (Zhao et al. 2023, "PyTorch
 *   FSDP", VLDB, section 3.3.2: backward prefetching issues the next all-gather before the current
 *   reduce-scatter because both share a single NCCL stream); one layer of prefetch; the first gather
 *   and the last reduce-scatter of each microbatch are exposed. Where the stack issues the gather
 *   after the layer's gradients (FSDP's BACKWARD_POST, Composer's default), it waits alone
 *   (train-dp.ts).
 * - The SMs NCCL holds while it runs: 16 for rings over a node's NICs, 24 inside one NVSwitch node.
 * - Tensor-parallel collectives: exposed in Megatron-LM and PyTorch stacks unless communication
 *   overlap is on (Transformer Engine userbuffers); on TPUs XLA decomposes them into collective
 *   matmuls that hide behind the GEMMs (Wang et al. 2023, "Overlap Communication with Dependent
 *   Computation via Decomposition in Large Deep Learning Models", ASPLOS), exposing one step of tp.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { coreCount } from '../arch/derive.js';
import type { Citation } from '../arch/chip-spec.js';
import type { SystemSpec } from './types.js';

/**
 * SMs NCCL's kernels hold while a collective runs (its CTAs do not share an SM with compute kernels):
 * 16 on a DGX with 8 NICs. NVIDIA/nccl issue #689, S. Jeaugey (NCCL lead): "If you are on DGX with 8
 * NICs and a top speed of 190 GB/s, then it would use 16 SMs"; "NCCL CTAs won't share an SM with
 * compute kernels".
 */
export const NCCL_NETWORK_SMS = 16;
export const NCCL_NETWORK_SMS_CITATION: Citation = {
  source: 'NVIDIA/nccl issue #689',
  where: 'S. Jeaugey, 2023: DGX with 8 NICs uses 16 SMs; NCCL CTAs do not share an SM with compute',
  status: 'published',
};

/**
 * SMs NCCL's kernels hold for a collective inside one NVSwitch domain: one thread block per channel,
 * and NCCL opens 24 channels there (init logs published in NVIDIA/nccl issue #1259, 8 H100 on NVSwitch:
 * "24 coll channels"; NVIDIA/nccl-tests issue #100, HGX A100: "Channel 23/24"): the NVLink ports allow
 * more channels than a node's eight NICs, whose rings run 16.
 */
export const NCCL_NVLINK_SMS = 24;
export const NCCL_NVLINK_SMS_CITATION: Citation = {
  source: 'NVIDIA/nccl issue #1259; NVIDIA/nccl-tests issue #100',
  where:
    'NCCL init logs: 8 x H100 on NVSwitch "24 coll channels, 0 collnet channels, 16 nvls channels"; HGX A100 ' +
    'rings "Channel 23/24"',
  status: 'published',
};

/**
 * SMs NCCL holds for a collective over `ranks` chips `stride` apart: 24 inside one NVLink switch domain, 16 once it
 * crosses the network.
 */
export function collectiveSms(system: SystemSpec, ranks: number, stride: number): number {
  const tier = system.tiers[0]!;
  return tier.transport === 'nvlink' && ranks * stride <= tier.domainChips ? NCCL_NVLINK_SMS : NCCL_NETWORK_SMS;
}

/**
 * The share of compute a chip loses while a collective overlaps it: NCCL's SMs (`sms`, default the
 * network rings' 16) on GPU-style chips; none on TPU-style chips, whose ICI and DCN transfers run on
 * DMA engines beside the cores.
 */
export function overlapComputeLoss(chip: ChipSpec, sms = NCCL_NETWORK_SMS): number {
  const unit = chip.cores[0]!.matrixUnits[0]!;
  if (unit.kind !== 'tensor-core') return 0;
  return Math.min(0.5, sms / coreCount(chip));
}

/**
 * Time of `computeS` of work with `commS` of communication beside it on a chip that loses `loss` of
 * its compute while communicating: the communication that does not fit under the compute is exposed,
 * and the compute it overlaps runs slower.
 */
export function overlapped(
  computeS: number,
  commS: number,
  loss: number,
): { readonly totalS: number; readonly exposedS: number } {
  const covered = Math.min(commS, computeS / (1 - loss));
  // While `covered` seconds of communication run, compute proceeds at (1 - loss).
  const computeDone = covered * (1 - loss);
  const totalS = covered + (computeS - computeDone) + (commS - covered);
  return { totalS, exposedS: totalS - computeS };
}
