/**
 * A `TransformerSpec` as a graph for one batch and sequence length. Weights carry shapes only.
 * Every family uses Llama's Hugging Face module names (embed_tokens, layers.N.self_attn.q_proj, ...), so
 * graphs of different families read alike. Rotary position encoding is not built: it
 * has no parameters and costs a few vector operations per query and key element.
 */
import { GraphBuilder } from '../build.js';
import type { Graph, GraphSource } from '../types.js';
import type {
  GatedMlpSpec,
  GeluMlpSpec,
  LatentSpec,
  MlpSpec,
  MoeSpec,
  MultiHeadSpec,
  NormSpec,
  TransformerSpec,
} from './architecture.js';

interface Ctx {
  readonly g: GraphBuilder;
  readonly spec: TransformerSpec;
  readonly batch: number;
  readonly seq: number;
}

/** x W (+ b), W stored (inputs, outputs) so a MatMul reads it directly. */
function linear(c: Ctx, x: string, name: string, inputs: number, outputs: number, bias: boolean): string {
  const y = c.g.add('MatMul', [x, c.g.weight(`${name}.weight`, [inputs, outputs])], {}, name);
  return bias ? c.g.add('Add', [y, c.g.weight(`${name}.bias`, [outputs])], {}, `${name}.bias_add`) : y;
}

function normalize(c: Ctx, x: string, name: string, width: number, norm: NormSpec = c.spec.norm): string {
  // A norm without a learned scale (OLMo) reads a constant scale of ones, which is no parameter.
  const scale = norm.scale
    ? c.g.weight(`${name}.weight`, [width])
    : c.g.constant(`${name}.ones`, new Array<number>(width).fill(1), c.spec.dtype);
  const inputs = [x, scale];
  if (norm.bias) inputs.push(c.g.weight(`${name}.bias`, [width]));
  return c.g.add(norm.op, inputs, { epsilon: norm.epsilon, axis: -1 }, name);
}

function slice(c: Ctx, x: string, name: string, axis: number, start: number, end: number): string {
  const k = (what: string, value: number): string => c.g.constant(`${name}.${what}`, [value]);
  return c.g.add('Slice', [x, k('starts', start), k('ends', end), k('axes', axis)], {}, name);
}

function reshape(c: Ctx, x: string, name: string, shape: readonly number[]): string {
  return c.g.add('Reshape', [x, c.g.constant(`${name}.shape`, shape)], {}, name);
}

/** Adds rows of a learned table, picked by constant ids (positions, token types). */
function addLookup(c: Ctx, x: string, name: string, rows: number, ids: readonly number[]): string {
  const table = c.g.weight(`${name}_embeddings.weight`, [rows, c.spec.hidden]);
  const picked = c.g.add('Gather', [table, c.g.constant(`${name}_ids`, ids)], {}, `${name}_embeddings`);
  return c.g.add('Add', [x, picked], {}, `${name}_embeddings.add`);
}

function embed(c: Ctx, ids: string, table: string): string {
  const { spec, seq } = c;
  let x = c.g.add('Gather', [table, ids], {}, 'embed_tokens');
  if (spec.embeddingScale !== undefined)
    x = c.g.add('Mul', [x, c.g.constant('embed_scale', [spec.embeddingScale], spec.dtype)], {}, 'embed_tokens.scaled');
  if (spec.learnedPositions)
    x = addLookup(
      c,
      x,
      'position',
      spec.maxPositions,
      Array.from({ length: seq }, (_, i) => i),
    );
  // BERT's segment ids: all zeros, a single-segment input.
  if (spec.tokenTypes > 0) x = addLookup(c, x, 'token_type', spec.tokenTypes, new Array<number>(seq).fill(0));
  return spec.normPlacement === 'post' ? normalize(c, x, 'embeddings.norm', spec.hidden) : x;
}

function attentionNode(
  c: Ctx,
  q: string,
  k: string,
  v: string,
  name: string,
  heads: number,
  kvHeads: number,
  window = 0,
): string {
  const attrs = {
    num_heads: heads,
    kv_heads: kvHeads,
    causal: c.spec.causal ? 1 : 0,
    ...(window > 0 ? { window } : {}),
  };
  return c.g.add('Attention', [q, k, v], attrs, name);
}

