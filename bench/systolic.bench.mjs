// Systolic engines (issue: the matrix unit). Goals: register-level engine >= 5e8 cell-updates/s;
// fold-level timing of every ResNet-50 layer on a 128x128 array < 5 ms; fold-level int8 GEMM with
// data >= 2e9 MAC/s; and the fold/register speed ratio measured in the same run.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegisterEngine, foldEngine, parseScaleSimTopology, randomOperands } from '../dist/index.js';
import { fmt, line, measure } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
console.log('systolic engines (1 MAC = 2 ops; a cell update = one cell for one cycle)');

// Register-level engine: steady streaming through a double-buffered weight-stationary array.
for (const [rows, shape, format, dataflow] of [
  [128, { m: 8192, n: 256, k: 256 }, 'int8', 'ws'],
  [256, { m: 4096, n: 512, k: 512 }, 'int8', 'ws'],
  [128, { m: 8192, n: 256, k: 256 }, 'bf16', 'ws'],
  [128, { m: 256, n: 8192, k: 256 }, 'int8', 'is'],
  [128, { m: 256, n: 256, k: 4096 }, 'int8', 'os'],
]) {
  for (const machine of ['wasm', 'js']) {
    const engine = createRegisterEngine(machine);
    const array = { rows, cols: rows, dataflow, format, doubleBuffered: true };
    const operands = randomOperands(shape, format, 1);
    let cycles = 0;
    const t = measure(() => (cycles = engine.run({ shape, array, operands }).stats.totalCycles), {
      warmup: 1,
      repeats: 3,
    });
    const rate = (cycles * rows * rows) / t.median;
    const headline = rows === 128 && format === 'int8' && dataflow === 'ws' && machine === 'wasm';
    line(
      `register ${machine.padEnd(4)} ${rows}x${rows} ${dataflow} ${format} ${shape.m}x${shape.n}x${shape.k}`,
      `${fmt(rate)} cell-updates/s`,
      headline ? { text: '>= 5e8', met: rate >= 5e8 } : undefined,
    );
  }
}

// Fold-level, timing only: every layer of ResNet-50 (SCALE-Sim's mlperf topology) on 128x128.
const topology = parseScaleSimTopology(
  readFileSync(join(here, '..', 'data', 'scalesim', 'mlperf-Resnet50.csv'), 'utf8'),
  'conv',
  'mlperf-Resnet50.csv',
);
if (!topology.ok) throw new Error('topology did not parse');
const layers = topology.value.map((l) => ({ m: l.m, n: l.n, k: l.k }));
const array128 = { rows: 128, cols: 128, dataflow: 'ws', format: 'int8', doubleBuffered: true };
let total = 0;
const resnet = measure(
  () => {
    total = 0;
    for (const shape of layers) total += foldEngine.run({ shape, array: array128 }).stats.totalCycles;
  },
  { warmup: 200, repeats: 201 },
);
line(
  `fold timing-only: all ${layers.length} ResNet-50 layers, 128x128 ws (${fmt(total, 6)} cycles)`,
  `${fmt(resnet.median * 1e3)} ms`,
  { text: '< 5 ms', met: resnet.median < 5e-3 },
);

// Fold-level with data: int8 GEMM through the fast kernels, bit-identical to the reference order.
const big = { m: 1024, n: 1024, k: 1024 };
const bigOperands = randomOperands(big, 'int8', 2);
const arrayV1 = { rows: 256, cols: 256, dataflow: 'ws', format: 'int8', doubleBuffered: true };
const data = measure(() => foldEngine.run({ shape: big, array: arrayV1, operands: bigOperands }), {
  warmup: 1,
  repeats: 3,
});
const macRate = (big.m * big.n * big.k) / data.median;
line(`fold with data: int8 ${big.m}x${big.n}x${big.k} on 256x256`, `${fmt(macRate)} MAC/s`, {
  text: '>= 2e9',
  met: macRate >= 2e9,
});
const bf = measure(
  () => foldEngine.run({ shape: big, array: { ...arrayV1, format: 'bf16' }, operands: randomOperands(big, 'bf16', 3) }),
  { warmup: 0, repeats: 1 },
);
line(
  `fold with data: bf16 ${big.m}x${big.n}x${big.k} on 256x256 (ordered fp32 sums)`,
  `${fmt((big.m * big.n * big.k) / bf.median)} MAC/s`,
);

// Same GEMM on both engines, same run: how much faster the fold-level engine is.
const same = { m: 1024, n: 512, k: 512 };
const sameOperands = randomOperands(same, 'int8', 4);
const reg = measure(() => createRegisterEngine('auto').run({ shape: same, array: array128, operands: sameOperands }), {
  warmup: 1,
  repeats: 3,
});
const foldData = measure(() => foldEngine.run({ shape: same, array: array128, operands: sameOperands }), {
  warmup: 1,
  repeats: 3,
});
const foldTiming = measure(() => foldEngine.run({ shape: same, array: array128 }), { warmup: 100, repeats: 101 });
line(
  `fold/register speed, int8 ${same.m}x${same.n}x${same.k} on 128x128, with data`,
  `${fmt(reg.median / foldData.median)}x (${fmt(reg.median * 1e3)} ms vs ${fmt(foldData.median * 1e3)} ms)`,
);
line(
  `fold/register speed, same GEMM, fold timing-only`,
  `${fmt(reg.median / foldTiming.median)}x (${fmt(foldTiming.median * 1e6)} us)`,
);
