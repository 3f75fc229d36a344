/**
 * The attention core as kernels: which one runs (`AttentionImplementation`, a default per chip) and its
 * forward and backward time. Fused GPU kernels are modelled in attention-gpu.ts, the TPU compiler's
 * (Pallas splash attention: matmuls on the MXUs, softmax on the vector unit, one after the other) in
 * attention-tpu.ts; the unfused path writes the scores to memory and masks and softmaxes them in separate kernels.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { TpusimError } from '../core/errors.js';
import type { Gemm } from '../graph/ops/op.js';
import { fusedSdpaSeconds } from './attention-gaudi.js';
import {
  fusedBackwardSeconds,
  fusedForwardSeconds,
  type AttentionTile,
  type FusedAttentionSpec,
} from './attention-gpu.js';
import { xlaAttentionSeconds } from './attention-tpu.js';
import type { AttentionImplementation, AttentionKernel, AttentionTime } from './attention-types.js';
import { chipContext } from './estimate.js';
import { GPU_KERNEL_LAUNCH_S, type GpuContext } from './gpu.js';
import { gpuStackOf } from './gpu-stack.js';
import { kcite } from './kernel-sources.js';
import { gemmSeconds, streamSeconds } from './gemm.js';

const tile = (br: number, bc: number, blocksPerSm = 1): AttentionTile => ({ br, bc, blocksPerSm });

/**
 * Fused GPU kernels; cuDNN follows FlashAttention-3's design on chips with wgmma/tcgen05 and FlashAttention-2's before.
 */
const FLASH2: FusedAttentionSpec = {
  forwardTile: (d) => tile(128, d <= 64 ? 128 : 64, d <= 128 ? 2 : 1),
  backwardTile: (d) => (d <= 64 ? tile(128, 128) : tile(64, 128)),
  asyncMma: false,
  schedule: 'barriered',
  citations: {
    forwardTile: kcite(
      'faRepo',
      'flash_fwd_launch_template.h: hdim64 128 x 128, hdim128 128 x 64, 4 warps (sm80 and sm90)',
      'published',
      'two blocks per SM up to head dim 128 (64 KiB of shared memory, 128 registers per thread)',
    ),
    backwardTile: kcite(
      'faRepo',
      'flash_bwd_launch_template.h: hdim64 128 x 128, hdim128 64 x 128, 8 warps',
      'published',
    ),
    asyncMma: kcite('shah2024', 'section 1: FlashAttention-2 uses mma.sync, reaching 35% of H100 peak', 'published'),
    schedule: kcite(
      'shah2024',
      'section 3.1: in FlashAttention-2 the softmax of a tile waits for its first matmul and the second for the ' +
        'softmax',
      'published',
      'the backward separates its stages by barriers (Dao 2023, Algorithm 2); dQ by atomic adds after each tile',
    ),
  },
};

const FLASH3: FusedAttentionSpec = {
  forwardTile: (d, causal) =>
    d <= 64
      ? tile(192, causal ? 128 : 192)
      : d <= 96
        ? tile(192, 144)
        : d <= 128
          ? tile(128, causal ? 128 : 176)
          : d <= 192
            ? tile(128, 112)
            : tile(128, 80),
  backwardTile: (d) => (d <= 64 ? tile(128, 128) : d <= 128 ? tile(64, 128) : tile(64, 80)),
  asyncMma: true,
  schedule: 'warp-specialized',
  citations: {
    forwardTile: kcite('faRepo', 'hopper/tile_size.h, tile_size_fwd_sm90 (16-bit)', 'published'),
    backwardTile: kcite(
      'faRepo',
      'hopper/flash_bwd_launch_template.h: hdim64 128 x 128, hdim128 64 x 128',
      'published',
    ),
    asyncMma: kcite('shah2024', 'section 3: wgmma and TMA, producer/consumer warp specialization', 'published'),
    schedule: kcite(
      'shah2024',
      'sections 3.1-3.2: ping-pong scheduling of two warpgroups and intra-warpgroup pipelining hide the softmax ' +
        'under the matmuls (forward); the backward writes dQ by TMA reductions from a separate warp',
      'published',
      'the backward softmax gradient taken as serial with its matmuls: Figure 6 (H100 SXM5, head dim 128, ' +
        '2k-16k) measures FlashAttention-3 backward at 501-561 and cuDNN at 465-518 TFLOPS, 0.80-0.87 of their ' +
        'forward',
    ),
  },
};

