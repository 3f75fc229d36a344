/**
 * Gemma (1, 2, 3 text), Phi-3, Qwen3, Qwen2-MoE and OLMo (1, 2): the families users asked for after
 * the Llama-style ones. Defaults are those of each transformers config class (GemmaConfig,
 * Gemma2Config, Gemma3TextConfig, Phi3Config, Qwen3Config, Qwen2MoeConfig, OlmoConfig, Olmo2Config),
 * cited where used; sizes and counts are required, as in families.ts.
 */
import type { ArchitectureSpec, Family } from './family-parts.js';
import {
  HEAD_DIM_FIELDS,
  llamaStyle,
  multiHead,
  NEOX_FIELDS,
  rmsNorm,
  ROTARY_DECODER,
  routedExperts,
  sameForEvery,
  swiglu,
  decoderSizes,
} from './family-parts.js';
import type { GatedMlpSpec, MlpSpec } from './architecture.js';
import type { ConfigReader } from './config-reader.js';

interface GemmaStyle {
  readonly generation: 1 | 2 | 3;
  /** Per layer: the sliding window, or 0 for global attention. */
  readonly windows: (r: ConfigReader, layers: number) => number[];
}

/**
 * Gemma: GeGLU MLPs (gelu_pytorch_tanh), head_dim set apart from hidden / heads, embeddings scaled by
 * sqrt(hidden) and tied to the head (GemmaConfig: tie_word_embeddings True, rms_norm_eps 1e-6,
 * attention_bias False). Gemma 2 and 3 normalize each sublayer's input and output.
 */
function gemmaStyle(r: ConfigReader, o: GemmaStyle): ArchitectureSpec {
  const hidden = r.size('hidden_size');
  const layers = r.size('num_hidden_layers');
  const bias = r.flag('attention_bias', false);
  const attention = multiHead(
    r,
    HEAD_DIM_FIELDS,
    hidden,
    'required',
    { qkv: bias, out: bias },
    { qkNorm: o.generation === 3 ? 'head' : 'none' },
  );
  const mlp: GatedMlpSpec = {
    kind: 'gated',
    ffn: r.size('intermediate_size'),
    bias: false,
    activation: 'gelu_tanh',
    fused: false,
  };
  // Gemma2Config: final_logit_softcapping 30.0; Gemma3TextConfig: None (null in its configs).
  const softcap = o.generation === 2 ? r.positiveOrNull('final_logit_softcapping', 30) : undefined;
  const windows = o.generation === 1 ? undefined : o.windows(r, layers);
  return {
    ...ROTARY_DECODER,
    ...(o.generation === 1 ? {} : { normPlacement: 'sandwich' as const }),
    ...decoderSizes(r, hidden),
    norm: rmsNorm(r.positive('rms_norm_eps', 1e-6)),
    attention,
    mlps: sameForEvery(layers, mlp),
    ...(windows ? { windows } : {}),
    embeddingScale: Math.sqrt(hidden),
    ...(softcap !== undefined ? { logitSoftcap: softcap } : {}),
    head: { kind: 'lm', tied: r.flag('tie_word_embeddings', true) },
  };
}

/** Gemma 2: even layers (0, 2, ...) attend within sliding_window (Gemma2Config: 4096), odd ones globally. */
function alternatingWindows(r: ConfigReader, layers: number): number[] {
  const window = r.sizeOr('sliding_window', 4096);
  return Array.from({ length: layers }, (_, i) => (i % 2 === 0 ? window : 0));
}

/**
 * Gemma 3: layer_types when the config lists them; otherwise every sliding_window_pattern-th layer is
 * global (Gemma3TextConfig: pattern 6, sliding_window 4096).
 */
function patternWindows(r: ConfigReader, layers: number): number[] {
  const window = r.sizeOr('sliding_window', 4096);
  const types = r.strings('layer_types');
  if (types) {
    if (types.length !== layers)
      r.fail('layer_types', `layer_types lists ${types.length} layers; num_hidden_layers is ${layers}`);
    const bad = types.find((t) => t !== 'sliding_attention' && t !== 'full_attention');
    if (bad !== undefined)
      r.fail('layer_types', `layer_types has "${bad}" (needs sliding_attention or full_attention)`);
    return types.map((t) => (t === 'sliding_attention' ? window : 0));
  }
  const pattern = r.sizeOr('sliding_window_pattern', 6);
  return Array.from({ length: layers }, (_, i) => ((i + 1) % pattern === 0 ? 0 : window));
}

const gemma: Family = (r) => gemmaStyle(r, { generation: 1, windows: () => [] });
const gemma2: Family = (r) => gemmaStyle(r, { generation: 2, windows: alternatingWindows });
const gemma3Text: Family = (r) => gemmaStyle(r, { generation: 3, windows: patternWindows });

