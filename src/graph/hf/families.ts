/**
 * Each supported Hugging Face `model_type`: the config.json fields it reads and the blocks it is made of.
 *
 * Which fields are required: those that give the model's dimensions (widths, layer, head and expert
 * counts, vocabulary, context, latent ranks), because a default would silently build another model.
 * Flags, epsilons and values HF derives from other fields take the default of the model's
 * transformers config class (LlamaConfig, GPT2Config, ...), cited where it is used.
 */
import type { AttentionSpec, MlpSpec, MoeSpec } from './architecture.js';
import type { ConfigReader } from './config-reader.js';
import {
  layerNorm,
  llamaStyle,
  multiHead,
  NEOX_FIELDS,
  NO_BIAS,
  rmsNorm,
  ROTARY_DECODER,
  routedExperts,
  sameForEvery,
  swiglu,
  type ArchitectureSpec,
  type Family,
  decoderSizes,
} from './family-parts.js';
import { RECENT_FAMILIES } from './families-recent.js';

function llama(r: ConfigReader): ArchitectureSpec {
  // LlamaConfig: attention_bias (q, k, v and o) and mlp_bias default to False, rms_norm_eps to 1e-6,
  // and a missing num_key_value_heads means num_attention_heads.
  const attentionBias = r.flag('attention_bias', false);
  return llamaStyle(r, {
    kvHeads: 'heads',
    bias: { qkv: attentionBias, out: attentionBias, mlp: r.flag('mlp_bias', false) },
    epsilon: 1e-6,
    experts: false,
  });
}

// MistralConfig and Qwen2Config: rms_norm_eps 1e-6; MixtralConfig: 1e-5. Their num_key_value_heads
// defaults are fixed numbers (8, 8, 32), not the head count, so the field is required.
const mistral: Family = (r) => llamaStyle(r, { kvHeads: 'required', bias: NO_BIAS, epsilon: 1e-6, experts: false });
const mixtral: Family = (r) => llamaStyle(r, { kvHeads: 'required', bias: NO_BIAS, epsilon: 1e-5, experts: true });
// Qwen2Attention: q, k and v projections have biases, o_proj does not.
const qwen2: Family = (r) =>
  llamaStyle(r, { kvHeads: 'required', bias: { qkv: true, out: false, mlp: false }, epsilon: 1e-6, experts: false });

function gpt2(r: ConfigReader): ArchitectureSpec {
  const hidden = r.size('n_embd');
  const layers = r.size('n_layer');
  // c_attn and c_proj carry biases; the fused c_attn (n_embd x 3 n_embd) is built as q, k, v.
  const attention = multiHead(r, { hidden: 'n_embd', heads: 'n_head', headDim: false }, hidden, 'none', {
    qkv: true,
    out: true,
  });
  // GPT2Config: n_inner None means 4 x n_embd; activation_function defaults to gelu_new (tanh form).
  const mlp: MlpSpec = { kind: 'gelu', ffn: r.sizeOr('n_inner', 4 * hidden), bias: true, approximate: 'tanh' };
  return {
    modelType: r.modelType,
    hidden,
    vocab: r.size('vocab_size'),
    maxPositions: r.context('n_positions'),
    // GPT2Config: layer_norm_epsilon 1e-5; PretrainedConfig: tie_word_embeddings True.
    norm: layerNorm(r.positive('layer_norm_epsilon', 1e-5)),
    normPlacement: 'pre',
    parallelResidual: false,
    learnedPositions: true,
    tokenTypes: 0,
    causal: true,
    attention,
    mlps: sameForEvery(layers, mlp),
    head: { kind: 'lm', tied: r.flag('tie_word_embeddings', true) },
  };
}

function gptNeox(r: ConfigReader): ArchitectureSpec {
  const hidden = r.size('hidden_size');
  const layers = r.size('num_hidden_layers');
  // GPTNeoXConfig: attention_bias True (query_key_value and dense), hidden_act gelu (exact).
  const bias = r.flag('attention_bias', true);
  const attention = multiHead(r, NEOX_FIELDS, hidden, 'none', { qkv: bias, out: bias });
  const mlp: MlpSpec = { kind: 'gelu', ffn: r.size('intermediate_size'), bias: true, approximate: 'none' };
  // GPTNeoXConfig: rotary_pct 0.25. Rotating part of each head changes no shape, so it is only checked.
  r.fraction('rotary_pct', 0.25);
  return {
    ...decoderSizes(r, hidden),
    // GPTNeoXConfig: layer_norm_eps 1e-5, use_parallel_residual True, tie_word_embeddings False.
    norm: layerNorm(r.positive('layer_norm_eps', 1e-5)),
    normPlacement: 'pre',
    parallelResidual: r.flag('use_parallel_residual', true),
    learnedPositions: false,
    tokenTypes: 0,
    causal: true,
    attention,
    mlps: sameForEvery(layers, mlp),
    head: { kind: 'lm', tied: r.flag('tie_word_embeddings', false) },
  };
}

