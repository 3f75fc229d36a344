/**
 * A transformer as the cluster model needs it: per layer the widths of its projections, attention and
 * MLP (dense or mixture of experts), and the model's parameter and FLOP counts, from the architecture
 * a Hugging Face config describes (graph/hf).
 */
import { formatIssues, TpusimError } from '../core/errors.js';
import { readHfArchitecture, type TransformerSpec } from '../graph/hf/index.js';
import { getZooEntry, zooModelNames } from '../graph/zoo/index.js';
import { unknownNameMessage } from '../core/errors.js';

export interface LayerShape {
  /** Query heads and their query/key width; value width per head. */
  readonly heads: number;
  readonly qkDim: number;
  readonly valueDim: number;
  /** Key/value heads (grouped-query attention), or 1 for a shared latent (multi-head latent attention). */
  readonly kvHeads: number;
  /** Parameters of the attention projections (in and out). */
  readonly attentionParams: number;
  /** Output width of the input projections (queries, keys, values or latents), per token. */
  readonly projectionOut: number;
  /** Bytes per token of key/value cache, in elements (times the element size). */
  readonly kvCacheElements: number;
  /**
   * Multi-head latent attention: the up-projections from the latents to the heads (queries from the
   * query latent, keys and values from the key/value latent), each `in` x `out` per token; their
   * parameters are in `attentionParams`, their GEMMs run after the input projections.
   */
  readonly upProjections?: ReadonlyArray<{ readonly in: number; readonly out: number }>;
  /** Sliding-window attention (Gemma 2/3, Phi-3): a query sees at most this many keys; absent: all. */
  readonly windowTokens?: number;
  readonly mlp:
    | { readonly kind: 'dense'; readonly ffn: number; readonly gated: boolean }
    | {
        readonly kind: 'moe';
        readonly experts: number;
        readonly topK: number;
        readonly ffn: number;
        readonly gated: boolean;
        readonly sharedExperts: number;
        readonly sharedFfn: number;
        /** Qwen2-MoE: a sigmoid gate (hidden x 1) on the shared experts' output. */
        readonly sharedGate?: boolean;
        /**
         * Group-limited routing: a token's experts come from its `topK` best of `count` equal groups (DeepSeek-V3: 4 of
         * 8).
         */
        readonly groups?: { readonly count: number; readonly topK: number };
      };
}

export interface TransformerModel {
  readonly name: string;
  readonly hidden: number;
  readonly vocab: number;
  readonly maxPositions: number;
  readonly causal: boolean;
  readonly tiedEmbeddings: boolean;
  /** Rotary positions applied to queries and keys in every layer (not a learned position table). */
  readonly rotary: boolean;
  /** Layers with the same shape, in order. */
  readonly groups: ReadonlyArray<{ readonly count: number; readonly shape: LayerShape }>;
  readonly layers: number;
  /** Every parameter, and those a token uses (MoE: its top-k experts). */
  readonly params: number;
  readonly activeParams: number;
  /** Embedding table and LM head (not in the 6N convention's N where the head is tied). */
  readonly embeddingParams: number;
  /** Parameters in routed experts (sharded over expert parallelism). */
  readonly expertParams: number;
}

function mlpParams(hidden: number, m: LayerShape['mlp']): { total: number; active: number; expert: number } {
  const dense = (ffn: number, gated: boolean): number => (gated ? 3 : 2) * hidden * ffn;
  if (m.kind === 'dense') return { total: dense(m.ffn, m.gated), active: dense(m.ffn, m.gated), expert: 0 };
  const expert = dense(m.ffn, m.gated);
  const shared = m.sharedExperts * dense(m.sharedFfn, m.gated);
  const router = hidden * m.experts + (m.sharedGate ? hidden : 0);
  return {
    total: m.experts * expert + shared + router,
    active: m.topK * expert + shared + router,
    expert: m.experts * expert,
  };
}

