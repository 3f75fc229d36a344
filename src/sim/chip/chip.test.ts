/**
 * The chip machine: example programs compute what an independent plain computation and the untimed
 * reference interpreter compute, bit for bit; the counters add up to the total; and the timing
 * mechanisms (decoupling, double buffering, FIFO depth, dependencies, sync) behave as documented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChipSpec } from '../../arch/chip-spec.js';
import { getChipPreset } from '../../arch/presets/index.js';
import { NUMBER_FORMATS } from '../../core/number-formats.js';
import { createRng } from '../../core/rng.js';
import { assemble } from '../../isa/assembler.js';
import type { Program } from '../../isa/types.js';
import { chromeTrace } from '../../report/trace.js';
import { foldEngine } from '../systolic/fold-engine.js';
import { encodeNpy } from '../../core/npy.js';
import { interpretProgram, runProgram } from './run.js';
import { initPath, loadProgramInit } from './tensors.js';
import { VECTOR_PIPELINE_CYCLES } from './timing.js';

const v1 = getChipPreset('tpu-v1');
const v4 = getChipPreset('tpu-v4');

function program(text: string): Program {
  const r = assemble(text, 'test.s');
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.value;
}

const example = (name: string): Program =>
  program(readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', name), 'utf8'));

function randomInputs(p: Program, seed: number): Record<string, Float64Array> {
  const rng = createRng(seed);
  const inputs: Record<string, Float64Array> = {};
  for (const b of p.buffers) {
    if (!b.dtype || !b.shape || b.output) continue;
    const info = NUMBER_FORMATS[b.dtype];
    const n = b.shape.reduce((a, c) => a * c, 1);
    inputs[b.name] = Float64Array.from({ length: n }, () =>
      info.kind === 'int' ? rng.int(-40, 40) : info.quantize(rng.normal()),
    );
  }
  return inputs;
}

/** Requantization as the ISA defines it: round half to even, saturate to int8. */
function int8(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  const rounded = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  return Math.min(127, Math.max(-128, rounded));
}

