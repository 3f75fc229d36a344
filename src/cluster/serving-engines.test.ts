import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import {
  compareVersions,
  defaultServingEngine,
  hostStepSeconds,
  kvBudgetBytes,
  servingEngineProfile,
  SERVING_ENGINE_PROFILES,
  SERVING_ENGINES,
} from './serving-engines.js';

const GIB = 2 ** 30;

describe('serving engines', () => {
  it('every engine names itself and cites each overhead it charges', () => {
    for (const name of SERVING_ENGINES) {
      const e = SERVING_ENGINE_PROFILES[name];
      expect(e.name).toBe(name);
      const charged = (['stepS', 'perSequenceS', 'launchS', 'requestS', 'allReduceFloorS'] as const).filter(
        (k) => e[k] > 0,
      );
      for (const k of charged) expect(e.citations[k], `${name}.${k}`).toBeDefined();
      if (e.kernelGapS.eager > 0) expect(e.citations['kernelGapS'], `${name}.kernelGapS`).toBeDefined();
      for (const c of Object.values(e.citations))
        expect(['published', 'derived', 'measured', 'estimate']).toContain(c.status);
    }
  });
  it('the ideal engine charges nothing and gives the chips all their memory', () => {
    const e = SERVING_ENGINE_PROFILES.ideal;
    expect([
      e.stepS,
      e.perSequenceS,
      e.launchS,
      e.requestS,
      e.kernelGapS.eager,
      e.kernelGapS.graph,
      e.allReduceFloorS,
    ]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(kvBudgetBytes(e, 80 * GIB, 20 * GIB)).toBe(60 * GIB);
  });
  it(
    'KV-cache budget: vLLM 0.9 of all memory less the weights, TensorRT-LLM 0.9 of what the weights leave ' +
      '(hand-worked, 80 GiB, 20 GiB of weights)',
    () => {
      expect(kvBudgetBytes(SERVING_ENGINE_PROFILES.vllm, 80 * GIB, 20 * GIB)).toBeCloseTo(52 * GIB, 0);
      expect(kvBudgetBytes(SERVING_ENGINE_PROFILES.trtllm, 80 * GIB, 20 * GIB)).toBeCloseTo(54 * GIB, 0);
    },
  );
  it('host work grows with the sequences of a step', () => {
    const e = SERVING_ENGINE_PROFILES.vllm;
    expect(hostStepSeconds(e, 100) - hostStepSeconds(e, 0)).toBeCloseTo(100 * e.perSequenceS, 15);
  });
  it('GPUs default to vLLM, TPU-style chips to JetStream', () => {
    expect(defaultServingEngine(getChipPreset('h100-sxm'))).toBe('vllm');
    expect(defaultServingEngine(getChipPreset('tpu-v5e'))).toBe('jetstream');
  });
  it('every release change cites where it comes from, and each engine names its decode kernel', () => {
    for (const name of SERVING_ENGINES) {
      const e = SERVING_ENGINE_PROFILES[name];
      expect(['grouped', 'per-query-head']).toContain(e.decodeAttention);
      for (const r of e.releases) expect(['published', 'derived', 'measured', 'estimate']).toContain(r.citation.status);
    }
  });
  it('versions compare numerically, a pre-release by its leading digits', () => {
    expect(compareVersions('0.6.1', '0.7')).toBeLessThan(0);
    expect(compareVersions('0.10.0', '0.7')).toBeGreaterThan(0);
    expect(compareVersions('0.7a', '0.7')).toBe(0);
    expect(compareVersions('v0.5.0', '0.5')).toBe(0);
  });
  it(
    'TensorRT-LLM before its XQA kernel (0.7) decodes one query head per block; later releases and the ' +
      'default pack the group',
    () => {
      expect(servingEngineProfile('trtllm', '0.5.0').decodeAttention).toBe('per-query-head');
      expect(servingEngineProfile('trtllm', '0.6.1').decodeAttention).toBe('per-query-head');
      expect(servingEngineProfile('trtllm', '0.7a').decodeAttention).toBe('grouped');
      expect(servingEngineProfile('trtllm').decodeAttention).toBe('grouped');
      // Only what a release changed differs.
      expect({ ...servingEngineProfile('trtllm', '0.5.0'), decodeAttention: 'grouped' }).toEqual(
        SERVING_ENGINE_PROFILES.trtllm,
      );
    },
  );
  it('vLLM before FlashAttention decoding (0.4.1) ran PagedAttention V1/V2', () => {
    expect(servingEngineProfile('vllm', '0.3.3').decodeAttention).toBe('per-query-head');
    expect(servingEngineProfile('vllm', '0.6.3').decodeAttention).toBe('grouped');
  });
});
