// The chip machine (issue: the chip). Goal: a program that keeps TPU v1's 256x256 matrix unit busy for
// 1e7 cycles simulates in under 5 s on one core. Timing runs without values (the machine's closed-form
// matrix-unit timing); a shorter run with values shows what computing every partial sum costs.
import { assemble, getChipPreset, runProgram } from '../dist/index.js';
import { fmt, line, measure } from './harness.mjs';

const chip = getChipPreset('tpu-v1');
const ROWS = 2048; // rows per matmul: enough to hide each tile's 64 KiB fetch from DDR3 (~1,350 cycles)

function streamProgram(matmuls) {
  const lines = ['.chip tpu-v1', '.dtype int8', '.buffer ub x 0 bytes=524288'];
  for (let i = 0; i < matmuls; i++) {
    lines.push(`read_weights dram:${(i % 64) * 65536}, 256, 256`);
    lines.push(`matmul acc:${(i % 2) * ROWS}, x, ${ROWS}, 256, pop`);
  }
  lines.push('halt');
  const result = assemble(lines.join('\n'), 'stream.s');
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

console.log('chip machine (tpu-v1)');
const program = streamProgram(Math.ceil(1e7 / ROWS));
let run;
const t = measure(() => (run = runProgram(chip, program, { values: false })), { warmup: 1, repeats: 3 });
const mxu = run.counters.matrixUnits[0];
line(
  `${program.instructions.length} instructions, matrix unit active ${mxu.activeCycles.toLocaleString('en-US')} ` +
    `of ${run.totalCycles.toLocaleString('en-US')} cycles`,
  `${fmt(t.median)} s`,
  { text: '< 5 s for 1e7 busy cycles', met: t.median < 5 && mxu.activeCycles >= 1e7 },
);
line('simulated cycles per second (timing)', `${fmt(run.totalCycles / t.median)}`);

const small = streamProgram(40);
let withValues;
const v = measure(() => (withValues = runProgram(chip, small, { values: true })), { warmup: 1, repeats: 3 });
const macs = withValues.counters.usefulMacs;
line(
  `with values: ${small.instructions.length} instructions, ${fmt(macs, 4)} MACs (fast kernels)`,
  `${fmt(v.median)} s = ${fmt(macs / v.median)} MAC/s`,
);