describe('example programs', () => {
  it.each([
    ['mlp-int8.s', v1],
    ['conv-int8.s', v1],
    ['dense-bf16-v4.s', v4],
  ] as const)('%s: the machine computes what the reference interpreter computes, bit for bit', (name, chip) => {
    const p = example(name);
    const inputs = randomInputs(p, 11);
    const run = runProgram(chip, p, { inputs });
    const reference = interpretProgram(chip, p, inputs);
    expect(Object.keys(run.outputs)).toEqual(Object.keys(reference));
    for (const [key, out] of Object.entries(run.outputs)) {
      const expected = reference[key]!.values;
      expect(out.values.every((v, i) => Object.is(v, expected[i]))).toBe(true);
    }
    for (const m of run.counters.matrixUnits) {
      expect(
        m.activeCycles +
          m.weightStallCycles +
          m.weightShiftCycles +
          m.rawStallCycles +
          m.inputStallCycles +
          m.nonMatrixCycles,
      ).toBe(run.totalCycles);
    }
  });

  it.each([
    ['mlp-int8.s', v1],
    ['conv-int8.s', v1],
    ['dense-bf16-v4.s', v4],
  ] as const)(
    '%s: the register-level engine replays every pass on the same cycles with the same sums',
    (name, chip) => {
      const p = example(name);
      const run = runProgram(chip, p, { inputs: randomInputs(p, 3), engine: 'register' });
      expect(run.registerCheck!.passes).toBe(p.instructions.filter((i) => i.op === 'matmul').length);
    },
  );

  it('mlp-int8 equals a plain two-layer computation', () => {
    const p = example('mlp-int8.s');
    const inputs = randomInputs(p, 5);
    const y = runProgram(v1, p, { inputs }).outputs['y']!.values;
    const layer = (a: Float64Array, w: Float64Array, rows: number, k: number, n: number): Float64Array =>
      Float64Array.from({ length: rows * n }, (_, i) => {
        let acc = 0;
        for (let j = 0; j < k; j++) acc += a[Math.floor(i / n) * k + j]! * w[j * n + (i % n)]!;
        return int8(Math.max(0, acc / 1024));
      });
    const h = layer(inputs['x']!, inputs['w1']!, 8, 256, 256);
    expect(Array.from(y)).toEqual(Array.from(layer(h, inputs['w2']!, 8, 256, 128)));
  });

  it('conv-int8 equals a plain convolution, ReLU and 2x2 max pooling', () => {
    const p = example('conv-int8.s');
    const inputs = randomInputs(p, 6);
    const out = runProgram(v1, p, { inputs }).outputs['out']!.values;
    const img = inputs['image']!;
    const w = inputs['w']!;
    const conv = (y: number, x: number, n: number): number => {
      let acc = 0;
      for (let dy = 0; dy < 3; dy++)
        for (let dx = 0; dx < 3; dx++)
          for (let c = 0; c < 16; c++)
            acc += img[((y + dy) * 6 + x + dx) * 16 + c]! * w[((dy * 3 + dx) * 16 + c) * 32 + n]!;
      return Math.max(0, acc / 128);
    };
    const expected: number[] = [];
    for (let py = 0; py < 2; py++)
      for (let px = 0; px < 2; px++)
        for (let n = 0; n < 32; n++) {
          expected.push(
            int8(
              Math.max(
                conv(2 * py, 2 * px, n),
                conv(2 * py, 2 * px + 1, n),
                conv(2 * py + 1, 2 * px, n),
                conv(2 * py + 1, 2 * px + 1, n),
              ),
            ),
          );
        }
    expect(Array.from(out)).toEqual(expected);
  });

  it('writes a trace with one track per unit and an event per instruction', () => {
    const p = example('dense-bf16-v4.s');
    const run = runProgram(v4, p, { inputs: randomInputs(p, 1), trace: true });
    const trace = JSON.parse(JSON.stringify(chromeTrace(run.trace, v4.clockHz, 'dense')));
    const names = trace.traceEvents
      .filter((e: { ph: string; name: string }) => e.ph === 'M' && e.name === 'thread_name')
      .map((e: { args: { name: string } }) => e.args.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'pcie',
        'core0.mxu0',
        'core0.mxu1',
        'core1.mxu0',
        'core0.vpu',
        'core1.vpu',
        'core0.mxu0.load',
      ]),
    );
    const complete = trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    expect(complete.filter((e: { args: { instruction?: number } }) => e.args.instruction !== undefined)).toHaveLength(
      p.instructions.filter((i) => i.op !== 'halt').length,
    );
    expect(complete.every((e: { ts: number; dur: number }) => e.ts >= 0 && e.dur >= 0)).toBe(true);
  });
});

/** A GEMM written as the fold-level engine's folds: tiles of B from the unified buffer, one pass each. */
function gemmProgram(m: number, n: number, k: number, rows: number, cols: number): string {
  const lines = ['.dtype int8', `.buffer ub a 0 bytes=${m * k}`, `.buffer ub b ${m * k} bytes=${k * n}`];
  for (let c = 0; c < Math.ceil(n / cols); c++) {
    for (let r = 0; r < Math.ceil(k / rows); r++) {
      const depth = Math.min(rows, k - r * rows);
      const width = Math.min(cols, n - c * cols);
      lines.push(`read_weights b+${r * rows * n + c * cols}, ${depth}, ${width}, stride=${n}`);
      lines.push(`matmul acc:${c * m}, a+${r * rows}, ${m}, ${depth}, stride=${k}, pop${r > 0 ? ', acc' : ''}`);
    }
  }
  lines.push('halt');
  return lines.join('\n');
}

