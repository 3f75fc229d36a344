/**
 * Whole-chip times of the pieces other layers are made of (the cluster model times transformer layers
 * from these): a GEMM over all of a chip's matrix units and cores, the work an fp8 training recipe adds
 * around a GEMM, and a pass of element-wise work bounded by off-chip memory or the vector units.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { coreCount, vectorOpsPerS } from '../arch/derive.js';
import type { Gemm } from '../graph/ops/op.js';
import { chipContext } from './estimate.js';
import { kcite } from './kernel-sources.js';
import { GPU_KERNEL_LAUNCH_S, gpuGemm } from './gpu.js';
import { gemmTime } from './layers.js';

/**
 * How an fp8 GEMM's operands become fp8 (ignored unless the dtype is an fp8 format):
 * - `prequantized`: they already are (serving with fp8 weights, activations quantized in the previous
 *   kernel's epilogue): the GEMM alone.
 * - `transformer-engine`: training with NVIDIA Transformer Engine's per-tensor (delayed) scaling: the
 *   bf16 inputs of each GEMM are cast to fp8 by separate kernels that also take their amax and write
 *   the transposed fp8 copy the backward GEMMs need (see `fp8CastSeconds`).
 * - `current-scaling`: per-tensor scales from the tensor being cast (Transformer Engine's
 *   Float8CurrentScaling, torchao's tensorwise dynamic scaling as torchtitan runs it): the same casts,
 *   each after a pass that reads the bf16 tensor for its amax, as the scale must be known before the
 *   first element is cast.
 */
export type Fp8Recipe = 'prequantized' | 'transformer-engine' | 'current-scaling';

/** Recipes that cast bf16 operands to fp8 around the GEMMs (every one but `prequantized`). */
const castsOperands = (recipe: Fp8Recipe | undefined): boolean =>
  recipe === 'transformer-engine' || recipe === 'current-scaling';

/**
 * Which GEMM of a linear layer this is, for what Transformer Engine casts before it:
 * - `forward` (Y = X W^T; gemm m x k is X, k x n the weight): X cast to fp8 with its transpose, and the
 *   weight likewise when `weightsAreParameters`;
 * - `dgrad` (dX = dY W; gemm m x k is dY): dY cast to fp8 (e5m2) with its transpose; W's fp8 copy comes
 *   from the forward;
 * - `wgrad` (dW = X^T dY): both operands are copies made before: nothing added.
 */
export type Fp8Role = 'forward' | 'dgrad' | 'wgrad';

export interface GemmOptions {
  /** Default 'prequantized'. */
  readonly fp8Recipe?: Fp8Recipe;
  /** Default 'forward'. */
  readonly fp8Role?: Fp8Role;
  /**
   * fp8 partial sums kept in the tensor cores (cuBLASLt FAST_ACCUM, CUTLASS's FP8FastAccum schedules, as
   * vLLM's and TensorRT-LLM's fp8 GEMMs run) rather than promoted to fp32 on the CUDA cores (cuBLAS's and
   * torch._scaled_mm's default). Default: true for Transformer Engine's forward GEMMs, false otherwise.
   */
  readonly fp8FastAccumulation?: boolean;
}

export const FP8_CITATIONS = {
  accumulation: kcite(
    'teSource',
    'module/base.py: _2X_ACC_FPROP = False, _2X_ACC_DGRAD = True, _2X_ACC_WGRAD = True',
    'published',
    'forward GEMMs with fast accumulation, backward ones promote partial sums (gpu-stack.ts, fp8PromotionK)',
  ),
  castTranspose: kcite(
    'teDocs',
    'FP8 recipe: inputs, weights and output gradients cast to fp8 with per-tensor scales from the amax history; ' +
      'fused cast-transpose kernels make the transposed copies for the backward GEMMs',
    'published',
    'each cast reads 2 bytes (bf16) and writes 1 byte (fp8) plus 1 for the transposed copy',
  ),
  formats: kcite(
    'micikevicius2022',
    'section 3: e4m3 for weights and activations, e5m2 for gradients, per-tensor scaling factors',
    'published',
  ),
  currentScaling: kcite(
    'teSource',
    'pytorch/csrc/quantizer.cpp, Float8CurrentScalingQuantizer::quantize: nvte_compute_amax_with_config (a pass ' +
      'over the input), nvte_compute_scale_from_amax, then nvte_quantize_v2 (the cast); torchao float8 ' +
      'hp_tensor_to_float8_dynamic likewise takes the amax (tensor_to_scale) before the cast',
    'published',
    'the amax pass reads the bf16 tensor once more: 2 bytes and one vector operation per element, one more kernel',
  ),
  castOps: kcite(
    'tpusim',
    '',
    'estimate',
    'three vector operations per element: |x| into the running amax, the scale multiply, the conversion',
  ),
} as const;

/** bf16 bytes read and fp8 bytes written (value and transposed copy) per element a Transformer Engine cast touches. */
const CAST_BYTES_PER_ELEMENT = 2 + 1 + 1;
const CAST_OPS_PER_ELEMENT = 3;
/** Current scaling's amax pass (FP8_CITATIONS.currentScaling): the bf16 value read again, one |x| max. */
const AMAX_PASS_BYTES_PER_ELEMENT = 2;
const AMAX_PASS_OPS_PER_ELEMENT = 1;

const isFp8 = (dtype: string): boolean => dtype.startsWith('fp8');

