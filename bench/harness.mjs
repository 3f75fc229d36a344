// Small timing helpers shared by the benchmarks: warm up, repeat, report the median.
export function measure(fn, { warmup = 2, repeats = 5 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], best: times[0] };
}

export const fmt = (x, digits = 3) => Number(x.toPrecision(digits)).toLocaleString('en-US');

export function line(label, value, goal) {
  const verdict = goal === undefined ? '' : goal.met ? `  [goal ${goal.text}: met]` : `  [goal ${goal.text}: NOT met]`;
  console.log(`  ${label.padEnd(72)} ${value}${verdict}`);
}