describe('matrix-unit timing', () => {
  it('streams folds exactly as the fold-level engine times them', () => {
    for (const [m, n, k] of [
      [300, 320, 600],
      [1000, 256, 256],
      [64, 100, 700],
    ] as const) {
      const run = runProgram(v1, program(gemmProgram(m, n, k, 256, 256)), { engine: 'register' });
      const mxu = run.timings.filter((t) => t.unit === 'core0.mxu0');
      const gemm = foldEngine.run({
        shape: { m, n, k },
        array: { rows: 256, cols: 256, dataflow: 'ws', format: 'int8', doubleBuffered: true },
      }).stats;
      // The engine starts with its first tile loaded at cycle 0 (first pass at R); here the tile is fetched first.
      expect(Math.max(...mxu.map((t) => t.end)) - mxu[0]!.start).toBe(gemm.totalCycles - 256);
    }
  });

  const pair = (chip: ChipSpec, rows: number): number => {
    const text =
      `.dtype int8\n.buffer ub a 0 bytes=65536\nread_weights ub:0, 256, 256\nread_weights ub:0, 256, ` +
      `256\nmatmul acc:0, a, ${rows}, 256, pop\nmatmul acc:${rows}, a, ${rows}, 256, pop\nhalt`;
    const t = runProgram(chip, program(text), { values: false }).timings;
    return t[3]!.start - t[2]!.start;
  };

  it('double buffering hides a tile load behind a pass of at least R rows', () => {
    const single: ChipSpec = {
      ...v1,
      cores: [{ ...v1.cores[0]!, matrixUnits: [{ ...v1.cores[0]!.matrixUnits[0]!, doubleBufferedWeights: false }] }],
    };
    expect(pair(v1, 100)).toBe(256); // max(T, R)
    expect(pair(v1, 400)).toBe(400);
    expect(pair(single, 100)).toBe(356); // T + R
    expect(pair(single, 400)).toBe(656);
  });

  it('fetches a tile only when the weight FIFO has a free slot', () => {
    const text =
      '.dtype int8\nread_weights dram:0, 256, 256\nread_weights dram:0, 256, 256\nmatmul acc:0, ub:0, 8, 256, ' +
      'pop\nmatmul acc:8, ub:0, 8, 256, pop\nhalt';
    const shallow: ChipSpec = {
      ...v1,
      cores: [{ ...v1.cores[0]!, matrixUnits: [{ ...v1.cores[0]!.matrixUnits[0]!, weightFifoTiles: 1 }] }],
    };
    const deep = runProgram(v1, program(text), { values: false });
    const one = runProgram(shallow, program(text), { values: false });
    expect(deep.timings[1]!.start).toBe(deep.timings[0]!.start + Math.ceil(65536 / (34e9 / 700e6)));
    expect(one.timings[1]!.start).toBeGreaterThan(deep.timings[1]!.start);
    expect(one.totalCycles).toBeGreaterThan(deep.totalCycles);
  });

  it('overlaps independent work and waits for dependencies and sync', () => {
    const base = '.dtype int8\n.buffer host x 0 bytes=65536\nread_weights ub:0, 256, 256\n';
    const overlap = runProgram(
      v1,
      program(`${base}read_host ub:100000, x, 65536\nmatmul acc:0, ub:0, 256, 256, pop\nhalt`),
      { values: false },
    );
    const [dma, mm] = [overlap.timings[1]!, overlap.timings[2]!];
    expect(mm.start).toBeLessThan(dma.end); // decoupled: the matmul does not wait for an unrelated DMA
    const raw = runProgram(v1, program(`${base}read_host ub:0, x, 65536\nmatmul acc:0, ub:0, 256, 256, pop\nhalt`), {
      values: false,
    });
    expect(raw.timings[2]!.start).toBeGreaterThanOrEqual(raw.timings[1]!.end);
    expect(raw.counters.matrixUnits[0]!.inputStallCycles).toBeGreaterThan(0);
    const synced = runProgram(
      v1,
      program(`${base}read_host ub:100000, x, 65536\nsync\nmatmul acc:0, ub:0, 256, 256, pop\nhalt`),
      { values: false },
    );
    expect(synced.timings[3]!.start).toBeGreaterThan(synced.timings[1]!.end);
  });
});

/** Runs a program on the machine and the reference interpreter; they must agree bit for bit. */
function runBoth(
  chip: ChipSpec,
  text: string,
  inputs: Record<string, ArrayLike<number>> = {},
): Record<string, number[]> {
  const p = program(text);
  const run = runProgram(chip, p, { inputs });
  const reference = interpretProgram(chip, p, inputs);
  const outputs: Record<string, number[]> = {};
  for (const [name, out] of Object.entries(run.outputs)) {
    expect(out.values.every((v, i) => Object.is(v, reference[name]!.values[i]))).toBe(true);
    outputs[name] = Array.from(out.values);
  }
  return outputs;
}

