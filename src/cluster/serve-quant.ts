/**
 * Serving quantization as three separate choices (LLM-Viewer, vLLM, TensorRT-LLM all separate them):
 * the weights' storage format, the activations' format (which is the GEMMs' input format), and the KV
 * cache's format. Bytes follow the format; compute follows what the chip's matrix units support:
 *
 * - weights and activations in the same format the chip multiplies natively (W8A8 fp8 or int8): the GEMMs
 *   run in that format at its rate (`native`);
 * - weights narrower than the activations (weight-only: W8A16, W4A16 as GPTQ/AWQ/Marlin serve them): the
 *   GEMMs run in the activation format, the weights are read at their own width and dequantised on the
 *   vector unit before the matrix unit takes them (`weight-only`, counted as DEQUANT_OPS_PER_WEIGHT ops
 *   per weight per pass);
 * - activations in a format the chip cannot multiply, or weights wider than the activations: refused,
 *   with the reason.
 *
 * The KV cache is only stored and read: any format the engine packs can be held, and the decode kernel
 * dequantises it on the vector unit (vLLM's fp8 KV cache on A100 does this); its bytes set the reads.
 */
import type { ChipSpec, Citation, MatrixInputFormat } from '../arch/chip-spec.js';
import { defaultMatrixFormat, peakOpsPerS } from '../arch/derive.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import type { Gemm } from '../graph/ops/op.js';
import { chipContext } from '../model/estimate.js';
import { GPU_KERNEL_LAUNCH_S } from '../model/gpu.js';
import { gemmSeconds, streamSeconds, type GemmOptions } from '../model/kernels.js';

export const WEIGHT_DTYPES = ['bf16', 'fp16', 'fp8', 'int8', 'int4', 'fp4'] as const;
export const ACTIVATION_DTYPES = ['bf16', 'fp16', 'fp8', 'int8'] as const;
export const KV_DTYPES = ['bf16', 'fp16', 'fp8', 'int8', 'int4'] as const;
export type WeightDtype = (typeof WEIGHT_DTYPES)[number];
export type ActivationDtype = (typeof ACTIVATION_DTYPES)[number];
export type KvDtype = (typeof KV_DTYPES)[number];

export interface QuantizationOptions {
  readonly weightDtype?: WeightDtype;
  /** Weights per shared fp16 scale for 4-bit weights (default 128, GPTQ's and AWQ's default group). */
  readonly weightGroupSize?: number;
  readonly activationDtype?: ActivationDtype;
  readonly kvDtype?: KvDtype;
}

/** How the chip runs a quantization choice; `refused` lists the reasons when it cannot. */
export interface Quantization {
  readonly weightDtype: WeightDtype;
  readonly activationDtype: ActivationDtype;
  readonly kvDtype: KvDtype;
  /** The matrix unit's input format the GEMMs run in (a chip format name, e.g. 'fp8-e4m3'). */
  readonly gemmFormat: string;
  /** Bytes per weight in memory, group scales included. */
  readonly weightBytes: number;
  /** Bytes per KV-cache element, group scales included. */
  readonly kvBytes: number;
  readonly mode: 'native' | 'weight-only';
  /** Vector-unit ops per weight per pass to dequantise it (0 when native). */
  readonly dequantOpsPerWeight: number;
  /** Vector-unit ops per KV element read to dequantise it (0 for 16-bit caches). */
  readonly kvDequantOpsPerElement: number;
  /**
   * The kernel that reads this cache dequantises it once per query head (one thread block per query head), so a
   * KV group's elements cost `kvDequantOpsPerElement` once for each of its query heads; else once per element.
   */
  readonly kvDequantPerQueryHead: boolean;
  readonly refused: readonly string[];
  readonly notes: readonly string[];
}

/** Bits per value of each dtype. */
const BITS: Readonly<Record<WeightDtype | KvDtype, number>> = { bf16: 16, fp16: 16, fp8: 8, int8: 8, int4: 4, fp4: 4 };