/** Queries, keys and values: three projections, or one fused projection sliced in three (Phi-3). */
function projectQkv(c: Ctx, x: string, p: string, a: MultiHeadSpec): [string, string, string] {
  const h = c.spec.hidden;
  const [q, kv] = [a.heads * a.headDim, a.kvHeads * a.headDim];
  if (!a.fusedQkv)
    return [
      linear(c, x, `${p}.q_proj`, h, q, a.qkvBias),
      linear(c, x, `${p}.k_proj`, h, kv, a.qkvBias),
      linear(c, x, `${p}.v_proj`, h, kv, a.qkvBias),
    ];
  const qkv = linear(c, x, `${p}.qkv_proj`, h, q + 2 * kv, a.qkvBias);
  return [
    slice(c, qkv, `${p}.q`, 2, 0, q),
    slice(c, qkv, `${p}.k`, 2, q, q + kv),
    slice(c, qkv, `${p}.v`, 2, q + kv, q + 2 * kv),
  ];
}

/** RMSNorm of queries or keys: per head (one headDim scale shared by the heads) or over the whole width. */
function normalizeHeads(c: Ctx, x: string, name: string, heads: number, a: MultiHeadSpec): string {
  const rms: NormSpec = { ...c.spec.norm, op: 'RMSNormalization', bias: false, scale: true };
  if (a.qkNorm === 'full') return normalize(c, x, name, heads * a.headDim, rms);
  const perHead = reshape(c, x, `${name}.heads`, [c.batch, c.seq, heads, a.headDim]);
  return reshape(c, normalize(c, perHead, name, a.headDim, rms), `${name}.rows`, [c.batch, c.seq, heads * a.headDim]);
}

function multiHead(c: Ctx, x: string, p: string, a: MultiHeadSpec, window: number): string {
  let [q, k, v] = projectQkv(c, x, p, a);
  if (a.qkNorm !== 'none')
    [q, k] = [normalizeHeads(c, q, `${p}.q_norm`, a.heads, a), normalizeHeads(c, k, `${p}.k_norm`, a.kvHeads, a)];
  const o = attentionNode(c, q, k, v, p, a.heads, a.kvHeads, window);
  return linear(c, o, `${p}.o_proj`, a.heads * a.headDim, c.spec.hidden, a.outBias);
}

/** Queries through the q_lora_rank latent and its RMSNorm, or directly when the config has no latent. */
function latentQuery(c: Ctx, x: string, p: string, a: LatentSpec, rms: NormSpec): string {
  const h = c.spec.hidden;
  const width = a.heads * (a.nopeDim + a.ropeDim);
  if (a.qLoraRank === undefined) return linear(c, x, `${p}.q_proj`, h, width, false);
  const latentQ = normalize(
    c,
    linear(c, x, `${p}.q_a_proj`, h, a.qLoraRank, false),
    `${p}.q_a_layernorm`,
    a.qLoraRank,
    rms,
  );
  return linear(c, latentQ, `${p}.q_b_proj`, a.qLoraRank, width, false);
}

/**
 * Multi-head latent attention (DeepSeek-V2/V3). Keys are built exactly as HF does: per head the
 * decompressed no-rope part, then the one rotary part shared by all heads. Broadcasting that shared
 * part to every head is a Concat of `heads` copies (a layout op, no arithmetic; tpusim has no Expand).
 */
function latent(c: Ctx, x: string, p: string, a: LatentSpec): string {
  const { batch, seq } = c;
  const h = c.spec.hidden;
  const qWidth = a.heads * (a.nopeDim + a.ropeDim);
  // The latents' norms are RMSNorms in DeepSeek-V2/V3, with the model's epsilon.
  const rms: NormSpec = { op: 'RMSNormalization', epsilon: c.spec.norm.epsilon, bias: false, scale: true };
  const q = latentQuery(c, x, p, a, rms);
  const kvA = linear(c, x, `${p}.kv_a_proj_with_mqa`, h, a.kvLoraRank + a.ropeDim, false);
  const compressed = normalize(
    c,
    slice(c, kvA, `${p}.kv_latent`, 2, 0, a.kvLoraRank),
    `${p}.kv_a_layernorm`,
    a.kvLoraRank,
    rms,
  );
  const kv = linear(c, compressed, `${p}.kv_b_proj`, a.kvLoraRank, a.heads * (a.nopeDim + a.valueDim), false);
  const perHead = reshape(c, kv, `${p}.kv_heads`, [batch, seq, a.heads, a.nopeDim + a.valueDim]);
  const kNope = slice(c, perHead, `${p}.k_nope`, 3, 0, a.nopeDim);
  const value = reshape(c, slice(c, perHead, `${p}.v_heads`, 3, a.nopeDim, a.nopeDim + a.valueDim), `${p}.v`, [
    batch,
    seq,
    a.heads * a.valueDim,
  ]);
  const kRope = reshape(
    c,
    slice(c, kvA, `${p}.k_rope`, 2, a.kvLoraRank, a.kvLoraRank + a.ropeDim),
    `${p}.k_rope_head`,
    [batch, seq, 1, a.ropeDim],
  );
  const kRopeHeads = c.g.add('Concat', new Array<string>(a.heads).fill(kRope), { axis: 2 }, `${p}.k_rope_heads`);
  const kHeads = c.g.add('Concat', [kNope, kRopeHeads], { axis: 3 }, `${p}.k_heads`);
  const k = reshape(c, kHeads, `${p}.k`, [batch, seq, qWidth]);
  const o = attentionNode(c, q, k, value, p, a.heads, a.heads);
  return linear(c, o, `${p}.o_proj`, a.heads * a.valueDim, h, false);
}