describe('ISA extensions: what each new instruction computes', () => {
  it('dma copies rows of bytes between strided addresses', () => {
    const x = Array.from({ length: 24 }, (_, i) => i + 1);
    const out = runBoth(
      v1,
      '.buffer host x 0 shape=24 dtype=int8\n.buffer ub a 0 shape=18 dtype=int8 output\nread_host a, x, 4, ' +
        'rows=3, sstride=8, dstride=6\nhalt',
      { x },
    );
    expect(out['a']).toEqual([1, 2, 3, 4, 0, 0, 9, 10, 11, 12, 0, 0, 17, 18, 19, 20, 0, 0]);
    const packed = runBoth(
      v1,
      '.buffer host x 0 shape=24 dtype=int8\n.buffer ub a 0 shape=8 dtype=int8 output\nread_host a, x, 4, rows=2\nhalt',
      { x },
    );
    expect(packed['a']).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('activate adds an int32 bias, scales per column and writes grouped rows', () => {
    const x = [1, 2, 3, 4, -1, 0, 2, 5, 10, -3, 0, 1, 0, 0, 0, 0];
    const w = [1, 0, 2, 0, 1, -1, 3, 1, 0, -2, 4, 1];
    const bias = [100, -50, 7];
    const cs = [0.5, 2, 1.5];
    const text = [
      '.dtype int8',
      '.buffer host x 0 shape=4x4 dtype=int8',
      '.buffer dram w 0 shape=4x3 dtype=int8',
      '.buffer dram bias 64 shape=3 dtype=int32',
      '.buffer ub cs 256 shape=3 dtype=fp32',
      '.buffer ub xu 0 bytes=16',
      '.buffer ub y 512 shape=24 dtype=int8 output',
      'read_host xu, x, 16',
      'read_weights w, 4, 3',
      'matmul acc:0, xu, 4, 4, pop',
      'activate y, acc:0, 4, 3, relu, scale=0.25, bias=bias, cscale=cs, stride=4, group=2, gstride=16',
      'halt',
    ].join('\n');
    const out = runBoth(v1, text, { x, w, bias, cs })['y']!;
    const expected = new Array(24).fill(0);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < 4; k++) acc += x[r * 4 + k]! * w[k * 3 + c]!;
        expected[(r % 2) * 4 + Math.floor(r / 2) * 16 + c] = int8(Math.max(0, (acc + bias[c]!) * 0.25 * cs[c]!));
      }
    }
    expect(out).toEqual(expected);
    // Row 0: acc (2, 21, 4) + bias = (102, -29, 11); x 0.25 x cs = (12.75, -14.5, 4.125); relu, int8: (13, 0, 4).
    expect(out.slice(0, 3)).toEqual([13, 0, 4]);
    expect(out.filter((v) => v !== 0)).toEqual([13, 4, 12, 4, 14, 12, 12, 3]);
  });

  it('activate adds an fp32 bias with fp32 rounding on a float matrix unit', () => {
    const f = Math.fround;
    const x = [1.5, -0.25];
    const w = [0.75, 3, 2, -1.125];
    const bias = [0.1, -1e-3];
    const text =
      '.dtype bf16\n.buffer ub xu 0 shape=1x2 dtype=bf16\n.buffer ub w 64 shape=2x2 dtype=bf16\n.buffer ub b 128 ' +
      'shape=2 dtype=fp32\n.buffer ub y 256 shape=2 dtype=fp32 output\n' +
      ('read_weights w, 2, 2\nmatmul acc:0, xu, 1, 2, pop\nactivate y, acc:0, 1, 2, identity, scale=0.3, ' +
        'out=fp32, bias=b\nhalt');
    const out = runBoth(v4, text, { xu: x, w, b: bias })['y']!;
    const acc = [0, 1].map((c) => f(f(x[0]! * w[c]!) + f(x[1]! * w[2 + c]!)));
    expect(out).toEqual(acc.map((a, c) => f(f(a + f(bias[c]!)) * 0.3)));
  });

  it('activate without bias or column scale computes what it computed before', () => {
    const text =
      '.dtype int8\n.buffer ub xu 0 shape=2x2 dtype=int8\n.buffer ub y 64 shape=2x2 dtype=int8 ' +
      'output\nread_weights ub:0, 2, 2\nmatmul acc:0, xu, 2, 2, pop\nactivate y, acc:0, 2, 2, identity, ' +
      'scale=0.5, outscale=0.25\nhalt';
    const x = [3, -5, 7, 1];
    const acc = [3 * 3 - 5 * 7, 3 * -5 - 5 * 1, 7 * 3 + 1 * 7, 7 * -5 + 1 * 1];
    expect(runBoth(v1, text, { xu: x })['y']).toEqual(acc.map((a) => int8((a * 0.5) / 0.25)));
  });

  it('vector ops scale int8 inputs and write another format', () => {
    const a = [10, -20, 100, 7, 127];
    const b = [4, 8, -128, 3, 127];
    const text =
      '.buffer ub a 0 shape=5 dtype=int8\n.buffer ub b 16 shape=5 dtype=int8\n.buffer ub y 32 shape=5 dtype=int8 ' +
      'output\n.buffer ub z 64 shape=5 dtype=fp32 output\n' +
      ('vector add, y, a, 1, 5, src2=b, dtype=int8, iscale=0.5, iscale2=0.25, oscale=0.5\nvector add, z, a, 1, 5, ' +
        'src2=b, dtype=int8, out=fp32, iscale=0.5, iscale2=0.25\nhalt');
    const out = runBoth(v1, text, { a, b });
    // 10*0.5 + 4*0.25 = 6 -> 12; ... 7*0.5 + 3*0.25 = 4.25 -> 8.5 -> 8 (half to even); 127*0.75 = 95.25 -> 190.5 -> 127
    // (saturated).
    expect(out['y']).toEqual([12, -16, 36, 8, 127]);
    expect(out['z']).toEqual([6, -8, 18, 4.25, 95.25]);
  });

  it('div, sqrt and reduce_mean work row by row in fp32', () => {
    const a = [1, 4, 9, 2, 2, 8, 3, 0];
    const b = [2, 8, 3, 0.5];
    const text =
      '.buffer ub a 0 shape=2x4 dtype=fp32\n.buffer ub b 32 shape=4 dtype=fp32\n.buffer ub q 64 shape=2x4 ' +
      'dtype=fp32 output\n.buffer ub s 128 shape=2x4 dtype=fp32 output\n.buffer ub m 192 shape=2 dtype=fp32 ' +
      'output\n' +
      'vector div, q, a, 2, 4, src2=b, bcast\nvector sqrt, s, a, 2, 4\nvector reduce_mean, m, a, 2, 4\nhalt';
    const out = runBoth(v4, text, { a, b });
    expect(out['q']).toEqual([0.5, 0.5, 3, 4, 1, 1, 1, 0]);
    expect(out['s']).toEqual([
      1,
      2,
      3,
      Math.fround(Math.SQRT2),
      Math.fround(Math.SQRT2),
      Math.fround(Math.sqrt(8)),
      Math.fround(Math.sqrt(3)),
      0,
    ]);
    expect(out['m']).toEqual([4, 3.25]);
  });

  it('fill writes one value, rounded to its format, to strided rows', () => {
    const text =
      '.buffer ub a 0 shape=12 dtype=int8 output\n.buffer ub b 64 shape=3 dtype=bf16 output\nfill a, 3, 2, -1.5, ' +
      'dtype=int8, stride=4\nfill b, 1, 3, 0.3333333, dtype=bf16\nhalt';
    const out = runBoth(v1, text);
    expect(out['a']).toEqual([-2, -2, 0, 0, -2, -2, 0, 0, -2, -2, 0, 0]);
    expect(out['b']).toEqual(new Array(3).fill(NUMBER_FORMATS.bf16.quantize(0.3333333)));
  });

  it('max and avg pooling over a 4x4x2 image with stride 2, written to strided rows', () => {
    const image = Array.from({ length: 32 }, (_, i) => ((i * 37) % 61) - 30);
    const text =
      '.buffer ub img 0 shape=4x4x2 dtype=int8\n.buffer ub mx 64 shape=16 dtype=int8 output\n.buffer ub av 128 ' +
      'shape=8 dtype=int8 output\n' +
      'pool mx, img, max, 2, 4, 4, 2, 2, 2, dstride=8\npool av, img, avg, 2, 4, 4, 2, 2, 2\nhalt';
    const out = runBoth(v1, text, { img: image });
    const window = (oy: number, ox: number, c: number): number[] =>
      [0, 1].flatMap((dy) => [0, 1].map((dx) => image[((2 * oy + dy) * 4 + 2 * ox + dx) * 2 + c]!));
    const mx = new Array(16).fill(0);
    const av: number[] = [];
    for (let oy = 0; oy < 2; oy++)
      for (let ox = 0; ox < 2; ox++)
        for (let c = 0; c < 2; c++) {
          mx[oy * 8 + ox * 2 + c] = Math.max(...window(oy, ox, c));
          av.push(int8(window(oy, ox, c).reduce((s, v) => s + v, 0) / 4));
        }
    expect(out['mx']).toEqual(mx);
    expect(out['av']).toEqual(av);
    expect(av.some((v, i) => v !== mx[Math.floor(i / 4) * 8 + (i % 4)])).toBe(true);
  });
});