const CUDNN_ASYNC: FusedAttentionSpec = {
  ...FLASH3,
  forwardTile: () => tile(128, 128),
  backwardTile: () => tile(64, 128),
  citations: {
    ...FLASH3.citations,
    forwardTile: kcite('cudnnDocs', 'sm90 fused flash attention', 'estimate', 'tiles not published: 128 x 128 assumed'),
    backwardTile: kcite(
      'cudnnDocs',
      'sm90 fused flash attention backward',
      'estimate',
      'tiles not published: 64 x 128 assumed',
    ),
  },
};

function fusedSpec(implementation: AttentionImplementation, ctx: GpuContext): FusedAttentionSpec {
  if (implementation === 'flash3') return FLASH3;
  if (implementation === 'cudnn') return ctx.stack.asyncMma ? CUDNN_ASYNC : FLASH2;
  return FLASH2;
}

/**
 * The attention kernel a chip runs unless told otherwise: cuDNN on Hopper and Blackwell, FlashAttention-2 on Ampere and
 * AMD, FusedSDPA on Gaudi, XLA's on TPUs.
 */
export function defaultAttentionKernel(chip: ChipSpec): AttentionImplementation {
  return attentionKernelsOf(chip)[0]!;
}

/** Kernels that exist on a chip, its default first. */
export function attentionKernelsOf(chip: ChipSpec): readonly AttentionImplementation[] {
  const tensorCores = chip.cores.some((c) => c.matrixUnits.some((u) => u.kind === 'tensor-core'));
  return tensorCores ? gpuStackOf(chip).attention : ['xla', 'unfused'];
}

/** Causal blocks of `block` x `block` above the diagonal are skipped: the share of score elements computed. */
function causalShare(seqQ: number, seqK: number, block: number): number {
  const blocks = Math.ceil(seqQ / block);
  const keyBlocks = Math.ceil(seqK / block);
  const offset = Math.ceil((seqK - seqQ) / block);
  let tiles = 0;
  for (let i = 0; i < blocks; i++) tiles += Math.min(keyBlocks, offset + i + 1);
  return tiles / (blocks * keyBlocks);
}

/**
 * Share of the sustained memory bandwidth PyTorch's softmax kernels reach on attention-sized rows: one
 * thread block per row with the row staged in shared memory (cunn_SoftMaxForwardSmem and its backward)
 * limits how many rows are in flight. Estimate fitted to three calibration rows (FlashAttention-2 paper
 * Figure 4, A100 and H100, and FlashAttention-3 paper Figure 5 unfused baselines).
 */
export const UNFUSED_SOFTMAX_BANDWIDTH_SHARE = 0.5;

/**
 * Unfused (PyTorch's reference attention): the scores GEMM writes S, a causal mask is added (read and
 * write S), softmax reads S and writes P, the context GEMM reads P; causal work is not skipped.
 * Backward: four GEMMs (dP, dV, dQ, dK) and softmax's backward (reads P and dP, writes dS); the mask's
 * gradient passes through.
 */
function unfusedTime(chip: ChipSpec, dtype: string, a: AttentionKernel): { forwardS: number; backwardS: number } {
  const heads = a.batch * a.heads;
  const g = (m: number, n: number, k: number): number =>
    gemmSeconds(chip, dtype, { batch: heads, m, n, k, weightsAreParameters: false } satisfies Gemm);
  const values = heads * a.seqQ * a.seqK;
  const ctx = chipContext(chip, dtype);
  const launch = ctx.gpu ? GPU_KERNEL_LAUNCH_S : 0;
  const pass = (tensors: number, share: number): number =>
    streamSeconds(chip, dtype, (tensors * values * ctx.elementBytes) / share, values * 4) + launch;
  const mask = a.causal ? pass(3, 1) : 0;
  const forwardS =
    g(a.seqQ, a.seqK, a.qkDim) + mask + pass(2, UNFUSED_SOFTMAX_BANDWIDTH_SHARE) + g(a.seqQ, a.valueDim, a.seqK);
  const backwardS =
    g(a.seqQ, a.seqK, a.valueDim) +
    g(a.seqK, a.valueDim, a.seqQ) +
    pass(3, UNFUSED_SOFTMAX_BANDWIDTH_SHARE) +
    g(a.seqQ, a.qkDim, a.seqK) +
    g(a.seqK, a.qkDim, a.seqQ);
  return { forwardS, backwardS };
}