/**
 * Ops to dequantise one weight: unpack (shift and mask), convert, multiply by its group scale; about the
 * integer-to-float tricks of Marlin (Frantar et al., "MARLIN: Mixed-Precision Auto-Regressive Parallel
 * Inference on LLMs", arXiv:2408.11743, section 4: a few ALU ops per weight, overlapped with the tensor cores).
 */
export const DEQUANT_OPS_PER_WEIGHT = 3;

/**
 * KV elements per fp16 scale in a 4-bit cache (KIVI, Liu et al., ICML 2024, arXiv:2402.02750: groups of 32 to 128; 64
 * taken).
 */
export const KV_INT4_GROUP = 64;

/**
 * A 4-bit KV cache's decode kernel: QServe's fused attention (the only engine kernel that reads an int4 cache; vLLM's
 * cache dtypes are auto and fp8 only) runs one thread block per query head on the CUDA cores, each block unpacking and
 * dequantising its KV head's elements itself. Per 8 elements (one 32-bit word of int4): 1 shift, 4 lop3, 4 f16x2
 * sub/fma (the int4-to-fp16 trick), 4 f16x2 fma with the token's scale and zero, then 4 f16x2 fma of the dot product:
 * 17 instructions, 17 / 8 per element read.
 */
export const KV_INT4_OPS_PER_ELEMENT = 17 / 8;
export const KV_INT4_KERNEL: Citation = {
  source:
    'mit-han-lab/qserve (Lin, Tang, Yang et al., MLSys 2025, arXiv:2405.04532) kernels/csrc/fused_attention; vLLM ' +
    'vllm/config.py (v0.9.2)',
  where:
    'decoderMaskedMultiheadAttentionTemplate.hpp: hi = blockIdx.x, hi_kv = hi / (num_heads / num_kv_heads); ' +
    'decoderMaskedMultiheadAttentionUtils.h: dequantize_s4_to_fp16x2 and convert_from_4bit_kv_cache; ' +
    "qk_hmma_dot_simple; vLLM CacheDType = Literal['auto', 'fp8', 'fp8_e4m3', 'fp8_e5m2']",
  status: 'derived',
  note:
    'instructions counted from the kernel source, one op each; the re-reads of a KV head by its group are taken ' +
    'to hit L2 (the blocks of one sequence run together), so only the CUDA-core work grows with the group',
};

/** fp16 scale bytes over a group. */
const SCALE_BYTES = 2;

/** The chip's name for a dtype's matrix format, if it has one. */
function chipFormat(chip: ChipSpec, dtype: string): string | undefined {
  const formats = chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input as string);
  if (dtype === 'fp8') return formats.find((f) => f === 'fp8-e4m3') ?? formats.find((f) => f.startsWith('fp8'));
  return formats.find((f) => f === dtype);
}

/**
 * The bytes, compute format and emulation cost of a quantization choice on `chip`; defaults: the chip's first matrix
 * format for weights and activations, bf16 KV.
 */
