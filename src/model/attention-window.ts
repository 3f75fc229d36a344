/**
 * Sliding-window attention (Gemma 2/3, Mistral, Phi-3) in the analytical model. Query position p sees
 * keys p - window + 1 .. p (causal), or p - window + 1 .. the last key (not causal): the Attention op's
 * mask (graph/ops/matrix.ts). A windowed layer is counted as its band, the query-key pairs inside the
 * mask, and timed as a band kernel: each chunk of queries is multiplied by the keys from its first
 * query's window start to its last query's causal end, the rest masked in the softmax as the compiler's
 * causal attention masks. Global layers keep the compiler's kernel (every key, causal ones masked), so
 * `estimate` shows a local layer's saving over a global one at full key length, not over a causal
 * kernel that skips the upper triangle.
 */
import type { Gemm } from '../graph/ops/op.js';

/** The mask of one attention layer: `window` 0 for none. */
export interface AttentionMask {
  readonly seq: number;
  readonly kvSeq: number;
  readonly causal: boolean;
  readonly window: number;
}

/** `chunks` chunks of `rows` queries, each multiplied by `keys` keys. */
export interface KeyBand {
  readonly chunks: number;
  readonly rows: number;
  readonly keys: number;
}

/** Keys [first, end) that the query at row `row` sees (queries aligned to the last keys). */
function visibleKeys(m: AttentionMask, row: number): { first: number; end: number } {
  const position = row + (m.kvSeq - m.seq);
  const first = m.window > 0 ? Math.max(0, position - m.window + 1) : 0;
  const end = m.causal ? Math.min(m.kvSeq, position + 1) : m.kvSeq;
  return { first, end: Math.max(first, end) };
}

/** Query-key pairs inside the mask, per head: the band of a windowed layer. */
export function bandPairs(m: AttentionMask): number {
  let pairs = 0;
  for (let row = 0; row < m.seq; row++) {
    const { first, end } = visibleKeys(m, row);
    pairs += end - first;
  }
  return pairs;
}

/**
 * Chunks of `chunkRows` queries and the keys each is multiplied by, neighbours with equal rows and keys
 * merged, in order. Without a window every chunk takes every key (the whole chunks, then the last).
 */
export function attentionKeyBands(m: AttentionMask, chunkRows: number): KeyBand[] {
  const chunk = Math.min(chunkRows, m.seq);
  const count = Math.ceil(m.seq / chunk);
  const last = m.seq - (count - 1) * chunk;
  if (m.window <= 0)
    return count > 1
      ? [
          { chunks: count - 1, rows: chunk, keys: m.kvSeq },
          { chunks: 1, rows: last, keys: m.kvSeq },
        ]
      : [{ chunks: 1, rows: last, keys: m.kvSeq }];
  const bands: KeyBand[] = [];
  for (let c = 0; c < count; c++) {
    const rows = c === count - 1 ? last : chunk;
    const keys = visibleKeys(m, c * chunk + rows - 1).end - visibleKeys(m, c * chunk).first;
    const previous = bands[bands.length - 1];
    if (previous && previous.rows === rows && previous.keys === keys)
      bands[bands.length - 1] = { ...previous, chunks: previous.chunks + 1 };
    else bands.push({ chunks: 1, rows, keys });
  }
  return bands;
}

/** Counts of a layer as the op registry gives them at full key length. */
export interface AttentionCounts {
  readonly macs: number;
  readonly vectorOps: number;
}

/**
 * A windowed layer's counts: the registry's full-length MACs and vector operations scaled to the band
 * (both are per score), and its GEMMs chip-independently as every query against the band's mean keys
 * per query (one batched GEMM each, as a GPU's fused kernel runs all its tiles in one grid).
 */
export function windowedAttentionCounts(
  m: AttentionMask,
  full: AttentionCounts,
  heads: number,
  headDim: number,
  valueDim: number,
): AttentionCounts & { readonly flops: number; readonly gemms: Gemm[] } {
  const pairs = bandPairs(m);
  const share = pairs / (m.seq * m.kvSeq);
  const macs = Math.round(full.macs * share);
  const vectorOps = Math.round(full.vectorOps * share);
  const keys = Math.max(1, Math.round(pairs / m.seq));
  const gemms: Gemm[] = [
    { batch: heads, m: m.seq, n: keys, k: headDim, weightsAreParameters: false },
    { batch: heads, m: m.seq, n: valueDim, k: keys, weightsAreParameters: false },
  ];
  return { macs, vectorOps, flops: 2 * macs + vectorOps, gemms };
}
