/**
 * Transformers of the zoo, each built from its published Hugging Face config.json (or, for GPT-3, the
 * paper's hyperparameters written as a GPT-2 config) by the Hugging Face importer.
 *
 * Default sequence lengths are each model's pre-training context: what a training estimate wants and
 * what serving estimates scale from. BERT's is 128, the length of 90% of its pre-training steps.
 *
 * Tolerances are the rounding of the published figure (half a unit of its last digit), except where
 * the figure is exact (tolerance 0).
 */
import { formatIssues } from '../../core/errors.js';
import { GraphError } from '../errors.js';
import { importHfConfig } from '../hf/index.js';
import type { Graph } from '../types.js';
import type { ZooEntry, ZooOptions } from './types.js';

/** Half a unit of the published figure's last digit, relative to it: 110M to the nearest 1M is 0.5/110. */
const roundedTo = (published: number, unit: number): number => unit / 2 / published;

type EntryData = Omit<ZooEntry, 'family' | 'build'> & { readonly config: Readonly<Record<string, unknown>> };

function transformer({ config, ...entry }: EntryData): ZooEntry {
  return {
    ...entry,
    config,
    family: 'transformer',
    build(options: ZooOptions): Graph {
      const result = importHfConfig(config, { ...options, fileName: `${entry.name} config` });
      if (!result.ok) throw new GraphError('bad_options', formatIssues(result.issues), { issues: result.issues });
      return { ...result.value, name: entry.name, source: { kind: 'zoo', citation: entry.citation } };
    },
  };
}

// bert-base-uncased and bert-large-uncased config.json (Hugging Face google-bert).
const BERT = {
  model_type: 'bert',
  hidden_act: 'gelu',
  layer_norm_eps: 1e-12,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  vocab_size: 30522,
  position_embedding_type: 'absolute',
};

const bertBase = transformer({
  name: 'bert-base',
  description: 'BERT-Base encoder (HF BertModel: embeddings, 12 layers, pooler; no pre-training heads)',
  citation:
    'Devlin et al. 2019, BERT, section 3: L=12, H=768, A=12, 110M parameters; config: ' +
    'huggingface.co/google-bert/bert-base-uncased',
  // Devlin et al.'s 110M includes the masked-LM and next-sentence heads (624,188 parameters); BertModel
  // has 109,482,240, 0.47% below, inside the rounding of "110M".
  publishedParameters: 110e6,
  parameterTolerance: 0.005,
  defaults: { batch: 1, seq: 128 },
  config: { ...BERT, hidden_size: 768, intermediate_size: 3072, num_attention_heads: 12, num_hidden_layers: 12 },
});

const bertLarge = transformer({
  name: 'bert-large',
  description: 'BERT-Large encoder (HF BertModel: embeddings, 24 layers, pooler; no pre-training heads)',
  citation:
    'Devlin et al. 2019, BERT, section 3: L=24, H=1024, A=16, 340M parameters; config: ' +
    'huggingface.co/google-bert/bert-large-uncased',
  // "340M" is given to two significant figures; BertModel has 335,141,888 (336.2M with the pre-training heads).
  publishedParameters: 340e6,
  parameterTolerance: roundedTo(340e6, 10e6),
  defaults: { batch: 1, seq: 128 },
  config: { ...BERT, hidden_size: 1024, intermediate_size: 4096, num_attention_heads: 16, num_hidden_layers: 24 },
});

const gpt2 = transformer({
  name: 'gpt2',
  description: 'GPT-2 small decoder, 12 layers, tied language-model head',
  citation:
    'Radford et al. 2019, GPT-2; config: huggingface.co/openai-community/gpt2; 124,439,808 parameters in HF ' +
    "GPT2LMHeadModel (openai/gpt-2 README: the paper's 117M was a miscount, since called 124M)",
  publishedParameters: 124_439_808,
  parameterTolerance: 0,
  defaults: { batch: 1, seq: 1024 },
  config: {
    model_type: 'gpt2',
    activation_function: 'gelu_new',
    layer_norm_epsilon: 1e-5,
    n_ctx: 1024,
    n_embd: 768,
    n_head: 12,
    n_layer: 12,
    n_positions: 1024,
    vocab_size: 50257,
  },
});