function bert(r: ConfigReader): ArchitectureSpec {
  const hidden = r.size('hidden_size');
  const layers = r.size('num_hidden_layers');
  const attention = multiHead(r, NEOX_FIELDS, hidden, 'none', { qkv: true, out: true });
  const mlp: MlpSpec = { kind: 'gelu', ffn: r.size('intermediate_size'), bias: true, approximate: 'none' };
  return {
    ...decoderSizes(r, hidden),
    // BertConfig: layer_norm_eps 1e-12.
    norm: layerNorm(r.positive('layer_norm_eps', 1e-12)),
    normPlacement: 'post',
    parallelResidual: false,
    learnedPositions: true,
    tokenTypes: r.size('type_vocab_size'),
    causal: false,
    attention,
    mlps: sameForEvery(layers, mlp),
    // HF BertModel: a pooler and no language-model head.
    head: { kind: 'pooler' },
  };
}

function latentAttention(r: ConfigReader): AttentionSpec {
  return {
    kind: 'latent',
    heads: r.size('num_attention_heads'),
    qLoraRank: r.sizeOrNull('q_lora_rank'),
    kvLoraRank: r.size('kv_lora_rank'),
    nopeDim: r.size('qk_nope_head_dim'),
    ropeDim: r.size('qk_rope_head_dim'),
    valueDim: r.size('v_head_dim'),
  };
}

function deepseekV3(r: ConfigReader): ArchitectureSpec {
  const hidden = r.size('hidden_size');
  const layers = r.size('num_hidden_layers');
  const attention = latentAttention(r);
  const dense: MlpSpec = swiglu(r.size('intermediate_size'), false);
  const expertFfn = r.size('moe_intermediate_size');
  // n_shared_experts null means none; HF builds the shared experts as one MLP n_shared x wider, which
  // has the same parameters and work as n_shared experts of moe_intermediate_size.
  const shared = r.sizeOrNull('n_shared_experts', 0) ?? 0;
  const routed = routedExperts(r, 'n_routed_experts', expertFfn, { count: shared, ffn: expertFfn });
  // DeepseekV3Config: n_group 8 and topk_group 4 in the released config (group-limited routing,
  // report section 2.1.2: each token sent to at most 4 nodes); absent or 1 means plain top-k.
  const groupCount = r.sizeOr('n_group', 1);
  const groupTopK = r.sizeOr('topk_group', groupCount);
  if (groupCount > 1 && (routed.experts % groupCount !== 0 || groupTopK > groupCount))
    r.fail(
      'n_group',
      `n_group ${groupCount} must divide n_routed_experts ${routed.experts} and be at least topk_group ${groupTopK}`,
    );
  const moe: MoeSpec =
    groupCount > 1 && groupTopK < groupCount ? { ...routed, groups: { count: groupCount, topK: groupTopK } } : routed;
  // DeepseekV3Config: first_k_dense_replace 3, moe_layer_freq 1; layer i is MoE when
  // i >= first_k_dense_replace and i % moe_layer_freq == 0 (DeepseekV3DecoderLayer).
  const firstDense = r.sizeOr('first_k_dense_replace', 3, 0);
  const every = r.sizeOr('moe_layer_freq', 1);
  return {
    ...ROTARY_DECODER,
    ...decoderSizes(r, hidden),
    // DeepseekV3Config: rms_norm_eps 1e-6, tie_word_embeddings False.
    norm: rmsNorm(r.positive('rms_norm_eps', 1e-6)),
    attention,
    mlps: Array.from({ length: layers }, (_, i) => (i >= firstDense && i % every === 0 ? moe : dense)),
    head: { kind: 'lm', tied: r.flag('tie_word_embeddings', false) },
  };
}

export const FAMILIES: ReadonlyMap<string, Family> = new Map<string, Family>([
  ['llama', llama],
  ['mistral', mistral],
  ['mixtral', mixtral],
  ['qwen2', qwen2],
  ['gpt2', gpt2],
  ['gpt_neox', gptNeox],
  ['deepseek_v3', deepseekV3],
  ['bert', bert],
  ...RECENT_FAMILIES,
]);
