/**
 * The families added for issue 17, against published parameter counts. The fixtures in
 * test/fixtures/hf/ hold the config.json fields of the released checkpoints that these families read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../core/errors.js';
import { transformerModel } from '../../cluster/transformer.js';
import { parameterCount, summarizeGraph } from '../analysis.js';
import type { Graph } from '../types.js';
import { importHfConfig, readHfArchitecture } from './index.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/hf/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

function build(config: unknown, seq = 8): Graph {
  const r = importHfConfig(config, { batch: 1, seq });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

function issuesOf(config: unknown): string[] {
  const r = importHfConfig(config, { batch: 1, seq: 8 });
  if (r.ok) throw new Error('expected issues');
  return r.issues.map((i) => `${i.path} | ${i.message}`);
}

/**
 * Published totals: the exact count where the model card or the Hub gives one, otherwise the rounded
 * figure (checked to its last digit). Each is the graph's parameter count, which counts every weight.
 */
const PUBLISHED: ReadonlyArray<{ file: string; params: number; digits: number; source: string }> = [
  { file: 'gemma-2b', params: 2.51e9, digits: 2, source: 'google/gemma-2b model card: 2.51B' },
  { file: 'gemma-2-9b', params: 9.24e9, digits: 2, source: 'google/gemma-2-9b on the Hub: 9.24B' },
  // Gemma 3 report (arXiv 2503.19786) table 1: 1B = 302M embedding + 698M non-embedding.
  { file: 'gemma-3-1b', params: 1.0e9, digits: 2, source: 'Gemma 3 report table 1: 302M + 698M' },
  { file: 'phi-3-mini-4k', params: 3.82e9, digits: 2, source: 'microsoft/Phi-3-mini-4k-instruct on the Hub: 3.82B' },
  {
    file: 'qwen3-8b',
    params: 8.19e9,
    digits: 2,
    source: 'Qwen/Qwen3-8B model card: 8.2B, 6.95B non-embedding; Hub: 8.19B',
  },
  {
    file: 'qwen1.5-moe-a2.7b',
    params: 14.3e9,
    digits: 1,
    source: 'Qwen/Qwen1.5-MoE-A2.7B model card: 14.3B total, 2.7B activated',
  },
  { file: 'olmo-7b', params: 6.89e9, digits: 2, source: 'allenai/OLMo-7B-hf on the Hub: 6.89B' },
  { file: 'olmo-2-1124-7b', params: 7.3e9, digits: 1, source: 'allenai/OLMo-2-1124-7B on the Hub: 7.3B' },
];

