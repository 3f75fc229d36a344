/**
 * What the vendor kernel libraries do on each GPU generation, where it decides kernel time: the operand
 * alignment the GEMM library's fast kernels need, what a misaligned GEMM falls back to, the rate of the
 * special-function units a softmax's exponentials run on, and which attention kernels exist there.
 * Chip files describe silicon; this table describes the software that runs on it (cuBLAS, CUTLASS,
 * FlashAttention, cuDNN, hipBLASLt; Habana's libraries on Gaudi), found from the chip's name (a chip of no known family
 * gets the
 * generic stack, with no fallback penalties and FlashAttention-2-style attention).
 */
import type { ChipSpec, Citation } from '../arch/chip-spec.js';
import type { AttentionImplementation } from './attention-types.js';
import { GEMM_TILE, type GemmTileEntry, type GemmTileSchedule } from './gpu-tile.js';
import { kcite } from './kernel-sources.js';

export type GpuFamily = 'volta' | 'ampere' | 'ada' | 'hopper' | 'blackwell' | 'cdna3' | 'gaudi' | 'generic';

export interface GpuKernelStack {
  readonly family: GpuFamily;
  /** Leading dimensions (bytes) the GEMM library's fast kernels need: a multiple of this, or a fallback kernel. */
  readonly alignmentBytes: number;
  /**
   * The fast kernels load operands with TMA and multiply with the asynchronous MMA (wgmma, tcgen05); a
   * misaligned operand, or a kernel written for the previous generation (FlashAttention-2), runs the
   * warp-level mma.sync instead, at `legacyMmaFraction` of the tensor peak.
   */
  readonly asyncMma: boolean;
  readonly legacyMmaFraction: number;
  /**
   * Operands whose rows allow only accesses narrower than this (bytes) are multiplied on the CUDA cores
   * (two packed fp16 FMAs per lane per clock) instead of the tensor cores (0: never). cuBLAS before
   * 11.0, which Volta-era benchmarks ran, did so for odd fp16 dimensions.
   */
  readonly cudaCoresBelowBytes: number;
  /**
   * fp8 GEMMs without fast accumulation add the tensor cores' partial sums into fp32 registers on the
   * CUDA cores every this many elements of K (0: the tensor cores accumulate at full precision); the
   * share of those adds not hidden under the other warpgroup's MMAs is `fp8PromotionExposed`.
   */
  readonly fp8PromotionK: number;
  readonly fp8PromotionExposed: number;
  /** exp2 results per SM per cycle (special-function units), what a softmax's exponentials run at. */
  readonly sfuPerSmPerCycle: number;
  /** Attention kernels that run here, the default first. */
  readonly attention: readonly AttentionImplementation[];
  /** What runs here when a framework asks for a kernel that does not (Gaudi's FusedSDPA for flash-attn and cuDNN). */
  readonly substitutes?: Readonly<Partial<Record<AttentionImplementation, AttentionImplementation>>>;
  /** How the GEMM library's kernels begin and end an output tile (gpu-tile.ts). */
  readonly gemmTile: GemmTileSchedule;
  readonly citations: Readonly<Record<string, Citation>>;
}

const ALIGNMENT = kcite(
  'dlPerfGemm',
  'Table 1: cuBLAS >= 11.0 uses Tensor Cores for any size, most efficient with dimensions multiples of 16 bytes',
  'published',
  'cuBLAS documentation: pointers and leading dimensions multiples of 16 bytes for the Tensor Core fast path',
);
const SFU = kcite('cudaGuide', 'throughput table: 16 exp2 results per clock per SM', 'published');
const TMA = kcite(
  'cudaDriverTma',
  'cuTensorMapEncodeTiled: global strides multiples of 16 bytes',
  'published',
  'a misaligned operand cannot be loaded by TMA, so the wgmma/TMA kernels are out (cuBLAS runs sm80-class kernels)',
);
const MMA_SYNC_HOPPER = kcite(
  'shah2024',
  'section 2.2: mma.sync reaches about 2/3 of H100 peak tensor throughput (citing Luo et al. 2024)',
  'published',
);