/**
 * Phi-3: fused qkv_proj and gate_up_proj, no biases; Phi3Config: num_key_value_heads None means
 * num_attention_heads, rms_norm_eps 1e-5, sliding_window None (Phi-3-mini-4k sets 2047, for every layer).
 */
function phi3(r: ConfigReader): ArchitectureSpec {
  const hidden = r.size('hidden_size');
  const layers = r.size('num_hidden_layers');
  const attention = multiHead(r, NEOX_FIELDS, hidden, 'heads', { qkv: false, out: false }, { fusedQkv: true });
  const mlp: GatedMlpSpec = { ...swiglu(r.size('intermediate_size'), false), fused: true };
  const window = r.has('sliding_window') ? r.size('sliding_window') : undefined;
  return {
    ...ROTARY_DECODER,
    ...decoderSizes(r, hidden),
    norm: rmsNorm(r.positive('rms_norm_eps', 1e-5)),
    attention,
    mlps: sameForEvery(layers, mlp),
    ...(window !== undefined ? { windows: new Array<number>(layers).fill(window) } : {}),
    head: { kind: 'lm', tied: r.flag('tie_word_embeddings', false) },
  };
}

/**
 * Qwen3: Llama with per-head RMSNorms on queries and keys; Qwen3Config: head_dim 128 (so required), attention_bias
 * False.
 */
function qwen3(r: ConfigReader): ArchitectureSpec {
  const bias = r.flag('attention_bias', false);
  return llamaStyle(r, {
    kvHeads: 'required',
    bias: { qkv: bias, out: bias, mlp: false },
    epsilon: 1e-6,
    experts: false,
    projections: { qkNorm: 'head' },
    fields: HEAD_DIM_FIELDS,
  });
}

/**
 * Qwen2-MoE: q, k and v biases; routed experts of moe_intermediate_size and one shared expert of
 * shared_expert_intermediate_size behind a sigmoid gate. Layer i is sparse unless it is listed in
 * mlp_only_layers or (i + 1) is not a multiple of decoder_sparse_step (Qwen2MoeDecoderLayer;
 * Qwen2MoeConfig: decoder_sparse_step 1, mlp_only_layers []); dense layers use intermediate_size.
 */
function qwen2Moe(r: ConfigReader): ArchitectureSpec {
  const base = llamaStyle(r, {
    kvHeads: 'required',
    bias: { qkv: true, out: false, mlp: false },
    epsilon: 1e-6,
    experts: false,
  });
  const sharedFfn = r.size('shared_expert_intermediate_size', 0);
  const moe = routedExperts(r, 'num_experts', r.size('moe_intermediate_size'), {
    count: sharedFfn > 0 ? 1 : 0,
    ffn: sharedFfn,
    gate: sharedFfn > 0,
  });
  const step = r.sizeOr('decoder_sparse_step', 1);
  const denseOnly = new Set(r.integers('mlp_only_layers', []));
  const mlps: MlpSpec[] = base.mlps.map((dense, i) => (!denseOnly.has(i) && (i + 1) % step === 0 ? moe : dense));
  return { ...base, mlps };
}

/**
 * OLMo: Llama-shaped, with LayerNorms that have no parameters (OlmoLayerNorm: eps 1e-5, fixed).
 * OlmoConfig: num_key_value_heads None means num_attention_heads, attention_bias False.
 */
function olmo(r: ConfigReader): ArchitectureSpec {
  const bias = r.flag('attention_bias', false);
  const spec = llamaStyle(r, {
    kvHeads: 'heads',
    bias: { qkv: bias, out: bias, mlp: false },
    epsilon: 1e-5,
    experts: false,
  });
  return { ...spec, norm: { op: 'LayerNormalization', epsilon: 1e-5, bias: false, scale: false } };
}

/**
 * OLMo 2: RMSNorm on each sublayer's output before the residual add (no input norms), and RMSNorms
 * over the whole query and key projections. Olmo2Config: rms_norm_eps 1e-5.
 */
function olmo2(r: ConfigReader): ArchitectureSpec {
  const bias = r.flag('attention_bias', false);
  const spec = llamaStyle(r, {
    kvHeads: 'heads',
    bias: { qkv: bias, out: bias, mlp: false },
    epsilon: 1e-5,
    experts: false,
    projections: { qkNorm: 'full' },
  });
  return { ...spec, normPlacement: 'output' };
}

export const RECENT_FAMILIES: ReadonlyArray<readonly [string, Family]> = [
  ['gemma', gemma],
  ['gemma2', gemma2],
  ['gemma3_text', gemma3Text],
  ['phi3', phi3],
  ['qwen3', qwen3],
  ['qwen2_moe', qwen2Moe],
  ['olmo', olmo],
  ['olmo2', olmo2],
];
