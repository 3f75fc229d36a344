/**
 * Invariants of the cluster model that no schema-valid input may break (fast-check, seeded): a
 * training step is either infeasible with reasons, or has a finite positive step time and MFU and
 * HFU of at most 1; a plan search ranks only such steps, best first; a serving point is finite and
 * self-consistent. Chips are drawn from the chip schema's bounds (arch/validate.ts) over a preset's
 * structure, systems from the system schema's bounds (cluster/systems.ts) over a preset's tiers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChipSpec } from '../arch/chip-spec.js';
import { CHIP_PRESETS, getChipPreset } from '../arch/presets/index.js';
import { MAX_ARRAY_DIM, MAX_FORMAT_RATE, validateChip } from '../arch/validate.js';
import { GIB } from '../core/units.js';
import { searchPlans } from './search.js';
import { servingContext, servingPoint } from './serve.js';
import { simulateServing } from './serving-sim.js';
import { SYSTEM_PRESETS, validateSystem } from './systems.js';
import { trainingStep, type TrainingStep } from './train.js';
import { transformerModel } from './transformer.js';
import type { SystemSpec, TrainingPlan } from './types.js';

const SLACK = 1e-9;

/** A number in [min, max]: often an end of the range, else log-uniform (so every decade is drawn). */
function bounded(min: number, max: number, integer = false): fc.Arbitrary<number> {
  const low = Math.max(min, integer ? 1 : max * 1e-12);
  const spread = fc
    .double({ min: Math.log(low), max: Math.log(max), noNaN: true })
    .map((x) => Math.min(max, Math.max(min, integer ? Math.round(Math.exp(x)) : Math.exp(x))));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(min > 0 ? min : low, max) },
    { weight: 4, arbitrary: spread },
  );
}

const bandwidth = bounded(1e3, 1e16);
const memory = fc.record({ sizeBytes: bounded(1, 1024 * GIB, true), bandwidthBytesPerS: bandwidth });

/**
 * A schema-valid chip: a preset's structure (formats, kinds, tiling) with every number redrawn within the chip schema's
 * bounds.
 */
const chipArb: fc.Arbitrary<ChipSpec> = fc
  .record({
    base: fc.constantFrom(...Object.keys(CHIP_PRESETS)),
    clockHz: bounded(1e6, 1e10),
    cores: bounded(1, 1_000_000, true),
    units: bounded(1, 1024, true),
    rows: bounded(1, MAX_ARRAY_DIM, true),
    cols: bounded(1, MAX_ARRAY_DIM, true),
    fifo: bounded(1, 1024, true),
    rate: bounded(1 / 64, MAX_FORMAT_RATE),
    lanes: bounded(1, 1_000_000, true),
    opsPerLane: bounded(1, 1024, true),
    unifiedBuffer: memory,
    accumulators: memory,
    capacityBytes: bounded(1e9, 1e15, true),
    offChip: bandwidth,
    latencyNs: bounded(0, 1e9),
    host: bandwidth,
    tile: fc.record({
      tileM: bounded(1, MAX_ARRAY_DIM, true),
      tileN: bounded(1, MAX_ARRAY_DIM, true),
      tileK: bounded(1, MAX_ARRAY_DIM, true),
      blocksPerSm: bounded(1, 64, true),
    }),
  })
  .map((d) => {
    const base = getChipPreset(d.base);
    const { sustainedClockHz: _clock, ...technology } = base.technology ?? {};
    const { sustainedBandwidthBytesPerS: _bw, ...offChipMemory } = base.offChipMemory;
    const chip: ChipSpec = {
      ...base,
      clockHz: d.clockHz,
      cores: base.cores.map((c) => ({
        ...c,
        count: d.cores,
        matrixUnits: c.matrixUnits.map((u) => ({
          ...u,
          count: d.units,
          rows: d.rows,
          cols: d.cols,
          weightFifoTiles: d.fifo,
          formats: u.formats.map((f, i) => (i === 0 ? f : { ...f, rate: d.rate })),
        })),
        vectorUnit: { lanes: d.lanes, opsPerLanePerCycle: d.opsPerLane },
        unifiedBuffer: d.unifiedBuffer,
        accumulators: d.accumulators,
      })),
      offChipMemory: {
        ...offChipMemory,
        capacityBytes: d.capacityBytes,
        bandwidthBytesPerS: d.offChip,
        latencyNs: d.latencyNs,
      },
      hostLink: { ...base.hostLink, bandwidthBytesPerS: d.host },
      ...(base.technology ? { technology } : {}),
      ...(base.gpuTiling ? { gpuTiling: d.tile } : {}),
    };
    return chip;
  })
  .filter((chip) => validateChip(chip).length === 0);

