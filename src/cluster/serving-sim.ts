/**
 * A discrete-event simulation of continuous batching (Orca's iteration-level scheduling, as vLLM does it)
 * under Poisson arrivals. How long one iteration takes is the caller's `iteration` function, so the same
 * scheduler runs over a roofline, a measured table or a constant.
 *
 * Each iteration, in this order: every running sequence past its prefill decodes one token (one token of
 * the budget each); sequences still in prefill take the next chunk of their prompt (admission order);
 * then waiting requests are admitted in FIFO order while a batch slot, KV capacity and budget remain, and
 * their prompt's first chunk joins the same iteration. The iteration that completes a prompt emits the
 * first output token; a sequence leaves at the end of the iteration that emits its last token.
 */
import { TpusimError, issue, type Issue } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';

/**
 * A token count: a fixed number, or drawn per request. `{ mean }` draws a geometric count on 1, 2, ...
 * with that mean (memoryless lengths, the usual queueing assumption); `{ mean, spread }` draws a uniform
 * integer on round(mean) +- round(mean * spread), clamped below at 1, with 0 <= spread <= 1.
 */
export type TokenCount = number | { readonly mean: number; readonly spread?: number };

/** What one iteration processes, as handed to the `iteration` time function. */
export interface IterationShape {
  /** Prompt tokens prefilled in this iteration (all chunks together). */
  readonly prefillTokens: number;
  /** Sequences that decode one token in this iteration. */
  readonly decodeSequences: number;
  /** Sum over the decoding sequences of the tokens already in their KV cache (prompt + generated). */
  readonly contextTokens: number;
  /** Sequences whose prompt chunks make up `prefillTokens` (default: one when there are any). */
  readonly prefillSequences?: number;
}

/**
 * How the scheduler forms iterations. `chunked` (Sarathi-Serve, Agrawal et al., OSDI 2024; vLLM V1's
 * default): decodes first, then prompt chunks up to the token budget, in one iteration. `continuous`
 * (Orca, Yu et al., OSDI 2022, as vLLM V0 scheduled by default): a waiting prompt that fits is prefilled
 * whole in an iteration of its own, the running sequences' decodes paused for it; otherwise all decode.
 * `static`: a batch of up to maxBatch requests is admitted only when the server is empty, prefilled, and
 * decoded until its last sequence finishes (finished sequences leave their slots empty).
 */
export const SCHEDULERS = ['chunked', 'continuous', 'static'] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

export interface ServingSimInput {
  /** Mean arrival rate (requests per second); inter-arrival times are exponential. */
  readonly rate: number;
  /** Requests to simulate. */
  readonly requests: number;
  readonly promptTokens: TokenCount;
  /** Output tokens per request, including the first one (which the prefill iteration emits). */
  readonly outputTokens: TokenCount;
  /**
   * (prompt, output) pairs; when given, each request draws one pair uniformly (a measured length distribution) in place
   * of promptTokens and outputTokens.
   */
  readonly lengthSamples?: ReadonlyArray<readonly [number, number]>;
  /** Concurrent sequences (batch slots). */
  readonly maxBatch: number;
  /** How iterations are formed (default `chunked`). */
  readonly scheduler?: Scheduler;
  /**
   * Tokens per iteration (decode tokens + prefill chunks); prompts larger than what is left are chunked. Must be >=
   * maxBatch.
   */
  readonly maxBatchTokens?: number;
  /**
   * KV cache capacity in tokens over all sequences. A request reserves prompt + output tokens when it is
   * admitted (no preemption); the FIFO head waits while it does not fit. Requests that could never fit
   * are rejected on arrival and left out of the statistics.
   */
  readonly kvCapacityTokens?: number;
  readonly seed: number;
  /**
   * Which requests (by arrival order) the latency statistics cover; all of them still load the server. Default: all.
   * Those before `from` are left out of every statistic (the warm-up: an empty server filling); those from `to` on are
   * left out of TPOT, TBT and latency (the drain: their decodes finish in a batch emptying once arrivals stop), but
   * kept in TTFT and queueing, which in FIFO order no later arrival changes.
   */
  readonly measured?: { readonly from: number; readonly to: number };
  /** Seconds one iteration takes. */
  readonly iteration: (step: IterationShape) => number;
  /**
   * Seconds a request spends before the scheduler can take it, copying its cached prefix from host memory over
   * the host link (serve-kv.ts, prefixSource 'host'), from its prompt tokens: copies run one at a time in arrival
   * order, as over one link; TTFT and queueing still count from arrival. Default: none.
   */
  readonly restoreS?: (promptTokens: number) => number;
  /** Called every PROGRESS_EVERY iterations with the requests finished (completed or rejected) so far. */
  readonly onProgress?: (finished: number) => void;
}