/**
 * What most generations share: 16-byte operands, no asynchronous MMA (mma.sync at the full rate), no CUDA-core
 * fallback, no fp8 promotion, 16 exp2 per SM per clock.
 */
const SHARED = {
  alignmentBytes: 16,
  asyncMma: false,
  legacyMmaFraction: 1,
  cudaCoresBelowBytes: 0,
  fp8PromotionK: 0,
  fp8PromotionExposed: 0,
  sfuPerSmPerCycle: 16,
} as const;

type StackParams = Partial<Omit<GpuKernelStack, 'family' | 'gemmTile'>> &
  Pick<GpuKernelStack, 'attention' | 'citations'> & { readonly tile?: GemmTileEntry };

/**
 * A family's stack: `SHARED` with what differs on it, its GEMM tile schedule (one block per tile unless given) and the
 * citations of both.
 */
function stack(family: GpuFamily, { tile = GEMM_TILE.perTile, ...own }: StackParams): GpuKernelStack {
  return { family, ...SHARED, ...own, gemmTile: tile.schedule, citations: { ...tile.citations, ...own.citations } };
}

const STACKS: Readonly<Record<GpuFamily, GpuKernelStack>> = {
  volta: stack('volta', {
    cudaCoresBelowBytes: 4,
    attention: ['unfused'],
    citations: {
      alignmentBytes: ALIGNMENT,
      cudaCoresBelowBytes: kcite(
        'dlPerfGemm',
        'Table 1: cuBLAS < 11.0 uses Tensor Cores only when fp16 dimensions are multiples of 8',
        'published',
        'DeepBench (V100) runs dimensions that are multiples of 2 or 4 on the tensor cores (5124 x 9124 x 1760 ' +
          'at 94 TFLOP/s, a calibration row), so only odd ones (2-byte rows) are taken to the CUDA cores',
      ),
      sfuPerSmPerCycle: SFU,
      attention: kcite(
        'faRepo',
        'README: FlashAttention-2 supports Ampere, Ada, Hopper',
        'published',
        'no fused flash kernel on Volta: PyTorch runs the math path',
      ),
    },
  }),
  ampere: stack('ampere', {
    attention: ['flash2', 'cudnn', 'unfused'],
    citations: {
      alignmentBytes: ALIGNMENT,
      sfuPerSmPerCycle: SFU,
      attention: kcite(
        'dao2023',
        'A100 benchmarks',
        'published',
        'FlashAttention-2 is the usual kernel on A100 (PyTorch SDPA, Megatron)',
      ),
    },
  }),
  ada: stack('ada', {
    attention: ['flash2', 'cudnn', 'unfused'],
    citations: { alignmentBytes: ALIGNMENT, sfuPerSmPerCycle: SFU },
  }),
  hopper: stack('hopper', {
    asyncMma: true,
    tile: GEMM_TILE.hopper,
    legacyMmaFraction: 2 / 3,
    fp8PromotionK: 128,
    fp8PromotionExposed: 0.5,
    attention: ['cudnn', 'flash3', 'flash2', 'unfused'],
    citations: {
      alignmentBytes: TMA,
      legacyMmaFraction: MMA_SYNC_HOPPER,
      fp8PromotionK: kcite(
        'deepseekV3',
        'section 3.3.2: promotion to CUDA cores at an interval of 128 elements (4 WGMMAs)',
        'published',
        'cuBLASLt does the same unless fast accumulation is asked for (CUBLASLT_MATMUL_DESC_FAST_ACCUM, default off)',
      ),
      fp8PromotionExposed: kcite(
        'tpusimMeasured',
        'data/gpu-measured/h100-sxm.json and h200.json: fp8 GEMMs (torch._scaled_mm, split accumulation) reach ' +
          '0.90 of the bf16 efficiency of the same shape on the same board (median of 10 pairs, 0.70-1.0)',
        'estimate',
        'half of the promotion adds exposed gives 0.89 on a 128 x 256 tile; DeepSeek-V3 says the other warpgroup ' +
          'overlaps them',
      ),
      sfuPerSmPerCycle: kcite(
        'shah2024',
        'section 3.3: H100 SXM5 has 989 TFLOPS of fp16 matmul but 3.9 TFLOPS of special functions',
        'published',
        '3.9e12 / (132 SMs x 1.83 GHz) = 16 per SM per clock',
      ),
      attention: kcite(
        'teDocs',
        'attention backends: cuDNN fused attention is the default on Hopper',
        'published',
        'FlashAttention-3 alike; FlashAttention-2 (PyTorch SDPA) where named',
      ),
    },
  }),
  blackwell: stack('blackwell', {
    asyncMma: true,
    tile: GEMM_TILE.blackwell,
    legacyMmaFraction: 0.5,
    attention: ['cudnn', 'flash2', 'unfused'],
    citations: {
      alignmentBytes: TMA,
      legacyMmaFraction: kcite(
        'tpusim',
        '',
        'estimate',
        'tcgen05 doubles the per-SM tensor rate over Hopper while mma.sync is assumed to stay at the Hopper ' +
          'per-SM rate: about half of the B200 peak',
      ),
      sfuPerSmPerCycle: kcite(
        'cudaGuide',
        'throughput table, compute capability 10.0',
        'estimate',
        'assumed unchanged from Hopper (B300 doubles it)',
      ),
      attention: kcite('cudnnDocs', 'sm100 fused attention', 'published', 'FlashAttention-3 is Hopper-only'),
    },
  }),
  cdna3: stack('cdna3', {
    attention: ['flash2', 'unfused'],
    citations: {
      alignmentBytes: kcite(
        'tpusim',
        '',
        'estimate',
        'hipBLASLt loads operands with 16-byte buffer loads, as cuBLAS does',
      ),
      sfuPerSmPerCycle: kcite('tpusim', '', 'estimate', 'v_exp_f32 at a quarter of the 64 lanes of a CU per clock'),
      attention: kcite('faRepo', 'ROCm backend (composable_kernel) of FlashAttention-2', 'published'),
    },
  }),
  gaudi: stack('gaudi', {
    tile: GEMM_TILE.engine,
    attention: ['fused-sdpa', 'unfused'],
    substitutes: { flash2: 'fused-sdpa', flash3: 'fused-sdpa', cudnn: 'fused-sdpa' },
    citations: {
      alignmentBytes: kcite(
        'tpusim',
        '',
        'estimate',
        'as GPUs; the MME reads operands through its own address generators',
      ),
      fp8PromotionK: kcite(
        'tpusim',
        '',
        'estimate',
        "no promotion step: the MME accumulates in fp32, and Bekman's MAMF table measures Gaudi 2 fp8 at 95.5% " +
          'of its peak',
      ),
      sfuPerSmPerCycle: kcite('tpusim', '', 'estimate', 'unused: the TPCs run softmax (attention-gaudi.ts)'),
      attention: kcite('habanaFusedSdpa', 'FusedSDPA: the fused attention op of Intel Gaudi', 'published'),
      substitutes: kcite(
        'habanaMegatronDeepSpeed',
        'transformer.py: HabanaFlashSelfAttention (FusedSDPA) where CUDA builds run flash-attn',
        'published',
        'optimum-habana likewise maps use_flash_attention to FusedSDPA',
      ),
    },
  }),
  generic: stack('generic', {
    attention: ['flash2', 'unfused'],
    citations: { alignmentBytes: ALIGNMENT, sfuPerSmPerCycle: kcite('tpusim', '', 'estimate', 'as NVIDIA GPUs') },
  }),
};

/** Chip name prefixes of each family, most specific first (presets and their variants, e.g. h100-pcie). */
const FAMILY_BY_NAME: readonly (readonly [RegExp, GpuFamily])[] = [
  [/^v100/, 'volta'],
  [/^a100|^a10g|^a800/, 'ampere'],
  [/^l40|^l4$|^rtx-?40/, 'ada'],
  [/^h100|^h200|^h800|^h20$|^gh200/, 'hopper'],
  [/^b100|^b200|^b300|^gb200|^gb300/, 'blackwell'],
  [/^mi300|^mi325/, 'cdna3'],
  [/^gaudi/, 'gaudi'],
];

export function gpuStackOf(chip: ChipSpec): GpuKernelStack {
  const family = FAMILY_BY_NAME.find(([re]) => re.test(chip.name))?.[1] ?? 'generic';
  return STACKS[family];
}