export function resolveQuantization(chip: ChipSpec, q: QuantizationOptions = {}): Quantization {
  const fallback = defaultMatrixFormat(chip);
  const base: ActivationDtype =
    fallback === 'fp16' ? 'fp16' : fallback.startsWith('fp8') ? 'fp8' : fallback === 'int8' ? 'int8' : 'bf16';
  const activationDtype = q.activationDtype ?? base;
  const weightDtype = q.weightDtype ?? activationDtype;
  const kvDtype = q.kvDtype ?? 'bf16';
  const group = q.weightGroupSize ?? 128;
  const refused: string[] = [];
  const notes: string[] = [];
  const gemmFormat = chipFormat(chip, activationDtype);
  if (gemmFormat === undefined) {
    refused.push(
      `activation dtype ${activationDtype}: ${chip.name}'s matrix units multiply ` +
        `${chip.cores[0]!.matrixUnits[0]!.formats.map((f) => f.input).join(', ')}, not ${activationDtype}`,
    );
  }
  const wBits = BITS[weightDtype];
  const aBits = BITS[activationDtype];
  if (wBits > aBits)
    refused.push(
      `weight dtype ${weightDtype} (${wBits}-bit) is wider than activation dtype ${activationDtype} (` +
        `${aBits}-bit); the GEMM would have to quantise its weights every pass`,
    );
  if (wBits === aBits && weightDtype !== activationDtype && !(aBits === 16))
    refused.push(
      `weight dtype ${weightDtype} with activation dtype ${activationDtype}: an 8-bit GEMM takes one format for ` +
        `both operands`,
    );
  const weightOnly = wBits < aBits;
  if (wBits === 4 && !(Number.isInteger(group) && group >= 16 && group <= 4096))
    refused.push(`weight group size ${group} must be an integer within [16, 4096]`);
  const weightBytes = wBits / 8 + (wBits === 4 ? SCALE_BYTES / group : 0);
  const kvBytes = BITS[kvDtype] / 8 + (kvDtype === 'int4' ? SCALE_BYTES / KV_INT4_GROUP : 0);
  if (weightOnly)
    notes.push(
      `weights stored as ${weightDtype} (${weightBytes} bytes each), dequantised to ${activationDtype} on the ` +
        `vector unit (${DEQUANT_OPS_PER_WEIGHT} ops per weight per pass)`,
    );
  if (BITS[kvDtype] < 16)
    notes.push(
      `KV cache stored as ${kvDtype} (${kvBytes} bytes per element), dequantised in the attention kernel` +
        (kvDtype === 'int4' ? ' once per query head, on the vector unit (QServe-style per-head kernel)' : ''),
    );
  return {
    weightDtype,
    activationDtype,
    kvDtype,
    gemmFormat: gemmFormat ?? fallback,
    weightBytes,
    kvBytes,
    mode: weightOnly ? 'weight-only' : 'native',
    dequantOpsPerWeight: weightOnly ? DEQUANT_OPS_PER_WEIGHT : 0,
    kvDequantOpsPerElement: kvDtype === 'int4' ? KV_INT4_OPS_PER_ELEMENT : BITS[kvDtype] < 16 ? 2 : 0,
    kvDequantPerQueryHead: kvDtype === 'int4',
    refused,
    notes,
  };
}

/**
 * A weight-only GEMM: the GEMM in the activation format, scaled by its roofline (memory time of the
 * bytes it reads, or compute time at the peak, whichever is longer) with the weights at their stored
 * width against at the activations' width; so a memory-bound GEMV speeds up with the bytes and a
 * compute-bound prefill GEMM does not. No faster than the vector unit dequantises the weights.
 */
export function weightOnlyGemmSeconds(
  chip: ChipSpec,
  format: string,
  g: Gemm,
  q: Pick<Quantization, 'weightBytes' | 'dequantOpsPerWeight'>,
  options: GemmOptions = {},
): number {
  const full = gemmSeconds(chip, format, g, options);
  if (full <= 0) return 0;
  const weights = g.k * g.n * (g.weightsAreParameters ? 1 : g.batch);
  const elementBytes = NUMBER_FORMATS[format as keyof typeof NUMBER_FORMATS]?.bytes ?? 2;
  const others = (g.batch * g.m * g.k + g.batch * g.m * g.n) * elementBytes;
  const memoryS = (weightBytes: number): number => streamSeconds(chip, format, others + weights * weightBytes, 0);
  const peakS = (2 * g.batch * g.m * g.n * g.k) / peakOpsPerS(chip, format as MatrixInputFormat);
  const roofline = Math.max(memoryS(q.weightBytes), peakS) / Math.max(memoryS(elementBytes), peakS);
  const dequantS = streamSeconds(chip, format, 0, weights * q.dequantOpsPerWeight);
  // The kernel's launch does not shrink with the bytes it reads.
  const launchS = chipContext(chip, format).gpu ? GPU_KERNEL_LAUNCH_S : 0;
  return Math.max((full - launchS) * roofline, dequantS) + launchS;
}
