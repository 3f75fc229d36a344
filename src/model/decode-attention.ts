/**
 * Decode attention as a kernel: one new query token per sequence attends to the sequence's cached keys
 * and values (paged KV cache). The work is a stream of the cache through the chip, so what decides its
 * time is how many bytes the kernel reads and what it computes per byte:
 *
 * - Kernels that pack the query heads of a KV group into one tile (FlashAttention-2's paged decode,
 *   FlashDecoding, FlashInfer, TensorRT-LLM's XQA, TPU ragged paged attention) read each KV head once
 *   per step, and multiply on the tensor cores (or the MXU): grouped-query attention saves its cache reads.
 * - Kernels with one thread block per query head (TensorRT-LLM's masked multi-head attention before XQA,
 *   vLLM's PagedAttention V1/V2) read the group's keys and values once per query head, and take the
 *   dot products on the CUDA cores in fp32 after converting every element: with 8 query heads per KV head
 *   (Llama 2 70B) they read the cache 8 times.
 * - Split-KV (FlashDecoding, PagedAttention V2, multi-block mode) cuts long sequences into partitions so
 *   that few sequences still fill the chip; the partitions' partial outputs (fp32, with their running max
 *   and sum) are written and combined by a second pass.
 */
import type { ChipSpec, Citation } from '../arch/chip-spec.js';
import { streamSeconds } from './gemm.js';

export const DECODE_ATTENTION_KERNELS = ['grouped', 'per-query-head'] as const;
export type DecodeAttentionKernelName = (typeof DECODE_ATTENTION_KERNELS)[number];

export interface DecodeAttentionKernelSpec {
  readonly name: DecodeAttentionKernelName;
  readonly description: string;
  /** The query heads of a KV group read the group's cache once (packed into one tile), not once each. */
  readonly sharesKvAcrossGroup: boolean;
  /**
   * Vector operations per cached element per query head that reads it (fp32 FMA, conversion); 0: on the tensor cores,
   * hidden under the reads.
   */
  readonly vectorOpsPerElement: number;
  /** Tokens per KV partition of split-KV (0: one block per sequence and head). */
  readonly partitionTokens: number;
  /** Share of a streaming copy's bandwidth the kernel's paged gathers reach on long reads. */
  readonly bandwidthShare: number;
  readonly citations: Readonly<Record<string, Citation>>;
}

/**
 * FlashAttention-2's paged batch decode on an H100 SXM (Llama 3 70B heads, GQA 8, page 256, 64 sequences)
 * reads 33 MiB in 28.8 us and 65 MiB in 43.6 us: 2.28 TB/s at the margin, 0.76 of the 3.01 TB/s a copy
 * reaches on the same board (h100 preset), before the fixed cost of small calls.
 */
const DECODE_BANDWIDTH_SHARE = 0.76;
const DECODE_BANDWIDTH: Citation = {
  source: 'microsoft/onnxruntime pull request #21414, "[CUDA] Page Attention" (benchmark comment, 2024-08-29)',
  where:
    'FA2 paged batch decode, H100 SXM, llama3 70B (GQA8) page_size=256: 64 seqs x 128 tokens 28.780 us (33 MiB), ' +
    'x 256 tokens 43.563 us (65 MiB)',
  status: 'derived',
  note:
    "(65 - 33) MiB / (43.56 - 28.78) us = 2.27 TB/s, 0.76 of the h100 preset's measured 3.01 TB/s copy; taken " +
    'for every decode kernel',
};

const FLASH_DECODING: Citation = {
  source:
    'Dao, Haziza, Massa, Sizov, "Flash-Decoding for long-context inference" (PyTorch/Stanford CRFM blog, 2023-10-12)',
  where:
    'split the keys and values into chunks processed in parallel, then a reduction that rescales the partial ' +
    'outputs with their log-sum-exp',
  status: 'published',
};

