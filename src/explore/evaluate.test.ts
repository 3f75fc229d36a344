import { describe, expect, it } from 'vitest';
import { compileSweep } from './compile-sweep.js';

const spec = (knobs: string, workloads: string, objectives: string, constraints = '') => `
name: w
base: tpu-v5p
knobs:
${knobs}
workloads:
${workloads}
objectives:
${objectives}
${constraints}
sampler: { kind: grid }
`;

describe('workloads and metrics', () => {
  it('co-design: model knobs change the served model, only for the workload they name', () => {
    const sweep = compileSweep(
      spec(
        '  layers: { model: layers, workload: a, values: [40, 80] }',
        '  - { name: a, kind: serving, model: llama3-70b, tp: 8, batch: 8, prompt: 512, output: 64 }\n  - { ' +
          'name: b, kind: serving, model: llama3-70b, tp: 8, batch: 8, prompt: 512, output: 64 }',
        '  - { name: a, metric: throughputPerChip, workload: a, direction: max }\n  - { name: b, metric: ' +
          'throughputPerChip, workload: b, direction: max }',
      ),
    );
    const [half, full] = sweep.evaluateChunk(0, 2);
    expect(half!.objectives['a']!).toBeGreaterThan(1.5 * full!.objectives['a']!);
    expect(half!.objectives['b']).toBe(full!.objectives['b']);
    expect(full!.objectives['a']).toBe(full!.objectives['b']);
  });

  it('experts and top-k reach an MoE config, and seq the prompt', () => {
    const sweep = compileSweep(
      spec(
        '  experts: { model: experts, values: [8, 16] }\n  topK: { model: topK, values: [1, 2] }\n  seq: { ' +
          'model: seq, values: [256, 1024] }',
        '  - { name: m, kind: serving, model: mixtral-8x7b, tp: 2, batch: 4, prompt: 512, output: 32 }',
        '  - { name: ttft, metric: ttftS, workload: m, direction: min }\n  - { name: tps, metric: ' +
          'throughputPerChip, workload: m, direction: max }',
      ),
    );
    const rows = sweep.evaluateChunk(0, sweep.count);
    expect(rows.every((r) => r.feasible)).toBe(true);
    const at = (experts: number, topK: number, seq: number) =>
      rows.find((r) => r.knobs['experts'] === experts && r.knobs['topK'] === topK && r.knobs['seq'] === seq)!;
    expect(at(8, 1, 1024).objectives['ttft']!).toBeGreaterThan(at(8, 1, 256).objectives['ttft']!);
    expect(at(8, 2, 256).objectives['tps']!).toBeLessThan(at(8, 1, 256).objectives['tps']!);
    expect(at(16, 1, 256).objectives['tps']!).not.toBe(at(8, 1, 256).objectives['tps']!);
  });

  it('inference and training workloads, and the weighted mean of a metric over workloads', () => {
    const sweep = compileSweep(
      spec(
        '  clockHz: { path: clockHz, values: [1GHz, 2GHz] }',
        '  - { name: r, kind: inference, model: resnet50, batch: 8, weight: 3 }\n  - { name: t, kind: training, ' +
          'model: llama3-8b, chips: 256, tokens: 1e12, seq: 4096, weight: 1 }',
        '  - { name: ips, metric: throughputPerChip, workload: r, direction: max }\n  - { name: days, metric: ' +
          'timeToTrainS, workload: t, direction: min }\n  - { name: j, metric: energyPerUnitJ, direction: min }\n  ' +
          '- { name: mean, metric: throughputPerChip, direction: max }\n  - { name: tpsTrain, metric: ' +
          'throughputPerChip, workload: t, direction: max }',
      ),
    );
    const [slow, fast] = sweep.evaluateChunk(0, 2);
    for (const row of [slow!, fast!]) {
      expect(row.feasible).toBe(true);
      expect(row.objectives['mean']).toBeCloseTo((3 * row.objectives['ips']! + row.objectives['tpsTrain']!) / 4, 6);
      expect(row.objectives['days']).toBeCloseTo(1e12 / (row.objectives['tpsTrain']! * 256), 0);
      expect(row.objectives['j']!).toBeGreaterThan(0);
    }
    expect(fast!.objectives['ips']!).toBeGreaterThan(slow!.objectives['ips']!);
    expect(fast!.objectives['days']!).toBeLessThan(slow!.objectives['days']!);
  });

  it('a serving point that does not fit memory is infeasible with the figures', () => {
    const sweep = compileSweep(
      spec(
        '  cap: { path: offChipMemory.capacityBytes, values: [16GiB] }',
        '  - { name: s, kind: serving, model: llama3-70b, tp: 1, batch: 1, prompt: 128, output: 8 }',
        '  - { name: tps, metric: throughputPerChip, workload: s, direction: max }',
      ),
    );
    const [row] = sweep.evaluateChunk(0, 1);
    expect(row!.feasible).toBe(false);
    expect(row!.reasons[0]).toMatch(/^s: weights and KV cache need \d+(\.\d)? GB per chip/);
  });
});