/** Iterations between progress calls: often enough for a progress bar, rare enough to cost nothing. */
export const PROGRESS_EVERY = 65536;

/** Nearest-rank percentiles (p-th: the ceil(p n)-th smallest), mean and max; all 0 for an empty set. */
export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export interface ServingSimResult {
  /** Time to first token: end of the iteration that completes the prompt, minus arrival (s). */
  readonly ttft: Percentiles;
  /** Time per output token after the first: (finish - first token) / (output - 1), requests with output > 1 (s). */
  readonly tpot: Percentiles;
  /**
   * Time between tokens: every gap between two consecutive output tokens of a request, over all requests (s). Unlike
   * TPOT it is not averaged over a request, so a prefill that pauses the decodes shows in its tail (Sarathi-Serve's
   * P99 TBT).
   */
  readonly tbt: Percentiles;
  /** End-to-end latency: finish minus arrival (s). */
  readonly latency: Percentiles;
  /** Queueing delay: start of the admitting iteration minus arrival (s). */
  readonly queueing: Percentiles;
  /** Output tokens per second over the simulated time. */
  readonly throughputTokensPerS: number;
  /** Completed requests per second over the simulated time. */
  readonly requestsPerS: number;
  /** Sequences in the batch, averaged over busy time (weighted by iteration seconds). */
  readonly meanBatch: number;
  readonly iterations: number;
  /** From time 0 to the last completion. */
  readonly simulatedSeconds: number;
  /** Seconds spent running iterations. */
  readonly busySeconds: number;
  /**
   * The queue grew: the waiting queue the last request finds on arrival is longer than the one the middle
   * request found by more than 5% of the requests that arrived in between (an arrival rate more than ~5% beyond what
   * the
   * server sustains). Meaningful for runs of a few thousand requests or more.
   */
  readonly saturated: boolean;
  readonly completed: number;
  /** With `measured`: the completed requests in the TTFT statistics. */
  readonly measuredRequests?: number;
  /** Requests whose prompt + output exceed the KV capacity. */
  readonly rejected: number;
}

/** Queue growth over the second half of the arrivals, as a fraction of those arrivals, that counts as saturation. */
const SATURATION_GROWTH = 0.05;

function tokenCountIssues(count: TokenCount, path: string): Issue[] {
  if (typeof count === 'number') {
    return Number.isInteger(count) && count >= 1
      ? []
      : [issue('too_small', path, `${path}: ${count} must be an integer >= 1`)];
  }
  const out: Issue[] = [];
  if (!(Number.isFinite(count.mean) && count.mean >= 1))
    out.push(issue('too_small', `${path}.mean`, `${path}.mean: ${count.mean} must be >= 1`));
  const spread = count.spread;
  if (spread !== undefined && !(spread >= 0 && spread <= 1)) {
    out.push(issue('out_of_range', `${path}.spread`, `${path}.spread: ${spread} must be within [0, 1]`));
  }
  return out;
}

function positiveIntegerIssue(value: number, path: string): Issue[] {
  return Number.isInteger(value) && value >= 1
    ? []
    : [issue('too_small', path, `${path}: ${value} must be an integer >= 1`)];
}

