import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHIP_PRESETS,
  SYSTOLIC_ENGINES,
  buildZooModel,
  compileGraph,
  createRng,
  decodeNpy,
  encodeOnnx,
  evaluateQuantized,
  formatGemmStats,
  fuse,
  getChipPreset,
  graphToOnnx,
  importOnnx,
  interpretProgram,
  runCompiledModel,
  runProgram,
  simplify,
  type NpyArray,
} from '../../index.js';
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
  summary: "a short walk through tpusim on built-in defaults (the README's first command)",
  usage:
    'tpusim tour\n\n  Lists the chip presets, runs a GEMM on tpu-v1 with both systolic engines, a program on the ' +
    'whole\n  chip and two compiled models, and checks every output against a reference. Exits non-zero if\n  ' +
    'anything disagrees.',
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
    io.out(
      `cycles: register ${reg.result.stats.totalCycles.toLocaleString('en-US')}, fold ` +
        `${fold.result.stats.totalCycles.toLocaleString('en-US')} (${sameCycles ? 'identical' : 'DIFFERENT'})`,
    );
    const scalesim = SYSTOLIC_ENGINES.fold.run({ shape: TOUR_SHAPE, array: fold.arrayInfo.array, timing: 'scalesim' })
      .stats.totalCycles;
    io.out(
      `SCALE-Sim v2 would report ${scalesim.toLocaleString('en-US')} cycles for the same folds (it never ` +
        `overlaps weight loads).`,
    );
    const chipOk = tourProgram(io);
    const modelOk = tourModel(io);
    io.out(
      `
Next:
  tpusim ui                                    all of it in your browser: http://127.0.0.1:8737
  ` +
        `tpusim models                                the model zoo and where each is published
  tpusim run resnet50 ` +
        `--chip tpu-v1            a model compiled and timed on a chip, layer by layer
  tpusim compile model.onnx ` +
        `--chip tpu-v4 -o prog.s   your ONNX model as a program (docs/compiler.md)
  tpusim chip show tpu-v4           ` +
        `           every number of a preset and its source
  tpusim gemm 1024 1024 1024 --chip tpu-v4 --dtype bf16 ` +
        `--check
  tpusim gemm 64 64 64 --engine register --dataflow os --check
  tpusim scalesim -c ` +
        `data/scalesim/google.cfg -t data/scalesim/mlperf-Resnet50.csv
  tpusim estimate llama3-8b --chip tpu-v5p ` +
        `--timeline timeline.svg   the analytical model, layer by layer
  tpusim train llama3-70b --chip h100-sxm ` +
        `--chips 1024               the best training plans on a cluster
  tpusim tco --chip tpu-v4 --workload ` +
        `resnet50 --vs a100             build vs buy
  tpusim run examples/conv-int8.s --input ` +
        `image=examples/data/conv-image.npy --input w=examples/data/conv-w.npy --trace trace.json
  tpusim --help`,
    );
    const ok = fold.check?.identical === true && reg.check?.identical === true && sameCycles && chipOk && modelOk;
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
  const inputs = {
    x: Float64Array.from(load('mlp-x.npy').data),
    w1: Float64Array.from(load('mlp-w1.npy').data),
    w2: Float64Array.from(load('mlp-w2.npy').data),
  };
  io.out('\nA program on the whole chip: examples/mlp-int8.s, a two-layer int8 MLP on tpu-v1.');
  const run = runProgram(chip, program, { inputs, engine: 'register' });
  const m = run.counters.matrixUnits[0]!;
  io.out(
    `${run.totalCycles.toLocaleString('en-US')} cycles = ${(run.seconds * 1e6).toFixed(2)} us; the matrix unit ` +
      `was active ${m.activeCycles} cycles, waited ${m.weightStallCycles} for weights from DDR3, ` +
      `${m.weightShiftCycles} for tiles to shift in, ${m.inputStallCycles} for the input over PCIe and ` +
      `${m.rawStallCycles} for the first layer's activations`,
  );
  const reference = interpretProgram(chip, program, inputs)['y']!.values;
  const same = run.outputs['y']!.values.every((v, i) => Object.is(v, reference[i]));
  io.out(
    `output y: ` +
      (same
        ? 'bit-identical to the untimed ' + 'reference interpreter'
        : 'DIFFERENT from the reference ' + 'interpreter') +
      `; ` +
      `every matmul pass replayed on the register-level engine on the same cycles`,
  );
  return same;
}

/**
 * A model through the whole path: zoo graph -> ONNX file -> import -> compile -> run, checked against the quantized
 * reference.
 */
function tourModel(io: Io): boolean {
  const chip = getChipPreset('tpu-v1');
  const resnet = compileGraph(buildZooModel('resnet50'), chip);
  const timed = runCompiledModel(resnet, chip);
  const slowest = [...timed.layers].sort((a, b) => b.endCycle - b.startCycle - (a.endCycle - a.startCycle)).slice(0, 3);
  io.out(
    `\nA model: the zoo's ResNet-50 (He et al. 2016), compiled for tpu-v1: ${resnet.layers.length} layers, ` +
      `${resnet.program.instructions.length.toLocaleString('en-US')} instructions; one image takes ` +
      `${timed.run.totalCycles.toLocaleString('en-US')} cycles = ${(timed.run.seconds * 1e3).toFixed(3)} ms (the ` +
      `longest layers: ${slowest.map((l) => l.layer).join(', ')}).`,
  );
  const bytes = encodeOnnx(graphToOnnx(buildZooModel('lenet'), { weights: 'random', seed: 7 }));
  const imported = importOnnx(bytes, { fileName: 'lenet.onnx' });
  if (!imported.ok) throw new Error("the tour's LeNet-5 export does not import");
  const graph = imported.value;
  const rng = createRng(8);
  const input = graph.tensors[graph.inputs[0]!]!;
  const inputs = {
    [input.name]: Float64Array.from({ length: input.shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
  };
  const compiled = compileGraph(graph, chip, { calibration: inputs });
  const run = runCompiledModel(compiled, chip, { inputs });
  const reference = evaluateQuantized(fuse(simplify(graph)), compiled.plan, inputs);
  const out = graph.outputs[0]!;
  const same = run.outputs.get(out)!.every((v, i) => Object.is(v, reference.outputs.get(out)![i]));
  io.out(
    `LeNet-5 with random weights, written as ONNX, imported and compiled to int8: ` +
      `${run.run.totalCycles.toLocaleString('en-US')} cycles; its outputs are ` +
      `${same ? 'bit-identical to the quantized reference' : 'DIFFERENT from the quantized reference'}.`,
  );
  return same;
}