/** HBM floor of a fused kernel: Q, K, V and O once forward; backward also dO, dQ, dK and dV. */
function hbmSeconds(ctx: GpuContext, a: AttentionKernel, backward: boolean): number {
  const heads = a.batch * a.heads;
  const bytes = heads * (a.seqQ + a.seqK) * (a.qkDim + a.valueDim) * ctx.elementBytes * (backward ? 2 : 1);
  return bytes / (ctx.hbmBytesPerCycle * ctx.chip.clockHz);
}

/**
 * The kernel asked for: `implementation`, else the older flag (true meant FlashAttention-2 where it runs),
 * else the chip's default; a kernel the chip's stack replaces (flash-attn on Gaudi) becomes its substitute.
 */
function resolve(
  a: AttentionKernel,
  available: readonly AttentionImplementation[],
  substitutes: Partial<Record<AttentionImplementation, AttentionImplementation>> = {},
): AttentionImplementation {
  const asked =
    a.implementation ??
    (a.fused === false ? 'unfused' : a.fused === true && available.includes('flash2') ? 'flash2' : available[0]!);
  return substitutes[asked] ?? asked;
}

/** Seconds of a memory-bound pass on a GPU: `bytes` at the sustained bandwidth, `ops` on the CUDA cores. */
function gpuStreamSeconds(ctx: GpuContext, bytes: number, ops: number): number {
  return Math.max(bytes / ctx.hbmBytesPerCycle, ops / ctx.vectorOpsPerCycle) / ctx.chip.clockHz;
}

/**
 * Attention core forward and backward of `a` on `chip`, with the kernel `a.implementation` (default:
 * `defaultAttentionKernel(chip)`). A kernel that does not exist on the chip (FlashAttention-3 off Hopper,
 * a GPU kernel on a TPU) is an error with the kernels that do.
 */
export function attentionSeconds(chip: ChipSpec, dtype: string, a: AttentionKernel): AttentionTime {
  const gpu = chipContext(chip, dtype).gpu;
  const available = gpu ? gpu.stack.attention : attentionKernelsOf(chip);
  const implementation = resolve(a, available, gpu?.stack.substitutes);
  if (implementation === 'unfused') return { ...unfusedTime(chip, dtype, a), implementation };
  if (!available.includes(implementation))
    throw new TpusimError(
      'unsupported',
      `${implementation} attention does not run on ${chip.name} (kernels there: ${available.join(', ')})`,
    );
  if (!gpu)
    return {
      forwardS: xlaAttentionSeconds(chip, dtype, a, false),
      backwardS: xlaAttentionSeconds(chip, dtype, a, true),
      implementation,
    };
  if (implementation === 'fused-sdpa')
    return {
      ...fusedSdpaSeconds(gpu, a, a.causal ? causalShare(a.seqQ, a.seqK, gpu.tiling.tileM) : 1),
      implementation,
    };
  const spec = fusedSpec(implementation, gpu);
  const heads = a.batch * a.heads;
  const e = gpu.elementBytes;
  const forwardS = Math.max(fusedForwardSeconds(gpu, spec, a), hbmSeconds(gpu, a, false)) + GPU_KERNEL_LAUNCH_S;
  // Before the main kernel, D = rowsum(dO * O) reads O and dO; after it, dQ's fp32 sums are converted.
  const pre = gpuStreamSeconds(gpu, 2 * heads * a.seqQ * a.valueDim * e, heads * a.seqQ * a.valueDim);
  const post = gpuStreamSeconds(gpu, heads * a.seqQ * a.qkDim * (4 + e), heads * a.seqQ * a.qkDim);
  const backwardS =
    Math.max(fusedBackwardSeconds(gpu, spec, a), hbmSeconds(gpu, a, true)) + pre + post + 3 * GPU_KERNEL_LAUNCH_S;
  return { forwardS, backwardS, implementation };
}
