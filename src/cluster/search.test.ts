import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { searchPlans } from './search.js';
import { getSystemPreset } from './systems.js';
import { trainingStep } from './train.js';
import { transformerModel } from './transformer.js';

describe('plan search', () => {
  it('finds the best plan for a GPT-4-class MoE on 1,000,000 H100s and says why the others fail', () => {
    const model = transformerModel({ zoo: 'gpt4-moe' }, 8192);
    expect(model.params / 1e12).toBeCloseTo(1.81, 1);
    const system = getSystemPreset('dgx-h100');
    const chip = getChipPreset('h100-sxm');
    const r = searchPlans(model, chip, system, 1_000_000, { seq: 8192, globalBatch: 2048 });
    expect(r.valid).toBeGreaterThan(1000);
    expect(r.evaluated).toBeGreaterThan(r.valid);
    const best = r.best[0]!;
    expect(best.valid).toBe(true);
    // Ranked: tokens/s never increases down the list.
    for (let i = 1; i < r.best.length; i++)
      expect(r.best[i]!.tokensPerS).toBeLessThanOrEqual(r.best[i - 1]!.tokensPerS);
    // The plan uses at most the chips there are and at most the global batch, and it fits.
    expect(best.chips).toBeLessThanOrEqual(1_000_000);
    expect(best.chips).toBeGreaterThan(900_000);
    expect(best.plan.globalBatch).toBeLessThanOrEqual(2048);
    expect(best.memory.totalBytes).toBeLessThanOrEqual(chip.offChipMemory.capacityBytes);
    // Re-evaluating the winning plan gives the same result.
    expect(trainingStep(model, chip, system, best.chips, best.plan).stepTimeS).toBe(best.stepTimeS);
    const reasons = r.rejected.map((g) => g.reason);
    expect(reasons).toContain('out of memory');
    expect(r.rejected.reduce((s, g) => s + g.count, 0) + r.valid).toBe(r.evaluated);
    for (const g of r.rejected) expect(g.message.length).toBeGreaterThan(10);
  });
  it('is deterministic and honours fixed axes', () => {
    const model = transformerModel({ zoo: 'llama3-8b' }, 4096);
    const system = getSystemPreset('dgx-h100');
    const chip = getChipPreset('h100-sxm');
    const a = searchPlans(model, chip, system, 64, { seq: 4096, globalBatch: 256, fixed: { tp: 2 } });
    const b = searchPlans(model, chip, system, 64, { seq: 4096, globalBatch: 256, fixed: { tp: 2 } });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.best.every((s) => s.plan.tp === 2)).toBe(true);
  });
});

/**
 * The plan search stays honest: every plan it ranks is priced by the same training model, so its best
 * plan for a dense 70B+ model on 1k+ H100s must not beat the best real runs. Published bf16 MFU of the
 * best dense runs at that scale: Llama 3 405B 38-43% on 8,192-16,384 H100 (Dubey et al. 2024, Table 4);
 * Megatron-Core's 462B 47-48% on 6,144 H100 (Megatron-LM README, weak scaling); MegaScale 55.2% for a
 * 175B model on 12,288 GPUs (Jiang et al., NSDI 2024), the highest published. The search's best lies in
 * 38-55%. (PaLM-style 540B on TPU v4 is not held here: the search finds 78% against PaLM's published
 * 46.2%, a known optimism of the TPU v4 compute model; see docs/cluster.md, "Validation".)
 */
describe('the plan search against the best published runs', () => {
  const chip = getChipPreset('h100-sxm');
  const system = getSystemPreset('dgx-h100');
  for (const [name, chips, seq, globalBatch] of [
    ['llama3-405b', 8192, 8192, 2048],
    ['llama3-70b', 1024, 8192, 512],
    ['gpt3-175b', 1024, 2048, 2048],
  ] as const) {
    it(`${name} on ${chips.toLocaleString('en-US')} H100: best MFU within the published 38-55%`, () => {
      const model = transformerModel({ zoo: name }, seq);
      const best = searchPlans(model, chip, system, chips, { seq, globalBatch, keep: 1 }).best[0]!;
      console.log(
        `${name} on ${chips} H100: best plan MFU ${(best.mfu * 100).toFixed(1)}% (tp ${best.plan.tp} pp ` +
          `${best.plan.pp} dp ${best.plan.dp} cp ${best.plan.cp} ZeRO-${best.plan.zero})`,
      );
      expect(best.mfu).toBeGreaterThanOrEqual(0.38);
      expect(best.mfu).toBeLessThanOrEqual(0.55);
    });
  }
});