const gpt3 = transformer({
  name: 'gpt3-175b',
  description: 'GPT-3 175B decoder as a GPT-2-style model (dense attention in every layer), tied head',
  citation:
    'Brown et al. 2020, Language Models are Few-Shot Learners, Table 2.1: 96 layers, d_model 12288, 96 heads, ' +
    'd_head 128, n_ctx 2048; section 2.1: d_ff = 4 d_model, GPT-2 vocabulary (50257)',
  // Table 2.1 prints 175.0B, but its own hyperparameters give 174.6B (12 n_layer d_model^2 = 174.0B plus
  // embeddings), while its other rows (125M ... 13.0B) round correctly: 175 is the nominal size, read here
  // as the abstract's "175 billion", to three significant figures.
  publishedParameters: 175e9,
  parameterTolerance: roundedTo(175e9, 1e9),
  defaults: { batch: 1, seq: 2048 },
  config: {
    model_type: 'gpt2',
    activation_function: 'gelu_new',
    layer_norm_epsilon: 1e-5,
    n_embd: 12288,
    n_head: 96,
    n_inner: 49152,
    n_layer: 96,
    n_positions: 2048,
    vocab_size: 50257,
  },
});

// Meta-Llama-3-8B / -70B and Llama-3.1-405B config.json; the 405B model exists only as Llama 3.1.
const LLAMA3 = {
  model_type: 'llama',
  attention_bias: false,
  hidden_act: 'silu',
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 500000.0,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  vocab_size: 128256,
};
const LLAMA3_PAPER = 'Dubey et al. 2024, The Llama 3 Herd of Models, Table 3';

const llama3_8b = transformer({
  name: 'llama3-8b',
  description: 'Llama 3 8B decoder: grouped-query attention (8 KV heads), SwiGLU, untied head',
  citation: `${LLAMA3_PAPER}; config and size (8.03B params): huggingface.co/meta-llama/Meta-Llama-3-8B`,
  publishedParameters: 8.03e9,
  parameterTolerance: roundedTo(8.03e9, 0.01e9),
  defaults: { batch: 1, seq: 8192 },
  config: {
    ...LLAMA3,
    hidden_size: 4096,
    intermediate_size: 14336,
    max_position_embeddings: 8192,
    num_attention_heads: 32,
    num_hidden_layers: 32,
  },
});

const llama3_70b = transformer({
  name: 'llama3-70b',
  description: 'Llama 3 70B decoder: grouped-query attention (8 KV heads), SwiGLU, untied head',
  citation: `${LLAMA3_PAPER}; config and size (70.6B params): huggingface.co/meta-llama/Meta-Llama-3-70B`,
  publishedParameters: 70.6e9,
  parameterTolerance: roundedTo(70.6e9, 0.1e9),
  defaults: { batch: 1, seq: 8192 },
  config: {
    ...LLAMA3,
    hidden_size: 8192,
    intermediate_size: 28672,
    max_position_embeddings: 8192,
    num_attention_heads: 64,
    num_hidden_layers: 80,
  },
});

const llama3_405b = transformer({
  name: 'llama3-405b',
  description: 'Llama 3.1 405B decoder: 126 layers, grouped-query attention (8 KV heads), SwiGLU, untied head',
  citation:
    `${LLAMA3_PAPER}; config and size (406B params): huggingface.co/meta-llama/Llama-3.1-405B; pre-trained ` +
    `at 8K context`,
  publishedParameters: 406e9,
  parameterTolerance: roundedTo(406e9, 1e9),
  defaults: { batch: 1, seq: 8192 },
  config: {
    ...LLAMA3,
    hidden_size: 16384,
    intermediate_size: 53248,
    max_position_embeddings: 131072,
    mlp_bias: false,
    num_attention_heads: 128,
    num_hidden_layers: 126,
  },
});

