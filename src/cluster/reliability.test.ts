import { describe, expect, it } from 'vitest';
import { TpusimError } from '../core/errors.js';
import {
  FAILURE_RATES,
  LLAMA3_UNEXPECTED_PER_CHIP_HOUR,
  checkpointSeconds,
  dalyApplies,
  dalyInterval,
  goodput,
  goodputExponential,
  interruptionsPerDay,
  reliabilityAtScale,
  systemMtbfS,
  youngInterval,
} from './reliability.js';

const MINUTE = 60;
const HOUR = 3600;

describe('published failure rates', () => {
  it("reproduce Llama 3's 419 unexpected interruptions in 54 days on 16,384 GPUs", () => {
    expect(interruptionsPerDay(16_384, LLAMA3_UNEXPECTED_PER_CHIP_HOUR) * 54).toBeCloseTo(419, 10);
    expect(interruptionsPerDay(16_384, FAILURE_RATES['llama3-all'].perChipHour) * 54).toBeCloseTo(466, 10);
    // "one unexpected interruption roughly every three hours": 54 x 24 / 419 = 3.09 h.
    expect(systemMtbfS(16_384, LLAMA3_UNEXPECTED_PER_CHIP_HOUR) / HOUR).toBeCloseTo((54 * 24) / 419, 10);
  });

  it("reproduce OPT-175B's 35 + 70 hardware restarts in 60 days on 992 GPUs", () => {
    expect(interruptionsPerDay(992, FAILURE_RATES['opt-175b'].perChipHour) * 60).toBeCloseTo(105, 10);
  });

  it('cite each rate', () => {
    for (const rate of Object.values(FAILURE_RATES)) {
      expect(rate.perChipHour).toBeGreaterThan(0);
      expect(rate.source).toMatch(/arXiv:\d{4}\.\d{5}/);
      expect(rate.quote.length).toBeGreaterThan(40);
    }
  });
});

describe('checkpoint intervals', () => {
  it("Young's interval is sqrt(2 C M)", () => {
    expect(youngInterval(5 * MINUTE, 24 * HOUR)).toBeCloseTo(7200, 9); // sqrt(2 x 300 x 86400)
    expect(youngInterval(50, 100)).toBeCloseTo(100, 12);
  });

  it("Daly's interval reproduces the paper's worked cases (C = 5 min)", () => {
    // Daly 2006, Figs. 3-5: M = 24 h -> 117 min, M = 6 h -> 57 min, M = 15 min -> 9.1 min.
    expect(dalyInterval(5 * MINUTE, 24 * HOUR) / MINUTE).toBeCloseTo(117, 0);
    expect(dalyInterval(5 * MINUTE, 6 * HOUR) / MINUTE).toBeCloseTo(57, 0);
    expect(dalyInterval(5 * MINUTE, 15 * MINUTE) / MINUTE).toBeCloseTo(9.1, 1);
  });

  it("Daly's interval tends to Young's for C << M", () => {
    for (const ratio of [1e-2, 1e-4, 1e-6]) {
      const relative = Math.abs(dalyInterval(ratio, 1) / youngInterval(ratio, 1) - 1);
      expect(relative).toBeLessThan(Math.sqrt(ratio)); // the correction is -sqrt(C / 2M) (2/3) + ...
    }
  });

  it("Daly's interval is M outside its validity (C >= 2M)", () => {
    expect(dalyApplies(10, 6)).toBe(true);
    expect(dalyApplies(12, 6)).toBe(false);
    expect(dalyInterval(12, 6)).toBe(6);
  });

  it("Daly's interval maximizes the exponential goodput", () => {
    const at = (intervalS: number) => goodputExponential({ checkpointS: 60, restartS: 300, intervalS, mtbfS: 1800 });
    const best = dalyInterval(60, 1800);
    for (const factor of [0.8, 0.95, 1.05, 1.25]) expect(at(best * factor)).toBeLessThan(at(best));
  });

  it('checkpoint time is bytes over bandwidth', () => {
    expect(checkpointSeconds(4e12, 2e12)).toBe(2);
  });
});