export function transformerFromSpec(name: string, spec: TransformerSpec): TransformerModel {
  const h = spec.hidden;
  const a = spec.attention;
  const layerOf = (mlp: TransformerSpec['mlps'][number], window: number): LayerShape => {
    let attention: Omit<LayerShape, 'mlp'>;
    if (a.kind === 'multi-head') {
      const q = a.heads * a.headDim;
      const kv = a.kvHeads * a.headDim;
      attention = {
        heads: a.heads,
        qkDim: a.headDim,
        valueDim: a.headDim,
        kvHeads: a.kvHeads,
        attentionParams: h * (q + 2 * kv) + q * h,
        projectionOut: q + 2 * kv,
        kvCacheElements: 2 * kv,
      };
    } else {
      // Multi-head latent attention: queries (through an optional latent), a shared key/value latent
      // plus a rotary key, expanded per head; the cache holds the latent and the rotary key.
      const qk = a.nopeDim + a.ropeDim;
      const qParams = a.qLoraRank ? h * a.qLoraRank + a.qLoraRank * a.heads * qk : h * a.heads * qk;
      const kvParams = h * (a.kvLoraRank + a.ropeDim) + a.kvLoraRank * a.heads * (a.nopeDim + a.valueDim);
      const kvUp = { in: a.kvLoraRank, out: a.heads * (a.nopeDim + a.valueDim) };
      attention = {
        heads: a.heads,
        qkDim: qk,
        valueDim: a.valueDim,
        kvHeads: 1,
        attentionParams: qParams + kvParams + a.heads * a.valueDim * h,
        projectionOut: (a.qLoraRank ?? a.heads * qk) + a.kvLoraRank + a.ropeDim,
        kvCacheElements: a.kvLoraRank + a.ropeDim,
        upProjections: a.qLoraRank ? [{ in: a.qLoraRank, out: a.heads * qk }, kvUp] : [kvUp],
      };
    }
    const m: LayerShape['mlp'] =
      mlp.kind === 'moe'
        ? {
            kind: 'moe',
            experts: mlp.experts,
            topK: mlp.topK,
            ffn: mlp.ffn,
            gated: true,
            sharedExperts: mlp.sharedExperts,
            sharedFfn: mlp.sharedFfn,
            ...(mlp.sharedGate ? { sharedGate: true } : {}),
            ...(mlp.groups ? { groups: mlp.groups } : {}),
          }
        : { kind: 'dense', ffn: mlp.ffn, gated: mlp.kind === 'gated' };
    return { ...attention, ...(window > 0 ? { windowTokens: window } : {}), mlp: m };
  };
  const groups: Array<{ count: number; shape: LayerShape }> = [];
  for (const [i, mlp] of spec.mlps.entries()) {
    const shape = layerOf(mlp, spec.windows?.[i] ?? 0);
    const last = groups[groups.length - 1];
    if (last && JSON.stringify(last.shape) === JSON.stringify(shape)) last.count++;
    else groups.push({ count: 1, shape });
  }
  const tied = spec.head.kind === 'lm' && spec.head.tied;
  const embeddingParams = spec.vocab * h * (tied || spec.head.kind === 'pooler' ? 1 : 2);
  let params = embeddingParams;
  let activeParams = embeddingParams;
  let expertParams = 0;
  for (const g of groups) {
    const m = mlpParams(h, g.shape.mlp);
    params += g.count * (g.shape.attentionParams + m.total);
    activeParams += g.count * (g.shape.attentionParams + m.active);
    expertParams += g.count * m.expert;
  }
  return {
    name,
    hidden: h,
    vocab: spec.vocab,
    maxPositions: spec.maxPositions,
    causal: spec.causal,
    tiedEmbeddings: tied,
    rotary: !spec.learnedPositions,
    groups,
    layers: spec.mlps.length,
    params,
    activeParams,
    embeddingParams,
    expertParams,
  };
}

