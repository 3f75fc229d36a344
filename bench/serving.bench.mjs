// Serving (issue 14). Goals: one serving point (a static batch in closed form) in under 50 microseconds;
// the SLO capacity search (simulator, bracket + bisection) for a 70B model on 8 chips in under 5 s.
import {
  defaultSchedule,
  findCapacity,
  fixedWorkload,
  getChipPreset,
  getSystemPreset,
  searchServingConfigs,
  servingContext,
  servingPoint,
  steadyStatePoint,
  transformerModel,
} from '../dist/index.js';
import { fmt, line, measure } from './harness.mjs';

console.log('serving');
const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');
const llama = transformerModel({ zoo: 'llama3-70b' }, 1);
const ctx = servingContext(llama, h100, dgx, { tp: 8, pp: 1 });

// A new batch size each call, so no cached layer time answers for it.
for (const [name, fn] of [
  ['servingPoint', servingPoint],
  ['steadyStatePoint', steadyStatePoint],
]) {
  const n = 20000;
  let next = 1;
  const t = measure(
    () => {
      for (let i = 0; i < n; i++, next++) fn(ctx, 1 + (next % 4096), 1024, 256);
    },
    { warmup: 1, repeats: 5 },
  );
  const per = t.median / n;
  line(`one serving point (${name}), llama3-70b on 8 H100, batch 1..4096`, `${fmt(per * 1e6)} us`, {
    text: '< 50 us',
    met: per < 50e-6,
  });
}

const workload = fixedWorkload(1024, 256);
const slo = { ttftS: 2, tpotS: 0.05, percentile: 99 };
const schedule = defaultSchedule(ctx, workload);
let result;
const search = measure(() => (result = findCapacity(ctx, workload, slo, schedule, { requests: 2000, seed: 1 })), {
  warmup: 0,
  repeats: 3,
});
line(
  `SLO capacity search, llama3-70b on 8 H100 (p99 TTFT 2 s, TPOT 50 ms; 2,000 requests x ${result.simulations} ` +
    `simulations)`,
  `${fmt(search.median)} s`,
  { text: '< 5 s', met: search.median < 5 },
);
line(
  '  capacity',
  `${fmt(result.requestsPerS)} requests/s, ${fmt(result.outputTokensPerS / 8)} output tokens/s per chip`,
);

const configs = measure(() => (result = searchServingConfigs(llama, h100, dgx, 8, workload, slo)), {
  warmup: 0,
  repeats: 1,
});
line(
  `serving configuration search, llama3-70b on 8 H100 (${result.evaluated} configurations, ${result.simulations} ` +
    `simulations of 1,000 requests)`,
  `${fmt(configs.median)} s`,
);
