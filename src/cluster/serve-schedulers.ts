/**
 * The three schedulers of the simulator (serving-sim.ts, `SCHEDULERS`) in closed form, at a steady
 * `concurrency` of requests of fixed prompt and output lengths (a closed loop, or an open queue kept
 * full), so that both can be checked against each other:
 *
 * - `static`: `servingPoint`: the batch prefilled together, decoded until all finish.
 * - `chunked`: `steadyStatePoint`: decodes and prompt chunks share every iteration.
 * - `continuous` (whole-prompt prefill iterations that pause the decodes): over the time one request
 *   spends in the batch, each of the c slots turns over once, so it sees every request's prefill:
 *   ceil(c / m) prefill iterations of m prompts each (m: the prompts one iteration's token budget
 *   holds) and output - 1 decode iterations of c sequences. R = ceil(c / m) x prefill(m) + (output - 1) x
 *   decode(c); throughput c x output / R (Little's law).
 */
import type { IterationShape, Scheduler } from './serving-sim.js';
import { iterationSeconds } from './serve-step.js';
import { servingPoint, steadyStatePoint, type ServingContext, type ServingPoint } from './serve.js';
import { prefillPromptTokens } from './serve-kv.js';

/** The closed form of `scheduler` at `concurrency` requests in the batch. */
export function scheduledPoint(
  ctx: ServingContext,
  scheduler: Scheduler,
  concurrency: number,
  prompt: number,
  output: number,
): ServingPoint {
  if (scheduler === 'static') return servingPoint(ctx, concurrency, prompt, output);
  if (scheduler === 'chunked') return steadyStatePoint(ctx, concurrency, prompt, output);
  return continuousPoint(ctx, concurrency, prompt, output);
}

/** Continuous batching without chunking (see the file comment). */
export function continuousPoint(
  ctx: ServingContext,
  concurrency: number,
  prompt: number,
  output: number,
): ServingPoint {
  const c = concurrency;
  const fresh = prefillPromptTokens(ctx.kvCache, prompt);
  const perIteration = Math.max(1, Math.min(c, Math.floor(ctx.engine.maxBatchTokens / fresh)));
  const prefillS = simIterationSeconds(ctx)({
    prefillTokens: perIteration * fresh,
    prefillSequences: perIteration,
    decodeSequences: 0,
    contextTokens: 0,
  });
  const base = steadyStatePoint(ctx, c, prompt, output);
  const decodeS = iterationSeconds(ctx, {
    prefillTokens: 0,
    decodeSequences: c,
    contextTokens: c * (prompt + output / 2),
  });
  const prefillIterations = Math.ceil(c / perIteration);
  const requestS = ctx.engine.requestS + prefillIterations * prefillS + Math.max(0, output - 1) * decodeS;
  // The request's own prefill iteration, then on average half the others' before its first token.
  const ttftS = ctx.engine.requestS + prefillS * (1 + (prefillIterations - 1) / 2);
  const tpotS = output > 1 ? (requestS - ttftS) / (output - 1) : 0;
  return { ...base, ttftS, tpotS, requestS, tokensPerS: (c * output) / requestS, decodeTokensPerS: c / decodeS };
}

/**
 * The iteration time function to hand the simulator: `iterationSeconds` with the prefill tokens split
 * over their prompts (each chunk causal within itself), not taken as one long prompt.
 */
export function simIterationSeconds(ctx: ServingContext): (step: IterationShape) => number {
  return (step) => {
    const n = Math.max(1, step.prefillSequences ?? 1);
    const q = step.prefillTokens / n;
    return iterationSeconds(ctx, step, (n * q * (q + 1)) / 2);
  };
}
