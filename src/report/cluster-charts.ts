/**
 * The training charts, drawn from the cluster layer's results as `tpusim train` and `tpusim
 * reliability` write them and the UI's Cluster page shows them: a step's time by part, memory per chip
 * against the chip's, goodput against the chip count, and the system as the job uses it. Pure: same
 * result, same bytes.
 */
import type { ReliabilityPoint } from '../cluster/reliability.js';
import type { StepBreakdown, TrainingStep } from '../cluster/train.js';
import type { SystemSpec } from '../cluster/types.js';
import { formatReadable, GIB } from '../core/units.js';
import { scaleChartSvg, stackedBarsSvg } from './cluster-svg.js';
import { waterfallSvg } from './economics-svg.js';
import { topologySvg } from './topology-svg.js';

/** Which run a step belongs to: the model, the chip and the chips asked for. */
export interface TrainingChartContext {
  readonly model: string;
  readonly chip: string;
  readonly chips: number;
}

/** Goodput against scale: the points, the checkpoint and restart times, and optionally this run's chip count. */
export interface GoodputChartInput {
  readonly points: readonly ReliabilityPoint[];
  readonly checkpointS: number;
  readonly restartS: number;
  readonly run?: Pick<ReliabilityPoint, 'chips' | 'goodputExponential'>;
}

/** The system a job runs on: its chips per host and network tiers, the chip, and the chips asked for. */
export interface TopologyChartInput {
  readonly system: Pick<SystemSpec, 'name' | 'chipsPerHost' | 'tiers'>;
  readonly chip: string;
  readonly chips: number;
}

/** A step's parts in the order they are drawn and listed, each with what it is. */
export const STEP_PARTS: ReadonlyArray<readonly [keyof StepBreakdown, string]> = [
  ['computeS', 'compute (forward, backward, LM head)'],
  ['recomputeS', 'recomputation'],
  ['tpCommS', 'tensor-parallel communication'],
  ['cpCommS', 'context-parallel communication'],
  ['epCommS', 'expert-parallel all-to-all'],
  ['ppCommS', 'pipeline send/receive'],
  ['dpCommS', 'data-parallel gradients (exposed)'],
  ['bubbleS', 'pipeline bubble'],
  ['optimizerS', 'optimizer'],
  ['hostS', 'host-bound (operator launch)'],
];

const count = (n: number): string => n.toLocaleString('en-US');
const titleOf = (run: TrainingChartContext): string => `${run.model} on ${count(run.chips)} x ${run.chip}`;

/** A step's time by part, as a waterfall to the step time (in ms, or s for steps of a second or more). */
export function stepTimeSvg(run: TrainingChartContext, s: TrainingStep): string {
  const [scale, unit] = s.stepTimeS >= 1 ? [1, 's'] : [1e3, 'ms'];
  return waterfallSvg({
    title: `${titleOf(run)}: step time by part`,
    unit,
    axisLabel: 'time per step',
    totalLabel: 'step',
    steps: STEP_PARTS.map(([k, label]) => ({ label, value: s.breakdown[k] * scale })),
  });
}

/**
 * Memory per chip by part (weights, gradients, optimizer state, activations) against what the chip's capacity leaves
 * usable.
 */
export function memoryPerChipSvg(run: TrainingChartContext, s: TrainingStep): string {
  const m = s.memory;
  return stackedBarsSvg({
    title: `${titleOf(run)}: memory per chip`,
    unit: 'GiB',
    axisLabel: 'memory per chip',
    parts: ['weights', 'gradients', 'optimizer state', 'activations'],
    bars: [
      {
        label: `ZeRO-${s.plan.zero}, ${s.plan.recompute}`,
        values: [m.weightsBytes, m.gradientBytes, m.optimizerBytes, m.activationBytes].map((b) => b / GIB),
      },
    ],
    limit: {
      value: m.usableBytes / GIB,
      label:
        `${run.chip}: ${formatReadable(m.usableBytes / GIB)} of ${formatReadable(m.capacityBytes / GIB)} GiB ` +
        `usable`,
    },
  });
}

/** Goodput against the chip count, exponential and first-order, with this run marked when given. */
export function goodputSvg(input: GoodputChartInput): string {
  const { points, run } = input;
  return scaleChartSvg({
    title:
      `Goodput against scale (checkpoint ${formatReadable(input.checkpointS)} s, restart ` +
      `${formatReadable(input.restartS)} s)`,
    xLabel: 'chips',
    yLabel: 'goodput (%)',
    yRange: [0, 100],
    series: [
      {
        label: "exponential failures at Daly's interval",
        points: points.map((p) => ({ x: p.chips, y: 100 * p.goodputExponential })),
      },
      { label: 'first-order model', points: points.map((p) => ({ x: p.chips, y: 100 * p.goodput })) },
    ],
    ...(run
      ? {
          marker: {
            x: run.chips,
            label: `this run: ${count(run.chips)} chips, ${formatReadable(100 * run.goodputExponential, 3)}%`,
          },
        }
      : {}),
  });
}

/** The system as the job uses it: `chipsUsed` of it (default all the chips asked for) filled. */
export function jobTopologySvg(input: TopologyChartInput, chipsUsed = input.chips): string {
  const { system } = input;
  return topologySvg({
    title: `${system.name}: ${count(input.chips)} x ${input.chip}`,
    chips: chipsUsed,
    chipsPerHost: system.chipsPerHost,
    tiers: system.tiers,
  });
}
