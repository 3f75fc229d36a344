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
import { interpretProgram, runProgram } from './run.js';

const v1 = getChipPreset('tpu-v1');
const v4 = getChipPreset('tpu-v4');

function program(text: string): Program {
  const r = assemble(text, 'test.s');
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.value;
}

const example = (name: string): Program => program(readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', name), 'utf8'));

function randomInputs(p: Program, seed: number): Record<string, Float64Array> {
  const rng = createRng(seed);
  const inputs: Record<string, Float64Array> = {};
  for (const b of p.buffers) {
    if (!b.dtype || !b.shape || b.output) continue;
    const info = NUMBER_FORMATS[b.dtype];
    const n = b.shape.reduce((a, c) => a * c, 1);
    inputs[b.name] = Float64Array.from({ length: n }, () => (info.kind === 'int' ? rng.int(-40, 40) : info.quantize(rng.normal())));
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
      expect(m.activeCycles + m.weightStallCycles + m.weightShiftCycles + m.rawStallCycles + m.inputStallCycles + m.nonMatrixCycles).toBe(run.totalCycles);
    }
  });

  it.each([
    ['mlp-int8.s', v1],
    ['conv-int8.s', v1],
    ['dense-bf16-v4.s', v4],
  ] as const)('%s: the register-level engine replays every pass on the same cycles with the same sums', (name, chip) => {
    const p = example(name);
    const run = runProgram(chip, p, { inputs: randomInputs(p, 3), engine: 'register' });
    expect(run.registerCheck!.passes).toBe(p.instructions.filter((i) => i.op === 'matmul').length);
  });

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
      for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) for (let c = 0; c < 16; c++) acc += img[((y + dy) * 6 + x + dx) * 16 + c]! * w[((dy * 3 + dx) * 16 + c) * 32 + n]!;
      return Math.max(0, acc / 128);
    };
    const expected: number[] = [];
    for (let py = 0; py < 2; py++) for (let px = 0; px < 2; px++) for (let n = 0; n < 32; n++) {
      expected.push(int8(Math.max(conv(2 * py, 2 * px, n), conv(2 * py, 2 * px + 1, n), conv(2 * py + 1, 2 * px, n), conv(2 * py + 1, 2 * px + 1, n))));
    }
    expect(Array.from(out)).toEqual(expected);
  });

  it('writes a trace with one track per unit and an event per instruction', () => {
    const p = example('dense-bf16-v4.s');
    const run = runProgram(v4, p, { inputs: randomInputs(p, 1), trace: true });
    const trace = JSON.parse(JSON.stringify(chromeTrace(run.trace, v4.clockHz, 'dense')));
    const names = trace.traceEvents.filter((e: { ph: string; name: string }) => e.ph === 'M' && e.name === 'thread_name').map((e: { args: { name: string } }) => e.args.name);
    expect(names).toEqual(expect.arrayContaining(['pcie', 'core0.mxu0', 'core0.mxu1', 'core1.mxu0', 'core0.vpu', 'core1.vpu', 'core0.mxu0.load']));
    const complete = trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    expect(complete.filter((e: { args: { instruction?: number } }) => e.args.instruction !== undefined)).toHaveLength(p.instructions.filter((i) => i.op !== 'halt').length);
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
    for (const [m, n, k] of [[300, 320, 600], [1000, 256, 256], [64, 100, 700]] as const) {
      const run = runProgram(v1, program(gemmProgram(m, n, k, 256, 256)), { engine: 'register' });
      const mxu = run.timings.filter((t) => t.unit === 'core0.mxu0');
      const gemm = foldEngine.run({ shape: { m, n, k }, array: { rows: 256, cols: 256, dataflow: 'ws', format: 'int8', doubleBuffered: true } }).stats;
      // The engine starts with its first tile loaded at cycle 0 (first pass at R); here the tile is fetched first.
      expect(Math.max(...mxu.map((t) => t.end)) - mxu[0]!.start).toBe(gemm.totalCycles - 256);
    }
  });

  const pair = (chip: ChipSpec, rows: number): number => {
    const text = `.dtype int8\n.buffer ub a 0 bytes=65536\nread_weights ub:0, 256, 256\nread_weights ub:0, 256, 256\nmatmul acc:0, a, ${rows}, 256, pop\nmatmul acc:${rows}, a, ${rows}, 256, pop\nhalt`;
    const t = runProgram(chip, program(text), { values: false }).timings;
    return t[3]!.start - t[2]!.start;
  };

  it('double buffering hides a tile load behind a pass of at least R rows', () => {
    const single: ChipSpec = { ...v1, cores: [{ ...v1.cores[0]!, matrixUnits: [{ ...v1.cores[0]!.matrixUnits[0]!, doubleBufferedWeights: false }] }] };
    expect(pair(v1, 100)).toBe(256); // max(T, R)
    expect(pair(v1, 400)).toBe(400);
    expect(pair(single, 100)).toBe(356); // T + R
    expect(pair(single, 400)).toBe(656);
  });

  it('fetches a tile only when the weight FIFO has a free slot', () => {
    const text = '.dtype int8\nread_weights dram:0, 256, 256\nread_weights dram:0, 256, 256\nmatmul acc:0, ub:0, 8, 256, pop\nmatmul acc:8, ub:0, 8, 256, pop\nhalt';
    const shallow: ChipSpec = { ...v1, cores: [{ ...v1.cores[0]!, matrixUnits: [{ ...v1.cores[0]!.matrixUnits[0]!, weightFifoTiles: 1 }] }] };
    const deep = runProgram(v1, program(text), { values: false });
    const one = runProgram(shallow, program(text), { values: false });
    expect(deep.timings[1]!.start).toBe(deep.timings[0]!.start + Math.ceil(65536 / (34e9 / 700e6)));
    expect(one.timings[1]!.start).toBeGreaterThan(deep.timings[1]!.start);
    expect(one.totalCycles).toBeGreaterThan(deep.totalCycles);
  });

  it('overlaps independent work and waits for dependencies and sync', () => {
    const base = '.dtype int8\n.buffer host x 0 bytes=65536\nread_weights ub:0, 256, 256\n';
    const overlap = runProgram(v1, program(`${base}read_host ub:100000, x, 65536\nmatmul acc:0, ub:0, 256, 256, pop\nhalt`), { values: false });
    const [dma, mm] = [overlap.timings[1]!, overlap.timings[2]!];
    expect(mm.start).toBeLessThan(dma.end); // decoupled: the matmul does not wait for an unrelated DMA
    const raw = runProgram(v1, program(`${base}read_host ub:0, x, 65536\nmatmul acc:0, ub:0, 256, 256, pop\nhalt`), { values: false });
    expect(raw.timings[2]!.start).toBeGreaterThanOrEqual(raw.timings[1]!.end);
    expect(raw.counters.matrixUnits[0]!.inputStallCycles).toBeGreaterThan(0);
    const synced = runProgram(v1, program(`${base}read_host ub:100000, x, 65536\nsync\nmatmul acc:0, ub:0, 256, 256, pop\nhalt`), { values: false });
    expect(synced.timings[3]!.start).toBeGreaterThan(synced.timings[1]!.end);
  });
});