/** A zoo transformer by name, or a config.json's contents. */
export function transformerModel(
  source: { readonly zoo: string } | { readonly config: unknown; readonly file: string },
  seq = 2048,
): TransformerModel {
  let config: unknown;
  let name: string;
  if ('zoo' in source) {
    const entry = getZooEntry(source.zoo);
    if (!entry) throw new TpusimError('unknown_model', unknownNameMessage('model', source.zoo, zooModelNames()));
    if (!entry.config)
      throw new TpusimError(
        'not_a_transformer',
        `${source.zoo} is not a transformer; the cluster model trains and serves transformers (zoo: ${zooModelNames()
          .filter((n) => getZooEntry(n)?.config)
          .join(', ')})`,
      );
    config = entry.config;
    name = entry.name;
  } else {
    config = source.config;
    name = source.file.replace(/^.*\//, '').replace(/\.json$/i, '');
  }
  const spec = readHfArchitecture(config, {
    batch: 1,
    seq: Math.min(seq, 1 << 30),
    fileName: 'zoo' in source ? `${source.zoo} config` : source.file,
  });
  if (!spec.ok) throw new TpusimError('bad_model', formatIssues(spec.issues), { issues: spec.issues });
  return transformerFromSpec(name, spec.value);
}

/**
 * Model FLOPs of one training step (the MFU convention: 6 x active non-embedding parameters x tokens
 * for the dense work, plus the attention core's scores and context, forward and backward; the LM
 * head's 6 x hidden x vocab per token). Kaplan et al. 2020; Narayanan et al. 2021 (Megatron-LM) eq. 3;
 * Chowdhery et al. 2022 (PaLM) appendix B.
 */
export function trainingFlopsPerToken(
  model: TransformerModel,
  seq: number,
  attention: AttentionCount = 'performed',
): number {
  let flops = 0;
  for (const g of model.groups) {
    const m = mlpParams(model.hidden, g.shape.mlp);
    flops += g.count * 6 * (g.shape.attentionParams + m.active);
  }
  return flops + attentionFlopsPerToken(model, seq, attention) + 6 * model.hidden * model.vocab;
}

/**
 * How attention's scores are counted: 'performed' (a causal model's on and below the diagonal, what
 * tpusim's MFU counts) or 'full' (seq x seq whatever the mask: Megatron-LM's and PaLM's MFU, for
 * comparing with figures published that way).
 */
export type AttentionCount = 'performed' | 'full';

/**
 * The attention core's share of `trainingFlopsPerToken` (scores and context, forward and backward):
 * 6 x heads x (query/key + value width) per key a query sees. A causal model's query sees (seq + 1) / 2
 * keys on average, the scores on and below the diagonal, as MaxText's MFU counts them
 * (maxtext_utils.py, calculate_tflops_training_per_device: "causal_attention_flops =
 * noncausal_attention_flops / 2") and FlashAttention's benchmarks do; Megatron-LM and PaLM count the
 * whole seq x seq product, which no causal kernel performs, and with it an MFU can pass 100%.
 */
export function attentionFlopsPerToken(
  model: TransformerModel,
  seq: number,
  count: AttentionCount = 'performed',
): number {
  return model.groups.reduce(
    (s, g) =>
      s +
      g.count *
        6 *
        keysPerQuery(model.causal, seq, g.shape.windowTokens, count) *
        g.shape.heads *
        (g.shape.qkDim + g.shape.valueDim),
    0,
  );
}

/**
 * Keys a query sees on average. Causal with a window w < seq: query i sees min(i + 1, w) keys, so the
 * mean over i < seq is w - w (w - 1) / (2 seq); a 'full' count or a bidirectional window sees min(w, seq).
 */
function keysPerQuery(causal: boolean, seq: number, window: number | undefined, count: AttentionCount): number {
  const w = window !== undefined && window < seq ? window : seq;
  if (!causal || count === 'full') return w;
  return w === seq ? (seq + 1) / 2 : w - (w * (w - 1)) / (2 * seq);
}