/**
 * Seconds of the cast kernels Transformer Engine runs before an fp8 GEMM of `role` (0 for wgrad): each a
 * memory-bound pass reading the bf16 tensor and writing its fp8 copy and fp8 transpose, with its amax.
 * With gradient accumulation TE casts the weights once per step (is_first_microbatch); charging them per
 * forward GEMM over-counts by the weight's 4 bytes per element on the later micro-batches. Under
 * `current-scaling` each cast follows its own amax pass over the bf16 tensor.
 */
export function fp8CastSeconds(
  chip: ChipSpec,
  g: Gemm,
  role: Fp8Role = 'forward',
  recipe: Fp8Recipe = 'transformer-engine',
): number {
  if (role === 'wgrad') return 0;
  const activations = g.batch * g.m * g.k;
  const weights = role === 'forward' && g.weightsAreParameters ? g.k * g.n : 0;
  const elements = activations + weights;
  const passes = recipe === 'current-scaling' ? 2 : 1;
  const launches = passes * ((activations > 0 ? 1 : 0) + (weights > 0 ? 1 : 0));
  const launchS = chipContext(chip, defaultDtypeOf(chip)).gpu ? launches * GPU_KERNEL_LAUNCH_S : 0;
  const amax = recipe === 'current-scaling';
  const bytes = CAST_BYTES_PER_ELEMENT + (amax ? AMAX_PASS_BYTES_PER_ELEMENT : 0);
  const ops = CAST_OPS_PER_ELEMENT + (amax ? AMAX_PASS_OPS_PER_ELEMENT : 0);
  return streamSeconds(chip, defaultDtypeOf(chip), elements * bytes, elements * ops) + launchS;
}

function defaultDtypeOf(chip: ChipSpec): string {
  return chip.cores[0]!.matrixUnits[0]!.formats[0]!.input;
}

/**
 * Seconds for one GEMM on the whole chip. TPU-style: the work splits over the cores (their matrix
 * units and vector units), the off-chip port does not, and operands cross off-chip memory at least once
 * (they do not stay in the unified buffer between layers at training sizes); the matrix units run at
 * the chip's sustained GEMM clock where one is measured (TPU v6e, TPU7x: the preset's citation), and a
 * format at a higher rate (fp8 on TPU7x) packs its products deeper into each tile (model/systolic.ts).
 * GPU-style: tiles in waves (model/gpu.ts), plus the kernel's launch. An fp8 GEMM under
 * `transformer-engine` also pays its casts.
 */
export function gemmSeconds(chip: ChipSpec, dtype: string, g: Gemm, options: GemmOptions = {}): number {
  const ctx = chipContext(chip, dtype);
  if (g.m <= 0 || g.n <= 0 || g.k <= 0 || g.batch <= 0) return 0;
  const casts =
    castsOperands(options.fp8Recipe) && isFp8(dtype) ? fp8CastSeconds(chip, g, options.fp8Role, options.fp8Recipe) : 0;
  if (ctx.gpu) {
    // Transformer Engine's forward GEMMs use fast accumulation, its backward ones split accumulation
    // (torchao's Float8LinearConfig likewise: use_fast_accum for the output GEMM only).
    const fast =
      options.fp8FastAccumulation ?? (castsOperands(options.fp8Recipe) && (options.fp8Role ?? 'forward') === 'forward');
    const t = gpuGemm(ctx.gpu, g, fast);
    return Math.max(t.computeCycles, t.memoryCycles) / chip.clockHz + GPU_KERNEL_LAUNCH_S + casts;
  }
  const cores = coreCount(chip);
  const t = gemmTime(ctx.sys, g);
  // The matrix units (and the vector unit reading their results) at the chip's sustained GEMM clock
  // where one is measured; memory at its bandwidth.
  const slow = chip.clockHz / (chip.technology?.sustainedClockHz ?? chip.clockHz);
  const compute = (t.latencyCycles + Math.max(t.matrixCycles, t.vectorCycles) / cores) * slow;
  const cycles = Math.max(
    compute,
    t.latencyCycles + t.memoryCycles,
    (t.cycles / cores) * (t.bound === 'memory' ? 1 : slow),
  );
  const e = ctx.elementBytes;
  const bytes = (g.batch * g.m * g.k + (g.weightsAreParameters ? 1 : g.batch) * g.k * g.n + g.batch * g.m * g.n) * e;
  return Math.max(cycles, bytes / ctx.sys.dram.bytesPerCycle) / chip.clockHz + casts;
}

/**
 * What a systolic chip's memory-bound passes reach: its measured copy bandwidth where published, else the published
 * one.
 */
export function streamBandwidthBytesPerS(chip: ChipSpec): number {
  return chip.offChipMemory.sustainedBandwidthBytesPerS ?? chip.offChipMemory.bandwidthBytesPerS;
}

/** Seconds for element-wise work: `bytes` through off-chip memory, `ops` on the vector units (or CUDA cores). */
export function streamSeconds(chip: ChipSpec, dtype: string, bytes: number, ops: number): number {
  const ctx = chipContext(chip, dtype);
  const memory = bytes / (ctx.gpu ? ctx.gpu.hbmBytesPerCycle * chip.clockHz : streamBandwidthBytesPerS(chip));
  const vectorRate = ctx.gpu ? ctx.gpu.vectorOpsPerCycle * chip.clockHz : vectorOpsPerS(chip);
  return Math.max(memory, ops / vectorRate);
}
