import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileSweep, type ExploreSweep } from './compile-sweep.js';
import { columnRow } from './columns.js';
import { ExploreError } from './errors.js';
import type { DesignColumns } from './sweep-types.js';

/** Every column entry against evaluateChunk's row for the same point, and the row rebuilt from the columns. */
function expectColumnsEqualRows(sweep: ExploreSweep, start: number, end: number): DesignColumns {
  const columns = sweep.evaluateColumns!(start, end);
  const rows = sweep.evaluateChunk(start, end);
  expect(columns.start).toBe(start);
  expect(columns.end).toBe(end);
  rows.forEach((row, i) => {
    sweep.spec.knobs.forEach((k, d) => {
      const list = columns.knobValues[d];
      expect(list ? list[columns.knobs[d]![i]!] : columns.knobs[d]![i]).toBe(row.knobs[k.name]);
    });
    sweep.spec.objectives.forEach((o, k) =>
      expect(columns.objectives[k]![i]).toBe(row.objectives[o.name] ?? Number.NaN),
    );
    expect(columns.feasible[i]).toBe(row.feasible ? 1 : 0);
    const rebuilt = columnRow(sweep.spec, columns, i);
    expect(rebuilt).toStrictEqual(row);
    expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(row));
  });
  return columns;
}

const BENCH_SPEC = `
name: bench
base: tpu-v5p
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 512] }
  cols: { path: "cores[0].matrixUnits[0].cols", pow2: [64, 512] }
  mxus: { path: "cores[0].matrixUnits[0].count", int: [1, 8] }
  clockHz: { path: clockHz, float: [1GHz, 2GHz] }
  stacks: { int: [4, 8] }
derived:
  offChipMemory.bandwidthBytesPerS: stacks * 819GB/s
  offChipMemory.capacityBytes: stacks * 24GiB
workloads:
  - { name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }
objectives:
  - { name: t, metric: latencyS, workload: mm, direction: min }
constraints:
  - { metric: latencyS, workload: mm, max: 0.0008 }
sampler: { kind: sobol, points: 1000000, seed: 1 }
`;

interface Knob {
  readonly yaml: string;
  readonly tpuOnly?: boolean;
  readonly derived?: string;
}

/** Knobs a random sweep picks from: shape fields, rates, rules onto rates and shape fields, string values. */
const KNOBS: readonly Knob[] = [
  { yaml: 'rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 256] }', tpuOnly: true },
  { yaml: 'cols: { path: "cores[0].matrixUnits[0].cols", pow2: [32, 256] }', tpuOnly: true },
  { yaml: 'units: { path: "cores[0].matrixUnits[0].count", int: [1, 4] }', tpuOnly: true },
  { yaml: 'clock: { path: clockHz, float: [0.9GHz, 2GHz], log: true, steps: 3 }' },
  { yaml: 'lat: { path: offChipMemory.latencyNs, values: [100, 250] }' },
  { yaml: 'stacks: { int: [2, 8], step: 2 }', derived: 'offChipMemory.bandwidthBytesPerS: stacks * PER_STACK' },
  { yaml: 'links: { float: [1, 8], steps: 2 }', derived: 'hostLink.bandwidthBytesPerS: links * 8GB/s' },
  { yaml: 'ghz: { float: [1, 1.8], steps: 2 }', derived: 'clockHz: ghz * 1GHz' },
  { yaml: 'flavour: { model: hidden, values: [small, 2048, large] }' },
];

