// The compiler (issue: real models onto the chip). Goals: import and compile ResNet-50 from ONNX in
// under 2 s; simulate ResNet-50 at batch 1 on tpu-v1, timing only, in under 10 s. The ONNX file is the
// zoo's ResNet-50 exported with seeded random weights (102 MB, as torchvision's would be). Compiling
// int8 quantizes every weight per channel; calibrating activation scales (an fp32 run of the model in
// plain JavaScript loops) is measured separately, since it is a one-off per model and input set.
import {
  buildZooModel,
  compileGraph,
  encodeOnnx,
  getChipPreset,
  graphToOnnx,
  importOnnx,
  runCompiledModel,
  evaluateGraph,
  createRng,
} from '../dist/index.js';
import { fmt, line, measure } from './harness.mjs';

const v1 = getChipPreset('tpu-v1');
const v4 = getChipPreset('tpu-v4');
const bytes = encodeOnnx(graphToOnnx(buildZooModel('resnet50'), { weights: 'random', seed: 1 }));
console.log(`compiler (ResNet-50 ONNX, ${fmt(bytes.length / 1e6)} MB)`);

let graph;
const importTime = measure(
  () => {
    const r = importOnnx(bytes, { fileName: 'resnet50.onnx' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    graph = r.value;
  },
  { warmup: 1, repeats: 3 },
);
line('import (decode, initializers, shape inference)', `${fmt(importTime.median)} s`);

let compiledV1;
const compileV1 = measure(() => (compiledV1 = compileGraph(graph, v1, { dtype: 'int8' })), { warmup: 1, repeats: 3 });
line(
  `compile int8 for tpu-v1 (${compiledV1.program.instructions.length.toLocaleString('en-US')} instructions, ` +
    `weights quantized)`,
  `${fmt(compileV1.median)} s`,
);
line('import + compile', `${fmt(importTime.median + compileV1.median)} s`, {
  text: '< 2 s',
  met: importTime.median + compileV1.median < 2,
});

let compiledV4;
const compileV4 = measure(() => (compiledV4 = compileGraph(graph, v4, { dtype: 'bf16' })), { warmup: 1, repeats: 3 });
line(
  `compile bf16 for tpu-v4 (${compiledV4.program.instructions.length.toLocaleString('en-US')} instructions)`,
  `${fmt(compileV4.median)} s`,
);

let run;
const simV1 = measure(() => (run = runCompiledModel(compiledV1, v1)), { warmup: 1, repeats: 3 });
line(
  `timing-only run on tpu-v1: ${run.run.totalCycles.toLocaleString('en-US')} cycles = ` +
    `${fmt(run.run.seconds * 1e3)} ms simulated`,
  `${fmt(simV1.median)} s`,
  { text: '< 10 s', met: simV1.median < 10 },
);
const simV4 = measure(() => (run = runCompiledModel(compiledV4, v4)), { warmup: 1, repeats: 3 });
line(
  `timing-only run on tpu-v4: ${run.run.totalCycles.toLocaleString('en-US')} cycles = ` +
    `${fmt(run.run.seconds * 1e3)} ms simulated`,
  `${fmt(simV4.median)} s`,
);

const rng = createRng(3);
const input = Float64Array.from({ length: 3 * 224 * 224 }, () => rng.normal());
const calibrate = measure(() => evaluateGraph(graph, { [graph.inputs[0]]: input }, { keepAll: true }), {
  warmup: 0,
  repeats: 1,
});
line('int8 calibration: fp32 reference run of the whole model (one input)', `${fmt(calibrate.median)} s`);
