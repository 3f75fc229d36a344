import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../core/errors.js';
import { parameterCount, summarizeGraph } from '../analysis.js';
import type { Graph, GraphNode } from '../types.js';
import { HF_MODEL_TYPES, importHfConfig, type HfImportOptions } from './index.js';

const opts: HfImportOptions = { batch: 2, seq: 16 };

function build(config: Record<string, unknown>, options = opts): Graph {
  const r = importHfConfig(config, options);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

function issuesOf(config: unknown, options = opts): string[] {
  const r = importHfConfig(config, options);
  if (r.ok) throw new Error('expected issues');
  return r.issues.map((i) => `${i.code} | ${i.path} | ${i.message}`);
}

const nodes = (g: Graph, op: string): GraphNode[] => g.nodes.filter((n) => n.op === op);
const shapeOf = (g: Graph, tensor: string): readonly number[] => g.tensors[tensor]!.shape;

// h 64, 4 heads of 16, 2 KV heads (width 32), SwiGLU 96, vocabulary 100.
const LLAMA = {
  model_type: 'llama',
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  intermediate_size: 96,
  vocab_size: 100,
  max_position_embeddings: 128,
};
const LLAMA_ATTENTION = 64 * 64 + 2 * 64 * 32 + 64 * 64; // q, k, v, o
const LLAMA_LAYER = LLAMA_ATTENTION + 3 * 64 * 96 + 2 * 64; // + gate, up, down, two RMSNorm scales
const LLAMA_PARAMETERS = 100 * 64 + 2 * LLAMA_LAYER + 64 + 64 * 100; // embedding, layers, final norm, head

describe('Hugging Face config import: llama family', () => {
  it('builds a llama decoder with GQA, SwiGLU and an untied head', () => {
    const g = build(LLAMA);
    expect(parameterCount(g)).toBe(LLAMA_PARAMETERS);
    expect(g.outputs).toEqual(['logits']);
    expect(shapeOf(g, 'logits')).toEqual([2, 16, 100]);
    expect(g.tensors['input_ids']).toMatchObject({ dtype: 'int64', shape: [2, 16], kind: 'input' });
    expect(g.tensors['layers.0.self_attn.q_proj.weight']).toMatchObject({
      dtype: 'bf16',
      shape: [64, 64],
      kind: 'weight',
    });
    expect(g.source).toEqual({ kind: 'huggingface', file: 'config.json' });
    expect(nodes(g, 'Attention').map((n) => n.attrs)).toEqual(
      [0, 1].map(() => ({ num_heads: 4, kv_heads: 2, causal: 1 })),
    );
    expect(nodes(g, 'RMSNormalization')).toHaveLength(5);
    expect(nodes(g, 'Silu')).toHaveLength(2);
    expect(() => summarizeGraph(g)).not.toThrow();
  });

  it('adds the biases attention_bias and mlp_bias ask for, and head_dim when given', () => {
    const biased = build({ ...LLAMA, attention_bias: true, mlp_bias: true });
    expect(parameterCount(biased)).toBe(LLAMA_PARAMETERS + 2 * (64 + 32 + 32 + 64) + 2 * (96 + 96 + 64));
    const wide = build({ ...LLAMA, head_dim: 32 });
    expect(parameterCount(wide)).toBe(LLAMA_PARAMETERS + 2 * (64 * 64 + 2 * 64 * 32 + 64 * 64));
    expect(shapeOf(wide, 'layers.0.self_attn')).toEqual([2, 16, 128]);
  });

  it('defaults num_key_value_heads to the head count (LlamaConfig) and ties the head through a Transpose', () => {
    const g = build({ ...LLAMA, num_key_value_heads: undefined, tie_word_embeddings: true });
    expect(parameterCount(g)).toBe(LLAMA_PARAMETERS - 64 * 100 + 2 * 2 * 64 * 32);
    expect(nodes(g, 'Transpose')[0]!.inputs).toEqual(['embed_tokens.weight']);
    expect(shapeOf(g, 'logits')).toEqual([2, 16, 100]);
  });

  it('builds mistral like llama, requiring num_key_value_heads', () => {
    expect(parameterCount(build({ ...LLAMA, model_type: 'mistral' }))).toBe(LLAMA_PARAMETERS);
    expect(issuesOf({ ...LLAMA, model_type: 'mistral', num_key_value_heads: undefined })).toEqual([
      'missing | config.json: num_key_value_heads | num_key_value_heads is missing (mistral needs an integer >= 1)',
    ]);
  });

  it('gives qwen2 biases on q, k and v only', () => {
    expect(parameterCount(build({ ...LLAMA, model_type: 'qwen2' }))).toBe(LLAMA_PARAMETERS + 2 * (64 + 32 + 32));
  });

  it('builds mixtral layers as routed SwiGLU experts with a router', () => {
    const g = build({ ...LLAMA, model_type: 'mixtral', num_local_experts: 4, num_experts_per_tok: 2 });
    const layer = LLAMA_ATTENTION + 64 * 4 + 4 * 3 * 64 * 96 + 2 * 64;
    expect(parameterCount(g)).toBe(100 * 64 + 2 * layer + 64 + 64 * 100);
    expect(nodes(g, 'MoE').map((n) => n.attrs)).toEqual(
      [0, 1].map(() => ({ experts: 4, top_k: 2, ffn_hidden: 96, shared_experts: 0, shared_ffn_hidden: 0, gated: 1 })),
    );
    expect(shapeOf(g, 'layers.0.mlp.experts.gate_up_proj')).toEqual([4, 64, 192]);
    expect(() => summarizeGraph(g)).not.toThrow();
  });

  it('builds in fp32 when the config says float32', () => {
    const g = build({ ...LLAMA, torch_dtype: 'float32' });
    expect(g.tensors['embed_tokens.weight']!.dtype).toBe('fp32');
    expect(g.tensors['logits']!.dtype).toBe('fp32');
    // transformers >= 4.56 writes dtype instead of torch_dtype.
    expect(build({ ...LLAMA, dtype: 'float16' }).tensors['embed_tokens.weight']!.dtype).toBe('fp16');
  });
});

const GPT2 = { model_type: 'gpt2', n_embd: 64, n_layer: 2, n_head: 4, n_positions: 32, vocab_size: 100 };

describe('Hugging Face config import: GPT-2, GPT-NeoX, BERT', () => {
  it('builds gpt2 with learned positions, biases, gelu_new and a tied head', () => {
    const g = build(GPT2);
    // 12 h^2 + 13 h per layer (q, k, v, o, 4h MLP, their biases, two LayerNorms).
    expect(parameterCount(g)).toBe(100 * 64 + 32 * 64 + 2 * (12 * 64 * 64 + 13 * 64) + 2 * 64);
    expect(g.tensors['position_ids']!.data).toEqual(Float64Array.from({ length: 16 }, (_, i) => i));
    expect(shapeOf(g, 'position_embeddings')).toEqual([16, 64]);
    expect(nodes(g, 'Gelu')[0]!.attrs).toEqual({ approximate: 'tanh' });
    expect(nodes(g, 'Transpose')).toHaveLength(1);
    expect(shapeOf(g, 'logits')).toEqual([2, 16, 100]);
  });

  it('builds gpt_neox with a parallel residual unless use_parallel_residual is false', () => {
    const neox = {
      model_type: 'gpt_neox',
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 256,
      vocab_size: 100,
      max_position_embeddings: 64,
      rotary_pct: 0.25,
    };
    const g = build(neox);
    const layer = 4 * 64 * 64 + 4 * 64 + 2 * 64 * 256 + 256 + 64 + 4 * 64;
    expect(parameterCount(g)).toBe(100 * 64 + 2 * layer + 2 * 64 + 64 * 100);
    const mlpNorm = (graph: Graph): string =>
      graph.nodes.find((n) => n.name === 'layers.1.post_attention_layernorm')!.inputs[0]!;
    expect(mlpNorm(g)).toBe('layers.0.mlp_residual');
    expect(mlpNorm(build({ ...neox, use_parallel_residual: false }))).toBe('layers.1.attention_residual');
    expect(parameterCount(build({ ...neox, attention_bias: false }))).toBe(parameterCount(g) - 2 * 4 * 64);
  });

  it('builds bert as a post-norm encoder with token types and a pooler, without a head', () => {
    const g = build({
      model_type: 'bert',
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 256,
      vocab_size: 100,
      max_position_embeddings: 32,
      type_vocab_size: 2,
    });
    const layer = 4 * 64 * 64 + 4 * 64 + 2 * 64 * 256 + 256 + 64 + 4 * 64;
    expect(parameterCount(g)).toBe((100 + 32 + 2) * 64 + 2 * 64 + 2 * layer + 64 * 64 + 64);
    expect(g.outputs).toEqual(['layers.1.output_layernorm', 'pooler_output']);
    expect(shapeOf(g, 'pooler_output')).toEqual([2, 64]);
    expect(shapeOf(g, 'layers.1.output_layernorm')).toEqual([2, 16, 64]);
    expect(nodes(g, 'Attention')[0]!.attrs['causal']).toBe(0);
    expect(g.tensors['token_type_ids']!.data).toEqual(new Float64Array(16));
    expect(nodes(g, 'LayerNormalization')[0]!.name).toBe('embeddings.norm');
    expect(nodes(g, 'MatMul').some((n) => n.name === 'logits')).toBe(false);
  });
});

// h 64, 4 heads; q latent 32, kv latent 16, per head 8 no-rope + 4 rope query/key dims and 8 value dims.
const DEEPSEEK = {
  model_type: 'deepseek_v3',
  hidden_size: 64,
  num_hidden_layers: 3,
  num_attention_heads: 4,
  q_lora_rank: 32,
  kv_lora_rank: 16,
  qk_nope_head_dim: 8,
  qk_rope_head_dim: 4,
  v_head_dim: 8,
  intermediate_size: 128,
  moe_intermediate_size: 16,
  n_routed_experts: 8,
  num_experts_per_tok: 2,
  n_shared_experts: 1,
  first_k_dense_replace: 1,
  moe_layer_freq: 1,
  vocab_size: 100,
  max_position_embeddings: 64,
};
const MLA = 64 * 32 + 32 + 32 * 4 * 12 + 64 * (16 + 4) + 16 + 16 * 4 * (8 + 8) + 4 * 8 * 64;
const DENSE = 3 * 64 * 128;
const MOE = 64 * 8 + 8 * 3 * 64 * 16 + 3 * 64 * 16; // router, routed experts, one shared expert

describe('Hugging Face config import: DeepSeek-V3', () => {
  it('builds multi-head latent attention, dense then MoE layers', () => {
    const g = build(DEEPSEEK);
    expect(parameterCount(g)).toBe(2 * 100 * 64 + 3 * (MLA + 2 * 64) + DENSE + 2 * MOE + 64);
    const attention = nodes(g, 'Attention')[0]!;
    expect(attention.attrs).toEqual({ num_heads: 4, kv_heads: 4, causal: 1 });
    expect(attention.inputs.map((t) => shapeOf(g, t))).toEqual([
      [2, 16, 48],
      [2, 16, 48],
      [2, 16, 32],
    ]);
    expect(shapeOf(g, 'layers.0.self_attn')).toEqual([2, 16, 32]);
    expect(nodes(g, 'MoE').map((n) => n.name)).toEqual(['layers.1.mlp', 'layers.2.mlp']);
    expect(nodes(g, 'MoE')[0]!.attrs).toMatchObject({
      experts: 8,
      top_k: 2,
      ffn_hidden: 16,
      shared_experts: 1,
      shared_ffn_hidden: 16,
    });
    expect(shapeOf(g, 'logits')).toEqual([2, 16, 100]);
    expect(() => summarizeGraph(g)).not.toThrow();
  });

  it('projects queries directly when q_lora_rank is null and places MoE layers by moe_layer_freq', () => {
    const direct = build({ ...DEEPSEEK, q_lora_rank: null, n_shared_experts: null });
    const mla = MLA - (64 * 32 + 32 + 32 * 4 * 12) + 64 * 4 * 12;
    expect(parameterCount(direct)).toBe(2 * 100 * 64 + 3 * (mla + 2 * 64) + DENSE + 2 * (MOE - 3 * 64 * 16) + 64);
    const sparse = build({ ...DEEPSEEK, moe_layer_freq: 2 });
    expect(nodes(sparse, 'MoE').map((n) => n.name)).toEqual(['layers.2.mlp']);
  });
});

describe('Hugging Face config import: problems', () => {
  it('lists the supported model types', () => {
    expect(HF_MODEL_TYPES).toEqual([
      'llama',
      'mistral',
      'mixtral',
      'qwen2',
      'gpt2',
      'gpt_neox',
      'deepseek_v3',
      'bert',
      'gemma',
      'gemma2',
      'gemma3_text',
      'phi3',
      'qwen3',
      'qwen2_moe',
      'olmo',
      'olmo2',
    ]);
  });

  it('names a missing required field, its model type and what it needs', () => {
    expect(issuesOf({ ...LLAMA, num_hidden_layers: undefined })).toEqual([
      'missing | config.json: num_hidden_layers | num_hidden_layers is missing (llama needs an integer >= 1)',
    ]);
  });

  it('reports every wrong field at once, with its value', () => {
    const bad = {
      ...LLAMA,
      hidden_size: '64',
      num_hidden_layers: 0,
      vocab_size: null,
      rms_norm_eps: -1,
      tie_word_embeddings: 'yes',
      torch_dtype: 'int8',
    };
    expect(issuesOf(bad, { ...opts, fileName: 'llama/config.json' })).toEqual([
      'invalid_type | llama/config.json: hidden_size | hidden_size is "64" (llama needs an integer >= 1)',
      'bad_value | llama/config.json: num_hidden_layers | num_hidden_layers is 0 (llama needs an integer >= 1)',
      'invalid_type | llama/config.json: vocab_size | vocab_size is null (llama needs an integer >= 1)',
      'bad_value | llama/config.json: rms_norm_eps | rms_norm_eps is -1 (llama needs a number > 0)',
      'invalid_type | llama/config.json: tie_word_embeddings | tie_word_embeddings is "yes" (llama needs true or ' +
        'false)',
      'invalid_enum | llama/config.json: torch_dtype | torch_dtype is "int8" (llama needs one of float32, ' +
        'bfloat16, float16)',
    ]);
  });

  it('bounds sizes and the layer count, so a huge value is an issue rather than a hang (fuzz cases)', () => {
    // Found by test/fuzz.test.ts: num_hidden_layers 1e308 was an internal error (Invalid array length),
    // 2147483647 never finished, and vocab_size 1e308 printed Infinity bytes.
    expect(issuesOf({ ...LLAMA, num_hidden_layers: 1e308, vocab_size: 1e308 })).toEqual([
      'too_big | config.json: num_hidden_layers | num_hidden_layers is 1e+308, above the limit 1024 (llama needs ' +
        'an integer from 1 to 1024)',
      'too_big | config.json: vocab_size | vocab_size is 1e+308, above the limit 16777216 (llama needs an ' +
        'integer from 1 to 16777216)',
    ]);
    expect(issuesOf({ ...GPT2, n_layer: 2147483647 })).toEqual([
      'too_big | config.json: n_layer | n_layer is 2147483647, above the limit 1024 (gpt2 needs an integer from ' +
        '1 to 1024)',
    ]);
    expect(importHfConfig({ ...LLAMA, num_hidden_layers: 1024, vocab_size: 2 ** 24 }, opts).ok).toBe(true);
  });

  it('checks relations between fields without repeating a bad field', () => {
    expect(issuesOf({ ...LLAMA, num_attention_heads: 5, num_key_value_heads: 2 })).toEqual([
      'bad_value | config.json: num_key_value_heads | num_key_value_heads 2 does not divide num_attention_heads 5',
      'bad_value | config.json: num_attention_heads | num_attention_heads 5 does not divide hidden_size 64',
    ]);
    expect(issuesOf({ ...LLAMA, hidden_size: 'x' })).toEqual([
      'invalid_type | config.json: hidden_size | hidden_size is "x" (llama needs an integer >= 1)',
    ]);
    expect(issuesOf({ ...LLAMA, model_type: 'mixtral', num_local_experts: 2, num_experts_per_tok: 3 })).toEqual([
      'bad_value | config.json: num_experts_per_tok | num_experts_per_tok 3 exceeds num_local_experts 2',
    ]);
  });

  it('names an unknown or missing model_type and the supported ones', () => {
    expect(issuesOf({ ...LLAMA, model_type: 'lama' })).toEqual([
      "unknown_name | config.json: model_type | unknown model_type 'lama'; did you mean 'llama'? (known: llama, " +
        'mistral, mixtral, qwen2, gpt2, gpt_neox, deepseek_v3, bert, gemma, gemma2, gemma3_text, phi3, qwen3, ' +
        'qwen2_moe, olmo, olmo2)',
    ]);
    expect(issuesOf({ ...LLAMA, model_type: undefined })).toEqual([
      'missing | config.json: model_type | model_type is missing (needs one of llama, mistral, mixtral, qwen2, ' +
        'gpt2, gpt_neox, deepseek_v3, bert, gemma, gemma2, gemma3_text, phi3, qwen3, qwen2_moe, olmo, olmo2)',
    ]);
    expect(issuesOf([1, 2])).toEqual(['invalid_type | config.json | config.json is an array, not a JSON object']);
  });

  it('rejects a sequence longer than the context and a bad batch, with the config problems', () => {
    expect(issuesOf(GPT2, { batch: 1, seq: 33 })).toEqual([
      'too_big | seq | seq 33 exceeds n_positions 32 in config.json',
    ]);
    expect(issuesOf({ ...LLAMA, intermediate_size: 1.5 }, { batch: 0, seq: 2.5 })).toEqual([
      'bad_value | config.json: intermediate_size | intermediate_size is 1.5 (llama needs an integer >= 1)',
      'bad_value | batch | batch is 0 (needs an integer >= 1)',
      'bad_value | seq | seq is 2.5 (needs an integer >= 1)',
    ]);
  });

  it("reads each family's own required fields", () => {
    const deepseek = [
      'hidden_size',
      'num_hidden_layers',
      'num_attention_heads',
      'q_lora_rank',
      'kv_lora_rank',
      'qk_nope_head_dim',
      'qk_rope_head_dim',
      'v_head_dim',
    ];
    deepseek.push(
      'intermediate_size',
      'moe_intermediate_size',
      'n_shared_experts',
      'n_routed_experts',
      'num_experts_per_tok',
      'vocab_size',
      'max_position_embeddings',
    );
    expect(issuesOf({ model_type: 'deepseek_v3' }).map((i) => i.split(' | ')[1])).toEqual(
      deepseek.map((f) => `config.json: ${f}`),
    );
    expect(issuesOf({ model_type: 'bert' }).at(-1)).toBe(
      'missing | config.json: type_vocab_size | type_vocab_size is missing (bert needs an integer >= 1)',
    );
    expect(issuesOf({ model_type: 'deepseek_v3' })[3]).toBe(
      'missing | config.json: q_lora_rank | q_lora_rank is missing (deepseek_v3 needs an integer >= 1 or null)',
    );
  });
});