const gemm = fc.record({
  m: fc.integer({ min: 1, max: 8192 }),
  n: fc.integer({ min: 1, max: 8192 }),
  k: fc.integer({ min: 1, max: 8192 }),
  dtype: fc.constantFrom('', 'bf16', 'int8', 'fp8-e4m3'),
  weight: fc.constantFrom(1, 0.5, 3),
});
const metric = fc.record({
  metric: fc.constantFrom('latencyS', 'throughputPerChip', 'peakOpsPerS'),
  workload: fc.integer({ min: -1, max: 2 }),
  direction: fc.constantFrom('min', 'max'),
});
const limit = fc.record({
  side: fc.constantFrom('min', 'max', 'both'),
  scale: fc.double({ min: 0.1, max: 10, noNaN: true }),
});
// Typical magnitudes per metric, scaled so that some points break the limits and some do not.
const TYPICAL: Readonly<Record<string, number>> = { latencyS: 1e-4, throughputPerChip: 1e4, peakOpsPerS: 3e14 };

const sweepText = fc
  .record({
    base: fc.constantFrom('tpu-v5p', 'tpu-v4', 'tpu-v5e', 'h100-sxm'),
    knobs: fc.subarray([...KNOBS.keys()], { minLength: 1 }),
    workloads: fc.array(gemm, { minLength: 1, maxLength: 3 }),
    objectives: fc.array(metric, { minLength: 1, maxLength: 3 }),
    constraints: fc.array(fc.tuple(metric, limit), { maxLength: 3 }),
    sampler: fc.constantFrom('grid', 'sobol', 'lhs', 'random'),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map((s) => {
    const knobs = s.knobs.map((i) => KNOBS[i]!).filter((k) => !(k.tpuOnly && s.base === 'h100-sxm'));
    const chosen = knobs.length > 0 ? knobs : [KNOBS[3]!];
    const names = s.workloads.map((_, i) => `w${i}`);
    const on = (m: { metric: string; workload: number }): string =>
      m.metric === 'peakOpsPerS' || m.workload < 0 ? '' : `, workload: ${names[m.workload % names.length]}`;
    const constraints = s.constraints.map(([m, l]) => {
      const value = TYPICAL[m.metric]! * l.scale;
      const bounds = l.side === 'both' ? `min: ${value / 3}, max: ${value}` : `${l.side}: ${value}`;
      return `  - { metric: ${m.metric}${on(m)}, ${bounds} }`;
    });
    // The H100's sustained bandwidth (3.01 TB/s) caps how low its bandwidth may go.
    const derived = chosen.flatMap((k) =>
      k.derived ? [`  ${k.derived.replace('PER_STACK', s.base === 'h100-sxm' ? '1.6TB/s' : '400GB/s')}`] : [],
    );
    return (
      `
name: random
base: ${s.base}
knobs:
${chosen.map((k) => `  ${k.yaml}`).join('\n')}
` +
      `${derived.length > 0 ? `derived:\n${derived.join('\n')}` : ''}
workloads:
` +
      s.workloads
        .map(
          (w, i) =>
            `  - { name: ${names[i]}, kind: gemm, m: ${w.m}, n: ${w.n}, k: ` +
            (`${w.k}, weight: ${w.weight}` + `${w.dtype ? `, dtype: ${w.dtype}` : ''} ` + `}`),
        )
        .join('\n') +
      `
objectives:
` +
      s.objectives
        .map((o, i) => `  - { name: o${i}, metric: ${o.metric}` + `${on(o)}, direction: ` + `${o.direction} }`)
        .join('\n') +
      `
` +
      `${constraints.length > 0 ? `constraints:\n${constraints.join('\n')}` : ''}
sampler: { kind: ${s.sampler}, ` +
      `points: 120, seed: ${s.seed} }
`
    );
  });

describe('evaluateColumns (columnar GEMM sweeps)', () => {
  it('equals evaluateChunk point by point on random GEMM sweeps, samplers, chunks and limits', () => {
    fc.assert(
      fc.property(sweepText, fc.nat(), fc.nat(), (text, a, b) => {
        const sweep = compileSweep(text, 'random.yaml');
        expect(sweep.evaluateColumns).toBeDefined();
        const start = a % sweep.count;
        const end = start + 1 + (b % (sweep.count - start));
        expectColumnsEqualRows(sweep, start, end);
      }),
      { numRuns: 100, seed: 15 },
    );
  });

  it('equals evaluateChunk on the benchmark sweep, feasible and infeasible points both', () => {
    const sweep = compileSweep(BENCH_SPEC, 'bench.yaml');
    const columns = expectColumnsEqualRows(sweep, 1000, 3000);
    const feasible = columns.feasible.reduce((n, f) => n + f, 0);
    expect(feasible).toBeGreaterThan(0);
    expect(feasible).toBeLessThan(2000);
    expect(columns.reasonCodes).toEqual([
      { kind: 'above-max', constraint: 0 },
      { kind: 'no-objective', objective: 0 },
    ]);
    expect(columns.otherReasons.size).toBe(0);
  });

  it('follows the Sobol sequence across a chunk boundary and past index 2^32', () => {
    const sweep = compileSweep(BENCH_SPEC.replace('points: 1000000', 'points: 10000000000'));
    const whole = sweep.evaluateColumns!(2 ** 32 - 6, 2 ** 32 + 6);
    const split = [sweep.evaluateColumns!(2 ** 32 - 6, 2 ** 32 - 1), sweep.evaluateColumns!(2 ** 32 - 1, 2 ** 32 + 6)];
    expect([...split[0]!.knobs[3]!, ...split[1]!.knobs[3]!]).toEqual([...whole.knobs[3]!]);
    expectColumnsEqualRows(sweep, 2 ** 32 - 6, 2 ** 32 + 6);
    expectColumnsEqualRows(sweep, 2 ** 31 - 3, 2 ** 31 + 3);
  });

  it('copies in the row path for shapes the GEMM timer cannot take (tensor cores, a format the chip lacks)', () => {
    const gpu = BENCH_SPEC.replace('base: tpu-v5p', 'base: h100-sxm').replace(/ {2}(rows|cols|mxus):.*\n/g, '');
    const onGpu = expectColumnsEqualRows(compileSweep(gpu), 0, 50);
    expect(onGpu.feasible.some((f) => f === 1)).toBe(true);
    const fp8 = BENCH_SPEC.replace('base: tpu-v5p', 'base: tpu-v4').replace('k: 4096 }', 'k: 4096, dtype: fp8-e4m3 }');
    const refused = expectColumnsEqualRows(compileSweep(fp8), 0, 20);
    expect(refused.otherReasons.size).toBe(20);
    expect(refused.otherReasons.get(0)![0]).toMatch(/^mm: /);
  });

  it('is offered only for GEMM workloads and the metrics GEMM time and peak give', () => {
    expect(compileSweep(BENCH_SPEC).evaluateColumns).toBeDefined();
    const area = BENCH_SPEC.replace('metric: latencyS, workload: mm, max', 'metric: dieAreaMm2, max');
    expect(compileSweep(area).evaluateColumns).toBeUndefined();
    const resnet = BENCH_SPEC.replace(
      '{ name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }',
      '{ name: mm, kind: inference, model: resnet50, batch: 1 }',
    );
    expect(compileSweep(resnet).evaluateColumns).toBeUndefined();
    const nsga = BENCH_SPEC.replace(
      'sampler: { kind: sobol, points: 1000000, seed: 1 }',
      'sampler: { kind: random }\nnsga2: { population: 8, generations: 2 }',
    );
    expect(compileSweep(nsga).evaluateColumns).toBeUndefined();
  });

  it('refuses a chunk outside the sweep as evaluateChunk does', () => {
    const sweep = compileSweep(BENCH_SPEC.replace('points: 1000000', 'points: 10'));
    for (const [start, end] of [
      [0, 11],
      [-1, 2],
      [3, 2],
      [0.5, 2],
    ] as const) {
      expect(() => sweep.evaluateColumns!(start, end)).toThrow(ExploreError);
      expect(() => sweep.evaluateColumns!(start, end)).toThrow(`chunk [${start}, ${end}) is not within [0, 10]`);
    }
  });
});
