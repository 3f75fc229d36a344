/**
 * Reliability of synchronous training at scale, in closed form: how often a job of N chips is interrupted,
 * how often it should checkpoint, and what fraction of wall time is left for useful work (goodput).
 *
 * Failures are a Poisson process whose rate grows linearly with the chip count (any chip's failure stops
 * the synchronous job), so the system MTBF is the per-chip MTBF over N. With Llama 3's fleet rate and
 * Daly's interval, goodput from the exponential model (`reliabilityAtScale`):
 *
 * | chips | interruptions/day | MTBF    | goodput, C 60 s, R 300 s | goodput, C 1 s, R 5 s |
 * |-------|-------------------|---------|--------------------------|-----------------------|
 * | 1e4   | 4.7               | 5.1 h   | 0.91                     | 0.99                  |
 * | 1e5   | 47                | 30 min  | 0.65                     | 0.96                  |
 * | 1e6   | 474               | 3.0 min | 0.08                     | 0.87                  |
 * | 1e7   | 4,736             | 18 s    | 1e-9                     | 0.54                  |
 *
 * At 1e6-1e7 chips the MTBF (minutes to seconds) is of the order of a checkpoint write or a restart, so
 * goodput collapses: a job spends its time restarting and rewriting state it then loses. Scaling that far
 * needs checkpoint and restart times that shrink with the MTBF (in-memory or peer-to-peer checkpoints,
 * hot spares, restarts measured in seconds), a lower per-chip failure rate, or training that does not stop
 * for one chip (redundancy, elastic data parallelism, asynchronous or decoupled replicas).
 */
import { TpusimError, issue, type Issue } from '../core/errors.js';
import { HOURS_PER_DAY, SECONDS_PER_HOUR } from '../core/units.js';

/** A published interruption rate, with where it comes from and how it was derived. */
export interface FailureRate {
  /** Interruptions per chip per hour of the whole job. */
  readonly perChipHour: number;
  readonly source: string;
  readonly where: string;
  /** The published sentence(s) the numbers come from. */
  readonly quote: string;
  readonly arithmetic: string;
}

/**
 * Llama 3 pre-training, unexpected interruptions only. A. Grattafiori et al., "The Llama 3 Herd of Models",
 * arXiv:2407.21783, 2024, section 3.3.4: "During a 54-day snapshot period of pre-training, we experienced a
 * total of 466 job interruptions. Of these, 47 were planned interruptions [...]. The remaining 419 were
 * unexpected interruptions". Chips: 16,384 H100 GPUs, Table 4's two 16K-GPU stages (section 3.3.4 speaks of
 * "16K GPU training"; the paper does not list the chip count per day of the snapshot).
 * 419 / (54 days x 24 h x 16,384 GPUs) = 1.9733e-5 interruptions per GPU-hour (an MTBF of 5.79 years per GPU).
 */
export const LLAMA3_UNEXPECTED_PER_CHIP_HOUR = 419 / (54 * HOURS_PER_DAY * 16_384);

/** Same source, all 466 interruptions (planned maintenance also stops the job): 466 / (54 x 24 x 16,384). */
export const LLAMA3_ALL_PER_CHIP_HOUR = 466 / (54 * HOURS_PER_DAY * 16_384);

/**
 * OPT-175B, a lower bound. S. Zhang et al., "OPT: Open Pre-trained Transformer Language Models",
 * arXiv:2205.01068, 2022. Section 2.4: "We trained OPT-175B on 992 80GB A100 GPUs"; section 2.5: "hardware
 * failures contributed to at least 35 manual restarts and the cycling of over 100 hosts over the course of
 * 2 months. [...] we estimate 70+ automatic restarts due to hardware failures."
 * (35 + 70) / (60 days x 24 h x 992 GPUs) = 7.35e-5 per GPU-hour; "2 months" taken as 60 days, and both
 * counts are minimums.
 */
export const OPT175B_HARDWARE_PER_CHIP_HOUR = (35 + 70) / (60 * HOURS_PER_DAY * 992);

