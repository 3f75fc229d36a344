/** Small sweep specs shared by the explore tests. */
export const GEMM_SPEC = `
name: gemm-test
base: tpu-v4
knobs:
  rows: { path: "cores[0].matrixUnits[0].rows", pow2: [64, 256] }
  clockHz: { path: clockHz, float: [0.8GHz, 1.6GHz], steps: 3 }
  stacks: { int: [2, 6], step: 2 }
derived:
  offChipMemory.bandwidthBytesPerS: stacks * 300GB/s
workloads:
  - { name: mm, kind: gemm, m: 2048, n: 2048, k: 2048 }
objectives:
  - { name: latency, metric: latencyS, workload: mm, direction: min }
  - { name: area, metric: siliconAreaMm2, direction: min }
constraints:
  - { metric: siliconAreaMm2, max: 600 }
sampler: { kind: grid }
`;

/** The same sweep as JSON, spelled differently (plain numbers, other key order). */
export const GEMM_SPEC_JSON = JSON.stringify({
  sampler: { kind: 'grid' },
  name: 'gemm-test',
  base: 'tpu-v4',
  knobs: {
    rows: { pow2: [64, 256], path: 'cores[0].matrixUnits[0].rows' },
    clockHz: { path: 'clockHz', float: [0.8e9, 1.6e9], steps: 3 },
    stacks: { int: [2, 6], step: 2 },
  },
  derived: { 'offChipMemory.bandwidthBytesPerS': 'stacks * 300GB/s' },
  workloads: [{ name: 'mm', kind: 'gemm', m: 2048, n: 2048, k: 2048 }],
  objectives: [
    { name: 'latency', metric: 'latencyS', workload: 'mm', direction: 'min' },
    { name: 'area', metric: 'siliconAreaMm2', direction: 'min' },
  ],
  constraints: [{ metric: 'siliconAreaMm2', max: 600 }],
});

export const withSampler = (spec: string, sampler: string): string => spec.replace('sampler: { kind: grid }', sampler);
