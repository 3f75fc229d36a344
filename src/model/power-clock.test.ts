import { describe, expect, it } from 'vitest';
import type { ChipSpec } from '../arch/chip-spec.js';
import { getChipPreset } from '../arch/presets/index.js';
import { buildZooModel } from '../graph/zoo/index.js';
import { defaultMatrixFormat } from '../arch/derive.js';
import { chipContext, estimateGraph, timedChip } from './estimate.js';
import { denseGemmActivity, timingClock } from './power-clock.js';
import { sustainedClock } from './power.js';

/** The preset as a new design would describe it: no sustained clock of its own, the given power limit. */
function design(name: string, tdpW: number | undefined): ChipSpec {
  const p = getChipPreset(name);
  const { sustainedClockHz: _dropped, tdpW: _tdp, ...technology } = p.technology ?? {};
  return { ...p, name: `${name}-design`, technology: { ...technology, ...(tdpW !== undefined ? { tdpW } : {}) } };
}

describe('the timing clock of a chip with no sustained clock of its own', () => {
  const bert = buildZooModel('bert-base');

  it('a tensor-core design at an aggressive clock and TDP is timed at the lower modelled clock, and says so', () => {
    const capped = design('h100-sxm', 700);
    const free = design('h100-sxm', undefined);
    const clock = timedChip(capped);
    expect(clock.source).toBe('modelled');
    expect(clock.clockHz).toBeLessThan(capped.clockHz);
    expect(timedChip(free).source).toBe('published');
    const slow = estimateGraph(bert, capped);
    const fast = estimateGraph(bert, free);
    expect(slow.totalTimeS).toBeGreaterThan(fast.totalTimeS);
    expect(slow.warnings[0]).toMatch(/^sustained clock 1\.\d+ GHz \(modelled: power-limited at 700 W/);
    expect(slow.peakOpsPerS).toBe(fast.peakOpsPerS);
  });

  it("the H100's modelled clock under 700 W is within 10% of the measured 1335 MHz", () => {
    const mhz = timedChip(design('h100-sxm', 700)).clockHz / 1e6;
    console.log(`h100-sxm modelled sustained clock ${mhz.toFixed(0)} MHz (measured 1335)`);
    expect(Math.abs(mhz / 1335 - 1)).toBeLessThan(0.1);
  });

  it('a systolic design under a tight power limit runs at a lower clock and takes longer', () => {
    const capped = design('tpu-v4', 120);
    const free = design('tpu-v4', undefined);
    const clock = timedChip(capped);
    expect(clock.source).toBe('modelled');
    expect(clock.clockHz).toBeLessThan(capped.clockHz);
    const slow = estimateGraph(bert, capped);
    const fast = estimateGraph(bert, free);
    expect(slow.totalTimeS).toBeGreaterThan(fast.totalTimeS);
    // Utilization stays a share of the published peak.
    expect(slow.achievedOpsPerS / slow.peakOpsPerS).toBeCloseTo(slow.utilization, 9);
  });

  it('a generous power limit leaves the published clock', () => {
    const clock = timedChip(design('tpu-v4', 10_000));
    expect(clock.source).toBe('published');
    expect(clock.chip.clockHz).toBe(getChipPreset('tpu-v4').clockHz);
  });

  it('a chip with a sourced sustained clock keeps it, whatever its power limit', () => {
    const h100 = getChipPreset('h100-sxm');
    const clock = timedChip(h100);
    expect(clock.source).toBe('sourced');
    expect(clock.chip).toBe(h100);
    const tight = { ...h100, technology: { ...h100.technology, tdpW: 100 } };
    expect(estimateGraph(bert, tight).totalTimeS).toBe(estimateGraph(bert, h100).totalTimeS);
  });
});

describe('the engines behind a modelled clock (issue 19: not a whole context at the published clock)', () => {
  it("give the clock a whole context's engines give, on systolic and tensor-core designs", () => {
    for (const name of ['tpu-v4', 'tpu-v2', 'h100-sxm', 'mi300x', 'gaudi2']) {
      for (const tdpW of [60, 300, 900]) {
        const a = design(name, tdpW);
        const b = design(name, tdpW);
        const whole = timingClock(b, () => chipContext(b, defaultMatrixFormat(b)));
        expect(timedChip(a), `${name} at ${tdpW} W`).toEqual(whole);
      }
    }
  });
});

describe("the dense GEMM's activity, kept per cores array (issue 19)", () => {
  /** The clock with the dense GEMM timed afresh on this very chip (nothing kept). */
  function uncached(chip: ChipSpec): number {
    const activity = denseGemmActivity(chip, chipContext(chip, defaultMatrixFormat(chip)));
    const s = sustainedClock(chip, activity);
    return s.limitedBy === 'power' ? s.clockHz : chip.clockHz;
  }

  it('designs that share cores but differ in clock, memory, link or name are each timed on their own GEMM', () => {
    for (const [name, tdpW] of [
      ['tpu-v4', 120],
      ['h100-sxm', 300],
    ] as const) {
      const base = design(name, tdpW);
      const m = base.offChipMemory;
      const variants: ChipSpec[] = [
        base,
        // Four times the clock on the same memory: memory-bound, so the GEMM's activity differs.
        { ...base, clockHz: base.clockHz * 4 },
        { ...base, offChipMemory: { ...m, bandwidthBytesPerS: m.bandwidthBytesPerS / 4 } },
        { ...base, offChipMemory: { ...m, sustainedBandwidthBytesPerS: m.bandwidthBytesPerS / 3 } },
        { ...base, offChipMemory: { ...m, latencyNs: m.latencyNs * 5 } },
        { ...base, hostLink: { ...base.hostLink, bandwidthBytesPerS: base.hostLink.bandwidthBytesPerS / 8 } },
        { ...base, name: 'generic-design' },
        { ...base, technology: { ...base.technology, tdpW: tdpW - 20, processNm: 5 } },
      ];
      // Twice over, fresh objects each time: the second round finds every variant's activity kept.
      for (let round = 0; round < 2; round++)
        for (const [i, v] of variants.entries()) {
          const chip = { ...v };
          expect(timedChip(chip).clockHz, `${name} variant ${i}, round ${round}`).toBe(uncached({ ...v }));
        }
    }
  });
});
