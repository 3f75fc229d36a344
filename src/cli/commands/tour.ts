import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHIP_PRESETS, SYSTOLIC_ENGINES, decodeNpy, formatGemmStats, getChipPreset, interpretProgram, runProgram, type NpyArray } from '../../index.js';
import { readProgram } from '../program-arg.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import type { Io } from '../io.js';
import { chipsCommand } from './chips.js';
import { describeCheck, runGemm } from './gemm.js';

/** A GEMM that does not fit the 256 x 256 array evenly, so edge folds are exercised. */
const TOUR_SHAPE = { m: 300, n: 320, k: 600 };

export const tourCommand: Command = {
  name: 'tour',
  summary: 'a short walk through tpusim on built-in defaults (the README\'s first command)',
  usage: 'tpusim tour\n\n  Lists the chip presets, runs a GEMM on tpu-v1 with both systolic engines and a program on the\n  whole chip, and checks every output against a reference. Exits non-zero if anything disagrees.',
  run(argv: readonly string[], io: Io): number {
    const { values } = parseCommandArgs('tour', argv, {});
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    io.out(`tpusim: a workbench for TPU-style accelerators. ${Object.keys(CHIP_PRESETS).length} chip presets:\n`);
    chipsCommand.run([], io);
    const chip = getChipPreset('tpu-v1');
    const { m, n, k } = TOUR_SHAPE;
    io.out(`\nA ${m} x ${n} x ${k} int8 GEMM on tpu-v1's 256 x 256 weight-stationary matrix unit.`);
    io.out('The fold-level engine (closed-form cycles, fast kernels):\n');
    const fold = runGemm({ chip, shape: TOUR_SHAPE, engine: 'fold', timing: 'native', check: true, seed: 1 });
    io.out(formatGemmStats(TOUR_SHAPE, fold.arrayInfo.array, fold.result.stats, chip.clockHz));
    io.out(describeCheck(fold, TOUR_SHAPE));
    io.out('\nThe register-level engine (every cell, every cycle) on the same data:');
    const reg = runGemm({ chip, shape: TOUR_SHAPE, engine: 'register', timing: 'native', check: true, seed: 1 });
    io.out(describeCheck(reg, TOUR_SHAPE));
    const sameCycles = reg.result.stats.totalCycles === fold.result.stats.totalCycles;
    io.out(`cycles: register ${reg.result.stats.totalCycles.toLocaleString('en-US')}, fold ${fold.result.stats.totalCycles.toLocaleString('en-US')} (${sameCycles ? 'identical' : 'DIFFERENT'})`);
    const scalesim = SYSTOLIC_ENGINES.fold.run({ shape: TOUR_SHAPE, array: fold.arrayInfo.array, timing: 'scalesim' }).stats.totalCycles;
    io.out(`SCALE-Sim v2 would report ${scalesim.toLocaleString('en-US')} cycles for the same folds (it never overlaps weight loads).`);
    const chipOk = tourProgram(io);
    io.out(`
Next:
  tpusim chip show tpu-v4                      every number of a preset and its source
  tpusim gemm 1024 1024 1024 --chip tpu-v4 --dtype bf16 --check
  tpusim gemm 64 64 64 --engine register --dataflow os --check
  tpusim scalesim -c data/scalesim/google.cfg -t data/scalesim/mlperf-Resnet50.csv
  tpusim run examples/conv-int8.s --input image=examples/data/conv-image.npy --input w=examples/data/conv-w.npy --trace trace.json
  tpusim --help`);
    const ok = fold.check?.identical === true && reg.check?.identical === true && sameCycles && chipOk;
    return ok ? 0 : 1;
  },
};

/** The package's root, where examples/ lives (dist/cli/commands -> root). */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function tourProgram(io: Io): boolean {
  const file = join(root, 'examples', 'mlp-int8.s');
  const program = readProgram(file);
  const chip = getChipPreset('tpu-v1');
  const load = (name: string): NpyArray => {
    const array = decodeNpy(new Uint8Array(readFileSync(join(root, 'examples', 'data', name))));
    if (!array.ok) throw new Error(`examples/data/${name} is damaged`);
    return array.value;
  };
  const inputs = { x: Float64Array.from(load('mlp-x.npy').data), w1: Float64Array.from(load('mlp-w1.npy').data), w2: Float64Array.from(load('mlp-w2.npy').data) };
  io.out('\nA program on the whole chip: examples/mlp-int8.s, a two-layer int8 MLP on tpu-v1.');
  const run = runProgram(chip, program, { inputs, engine: 'register' });
  const m = run.counters.matrixUnits[0]!;
  io.out(`${run.totalCycles.toLocaleString('en-US')} cycles = ${(run.seconds * 1e6).toFixed(2)} us; the matrix unit was active ${m.activeCycles} cycles, waited ${m.weightStallCycles} for weights from DDR3, ${m.weightShiftCycles} for tiles to shift in, ${m.inputStallCycles} for the input over PCIe and ${m.rawStallCycles} for the first layer's activations`);
  const reference = interpretProgram(chip, program, inputs)['y']!.values;
  const same = run.outputs['y']!.values.every((v, i) => Object.is(v, reference[i]));
  io.out(`output y: ${same ? 'bit-identical to the untimed reference interpreter' : 'DIFFERENT from the reference interpreter'}; every matmul pass replayed on the register-level engine on the same cycles`);
  return same;
}