/** Every problem with a serving input, with its path, value and limit. */
export function validateServingInput(input: ServingSimInput): Issue[] {
  const out: Issue[] = [];
  if (!(Number.isFinite(input.rate) && input.rate > 0))
    out.push(issue('too_small', 'rate', `rate: ${input.rate} must be > 0 requests/s`));
  out.push(...positiveIntegerIssue(input.requests, 'requests'), ...positiveIntegerIssue(input.maxBatch, 'maxBatch'));
  out.push(
    ...tokenCountIssues(input.promptTokens, 'promptTokens'),
    ...tokenCountIssues(input.outputTokens, 'outputTokens'),
  );
  const samples = input.lengthSamples;
  if (samples !== undefined && samples.length === 0)
    out.push(issue('too_small', 'lengthSamples', 'lengthSamples: 0 pairs; give at least one'));
  samples?.forEach(([p, o], i) =>
    out.push(
      ...positiveIntegerIssue(p, `lengthSamples[${i}][0]`),
      ...positiveIntegerIssue(o, `lengthSamples[${i}][1]`),
    ),
  );
  const budget = input.maxBatchTokens;
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= input.maxBatch)) {
    out.push(
      issue(
        'too_small',
        'maxBatchTokens',
        `maxBatchTokens: ${budget} must be an integer >= maxBatch (${input.maxBatch}) so every decode fits`,
      ),
    );
  }
  const kv = input.kvCapacityTokens;
  if (kv !== undefined && !(Number.isFinite(kv) && kv >= 2))
    out.push(issue('too_small', 'kvCapacityTokens', `kvCapacityTokens: ${kv} must be >= 2`));
  if (!Number.isInteger(input.seed)) out.push(issue('not_integer', 'seed', `seed: ${input.seed} must be an integer`));
  const m = input.measured;
  if (m !== undefined && !(Number.isInteger(m.from) && Number.isInteger(m.to) && 0 <= m.from && m.from < m.to))
    out.push(
      issue('out_of_range', 'measured', `measured: [${m.from}, ${m.to}) must be whole request indices, from < to`),
    );
  else if (m !== undefined && m.to > input.requests)
    out.push(issue('out_of_range', 'measured.to', `measured.to: ${m.to} exceeds the ${input.requests} requests`));
  return out;
}

function tokenSampler(count: TokenCount, rng: Rng): () => number {
  if (typeof count === 'number') return () => count;
  const { mean, spread } = count;
  if (spread !== undefined) {
    const center = Math.round(mean);
    const half = Math.round(mean * spread);
    const low = Math.max(1, center - half);
    return () => rng.int(low, center + half);
  }
  if (mean <= 1) return () => 1;
  // Geometric on {1, 2, ...} with success probability 1 / mean, by inversion.
  const logFail = Math.log(1 - 1 / mean);
  return () => 1 + Math.floor(Math.log(1 - rng.next()) / logFail);
}

/** Per-request state in flat typed arrays, indexed by arrival order. */
class Requests {
  readonly arrivalS: Float64Array;
  /** When the scheduler can take the request: its arrival, or the end of its prefix's copy from host memory. */
  readonly readyS: Float64Array;
  readonly prompt: Int32Array;
  readonly output: Int32Array;
  readonly prefilled: Int32Array;
  readonly generated: Int32Array;
  readonly admitS: Float64Array;
  readonly firstTokenS: Float64Array;
  readonly finishS: Float64Array;
  readonly rejected: Uint8Array;
  /** When each request's latest token came out (s). */
  readonly lastTokenS: Float64Array;
  /**
   * The gaps between two tokens of a request, as (seconds, how many) pairs: the sequences that decode in one
   * iteration share a few gap values, so the pairs grow with the iterations, not with the tokens.
   */
  readonly gapS: number[] = [];
  readonly gapCount: number[] = [];

  constructor(input: ServingSimInput) {
    const n = input.requests;
    const rng = createRng(input.seed);
    const drawPrompt = tokenSampler(input.promptTokens, rng);
    const drawOutput = tokenSampler(input.outputTokens, rng);
    this.arrivalS = new Float64Array(n);
    this.readyS = new Float64Array(n);
    this.prompt = new Int32Array(n);
    this.output = new Int32Array(n);
    this.prefilled = new Int32Array(n);
    this.generated = new Int32Array(n);
    this.admitS = new Float64Array(n);
    this.firstTokenS = new Float64Array(n);
    this.finishS = new Float64Array(n);
    this.rejected = new Uint8Array(n);
    this.lastTokenS = new Float64Array(n);
    let t = 0;
    let linkFreeS = 0;
    for (let i = 0; i < n; i++) {
      t += -Math.log(1 - rng.next()) / input.rate;
      this.arrivalS[i] = t;
      const pair = input.lengthSamples?.[rng.int(0, input.lengthSamples.length - 1)];
      this.prompt[i] = pair ? pair[0] : drawPrompt();
      this.output[i] = pair ? pair[1] : drawOutput();
      if (input.kvCapacityTokens !== undefined && this.prompt[i]! + this.output[i]! > input.kvCapacityTokens)
        this.rejected[i] = 1;
      // The link copies one prefix at a time: a request's copy starts once it arrives and the one before is done.
      const copies = input.restoreS !== undefined && this.rejected[i] === 0;
      if (copies) linkFreeS = Math.max(t, linkFreeS) + input.restoreS!(this.prompt[i]!);
      this.readyS[i] = copies ? linkFreeS : t;
    }
  }
}

