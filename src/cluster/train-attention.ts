/**
 * Fused attention kernels older than the ones the kernel model times (model/attention-gpu.ts), which
 * published training runs of 2022-2023 used: FlashAttention 1 (Dao et al. 2022, flash-attn < 2.0) and
 * its Triton port (flash-attn's flash_attn_triton.py, which LLM Foundry's MPT runs as `attn_impl:
 * triton`). Both parallelize over batch x heads only and rescale the output in shared memory every key
 * block, which FlashAttention-2 removed (Dao 2023, section 3). Their time is the FlashAttention-2 kernel's
 * time at the same shape times the measured ratio of the two kernels' throughput on the same GPU, head
 * dimension, mask and sequence length (forward + backward), from the benchmark figure the
 * FlashAttention-2 release published beside its own bars.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { gpuStackOf } from '../model/gpu-stack.js';
import type { AttentionImplementation } from '../model/kernels.js';

export const LEGACY_ATTENTION_KERNELS = ['flash1', 'flash-triton'] as const;
export type LegacyAttention = (typeof LEGACY_ATTENTION_KERNELS)[number];
/** A training step's attention kernel: one the kernel model times, or an older one timed against FlashAttention-2. */
export type TrainingAttention = AttentionImplementation | LegacyAttention;
export const TRAINING_ATTENTION_KERNELS: readonly TrainingAttention[] = [
  'flash2',
  'flash3',
  'cudnn',
  'unfused',
  ...LEGACY_ATTENTION_KERNELS,
];

export const isLegacyAttention = (k: TrainingAttention): k is LegacyAttention =>
  (LEGACY_ATTENTION_KERNELS as readonly string[]).includes(k);

/** [sequence length, the older kernel's TFLOP/s, FlashAttention-2's TFLOP/s], forward + backward. */
type Points = readonly (readonly [number, number, number])[];
/** Per head dimension (64, 128) and mask. */
interface Panels {
  readonly hd64: Points;
  readonly hd128: Points;
  readonly hd64Causal: Points;
  readonly hd128Causal: Points;
}

/**
 * Bar labels of "Attention forward + backward speed", Dao-AILab/flash-attention
 * assets/flash2_a100_fwd_bwd_benchmark.png and flash2_h100_fwd_bwd_benchmark.png (the FlashAttention-2
 * README and paper, Figure 4; batch x heads x sequence fixed at 16k x 2048 / head dim): FlashAttention,
 * FlashAttention Triton and FlashAttention-2 at sequence lengths 512 to 16k (published measurements).
 * Points whose FlashAttention-2 label the legend hides (A100, head dim 128 without mask, 512 and 1k)
 * are left out.
 */
const A100_FLASH1: Panels = {
  hd64: [
    [512, 91, 132],
    [1024, 92, 153],
    [2048, 104, 162],
    [4096, 108, 171],
    [8192, 110, 175],
    [16384, 110, 176],
  ],
  hd128: [
    [2048, 76, 187],
    [4096, 80, 196],
    [8192, 82, 201],
    [16384, 83, 203],
  ],
  hd64Causal: [
    [512, 58, 88],
    [1024, 70, 119],
    [2048, 77, 140],
    [4096, 87, 156],
    [8192, 92, 165],
    [16384, 97, 171],
  ],
  hd128Causal: [
    [512, 55, 99],
    [1024, 62, 133],
    [2048, 69, 155],
    [4096, 76, 173],
    [8192, 80, 182],
    [16384, 83, 189],
  ],
};
const A100_TRITON: Panels = {
  hd64: [
    [512, 90, 132],
    [1024, 102, 153],
    [2048, 98, 162],
    [4096, 98, 171],
    [8192, 100, 175],
    [16384, 100, 176],
  ],
  hd128: [
    [2048, 90, 187],
    [4096, 93, 196],
    [8192, 95, 201],
    [16384, 95, 203],
  ],
  hd64Causal: [
    [512, 59, 88],
    [1024, 75, 119],
    [2048, 79, 140],
    [4096, 76, 156],
    [8192, 79, 165],
    [16384, 80, 171],
  ],
  hd128Causal: [
    [512, 50, 99],
    [1024, 61, 133],
    [2048, 68, 155],
    [4096, 74, 173],
    [8192, 78, 182],
    [16384, 80, 189],
  ],
};
const H100_FLASH1: Panels = {
  hd64: [
    [512, 157, 215],
    [1024, 159, 254],
    [2048, 161, 274],
    [4096, 161, 288],
    [8192, 166, 294],
    [16384, 168, 296],
  ],
  hd128: [
    [512, 127, 248],
    [1024, 127, 294],
    [2048, 128, 320],
    [4096, 131, 326],
    [8192, 137, 335],
    [16384, 139, 338],
  ],
  hd64Causal: [
    [512, 104, 141],
    [1024, 123, 192],
    [2048, 136, 232],
    [4096, 138, 257],
    [8192, 149, 273],
    [16384, 156, 284],
  ],
  hd128Causal: [
    [512, 98, 163],
    [1024, 109, 221],
    [2048, 108, 265],
    [4096, 126, 294],
    [8192, 135, 308],
    [16384, 137, 328],
  ],
};

/**
 * Measured panels per GPU generation. The H100 figure has no Triton bars: the Triton port takes
 * FlashAttention 1's (flash_attn_triton.py's docstring: "Triton forward + backward is slightly slower than
 * CUDA forward + backward", tested on A100 only; an estimate on Hopper). Generations after Hopper take
 * Hopper's, those before it Ampere's.
 */
function panelsOf(chip: ChipSpec, kernel: LegacyAttention): Panels {
  const family = gpuStackOf(chip).family;
  if (family === 'hopper' || family === 'blackwell') return H100_FLASH1;
  return kernel === 'flash1' ? A100_FLASH1 : A100_TRITON;
}

/**
 * FlashAttention-2's throughput over the older kernel's at `seq`: linear in log2(seq) between points, the end points
 * beyond.
 */
function ratioAt(points: Points, seq: number): number {
  const ratio = (p: readonly [number, number, number]): number => p[2] / p[1];
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (seq <= first[0]) return ratio(first);
  if (seq >= last[0]) return ratio(last);
  const i = points.findIndex((p) => p[0] >= seq);
  const lo = points[i - 1]!;
  const hi = points[i]!;
  const t = Math.log2(seq / lo[0]) / Math.log2(hi[0] / lo[0]);
  return ratio(lo) + t * (ratio(hi) - ratio(lo));
}

/**
 * How many times longer the older kernel takes than FlashAttention-2 for one attention core of `seq`
 * keys per query block, head dimension `headDim` (the measured panel of the nearer of 64 and 128).
 */
export function legacyAttentionSlowdown(
  chip: ChipSpec,
  kernel: LegacyAttention,
  headDim: number,
  causal: boolean,
  seq: number,
): number {
  const panels = panelsOf(chip, kernel);
  const wide = Math.abs(Math.log2(headDim / 128)) <= Math.abs(Math.log2(headDim / 64));
  const points = wide ? (causal ? panels.hd128Causal : panels.hd128) : causal ? panels.hd64Causal : panels.hd64;
  return ratioAt(points, seq);
}