const mixtral = transformer({
  name: 'mixtral-8x7b',
  description: 'Mixtral 8x7B: 32 layers of 8 SwiGLU experts, top-2 routing, grouped-query attention',
  citation:
    'Mistral AI, Mixtral of experts (2023-12-11): 46.7B total parameters, 12.9B per token; Jiang et al. 2024 ' +
    '(32k context); config: huggingface.co/mistralai/Mixtral-8x7B-v0.1',
  publishedParameters: 46.7e9,
  parameterTolerance: roundedTo(46.7e9, 0.1e9),
  defaults: { batch: 1, seq: 32768 },
  config: {
    model_type: 'mixtral',
    hidden_act: 'silu',
    hidden_size: 4096,
    intermediate_size: 14336,
    max_position_embeddings: 32768,
    num_attention_heads: 32,
    num_experts_per_tok: 2,
    num_hidden_layers: 32,
    num_key_value_heads: 8,
    num_local_experts: 8,
    rms_norm_eps: 1e-5,
    rope_theta: 1e6,
    sliding_window: null,
    tie_word_embeddings: false,
    torch_dtype: 'bfloat16',
    vocab_size: 32000,
  },
});

/**
 * A GPT-4-class mixture of experts as public estimates describe it (OpenAI has published none of it):
 * about 1.8T parameters over 120 layers, 16 experts with top-2 routing, about 280B active per token,
 * 8k context. Written as a Mixtral-style config: 96 heads of 128 (no grouped-query attention), SwiGLU
 * experts of 2 x hidden, the cl100k vocabulary.
 */
const gpt4Moe = transformer({
  name: 'gpt4-moe',
  description: 'A GPT-4-class MoE from public estimates: 120 layers, 16 SwiGLU experts, top-2 (not an OpenAI figure)',
  citation:
    'D. Patel and G. Wong, "GPT-4 Architecture, Infrastructure, Training Dataset, Costs, Vision, MoE", ' +
    'SemiAnalysis, 2023-07-10: ~1.8T parameters, 120 layers, 16 experts, top-2 (public estimate, not confirmed ' +
    'by OpenAI)',
  publishedParameters: 1.8e12,
  // An estimate, not a measurement: held to 1%.
  parameterTolerance: 0.01,
  defaults: { batch: 1, seq: 8192 },
  config: {
    model_type: 'mixtral',
    hidden_act: 'silu',
    hidden_size: 12288,
    intermediate_size: 24576,
    max_position_embeddings: 8192,
    num_attention_heads: 96,
    num_experts_per_tok: 2,
    num_hidden_layers: 120,
    num_key_value_heads: 96,
    num_local_experts: 16,
    rms_norm_eps: 1e-5,
    tie_word_embeddings: false,
    torch_dtype: 'bfloat16',
    vocab_size: 100256,
  },
});

const deepseekV3 = transformer({
  name: 'deepseek-v3',
  description:
    'DeepSeek-V3 main model (no multi-token-prediction module): multi-head latent attention, 3 dense then 58 MoE ' +
    'layers of 256 routed + 1 shared experts, top-8',
  citation:
    'DeepSeek-AI 2024, DeepSeek-V3 Technical Report: 671B total parameters, 37B activated, pre-trained at 4K ' +
    "context; config: huggingface.co/deepseek-ai/DeepSeek-V3 and README_WEIGHTS.md (the checkpoint's " +
    'multi-token-prediction module, 11.5B unique parameters, is not counted)',
  publishedParameters: 671e9,
  parameterTolerance: roundedTo(671e9, 1e9),
  defaults: { batch: 1, seq: 4096 },
  config: {
    model_type: 'deepseek_v3',
    first_k_dense_replace: 3,
    hidden_act: 'silu',
    hidden_size: 7168,
    intermediate_size: 18432,
    kv_lora_rank: 512,
    max_position_embeddings: 163840,
    moe_intermediate_size: 2048,
    moe_layer_freq: 1,
    n_group: 8,
    n_routed_experts: 256,
    n_shared_experts: 1,
    num_attention_heads: 128,
    num_experts_per_tok: 8,
    num_hidden_layers: 61,
    num_key_value_heads: 128,
    q_lora_rank: 1536,
    qk_nope_head_dim: 128,
    qk_rope_head_dim: 64,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    tie_word_embeddings: false,
    topk_group: 4,
    torch_dtype: 'bfloat16',
    v_head_dim: 128,
    vocab_size: 129280,
  },
});

export const TRANSFORMER_ZOO: readonly ZooEntry[] = [
  bertBase,
  bertLarge,
  gpt2,
  gpt3,
  llama3_8b,
  llama3_70b,
  llama3_405b,
  mixtral,
  gpt4Moe,
  deepseekV3,
];
