/**
 * One serving step on one replica: a pass of tokens through a pipeline stage (its layers as GEMMs,
 * attention and element-wise work, tensor-parallel all-reduces, the hop to the next stage, the
 * kernels' launch gaps), and how the passes of a step flow through pp stages.
 *
 * Pipelining follows what TensorRT-LLM and vLLM do with pipeline parallelism: the batch is cut into
 * up to pp microbatches kept in flight at once (vLLM: one "virtual engine" per stage; TensorRT-LLM:
 * micro-batches of in-flight batching), so the stages work concurrently. K passes through pp stages
 * take the round trip of the first plus (K - 1) times the slowest stage (GPipe, Huang et al. 2019:
 * (K + pp - 1) stage times for equal stages); a decoding microbatch returns after max(M x slowest
 * stage, its round trip), since its next token needs the last one.
 */
import { gemmSeconds } from '../model/kernels.js';
import { collectiveCost } from './collectives.js';
import { layerKernels, layerSeconds, layerTotal } from './serve-layer.js';
import type { ServingContext } from './serve.js';
import { hostStepSeconds } from './serving-engines.js';
import type { IterationShape } from './serving-sim.js';

export { layerKernels } from './serve-layer.js';

/** Kernels per step outside the layers: embedding, final norm, LM head, sampling (softmax, top-k/p, argmax). */
const STEP_KERNELS = 5;

/** A pass of one microbatch: the slowest stage's seconds, and the seconds through every stage (its latency). */
export interface PassTime {
  readonly stageS: number;
  readonly roundTripS: number;
}

/**
 * A step's shape; `verifyTokens` marks a speculative verification step: each decoding sequence also
 * checks that many proposed tokens (held in `prefillTokens` as a short causal prefill of its own).
 */
export interface StepShape extends IterationShape {
  readonly verifyTokens?: number;
}

/**
 * Whether a step replays captured graphs: decode-only steps up to the engine's graph batch, or (piecewise)
 * small prefill steps. A verification step is a decode step of k + 1 tokens per sequence and replays the
 * decode graphs alike: TensorRT-LLM runs DeepSeek-R1's MTP verification as one CUDA-graph decoding
 * iteration of m = k + 1 tokens per request (tech blog 1, "Everything in One Diagram": m = 4 with three
 * MTP layers; "Baseline: CUDA Graph"); vLLM V1 captures full graphs for uniform decode batches of
 * 1 + num_speculative_tokens tokens per request (docs, CUDA Graphs design).
 */
function graphMode(ctx: ServingContext, step: StepShape): 'graph' | 'piecewise' | 'eager' {
  const e = ctx.engine;
  if (step.prefillTokens === 0 || (step.verifyTokens ?? 0) > 0)
    return step.decodeSequences <= e.graphMaxBatch ? 'graph' : 'eager';
  return step.prefillTokens + step.decodeSequences <= e.piecewiseGraphMaxTokens ? 'piecewise' : 'eager';
}

/**
 * Device seconds of kernel launches for `kernels` kernels of which `attention` run outside a piecewise
 * graph, on `chip`s whose host launches kernels (none on chips that run compiled programs).
 */
function launchSeconds(
  ctx: ServingContext,
  mode: 'graph' | 'piecewise' | 'eager',
  kernels: number,
  attention: number,
): number {
  if (!ctx.launchesKernels) return 0;
  const gap = ctx.engine.kernelGapS;
  if (mode === 'graph') return kernels * gap.graph;
  if (mode === 'piecewise') return (kernels - attention) * gap.graph + attention * gap.eager;
  return kernels * gap.eager;
}

/**
 * One pass of `step` (one microbatch) through the pipeline: per stage, its share of the layers, launches and the hop
 * onwards.
 */