export const FAILURE_RATES: Readonly<Record<'llama3-unexpected' | 'llama3-all' | 'opt-175b', FailureRate>> = {
  'llama3-unexpected': {
    perChipHour: LLAMA3_UNEXPECTED_PER_CHIP_HOUR,
    source: 'A. Grattafiori et al., "The Llama 3 Herd of Models", arXiv:2407.21783, 2024',
    where: 'section 3.3.4; Table 4 for the 16,384 GPUs',
    quote:
      'During a 54-day snapshot period of pre-training, we experienced a total of 466 job interruptions. [...] ' +
      'The remaining 419 were unexpected interruptions',
    arithmetic: '419 / (54 x 24 x 16384)',
  },
  'llama3-all': {
    perChipHour: LLAMA3_ALL_PER_CHIP_HOUR,
    source: 'A. Grattafiori et al., "The Llama 3 Herd of Models", arXiv:2407.21783, 2024',
    where: 'section 3.3.4; Table 4 for the 16,384 GPUs',
    quote: 'During a 54-day snapshot period of pre-training, we experienced a total of 466 job interruptions.',
    arithmetic: '466 / (54 x 24 x 16384)',
  },
  'opt-175b': {
    perChipHour: OPT175B_HARDWARE_PER_CHIP_HOUR,
    source: 'S. Zhang et al., "OPT: Open Pre-trained Transformer Language Models", arXiv:2205.01068, 2022',
    where: 'sections 2.4 (992 GPUs) and 2.5 (Hardware Failures)',
    quote:
      'hardware failures contributed to at least 35 manual restarts and the cycling of over 100 hosts over the ' +
      'course of 2 months. [...] we estimate 70+ automatic restarts due to hardware failures.',
    arithmetic: '(35 + 70) / (60 x 24 x 992), a lower bound; 2 months taken as 60 days',
  },
};

/** Expected job interruptions per day for `chips` chips, each failing at `ratePerChipHour`. */
export function interruptionsPerDay(chips: number, ratePerChipHour: number): number {
  return chips * ratePerChipHour * HOURS_PER_DAY;
}

/** Mean time between job interruptions (seconds): the per-chip MTBF divided by the chip count. */
export function systemMtbfS(chips: number, ratePerChipHour: number): number {
  return SECONDS_PER_HOUR / (chips * ratePerChipHour);
}

/**
 * Time to write a checkpoint of `stateBytes` at `writeBandwidthBytesPerS` (the slowest of chip, network and storage).
 */
export function checkpointSeconds(stateBytes: number, writeBandwidthBytesPerS: number): number {
  return stateBytes / writeBandwidthBytesPerS;
}

/**
 * Young's optimum compute time between checkpoints, sqrt(2 C M). J. W. Young, "A first order approximation
 * to the optimum checkpoint interval", Communications of the ACM 17(9), 1974.
 */
export function youngInterval(checkpointS: number, mtbfS: number): number {
  return Math.sqrt(2 * checkpointS * mtbfS);
}

/** Whether Daly's perturbation formula applies: checkpoint time C < 2 M. */
export function dalyApplies(checkpointS: number, mtbfS: number): boolean {
  return checkpointS < 2 * mtbfS;
}

/**
 * Daly's higher-order optimum compute time between checkpoints. J. T. Daly, "A higher order estimate of the
 * optimum checkpoint interval for restart dumps", Future Generation Computer Systems 22(3), 2006:
 * sqrt(2 C M) [1 + (1/3) sqrt(C / 2M) + (1/9) (C / 2M)] - C for C < 2M, and M otherwise.
 * It reproduces the paper's worked cases (Figs. 3-5: C = 5 min and M = 24 h, 6 h, 15 min give 117, 57 and
 * 9.1 min) and tends to Young's interval as C / M -> 0.
 */
export function dalyInterval(checkpointS: number, mtbfS: number): number {
  if (!dalyApplies(checkpointS, mtbfS)) return mtbfS;
  const x = checkpointS / (2 * mtbfS);
  return youngInterval(checkpointS, mtbfS) * (1 + Math.sqrt(x) / 3 + x / 9) - checkpointS;
}

export interface GoodputInput {
  /** Time to write one checkpoint (C). */
  readonly checkpointS: number;
  /** Time from a failure until training runs again from the last checkpoint (R). */
  readonly restartS: number;
  /** Compute time between checkpoints (tau), excluding the checkpoint write. */
  readonly intervalS: number;
  /** System MTBF (M). */
  readonly mtbfS: number;
}

/**
 * Useful fraction of wall time, first-order model (Young 1974; Daly 2006's simplified cost function): each
 * period is tau of compute plus C of checkpoint; a failure (rate 1/M over wall time) strikes on average
 * half-way through a period, so it loses (tau + C)/2 of work plus the restart R:
 *   goodput = tau / (tau + C) x (1 - (R + (tau + C)/2) / M), clamped to [0, 1].
 * Its optimum in tau is Young's sqrt(2 C M). It is accurate while tau, C, R << M; past that it reaches 0
 * where `goodputExponential` only tends to it.
 */
