import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSweep, type CompiledSweep, type DesignRow } from '../../index.js';
import { decodeChunk, encodeChunk } from './chunk-codec.js';
import {
  ChunkBuilder,
  cellOf,
  columnarSpec,
  evaluateChunkColumns,
  objectiveCell,
  transferList,
  type ChunkColumns,
  type ChunkRange,
} from './chunk-columns.js';

/** A chunk's cells as the store binds them, row by row. */
function cells(sweep: Pick<CompiledSweep, 'knobNames' | 'objectiveNames'>, c: ChunkColumns): unknown[][] {
  return Array.from({ length: c.length }, (_, i) => [
    c.start + i,
    ...sweep.knobNames.map((n) => cellOf(c.knobs[n], i)),
    c.feasible[i],
    c.reasons.labels[c.reasons.codes[i]!],
    ...sweep.objectiveNames.map((n) => objectiveCell(c.objectives[n], i)),
  ]);
}

function fromRows(sweep: CompiledSweep, range: ChunkRange): ChunkColumns {
  const builder = new ChunkBuilder(sweep, range);
  builder.addRows(sweep.evaluateChunk(range.start, range.end));
  return builder.finish();
}

const GEMM_SPEC = `
name: gemm
base: tpu-v5p
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 512] }
  units: { path: "cores[0].matrixUnits[0].count", int: [1, 8] }
  clockHz: { path: clockHz, float: [1GHz, 2GHz] }
  stacks: { int: [4, 8] }
  flavour: { model: hidden, values: [small, 2048, large] }
derived:
  offChipMemory.bandwidthBytesPerS: stacks * 819GB/s
workloads:
  - { name: mm, kind: gemm, m: 4096, n: 4096, k: 4096 }
  - { name: small, kind: gemm, m: 64, n: 512, k: 300, dtype: int8 }
objectives:
  - { name: t, metric: latencyS, workload: mm, direction: min }
  - { name: rate, metric: throughputPerChip, direction: max }
constraints:
  - { metric: latencyS, workload: mm, max: 0.0008 }
  - { metric: peakOpsPerS, min: 2e14 }
sampler: { kind: sobol, points: 5000, seed: 3 }
`;

describe('chunk columns', () => {
  it('a GEMM sweep through evaluateColumns gives the cells of its rows, before and after the Redis codec', () => {
    const sweep = compileSweep(GEMM_SPEC, 'gemm.yaml');
    expect(columnarSpec(sweep)).toBeDefined();
    const range = { chunk: 1, start: 1000, end: 3500 };
    const rows = cells(sweep, fromRows(sweep, range));
    const columns = evaluateChunkColumns(sweep, range);
    expect(cells(sweep, columns)).toStrictEqual(rows);
    expect(cells(sweep, decodeChunk(encodeChunk(columns)))).toStrictEqual(rows);
    // Both reasons and feasible points are there, and the string knob travels as labels.
    expect(rows.some((r) => r[6] === 0) && rows.some((r) => r[6] === 1)).toBe(true);
    expect(columns.knobs['flavour']!.kind).toBe('label');
  });

  it('a sweep without columns (ResNet-50 inference) goes by rows', () => {
    const spec = `
name: rows
base: tpu-v5p
knobs:
  units: { path: "cores[0].matrixUnits[0].count", int: [1, 8] }
  hbm: { path: offChipMemory.kind, values: [HBM3e] }
workloads:
  - { name: r, kind: inference, model: resnet50, batch: 1 }
objectives:
  - { name: ips, metric: throughputPerChip, workload: r, direction: max }
sampler: { kind: grid, points: 16 }
`;
    const sweep = compileSweep(spec, 'rows.yaml');
    expect(columnarSpec(sweep)).toBeUndefined();
    const range = { chunk: 0, start: 0, end: sweep.count };
    expect(cells(sweep, evaluateChunkColumns(sweep, range))).toStrictEqual(cells(sweep, fromRows(sweep, range)));
  });

  const value = fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 6 }), fc.constant(undefined));
  const row = fc.record({
    knobs: fc.tuple(value, value, value),
    feasible: fc.boolean(),
    reasons: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
    objectives: fc.tuple(fc.option(fc.double(), { nil: undefined }), fc.option(fc.double(), { nil: undefined })),
  });
  const sweep = { knobNames: ['a', 'b "c"', 'd'], objectiveNames: ['x', 'y'] };

  it('round-trips any rows through the builder and the codec, and transfers every buffer once', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.nat(1000), (drafts, start) => {
        const rows: DesignRow[] = drafts.map((d, i) => ({
          index: start + i,
          knobs: Object.fromEntries(d.knobs.flatMap((v, k) => (v === undefined ? [] : [[sweep.knobNames[k]!, v]]))),
          feasible: d.feasible,
          reasons: d.reasons,
          objectives: Object.fromEntries(
            d.objectives.flatMap((v, k) => (v === undefined ? [] : [[sweep.objectiveNames[k]!, v]])),
          ),
        }));
        const builder = new ChunkBuilder(sweep, { chunk: 2, start, end: start + rows.length });
        builder.addRows(rows);
        const columns = builder.finish();
        const expected = rows.map((r) => [
          r.index,
          ...sweep.knobNames.map((n) => (r.knobs[n] === undefined || Number.isNaN(r.knobs[n]) ? null : r.knobs[n])),
          r.feasible ? 1 : 0,
          JSON.stringify(r.reasons),
          ...sweep.objectiveNames.map((n) => (Number.isFinite(r.objectives[n]) ? r.objectives[n] : null)),
        ]);
        expect(cells(sweep, columns)).toStrictEqual(expected);
        expect(cells(sweep, decodeChunk(encodeChunk(columns)))).toStrictEqual(expected);
        expect(new Set(transferList(columns)).size).toBe(transferList(columns).length);
      }),
    );
  });

  it('refuses bytes that are not a chunk, naming what is wrong', () => {
    expect(() => decodeChunk(Buffer.from('{"chunk":1}'))).toThrow(
      'a chunk result from the queue is not a tpusim chunk (another tpusim version?)',
    );
    const bytes = encodeChunk(
      evaluateChunkColumns(compileSweep(GEMM_SPEC, 'gemm.yaml'), { chunk: 0, start: 0, end: 10 }),
    );
    expect(() => decodeChunk(bytes.subarray(0, bytes.length - 16))).toThrow(
      /a chunk result from the queue is truncated \(\d+ bytes\)/,
    );
  });
});
