#!/usr/bin/env node
// Runs a sweep in one process and prints its Pareto front, knee and the knee against real chips.
// Usage: node examples/explore/mission-report.mjs [SPEC] (default: examples/explore/mission.yaml; needs `npm run build`).
import { readFileSync } from 'node:fs';
import { compareDesign, compileSweep, kneePoint, paretoFront } from '../../dist/index.js';

const file = process.argv[2] ?? new URL('./mission.yaml', import.meta.url).pathname;
const sweep = compileSweep(readFileSync(file, 'utf8'), file);
const rows = sweep.evaluateChunk(0, sweep.count);
const feasible = rows.filter((r) => r.feasible);
const directions = sweep.spec.objectives.map((o) => o.direction);
const vector = (r) => sweep.objectiveNames.map((n) => r.objectives[n]);
const front = paretoFront(feasible.map(vector), directions).map((i) => feasible[i]);
console.log(`${sweep.spec.name} (${sweep.hash}): ${rows.length} designs, ${feasible.length} feasible, ${front.length} on the Pareto front`);
const reasons = new Map();
for (const r of rows) for (const reason of r.reasons) { const key = reason.replace(/[\d.]+(e[+-]?\d+)?/g, '#'); reasons.set(key, (reasons.get(key) ?? 0) + 1); }
for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`  infeasible: ${n} x ${reason}`);
const fmt = (v) => (typeof v === 'number' ? Number(v.toPrecision(4)).toString() : v);
console.log(`\nPareto front (${sweep.objectiveNames.join(', ')}):`);
for (const r of [...front].sort((a, b) => vector(a)[0] - vector(b)[0]).slice(0, 15)) console.log(`  ${vector(r).map(fmt).join('  ')}  <- ${JSON.stringify(r.knobs)}`);
const knee = front[kneePoint(front.map(vector), directions)];
if (!knee) process.exit(0);
console.log(`\nknee: ${JSON.stringify(knee.knobs)}\n  ${sweep.objectiveNames.map((n) => `${n} ${fmt(knee.objectives[n])}`).join(', ')}`);
const report = compareDesign(sweep, knee);
for (const c of report.comparisons) {
  console.log(`  vs ${c.chip}${c.feasible ? '' : ` (infeasible: ${c.reasons.join('; ')})`}: ${sweep.objectiveNames.map((n) => `${n} ${fmt(c.objectives[n])} (advantage ${fmt(c.advantage[n])}x)`).join(', ')}`);
}