describe('ISA extensions: timing and dependencies', () => {
  const lanes = (chip: ChipSpec): number => chip.cores[0]!.vectorUnit.lanes;
  const alus = (chip: ChipSpec): number => lanes(chip) * chip.cores[0]!.vectorUnit.opsPerLanePerCycle;

  it('times fill and pool on the vector unit from their formulas', () => {
    for (const chip of [v1, v4]) {
      const run = runProgram(
        chip,
        program('fill ub:0, 100, 300, 0, dtype=int8\npool ub:65536, ub:0, max, 64, 16, 16, 3, 3, 2\nhalt'),
        { values: false },
      );
      const [fill, pool] = run.timings;
      const fillCycles = Math.ceil((100 * 300) / lanes(chip));
      const poolCycles = Math.ceil((7 * 7 * 64 * 3 * 3) / alus(chip));
      expect(fill!.end - fill!.start).toBe(fillCycles + VECTOR_PIPELINE_CYCLES);
      expect(pool!.unit).toBe('core0.vpu');
      expect(pool!.start).toBeGreaterThanOrEqual(fill!.end); // reads what the fill wrote
      expect(pool!.end - pool!.start).toBe(poolCycles + VECTOR_PIPELINE_CYCLES);
      expect(run.counters.vectorBusyCycles[0]).toBe(fillCycles + poolCycles);
    }
  });

  it('moves rows x bytes over the link for a multi-row DMA', () => {
    const p = program('.buffer host x 0 bytes=4096\nread_host ub:0, x, 100, rows=30, sstride=128, dstride=100\nhalt');
    const run = runProgram(v1, p, { values: false });
    expect(run.counters.linkBytes.pcie).toBe(3000);
    const one = runProgram(v1, program('.buffer host x 0 bytes=4096\nread_host ub:0, x, 3000\nhalt'), {
      values: false,
    });
    expect(run.timings[0]!.end - run.timings[0]!.start).toBe(one.timings[0]!.end - one.timings[0]!.start);
  });

  it('makes an activate wait for the DMA that writes its bias, and a strided DMA wait for the rows it reads', () => {
    const text =
      '.dtype int8\n.buffer host b 0 bytes=4096\nread_weights ub:8192, 16, 16\nmatmul acc:0, ub:8192, 16, 16, ' +
      'pop\nread_host ub:4096, b, 4096\nactivate ub:0, acc:0, 16, 16, relu, bias=ub:4160\nhalt';
    const t = runProgram(v1, program(text), { values: false }).timings;
    expect(t[3]!.start).toBeGreaterThanOrEqual(t[2]!.end);
    const unrelated = runProgram(v1, program(text.replace('bias=ub:4160', 'bias=ub:12288')), { values: false }).timings;
    expect(unrelated[3]!.start).toBeLessThan(unrelated[2]!.end);
    const strided = runProgram(
      v1,
      program(
        '.buffer host b 0 bytes=4096\nfill ub:300, 1, 4, 1, dtype=int8\ndma ub:8192, ub:0, 4, rows=4, ' +
          'sstride=100\nhalt',
      ),
      { values: false },
    ).timings;
    expect(strided[1]!.start).toBeGreaterThanOrEqual(strided[0]!.end);
  });
});

