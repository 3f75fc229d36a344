// How the benches time code that V8 is still compiling (issues 15 and 16): a cold figure (the first
// window, as a short run sees it) and a steady-state figure (after a stated warm-up, the median of
// several windows), each labelled, so a goal says which one it judges. V8 optimizes a function only
// after it has run a while, so the first windows time the compiler as much as the code.

/** The monotonic clock in nanoseconds; tests pass their own. */
const hrtime = () => process.hrtime.bigint();

/** Seconds `fn` takes by `clock`. */
export function seconds(fn, clock = hrtime) {
  const start = clock();
  fn();
  return Number(clock() - start) / 1e9;
}

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Points/s of `rounds` consecutive windows of `window` points, after evaluating the `warmup` points
 * before them: evaluate(a, b) evaluates points [a, b).
 */
export function steadyRates(evaluate, { warmup, window, rounds }, clock = hrtime) {
  evaluate(0, warmup);
  return Array.from({ length: rounds }, (_, round) => {
    const start = warmup + round * window;
    return window / seconds(() => evaluate(start, start + window), clock);
  });
}

/**
 * Points/s of a round on several threads, each evaluating `window` points: all points over the slowest thread's
 * seconds.
 */
export const threadsRate = (window, threadSeconds) => (window * threadSeconds.length) / Math.max(...threadSeconds);

/**
 * Each call's median seconds over `passes` timed passes through all the calls in turn, after
 * `warmPasses` untimed passes: a case's samples are spread over the whole run, so a burst of other
 * work on the machine lands on one sample of each case rather than on every sample of one.
 */
export function interleavedMedians(calls, { warmPasses, passes }, clock = hrtime) {
  for (let pass = 0; pass < warmPasses; pass++) for (const call of calls) call();
  const samples = calls.map(() => []);
  for (let pass = 0; pass < passes; pass++) calls.forEach((call, i) => samples[i].push(seconds(call, clock)));
  return samples.map(median);
}