/** gate and up: two projections, or one fused projection sliced in two (Phi-3). */
function gateAndUp(c: Ctx, x: string, p: string, m: GatedMlpSpec): [string, string] {
  const h = c.spec.hidden;
  if (!m.fused)
    return [linear(c, x, `${p}.gate_proj`, h, m.ffn, m.bias), linear(c, x, `${p}.up_proj`, h, m.ffn, m.bias)];
  const both = linear(c, x, `${p}.gate_up_proj`, h, 2 * m.ffn, m.bias);
  return [slice(c, both, `${p}.gate`, 2, 0, m.ffn), slice(c, both, `${p}.up`, 2, m.ffn, 2 * m.ffn)];
}

function gated(c: Ctx, x: string, p: string, m: GatedMlpSpec): string {
  const [gateIn, up] = gateAndUp(c, x, p, m);
  const gate =
    m.activation === 'silu'
      ? c.g.add('Silu', [gateIn], {}, `${p}.act`)
      : c.g.add('Gelu', [gateIn], { approximate: 'tanh' }, `${p}.act`);
  const both = c.g.add('Mul', [gate, up], {}, `${p}.gated`);
  return linear(c, both, `${p}.down_proj`, m.ffn, c.spec.hidden, m.bias);
}

function gelu(c: Ctx, x: string, p: string, m: GeluMlpSpec): string {
  const h = c.spec.hidden;
  const act = c.g.add(
    'Gelu',
    [linear(c, x, `${p}.up_proj`, h, m.ffn, m.bias)],
    m.approximate === 'tanh' ? { approximate: 'tanh' } : {},
    `${p}.act`,
  );
  return linear(c, act, `${p}.down_proj`, m.ffn, h, m.bias);
}

/**
 * MoE inputs: x, router (hidden, experts), gate+up, down, then the shared experts' gate+up and down,
 * and their sigmoid gate (hidden, 1) where the model has one (Qwen2-MoE).
 */
function experts(c: Ctx, x: string, p: string, m: MoeSpec): string {
  const h = c.spec.hidden;
  const pair = (name: string, count: number, ffn: number): string[] => [
    c.g.weight(`${p}.${name}.gate_up_proj`, [count, h, 2 * ffn]),
    c.g.weight(`${p}.${name}.down_proj`, [count, ffn, h]),
  ];
  const inputs = [x, c.g.weight(`${p}.gate.weight`, [h, m.experts]), ...pair('experts', m.experts, m.ffn)];
  if (m.sharedExperts > 0) inputs.push(...pair('shared_experts', m.sharedExperts, m.sharedFfn));
  if (m.sharedGate) inputs.push(c.g.weight(`${p}.shared_expert_gate.weight`, [h, 1]));
  // gated: every supported MoE model uses SwiGLU experts.
  const attrs = {
    experts: m.experts,
    top_k: m.topK,
    ffn_hidden: m.ffn,
    shared_experts: m.sharedExperts,
    shared_ffn_hidden: m.sharedFfn,
    gated: 1,
    ...(m.sharedGate ? { shared_gate: 1 } : {}),
  };
  return c.g.add('MoE', inputs, attrs, p);
}

function mlp(c: Ctx, x: string, p: string, m: MlpSpec): string {
  switch (m.kind) {
    case 'gated':
      return gated(c, x, p, m);
    case 'gelu':
      return gelu(c, x, p, m);
    case 'moe':
      return experts(c, x, p, m);
  }
}

