/**
 * Pieces the families (families.ts, families-recent.ts) are read with: attention heads, routed experts,
 * norms and the Llama-style decoder most of them extend.
 */
import type { GatedMlpSpec, MlpSpec, MoeSpec, MultiHeadSpec, NormSpec, TransformerSpec } from './architecture.js';
import type { ConfigReader } from './config-reader.js';

export type ArchitectureSpec = Omit<TransformerSpec, 'dtype'>;
export type Family = (r: ConfigReader) => ArchitectureSpec;

export interface HeadFields {
  readonly hidden: string;
  readonly heads: string;
  /**
   * Whether the config may set head_dim apart from hidden / heads (Llama-style classes), or must,
   * because the config class's default is a number rather than hidden / heads (Gemma, Qwen3).
   */
  readonly headDim: boolean | 'required';
}

export const LLAMA_FIELDS: HeadFields = { hidden: 'hidden_size', heads: 'num_attention_heads', headDim: true };
export const NEOX_FIELDS: HeadFields = { hidden: 'hidden_size', heads: 'num_attention_heads', headDim: false };
export const HEAD_DIM_FIELDS: HeadFields = { hidden: 'hidden_size', heads: 'num_attention_heads', headDim: 'required' };

/** Heads must split the width evenly unless head_dim is given explicitly. */
function headDimension(r: ConfigReader, f: HeadFields, hidden: number, heads: number): number {
  if (f.headDim === 'required' || (f.headDim && r.has('head_dim'))) return r.size('head_dim');
  if (hidden % heads > 0) r.fail(f.heads, `${f.heads} ${heads} does not divide ${f.hidden} ${hidden}`);
  return hidden / heads;
}

/** How queries, keys and values are projected; plain separate projections unless a family says otherwise. */
export interface ProjectionStyle {
  readonly fusedQkv?: boolean;
  readonly qkNorm?: MultiHeadSpec['qkNorm'];
}

/** kvHeads: the count to use when num_key_value_heads is absent, or 'required'. */
export function multiHead(
  r: ConfigReader,
  f: HeadFields,
  hidden: number,
  kvHeads: 'required' | 'heads' | 'none',
  bias: { qkv: boolean; out: boolean },
  style: ProjectionStyle = {},
): MultiHeadSpec {
  const heads = r.size(f.heads);
  const kv =
    kvHeads === 'none'
      ? heads
      : kvHeads === 'required'
        ? r.size('num_key_value_heads')
        : r.sizeOr('num_key_value_heads', heads);
  if (heads % kv > 0) r.fail('num_key_value_heads', `num_key_value_heads ${kv} does not divide ${f.heads} ${heads}`);
  const headDim = headDimension(r, f, hidden, heads);
  return {
    kind: 'multi-head',
    heads,
    kvHeads: kv,
    headDim,
    qkvBias: bias.qkv,
    outBias: bias.out,
    fusedQkv: style.fusedQkv ?? false,
    qkNorm: style.qkNorm ?? 'none',
  };
}

export function routedExperts(
  r: ConfigReader,
  expertsField: string,
  ffn: number,
  shared: { count: number; ffn: number; gate?: boolean },
): MoeSpec {
  const experts = r.size(expertsField);
  const topK = r.size('num_experts_per_tok');
  if (topK > experts) r.fail('num_experts_per_tok', `num_experts_per_tok ${topK} exceeds ${expertsField} ${experts}`);
  return {
    kind: 'moe',
    experts,
    topK,
    ffn,
    sharedExperts: shared.count,
    sharedFfn: shared.ffn,
    sharedGate: shared.gate ?? false,
  };
}

export const sameForEvery = (layers: number, mlp: MlpSpec): MlpSpec[] => Array.from({ length: layers }, () => mlp);

export const swiglu = (ffn: number, bias: boolean): GatedMlpSpec => ({
  kind: 'gated',
  ffn,
  bias,
  activation: 'silu',
  fused: false,
});

export const rmsNorm = (epsilon: number): NormSpec => ({ op: 'RMSNormalization', epsilon, bias: false, scale: true });
export const layerNorm = (epsilon: number): NormSpec => ({
  op: 'LayerNormalization',
  epsilon,
  bias: true,
  scale: true,
});

/** The sizes every decoder family reads the same way: its model_type, width, vocabulary and context. */
export const decoderSizes = (r: ConfigReader, hidden: number) => ({
  modelType: r.modelType,
  hidden,
  vocab: r.size('vocab_size'),
  maxPositions: r.context('max_position_embeddings'),
});

/** What every rotary, pre-RMSNorm, causal decoder (Llama and descendants) shares. */

export const ROTARY_DECODER = {
  normPlacement: 'pre',
  parallelResidual: false,
  learnedPositions: false,
  tokenTypes: 0,
  causal: true,
} as const;

export interface LlamaStyle {
  readonly kvHeads: 'required' | 'heads';
  readonly bias: { qkv: boolean; out: boolean; mlp: boolean };
  /** rms_norm_eps when the config omits it. */
  readonly epsilon: number;
  /** Mixtral: every layer's MLP is a set of routed experts. */
  readonly experts: boolean;
  readonly projections?: ProjectionStyle;
  /** LLAMA_FIELDS (head_dim optional) unless given. */
  readonly fields?: HeadFields;
}

export function llamaStyle(r: ConfigReader, o: LlamaStyle): ArchitectureSpec {
  const hidden = r.size('hidden_size');
  const layers = r.size('num_hidden_layers');
  const attention = multiHead(r, o.fields ?? LLAMA_FIELDS, hidden, o.kvHeads, o.bias, o.projections);
  const ffn = r.size('intermediate_size');
  const mlp = o.experts ? routedExperts(r, 'num_local_experts', ffn, { count: 0, ffn: 0 }) : swiglu(ffn, o.bias.mlp);
  return {
    ...ROTARY_DECODER,
    ...decoderSizes(r, hidden),
    norm: rmsNorm(r.positive('rms_norm_eps', o.epsilon)),
    attention,
    mlps: sameForEvery(layers, mlp),
    // Every Llama-style config class defaults tie_word_embeddings to False.
    head: { kind: 'lm', tied: r.flag('tie_word_embeddings', false) },
  };
}

export const NO_BIAS = { qkv: false, out: false, mlp: false };
