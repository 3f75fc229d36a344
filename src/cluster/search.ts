/**
 * Plan search: every parallel plan for a transformer on a number of chips, evaluated in closed form,
 * ranked by tokens per second; the rest rejected with the reason (indivisible, out of memory, a global
 * batch too small for the data parallelism).
 *
 * The space: tensor parallelism (powers of two dividing the heads, within the scale-up domain's size
 * times 2 at most, beyond which no framework goes), pipeline stages dividing the layers or powers of two
 * (plain 1F1B and interleaved with 2 or 4 virtual stages), context parallelism (powers of two dividing the sequence),
 * expert parallelism (dividing the experts and the data x context ranks), microbatches of 1 to 8
 * sequences, ZeRO stages 0 to 3, recomputation none / selective / full. Sequence parallelism is on
 * whenever tensor parallelism is (it only removes work and memory). Data parallelism takes the chips
 * that are left: floor(chips / (tp x pp x cp)); chips that would not make a whole replica stay idle and
 * the plan says so (1,000,000 chips are not a power of two). Replicas larger than the system are not
 * enumerated.
 *
 * The global batch is a target (sequences per step, at most): each plan runs the largest whole number
 * of microbatches per data-parallel rank that fits, so the batches compared differ by less than one
 * microbatch per rank.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { trainingStep, type TrainingOptions, type TrainingStep } from './train.js';
import type { TransformerModel } from './transformer.js';
import type { Recompute, SystemSpec, TrainingPlan } from './types.js';

export interface SearchOptions extends TrainingOptions {
  readonly seq: number;
  /** Target sequences per step; plans run at most this many. */
  readonly globalBatch: number;
  /** Valid plans kept in the result, best first (default 10). */
  readonly keep?: number;
  /** Restrict an axis to given values (e.g. from CLI flags). */
  readonly fixed?: Partial<
    Pick<TrainingPlan, 'tp' | 'pp' | 'cp' | 'ep' | 'zero' | 'microbatch' | 'recompute' | 'interleave'>
  >;
}

export interface RejectedGroup {
  /** The kind of reason, e.g. 'out of memory'. */
  readonly reason: string;
  readonly count: number;
  /** One plan rejected for it, and the full message. */
  readonly example: TrainingPlan;
  readonly message: string;
}

export interface SearchResult {
  readonly chips: number;
  readonly evaluated: number;
  readonly valid: number;
  /** The best valid plans, fastest first. */
  readonly best: readonly TrainingStep[];
  readonly rejected: readonly RejectedGroup[];
}

const RECOMPUTES: readonly Recompute[] = ['none', 'selective', 'full'];

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    out.push(d);
    if (d * d !== n) out.push(n / d);
  }
  return out.sort((a, b) => a - b);
}

function powersOfTwoDividing(n: number, max: number): number[] {
  const out: number[] = [];
  for (let p = 1; p <= max && n % p === 0; p *= 2) out.push(p);
  return out;
}

/** The reason's kind: the message up to its first colon or number, so that similar messages group. */
function reasonKind(message: string): string {
  if (message.startsWith('out of memory')) return 'out of memory';
  return message.replace(/[0-9]+(\.[0-9]+)?/g, 'N');
}

export function searchPlans(
  model: TransformerModel,
  chip: ChipSpec,
  system: SystemSpec,
  chips: number,
  options: SearchOptions,
): SearchResult {
  const shape = model.groups[0]!.shape;
  const moe = model.groups.find((g) => g.shape.mlp.kind === 'moe')?.shape.mlp;
  const experts = moe && moe.kind === 'moe' ? moe.experts : 1;
  const fixed = options.fixed ?? {};
  const scaleUp = system.tiers[0]?.domainChips ?? 1;
  const pick = <T>(values: readonly T[], value: T | undefined): readonly T[] =>
    value === undefined ? values : [value];
  const tps = pick(powersOfTwoDividing(shape.heads, Math.max(1, 2 * scaleUp)), fixed.tp);
  // Stages: divisors of the layers, and powers of two (uneven stages, as Llama 3's 126 layers on 16).
  const stageCounts = new Set([...divisors(model.layers), ...powersOfTwoDividing(1 << 30, model.layers)]);
  const pps = pick(
    [...stageCounts].filter((p) => p <= chips).sort((a, b) => a - b),
    fixed.pp,
  );
  const cps = pick(powersOfTwoDividing(options.seq, 1 << 20), fixed.cp);
  const eps = pick(divisors(experts), fixed.ep);
  const zeros = pick([0, 1, 2, 3] as const, fixed.zero);
  const microbatches = pick([1, 2, 4, 8], fixed.microbatch);
  const recomputes = pick(RECOMPUTES, fixed.recompute);
  const keep = options.keep ?? 10;
  const best: TrainingStep[] = [];
  const rejected = new Map<string, { count: number; example: TrainingPlan; message: string }>();
  let evaluated = 0;
  let valid = 0;
  const reject = (plan: TrainingPlan, message: string, kind = reasonKind(message)): void => {
    evaluated++;
    const r = rejected.get(kind);
    if (r) r.count++;
    else rejected.set(kind, { count: 1, example: plan, message });
  };
  const consider = (step: TrainingStep): void => {
    evaluated++;
    valid++;
    if (best.length === keep && step.tokensPerS <= best[best.length - 1]!.tokensPerS) return;
    let i = best.length;
    while (i > 0 && best[i - 1]!.tokensPerS < step.tokensPerS) i--;
    best.splice(i, 0, step);
    if (best.length > keep) best.pop();
  };
  for (const tp of tps) {
    for (const pp of pps) {
      const interleaves = pick(pp > 1 ? [1, 2, 4].filter((v) => pp * v <= model.layers) : [1], fixed.interleave);
      for (const cp of cps) {
        const replica = tp * pp * cp;
        // A replica larger than the system is not a plan at all: not counted.
        if (replica > chips) continue;
        const dp = Math.floor(chips / replica);
        for (const ep of eps) {
          for (const zero of zeros) {
            for (const microbatch of microbatches) {
              const perStep = Math.floor(options.globalBatch / (dp * microbatch));
              const globalBatch = Math.max(1, perStep) * dp * microbatch;
              // One message for every plan this batch rules out (formatting and grouping it per plan cost a tenth of
              // the search).
              const tooFew =
                perStep < 1
                  ? `data parallelism of ${dp} x microbatch ${microbatch} needs at least ${dp * microbatch} ` +
                    `sequences per step, more than the global batch of ${options.globalBatch}`
                  : undefined;
              const tooFewKind = tooFew === undefined ? '' : reasonKind(tooFew);
              for (const interleave of interleaves) {
                for (const recompute of recomputes) {
                  const plan: TrainingPlan = {
                    tp,
                    pp,
                    dp,
                    cp,
                    ep,
                    zero,
                    microbatch,
                    globalBatch,
                    seq: options.seq,
                    recompute,
                    sequenceParallel: tp > 1,
                    interleave,
                    overlapGradients: true,
                  };
                  if (tooFew !== undefined) {
                    reject(plan, tooFew, tooFewKind);
                    continue;
                  }
                  const step = trainingStep(model, chip, system, replica * dp, plan, options);
                  if (step.valid) consider(step);
                  else reject(plan, step.reasons[0] ?? 'invalid');
                }
              }
            }
          }
        }
      }
    }
  }
  const groups = [...rejected.entries()]
    .map(([reason, r]) => ({ reason, count: r.count, example: r.example, message: r.message }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  return { chips, evaluated, valid, best, rejected: groups };
}