export const DECODE_ATTENTION_KERNEL_SPECS: Readonly<Record<DecodeAttentionKernelName, DecodeAttentionKernelSpec>> = {
  grouped: {
    name: 'grouped',
    description:
      'GQA-packed paged decode on the tensor cores with split-KV (FlashAttention-2 paged KV, FlashInfer, ' +
      'TensorRT-LLM XQA, TPU ragged paged attention)',
    sharesKvAcrossGroup: true,
    vectorOpsPerElement: 0,
    partitionTokens: 512,
    bandwidthShare: DECODE_BANDWIDTH_SHARE,
    citations: {
      bandwidthShare: DECODE_BANDWIDTH,
      sharesKvAcrossGroup: {
        source:
          'Ye et al., "FlashInfer: Efficient and Customizable Attention Engine for LLM Inference Serving" (MLSys ' +
          '2025), section 3; TensorRT-LLM docs, "Multi-Head, Multi-Query, and Group-Query Attention" (XQA)',
        where:
          "GQA decode is run as prefill-style tiles with the group's query heads as rows (FlashInfer " +
          '"head-group fusion"; XQA "uses tensor cores ... reducing data loading")',
        status: 'published',
      },
      partitionTokens: {
        ...FLASH_DECODING,
        note:
          "FlashAttention-2 chooses the number of splits to fill the SMs; 512 tokens as vLLM's PagedAttention " +
          'V2 partition (_PARTITION_SIZE)',
      },
    },
  },
  'per-query-head': {
    name: 'per-query-head',
    description:
      'one thread block per query head on the CUDA cores (TensorRT-LLM masked MHA before XQA, vLLM ' +
      'PagedAttention V1/V2)',
    sharesKvAcrossGroup: false,
    vectorOpsPerElement: 2,
    partitionTokens: 512,
    bandwidthShare: DECODE_BANDWIDTH_SHARE,
    citations: {
      bandwidthShare: DECODE_BANDWIDTH,
      sharesKvAcrossGroup: {
        source:
          'vLLM issue #1880 (W. Kwon, 2023-12-01), "Use optimized kernels for MQA/GQA"; TensorRT-LLM blog "New ' +
          'XQA-kernel provides 2.4x more Llama-70B throughput within the same latency budget" (2024-01-30)',
        where:
          '"vLLM\'s current paged attention kernel also does not leverage the benefits of MQA/GQA"; without XQA ' +
          'Llama-70B on one H200 (128/2048) reaches 1,227 tok/s, with it 2,941',
        status: 'published',
        note: "each query head's block reads its KV head's cache: (query heads / KV heads) reads of every element",
      },
      vectorOpsPerElement: {
        source: 'tpusim',
        status: 'estimate',
        note: 'an fp32 FMA and a conversion (fp16/fp8 to fp32) per cached element, for q.k and for p.v',
      },
      partitionTokens: {
        source: 'vLLM csrc/attention/attention_kernels.cu',
        where: 'PagedAttention V2, PARTITION_SIZE 512',
        status: 'published',
        note: "TensorRT-LLM's multi-block mode splits alike",
      },
    },
  },
};

/** One decode attention call over a layer's batch, on one chip. */
export interface DecodeAttention {
  readonly kernel: DecodeAttentionKernelName;
  /** Decoding sequences. */
  readonly sequences: number;
  /** Cached tokens summed over the sequences. */
  readonly contextTokens: number;
  /** Query heads on this chip. */
  readonly heads: number;
  /** Cached key/value elements per token on this chip (keys and values of its KV heads, or MLA's latent). */
  readonly cacheElementsPerToken: number;
  /** Query heads that attend to each cached head on this chip (heads / KV heads; MLA: all heads share the latent). */
  readonly groupSize: number;
  /** Bytes per cached element. */
  readonly kvBytes: number;
  /** Query/key and value widths per head (the query read, the output and split-KV partials written). */
  readonly qkDim: number;
  readonly valueDim: number;
}

export interface DecodeAttentionTime {
  readonly seconds: number;
  /**
   * Bytes read from memory: the cache (times the group for per-head kernels), queries, outputs and split-KV partials.
   */
  readonly bytes: number;
  readonly bound: 'memory' | 'vector';
}

/**
 * fp32 partial output, running max and sum per partition and head (split-KV), written and read back by the combine
 * pass.
 */
function partialBytes(spec: DecodeAttentionKernelSpec, a: DecodeAttention): number {
  if (spec.partitionTokens === 0 || a.sequences <= 0) return 0;
  const partitions = Math.max(1, Math.ceil(a.contextTokens / a.sequences / spec.partitionTokens));
  if (partitions === 1) return 0;
  return 2 * a.sequences * partitions * a.heads * (a.valueDim + 2) * 4;
}

/** Seconds of one decode attention call on `chip` (memory bound, or bound by the CUDA cores' conversions and FMAs). */
export function decodeAttentionSeconds(chip: ChipSpec, dtype: string, a: DecodeAttention): DecodeAttentionTime {
  if (a.contextTokens <= 0 || a.sequences <= 0) return { seconds: 0, bytes: 0, bound: 'memory' };
  const spec = DECODE_ATTENTION_KERNEL_SPECS[a.kernel];
  const reads = spec.sharesKvAcrossGroup ? 1 : Math.max(1, a.groupSize);
  const elements = a.contextTokens * a.cacheElementsPerToken * reads;
  const bytes = elements * a.kvBytes + a.sequences * a.heads * (a.qkDim + a.valueDim) * 2 + partialBytes(spec, a);
  const ops = elements * spec.vectorOpsPerElement;
  const seconds = streamSeconds(chip, dtype, bytes / spec.bandwidthShare, ops);
  const memoryOnly = streamSeconds(chip, dtype, bytes / spec.bandwidthShare, 0);
  return { seconds, bytes, bound: seconds > memoryOnly ? 'vector' : 'memory' };
}