describe('ISA extensions: one program using every new instruction', () => {
  const text = [
    '.dtype int8',
    '.buffer host x 0 shape=8x16 dtype=int8',
    '.buffer dram w 0 shape=16x8 dtype=int8',
    '.buffer dram bias 256 shape=8 dtype=int32',
    '.buffer dram cs 512 shape=8 dtype=fp32',
    '.buffer host y auto shape=4x4x8 dtype=int8 output',
    '.buffer host p auto shape=2x2x8 dtype=int8 output',
    '.buffer host z auto shape=4x8 dtype=fp32 output',
    '.buffer host m auto shape=4 dtype=fp32 output',
    '.buffer ub xu 0 bytes=256',
    '.buffer ub h 1024 bytes=512',
    '.buffer ub f 2048 bytes=512',
    '.buffer ub pooled 3072 bytes=64',
    '.buffer ub q 4096 bytes=256',
    '.buffer ub mean 4608 bytes=64',
    '.buffer ub d 5120 bytes=32',
    'read_host xu, x, 16, rows=8, dstride=32',
    'read_weights w, 16, 8',
    'matmul acc:0, xu, 8, 16, stride=32, pop',
    'fill h, 16, 8, 0, dtype=int8',
    'activate h+8, acc:0, 8, 8, relu, scale=0.125, bias=bias, cscale=cs, stride=16, group=2, gstride=64',
    'pool pooled, h, max, 8, 4, 4, 2, 2, 2, dstride=16',
    'vector add, f, h, 4, 32, src2=h+128, dtype=int8, out=fp32, iscale=0.5, iscale2=0.25',
    'fill d, 1, 8, -2.5',
    'vector div, q, f, 4, 8, src2=d, bcast',
    'vector reduce_mean, mean, q, 4, 8',
    'write_host y, h, 128',
    'write_host p, pooled, 16, rows=2, sstride=16',
    'write_host z, q, 128',
    'write_host m, mean, 16',
    'halt',
  ].join('\n');

  it('computes the same bits on the machine (fold and register engines) and the reference interpreter', () => {
    const p = program(text);
    const rng = createRng(21);
    const inputs = {
      x: Array.from({ length: 128 }, () => rng.int(-40, 40)),
      w: Array.from({ length: 128 }, () => rng.int(-40, 40)),
      bias: Array.from({ length: 8 }, () => rng.int(-2000, 2000)),
      cs: Array.from({ length: 8 }, () => 0.25 + rng.int(0, 8) / 8),
    };
    const reference = interpretProgram(v1, p, inputs);
    for (const engine of ['fold', 'register'] as const) {
      const run = runProgram(v1, p, { inputs, engine, trace: true });
      for (const [name, out] of Object.entries(reference))
        expect(run.outputs[name]!.values.every((v, i) => Object.is(v, out.values[i]))).toBe(true);
      const m = run.counters.matrixUnits[0]!;
      expect(
        m.activeCycles +
          m.weightStallCycles +
          m.weightShiftCycles +
          m.rawStallCycles +
          m.inputStallCycles +
          m.nonMatrixCycles,
      ).toBe(run.totalCycles);
      expect(run.trace.filter((e) => e.instruction !== undefined)).toHaveLength(p.instructions.length - 1);
    }
    expect(reference['y']!.values.some((v) => v !== 0)).toBe(true);
    expect(reference['m']!.values.every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('loadProgramInit', () => {
  const p = program(
    '.buffer host x 0 shape=2 dtype=int8\n.buffer host w 64 shape=2 dtype=fp32\n.init x "x.npy"\n.init w ' +
      '"data/w.npy"\nhalt',
  );
  const files = new Map([
    ['models/x.npy', encodeNpy({ dtype: 'int8', shape: [2], data: Int8Array.from([3, -4]) })],
    ['models/data/w.npy', encodeNpy({ dtype: 'float32', shape: [2], data: Float32Array.from([0.5, 2]) })],
  ]);

  it('reads every .init file relative to the program, as inputs', () => {
    const loaded = loadProgramInit(p, 'models', (path) => files.get(path));
    expect(loaded).toEqual({ ok: true, value: { x: Float64Array.from([3, -4]), w: Float64Array.from([0.5, 2]) } });
    expect(loadProgramInit(p, 'models', (path) => files.get(path), ['w'])).toEqual({
      ok: true,
      value: { x: Float64Array.from([3, -4]) },
    });
    expect(initPath('models/', 'x.npy')).toBe('models/x.npy');
    expect(initPath('models', '/abs/x.npy')).toBe('/abs/x.npy');
    expect(initPath('.', 'x.npy')).toBe('x.npy');
  });

  it('reports every missing or unfitting file', () => {
    const loaded = loadProgramInit(p, 'elsewhere', (path) =>
      path.endsWith('w.npy') ? files.get('models/x.npy') : undefined,
    );
    expect(loaded.ok ? [] : loaded.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "elsewhere/x.npy: the .init file of buffer 'x' does not exist ('x.npy', relative to the program)",
      "elsewhere/data/w.npy: dtype int8 does not fit buffer 'w' (fp32); give float32",
    ]);
  });
});
