/**
 * Speculative decoding (Leviathan, Kalman and Matias, "Fast Inference from Transformers via Speculative
 * Decoding", ICML 2023): a cheap proposer guesses k tokens, the target model verifies all k + 1 positions
 * in one pass, and keeps the accepted prefix plus one token of its own. With each guess accepted
 * independently with probability a, a step yields (1 - a^(k+1)) / (1 - a) tokens on average (their
 * equation 1). The proposer is a draft model (k sequential decode steps of a smaller model on the same
 * chips) or self-speculation heads on the target (Medusa, Cai et al. 2024, arXiv:2401.10774, section
 * 2.1.1: head i is a residual block h x h and its own output layer h x vocab, all k run once per step on
 * the last hidden state). The verifier's pass is a decode step with k more tokens per sequence, their
 * attention over the cache as a short causal prefill; engines replay it from the decode step's captured
 * graphs (serve-step.ts, `graphMode`), so on GPUs it pays graph launch gaps, not eager ones.
 */
import { gemmSeconds } from '../model/kernels.js';
import { iterationSeconds } from './serve-step.js';
import type { ServingContext } from './serve.js';

export interface SpeculativeOptions {
  /** Tokens proposed per step (k >= 1). */
  readonly draftTokens: number;
  /** Probability each proposed token is accepted, in [0, 1]. */
  readonly acceptance: number;
}

/** Expected tokens emitted per verification step: (1 - a^(k+1)) / (1 - a), k + 1 when every guess is accepted. */
export function expectedTokensPerStep(acceptance: number, draftTokens: number): number {
  if (acceptance >= 1) return draftTokens + 1;
  return (1 - acceptance ** (draftTokens + 1)) / (1 - acceptance);
}

/** Weights of k Medusa heads: each h x h plus h x vocab. */
export function speculativeHeadParams(ctx: ServingContext, draftTokens: number): number {
  const h = ctx.model.hidden;
  return draftTokens * (h * h + h * ctx.model.vocab);
}

/**
 * One speculative step over `batch` sequences at `context` tokens each: the proposer's seconds, the verifier's, and the
 * tokens it yields.
 */
export interface SpeculativeStep {
  readonly draftS: number;
  readonly verifyS: number;
  readonly tokensPerStep: number;
  /** Seconds per output token: (draftS + verifyS) / tokensPerStep. */
  readonly perTokenS: number;
}

/** A speculative step; `draft` is the draft model's context on the same chips, absent for self-speculation heads. */
export function speculativeStepSeconds(
  ctx: ServingContext,
  spec: SpeculativeOptions,
  batch: number,
  context: number,
  draft?: ServingContext,
): SpeculativeStep {
  const k = spec.draftTokens;
  const verifyS = iterationSeconds(
    ctx,
    {
      prefillTokens: batch * k,
      prefillSequences: batch,
      decodeSequences: batch,
      contextTokens: batch * context,
      verifyTokens: k,
    },
    batch * k * (context + (k + 1) / 2),
  );
  const draftS = draft
    ? k * iterationSeconds(draft, { prefillTokens: 0, decodeSequences: batch, contextTokens: batch * context })
    : headsSeconds(ctx, batch, k);
  const tokensPerStep = expectedTokensPerStep(spec.acceptance, k);
  return { draftS, verifyS, tokensPerStep, perTokenS: (draftS + verifyS) / tokensPerStep };
}

/** k heads on the last stage, each a batch of h x h and h x vocab/tp GEMMs with its own weights. */
function headsSeconds(ctx: ServingContext, batch: number, k: number): number {
  const h = ctx.model.hidden;
  const g = (n: number, kk: number): number =>
    gemmSeconds(ctx.chip, ctx.dtype, { batch: k, m: batch, n, k: kk, weightsAreParameters: false });
  return g(h / ctx.tp, h) + g(ctx.model.vocab / ctx.tp, h);
}
