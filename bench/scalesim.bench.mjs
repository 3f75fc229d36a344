// SCALE-Sim v2's memory system (USER bandwidth mode) in tpusim against SCALE-Sim itself, same machine.
// Live: runs SCALE-Sim v2 (../shared/tools/scale-sim-v2 or SCALESIM_V2, with PYTHON, default
// /usr/bin/python3) when it is there; otherwise prints the times recorded when the golden fixtures were
// generated, labelled as such. tpusim's reports are the same bytes as SCALE-Sim's (test/scalesim-memory-golden).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScaleSimConfig, parseScaleSimTopology, runScaleSim } from '../dist/index.js';
import { fmt, line, measure } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'test', 'fixtures', 'scalesim-memory');
const scaleSim = resolve(process.env.SCALESIM_V2 ?? join(here, '..', '..', 'shared', 'tools', 'scale-sim-v2'));
const python = process.env.PYTHON ?? '/usr/bin/python3';
const live = existsSync(join(scaleSim, 'scalesim', 'scale.py')) && existsSync(python) && !process.env.SCALESIM_RECORDED;

function runTpusim(cfgText, topoText, form) {
  const config = parseScaleSimConfig(cfgText, 'config.cfg');
  const topo = parseScaleSimTopology(topoText, form, 'topology.csv');
  if (!config.ok || !topo.ok) throw new Error('fixture did not parse');
  return runScaleSim(config.value, topo.value, { memory: true }).totalCycles;
}

function runScaleSimLive(dir, form) {
  const out = mkdtempSync(join(tmpdir(), 'scalesim-bench-'));
  const start = process.hrtime.bigint();
  execFileSync(python, ['scalesim/scale.py', '-c', join(dir, 'config.cfg'), '-t', join(dir, 'topology.csv'), '-p', out, '-i', form], {
    cwd: scaleSim,
    env: { ...process.env, PYTHONPATH: scaleSim },
    stdio: 'ignore',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rmSync(out, { recursive: true, force: true });
  return seconds;
}

/** Python start-up and SCALE-Sim's imports, which a tiny run's time is mostly made of. */
function startupSeconds() {
  if (!live) return 0;
  const start = process.hrtime.bigint();
  execFileSync(python, ['-c', 'import scalesim.scale_sim'], { cwd: scaleSim, env: { ...process.env, PYTHONPATH: scaleSim }, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const manifest = JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8'));
const userRuns = manifest.runs.filter((r) => r.name.includes('_user'));
console.log(`SCALE-Sim v2 memory system, USER mode: ${userRuns.length} runs of the golden matrix (${live ? `SCALE-Sim timed live, ${execFileSync(python, ['--version'], { encoding: 'utf8' }).trim()}` : `SCALE-Sim times RECORDED at fixture generation (${manifest.python}, Python start-up included), not measured now`})`);
const startup = startupSeconds();
if (live) line('SCALE-Sim start-up alone (python, imports)', `${fmt(startup)} s; the ratios below subtract it`);
let worst = Infinity;
let sumOurs = 0;
let sumTheirs = 0;
for (const run of userRuns) {
  const dir = join(fixtures, run.name);
  const cfg = readFileSync(join(dir, 'config.cfg'), 'utf8');
  const topo = readFileSync(join(dir, 'topology.csv'), 'utf8');
  const ours = measure(() => runTpusim(cfg, topo, run.form), { warmup: 1, repeats: 3 }).median;
  const theirs = Math.max(1e-3, (live ? runScaleSimLive(dir, run.form) : run.scaleSimSeconds) - startup);
  worst = Math.min(worst, theirs / ours);
  sumOurs += ours;
  sumTheirs += theirs;
  line(run.name, `tpusim ${fmt(ours * 1e3)} ms, SCALE-Sim ${fmt(theirs)} s: ${fmt(theirs / ours)}x`);
}
line('all USER runs together', `tpusim ${fmt(sumOurs)} s, SCALE-Sim ${fmt(sumTheirs)} s: ${fmt(sumTheirs / sumOurs)}x`);
line('slowest ratio (SCALE-Sim time / tpusim time)', `${fmt(worst)}x`, { text: '>= 300x on every run', met: worst >= 300 });
