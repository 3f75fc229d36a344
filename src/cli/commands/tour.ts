import { CHIP_PRESETS, SYSTOLIC_ENGINES, formatGemmStats, getChipPreset } from '../../index.js';
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
  usage: 'tpusim tour\n\n  Lists the chip presets, runs a GEMM on tpu-v1 with both systolic engines, and checks every\n  output against a plain reference GEMM. Exits non-zero if anything disagrees.',
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
    io.out(`
Next:
  tpusim chip show tpu-v4                      every number of a preset and its source
  tpusim gemm 1024 1024 1024 --chip tpu-v4 --dtype bf16 --check
  tpusim gemm 64 64 64 --engine register --dataflow os --check
  tpusim scalesim -c data/scalesim/google.cfg -t data/scalesim/mlperf-Resnet50.csv
  tpusim --help`);
    const ok = fold.check?.identical === true && reg.check?.identical === true && sameCycles;
    return ok ? 0 : 1;
  },
};
