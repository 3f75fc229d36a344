/**
 * How a collective benchmark times its calls, and what that adds to the collective itself: nccl-tests
 * launches its iterations back to back and reports the mean per call, so what it measures is the
 * collective; a blocking torch.distributed loop (barrier, event, one all_reduce, event, synchronize)
 * also measures how far apart the ranks leave the barrier and the host's dispatch of the call.
 */
import type { Citation } from '../arch/chip-spec.js';
import { collectiveCost } from './collectives.js';
import { cite } from './transport-sources.js';
import type { Collective, GroupPlacement, SystemSpec } from './types.js';

export const COLLECTIVE_HARNESSES = ['nccl-tests', 'torch-distributed'] as const;
export type CollectiveHarness = (typeof COLLECTIVE_HARNESSES)[number];

export interface HarnessProfile {
  readonly description: string;
  /** What a call measures beyond the collective, given the group's barrier (an all-reduce of one element). */
  readonly overheadS: (barrierS: number) => number;
  readonly citations: Readonly<Record<string, Citation>>;
}

/**
 * Fitted to the three latency-bound calibration rows timed with all_reduce_bench.py (p6-b200: 1 MiB on
 * one node, 1 and 16 MiB on four; ml-engineering-network.yaml): measured minus predicted, over the
 * group's barrier, is 2.1, 2.4 and 1.7; the median is kept.
 */
export const TORCH_BLOCKING_BARRIERS = 2.1;

export const HARNESS_PROFILES: Readonly<Record<CollectiveHarness, HarnessProfile>> = {
  'nccl-tests': {
    description: 'nccl-tests: iterations launched back to back, the mean time per call',
    overheadS: () => 0,
    citations: { overheadS: cite('nccltests', 'timed iterations back to back on the stream') },
  },
  'torch-distributed': {
    description:
      'a blocking torch.distributed loop (barrier, event, all_reduce, event, synchronize), as all_reduce_bench.py',
    overheadS: (barrierS) => TORCH_BLOCKING_BARRIERS * barrierS,
    citations: {
      overheadS: cite(
        'allReduceBench',
        'timed_allreduce(): dist.barrier(), start event, dist.all_reduce, end event, synchronize',
      ),
      barrierS: cite(
        'tpusim',
        'PyTorch ProcessGroupNCCL::barrier runs an all-reduce of a cached one-element tensor and waits on the stream',
        'derived',
      ),
      blockingBarriers: cite(
        'tpusim',
        'median over three calibration rows of all_reduce_bench.py on p6-b200',
        'estimate',
        'fitted, not published: the ranks leave the barrier up to its latency apart and the host then dispatches ' +
          'the call',
      ),
    },
  },
};

/** Seconds a harness reports for one collective: the collective, plus what the harness's timing adds. */
export function harnessSeconds(
  system: SystemSpec,
  kind: Collective,
  bytes: number,
  placement: GroupPlacement,
  harness: CollectiveHarness = 'nccl-tests',
): number {
  const seconds = collectiveCost(system, kind, bytes, placement).seconds;
  return placement.size <= 1
    ? seconds
    : seconds + HARNESS_PROFILES[harness].overheadS(collectiveCost(system, 'all-reduce', 4, placement).seconds);
}