describe('Hugging Face families of issue 17: published parameter counts', () => {
  for (const p of PUBLISHED) {
    it(`${p.file}: ${p.source}`, () => {
      const g = build(fixture(p.file));
      expect(Number((parameterCount(g) / 1e9).toFixed(p.digits))).toBe(Number((p.params / 1e9).toFixed(p.digits)));
      expect(() => summarizeGraph(g)).not.toThrow();
      // The cluster model reads the same config; it leaves out norms and biases (under 0.02%).
      const cluster = transformerModel({ config: fixture(p.file), file: `${p.file}.json` }, 8);
      expect(Math.abs(cluster.params / parameterCount(g) - 1)).toBeLessThan(2e-4);
    });
  }

  it('counts exactly, to the parameter, what the architecture says', () => {
    // Computed by hand from the configs: embeddings (+ untied head), per-layer projections, norms.
    expect(parameterCount(build(fixture('gemma-2b')))).toBe(
      256000 * 2048 + 18 * (2048 * 2048 * 2 + 2 * 2048 * 256 + 3 * 2048 * 16384 + 2 * 2048) + 2048,
    );
    expect(parameterCount(build(fixture('gemma-2-9b')))).toBe(9_241_705_984);
    expect(parameterCount(build(fixture('gemma-3-1b')))).toBe(
      262144 * 1152 + 26 * (1152 * 1024 * 2 + 2 * 1152 * 256 + 3 * 1152 * 6912 + 4 * 1152 + 2 * 256) + 1152,
    );
    expect(parameterCount(build(fixture('phi-3-mini-4k')))).toBe(3_821_079_552);
    expect(parameterCount(build(fixture('qwen3-8b')))).toBe(8_190_735_360);
    expect(parameterCount(build(fixture('qwen1.5-moe-a2.7b')))).toBe(14_315_784_192);
    expect(parameterCount(build(fixture('olmo-7b')))).toBe(6_888_095_744);
    expect(parameterCount(build(fixture('olmo-2-1124-7b')))).toBe(7_298_617_344);
  });

  it('gives Qwen1.5-MoE 2.7B active parameters a token (model card: 2.7B activated, 2.0B non-embedding)', () => {
    const m = transformerModel({ config: fixture('qwen1.5-moe-a2.7b'), file: 'qwen1.5-moe-a2.7b.json' });
    expect(Number((m.activeParams / 1e9).toFixed(1))).toBe(2.7);
    expect(Number(((m.activeParams - m.embeddingParams) / 1e9).toFixed(1))).toBe(2.1);
    expect(m.groups).toHaveLength(1);
    expect(m.groups[0]!.shape.mlp).toMatchObject({
      kind: 'moe',
      experts: 60,
      topK: 4,
      ffn: 1408,
      sharedExperts: 1,
      sharedFfn: 5632,
      sharedGate: true,
    });
  });
});

