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
    for (let i = 1; i < r.best.length; i++) expect(r.best[i]!.tokensPerS).toBeLessThanOrEqual(r.best[i - 1]!.tokensPerS);
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
