import { describe, expect, it } from 'vitest';
import { collectiveSeconds } from './collectives.js';
import { getSystemPreset } from './systems.js';
import type { SystemSpec } from './types.js';

/**
 * vTrain's measured all-reduce times on its A100 node (nccl-tests, fp32, the second time column, which
 * vTrain's predictor reads): VIA-Research/vTrain commit f8dda84, trace/a100/AR_GPU{2,4,8}_1M_1024M_LUT, MIT
 * licence. vTrain times 2-8 GPU all-reduces from these tables and applies its config's
 * `intra_node_bandwidth` (150 GB/s) only beyond 8 GPUs (src/predictor.py, compute_comm_time).
 */
const MEASURED_US: readonly (readonly [gpus: number, mib: number, us: number])[] = [
  [2, 16, 129.4],
  [2, 64, 404.0],
  [2, 256, 1454.4],
  [4, 16, 177.8],
  [4, 64, 540.6],
  [4, 256, 1927.7],
  [8, 16, 231.0],
  [8, 64, 579.6],
  [8, 256, 2158.0],
];

/** The vTrain harness's cluster (src/cluster/train.test.ts) with a given intra-node bandwidth. */
function vtrainSystem(intraNodeBytesPerS?: number): SystemSpec {
  const base = getSystemPreset('dgx-a100');
  return {
    ...base,
    name: 'vtrain-a100',
    tiers: [
      intraNodeBytesPerS === undefined ? base.tiers[0]! : { ...base.tiers[0]!, bandwidthBytesPerS: intraNodeBytesPerS },
      { ...base.tiers[1]!, bandwidthBytesPerS: 100e9 / 8 },
    ],
  };
}

const ratios = (system: SystemSpec): number[] =>
  MEASURED_US.map(([gpus, mib, us]) => collectiveSeconds(system, 'all-reduce', mib * 2 ** 20, gpus, 1) / (us * 1e-6));

describe("vTrain's A100 node: intra-node all-reduce against vTrain's measured tables", () => {
  it("the dgx-a100 preset's NVLink tier is within 35% of every measured point, on the fast side", () => {
    const r = ratios(vtrainSystem());
    console.log(`dgx-a100 NVLink, model / measured: ${r.map((x) => x.toFixed(2)).join(' ')}`);
    for (const x of r) {
      expect(x).toBeGreaterThan(0.65);
      expect(x).toBeLessThan(1);
    }
  });

  it("vTrain's config value of 150 GB/s, taken as the node's fabric, is 20-85% slow at every point", () => {
    const r = ratios(vtrainSystem(150e9));
    console.log(`150 GB/s, model / measured: ${r.map((x) => x.toFixed(2)).join(' ')}`);
    for (const x of r) {
      expect(x).toBeGreaterThan(1.2);
      expect(x).toBeLessThan(1.85);
    }
  });
});