describe('Hugging Face families of issue 17: architecture', () => {
  it('gemma: tied head, GeGLU, embeddings scaled by sqrt(hidden), head_dim apart from hidden / heads', () => {
    const g = build({ ...fixture('gemma-2b'), num_hidden_layers: 1 });
    expect(g.nodes.filter((n) => n.op === 'Transpose').map((n) => n.inputs)).toEqual([['embed_tokens.weight']]);
    expect(g.nodes.find((n) => n.name === 'layers.0.mlp.act')).toMatchObject({
      op: 'Gelu',
      attrs: { approximate: 'tanh' },
    });
    expect(g.tensors['embed_scale']!.data).toEqual(Float64Array.of(Math.sqrt(2048)));
    expect(g.tensors['layers.0.self_attn']!.shape).toEqual([1, 8, 2048]);
    expect(g.nodes.find((n) => n.op === 'Attention')!.attrs).toEqual({ num_heads: 8, kv_heads: 1, causal: 1 });
  });

  it('gemma2: sandwich norms, even layers sliding, a logit softcap', () => {
    const g = build({ ...fixture('gemma-2-9b'), num_hidden_layers: 3 });
    expect(g.nodes.filter((n) => n.op === 'Attention').map((n) => n.attrs['window'])).toEqual([4096, undefined, 4096]);
    expect(
      g.nodes.filter((n) => n.op === 'RMSNormalization' && n.name.startsWith('layers.0.')).map((n) => n.name),
    ).toEqual([
      'layers.0.input_layernorm',
      'layers.0.post_attention_layernorm',
      'layers.0.pre_feedforward_layernorm',
      'layers.0.post_feedforward_layernorm',
    ]);
    expect(g.nodes.find((n) => n.name === 'logits')!.op).toBe('Mul');
    expect(g.tensors['logit_softcap']!.data).toEqual(Float64Array.of(30));
    expect(
      build({ ...fixture('gemma-2-9b'), num_hidden_layers: 1, final_logit_softcapping: null }).nodes.find(
        (n) => n.name === 'logits',
      )!.op,
    ).toBe('MatMul');
  });

  it('gemma3_text: every sixth layer global, or layer_types when listed; per-head q and k norms', () => {
    const spec = readHfArchitecture(fixture('gemma-3-1b'), { batch: 1, seq: 8 });
    if (!spec.ok) throw new Error(formatIssues(spec.issues));
    expect(spec.value.windows!.map((w, i) => (w === 0 ? i : -1)).filter((i) => i >= 0)).toEqual([5, 11, 17, 23]);
    expect(spec.value.windows![0]).toBe(512);
    const typed = readHfArchitecture(
      { ...fixture('gemma-3-1b'), num_hidden_layers: 2, layer_types: ['full_attention', 'sliding_attention'] },
      { batch: 1, seq: 8 },
    );
    expect(typed.ok && typed.value.windows).toEqual([0, 512]);
    const g = build({ ...fixture('gemma-3-1b'), num_hidden_layers: 1 });
    expect(g.tensors['layers.0.self_attn.q_norm.weight']!.shape).toEqual([256]);
    expect(g.tensors['layers.0.self_attn.k_norm.weight']!.shape).toEqual([256]);
    expect(issuesOf({ ...fixture('gemma-3-1b'), layer_types: ['full_attention', 'local'] })).toEqual([
      'config.json: layer_types | layer_types lists 2 layers; num_hidden_layers is 26',
      'config.json: layer_types | layer_types has "local" (needs sliding_attention or full_attention)',
    ]);
  });

  it('phi3: one fused qkv_proj and gate_up_proj, sliced', () => {
    const g = build({ ...fixture('phi-3-mini-4k'), num_hidden_layers: 1 });
    expect(g.tensors['layers.0.self_attn.qkv_proj.weight']!.shape).toEqual([3072, 9216]);
    expect(g.tensors['layers.0.mlp.gate_up_proj.weight']!.shape).toEqual([3072, 16384]);
    expect(g.nodes.filter((n) => n.op === 'Slice').map((n) => n.name)).toEqual([
      'layers.0.self_attn.q',
      'layers.0.self_attn.k',
      'layers.0.self_attn.v',
      'layers.0.mlp.gate',
      'layers.0.mlp.up',
    ]);
    expect(g.nodes.find((n) => n.op === 'Attention')!.attrs['window']).toBe(2047);
  });

  it('qwen3 needs head_dim (Qwen3Config defaults it to 128, not hidden / heads)', () => {
    expect(issuesOf({ ...fixture('qwen3-8b'), head_dim: undefined })).toEqual([
      'config.json: head_dim | head_dim is missing (qwen3 needs an integer >= 1)',
    ]);
  });

  it('qwen2_moe: dense layers where mlp_only_layers or decoder_sparse_step say so', () => {
    const spec = readHfArchitecture(
      { ...fixture('qwen1.5-moe-a2.7b'), num_hidden_layers: 4, decoder_sparse_step: 2, mlp_only_layers: [3] },
      { batch: 1, seq: 8 },
    );
    expect(spec.ok && spec.value.mlps.map((m) => m.kind)).toEqual(['gated', 'moe', 'gated', 'gated']);
    expect(issuesOf({ ...fixture('qwen1.5-moe-a2.7b'), mlp_only_layers: 'none' })).toEqual([
      'config.json: mlp_only_layers | mlp_only_layers is "none" (qwen2_moe needs an array of integers >= 0)',
    ]);
  });

  it('olmo: LayerNorms without parameters; olmo2: output norms and whole-width q and k norms', () => {
    const olmo = build({ ...fixture('olmo-7b'), num_hidden_layers: 1 });
    expect(
      Object.keys(olmo.tensors).filter((t) => t.includes('layernorm') && olmo.tensors[t]!.kind === 'weight'),
    ).toEqual([]);
    const olmo2 = build({ ...fixture('olmo-2-1124-7b'), num_hidden_layers: 1 });
    expect(olmo2.tensors['layers.0.self_attn.k_norm.weight']!.shape).toEqual([4096]);
    expect(olmo2.nodes.find((n) => n.name === 'layers.0.attention_residual')!.inputs).toEqual([
      'embed_tokens',
      'layers.0.post_attention_layernorm',
    ]);
  });
});