/** A schema-valid system: a preset's tiers with bandwidths and latencies redrawn within the system schema's bounds. */
const systemArb: fc.Arbitrary<SystemSpec> = fc
  .record({
    base: fc.constantFrom(...Object.keys(SYSTEM_PRESETS)),
    bandwidths: fc.array(bounded(1e3, 1e15), { minLength: 4, maxLength: 4 }),
    latencies: fc.array(bounded(0, 1), { minLength: 4, maxLength: 4 }),
  })
  .map(({ base, bandwidths, latencies }) => {
    const system = SYSTEM_PRESETS[base]!;
    return {
      ...system,
      tiers: system.tiers.map((t, i) => ({
        ...t,
        bandwidthBytesPerS: bandwidths[i % 4]!,
        latencyS: latencies[i % 4]!,
        ...(t.linkBandwidthBytesPerS !== undefined ? { linkBandwidthBytesPerS: bandwidths[i % 4]! } : {}),
      })),
    };
  })
  .filter((s) => validateSystem(s).length === 0);

const llama = transformerModel({ zoo: 'llama3-8b' }, 4096);
const plan = (over: Partial<TrainingPlan>): TrainingPlan => ({
  tp: 1,
  pp: 1,
  dp: 8,
  cp: 1,
  ep: 1,
  zero: 1,
  microbatch: 1,
  globalBatch: 64,
  seq: 4096,
  recompute: 'selective',
  sequenceParallel: false,
  interleave: 1,
  overlapGradients: true,
  ...over,
});

/** The invariant of one step; returns what is wrong ('' when nothing). */
function stepProblem(s: TrainingStep): string {
  if (!s.valid) return s.reasons.length > 0 ? '' : 'invalid without a reason';
  const finite = [s.stepTimeS, s.tokensPerS, s.mfu, s.hfu].every(Number.isFinite);
  if (!finite || !(s.stepTimeS > 0))
    return `step ${s.stepTimeS} s, ${s.tokensPerS} tokens/s, MFU ${s.mfu}, HFU ${s.hfu}`;
  if (s.mfu > 1 + SLACK || s.hfu > 1 + SLACK || s.mfu > s.hfu + SLACK) return `MFU ${s.mfu}, HFU ${s.hfu}`;
  return '';
}