export function passSeconds(ctx: ServingContext, step: StepShape, prefillPairs: number): PassTime {
  const tokens = step.prefillTokens + step.decodeSequences;
  if (tokens <= 0) return { stageS: 0, roundTripS: 0 };
  const { model, pp } = ctx;
  let layersS = 0;
  let kernels = 0;
  const work = {
    tokens,
    prefillTokens: step.prefillTokens,
    prefillSequences: step.prefillSequences ?? (step.prefillTokens > 0 ? 1 : 0),
    prefillPairs,
    decodeSequences: step.decodeSequences,
    contextTokens: step.contextTokens,
    ...((step.verifyTokens ?? 0) > 0 ? { verify: true } : {}),
  };
  for (const g of model.groups) {
    layersS += g.count * layerTotal(ctx, layerSeconds(ctx, g.shape, work));
    kernels += g.count * layerKernels(g.shape, ctx.tp);
  }
  const mode = graphMode(ctx, step);
  const launchS = launchSeconds(ctx, mode, kernels, model.layers);
  // The LM head on the last stage, for the tokens that produce output (decoding sequences and completed prompts).
  const outputs = Math.max(1, step.decodeSequences + (step.prefillTokens > 0 ? (step.prefillSequences ?? 1) : 0));
  const headS =
    gemmSeconds(
      ctx.chip,
      ctx.dtype,
      { batch: 1, m: outputs, n: model.vocab / ctx.tp, k: model.hidden, weightsAreParameters: true },
      { fp8FastAccumulation: ctx.engine.fp8FastAccumulation },
    ) + launchSeconds(ctx, mode, STEP_KERNELS, 0);
  const hopS =
    pp > 1 ? collectiveCost(ctx.system, 'p2p', tokens * model.hidden * 2, { size: 2, stride: ctx.tp }).seconds : 0;
  // Stages hold ceil(layers / pp) layers, the last the rest and the LM head.
  const perStage = Math.ceil(model.layers / pp);
  const share = (layers: number): number => (layers / model.layers) * (layersS + launchS);
  const lastStage = share(model.layers - (pp - 1) * perStage) + headS;
  let stageS = pp > 1 ? Math.max(share(perStage) + hopS, lastStage) : lastStage;
  // A pass runs no faster than its host launches the stage's kernels: all of them eagerly; under
  // piecewise graphs the attention kernels and one graph per piece between them.
  if (ctx.launchesKernels && mode !== 'graph') {
    const launched = mode === 'eager' ? kernels + STEP_KERNELS : 2 * model.layers + 1;
    stageS = Math.max(stageS, (launched / pp) * ctx.engine.launchS);
  }
  return { stageS, roundTripS: Math.max(stageS, layersS + launchS + headS + (pp - 1) * hopS) };
}

/** Seconds between passes entering the pipeline: the slowest stage, and the host's step unless it overlaps. */
function passInterval(ctx: ServingContext, pass: PassTime, hostS: number): number {
  return ctx.engine.overlapsHost || ctx.pp > 1 ? Math.max(pass.stageS, hostS) : pass.stageS + hostS;
}

/** Microbatches a step of `sequences` sequences is cut into: up to one per stage. */
export function microbatches(ctx: ServingContext, sequences: number): number {
  return Math.max(1, Math.min(ctx.pp, Math.floor(sequences)));
}

/** A step shape cut into `parts` equal pieces. */
function part(step: StepShape, parts: number): StepShape {
  return {
    prefillTokens: step.prefillTokens / parts,
    decodeSequences: step.decodeSequences / parts,
    contextTokens: step.contextTokens / parts,
    ...(step.prefillSequences !== undefined ? { prefillSequences: step.prefillSequences / parts } : {}),
    ...(step.verifyTokens !== undefined ? { verifyTokens: step.verifyTokens } : {}),
  };
}

/**
 * Seconds of one scheduler iteration over the whole batch (what `simulateServing` advances by): the batch
 * in up to pp microbatches through the stages; every sequence moves one token (or one prefill chunk).
 */
export function iterationSeconds(
  ctx: ServingContext,
  step: StepShape,
  prefillPairs = (step.prefillTokens * (step.prefillTokens + 1)) / 2,
): number {
  const sequences = step.decodeSequences + (step.prefillSequences ?? (step.prefillTokens > 0 ? 1 : 0));
  if (step.prefillTokens + step.decodeSequences <= 0) return 0;
  const m = microbatches(ctx, sequences);
  const pass = passSeconds(ctx, part(step, m), prefillPairs / m);
  const hostS = hostStepSeconds(ctx.engine, sequences / m);
  const interval = passInterval(ctx, pass, hostS);
  return Math.max(m * interval, pass.roundTripS + (ctx.engine.overlapsHost ? 0 : hostS));
}

/**
 * When the passes of a prefill finish: the first after the host's step and a round trip, the others one interval apart.
 */
export interface PrefillTime {
  /** Mean over the prompts of the time their last pass finishes (s). */
  readonly meanS: number;
  /** The last pass (s). */
  readonly lastS: number;
}

/**
 * Prefill of `batch` prompts of `prompt` tokens: in passes of at most the engine's tokens per step and
 * at least one microbatch per stage (while there are prompts to share out); a prompt is done with its last pass.
 */
export function prefillSeconds(ctx: ServingContext, batch: number, prompt: number): PrefillTime {
  const tokens = batch * prompt;
  const passes = Math.max(microbatches(ctx, batch), Math.ceil(tokens / ctx.engine.maxBatchTokens));
  const pairs = (batch * prompt * (prompt + 1)) / 2;
  const pass = passSeconds(
    ctx,
    {
      prefillTokens: tokens / passes,
      decodeSequences: 0,
      contextTokens: 0,
      prefillSequences: Math.max(1, batch / passes),
    },
    pairs / passes,
  );
  const hostS = hostStepSeconds(ctx.engine, Math.max(1, batch / passes));
  const interval = passInterval(ctx, pass, hostS);
  const firstS = hostS + pass.roundTripS;
  // Prompt j (1-based) is done with pass ceil(j x passes / batch).
  let sum = 0;
  for (let j = 1; j <= batch; j++) sum += Math.ceil((j * passes) / batch) - 1;
  return { meanS: firstS + (sum / batch) * interval, lastS: firstS + (passes - 1) * interval };
}