/** Marks a running slot that decodes this iteration (otherwise the slot holds its prefill chunk, 0 if stalled). */
const DECODE = -1;

/** The scheduler's state; one `step` is one iteration. */
class ServingEngine {
  readonly r: Requests;
  private readonly n: number;
  private readonly maxBatch: number;
  private readonly budgetTokens: number;
  private readonly kvCapacity: number;
  private readonly iteration: (step: IterationShape) => number;
  private readonly scheduler: Scheduler;
  /** Requests from measuredFrom count in TTFT and queueing; those in [measuredFrom, measuredTo) in every statistic. */
  readonly measuredFrom: number;
  readonly measuredTo: number;
  readonly windowed: boolean;
  /** Running requests in admission order, and what each does this iteration. */
  private readonly running: Int32Array;
  private readonly work: Int32Array;
  private runningCount = 0;
  nowS = 0;
  /** Requests [head, arrived) have arrived and wait (rejected ones are skipped when they reach the head). */
  private head = 0;
  arrived = 0;
  private rejectedWaiting = 0;
  private kvUsed = 0;
  done = 0;
  rejected = 0;
  iterations = 0;
  busyS = 0;
  batchSeconds = 0;

  constructor(input: ServingSimInput) {
    this.r = new Requests(input);
    this.n = input.requests;
    this.maxBatch = input.maxBatch;
    this.budgetTokens = input.maxBatchTokens ?? Infinity;
    this.kvCapacity = input.kvCapacityTokens ?? Infinity;
    this.iteration = input.iteration;
    this.scheduler = input.scheduler ?? 'chunked';
    this.measuredFrom = input.measured?.from ?? 0;
    this.measuredTo = input.measured?.to ?? input.requests;
    this.windowed = input.measured !== undefined;
    this.running = new Int32Array(input.maxBatch);
    this.work = new Int32Array(input.maxBatch);
  }

  get waiting(): number {
    return this.arrived - this.head - this.rejectedWaiting;
  }

  /** Takes in every arrival up to now; when the server is idle and nobody waits, first jumps to the next arrival. */
  receiveArrivals(): void {
    if (this.runningCount === 0 && this.waiting === 0 && this.arrived < this.n) {
      this.nowS = Math.max(this.nowS, this.r.readyS[this.arrived]!);
    }
    while (this.arrived < this.n && this.r.readyS[this.arrived]! <= this.nowS) {
      if (this.r.rejected[this.arrived] === 1) {
        this.rejected++;
        this.rejectedWaiting++;
      }
      this.arrived++;
    }
  }

  /** Plans and runs one iteration (none when nothing is running or admissible). */
  step(): void {
    const shape = this.schedule();
    if (this.runningCount === 0) return;
    const dt = this.iteration(shape);
    if (!(Number.isFinite(dt) && dt > 0)) {
      throw new TpusimError(
        'invalid_iteration_time',
        `iteration(${JSON.stringify(shape)}) returned ${dt}; it must be a finite number of seconds > 0`,
      );
    }
    this.iterations++;
    this.busyS += dt;
    this.batchSeconds += this.runningCount * dt;
    this.nowS += dt;
    this.complete();
  }

  private schedule(): IterationShape {
    this.work.fill(0, 0, this.runningCount);
    if (this.scheduler === 'continuous' && this.canAdmitWhole()) return this.admit(this.budgetTokens, 0, 0);
    const { r } = this;
    let prefilling = 0;
    for (let k = 0; k < this.runningCount; k++)
      if (r.prefilled[this.running[k]!] !== r.prompt[this.running[k]!]) prefilling++;
    let budget = this.budgetTokens;
    let decodeSequences = 0;
    let contextTokens = 0;
    let prefillTokens = 0;
    let prefillSequences = 0;
    // A static batch decodes only once all its prompts are in.
    const decoding = this.scheduler !== 'static' || prefilling === 0;
    for (let k = 0; k < this.runningCount && decoding; k++) {
      const id = this.running[k]!;
      if (r.prefilled[id] === r.prompt[id]) {
        this.work[k] = DECODE;
        decodeSequences++;
        contextTokens += r.prompt[id]! + r.generated[id]!;
        budget--;
      }
    }
    for (let k = 0; k < this.runningCount && prefilling > 0; k++) {
      if (this.work[k] === DECODE) continue;
      const id = this.running[k]!;
      const chunk = Math.min(r.prompt[id]! - r.prefilled[id]!, budget);
      this.work[k] = chunk;
      budget -= chunk;
      prefillTokens += chunk;
      if (chunk > 0) prefillSequences++;
    }
    const admitting = this.scheduler === 'chunked' || (this.scheduler === 'static' && this.runningCount === 0);
    if (!admitting) return { prefillTokens, decodeSequences, contextTokens, prefillSequences };
    return this.admit(budget, decodeSequences, contextTokens, prefillTokens, prefillSequences);
  }

