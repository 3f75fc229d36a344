import { describe, expect, it } from 'vitest';
import { parameterCount } from '../analysis.js';
import { TRANSFORMER_ZOO } from './transformers.js';

describe('transformer zoo', () => {
  it('has the published models', () => {
    expect(TRANSFORMER_ZOO.map((e) => e.name)).toEqual([
      'bert-base',
      'bert-large',
      'gpt2',
      'gpt3-175b',
      'llama3-8b',
      'llama3-70b',
      'llama3-405b',
      'mixtral-8x7b',
      'gpt4-moe',
      'deepseek-v3',
    ]);
    for (const e of TRANSFORMER_ZOO) {
      expect(e.family).toBe('transformer');
      expect(e.parameterTolerance).toBeLessThanOrEqual(0.02);
    }
  });

  describe.each(TRANSFORMER_ZOO.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    const graph = entry.build(entry.defaults);
    const count = parameterCount(graph);

    it('matches its published parameter count', () => {
      const off = Math.abs(count / entry.publishedParameters - 1);
      expect(
        off,
        `${entry.name}: ${count.toLocaleString('en-US')} parameters, published ` +
          `${entry.publishedParameters.toLocaleString('en-US')} (off by ${(off * 100).toFixed(3)}%, tolerance ` +
          `${(entry.parameterTolerance * 100).toFixed(3)}%)`,
      ).toBeLessThanOrEqual(entry.parameterTolerance);
      expect(graph.name).toBe(entry.name);
      expect(graph.source).toEqual({ kind: 'zoo', citation: entry.citation });
      expect(graph.tensors['input_ids']!.shape).toEqual([entry.defaults.batch, entry.defaults.seq]);
    });

    it('has the same parameters at another batch and sequence length', () => {
      const other = entry.build({ batch: 3, seq: 64 });
      expect(parameterCount(other)).toBe(count);
      expect(other.tensors[other.outputs.at(-1)!]!.shape[0]).toBe(3);
    });
  });

  it('reports bad options as issues', () => {
    expect(() => TRANSFORMER_ZOO[0]!.build({ batch: 0, seq: 128 })).toThrow(
      'batch: batch is 0 (needs an integer >= 1)',
    );
    expect(() => TRANSFORMER_ZOO[2]!.build({ batch: 1, seq: 2048 })).toThrow(
      'seq: seq 2048 exceeds n_positions 1024 in gpt2 config',
    );
  });
});