export function goodput(input: GoodputInput): number {
  const { checkpointS: c, restartS: r, intervalS: tau, mtbfS: m } = input;
  const period = tau + c;
  const value = (tau / period) * (1 - (r + period / 2) / m);
  return Math.min(1, Math.max(0, value));
}

/**
 * Useful fraction of wall time with exponential failures, the complete model whose optimum Daly 2006
 * approximates: a period of tau + C must run without a failure, and every retry first repeats the restart
 * R (failures may strike it too), so a period takes M e^(R/M) (e^((tau + C)/M) - 1) on average:
 *   goodput = tau / (M e^(R/M) (e^((tau + C)/M) - 1)).
 * Equals `goodput` to first order in 1/M, stays in (0, 1], and Daly's interval maximizes it.
 */
export function goodputExponential(input: GoodputInput): number {
  const { checkpointS: c, restartS: r, intervalS: tau, mtbfS: m } = input;
  return tau / (m * Math.exp(r / m) * Math.expm1((tau + c) / m));
}

export interface ReliabilityInput {
  readonly chips: readonly number[];
  /** Interruptions per chip-hour; Llama 3's unexpected rate when omitted. */
  readonly ratePerChipHour?: number;
  readonly checkpointS: number;
  readonly restartS: number;
}

export interface ReliabilityPoint {
  readonly chips: number;
  readonly interruptionsPerDay: number;
  readonly mtbfS: number;
  /** Daly's optimum compute time between checkpoints. */
  readonly intervalS: number;
  readonly youngIntervalS: number;
  /** False where C >= 2M: the interval is then M and the formula is outside its derivation. */
  readonly dalyApplies: boolean;
  /** First-order model at the Daly interval. */
  readonly goodput: number;
  /** Exponential model at the Daly interval. */
  readonly goodputExponential: number;
}

/** The lowest failure rate per chip-hour accepted: a chip failing once in 1e12 hours (1e8 years). */
export const MIN_RATE_PER_CHIP_HOUR = 1e-12;

/** Every problem with a reliability input, with its path and value. */
export function validateReliabilityInput(input: ReliabilityInput): Issue[] {
  const out: Issue[] = [];
  input.chips.forEach((n, i) => {
    if (!(Number.isFinite(n) && n > 0)) out.push(issue('too_small', `chips[${i}]`, `chips[${i}]: ${n} must be > 0`));
  });
  const rate = input.ratePerChipHour;
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
    out.push(issue('too_small', 'ratePerChipHour', `ratePerChipHour: ${rate} must be > 0`));
  } else if (rate !== undefined && rate < MIN_RATE_PER_CHIP_HOUR) {
    // Below it the MTBF of any job overflows the arithmetic (1 / 1e-320 is Infinity) long before it means anything.
    out.push(
      issue(
        'too_small',
        'ratePerChipHour',
        `ratePerChipHour: ${rate} is below the lower limit ${MIN_RATE_PER_CHIP_HOUR} (one failure per chip in a ` +
          `trillion hours)`,
      ),
    );
  }
  for (const key of ['checkpointS', 'restartS'] as const) {
    const v = input[key];
    if (!(Number.isFinite(v) && v >= 0)) out.push(issue('too_small', key, `${key}: ${v} must be >= 0 s`));
  }
  if (input.checkpointS === 0)
    out.push(issue('too_small', 'checkpointS', 'checkpointS: 0 must be > 0 s (the optimum interval is then 0)'));
  return out;
}

/**
 * Interruptions, MTBF, Daly interval and goodput per chip count. Throws `TpusimError` (`invalid_reliability_input`) on
 * bad input.
 */
export function reliabilityAtScale(input: ReliabilityInput): ReliabilityPoint[] {
  const issues = validateReliabilityInput(input);
  if (issues.length > 0) {
    throw new TpusimError(
      'invalid_reliability_input',
      `invalid reliability input:\n${issues.map((i) => i.message).join('\n')}`,
      { issues },
    );
  }
  const rate = input.ratePerChipHour ?? LLAMA3_UNEXPECTED_PER_CHIP_HOUR;
  const { checkpointS, restartS } = input;
  return input.chips.map((chips) => {
    const mtbfS = systemMtbfS(chips, rate);
    const intervalS = dalyInterval(checkpointS, mtbfS);
    const at = { checkpointS, restartS, intervalS, mtbfS };
    return {
      chips,
      interruptionsPerDay: interruptionsPerDay(chips, rate),
      mtbfS,
      intervalS,
      youngIntervalS: youngInterval(checkpointS, mtbfS),
      dalyApplies: dalyApplies(checkpointS, mtbfS),
      goodput: goodput(at),
      goodputExponential: goodputExponential(at),
    };
  });
}
