#!/usr/bin/env node
// Regenerates test/fixtures/scalesim-memory: runs SCALE-Sim v2 (its MIT-licensed sources, path in
// SCALESIM_V2 or ../shared/tools/scale-sim-v2) over a matrix of configs and small topologies and keeps its
// three reports per run. Needs Python 3 with numpy, pandas and tqdm (PYTHON, default /usr/bin/python3).
// Usage: node scripts/scalesim-golden-memory.mjs [--traces-only]
// Besides the reports it keeps SCALE-Sim's per-cycle traces of a few tiny runs (traces/), which it writes
// only through its Python API (save_disk_space=False).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const scaleSim = resolve(process.env.SCALESIM_V2 ?? join(root, '..', 'shared', 'tools', 'scale-sim-v2'));
const python = process.env.PYTHON ?? '/usr/bin/python3';
const out = join(root, 'test', 'fixtures', 'scalesim-memory');

const TOPOLOGIES = {
  gemm_small: { form: 'gemm', text: 'Layer, M, N, K,\ng64, 64, 64, 64,\ng_odd, 100, 37, 300,\n' },
  gemm_test_mnk: { form: 'gemm', text: readFileSync(join(scaleSim, 'topologies/GEMM_mnk/test_mnk_input.csv'), 'utf8') },
  conv_test: { form: 'conv', text: readFileSync(join(scaleSim, 'topologies/conv_nets/test.csv'), 'utf8') },
  conv_small: {
    form: 'conv',
    text:
      'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nc1, ' +
      '12, 12, 3, 3, 4, 20, 1,\nc2, 15, 13, 5, 3, 3, 9, 2,\n',
  },
};

// [array rows, cols, SRAM KB ifmap/filter/ofmap, mode, bandwidth]
const ARRAYS = [
  ['32x32_64k_calc', 32, 32, [64, 64, 64], 'CALC', '10'],
  ['32x32_4k_user4', 32, 32, [4, 4, 4], 'USER', '4'],
  ['32x32_64k_user10', 32, 32, [64, 64, 64], 'USER', '10,10,10'],
  ['12x14_eyeriss_user2', 12, 14, [36, 36, 36], 'USER', '2'],
  ['16x16_1k_user8', 16, 16, [1, 1, 1], 'USER', '8'],
  ['8x8_2k_calc', 8, 8, [2, 2, 2], 'CALC', '10'],
];

const cfgText = (name, [_, rows, cols, [i, f, o], mode, bw], dataflow) => `[general]
run_name = ${name}

[architecture_presets]
ArrayHeight:    ${rows}
ArrayWidth:     ${cols}
IfmapSramSzkB:   ${i}
FilterSramSzkB:  ${f}
OfmapSramSzkB:   ${o}
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : ${bw}
Dataflow : ${dataflow}
MemoryBanks:   1

[run_presets]
InterfaceBandwidth: ${mode}
`;

const TRACE_TOPOLOGY = 'Layer, M, N, K,\ntiny, 20, 9, 30,\n';
const TRACE_ARRAYS = [
  ['8x8_1k_user3', 8, 8, [1, 1, 1], 'USER', '3'],
  ['8x8_2k_calc', 8, 8, [2, 2, 2], 'CALC', '10'],
];
const TRACE_DRIVER = `import sys
from scalesim.scale_sim import scalesim
s = scalesim(save_disk_space=False, verbose=False, config=sys.argv[1], topology=sys.argv[2], input_type_gemm=True)
s.run_scale(top_path=sys.argv[3])
`;

function writeTraces() {
  const tracesDir = join(out, 'traces');
  rmSync(tracesDir, { recursive: true, force: true });
  mkdirSync(tracesDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'scalesim-trace-'));
  writeFileSync(join(work, 'driver.py'), TRACE_DRIVER);
  for (const array of TRACE_ARRAYS) {
    for (const dataflow of ['os', 'ws', 'is']) {
      const name = `trace__${array[0]}__${dataflow}`;
      const dir = join(tracesDir, name);
      mkdirSync(join(dir, 'layer0'), { recursive: true });
      writeFileSync(join(dir, 'config.cfg'), cfgText(name, array, dataflow));
      writeFileSync(join(dir, 'topology.csv'), TRACE_TOPOLOGY);
      execFileSync(python, [join(work, 'driver.py'), join(dir, 'config.cfg'), join(dir, 'topology.csv'), work], {
        cwd: scaleSim,
        env: { ...process.env, PYTHONPATH: scaleSim },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      for (const op of ['IFMAP', 'FILTER', 'OFMAP']) {
        for (const mem of ['SRAM', 'DRAM'])
          copyFileSync(
            join(work, name, 'layer0', `${op}_${mem}_TRACE.csv`),
            join(dir, 'layer0', `${op}_${mem}_TRACE.csv`),
          );
      }
      process.stdout.write(`${name}\n`);
    }
  }
  rmSync(work, { recursive: true, force: true });
}

if (process.argv.includes('--traces-only')) {
  writeTraces();
  process.exit(0);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
copyFileSync(join(scaleSim, 'LICENSE'), join(out, 'LICENSE-scale-sim-v2'));
const version = execFileSync(python, ['--version'], { encoding: 'utf8' }).trim();
const runs = [];
const skipped = [];
const TIMEOUT_MS = Number(process.env.SCALESIM_TIMEOUT_S ?? 60) * 1000;
const work = mkdtempSync(join(tmpdir(), 'scalesim-golden-'));
for (const [topoName, topo] of Object.entries(TOPOLOGIES)) {
  for (const array of ARRAYS) {
    for (const dataflow of ['os', 'ws', 'is']) {
      const name = `${topoName}__${array[0]}__${dataflow}`;
      const dir = join(out, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'config.cfg'), cfgText(name, array, dataflow));
      writeFileSync(join(dir, 'topology.csv'), topo.text);
      const started = Date.now();
      try {
        execFileSync(
          python,
          [
            'scalesim/scale.py',
            '-c',
            join(dir, 'config.cfg'),
            '-t',
            join(dir, 'topology.csv'),
            '-p',
            work,
            '-i',
            topo.form,
          ],
          {
            cwd: scaleSim,
            env: { ...process.env, PYTHONPATH: scaleSim },
            stdio: ['ignore', 'ignore', 'inherit'],
            timeout: TIMEOUT_MS,
          },
        );
      } catch (error) {
        // Thrashing runs (SRAM far smaller than a fold) take SCALE-Sim hours; they are left out and listed.
        rmSync(dir, { recursive: true, force: true });
        skipped.push({ name, reason: String(error.message).split('\n')[0] });
        process.stdout.write(`${name}: skipped\n`);
        continue;
      }
      for (const report of ['COMPUTE_REPORT.csv', 'BANDWIDTH_REPORT.csv', 'DETAILED_ACCESS_REPORT.csv'])
        copyFileSync(join(work, name, report), join(dir, report));
      runs.push({ name, form: topo.form, scaleSimSeconds: (Date.now() - started) / 1000 });
      process.stdout.write(`${name}\n`);
    }
  }
}
rmSync(work, { recursive: true, force: true });
writeTraces();
writeFileSync(
  join(out, 'manifest.json'),
  JSON.stringify(
    { generator: 'scripts/scalesim-golden-memory.mjs', scaleSim: 'scale-sim-v2', python: version, runs, skipped },
    null,
    2,
  ) + `\n`,
);