  /**
   * Whether the FIFO head (past rejected requests) could be admitted and prefilled whole now (continuous scheduling).
   */
  private canAdmitWhole(): boolean {
    const { r } = this;
    let id = this.head;
    while (id < this.arrived && r.rejected[id] === 1) id++;
    if (id >= this.arrived || this.runningCount >= this.maxBatch) return false;
    return this.kvUsed + r.prompt[id]! + r.output[id]! <= this.kvCapacity;
  }

  /**
   * Admits waiting requests in FIFO order while a batch slot, KV capacity and budget remain, their
   * prompt's first chunk joining this iteration (continuous: only whole prompts, and always at least one;
   * static: every slot, chunks beyond the budget left for later iterations).
   */
  private admit(
    budget: number,
    decodeSequences: number,
    contextTokens: number,
    prefillTokens = 0,
    prefillSequences = 0,
  ): IterationShape {
    const { r } = this;
    const whole = this.scheduler === 'continuous';
    while (
      this.head < this.arrived &&
      this.runningCount < this.maxBatch &&
      (budget > 0 || this.scheduler === 'static')
    ) {
      const id = this.head;
      if (r.rejected[id] === 1) {
        this.head++;
        this.rejectedWaiting--;
        continue;
      }
      const reserve = r.prompt[id]! + r.output[id]!;
      if (this.kvUsed + reserve > this.kvCapacity) break;
      if (whole && prefillSequences > 0 && r.prompt[id]! > budget) break;
      const chunk = whole ? r.prompt[id]! : Math.min(r.prompt[id]!, budget);
      this.kvUsed += reserve;
      r.admitS[id] = this.nowS;
      this.running[this.runningCount] = id;
      this.work[this.runningCount] = chunk;
      this.runningCount++;
      this.head++;
      budget -= chunk;
      prefillTokens += chunk;
      if (chunk > 0) prefillSequences++;
    }
    return { prefillTokens, decodeSequences, contextTokens, prefillSequences };
  }

  /**
   * Applies the iteration that ended at `nowS`: prefill chunks, decoded tokens, departures (keeping admission order).
   */
  private complete(): void {
    const { r } = this;
    const from = r.gapS.length;
    let kept = 0;
    for (let k = 0; k < this.runningCount; k++) {
      const id = this.running[k]!;
      const work = this.work[k]!;
      if (work === DECODE) {
        r.generated[id]!++;
        if (id >= this.measuredFrom && id < this.measuredTo) this.countGap(this.nowS - r.lastTokenS[id]!, from);
        r.lastTokenS[id] = this.nowS;
      } else {
        r.prefilled[id]! += work;
        if (work > 0 && r.prefilled[id] === r.prompt[id]) {
          r.generated[id] = 1;
          r.firstTokenS[id] = this.nowS;
          r.lastTokenS[id] = this.nowS;
        }
      }
      if (r.generated[id] === r.output[id]) {
        r.finishS[id] = this.nowS;
        this.kvUsed -= r.prompt[id]! + r.output[id]!;
        this.done++;
      } else {
        this.running[kept++] = id;
      }
    }
    this.runningCount = kept;
  }

  /** Counts one gap among this iteration's pairs (from index `from` on). */
  private countGap(gapS: number, from: number): void {
    const { r } = this;
    for (let i = from; i < r.gapS.length; i++) {
      if (r.gapS[i] === gapS) {
        r.gapCount[i]!++;
        return;
      }
    }
    r.gapS.push(gapS);
    r.gapCount.push(1);
  }
}