describe('goodput', () => {
  it('is 1 without failures or checkpoints and tau / (tau + C) without failures', () => {
    expect(goodput({ checkpointS: 0, restartS: 0, intervalS: 100, mtbfS: Infinity })).toBe(1);
    expect(goodput({ checkpointS: 25, restartS: 0, intervalS: 100, mtbfS: Infinity })).toBeCloseTo(0.8, 12);
    expect(goodputExponential({ checkpointS: 25, restartS: 10, intervalS: 100, mtbfS: 1e12 })).toBeCloseTo(0.8, 6);
  });

  it('charges half a period plus the restart per failure', () => {
    // tau 100, C 20, R 40, M 1000: 100/120 x (1 - (40 + 60)/1000) = 0.75.
    expect(goodput({ checkpointS: 20, restartS: 40, intervalS: 100, mtbfS: 1000 })).toBeCloseTo(0.75, 12);
  });

  it('matches the exponential model while the MTBF is long', () => {
    const at = { checkpointS: 30, restartS: 120, intervalS: 1000, mtbfS: 10 * 24 * HOUR };
    expect(Math.abs(goodput(at) - goodputExponential(at))).toBeLessThan(1e-3);
  });
});

describe('reliabilityAtScale', () => {
  const chips = [1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7];
  const points = reliabilityAtScale({ chips, checkpointS: 60, restartS: 300 });

  it('prints the table', () => {
    for (const p of points) {
      console.log(
        `${p.chips.toExponential(0)} chips: ${p.interruptionsPerDay.toFixed(1)}/day, MTBF ${p.mtbfS.toFixed(0)} s, ` +
          (`interval ${p.intervalS.toFixed(0)} s, goodput ${p.goodput.toFixed(3)} / ` +
            `${p.goodputExponential.toExponential(2)}`),
      );
    }
  });

  it('has goodput within [0, 1], falling with chips, and interruptions rising', () => {
    for (const p of points) {
      for (const g of [p.goodput, p.goodputExponential]) {
        expect(g).toBeGreaterThanOrEqual(0);
        expect(g).toBeLessThanOrEqual(1);
      }
    }
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1]!, points[i]!];
      expect(b.interruptionsPerDay).toBeGreaterThan(a.interruptionsPerDay);
      expect(b.mtbfS).toBeLessThan(a.mtbfS);
      expect(b.intervalS).toBeLessThan(a.intervalS);
      expect(b.goodput).toBeLessThanOrEqual(a.goodput);
      expect(b.goodputExponential).toBeLessThan(a.goodputExponential);
    }
  });

  it('collapses at 1e7 chips unless checkpoint and restart shrink', () => {
    const last = points[points.length - 1]!;
    expect(last.mtbfS).toBeLessThan(60);
    expect(last.goodputExponential).toBeLessThan(1e-6);
    const [fast] = reliabilityAtScale({ chips: [1e7], checkpointS: 1, restartS: 5 });
    expect(fast!.goodputExponential).toBeGreaterThan(0.5);
  });

  it(
    'refuses a failure rate below 1e-12 per chip-hour, where the MTBF overflows (fuzz find: --rate 1e-320 ' +
      'gave NaN goodput)',
    () => {
      expect(() => reliabilityAtScale({ chips: [1], checkpointS: 60, restartS: 8, ratePerChipHour: 1e-320 })).toThrow(
        /below the lower limit 1e-12/,
      );
      const [p] = reliabilityAtScale({ chips: [1], checkpointS: 60, restartS: 8, ratePerChipHour: 1e-12 });
      for (const v of [p!.mtbfS, p!.intervalS, p!.youngIntervalS, p!.goodput, p!.goodputExponential])
        expect(Number.isFinite(v)).toBe(true);
    },
  );

  it('goodput rises as checkpoints get cheaper and the failure rate lower', () => {
    const g = (checkpointS: number, ratePerChipHour?: number) =>
      reliabilityAtScale({
        chips: [1e5],
        checkpointS,
        restartS: 60,
        ...(ratePerChipHour === undefined ? {} : { ratePerChipHour }),
      })[0]!.goodputExponential;
    expect(g(10)).toBeGreaterThan(g(60));
    expect(g(60, FAILURE_RATES['opt-175b'].perChipHour)).toBeLessThan(g(60));
  });

  it('reports bad input with paths', () => {
    expect(() => reliabilityAtScale({ chips: [1e4, -1], checkpointS: 0, restartS: -1 })).toThrow(TpusimError);
    try {
      reliabilityAtScale({ chips: [1e4, -1], checkpointS: 0, restartS: -1 });
    } catch (e) {
      expect((e as TpusimError).issues.map((i) => i.path)).toEqual(['chips[1]', 'restartS', 'checkpointS']);
    }
  });
});