function layer(c: Ctx, i: number, x: string): string {
  const p = `layers.${i}`;
  const { spec, g } = c;
  const window = spec.windows?.[i] ?? 0;
  const attend = (y: string): string =>
    spec.attention.kind === 'latent'
      ? latent(c, y, `${p}.self_attn`, spec.attention)
      : multiHead(c, y, `${p}.self_attn`, spec.attention, window);
  const feed = (y: string): string => mlp(c, y, `${p}.mlp`, spec.mlps[i]!);
  const add = (a: string, b: string, name: string): string => g.add('Add', [a, b], {}, `${p}.${name}`);
  const norm = (y: string, name: string): string => normalize(c, y, `${p}.${name}`, spec.hidden);
  if (spec.normPlacement === 'output') {
    const y = add(x, norm(attend(x), 'post_attention_layernorm'), 'attention_residual');
    return add(y, norm(feed(y), 'post_feedforward_layernorm'), 'mlp_residual');
  }
  if (spec.normPlacement === 'sandwich') {
    const y = add(x, norm(attend(norm(x, 'input_layernorm')), 'post_attention_layernorm'), 'attention_residual');
    return add(y, norm(feed(norm(y, 'pre_feedforward_layernorm')), 'post_feedforward_layernorm'), 'mlp_residual');
  }
  if (spec.normPlacement === 'post') {
    const y = normalize(c, add(x, attend(x), 'attention_residual'), `${p}.attention_layernorm`, spec.hidden);
    return normalize(c, add(y, feed(y), 'mlp_residual'), `${p}.output_layernorm`, spec.hidden);
  }
  const a = attend(normalize(c, x, `${p}.input_layernorm`, spec.hidden));
  if (spec.parallelResidual)
    return add(
      add(x, a, 'attention_residual'),
      feed(normalize(c, x, `${p}.post_attention_layernorm`, spec.hidden)),
      'mlp_residual',
    );
  const y = add(x, a, 'attention_residual');
  return add(y, feed(normalize(c, y, `${p}.post_attention_layernorm`, spec.hidden)), 'mlp_residual');
}

/** Final norm and logits (batch, seq, vocab); a tied head reads the embedding table transposed, so it counts once. */
function lmHead(c: Ctx, x: string, table: string, tied: boolean): string[] {
  const { g, spec } = c;
  const w = tied
    ? g.add('Transpose', [table], { perm: [1, 0] }, 'lm_head.tied_weight')
    : g.weight('lm_head.weight', [spec.hidden, spec.vocab]);
  const cap = spec.logitSoftcap;
  if (cap === undefined) return [g.add('MatMul', [normalize(c, x, 'norm', spec.hidden), w], {}, 'logits')];
  // Gemma 2's final softcap: cap * tanh(logits / cap).
  const raw = g.add('MatMul', [normalize(c, x, 'norm', spec.hidden), w], {}, 'lm_head');
  const k = g.constant('logit_softcap', [cap], spec.dtype);
  return [
    g.add('Mul', [g.add('Tanh', [g.add('Div', [raw, k], {}, 'logits.scaled')], {}, 'logits.tanh'), k], {}, 'logits'),
  ];
}

/** HF BertModel's outputs: the last hidden state and tanh(dense(first token)). */
function pooler(c: Ctx, x: string): string[] {
  const first = reshape(c, slice(c, x, 'pooler.first_token', 1, 0, 1), 'pooler.first_token_rows', [
    c.batch,
    c.spec.hidden,
  ]);
  return [
    x,
    c.g.add('Tanh', [linear(c, first, 'pooler.dense', c.spec.hidden, c.spec.hidden, true)], {}, 'pooler_output'),
  ];
}

export function buildTransformer(
  name: string,
  spec: TransformerSpec,
  batch: number,
  seq: number,
  source: GraphSource,
): Graph {
  const c: Ctx = { g: new GraphBuilder(name, spec.dtype), spec, batch, seq };
  const ids = c.g.input('input_ids', [batch, seq], 'int64');
  const table = c.g.weight('embed_tokens.weight', [spec.vocab, spec.hidden]);
  let x = embed(c, ids, table);
  for (let i = 0; i < spec.mlps.length; i++) x = layer(c, i, x);
  const outputs = spec.head.kind === 'lm' ? lmHead(c, x, table, spec.head.tied) : pooler(c, x);
  return c.g.build(outputs, source);
}