/** Nearest-rank percentiles of values each counted `counts[i]` times. */
function weightedPercentiles(values: readonly number[], counts: readonly number[]): Percentiles {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    n += counts[i]!;
    sum += values[i]! * counts[i]!;
  }
  if (n === 0) return { p50: 0, p90: 0, p99: 0, mean: 0, max: 0 };
  const rank = (p: number): number => {
    const target = Math.max(1, Math.ceil(p * n));
    let seen = 0;
    for (const i of order) {
      seen += counts[i]!;
      if (seen >= target) return values[i]!;
    }
    return values[order[order.length - 1]!]!;
  };
  return { p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), mean: sum / n, max: values[order[order.length - 1]!]! };
}

export function percentiles(values: Float64Array): Percentiles {
  const n = values.length;
  if (n === 0) return { p50: 0, p90: 0, p99: 0, mean: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * n) - 1)]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return { p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), mean: sum / n, max: sorted[n - 1]! };
}

function summarize(engine: ServingEngine, saturated: boolean): ServingSimResult {
  const { r } = engine;
  const completed = engine.done;
  const ttft = new Float64Array(completed);
  const queueing = new Float64Array(completed);
  const latency: number[] = [];
  const tpot: number[] = [];
  let outputTokens = 0;
  let simulatedSeconds = 0;
  let j = 0;
  for (let i = 0; i < r.arrivalS.length; i++) {
    if (r.rejected[i] === 1) continue;
    const out = r.output[i]!;
    outputTokens += out;
    simulatedSeconds = Math.max(simulatedSeconds, r.finishS[i]!);
    if (i < engine.measuredFrom) continue;
    const arrival = r.arrivalS[i]!;
    ttft[j] = r.firstTokenS[i]! - arrival;
    queueing[j] = r.admitS[i]! - arrival;
    j++;
    if (i >= engine.measuredTo) continue;
    latency.push(r.finishS[i]! - arrival);
    if (out > 1) tpot.push((r.finishS[i]! - r.firstTokenS[i]!) / (out - 1));
  }
  const perS = (x: number): number => (simulatedSeconds > 0 ? x / simulatedSeconds : 0);
  return {
    ttft: percentiles(ttft.subarray(0, j)),
    tpot: percentiles(Float64Array.from(tpot)),
    tbt: weightedPercentiles(r.gapS, r.gapCount),
    latency: percentiles(Float64Array.from(latency)),
    queueing: percentiles(queueing.subarray(0, j)),
    throughputTokensPerS: perS(outputTokens),
    requestsPerS: perS(completed),
    meanBatch: engine.busyS > 0 ? engine.batchSeconds / engine.busyS : 0,
    iterations: engine.iterations,
    simulatedSeconds,
    busySeconds: engine.busyS,
    saturated,
    completed,
    ...(engine.windowed ? { measuredRequests: j } : {}),
    rejected: engine.rejected,
  };
}

/**
 * Runs the simulation to the last completion. Throws `TpusimError` (code `invalid_serving_input`, with all issues) on
 * bad input.
 */
export function simulateServing(input: ServingSimInput): ServingSimResult {
  const issues = validateServingInput(input);
  if (issues.length > 0) {
    throw new TpusimError(
      'invalid_serving_input',
      `invalid serving input:\n${issues.map((i) => i.message).join('\n')}`,
      { issues },
    );
  }
  const engine = new ServingEngine(input);
  let iterations = 0;
  while (engine.done + engine.rejected < input.requests) {
    if (input.onProgress && ++iterations % PROGRESS_EVERY === 0) input.onProgress(engine.done + engine.rejected);
    engine.receiveArrivals();
    engine.step();
  }
  const middle = Math.floor(input.requests / 2);
  const last = input.requests - 1;
  const saturated =
    queueAtArrival(engine.r, last) - queueAtArrival(engine.r, middle) > SATURATION_GROWTH * (input.requests - middle);
  return summarize(engine, saturated);
}

/**
 * Requests waiting (arrived before request `i`, not yet admitted) at the moment request `i` arrives,
 * from the admission times the run recorded. Taken at arrival instants, not at iteration boundaries:
 * when every request arrives during the first iteration, the queue the middle and the last request
 * find still differs by the half of the requests in between.
 */
function queueAtArrival(r: Requests, i: number): number {
  const t = r.arrivalS[i]!;
  let waiting = 0;
  for (let j = 0; j < i; j++) if (r.rejected[j] === 0 && r.admitS[j]! > t) waiting++;
  return waiting;
}
