// A 1 GB ONNX model with external data (issue 17, item 4): `tpusim estimate` on it, as a user runs it,
// in a fresh Node.js process each time. Goal: <= 2 s and <= 300 MB peak RSS, since timing reads no
// weights. The model is written on the fly in a temp folder: 64 layers of MatMul (2048 x 2048 fp32) + Add
// + Relu, each tensor 4 KiB-aligned in one side file that is sparse (its header, the .onnx, gives
// offsets and lengths; the bytes are never read, so they need not be written).
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeOnnx } from '../dist/index.js';
import { fmt, line } from './harness.mjs';

const LAYERS = 64;
const WIDTH = 2048;
const ALIGN = 4096;
const DATA = 'big.onnx.data';

/** The model and the size of its side file. */
function bigModel() {
  let size = 0;
  const initializers = [];
  const tensor = (name, dims) => {
    const length = dims.reduce((a, b) => a * b, 1) * 4;
    const offset = Math.ceil(size / ALIGN) * ALIGN;
    size = offset + length;
    const externalData = [
      { key: 'location', value: DATA },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ];
    initializers.push({ name, dataType: 'float', dims, raw: new Uint8Array(0), externalData });
    return name;
  };
  const nodes = [];
  let h = 'x';
  for (let i = 0; i < LAYERS; i++) {
    const node = (opType, inputs, output) => {
      nodes.push({ name: `/layers.${i}/${opType}`, opType, domain: '', inputs, outputs: [output], attributes: [] });
      return output;
    };
    const mm = node('MatMul', [h, tensor(`layers.${i}.weight`, [WIDTH, WIDTH])], `/layers.${i}/MatMul_output_0`);
    const add = node('Add', [mm, tensor(`layers.${i}.bias`, [WIDTH])], `/layers.${i}/Add_output_0`);
    h = node('Relu', [add], i === LAYERS - 1 ? 'y' : `/layers.${i}/Relu_output_0`);
  }
  const model = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'tpusim bench',
    graph: {
      name: 'big',
      nodes,
      initializers,
      inputs: [{ name: 'x', elemType: 'float', shape: ['batch', WIDTH] }],
      outputs: [{ name: 'y', elemType: 'float', shape: ['batch', WIDTH] }],
      valueInfo: [],
    },
  };
  return { bytes: encodeOnnx(model), size };
}

const dir = mkdtempSync(join(tmpdir(), 'tpusim-bench-external-'));
try {
  const { bytes, size } = bigModel();
  const file = join(dir, 'big.onnx');
  writeFileSync(file, bytes);
  const fd = openSync(join(dir, DATA), 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  console.log(
    `ONNX with external data (${LAYERS} x MatMul ${WIDTH}x${WIDTH} fp32: ${fmt(bytes.length / 1e3)} kB model, ` +
      `${fmt(statSync(join(dir, DATA)).size / 1e9)} GB side file, sparse)`,
  );

  // One CLI run in its own process; it reports its exit code and peak RSS (resourceUsage().maxRSS, KiB).
  const main = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'cli', 'main.js')).href;
  const child =
    `import { main } from '${main}';
let out = '';
const code = await main(process.argv.slice(1), { out: (t) => (out ` +
    `+= t), err: (t) => process.stderr.write(t + '\\n') });
process.stdout.write(JSON.stringify({ code, maxRssKiB: ` +
    `process.resourceUsage().maxRSS, totalTimeS: code === 0 ? JSON.parse(out).totalTimeS : null }));`;
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', child, 'estimate', file, '--chip', 'tpu-v4', '--batch', '8', '--json'],
      { encoding: 'utf8' },
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const report = JSON.parse(r.stdout || '{}');
    if (r.status !== 0 || report.code !== 0) throw new Error(`estimate failed: ${r.stderr}`);
    runs.push({ seconds, rssMB: (report.maxRssKiB * 1024) / 1e6, modelTimeS: report.totalTimeS });
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const seconds = median(runs.map((r) => r.seconds));
  const rssMB = Math.max(...runs.map((r) => r.rssMB));
  line(
    `tpusim estimate big.onnx --chip tpu-v4 (whole process; model time ${fmt(runs[0].modelTimeS * 1e3)} ms)`,
    `${fmt(seconds)} s`,
    { text: '<= 2 s', met: seconds <= 2 },
  );
  line('peak RSS of that process', `${fmt(rssMB)} MB`, { text: '<= 300 MB', met: rssMB <= 300 });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