describe('trainingStep on random schema-valid chips and systems', () => {
  it('is infeasible with reasons, or finite and positive with MFU <= HFU <= 1', () => {
    const tally = new Map<string, number>();
    const plans = fc.record({
      tp: fc.constantFrom(1, 2, 4, 8),
      cp: fc.constantFrom(1, 2),
      pp: fc.constantFrom(1, 2),
      recompute: fc.constantFrom('none', 'selective', 'full' as const),
      microbatch: fc.constantFrom(1, 2),
      zero: fc.constantFrom(0, 1, 3),
    });
    fc.assert(
      fc.property(chipArb, systemArb, plans, (chip, system, p) => {
        const dp = 16 / (p.tp * p.cp * p.pp);
        if (!Number.isInteger(dp)) return;
        const s = trainingStep(
          llama,
          chip,
          system,
          16,
          plan({ ...p, dp, globalBatch: 64 * dp, sequenceParallel: p.tp > 1 }),
        );
        expect(stepProblem(s), `${chip.name} on ${system.name}`).toBe('');
        tally.set(
          s.valid ? 'valid' : (s.reasons[0] ?? '').replace(/[:(].*$/, ''),
          (tally.get(s.valid ? 'valid' : (s.reasons[0] ?? '').replace(/[:(].*$/, '')) ?? 0) + 1,
        );
      }),
      { seed: 7, numRuns: 400 },
    );
    console.log('training steps drawn:', Object.fromEntries(tally));
    // The property must not hold vacuously: a good share of the draws are feasible steps.
    expect(tally.get('valid') ?? 0).toBeGreaterThan(30);
  }, 60_000);
});

describe('searchPlans on random schema-valid chips and systems', () => {
  it('ranks only feasible finite plans, fastest first, and gives reasons for the rest', () => {
    fc.assert(
      fc.property(chipArb, systemArb, (chip, system) => {
        const result = searchPlans(llama, chip, system, 32, {
          seq: 4096,
          globalBatch: 256,
          fixed: { zero: 1, interleave: 1, ep: 1 },
        });
        expect(result.valid + result.rejected.reduce((s, r) => s + r.count, 0)).toBe(result.evaluated);
        for (const s of result.best) expect(stepProblem(s)).toBe('');
        for (let i = 1; i < result.best.length; i++)
          expect(result.best[i]!.tokensPerS).toBeLessThanOrEqual(result.best[i - 1]!.tokensPerS);
        for (const r of result.rejected) expect(r.message.length).toBeGreaterThan(0);
      }),
      { seed: 11, numRuns: 12 },
    );
  }, 60_000);

  it(
    'rejects every plan on a chip whose accumulators hold no row chunk, as not computable (was NaN, ranked ' +
      'among the best)',
    () => {
      const base = getChipPreset('tpu-v5e');
      const core = base.cores[0]!;
      const chip: ChipSpec = {
        ...base,
        cores: [
          {
            ...core,
            matrixUnits: [{ ...core.matrixUnits[0]!, count: 38, rows: 69, cols: 963 }],
            accumulators: { ...core.accumulators, sizeBytes: 1 },
          },
        ],
      };
      const result = searchPlans(llama, chip, SYSTEM_PRESETS['tpu-v4-pod']!, 64, { seq: 4096, globalBatch: 1024 });
      expect(result.valid).toBe(0);
      expect(result.best).toEqual([]);
      expect(result.rejected[0]!.message).toMatch(
        /^not computable: cores\[0\]\.accumulators\.sizeBytes = 1 holds 0 rows/,
      );
    },
  );

  it(
    'keeps MFU and HFU at most 1 for TPU v2 chips on a TPU v4 pod, and with a 32 x 32 array (were 103%, ' +
      'and 105% / 108%)',
    () => {
      const v2 = getChipPreset('tpu-v2');
      const small: ChipSpec = {
        ...v2,
        name: 'tpu-v2-32x32',
        cores: v2.cores.map((c) => ({ ...c, matrixUnits: c.matrixUnits.map((u) => ({ ...u, rows: 32, cols: 32 })) })),
      };
      for (const chip of [v2, small]) {
        const result = searchPlans(llama, chip, SYSTEM_PRESETS['tpu-v4-pod']!, 64, {
          seq: 4096,
          globalBatch: 1024,
          fixed: { zero: 3 },
        });
        expect(result.best.length).toBeGreaterThan(0);
        for (const s of result.best)
          expect(
            stepProblem(s),
            `${chip.name}: tp ${s.plan.tp} dp ${s.plan.dp} cp ${s.plan.cp} ${s.plan.recompute}`,
          ).toBe('');
      }
    },
  );
});

describe('serving on random schema-valid chips and systems', () => {
  it('gives finite, positive and self-consistent static batches', () => {
    fc.assert(
      fc.property(
        chipArb,
        systemArb,
        fc.constantFrom(1, 2, 4),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 1, max: 8192 }),
        fc.integer({ min: 1, max: 2048 }),
        (chip, system, tp, batch, prompt, output) => {
          let ctx: ReturnType<typeof servingContext>;
          try {
            ctx = servingContext(llama, chip, system, { tp, pp: 1 });
          } catch (error) {
            expect(String(error)).toMatch(/not computable/);
            return;
          }
          const p = servingPoint(ctx, batch, prompt, output);
          for (const [k, v] of Object.entries(p))
            if (typeof v === 'number') expect(Number.isFinite(v) && v >= 0, `${k} = ${v}`).toBe(true);
          expect(p.requestS).toBeGreaterThan(0);
          expect(p.ttftS).toBeLessThanOrEqual(p.requestS * (1 + SLACK));
          expect(p.tokensPerS).toBeCloseTo((batch * output) / p.requestS, 6);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  }, 60_000);

  it('flags saturation whenever arrivals outpace a fixed-rate server (fast-check over rates)', () => {
    // 4 slots, 10 output tokens at 10 ms an iteration: capacity 40 requests/s.
    fc.assert(
      fc.property(fc.double({ min: 1.5, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (factor, seed) => {
        const r = simulateServing({
          rate: 40 * factor,
          requests: 1000,
          promptTokens: 10,
          outputTokens: 10,
          maxBatch: 4,
          seed,
          iteration: () => 0.01,
        });
        expect(r.saturated, `rate x${factor}`).toBe(true);
        expect(r.requestsPerS).toBeLessThanOrEqual(40 * (1 + 1e-6));
      }),
      { seed: 3, numRuns: 40 },
    );
  });
});
