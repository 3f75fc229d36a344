/**
 * A transformer described by its blocks, as plain data: what each Hugging Face `model_type` reads its
 * config into (families.ts) and what the graph builder (build-transformer.ts) builds. Shared code reads
 * these declarations and never asks which model_type it is looking at.
 */
import type { TensorDType } from '../types.js';

export interface NormSpec {
  readonly op: 'RMSNormalization' | 'LayerNormalization';
  readonly epsilon: number;
  /** LayerNorm's learned shift; RMSNorm has only a scale. */
  readonly bias: boolean;
  /** Whether the scale is learned; OLMo's LayerNorm has no parameters (a constant scale of ones). */
  readonly scale: boolean;
}

/** Multi-head attention with grouped-query key/value heads (kvHeads = heads for plain multi-head). */
export interface MultiHeadSpec {
  readonly kind: 'multi-head';
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly qkvBias: boolean;
  readonly outBias: boolean;
  /** Phi-3: one qkv_proj (hidden x (q + 2 kv)) sliced into queries, keys and values. */
  readonly fusedQkv: boolean;
  /**
   * RMSNorm of queries and keys before attention: per head, one scale of headDim shared by the heads
   * (Qwen3, Gemma 3), or over the whole projection width (OLMo 2).
   */
  readonly qkNorm: 'none' | 'head' | 'full';
}

/** DeepSeek's multi-head latent attention: queries and keys/values pass through low-rank latents. */
export interface LatentSpec {
  readonly kind: 'latent';
  readonly heads: number;
  /** Query latent width; undefined projects queries directly (DeepSeek-V2-Lite). */
  readonly qLoraRank: number | undefined;
  readonly kvLoraRank: number;
  /** Per-head query/key width without and with rotary positions. */
  readonly nopeDim: number;
  readonly ropeDim: number;
  readonly valueDim: number;
}

export type AttentionSpec = MultiHeadSpec | LatentSpec;

/** SwiGLU: down(silu(gate x) * up x); GeGLU (Gemma) with the tanh gelu in place of silu. */
export interface GatedMlpSpec {
  readonly kind: 'gated';
  readonly ffn: number;
  readonly bias: boolean;
  readonly activation: 'silu' | 'gelu_tanh';
  /** Phi-3: one gate_up_proj (hidden x 2 ffn) sliced in two. */
  readonly fused: boolean;
}

/** down(gelu(up x)), with biases in GPT-2, GPT-NeoX and BERT. */
export interface GeluMlpSpec {
  readonly kind: 'gelu';
  readonly ffn: number;
  readonly bias: boolean;
  /** 'tanh' for GPT-2's gelu_new; 'none' for the exact erf form. */
  readonly approximate: 'none' | 'tanh';
}

/** Routed SwiGLU experts, top-k per token, plus always-on shared experts. */
export interface MoeSpec {
  readonly kind: 'moe';
  readonly experts: number;
  readonly topK: number;
  readonly ffn: number;
  readonly sharedExperts: number;
  readonly sharedFfn: number;
  /** Qwen2-MoE: the shared expert's output is scaled by sigmoid(x w), w of hidden x 1. */
  readonly sharedGate: boolean;
  /**
   * Group-limited routing (DeepSeek-V3's node-limited routing: n_group, topk_group): the experts form
   * `count` equal groups and a token's top-k experts come from its `topK` best groups.
   */
  readonly groups?: { readonly count: number; readonly topK: number };
}

export type MlpSpec = GatedMlpSpec | GeluMlpSpec | MoeSpec;

export interface TransformerSpec {
  readonly modelType: string;
  readonly dtype: TensorDType;
  readonly hidden: number;
  readonly vocab: number;
  readonly maxPositions: number;
  readonly norm: NormSpec;
  /**
   * pre: each block normalizes its input and the stack ends with a final norm (GPT-2 and later);
   * post: each residual sum is normalized, and so are the embeddings (BERT);
   * sandwich: each sublayer's input and output are normalized, then the final norm (Gemma 2 and 3);
   * output: each sublayer's output is normalized before the residual add, then the final norm (OLMo 2).
   */
  readonly normPlacement: 'pre' | 'post' | 'sandwich' | 'output';
  /** GPT-NeoX/GPT-J: x + attention(norm1 x) + mlp(norm2 x) instead of two residual steps. */
  readonly parallelResidual: boolean;
  /** A learned absolute position table (GPT-2, BERT); otherwise rotary positions, which have no parameters. */
  readonly learnedPositions: boolean;
  /** Rows of BERT's segment (token type) table; 0 for none. */
  readonly tokenTypes: number;
  readonly causal: boolean;
  readonly attention: AttentionSpec;
  /** One per layer (DeepSeek mixes dense and MoE layers). */
  readonly mlps: readonly MlpSpec[];
  /** Per layer, the sliding attention window in tokens, or 0 for global attention; absent: all global. */
  readonly windows?: readonly number[];
  /** Gemma: the token embeddings are multiplied by sqrt(hidden); absent: 1. */
  readonly embeddingScale?: number;
  /** Gemma 2: logits = cap * tanh(logits / cap); absent: none. */
  readonly logitSoftcap?: number;
  /** A language-model head (tied: the embedding table transposed), or BERT's pooler. */
  readonly head: { readonly kind: 'lm'; readonly tied: boolean } | { readonly kind: 'pooler' };
}
